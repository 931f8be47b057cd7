-- mathml.lua: the HTML paper's MathML, with delimiters that stretch only where TeX's do
-- (issue 22). Run last, for HTML only (the PDF's TeX is left alone).
--
-- Pandoc's texmath marks every matched pair of (), [] and || as stretchy, as if the TeX
-- said \left( ... \right). In TeX a plain parenthesis never stretches. Chromium stretches
-- such a pair with the math font's size variants even when the content is no taller,
-- which leaves a gap on each side of every parenthesis with Latin Modern Math:
-- "eta_i ( t )". So each Math element is written here as MathML (the same writer pandoc
-- would use) with its delimiters made non-stretchy, unless the TeX asks for stretching
-- (\left, \middle, \right), and handed to the writer as raw HTML. A figure's alt text,
-- which the writer takes from the caption, where raw HTML would vanish, is set first.
if not FORMAT:match("html") then return {} end

-- the delimiters texmath writes as stretchy pairs (horizontal stretchers such as the
-- bar of \overline are not delimiters and keep their attribute)
local delimiter = {}
for _, d in ipairs({"(", ")", "[", "]", "|", "‖", "⟨", "⟩", "{", "}", "⌊", "⌋", "⌈", "⌉"}) do
  delimiter[d] = true
end

local function fixed_delimiters(mathml)
  return (mathml:gsub('<mo stretchy="true"([^>]*)>([^<]*)</mo>', function(attrs, d)
    if delimiter[d] then return '<mo stretchy="false"' .. attrs .. '>' .. d .. '</mo>' end
  end))
end

local function has_math(inlines)
  local found = false
  pandoc.walk_inline(pandoc.Span(inlines), {Math = function() found = true end})
  return found
end

-- only where the caption has maths: an explicit alt costs the caption its aria-hidden
-- (a screen reader then reads both), but without it the alt would lose the maths
local function keep_alt(img)
  if not img.attributes.alt and has_math(img.caption) then
    img.attributes.alt = pandoc.utils.stringify(img.caption)
    return img
  end
end

local function mathml(m)
  if m.text:match("\\left[^%a]") or m.text:match("\\middle[^%a]") or m.text:match("\\right[^%a]") then
    return nil -- the TeX asks for stretching: pandoc's own MathML
  end
  local html = pandoc.write(pandoc.Pandoc({pandoc.Plain({m})}), "html5", {html_math_method = "mathml"})
  html = html:gsub("\n$", "")
  if not html:match("^<math ") or not html:match("</math>$") then
    error("mathml.lua: pandoc wrote no single <math> element for $" .. m.text .. "$: " .. html)
  end
  return pandoc.RawInline("html", fixed_delimiters(html))
end

return {{Image = keep_alt}, {Math = mathml}}
