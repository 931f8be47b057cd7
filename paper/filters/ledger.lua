-- ledger.lua: the equation ledger on the page.
--   $$ ... $$ {#eq:37}       an equation of the original (or {#eq:Alg1}) gets, directly
--                            under it, a verdict line generated from its ledger row
--                            ($LEDGER_FILE) and this build's test report ($TEST_RESULTS):
--                            kind, verdict, the measured residual with its standard error
--                            (numbers key and key_se, or key_ci, of $NUMBERS_FILE), the
--                            tests (linked to their Test(...) line, $TEST_LOCS; links.lua) and the
--                            sections of this paper that report the row.
--   ::: {.claims-summary} :::  becomes the summary table of the original's claims
--                            ($SUMMARY_FILE: claim, ledger ids, status), each status
--                            derived from the ledger's verdicts and the predicates of
--                            $CLAIMS_FILE evaluated on $NUMBERS_FILE.
--   [holds]{.ledger-count}   the number of ledger rows with that verdict
--                            (holds, conditional, does not hold, all).
-- Every ledger row must be displayed exactly once and every displayed equation of the
-- original must have a row, or the build stops naming them.
-- Runs before equations.lua (which tags the labels), claims.lua and numbers.lua (which
-- resolve the .claim and .num spans emitted here).
local function getenv(name)
  return os.getenv(name) or error("ledger.lua: " .. name .. " is not set")
end
local ledger_path, results_path = getenv("LEDGER_FILE"), getenv("TEST_RESULTS")
local locs_path, numbers_path = getenv("TEST_LOCS"), getenv("NUMBERS_FILE")
local summary_path, claims_path = getenv("SUMMARY_FILE"), getenv("CLAIMS_FILE")
local latex = FORMAT:match("latex") ~= nil

local VERDICTS = {holds = "holds", conditional = "holds under stated conditions",
  ["does not hold"] = "does not hold"}
local RANK = {holds = 1, conditional = 2, ["does not hold"] = 3}
local UNSHOWN = "not shown at this scale"

package.path = PANDOC_SCRIPT_FILE:match("^(.*[/\\])") .. "?.lua;" .. package.path
local tables = require("tables")
local links = require("links")
local function tsv_rows(path, head) return tables.rows(path, head, "ledger.lua") end

-- the ledger: rows by id, in order, validated
local ledger, order = {}, {}
for _, f in ipairs(tsv_rows(ledger_path, "id")) do
  local where = ledger_path .. ":" .. f.lineno
  -- kinds, verdicts and the verdict rule are validated once, by tests/ledger.sh, which
  -- writes the paper's ledger appendix before this filter runs (and make test runs)
  if #f < 7 then error("ledger.lua: " .. where .. ": expected 7 columns, found " .. #f) end
  if ledger[f[1]] then error("ledger.lua: " .. where .. ": row " .. f[1] .. " appears twice") end
  local status, claim = f[4], nil
  local s, c = status:match("^(.-)%s*{claim=([%w_%-]+)}$")
  if s then status, claim = s, c end
  ledger[f[1]] = {id = f[1], kind = f[2], tests = f[3], status = status, claim = claim,
    residual = f[5], note = f[6], verdict = f[7], shown = 0}
  order[#order + 1] = f[1]
end

local results = {}
for _, f in ipairs(tsv_rows(results_path, "test")) do results[f[1]] = f[2] end
local locs = {}
for _, f in ipairs(tsv_rows(locs_path, "test")) do locs[f[1]] = {file = f[2], line = f[3]} end
-- numbers: the line of each key in the numbers file (the residual links to it) and its unit
local nb = tables.numbers(numbers_path, "ledger.lua")
local numline, numunit = nb.line, nb.units
-- every claim's predicate on this build's numbers: the summary table's statuses
local claimset = require("claimset").load(claims_path, nb.values, "ledger.lua")
local numbers_href = numbers_path:match("[^/]+$")

-- the label of an original equation: eq:37 -> "37", eq:Alg1 -> "Alg1", eq:A1 -> "A1"
local function original_id(label)
  return label and (label:match("^eq:(%d+)$") or label:match("^eq:(Alg%d+)$") or label:match("^eq:(A%d+)$"))
end
local label_of = tables.label_of

------------------------------------------------------------------------------
-- Which sections of the paper report each row. A numbered level-1 section reports a
-- row strongly when it quotes the row's residual key or names one of its tests, weakly
-- when it mentions the equation ("Eq. 37", "Eqs. 40-45", @eq:37, "Algorithm 1").
-- The theory section (class .theory) and unnumbered appendices are not counted.
local sections = {} -- {id, num}
local strong, weak = {}, {} -- row id -> list of section indices

local function note(map, id, sec)
  if not ledger[id] then return end
  map[id] = map[id] or {}
  for _, s in ipairs(map[id]) do if s == sec then return end end
  map[id][#map[id] + 1] = sec
end

local function eq_mentions(text, sec)
  text = text:gsub("\u{2013}", "-")
  for list in text:gmatch("Eqs?%.?%s+([%d][%d%s,%-]*)") do
    for a, b in list:gmatch("(%d+)%s*%-%s*(%d+)") do
      for n = tonumber(a), math.min(tonumber(b), tonumber(a) + 60) do note(weak, tostring(n), sec) end
    end
    for n in list:gmatch("%d+") do note(weak, n, sec) end
  end
  if text:match("Algorithm 1") then note(weak, "Alg1", sec) end
end

local key_rows, test_rows = {}, {}
for _, id in ipairs(order) do
  local r = ledger[id]
  for key in r.residual:gmatch("[^,]+") do
    if key ~= "-" then
      key_rows[key] = key_rows[key] or {}
      table.insert(key_rows[key], id)
    end
  end
  for t in r.tests:gmatch("[^,]+") do
    test_rows[t] = test_rows[t] or {}
    table.insert(test_rows[t], id)
  end
end

local function scan(blocks)
  local sec = nil
  for _, b in ipairs(blocks) do
    if b.t == "Header" and b.level == 1 then
      sec = nil
      if not b.classes:includes("unnumbered") then
        sections[#sections + 1] = {id = b.identifier, num = #sections + 1}
        if not b.classes:includes("theory") then sec = #sections end
      end
    elseif sec then
      pandoc.walk_block(b, {
        Span = function(el)
          if el.classes:includes("num") then
            for _, id in ipairs(key_rows[pandoc.utils.stringify(el.content)] or {}) do note(strong, id, sec) end
          end
        end,
        Code = function(el)
          for _, id in ipairs(test_rows[el.text] or {}) do note(strong, id, sec) end
        end,
        Cite = function(el)
          for _, c in ipairs(el.citations) do
            local id = original_id(c.id)
            if id then note(weak, id, sec) end
          end
        end,
      })
      eq_mentions(pandoc.utils.stringify(b), sec)
    end
  end
end

local function section_ref(i)
  local s = sections[i]
  if latex then return pandoc.RawInline("latex", "Sec.~\\ref{" .. s.id .. "}") end
  return pandoc.Link("Sec. " .. s.num, "#" .. s.id)
end

-- "Sec. 5, Sec. 6" for a row (strong evidence first, else weak), or the ledger
local function sections_of(ids)
  local out, seen = {}, {}
  for _, map in ipairs({strong, weak}) do
    for _, id in ipairs(ids) do
      for _, i in ipairs(map[id] or {}) do
        if not seen[i] then seen[i] = true; out[#out + 1] = i end
      end
    end
    if #out > 0 then break end
  end
  table.sort(out)
  local inl = {}
  for k, i in ipairs(out) do
    if k > 1 then inl[#inl + 1] = pandoc.Str(","); inl[#inl + 1] = pandoc.Space() end
    inl[#inl + 1] = section_ref(i)
  end
  if #inl == 0 then
    inl[1] = latex and pandoc.RawInline("latex", "the ledger (\\hyperref[sec:ledger]{appendix})")
      or pandoc.Link("the ledger only", "#sec:ledger")
  end
  return inl
end

------------------------------------------------------------------------------
-- The verdict line of one ledger row.
local code = links.code

local function claim_span(inlines, claim)
  if not claim then return pandoc.Span(inlines) end
  return pandoc.Span(inlines, {class = "claim", ref = claim})
end

local function append(list, items)
  for _, x in ipairs(items) do list[#list + 1] = x end
end

local function residual_inline(key)
  local line = numline[key] or error("ledger.lua: ledger residual key '" .. key .. "' is not in " .. numbers_path)
  local value = {pandoc.Span({pandoc.Str(key)}, {class = "num", fmt = "%.3g"})}
  local se, what = key .. "_se", "s.e."
  if not numline[se] then se, what = key .. "_ci", "95% interval" end
  if numline[se] then
    append(value, {pandoc.Space(), pandoc.Str("\u{00b1}"), pandoc.Space(),
      pandoc.Span({pandoc.Str(se)}, {class = "num", fmt = "%.2g"})})
  end
  local unit = numunit[key]
  if unit ~= "" and unit ~= "1" then append(value, {pandoc.Space(), pandoc.Str(unit)}) end
  if numline[se] then append(value, {pandoc.Space(), pandoc.Str("(" .. what .. ")")}) end
  -- a link to the key's line of the numbers file beside the paper (both outputs)
  local out = {pandoc.Link(value, links.output(numbers_href), key .. " (" .. numbers_href .. " line " .. line .. ")")}
  append(out, {pandoc.Space(), pandoc.Str("("), code(key), pandoc.Str(")")})
  return out
end

-- "measured" and each residual key of the row (comma-separated in the ledger)
local function residual_inlines(keys)
  if keys == "-" or keys == "" then return {pandoc.Str("no single residual")} end
  local out, k = {pandoc.Str("measured"), pandoc.Space()}, 0
  for key in keys:gmatch("[^,]+") do
    k = k + 1
    if k > 1 then append(out, {pandoc.Str(","), pandoc.Space()}) end
    append(out, residual_inline(key))
  end
  return out
end

local function test_inlines(tests)
  if tests == "-" then return {pandoc.Str("no unit test: measured by an experiment and"), pandoc.Space(),
    code("make verify")} end
  if tests == "pending" then return {pandoc.Strong({pandoc.Str("test pending")})} end
  local out, all_passed = {}, true
  for t in tests:gmatch("[^,]+") do if results[t] ~= "PASSED" then all_passed = false end end
  out[1] = pandoc.Str(all_passed and "tests passed:" or "tests:")
  local k = 0
  for t in tests:gmatch("[^,]+") do
    k = k + 1
    out[#out + 1] = k > 1 and pandoc.Str(", ") or pandoc.Space()
    local loc = locs[t]
    -- the test's Test(...) line: a permalink with REPO_URL, else the file in the
    -- checkout or the archive (links.lua); the PDF names file and line after it
    if not loc then out[#out + 1] = code(t)
    else
      out[#out + 1] = pandoc.Link({code(t)}, links.source(loc.file, loc.line), loc.file .. ":" .. loc.line)
    end
    if latex and loc then out[#out + 1] = pandoc.Str(" (" .. loc.file:match("[^/]+$") .. ":" .. loc.line .. ")") end
    if results[t] ~= "PASSED" then
      out[#out + 1] = pandoc.Space()
      out[#out + 1] = pandoc.Strong({pandoc.Str("[" .. (results[t] or "MISSING") .. "]")})
    end
  end
  return out
end

local function verdict_block(id)
  local r = ledger[id]
  local head = {pandoc.Str(r.kind .. ","), pandoc.Space(),
    claim_span({pandoc.Strong({pandoc.Str(VERDICTS[r.verdict])})}, r.claim)}
  local inl = {}
  if latex then
    inl[1] = pandoc.RawInline("latex", "\\noindent{\\footnotesize\\hyperlink{ledger-" .. id .. "}{Ledger}: ")
    append(inl, head)
  else
    inl[1] = pandoc.Link("Ledger", "#ledger-" .. id, (r.status:gsub("%$", "")))
    inl[2] = pandoc.Str(":")
    inl[3] = pandoc.Space()
    append(inl, head)
  end
  local parts = {residual_inlines(r.residual), test_inlines(r.tests),
    {pandoc.Str("reported in"), pandoc.Space(), table.unpack(sections_of({id}))}}
  for _, p in ipairs(parts) do
    inl[#inl + 1] = pandoc.Str(";")
    inl[#inl + 1] = pandoc.Space()
    append(inl, p)
  end
  inl[#inl + 1] = pandoc.Str(".")
  if latex then
    inl[#inl + 1] = pandoc.RawInline("latex", "\\par}")
    return pandoc.Para(inl)
  end
  return pandoc.Div({pandoc.Para(inl)}, {class = "verdict"})
end

------------------------------------------------------------------------------
-- Split a paragraph after each displayed equation of the original and put the
-- verdict line there.
local displayed, unknown = {}, {}
local function split_para(para)
  local out, cur, inl, i = {}, {}, para.content, 1
  while i <= #inl do
    local el = inl[i]
    cur[#cur + 1] = el
    if el.t == "Math" and el.mathtype == "DisplayMath" then
      local j = i + 1
      while inl[j] and (inl[j].t == "Space" or inl[j].t == "SoftBreak") do j = j + 1 end
      local id = original_id(label_of(inl[j]))
      if id then
        cur[#cur + 1] = pandoc.Space()
        cur[#cur + 1] = inl[j]
        out[#out + 1] = pandoc.Para(cur)
        cur = {}
        if ledger[id] then
          ledger[id].shown = ledger[id].shown + 1
          out[#out + 1] = verdict_block(id)
        else
          unknown[#unknown + 1] = id
        end
        displayed[#displayed + 1] = id
        i = j + 1
        while inl[i] and (inl[i].t == "Space" or inl[i].t == "SoftBreak") do i = i + 1 end
        goto continue
      end
    end
    i = i + 1
    ::continue::
  end
  if #cur > 0 then out[#out + 1] = pandoc.Para(cur) end
  return out
end

local function place_verdicts(blocks)
  local out = {}
  for _, b in ipairs(blocks) do
    if b.t == "Para" then append(out, split_para(b))
    elseif b.t == "Div" or b.t == "BlockQuote" then
      b.content = place_verdicts(b.content)
      out[#out + 1] = b
    else out[#out + 1] = b end
  end
  return out
end

------------------------------------------------------------------------------
-- The summary table of the original's claims.
local function worst(ids)
  local v = "holds"
  for _, id in ipairs(ids) do if RANK[ledger[id].verdict] > RANK[v] then v = ledger[id].verdict end end
  return v
end

local function cell(inlines) return {pandoc.Plain(inlines)} end

local function summary_table()
  local rows = {}
  for _, f in ipairs(tsv_rows(summary_path, "claim")) do
    local where = summary_path .. ":" .. f.lineno
    if #f ~= 3 then error("ledger.lua: " .. where .. ": expected claim, equations, status") end
    local ids, eqs = {}, {}
    for id in f[2]:gmatch("[^,]+") do
      if not ledger[id] then error("ledger.lua: " .. where .. ": equation " .. id .. " has no ledger row") end
      ids[#ids + 1] = id
      if #eqs > 0 then eqs[#eqs + 1] = pandoc.Str(","); eqs[#eqs + 1] = pandoc.Space() end
      eqs[#eqs + 1] = pandoc.Cite({pandoc.Str("@eq:" .. id)}, {pandoc.Citation("eq:" .. id, "NormalCitation")})
    end
    if #ids == 0 then error("ledger.lua: " .. where .. ": no equations") end
    -- the status: the weakest verdict of the rows ("ledger"), or "does not hold" when the
    -- claim that refutes the original holds ("refuted by ID"); either is "not shown at this
    -- scale" when a guard it rests on (the refuting claim, the rows' {claim=} guards) is
    -- false in this build
    local verdict, guards
    if f[3] == "ledger" then
      verdict, guards = worst(ids), {}
      for _, id in ipairs(ids) do if ledger[id].claim then guards[#guards + 1] = ledger[id].claim end end
    else
      local c = f[3]:match("^refuted by ([%w_%-]+)$")
      if not c then error("ledger.lua: " .. where .. ": status '" .. f[3] .. "': expected ledger or refuted by CLAIM-ID") end
      verdict, guards = "does not hold", {c}
    end
    local shown = true
    for _, c in ipairs(guards) do
      local cl = claimset.claims[c] or error("ledger.lua: " .. where .. ": unknown claim '" .. c .. "' (not in " .. claims_path .. ")")
      shown = shown and cl.holds
    end
    local status = pandoc.Span({pandoc.Str(shown and VERDICTS[verdict] or UNSHOWN)}, {class = "status"})
    -- each guard is cited (claims.lua counts it) without its note: the status says it
    for _, c in ipairs(guards) do status = pandoc.Span({status}, {class = "claim", ref = c, derived = "1"}) end
    rows[#rows + 1] = {cell(pandoc.read(f[1], "markdown").blocks[1].content),
      cell({status}), cell(eqs), cell(sections_of(ids))}
  end
  local caption = pandoc.read("The original's claims and what this reproduction finds. A claim "
    .. "resting on several equations takes the weakest verdict among their ledger rows; "
    .. "the verdict of each equation is printed under it in the theory section. A claim that "
    .. "no single equation carries does not hold when a predicate on the measured numbers "
    .. "(paper/claims.tsv) refutes it. A status is *" .. UNSHOWN .. "* when a predicate it rests "
    .. "on is false in this build (`make claims` lists them).", "markdown").blocks[1].content
  local head = {cell({pandoc.Str("claim of the original")}), cell({pandoc.Str("status")}),
    cell({pandoc.Str("equations")}), cell({pandoc.Str("tested in")})}
  local simple = pandoc.SimpleTable(caption, {pandoc.AlignDefault, pandoc.AlignDefault,
    pandoc.AlignDefault, pandoc.AlignDefault}, {0.52, 0.2, 0.14, 0.14}, head, rows)
  return pandoc.utils.from_simple_table(simple)
end

local function counts()
  local n = {all = 0}
  for _, id in ipairs(order) do
    local v = ledger[id].verdict
    n[v] = (n[v] or 0) + 1
    n.all = n.all + 1
  end
  return n
end

function Pandoc(doc)
  scan(doc.blocks)
  doc.blocks = place_verdicts(doc.blocks)
  local missing, twice = {}, {}
  for _, id in ipairs(order) do
    if ledger[id].shown == 0 then missing[#missing + 1] = id end
    if ledger[id].shown > 1 then twice[#twice + 1] = id end
  end
  if #missing > 0 then
    error("ledger.lua: equations in the ledger but not displayed in the paper: " .. table.concat(missing, ", "))
  end
  if #unknown > 0 then
    error("ledger.lua: equations displayed in the paper but not in the ledger: " .. table.concat(unknown, ", "))
  end
  if #twice > 0 then error("ledger.lua: equations displayed more than once: " .. table.concat(twice, ", ")) end
  local n = counts()
  local filter = {
    Div = function(el)
      if el.classes:includes("claims-summary") then return summary_table() end
    end,
    Span = function(el)
      if not el.classes:includes("ledger-count") then return nil end
      local what = pandoc.utils.stringify(el.content)
      if not (VERDICTS[what] or what == "all") then
        error("ledger.lua: [" .. what .. "]{.ledger-count}: expected holds, conditional, does not hold or all")
      end
      return pandoc.Str(tostring(n[what] or 0))
    end,
  }
  doc.blocks = pandoc.walk_block(pandoc.Div(doc.blocks), filter).content
  if doc.meta.abstract then
    doc.meta.abstract = pandoc.MetaBlocks(pandoc.walk_block(pandoc.Div(doc.meta.abstract), filter).content)
  end
  return doc
end
