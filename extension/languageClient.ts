// The language client for RISC-V assembly: starts dist/languageServer.js (node-ipc) for riscv-asm documents.
// extension.ts calls startLanguageClient(context) on activation; the client stops with the extension.

import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

/**
 * Starts the RISC-V assembly language server and returns its client (already registered for disposal in
 * `context.subscriptions`). Extra include directories for #include/.include come from the optional
 * `vmscope.asm.includePaths` setting (relative paths are taken from the first workspace folder).
 */
export function startLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath('dist/languageServer.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const includePaths = (vscode.workspace.getConfiguration('vmscope.asm').get<string[]>('includePaths') ?? [])
    .map((p) => (root !== undefined && !/^([A-Za-z]:)?[\\/]/.test(p) ? `${root}/${p}` : p));
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'riscv-asm' }],
    initializationOptions: { includePaths },
  };
  const client = new LanguageClient('vmscope.riscvAsm', 'RISC-V Assembly', serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => void client.stop() });
  void client.start();
  return client;
}
