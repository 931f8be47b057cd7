-- figures.lua: resolve figure sources, number figures, add provenance.
--   ![Caption](name){#fig:name}  uses $FIGURE_DIR/name.pdf for LaTeX and
--   name.svg otherwise, and ends the caption with a provenance line read
--   from name.prov (script, data files with short SHA-256, commit, target).
--   @fig:name becomes "Figure n"; every reference of [@fig:a; @fig:b] is resolved
--   (xref.lua). A figure id defined twice, an undefined reference or an
--   incomplete .prov file stops the build naming it. The provenance links the
--   script (a commit permalink with $REPO_URL, else the file in the checkout or the
--   `make dist` archive: links.lua) and the data files (beside the paper), in the
--   PDF as in the HTML; in HTML the gnuplot script follows the figure in a
--   collapsed block, so the standalone file carries its own sources.
package.path = PANDOC_SCRIPT_FILE:match("^(.*[/\\])") .. "?.lua;" .. package.path
local xref = require("xref")
local dir = os.getenv("FIGURE_DIR") or error("figures.lua: FIGURE_DIR is not set")
local links = require("links")
local numbers, count, scripts = {}, 0, {}

-- A file name becomes a link in both outputs (links.lua).
local function file_ref(text, href)
  return pandoc.Link({links.code(text)}, href)
end

local function provenance(name)
  local path = dir .. "/" .. name .. ".prov"
  local f = io.open(path, "r") or error("figures.lua: no provenance file " .. path)
  local script, data, commit, target = "", {}, "", ""
  for line in f:lines() do
    local kind, a, b = line:match("^(%w+)\t([^\t]*)\t?([^\t]*)$")
    if kind == "script" then script = a
    elseif kind == "data" then data[#data + 1] = {a, b}
    elseif kind == "commit" then commit = a
    elseif kind == "target" then target = a end
  end
  f:close()
  -- an empty or cut-short file would give an empty provenance line
  for kind, v in pairs({script = script, commit = commit, target = target}) do
    if v == "" then error("figures.lua: provenance file " .. path .. " has no " .. kind .. " line (empty or truncated)") end
  end
  if #data == 0 then error("figures.lua: provenance file " .. path .. " has no data line (empty or truncated)") end
  scripts[name] = script
  local line = {pandoc.Str("Provenance:"), pandoc.Space(), file_ref(script, links.source(script)),
    pandoc.Str(";"), pandoc.Space(), pandoc.Str("data")}
  for i, d in ipairs(data) do
    -- data paths are <build>/<scale>/data/...: relative to the paper, data/...
    local rel = d[1]:gsub("^.-/data/", "data/")
    line[#line + 1] = pandoc.Space()
    line[#line + 1] = file_ref(d[1]:match("[^/]+$"), links.output(rel))
    line[#line + 1] = pandoc.Str(" (rows sha256 " .. d[2] .. ")" .. (i < #data and "," or ";"))
  end
  for _, el in ipairs({pandoc.Space(), pandoc.Str("commit"), pandoc.Space(), pandoc.Code(commit), pandoc.Str(";"),
      pandoc.Space(), pandoc.Str("rebuild:"), pandoc.Space(), pandoc.Code(target)}) do
    line[#line + 1] = el
  end
  return {pandoc.Space(), pandoc.Emph(line)}
end

-- HTML: the figure's gnuplot script, escaped, in a collapsed block after it.
local function html_escape(t)
  return (t:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

local function with_script(para)
  if FORMAT:match("latex") or #para.content ~= 1 or para.content[1].t ~= "Image" then return nil end
  local name = para.content[1].src:match("([^/]+)%.svg$")
  local script = name and scripts[name]
  if not script then return nil end
  local f = io.open(script, "r") or error("figures.lua: cannot read the script " .. script .. " of figure " .. name)
  local text = f:read("a")
  f:close()
  return {para, pandoc.RawBlock("html", "<details class=\"gnuplot\"><summary>gnuplot script " .. script ..
    "</summary><pre>" .. html_escape(text) .. "</pre></details>")}
end

local function figure(img)
  local name = img.src
  if name:match("[/%.]") then return nil end -- an ordinary image path
  count = count + 1
  if img.identifier ~= "" then
    if numbers[img.identifier] then error("figures.lua: figure id " .. img.identifier .. " defined twice") end
    numbers[img.identifier] = count
  end
  img.src = dir .. "/" .. name .. (FORMAT:match("latex") and ".pdf" or ".svg")
  for _, el in ipairs(provenance(name)) do img.caption:insert(el) end
  if not FORMAT:match("latex") then
    img.caption:insert(1, pandoc.Str("Figure " .. count .. ":"))
    img.caption:insert(2, pandoc.Space())
  end
  return img
end

local function render(id, n)
  if FORMAT:match("latex") then
    return pandoc.RawInline("latex", "Figure~\\ref{" .. id .. "}")
  end
  return pandoc.Link("Figure " .. n, "#" .. id)
end

local function resolve(cite)
  return xref.resolve(cite, "figures.lua", "fig:", "figure", numbers, render)
end

return {{Image = figure}, {Para = with_script}, {Cite = resolve}}
