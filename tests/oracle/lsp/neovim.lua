-- Headless Neovim as a real LSP client of `gblint server` (driven by tests/oracle/neovim.rs).
-- Opens ui.service of a copy of the example deployment, breaks BOTSERVER_URL's port,
-- waits for the diagnostics, applies the "ignore" code action, waits for them to clear, and
-- writes what it saw, one fact a line, to $GBLINT_OUT. Exits non-zero on any failure.
local gblint = assert(os.getenv("GBLINT_BIN"))
local root = assert(os.getenv("GBLINT_ROOT"))
local file = assert(os.getenv("GBLINT_FILE"))
local out = assert(os.getenv("GBLINT_OUT"))
local seen = {}
local function say(line)
  table.insert(seen, line)
end
local function finish(ok)
  local handle = assert(io.open(out, "w"))
  handle:write(table.concat(seen, "\n") .. "\n")
  handle:close()
  vim.cmd(ok and "qall!" or "cquit!")
end
local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "gblint",
  cmd = { gblint, "server" },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = "example" } },
})
vim.lsp.buf_attach_client(buf, client_id)
if not vim.wait(20000, function()
  local client = vim.lsp.get_client_by_id(client_id)
  return client ~= nil and client.initialized
end, 20) then
  say("server did not initialize")
  return finish(false)
end
say("initialized: " .. vim.lsp.get_client_by_id(client_id).name)

-- An unsaved edit: ui.service now points at a port system.service's bot server does not use.
for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  if line:find("BOTSERVER_URL=http://localhost:5858", 1, true) then
    local edited = line:gsub("5858", "5999")
    vim.api.nvim_buf_set_lines(buf, i - 1, i, false, { edited })
  end
end
if not vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
  say("no diagnostics after the edit")
  return finish(false)
end
local diagnostic = vim.diagnostic.get(buf)[1]
for _, d in ipairs(vim.diagnostic.get(buf)) do
  say(string.format("diagnostic: %s at line %d, column %d: %s", code_of(d), d.lnum + 1, d.col + 1,
    (d.message:gsub("\n.*", ""))))
end

-- The code actions offered there; apply "Ignore SYD002 here".
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = {
    start = { line = diagnostic.lnum, character = diagnostic.col },
    ["end"] = { line = diagnostic.end_lnum, character = diagnostic.end_col },
  },
  context = { diagnostics = {} },
}
local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 20000) or {}
local chosen
for _, response in pairs(responses) do
  for _, action in ipairs(response.result or {}) do
    say("code action: " .. action.title)
    if action.title:find("^Ignore") then
      chosen = action
    end
  end
end
if not chosen then
  say("no ignore action")
  return finish(false)
end
vim.lsp.util.apply_workspace_edit(chosen.edit, "utf-16")
for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  if line:find("gblint: ignore", 1, true) then
    say(string.format("line %d now: %s", i, line))
  end
end
if not vim.wait(20000, function() return #vim.diagnostic.get(buf) == 0 end, 20) then
  say("diagnostics did not clear after the suppression")
  return finish(false)
end
say("diagnostics after the action: 0")
vim.lsp.stop_client(client_id)
finish(true)
