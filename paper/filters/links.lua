-- links.lua: the links of the paper to the repository's files and the build's outputs
-- (a module, not a filter), the same in the HTML and the PDF.
--   source(path, line): a committed file (a test's Test(...) line, a figure's script).
--     With $REPO_URL set (make REPO_URL=https://host/owner/repo), a commit permalink
--     REPO_URL/blob/$SOURCE_COMMIT/path#Lline. Without it, the path relative to the paper
--     where the paper lies both in the checkout and in the `make dist` archive,
--     build/<scale>/paper.html: ../../path, without the #L anchor (a local file has no
--     line anchors; the link's text or title names the line).
--   output(path): a build output beside the paper (data/x.tsv, numbers.tsv), relative:
--     `make dist` archives them beside the paper.
--   code(text): a file or test name as code, breakable in the PDF (\nolinkurl).
local M = {}
local repo = os.getenv("REPO_URL") or ""
local commit = os.getenv("SOURCE_COMMIT") or ""
if repo ~= "" then
  if not repo:match("^https?://[^%s]+[^/]$") then
    error("links.lua: REPO_URL '" .. repo .. "' is not an http(s) URL without a trailing slash", 0)
  end
  if not commit:match("^%x+$") or #commit < 40 then
    error("links.lua: REPO_URL is set but SOURCE_COMMIT '" .. commit .. "' is not a full commit hash", 0)
  end
end
M.permalinks = repo ~= ""

function M.source(path, line)
  if repo ~= "" then return repo .. "/blob/" .. commit .. "/" .. path .. (line and ("#L" .. line) or "") end
  return "../../" .. path
end

function M.output(path)
  return path
end

function M.code(text)
  if FORMAT:match("latex") then return pandoc.RawInline("latex", "\\nolinkurl{" .. text .. "}") end
  return pandoc.Code(text)
end

return M
