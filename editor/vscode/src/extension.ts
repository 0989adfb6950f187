// edgeguard for VS Code: starts `edgeguard lsp` for Terraform, Bicep, ARM/IoT Edge JSON and
// aziot config.toml files, and forwards the edgeguard.* settings to it (the server re-reads them
// on workspace/didChangeConfiguration; changing edgeguard.path restarts it).
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

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
    // The server decides by file name and content, as the CLI does; these are the candidates.
    documentSelector: [
      { scheme: 'file', pattern: '**/*.tf' },
      { scheme: 'file', pattern: '**/*.tf.json' },
      { scheme: 'file', pattern: '**/*.tfvars' },
      { scheme: 'file', pattern: '**/*.bicep' },
      { scheme: 'file', pattern: '**/*.bicepparam' },
      { scheme: 'file', pattern: '**/*.json' },
      { scheme: 'file', pattern: '**/*.jsonc' },
      { scheme: 'file', pattern: '**/config.toml' },
      { scheme: 'file', pattern: '**/config.yaml' },
    ],
    initializationOptions: { edgeguard: settings() },
    synchronize: {
      configurationSection: 'edgeguard',
      // Every kind the selector names, plus what a scan reads beside them (.env, module.json
      // is a *.json) and the configuration.
      fileEvents: vscode.workspace.createFileSystemWatcher(
        '**/{*.tf,*.tfvars,*.bicep,*.bicepparam,*.json,*.jsonc,config.toml,config.yaml,.env,.edgeguard.yaml}',
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
