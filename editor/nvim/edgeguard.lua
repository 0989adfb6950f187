-- edgeguard for Neovim's built-in LSP client (Neovim 0.7 or later).
-- Put this file on your runtimepath (e.g. ~/.config/nvim/lua/edgeguard.lua) and call
--   require('edgeguard').setup({ cmd = { 'edgeguard', 'lsp' }, settings = { showUnknown = false } })
-- or paste the body of setup() into your init.lua. Neovim 0.8+ could use vim.lsp.start; this
-- uses the 0.7 API (start_client + buf_attach_client), which later versions still support.
local M = {}

-- The files edgeguard may read: its front-ends' patterns (FrontEnd::globs() in parsers/), each
-- matched at any depth. The server decides by name and content, like `edgeguard scan`.
-- <edgeguard:globs> generated: tests/unit/engine/file_kinds_tests.cpp checks it, UPDATE_GOLDENS=1 rewrites it
local FILE_GLOBS = {
  '*.tf',
  '*.tf.json',
  '*.tfvars',
  '*.tfvars.json',
  '*.json',
  '*.jsonc',
  '*.bicep',
  '*.bicepparam',
  '*.parameters.json',
  'config.toml',
  'aziot/**/*.toml',
  'iotedge/**/*.toml',
  'config.yaml',
  'config.yml',
}
-- </edgeguard:globs>

-- One glob segment ('*' and '?' stay within a name) against one path segment.
local function segment_matches(glob, name)
  local pattern = glob:gsub('[%^%$%(%)%%%.%[%]%+%-]', '%%%0'):gsub('%*', '.*'):gsub('%?', '.')
  return name:match('^' .. pattern .. '$') ~= nil
end

local function segments(path)
  local out = {}
  for s in path:gmatch('[^/]+') do out[#out + 1] = s end
  return out
end

-- Glob segments from i on against path segments from j on; '**' spans any number of them.
local function matches_from(globs, i, names, j)
  if i > #globs then return j > #names end
  if globs[i] == '**' then
    for k = j, #names + 1 do
      if matches_from(globs, i + 1, names, k) then return true end
    end
    return false
  end
  return j <= #names and segment_matches(globs[i], names[j]) and matches_from(globs, i + 1, names, j + 1)
end

local function candidate(name)
  local names = segments((name:gsub('\\', '/')))
  for _, glob in ipairs(FILE_GLOBS) do
    if matches_from(segments('**/' .. glob), 1, names, 1) then return true end
  end
  return false
end

local function root_of(fname)
  local markers = { '.git', '.edgeguard.yaml' }
  local dir = vim.fn.fnamemodify(fname, ':p:h')
  local found = vim.fn.finddir('.git', dir .. ';')
  if found ~= '' then return vim.fn.fnamemodify(found, ':p:h:h') end
  for _, m in ipairs(markers) do
    local f = vim.fn.findfile(m, dir .. ';')
    if f ~= '' then return vim.fn.fnamemodify(f, ':p:h') end
  end
  return dir
end

function M.setup(opts)
  opts = opts or {}
  local clients = {} -- root dir -> client id
  local group = vim.api.nvim_create_augroup('edgeguard_lsp', { clear = true })
  -- FileType alone misses buffers Neovim gives no filetype (`.bicepparam`, `config.toml` in
  -- some versions): a buffer is also attached when it is read or created.
  vim.api.nvim_create_autocmd({ 'FileType', 'BufReadPost', 'BufNewFile' }, {
    group = group,
    pattern = '*',
    callback = function(args)
      local name = vim.api.nvim_buf_get_name(args.buf)
      if name == '' or not candidate(name) then return end
      local root = root_of(name)
      local id = clients[root]
      if not id or not vim.lsp.get_client_by_id(id) then
        id = vim.lsp.start_client({
          name = 'edgeguard',
          cmd = opts.cmd or { 'edgeguard', 'lsp' },
          root_dir = root,
          workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
          init_options = { edgeguard = opts.settings or {} },
          settings = { edgeguard = opts.settings or {} },
        })
        clients[root] = id
      end
      if id and not vim.lsp.buf_is_attached(args.buf, id) then vim.lsp.buf_attach_client(args.buf, id) end
    end,
  })
end

return M
