-- xref.lua: helpers the filters share (a module, not a filter).
-- resolve: the reference resolver of figures.lua and equations.lua. A citation
-- group such as [@fig:a; @fig:b] may hold several references: each one with the
-- filter's prefix is resolved or stops the build naming it; the others are
-- kept, one Cite each, for the filter that owns their prefix.
-- write_file: the one way a filter writes a file (claims.lua's report).
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

-- Write text to path whole or not at all: to path.tmp, renamed only when every
-- write, the flush and the close succeeded (on a full disk buffered writes fail
-- late, at the flush or the close); otherwise path.tmp is removed and the build
-- stops naming it, so make never finds a truncated file in place.
function M.write_file(path, text, filter)
  local tmp, f = path .. ".tmp", nil
  local function check(ok, err)
    if ok then return ok end
    if io.type(f) == "file" then f:close() end
    os.remove(tmp)
    error(filter .. ": cannot write " .. tmp .. ": " .. tostring(err), 0)
  end
  f = check(io.open(tmp, "w"))
  check(f:write(text))
  check(f:flush())
  check(f:close())
  check(os.rename(tmp, path))
end

return M
