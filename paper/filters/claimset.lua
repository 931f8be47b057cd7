-- claimset.lua: the claims file read and every predicate evaluated (a module, not a
-- filter), for claims.lua (which marks the sentences) and ledger.lua (which derives
-- the summary table's statuses from them).
--   load(claims_path, values, who): {claims = id -> {pred, what, holds, values}, order}
-- A predicate is a Lua expression over numbers keys (abs, sqrt, min, max); an unknown
-- key wherever it stands, a predicate that reads no key or is no comparison, a claim
-- defined twice or a malformed row stop the build naming file, line or claim.
local M = {}

-- The keys a predicate reads, from its text rather than by evaluating it:
-- `a > b or typo > 1` never reads typo while a > b holds, and `1 < 2` reads
-- nothing, yet both evaluate. Numerals are blanked first (the e of 1e-12 is no
-- name); the words below and env's functions are no keys, every other name is.
local WORDS = {["and"] = true, ["or"] = true, ["not"] = true, ["true"] = true, ["false"] = true, ["nil"] = true}
local FUNCS = {abs = math.abs, sqrt = math.sqrt, min = math.min, max = math.max}

function M.load(claims_path, values, who)
  local env = setmetatable({}, {__index = function(_, k)
    return FUNCS[k] or values[k] or error("unknown numbers key '" .. tostring(k) .. "'", 0)
  end})
  local function keys_of(id, pred)
    local keys, seen = {}, {}
    for name in pred:gsub("%f[%w_]%d[%w_%.]*", " "):gmatch("[%a_][%w_]*") do
      if not (WORDS[name] or FUNCS[name] or seen[name]) then
        if not values[name] then error(who .. ": claim '" .. id .. "': unknown numbers key '" .. name .. "'", 0) end
        seen[name] = true
        keys[#keys + 1] = name
      end
    end
    if #keys == 0 then error(who .. ": claim '" .. id .. "': the predicate reads no numbers key", 0) end
    return keys
  end
  local claims, order, lineno = {}, {}, 0
  local fh = io.open(claims_path, "r") or error(who .. ": cannot open " .. claims_path, 0)
  for line in fh:lines() do
    lineno = lineno + 1
    if line ~= "" and line:sub(1, 1) ~= "#" and not line:match("^id\t") then
      local id, pred, what = line:match("^([%w%-_]+)\t([^\t]+)\t([^\t]+)$")
      if not id then error(string.format("%s: %s:%d: expected id, predicate, what it guards", who, claims_path, lineno), 0) end
      if claims[id] then error(string.format("%s: %s:%d: claim '%s' defined twice", who, claims_path, lineno, id), 0) end
      local keys = keys_of(id, pred)
      local fn, err = load("return " .. pred, "claim " .. id, "t", env)
      if not fn then error(who .. ": claim '" .. id .. "': cannot parse predicate: " .. err, 0) end
      local ok, result = pcall(fn)
      if not ok then error(who .. ": claim '" .. id .. "': " .. result, 0) end
      if type(result) ~= "boolean" then error(who .. ": claim '" .. id .. "': predicate is not a comparison", 0) end
      -- the keys the predicate reads, with their values, for the report
      local shown = {}
      for _, key in ipairs(keys) do shown[#shown + 1] = string.format("%s = %.4g", key, values[key]) end
      claims[id] = {pred = pred, what = what, holds = result, values = table.concat(shown, ", ")}
      order[#order + 1] = id
    end
  end
  fh:close()
  return {claims = claims, order = order}
end

return M
