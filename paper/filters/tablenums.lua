-- tablenums.lua: "Table N:" captions in the HTML, numbered as LaTeX numbers them in the PDF.
-- LaTeX counts every table with a caption (longtable's \caption) in document order and
-- leaves uncaptioned tables (the appendix's package and timing tables) unnumbered; the
-- HTML writer numbers none. So, for HTML output only, each captioned table in document
-- order gets "Table N:" before its caption, and the id tab:N for links. Runs after
-- ledger.lua, which builds the summary table (Table 1) and the ledger table.
if not FORMAT:match("html") then return {} end

local count = 0
function Table(tbl)
  local long = tbl.caption.long
  if #long == 0 or pandoc.utils.stringify(long) == "" then return nil end
  count = count + 1
  local first = long[1]
  if first.t ~= "Plain" and first.t ~= "Para" then
    error("tablenums.lua: table " .. count .. ": its caption starts with a " .. first.t .. ", not text", 0)
  end
  first.content:insert(1, pandoc.Space())
  first.content:insert(1, pandoc.Span({pandoc.Str("Table " .. count .. ":")}, {class = "table-number"}))
  if tbl.attr.identifier == "" then tbl.attr.identifier = "tab:" .. count end
  return tbl
end
