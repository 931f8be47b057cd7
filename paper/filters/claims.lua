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
-- predicate that reads no key (claimset.lua), or a claim never cited also stop
-- the build: a guard nobody cites guards nothing. A span with derived=1 (the
-- summary table's statuses, which ledger.lua derives from the predicate itself)
-- counts as a citation and is printed as it is.
package.path = PANDOC_SCRIPT_FILE:match("^(.*[/\\])") .. "?.lua;" .. package.path
local xref = require("xref")
local numbers_path = os.getenv("NUMBERS_FILE") or error("claims.lua: NUMBERS_FILE is not set")
local claims_path = os.getenv("CLAIMS_FILE") or error("claims.lua: CLAIMS_FILE is not set")
local report_path = os.getenv("CLAIMS_REPORT")
local strict = os.getenv("CLAIMS_STRICT") == "1"

local tables = require("tables")
local values = tables.numbers(numbers_path, "claims.lua").values

local set = require("claimset").load(claims_path, values, "claims.lua")
local claims, order = set.claims, set.order
for _, id in ipairs(order) do claims[id].cited = 0 end

-- A false guard is marked compactly where the claim stands; the predicate and
-- its values are in build/<scale>/claims.tsv (`make claims` prints them).
-- In LaTeX the id is set by \nolinkurl, which url.sty breaks after a hyphen
-- (\texttt never breaks, and claim ids overflowed the summary table by up to 62 pt).
local function verdict_note(c, id)
  local code = FORMAT:match("latex") and pandoc.RawInline("latex", "\\nolinkurl{" .. id .. "}") or pandoc.Code(id)
  return pandoc.Strong({pandoc.Str("[not shown by the data at this scale (claim"), pandoc.Space(),
    code, pandoc.Str("); the paper-scale build fails unless it holds]")})
end

function Span(el)
  if not el.classes:includes("claim") then return nil end
  local id = el.attributes.ref or error("claims.lua: a .claim span has no ref attribute: "
    .. pandoc.utils.stringify(el.content))
  local c = claims[id] or error("claims.lua: unknown claim '" .. id .. "' (not in " .. claims_path .. ")")
  c.cited = c.cited + 1
  if c.holds or el.attributes.derived == "1" then return el.content end
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
