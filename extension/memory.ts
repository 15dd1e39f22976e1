// Memory in any address space: the Open Memory command takes a reference such as gpa:vm0:0x80200000, hpa:0x…,
// gva:vm0:0x… or iova:dev32:0x… and opens VS Code's memory view (the Hex Editor extension on a
// vscode-debug-memory: URI) when that extension is installed, else a read-only hex dump read with readMemory.
// The same read-only documents list the instructions around a VM exit's pc (disassemble).

import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Sessions } from './sessions';

export const MEMORY_SCHEME = 'vmscope-memory';
/** The extension VS Code's memory view needs. */
const HEX_EDITOR = 'ms-vscode.hexeditor';
/** Bytes a hex dump shows. */
const DUMP_BYTES = 4096;

/** A memory reference the adapter takes (docs/dap.md): 0x…, hpa:, gpa:[vmN:], gva:vmN:, iova:devN:[pidN:], hartN:. */
export const MEMORY_REFERENCE = /^((hpa|gpa|gva|iova|hart\d+):((vm|dev)\d+:)?(pid\d+:)?)?(0x[0-9a-f]+|\d+)$/i;

/** The read-only documents: `/<session id>/<reference>.hex` (a hex dump) or `.dis` (instructions). */
export class MemoryDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly sessions: Sessions) {}

  static uri(sessionId: string, ref: string, kind: 'hex' | 'dis'): vscode.Uri {
    return vscode.Uri.from({ scheme: MEMORY_SCHEME, path: `/${sessionId}/${encodeURIComponent(ref)}.${kind}` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, sessionId, file] = uri.path.split('/');
    const kind = file.slice(file.lastIndexOf('.') + 1), ref = decodeURIComponent(file.slice(0, file.lastIndexOf('.')));
    const info = this.sessions.all().find((i) => i.session.id === sessionId);
    if (info === undefined) return `${ref}: the debug session has ended`;
    return kind === 'dis' ? disassembly(info.session, ref) : hexDump(info.session, ref);
  }
}

async function hexDump(session: vscode.DebugSession, ref: string): Promise<string> {
  let r: DebugProtocol.ReadMemoryResponse['body'];
  try {
    r = (await session.customRequest('readMemory', { memoryReference: ref, count: DUMP_BYTES })) as DebugProtocol.ReadMemoryResponse['body'];
  } catch (e) {
    return `${ref}: ${(e as Error).message}`;
  }
  const data = Buffer.from(r?.data ?? '', 'base64');
  const start = BigInt(r?.address ?? '0');
  const prefix = ref.includes(':') ? ref.slice(0, ref.lastIndexOf(':') + 1) : '';
  const lines = [`${prefix}${'0x' + start.toString(16)}: ${data.length} bytes read${(r?.unreadableBytes ?? 0) > 0 ? `, ${r!.unreadableBytes} unreadable` : ''} (read-only; as of the last stop)`, ''];
  for (let off = 0; off < data.length; off += 16) {
    const row = data.subarray(off, off + 16);
    const hexes = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${(start + BigInt(off)).toString(16).padStart(16, '0')}  ${hexes.slice(0, 8).join(' ')}  ${hexes.slice(8).join(' ').padEnd(23)}  ${ascii}`);
  }
  if (data.length === 0) lines.push('(nothing readable here)');
  return lines.join('\n') + '\n';
}

async function disassembly(session: vscode.DebugSession, ref: string): Promise<string> {
  let r: DebugProtocol.DisassembleResponse['body'];
  try {
    r = (await session.customRequest('disassemble', { memoryReference: ref, instructionOffset: -8, instructionCount: 24, resolveSymbols: true })) as DebugProtocol.DisassembleResponse['body'];
  } catch (e) {
    return `${ref}: ${(e as Error).message}`;
  }
  const at = BigInt(ref.slice(ref.lastIndexOf(':') + 1));
  const lines = [`Instructions around ${ref} (read-only; as of the last stop)`, ''];
  for (const i of r?.instructions ?? []) {
    const mark = BigInt(i.address) === at ? '=>' : '  ';
    lines.push(`${mark} ${i.address.padEnd(12)} ${(i.instructionBytes ?? '').padEnd(10)} ${i.instruction.replace(/\t/g, ' ').padEnd(32)} ${i.symbol ?? ''}`);
  }
  return lines.join('\n') + '\n';
}

/** The Open Memory command: asks for a reference unless given one. */
export async function openMemory(sessions: Sessions, reference?: string): Promise<vscode.Uri | undefined> {
  const info = sessions.active();
  if (info === undefined) { void vscode.window.showWarningMessage('vmscope: no vmscope debug session is active.'); return undefined; }
  const ref = reference ?? await vscode.window.showInputBox({
    title: 'vmscope: Open Memory',
    prompt: 'A memory reference: gpa:vm0:0x80200000, hpa:0x80000000, gva:vm0:0x80200000, iova:dev32:0x88000000, or 0x… (what hart 0 sees)',
    placeHolder: 'gpa:vm0:0x80200000',
    validateInput: (v) => (MEMORY_REFERENCE.test(v.trim()) ? undefined : 'space:[vmN:|devN:]address, e.g. gpa:vm0:0x80200000'),
  });
  if (ref === undefined || ref.trim() === '') return undefined;
  const memoryReference = ref.trim();
  if (vscode.extensions.getExtension(HEX_EDITOR) !== undefined) {
    // VS Code's own "View Binary Data": the Hex Editor on vscode-debug-memory://<session>/<reference>.
    await vscode.commands.executeCommand('workbench.debug.viewlet.action.viewMemory', { sessionId: info.session.id, variable: { memoryReference } });
    return undefined;
  }
  const uri = MemoryDocuments.uri(info.session.id, memoryReference, 'hex');
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
  return uri;
}
