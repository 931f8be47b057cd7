-- mathml.lua: the HTML paper's MathML, corrected to read as TeX sets it (issue 22). For
-- HTML only, run after the other filters and citeproc (paper.mk's HTML rule); the PDF's
-- TeX is left alone. paper/html.css embeds the maths font, Latin Modern Math.
--
-- Pandoc's texmath marks every matched pair of (), [] and || as stretchy, as if the TeX
-- said \left( ... \right). In TeX a plain parenthesis never stretches. Chromium stretches
-- such a pair with the font's size variants even when the content is no taller, which
-- leaves a gap on each side of every parenthesis with Latin Modern Math: "eta_i ( t )".
-- So each Math element is written here as MathML, by the same writer pandoc would use, and
-- corrected: delimiters stretch only where the TeX asks (\left, \middle, \right), spacing
-- as in TeX (tex_spacing), aligned in display style; it goes to the writer as raw HTML,
-- with the punctuation that follows inline maths kept on its line. A figure's alt text,
-- which the writer takes from the caption and where raw HTML would vanish, is set first.
-- tests/reader.sh checks the result in the quick build's HTML.
if not FORMAT:match("html") then return {} end

-- the delimiters texmath writes as stretchy pairs (horizontal stretchers such as the
-- bar of \overline are not delimiters and keep their attribute)
local delimiter = {}
for _, d in ipairs({"(", ")", "[", "]", "|", "‖", "⟨", "⟩", "{", "}", "⌊", "⌋", "⌈", "⌉"}) do
  delimiter[d] = true
end

-- TeX's spacing where texmath's MathML gets the browser's default instead:
--   an operator name (\ln, \dim, \min: <mo>ln</mo>) is outside the operator dictionary
--     and would get a thick space (0.2778em) each side; TeX puts a thin one (0.1667em);
--   := is outside the dictionary too and would get no space before it; TeX's is a relation;
--   a minus or plus after an operator, a relation or an opening delimiter is unary in TeX
--     (no space after it), but MathML takes it as binary (0.2222em each side) unless it
--     opens its row: it is marked form="prefix".
local sign_op = {["−"] = true, ["+"] = true, ["±"] = true, ["∓"] = true}
local function tex_spacing(mathml)
  mathml = mathml:gsub("<mo>(%a+)</mo>", '<mo lspace="0.1667em" rspace="0.1667em">%1</mo>')
  mathml = mathml:gsub("<mo>:=</mo>", '<mo lspace="0.2778em" rspace="0.2778em">:=</mo>')
  local out, pos = {}, 1
  for start, op, stop in mathml:gmatch("()<mo>([^<]+)</mo>()") do
    local after = sign_op[op] and mathml:sub(1, start - 1):match("<mo([^>]*)>[^<]*</mo>$")
    if after and not after:match('form="postfix"') then
      out[#out + 1] = mathml:sub(pos, start - 1) .. '<mo form="prefix">' .. op .. "</mo>"
      pos = stop
    end
  end
  out[#out + 1] = mathml:sub(pos)
  return table.concat(out)
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

-- the MathML of one Math element, as pandoc's writer makes it, with TeX's delimiters and spacing
local function mathml(m)
  local html = pandoc.write(pandoc.Pandoc({pandoc.Plain({m})}), "html5", {html_math_method = "mathml"})
  html = html:gsub("\n$", "")
  if not html:match("^<math ") or not html:match("</math>$") then
    error("mathml.lua: pandoc wrote no single <math> element for $" .. m.text .. "$: " .. html)
  end
  -- \left, \middle, \right: the TeX asks for stretching, the delimiters keep it
  if not (m.text:match("\\left[^%a]") or m.text:match("\\middle[^%a]") or m.text:match("\\right[^%a]")) then
    html = fixed_delimiters(html)
  end
  -- TeX sets aligned (and gathered, split) in display style; texmath's <mtable> would
  -- get the browser's text style, with small fractions; not so a matrix or cases
  local display_env = true
  for env in m.text:gmatch("\\begin{([^}]*)}") do
    if not (env == "aligned" or env == "alignedat" or env == "gathered" or env == "split") then display_env = false end
  end
  if display_env then html = html:gsub("<mtable>", '<mtable displaystyle="true">') end
  return tex_spacing(html)
end

-- Chromium may break a line between inline maths and the punctuation after it (a line
-- that starts with "."); TeX never does. The two are kept together (html.css).
local function inlines(inl)
  local out, i = pandoc.List(), 1
  while i <= #inl do
    local el, nxt = inl[i], inl[i + 1]
    if el.t ~= "Math" then
      out:insert(el)
    else
      local html, punct, rest = mathml(el), nil, nil
      if el.mathtype == "InlineMath" and nxt and nxt.t == "Str" then
        punct, rest = nxt.text:match("^([%.,;:!?%)%]]+)(.*)$")
      end
      if punct then
        out:insert(pandoc.RawInline("html", '<span class="math-nobreak">' .. html .. punct .. "</span>"))
        if rest ~= "" then out:insert(pandoc.Str(rest)) end
        i = i + 1
      else
        out:insert(pandoc.RawInline("html", html))
      end
    end
    i = i + 1
  end
  return out
end

return {{Image = keep_alt}, {Inlines = inlines}}
