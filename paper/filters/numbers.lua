-- numbers.lua: replace [key]{.num} by the value an experiment computed.
-- The merged numbers file (key<TAB>value<TAB>unit) is named by $NUMBERS_FILE.
-- Optional attribute fmt="%.3f" picks the format, class .unit appends the unit; the default is an integer
-- when the value is one, else 4 significant digits (powers of ten as math).
-- Inside math, $x = [key]{.num}$ is substituted too. An unknown key, a bad
-- fmt or a misspelled class ([key]{.nums}) stops the build naming the key;
-- keys computed but never quoted are listed on stderr so that dead numbers
-- are noticed.
package.path = PANDOC_SCRIPT_FILE:match("^(.*[/\\])") .. "?.lua;" .. package.path
local path = os.getenv("NUMBERS_FILE") or error("numbers.lua: NUMBERS_FILE is not set")
local nb = require("tables").numbers(path, "numbers.lua")
local values, units, order, quoted = nb.values, nb.units, nb.order, {}

-- A fmt must print the number: exactly one numeric conversion (flags, width
-- and precision allowed) besides literal %%; "n/a" or "" would replace it.
local ONE_CONVERSION = "^[^%%]*%%[-+ #0]*%d*%.?%d*[diouxXaAeEfFgG][^%%]*$"

local function format(key, v, fmt)
  if fmt then
    if not fmt:gsub("%%%%", ""):match(ONE_CONVERSION) then
      error("numbers.lua: key '" .. key .. "': bad fmt '" .. fmt .. "': expected one numeric conversion such as %.3f", 0)
    end
    local ok, s = pcall(string.format, fmt, v)
    if not ok then error("numbers.lua: key '" .. key .. "': bad fmt '" .. fmt .. "': " .. tostring(s), 0) end
    return s
  end
  if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%d", v) end
  return string.format("%.4g", v)
end

-- The value of key, formatted, marked as quoted; an unknown key stops the build.
local function quote(key, fmt)
  local v = values[key]
  if v == nil then error("numbers.lua: unknown numbers key '" .. key .. "' (not in " .. path .. ")") end
  quoted[key] = true
  return format(key, v, fmt)
end

local function as_inline(s)
  local mant, ex = s:match("^(%-?[%d%.]+)e([%+%-]%d+)$")
  if mant then
    return pandoc.Math("InlineMath", mant .. "\\times 10^{" .. tonumber(ex) .. "}")
  end
  return pandoc.Str(s)
end

-- A number reference with a misspelled class would leave its key as text in
-- the paper. So a span without class num is taken for one, and stops the
-- build, when its text is a numbers key, when it has fmt (meaningful on .num
-- only), or when a class begins with num in any case (nums, Num, number). The
-- paper's other spans (.claim, .ledger-count, pandoc's .smallcaps) hold prose.
local function misspelled(el)
  local text = pandoc.utils.stringify(el.content)
  local slip = values[text] ~= nil or el.attributes.fmt ~= nil
  for _, c in ipairs(el.classes) do slip = slip or c:lower():match("^num") ~= nil end
  if slip then
    local attrs = {}
    for _, c in ipairs(el.classes) do attrs[#attrs + 1] = "." .. c end
    if el.attributes.fmt then attrs[#attrs + 1] = 'fmt="' .. el.attributes.fmt .. '"' end
    error("numbers.lua: [" .. text .. "]{" .. table.concat(attrs, " ") .. "} is not a number reference: write [key]{.num}", 0)
  end
end

-- [key]{.num .unit} prints the value with its unit from the numbers file ("nats",
-- "sweeps"; "1" is printed "(dimensionless)"); a key with no unit there stops the build.
local function unit_inlines(key)
  local u = units[key]
  if u == nil or u == "" then error("numbers.lua: key '" .. key .. "' is quoted with its unit but has none in " .. path, 0) end
  if u == "1" then u = "(dimensionless)" end
  return {pandoc.Str("\u{00a0}" .. u)}
end

function Span(el)
  if not el.classes:includes("num") then return misspelled(el) end
  local key = pandoc.utils.stringify(el.content)
  local value = as_inline(quote(key, el.attributes.fmt))
  if not el.classes:includes("unit") then return value end
  return {value, table.unpack(unit_inlines(key))}
end

-- Inside math ($n = [key]{.num}$ is raw TeX to pandoc) the same syntax is
-- substituted in the TeX text; attributes other than fmt are an error.
function Math(el)
  local text = el.text:gsub("%[([^%[%]]*)%]{%.num([^}]*)}", function(key, attrs)
    local rest, fmt = attrs:gsub('^%s*fmt="([^"]*)"%s*$', "%1")
    if attrs:match("%S") and rest == attrs then
      error("numbers.lua: key '" .. key .. "' in math: only fmt=\"...\" is allowed, got '" .. attrs .. "'", 0)
    end
    local s = quote(key, fmt > 0 and rest or nil)
    local mant, ex = s:match("^(%-?[%d%.]+)e([%+%-]%d+)$")
    return mant and (mant .. "\\times 10^{" .. tonumber(ex) .. "}") or s
  end)
  if text:lower():match("{%.num") then error("numbers.lua: a .num in math that is not [key]{.num}: " .. el.text, 0) end
  if text ~= el.text then
    el.text = text
    return el
  end
end

function Pandoc(doc)
  -- <key>_se exist for verification (make verify compares by them), not for quoting
  local unused = {}
  for _, k in ipairs(order) do
    if not quoted[k] and not k:match("_se$") then unused[#unused + 1] = k end
  end
  -- said once: by the plain-text pass that writes the claims report (CLAIMS_REPORT)
  if #unused > 0 and os.getenv("CLAIMS_REPORT") then
    local shown = {table.unpack(unused, 1, math.min(#unused, 8))}
    io.stderr:write("numbers.lua: " .. #unused .. " computed numbers (besides standard errors) are never quoted, e.g. "
      .. table.concat(shown, ", ") .. (#unused > 8 and ", ..." or "") .. "\n")
  end
  return doc
end
