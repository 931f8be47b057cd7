-- tables.lua: the files the filters read, parsed and validated in one place (a
-- module, not a filter). Every reader refuses what it cannot trust, naming file and
-- line: a CRLF line, a row with the wrong number of fields, a value that is not a
-- number, a key given twice.
--   numbers(path, who): the merged numbers file (key, value, unit; written by
--     numcheck --merge) as {values = key -> number, units = key -> unit,
--     line = key -> line number, order = keys in file order}
--   rows(path, head, who): the rows of a TSV table (comments, blank lines and the
--     header row, whose first field is `head`, skipped), each a list of fields with
--     .lineno
--   label_of(el): the equation label of a Str "{#eq:...}", or nil
local M = {}

local function fail(who, path, lineno, msg)
  error(who .. ": " .. path .. (lineno and (":" .. lineno) or "") .. ": " .. msg, 0)
end

function M.split_tabs(line)
  local f = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = field end
  return f
end

-- lines of a file with their numbers; a CRLF line is refused
local function lines(path, who)
  local fh = io.open(path, "r")
  if not fh then fail(who, path, nil, "cannot open") end
  local out, lineno = {}, 0
  for line in fh:lines() do
    lineno = lineno + 1
    if line:sub(-1) == "\r" then fail(who, path, lineno, "line ends in a carriage return (a CRLF file)") end
    out[#out + 1] = line
  end
  fh:close()
  return out
end

function M.rows(path, head, who)
  local rows = {}
  for lineno, line in ipairs(lines(path, who)) do
    if line ~= "" and line:sub(1, 1) ~= "#" then
      local f = M.split_tabs(line)
      if f[1] ~= head then f.lineno = lineno; rows[#rows + 1] = f end
    end
  end
  return rows
end

function M.numbers(path, who)
  local t = {values = {}, units = {}, line = {}, order = {}}
  for _, f in ipairs(M.rows(path, "key", who)) do
    if #f ~= 3 then fail(who, path, f.lineno, "expected key, value, unit; found " .. #f .. " fields") end
    local key = f[1]
    if t.values[key] then fail(who, path, f.lineno, "key '" .. key .. "' appears twice") end
    t.values[key] = tonumber(f[2]) or fail(who, path, f.lineno, "key '" .. key .. "' has no number ('" .. f[2] .. "')")
    t.units[key], t.line[key] = f[3], f.lineno
    t.order[#t.order + 1] = key
  end
  return t
end

function M.label_of(el)
  if el and el.t == "Str" then return el.text:match("^{#(eq:[%w_%-%.]+)}$") end
end

return M
