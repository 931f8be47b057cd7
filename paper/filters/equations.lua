-- equations.lua: number display equations and resolve references to them.
--   $$ ... $$ {#eq:name}   gets the next number, shown as (n)
--   @eq:name               becomes "(n)", a link to the equation
-- pandoc-crossref is not packaged in Debian 12, so this filter does the job.
-- Every reference of [@eq:a; @eq:b] is resolved (xref.lua); an undefined
-- one stops the build naming it.
package.path = PANDOC_SCRIPT_FILE:match("^(.*[/\\])") .. "?.lua;" .. package.path
local xref = require("xref")
local numbers, count = {}, 0

local function label_of(el)
  if el and el.t == "Str" then return el.text:match("^{#(eq:[%w_%-%.]+)}$") end
end

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
        count = count + 1
        numbers[label] = count
        changed = true
        if FORMAT:match("latex") then
          out[#out + 1] = pandoc.RawInline("latex", "\\begin{equation}\\label{" .. label .. "}\\tag{" ..
            count .. "}" .. el.text .. "\\end{equation}")
        else
          out[#out + 1] = pandoc.Span({el, pandoc.Space(), pandoc.Str("(" .. count .. ")")},
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
