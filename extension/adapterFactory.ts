// How VS Code reaches a vmscope debug adapter: inline in the extension host by default (no process to start,
// the emulator runs on the extension host's event loop in chunks), or a `vmscope dap --port N` server for
// "attach" configurations and for "debugServer".

import * as vscode from 'vscode';
import { VmscopeSession } from '../debug-adapter/session';

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const c = session.configuration;
    if (c.request === 'attach') return new vscode.DebugAdapterServer(c.port as number, typeof c.host === 'string' ? c.host : '127.0.0.1');
    if (typeof c.debugServer === 'number') return new vscode.DebugAdapterServer(c.debugServer);
    return new vscode.DebugAdapterInlineImplementation(new VmscopeSession());
  }
}
