-- xref.lua: the reference resolver figures.lua and equations.lua share (a
-- module, not a filter). A citation group such as [@fig:a; @fig:b] may hold
-- several references: each one with the filter's prefix is resolved or stops
-- the build naming it; the others are kept, one Cite each, for the filter
-- that owns their prefix.
local M = {}

-- filter: its name for messages; prefix: "fig:" or "eq:"; what: "figure" or
-- "equation"; numbers: id -> number; render(id, n): the inline for one reference.
-- Returns the inlines for the group, or nil when no citation has the prefix.
function M.resolve(cite, filter, prefix, what, numbers, render)
  local out, any = {}, false
  for i, c in ipairs(cite.citations) do
    if i > 1 then
      out[#out + 1] = pandoc.Str(",")
      out[#out + 1] = pandoc.Space()
    end
    if c.id:sub(1, #prefix) == prefix then
      any = true
      local n = numbers[c.id] or error(filter .. ": reference to undefined " .. what .. " " .. c.id)
      out[#out + 1] = render(c.id, n)
    else
      out[#out + 1] = pandoc.Cite({pandoc.Str("@" .. c.id)}, {c})
    end
  end
  if any then return out end
end

return M
