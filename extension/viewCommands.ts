// The commands of the views and the debug toolbar that are not stepping: Translate Address (the walk picture),
// Switch VM/vCPU, reveal a VM exit's pc, load more of a paged list, refresh the views.

import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FocusThreadArguments } from '../debug-adapter/protocol';
import { MemoryDocuments, MEMORY_REFERENCE } from './memory';
import type { SessionInfo, Sessions } from './sessions';
import { walkModel, type WalkModel } from './walk';
import type { WalkPanel } from './walkPanel';
import { hartsOf, PteNode } from './views/pageTablesView';
import type { ExitRecord } from './views/exitsView';

/** What Translate Address takes from a caller: a PTE node of the Page Tables view, or an address and a hart. */
export interface TranslateRequest { address: string; hart?: number; access?: 'fetch' | 'load' | 'store'; sessionId?: string }

/**
 * Translate Address: the walk of an address by a hart, drawn in the walk webview. Without an argument it asks for
 * the address (`ADDR [fetch|load|store]`) and, when the session has several harts, which one.
 */
export async function translateAddress(sessions: Sessions, panel: WalkPanel, arg?: PteNode | TranslateRequest): Promise<WalkModel | undefined> {
  let info: SessionInfo | undefined;
  let address: string | undefined, hart: number | undefined, access: WalkModel['access'] = 'load';
  if (arg instanceof PteNode) {
    info = sessions.get(arg.hart.session);
    address = arg.address; hart = arg.hart.hart;
  } else if (arg !== undefined && typeof arg.address === 'string') {
    info = arg.sessionId !== undefined ? sessions.all().find((i) => i.session.id === arg.sessionId) : sessions.active();
    address = arg.address; hart = arg.hart; access = arg.access ?? 'load';
  } else {
    info = sessions.active();
  }
  if (info === undefined) { void vscode.window.showWarningMessage('vmscope: no vmscope debug session is active.'); return undefined; }
  if (address === undefined) {
    const text = await vscode.window.showInputBox({
      title: 'vmscope: Translate Address', prompt: 'A virtual address (guest-virtual in a guest), optionally the access: 0x80200000 fetch',
      placeHolder: '0x80200000 [fetch|load|store]',
      validateInput: (v) => (/^\s*(0x[0-9a-f]+|\d+)(\s+(fetch|load|store))?\s*$/i.test(v) ? undefined : 'an address (0x…), then fetch, load or store'),
    });
    if (text === undefined) return undefined;
    const [a, acc] = text.trim().split(/\s+/);
    address = a; access = (acc?.toLowerCase() as WalkModel['access'] | undefined) ?? 'load';
  }
  const harts = await hartsOf(info);
  if (hart === undefined) {
    if (harts.length > 1) {
      const pick = await vscode.window.showQuickPick(harts.map((h) => ({ label: h.name, description: h.mmu, hart: h.hart })), { title: 'Which hart (vCPU) translates it?' });
      if (pick === undefined) return undefined;
      hart = pick.hart;
    } else {
      hart = harts[0]?.hart ?? 0;
    }
  }
  const thread = harts.find((h) => h.hart === hart)?.name ?? `hart${hart}`;
  try {
    const model = await walkModel(info.session, address, hart, access, thread, await info.vms());
    panel.show(model);
    return model;
  } catch (e) {
    void vscode.window.showErrorMessage(`vmscope: ${(e as Error).message}`);
    return undefined;
  }
}

/**
 * Switch VM/vCPU: a quick pick of the session's vCPUs (or harts); the chosen one becomes the focused thread through
 * vmscope/focusThread (the adapter sends a stopped event for it: VS Code's API cannot focus a thread itself).
 */
export async function switchVcpu(sessions: Sessions, threadId?: number): Promise<number | undefined> {
  const info = sessions.active();
  if (info === undefined) { void vscode.window.showWarningMessage('vmscope: no vmscope debug session is active.'); return undefined; }
  if (threadId === undefined) {
    const vms = await info.vms();
    const items = vms?.mode === 'vm'
      ? vms.vms.flatMap((vm) => vm.vcpus.map((c) => ({ label: c.name, description: `VM ${vm.id} · ${vm.mmu} paging · VMID ${vm.vmid}`, threadId: c.threadId })))
      : (await hartsOf(info)).map((h) => ({ label: h.name, description: 'hart', threadId: h.hart + 1 }));
    const pick = await vscode.window.showQuickPick(items, { title: 'vmscope: Switch VM/vCPU' });
    if (pick === undefined) return undefined;
    threadId = pick.threadId;
  }
  if (!info.stopped) {
    void vscode.window.showInformationMessage('vmscope: pause the session to switch the focused vCPU.');
    return undefined;
  }
  await info.session.customRequest('vmscope/focusThread', { threadId } satisfies FocusThreadArguments);
  return threadId;
}

/**
 * A VM exit's pc: its source line when the adapter's disassembly knows it, else a read-only listing of the
 * instructions around it (guest-virtual, through the VM's own translation) with the pc marked.
 */
export async function revealExit(sessions: Sessions, arg: { sessionId: string; exit: ExitRecord }): Promise<vscode.Uri | undefined> {
  const info = sessions.all().find((i) => i.session.id === arg.sessionId);
  if (info === undefined) return undefined;
  const vms = await info.vms();
  const ref = vms?.mode === 'vm' ? `gva:vm${arg.exit.vm}:${arg.exit.pc}` : arg.exit.pc;
  if (!MEMORY_REFERENCE.test(ref)) return undefined;
  try {
    const r = (await info.session.customRequest('disassemble', { memoryReference: ref, instructionCount: 1, resolveSymbols: true })) as DebugProtocol.DisassembleResponse['body'];
    const i = r?.instructions[0];
    if (i?.location?.path !== undefined && i.line !== undefined) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(i.location.path));
      const pos = new vscode.Position(i.line - 1, 0);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
      return doc.uri;
    }
  } catch { /* the listing below says what is there */ }
  const uri = MemoryDocuments.uri(info.session.id, ref, 'dis');
  const doc = await vscode.workspace.openTextDocument(uri);
  const line = doc.getText().split('\n').findIndex((l) => l.startsWith('=>'));
  const pos = new vscode.Position(Math.max(0, line), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
  return uri;
}
