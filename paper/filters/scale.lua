-- scale.lua: the build's scale on the title page.
-- $PAPER_SCALE is make's SCALE. A build at any scale but the paper's carries, in the
-- title block under the title (the date line of Pandoc's LaTeX and HTML templates), the
-- line "<scale> scale: numbers for testing, not for citation"; a paper-scale build has
-- none. An unset or empty PAPER_SCALE stops the build: a paper must not look citable
-- because its scale was lost on the way.
local scale = os.getenv("PAPER_SCALE")
if not scale or scale == "" then error("scale.lua: PAPER_SCALE is not set (make's SCALE)", 0) end
if not scale:match("^[%w_%-]+$") then error("scale.lua: PAPER_SCALE '" .. scale .. "' is not a scale name", 0) end

function Meta(meta)
  if scale == "paper" then return nil end
  if meta.date then error("scale.lua: the front matter sets a date; the scale line takes its place", 0) end
  local line = scale .. " scale: numbers for testing, not for citation"
  meta.date = pandoc.MetaInlines({pandoc.Strong(pandoc.read(line, "markdown").blocks[1].content)})
  return meta
end
