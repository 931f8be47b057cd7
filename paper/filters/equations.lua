-- equations.lua: tag display equations and resolve references to them.
--   $$ ... $$ {#eq:37}     an equation of the original keeps its number: (37)
--   $$ ... $$ {#eq:Alg1}   the original's Algorithm 1: (Alg. 1)
--   $$ ... $$ {#eq:A1}     a statement of the original's Appendix A: (A1)
--   $$ ... $$ {#eq:name}   an equation of our own gets the next P-number: (P3)
--   @eq:name               becomes the tag, a link to the equation
-- pandoc-crossref is not packaged in Debian 12, so this filter does the job.
-- Every reference of [@eq:a; @eq:b] is resolved (xref.lua); an undefined
-- one stops the build naming it.
package.path = PANDOC_SCRIPT_FILE:match("^(.*[/\\])") .. "?.lua;" .. package.path
local xref = require("xref")
local numbers, own = {}, 0

-- the tag of a label: the original's number, or the next of our own
local function tag_of(label)
  local n = label:match("^eq:(%d+)$")
  if n then return n end
  local alg = label:match("^eq:Alg(%d+)$")
  if alg then return "Alg. " .. alg end
  local app = label:match("^eq:(A%d+)$") -- an equation of the original's Appendix A
  if app then return app end
  own = own + 1
  return "P" .. own
end

local label_of = require("tables").label_of

local function number_para(para)
  local out, i, changed = {}, 1, false
  local inl = para.content
  while i <= #inl do
    local el = inl[i]
    if el.t == "Math" and el.mathtype == "DisplayMath" then
      local j = i + 1
      while inl[j] and (inl[j].t == "Space" or inl[j].t == "SoftBreak") do j = j + 1 end
      local label = label_of(inl[j])
      if label then
        if numbers[label] then error("equations.lua: label " .. label .. " defined twice") end
        local tag = tag_of(label)
        numbers[label] = tag
        changed = true
        if FORMAT:match("latex") then
          -- equation* with \tag: no counter, so hyperref gets its anchor from \phantomsection
          out[#out + 1] = pandoc.RawInline("latex", "\\phantomsection\\hypertarget{" .. label .. "}{}\\begin{equation*}\\label{" .. label ..
            "}\\tag{" .. tag .. "}" .. el.text .. "\\end{equation*}")
        else
          -- the number in its own span: the page's CSS sets it at the right of the
          -- equation, on its line, as \tag does in the PDF (paper/00-front.md)
          out[#out + 1] = pandoc.Span({el, pandoc.Span({pandoc.Str("(" .. tag .. ")")}, {class = "eqno"})},
            {id = label, class = "equation"})
        end
        i = j + 1
        goto continue
      end
    end
    out[#out + 1] = el
    i = i + 1
    ::continue::
  end
  if changed then return pandoc.Para(out) end
end

local function render(id, n)
  if FORMAT:match("latex") then
    return pandoc.RawInline("latex", "\\hyperref[" .. id .. "]{(" .. n .. ")}")
  end
  return pandoc.Link("(" .. n .. ")", "#" .. id)
end

local function resolve(cite)
  return xref.resolve(cite, "equations.lua", "eq:", "equation", numbers, render)
end

return {{Para = number_para}, {Cite = resolve}}
