// VS Code extension entry point: the vmscope debugger (configuration provider, inline debug adapter, commands) and
// the RISC-V assembly language client.

import * as vscode from 'vscode';
import { AdapterFactory } from './adapterFactory';
import { ConfigurationProvider, DynamicConfigurationProvider } from './configurationProvider';
import { registerDebugCommands } from './debugCommands';
import { DEBUG_TYPE } from './ids';
import { startLanguageClient } from './languageClient';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider()),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new DynamicConfigurationProvider(),
      vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory()),
  );
  registerDebugCommands(context);
  startLanguageClient(context);
}

export function deactivate(): void {
  // Everything registered is disposed through context.subscriptions.
}
