// VS Code extension entry point: the vmscope debugger (configuration provider, inline debug adapter, commands), its
// views (page tables, TLB, VM exits, IOMMU), the walk picture, the status bar, the guest console terminal, memory
// documents, and the RISC-V assembly language client.

import * as vscode from 'vscode';
import { AdapterFactory } from './adapterFactory';
import { ConfigurationProvider, DynamicConfigurationProvider } from './configurationProvider';
import { registerDebugCommands } from './debugCommands';
import { GuestConsoles } from './guestConsole';
import { Command, DEBUG_TYPE, View } from './ids';
import { startLanguageClient } from './languageClient';
import { MEMORY_SCHEME, MemoryDocuments, openMemory } from './memory';
import { Sessions } from './sessions';
import { StatusBar } from './statusBar';
import { revealExit, switchVcpu, translateAddress } from './viewCommands';
import { ExitsProvider } from './views/exitsView';
import { IommuProvider } from './views/iommuView';
import { PageTablesProvider } from './views/pageTablesView';
import { TlbProvider } from './views/tlbView';
import { ChangeDecorations, type SessionTreeProvider } from './views/tree';
import { WalkPanel } from './walkPanel';

/** What activate() returns: the extension's own objects, for its tests and for other extensions. */
export interface VmscopeApi {
  sessions: Sessions;
  views: { pageTables: PageTablesProvider; tlb: TlbProvider; exits: ExitsProvider; iommu: IommuProvider };
  walkPanel: WalkPanel;
  statusBar: StatusBar;
  consoles: GuestConsoles;
}

export function activate(context: vscode.ExtensionContext): VmscopeApi {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider()),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new DynamicConfigurationProvider(),
      vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory()),
  );
  registerDebugCommands(context);

  const sessions = new Sessions();
  const views = { pageTables: new PageTablesProvider(sessions), tlb: new TlbProvider(sessions), exits: new ExitsProvider(sessions), iommu: new IommuProvider(sessions) };
  const walkPanel = new WalkPanel();
  const statusBar = new StatusBar(sessions);
  const consoles = new GuestConsoles(sessions);
  const providers: SessionTreeProvider[] = Object.values(views);
  const ids: Record<keyof typeof views, View> = { pageTables: View.PageTables, tlb: View.Tlb, exits: View.Exits, iommu: View.Iommu };
  context.subscriptions.push(sessions, walkPanel, statusBar, consoles, ...providers,
    ...Object.entries(views).map(([k, p]) => vscode.window.createTreeView(ids[k as keyof typeof views], { treeDataProvider: p, showCollapseAll: true })),
    vscode.window.registerFileDecorationProvider(new ChangeDecorations()),
    vscode.workspace.registerTextDocumentContentProvider(MEMORY_SCHEME, new MemoryDocuments(sessions)),
    vscode.commands.registerCommand(Command.TranslateAddress, (arg?) => translateAddress(sessions, walkPanel, arg)),
    vscode.commands.registerCommand(Command.SwitchVcpu, (threadId?: number) => switchVcpu(sessions, typeof threadId === 'number' ? threadId : undefined)),
    vscode.commands.registerCommand(Command.OpenMemory, (ref?: string) => openMemory(sessions, typeof ref === 'string' ? ref : undefined)),
    vscode.commands.registerCommand(Command.RevealExit, (arg) => revealExit(sessions, arg)),
    vscode.commands.registerCommand(Command.LoadMore, (listId: string) => providers.some((p) => p.loadMore(listId))),
    vscode.commands.registerCommand(Command.Refresh, () => { for (const p of providers) p.refresh(); }),
  );
  startLanguageClient(context);
  return { sessions, views, walkPanel, statusBar, consoles };
}

export function deactivate(): void {
  // Everything registered is disposed through context.subscriptions.
}
