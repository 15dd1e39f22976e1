// The language server at the protocol level: spawned over stdio (dist/languageServer.js when it is newer than
// the sources, else the sources through tsx) and driven with vscode-jsonrpc: initialize, didOpen →
// publishDiagnostics, hover, completion, definition, references, documentSymbol, didChange, shutdown/exit.

import { strict as assert } from 'node:assert';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection, IPCMessageReader, IPCMessageWriter, MessageConnection, StreamMessageReader, StreamMessageWriter,
} from 'vscode-jsonrpc/node';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'languageServer.js');

/** Command line of the server: the bundle when it is up to date, else the TypeScript sources. */
function serverCommand(): string[] {
  if (existsSync(DIST)) {
    const built = statSync(DIST).mtimeMs;
    const dir = join(ROOT, 'language-server');
    const newest = Math.max(...readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs));
    if (built >= newest) return [DIST, '--stdio'];
  }
  return ['-r', 'tsx/cjs', join(ROOT, 'language-server', 'server.ts'), '--stdio'];
}

interface Diag { range: { start: { line: number; character: number } }; severity: number; message: string }
interface Loc { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }

const SOURCE = [
  '#define REGBYTES 8',                     // 0
  '  .macro push reg',                      // 1
  '  addi sp, sp, -REGBYTES',               // 2
  '  sd \\reg, 0(sp)',                      // 3
  '  .endm',                                // 4
  '  .text',                                // 5
  '  .globl _start',                        // 6
  '_start:',                                // 7
  '  csrr t0, mhartid',                     // 8
  '  push ra',                              // 9
  '1:',                                     // 10
  '  addi a0, a0, 1',                       // 11
  '  bnez a0, 1b',                          // 12
  '  j done',                               // 13
  '1:',                                     // 14
  '  beqz a1, 1b',                          // 15
  '  csrw hgatp, zero',                     // 16
  '  addi a0, a0, 5000',                    // 17
  '  frob a0',                              // 18
  'done:',                                  // 19
  '  ret',                                  // 20
  '',
].join('\n');

