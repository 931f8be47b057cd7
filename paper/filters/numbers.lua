-- numbers.lua: replace [key]{.num} by the value an experiment computed.
-- The merged numbers file (key<TAB>value<TAB>unit) is named by $NUMBERS_FILE.
-- Optional attribute fmt="%.3f" picks the format; the default is an integer
-- when the value is one, else 4 significant digits (powers of ten as math).
-- An unknown key stops the build naming it; keys computed but never quoted
-- are listed on stderr so that dead numbers are noticed.
local path = os.getenv("NUMBERS_FILE") or error("numbers.lua: NUMBERS_FILE is not set")
local values, units, order, quoted = {}, {}, {}, {}

local f = io.open(path, "r") or error("numbers.lua: cannot open " .. path)
for line in f:lines() do
  if line:sub(1, 1) ~= "#" and line ~= "" then
    local key, value, unit = line:match("^([^\t]+)\t([^\t]+)\t?([^\t]*)$")
    if key and key ~= "key" then
      values[key] = tonumber(value) or error("numbers.lua: " .. path .. ": key '" .. key .. "' has no number")
      units[key] = unit
      order[#order + 1] = key
    end
  end
end
f:close()

local function format(v, fmt)
  if fmt then return string.format(fmt, v) end
  if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%d", v) end
  return string.format("%.4g", v)
end

local function as_inline(s)
  local mant, ex = s:match("^(%-?[%d%.]+)e([%+%-]%d+)$")
  if mant then
    return pandoc.Math("InlineMath", mant .. "\\times 10^{" .. tonumber(ex) .. "}")
  end
  return pandoc.Str(s)
end

function Span(el)
  if not el.classes:includes("num") then return nil end
  local key = pandoc.utils.stringify(el.content)
  local v = values[key]
  if v == nil then error("numbers.lua: unknown numbers key '" .. key .. "' (not in " .. path .. ")") end
  quoted[key] = true
  return as_inline(format(v, el.attributes.fmt))
end

function Pandoc(doc)
  local unused = {}
  for _, k in ipairs(order) do
    if not quoted[k] then unused[#unused + 1] = k end
  end
  if #unused > 0 then
    io.stderr:write("numbers.lua: " .. #unused .. " computed numbers are never quoted: "
      .. table.concat(unused, ", ") .. "\n")
  end
  return doc
end
