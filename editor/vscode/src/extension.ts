// edgeguard for VS Code: starts `edgeguard lsp` for the files its front-ends read (FILE_GLOBS), and forwards the edgeguard.* settings to it (the server re-reads them
// on workspace/didChangeConfiguration; changing edgeguard.path restarts it).
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

// The files edgeguard may read: its front-ends' patterns (FrontEnd::globs() in parsers/). The
// server decides by name and content, as the CLI does; these are the candidates.
// <edgeguard:globs> generated: tests/unit/engine/file_kinds_tests.cpp checks it, UPDATE_GOLDENS=1 rewrites it
const FILE_GLOBS: string[] = [
  '**/*.tf',
  '**/*.tf.json',
  '**/*.tfvars',
  '**/*.tfvars.json',
  '**/*.json',
  '**/*.jsonc',
  '**/*.bicep',
  '**/*.bicepparam',
  '**/*.parameters.json',
  '**/config.toml',
  '**/aziot/**/*.toml',
  '**/iotedge/**/*.toml',
  '**/config.yaml',
  '**/config.yml',
];
// </edgeguard:globs>

function settings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration('edgeguard');
  return {
    policyDirs: c.get<string[]>('policyDirs', []),
    showUnknown: c.get<boolean>('showUnknown', false),
    maxFileSize: c.get<number>('maxFileSize', 16 * 1024 * 1024),
    vars: c.get<Record<string, string>>('vars', {}),
    varFiles: c.get<string[]>('varFiles', []),
  };
}

function createClient(): LanguageClient {
  const command = vscode.workspace.getConfiguration('edgeguard').get<string>('path', 'edgeguard') || 'edgeguard';
  const serverOptions: ServerOptions = {
    run: { command, args: ['lsp'], transport: TransportKind.stdio },
    debug: { command, args: ['lsp'], transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: FILE_GLOBS.map((pattern) => ({ scheme: 'file', pattern })),
    initializationOptions: { edgeguard: settings() },
    synchronize: {
      configurationSection: 'edgeguard',
      // Every kind the selector names, plus what a scan reads beside them (.env, module.json
      // is a *.json) and the configuration.
      fileEvents: [...FILE_GLOBS, '**/.env', '**/.edgeguard.yaml', '**/.edgeguard.yml'].map((glob) =>
        vscode.workspace.createFileSystemWatcher(glob),
      ),
    },
  };
  return new LanguageClient('edgeguard', 'edgeguard', serverOptions, clientOptions);
}

async function restart(): Promise<void> {
  if (client) await client.stop();
  client = createClient();
  await client.start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('edgeguard.restart', restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('edgeguard.path')) void restart();
    }),
  );
  client = createClient();
  try {
    await client.start();
  } catch (err) {
    void vscode.window.showErrorMessage(
      `edgeguard: cannot start "${vscode.workspace.getConfiguration('edgeguard').get('path')} lsp": ${err}. ` +
        'Install edgeguard or set edgeguard.path.',
    );
  }
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
