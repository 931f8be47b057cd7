-- claims.lua: tie every qualitative sentence to a predicate on measured numbers.
--   [the noise is not stationary]{.claim ref=noise-nonstationary}
-- names a row of $CLAIMS_FILE (id<TAB>predicate<TAB>what it guards), whose
-- predicate is a Lua expression over numbers keys, e.g.
--   min(fig51_noise_exp_max_over_min_b1, fig51_noise_exp_max_over_min_b10) > 10
-- evaluated on the values of $NUMBERS_FILE (functions: abs, sqrt, min, max).
-- A false predicate is reported on stderr and in $CLAIMS_REPORT; with
-- CLAIMS_STRICT=1 (the paper scale) it stops the build; otherwise the sentence
-- is kept and marked "shown at paper scale only" with the value that fails.
-- An unknown claim id, an unknown key (wherever it stands in the predicate), a
-- predicate that reads no key, or a claim never cited also stop the build: a
-- guard nobody cites guards nothing.
package.path = PANDOC_SCRIPT_FILE:match("^(.*[/\\])") .. "?.lua;" .. package.path
local xref = require("xref")
local numbers_path = os.getenv("NUMBERS_FILE") or error("claims.lua: NUMBERS_FILE is not set")
local claims_path = os.getenv("CLAIMS_FILE") or error("claims.lua: CLAIMS_FILE is not set")
local report_path = os.getenv("CLAIMS_REPORT")
local strict = os.getenv("CLAIMS_STRICT") == "1"

local tables = require("tables")
local values = tables.numbers(numbers_path, "claims.lua").values

local env = setmetatable({abs = math.abs, sqrt = math.sqrt, min = math.min, max = math.max}, {
  __index = function(_, k)
    return values[k] or error("unknown numbers key '" .. tostring(k) .. "'", 0)
  end})

-- The keys a predicate reads, from its text rather than by evaluating it:
-- `a > b or typo > 1` never reads typo while a > b holds, and `1 < 2` reads
-- nothing, yet both evaluate. Numerals are blanked first (the e of 1e-12 is no
-- name); the words below and env's functions are no keys, every other name is.
local WORDS = {["and"] = true, ["or"] = true, ["not"] = true, ["true"] = true, ["false"] = true, ["nil"] = true}
local function keys_of(id, pred)
  local keys, seen = {}, {}
  for name in pred:gsub("%f[%w_]%d[%w_%.]*", " "):gmatch("[%a_][%w_]*") do
    if not (WORDS[name] or rawget(env, name) or seen[name]) then
      if not values[name] then error("claims.lua: claim '" .. id .. "': unknown numbers key '" .. name .. "'", 0) end
      seen[name] = true
      keys[#keys + 1] = name
    end
  end
  if #keys == 0 then error("claims.lua: claim '" .. id .. "': the predicate reads no numbers key", 0) end
  return keys
end

local claims, order = {}, {}
local lineno = 0
for line in io.lines(claims_path) do
  lineno = lineno + 1
  if line ~= "" and line:sub(1, 1) ~= "#" and not line:match("^id\t") then
    local id, pred, what = line:match("^([%w%-_]+)\t([^\t]+)\t([^\t]+)$")
    if not id then error(string.format("claims.lua: %s:%d: expected id, predicate, what it guards", claims_path, lineno)) end
    if claims[id] then error(string.format("claims.lua: %s:%d: claim '%s' defined twice", claims_path, lineno, id)) end
    local keys = keys_of(id, pred)
    local fn, err = load("return " .. pred, "claim " .. id, "t", env)
    if not fn then error("claims.lua: claim '" .. id .. "': cannot parse predicate: " .. err) end
    local ok, result = pcall(fn)
    if not ok then error("claims.lua: claim '" .. id .. "': " .. result) end
    if type(result) ~= "boolean" then error("claims.lua: claim '" .. id .. "': predicate is not a comparison") end
    -- the keys the predicate reads, with their values, for the report
    local shown = {}
    for _, key in ipairs(keys) do shown[#shown + 1] = string.format("%s = %.4g", key, values[key]) end
    claims[id] = {pred = pred, what = what, holds = result, values = table.concat(shown, ", "), cited = 0}
    order[#order + 1] = id
  end
end

-- A false guard is marked compactly where the claim stands; the predicate and
-- its values are in build/<scale>/claims.tsv (`make claims` prints them).
local function verdict_note(c, id)
  return pandoc.Strong({pandoc.Str("[not shown by the data at this scale (claim"), pandoc.Space(),
    pandoc.Code(id), pandoc.Str("); the paper-scale build fails unless it holds]")})
end

function Span(el)
  if not el.classes:includes("claim") then return nil end
  local id = el.attributes.ref or error("claims.lua: a .claim span has no ref attribute: "
    .. pandoc.utils.stringify(el.content))
  local c = claims[id] or error("claims.lua: unknown claim '" .. id .. "' (not in " .. claims_path .. ")")
  c.cited = c.cited + 1
  if c.holds then return el.content end
  local out = el.content
  out[#out + 1] = pandoc.Space()
  out[#out + 1] = verdict_note(c, id)
  return out
end

function Pandoc(doc)
  -- the report is written whole by xref.write_file, or not at all
  local rep = {"id\tholds\tcited\tpredicate\tvalues\n"}
  local false_ids, uncited = {}, {}
  for _, id in ipairs(order) do
    local c = claims[id]
    if c.cited == 0 then uncited[#uncited + 1] = id end
    if not c.holds then
      false_ids[#false_ids + 1] = id
      -- said once, by the pass that writes the report (the LaTeX and HTML passes agree)
      if report_path then
        io.stderr:write(string.format("claims.lua: FALSE at this scale: %s: %s (%s)\n", id, c.pred, c.values))
      end
    end
    rep[#rep + 1] = string.format("%s\t%s\t%d\t%s\t%s\n", id, tostring(c.holds), c.cited, c.pred, c.values)
  end
  if report_path then xref.write_file(report_path, table.concat(rep), "claims.lua") end
  if #uncited > 0 then error("claims.lua: claims defined but never cited: " .. table.concat(uncited, ", ")) end
  if strict and #false_ids > 0 then
    error("claims.lua: " .. #false_ids .. " claims are false at this scale: " .. table.concat(false_ids, ", "))
  end
  return doc
end