describe('language server over LSP (stdio)', function () {
  this.timeout(30000);
  let proc: ChildProcess;
  let conn: MessageConnection;
  const uri = pathToFileURL(join(ROOT, 'test', 'language', 'virtual.S')).toString();
  const diagnostics = new Map<string, ((d: Diag[]) => void)[]>();
  const nextDiagnostics = (u: string): Promise<Diag[]> => new Promise((res) => {
    diagnostics.set(u, [...(diagnostics.get(u) ?? []), res]);
  });

  before(async () => {
    proc = spawn(process.execPath, serverCommand(), { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diag[] }) => {
      const waiting = diagnostics.get(p.uri) ?? [];
      diagnostics.set(p.uri, []);
      for (const w of waiting) w(p.diagnostics);
    });
    conn.listen();
  });

  after(() => {
    conn?.dispose();
    if (proc.exitCode === null) proc.kill();
  });

  const pos = (line: number, character: number): object => ({ textDocument: { uri }, position: { line, character } });

  it('initializes with hover, completion, definition, references and symbols', async () => {
    const r = await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} }) as { capabilities: Record<string, unknown> };
    const c = r.capabilities;
    assert.ok(c.hoverProvider && c.completionProvider && c.definitionProvider && c.referencesProvider && c.documentSymbolProvider);
    await conn.sendNotification('initialized', {});
  });

  it('publishes diagnostics on didOpen: range error and unknown mnemonic, nothing else', async () => {
    const got = nextDiagnostics(uri);
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'riscv-asm', version: 1, text: SOURCE } });
    const d = await got;
    const errors = d.filter((x) => x.severity === 1).map((x) => `${x.range.start.line}: ${x.message}`).sort();
    assert.deepEqual(errors, [
      "18: unknown mnemonic 'frob'",
      '17: 5000 is out of range: expected a signed 12-bit immediate (-2048..2047)',
    ].sort());
  });

  it('hovers an instruction with its encoding, a register, and an H-extension CSR with its fields', async () => {
    const insn = await conn.sendRequest('textDocument/hover', pos(11, 3)) as { contents: { value: string } };
    assert.match(insn.contents.value, /\*\*addi\*\* — add immediate/);
    assert.match(insn.contents.value, /format I/);
    assert.match(insn.contents.value, /-----------------000-----0010011/);
    const reg = await conn.sendRequest('textDocument/hover', pos(8, 8)) as { contents: { value: string } };
    assert.match(reg.contents.value, /t0.*x5/);
    const csr = await conn.sendRequest('textDocument/hover', pos(16, 9)) as { contents: { value: string } };
    assert.match(csr.contents.value, /hgatp.*0x680/);
    assert.match(csr.contents.value, /VMID/);
    assert.match(csr.contents.value, /HS-mode/);
  });

  it('completes CSRs after csrw and mnemonics at a statement start', async () => {
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 16, character: 0 }, end: { line: 16, character: 19 } }, text: '  csrw hg' }],
    });
    const csrs = await conn.sendRequest('textDocument/completion', pos(16, 9)) as { label: string; detail?: string }[];
    const hgatp = csrs.find((c) => c.label === 'hgatp');
    assert.ok(hgatp, 'hgatp offered');
    assert.match(hgatp.detail ?? '', /0x680/);
    assert.ok(!csrs.some((c) => c.label === 'addi'), 'no mnemonics in a CSR operand');
    const mn = await conn.sendRequest('textDocument/completion', pos(20, 3)) as { label: string; detail?: string }[];
    assert.ok(mn.some((c) => c.label === 'hfence.gvma'));
    assert.ok(mn.some((c) => c.label === 'push'), 'the document macro is offered');
    assert.match(mn.find((c) => c.label === 'addi')?.detail ?? '', /addi rd, rs1, imm/);
  });

  it('goes to the right numeric local label and to named labels', async () => {
    const back1 = await conn.sendRequest('textDocument/definition', pos(12, 12)) as Loc[];
    assert.equal(back1[0].range.start.line, 10);
    const back2 = await conn.sendRequest('textDocument/definition', pos(15, 12)) as Loc[];
    assert.equal(back2[0].range.start.line, 14);
    const done = await conn.sendRequest('textDocument/definition', pos(13, 5)) as Loc[];
    assert.deepEqual(done.map((l) => l.range.start.line), [19]);
    const macro = await conn.sendRequest('textDocument/definition', pos(9, 3)) as Loc[];
    assert.deepEqual(macro.map((l) => l.range.start.line), [1]);
  });

  it('finds references of a label and of a numeric label', async () => {
    const refs = await conn.sendRequest('textDocument/references', { ...pos(19, 1), context: { includeDeclaration: true } }) as Loc[];
    assert.deepEqual(refs.map((l) => l.range.start.line).sort((a, b) => a - b), [13, 19]);
    const num = await conn.sendRequest('textDocument/references', { ...pos(10, 0), context: { includeDeclaration: false } }) as Loc[];
    assert.deepEqual(num.map((l) => l.range.start.line), [12]);
  });

  it('lists labels, the global function and the macro as document symbols', async () => {
    const syms = await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }) as { name: string; kind: number }[];
    const byName = new Map(syms.map((s) => [s.name, s.kind]));
    assert.equal(byName.get('_start'), 12, '_start is a function (global)');
    assert.equal(byName.get('done'), 20, 'done is a label (key)');
    assert.equal(byName.get('push'), 6, 'push is a macro (method)');
    assert.equal(byName.get('REGBYTES'), 14, 'REGBYTES is a constant');
  });

  it('shuts down and exits', async () => {
    const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    assert.equal(await exited, 0);
  });
});

describe('language server over LSP (node-ipc)', function () {
  this.timeout(30000);

  it('initializes, diagnoses a document and exits over node-ipc', async () => {
    const args = serverCommand().map((a) => (a === '--stdio' ? '--node-ipc' : a));
    const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
    const conn = createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
    const uri = 'file:///ipc.S';
    const diags = new Promise<Diag[]>((res) => conn.onNotification('textDocument/publishDiagnostics', (p: { diagnostics: Diag[] }) => res(p.diagnostics)));
    conn.listen();
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'riscv-asm', version: 1, text: '  slli a0, a0, 64\n' } });
    assert.deepEqual((await diags).map((d) => d.message), ['64 is out of range: expected a shift amount 0..63']);
    const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    assert.equal(await exited, 0);
    conn.dispose();
  });
});
