// Source-level debugging over DAP (DebugClient against the bundled dist/debugAdapter.js) on the minikernel: source
// breakpoints resolved through the DWARF line table, stack traces with files, lines, inlined calls and callers
// unwound with the call frame information, line stepping (next, stepIn, stepOut), conditional and hit-count
// breakpoints, logpoints, locals, loaded sources and modules, symbolFiles validation.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { evaluateExpression, parseHitCondition } from '../../debug-adapter/expr';

const root = path.resolve(__dirname, '..', '..');
const adapter = path.join(root, 'dist', 'debugAdapter.js');
const minikernel = path.join(root, 'examples', 'build', 'minikernel.elf');
const mainC = path.join(root, 'examples', 'minikernel', 'main.c');
const consoleC = path.join(root, 'examples', 'minikernel', 'console.c');

/** The 1-based line of the first line of `file` holding `text` (so the tests follow edits of the sources). */
function lineOf(file: string, text: string, after = 0): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l, k) => k >= after && l.includes(text));
  assert.ok(i >= 0, `${path.basename(file)} has no line with ${text}`);
  return i + 1;
}

describe('debug adapter: source-level debugging (minikernel)', function () {
  this.timeout(60_000);
  let dc: DebugClient;
  beforeEach(async () => { dc = new DebugClient('node', adapter, 'vmscope'); await dc.start(); });
  afterEach(async () => { await dc.stop(); });

  const pidLine = () => lineOf(mainC, 'p->pid = i + 1;');
  const startingLine = () => lineOf(mainC, 'kprintf("minikernel: starting %d processes');

  /** Launches the minikernel with breakpoints on main.c lines and runs to the first stop. */
  async function runTo(bps: DebugProtocol.SourceBreakpoint[], file = mainC): Promise<DebugProtocol.SetBreakpointsResponse> {
    await dc.initializeRequest();
    const launched = dc.launch({ kernel: minikernel, bios: 'builtin' });
    await dc.waitForEvent('initialized');
    await launched;
    const set = await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: bps });
    const stopped = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    await stopped;
    return set;
  }
  const frames = async () => (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const locals = async (frameId: number) => {
    const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
    assert.equal(scopes[0].name, 'Locals');
    return (await dc.variablesRequest({ variablesReference: scopes[0].variablesReference })).body.variables;
  };
  const step = async (kind: 'next' | 'stepIn' | 'stepOut') => {
    const stopped = dc.waitForEvent('stopped');
    if (kind === 'next') await dc.nextRequest({ threadId: 1 });
    else if (kind === 'stepIn') await dc.stepInRequest({ threadId: 1 });
    else await dc.stepOutRequest({ threadId: 1 });
    return ((await stopped) as DebugProtocol.StoppedEvent).body.reason;
  };

  it('stops on a source line: the frame has the file and line, the inlined call and its caller; locals with types', async () => {
    const set = await runTo([{ line: pidLine() }, { line: 1 }]);
    assert.equal(set.body.breakpoints[0].verified, true);
    assert.equal(set.body.breakpoints[0].line, pidLine());
    assert.equal(set.body.breakpoints[1].verified, true, 'a comment line moves to the next line with code');
    assert.ok(set.body.breakpoints[1].line! > 1);
    const f = await frames();
    assert.equal(f[0].name, 'create_process [S]', 'inlined into kmain');
    assert.equal(f[0].source?.path, mainC);
    assert.equal(f[0].line, pidLine());
    assert.equal(f[1].name, 'kmain');
    assert.equal(f[1].line, lineOf(mainC, 'create_process(i);'));
    assert.equal(f[1].instructionPointerReference, f[0].instructionPointerReference, 'the same real frame');
    const vars = await locals(f[0].id);
    const i = vars.find((v) => v.name === 'i')!;
    assert.deepEqual([i.value, i.type], ['0', 'int']);
    const p = vars.find((v) => v.name === 'p')!;
    assert.equal(p.type, 'struct proc *');
    assert.ok(p.variablesReference > 0);
    const deref = (await dc.variablesRequest({ variablesReference: p.variablesReference })).body.variables;
    assert.equal(deref[0].name, '*p');
    const members = (await dc.variablesRequest({ variablesReference: deref[0].variablesReference })).body.variables;
    assert.ok(members.some((m) => m.name === 'pid') && members.some((m) => m.name === 'tf'));
    const ev = await dc.evaluateRequest({ expression: 'i + 40', frameId: f[0].id });
    assert.equal(BigInt(ev.body.result), 40n);
  });

  it('unwinds a real call chain with the call frame information: sys_write ← syscall ← trap_handler ← the trap vector', async () => {
    await runTo([{ line: lineOf(mainC, 'for (uint64_t i = 0; i < len; i++) console_putc') }]);
    const f = await frames();
    assert.deepEqual(f.slice(0, 3).map((x) => x.name.replace(/ \[S\]$/, '')), ['sys_write', 'syscall', 'trap_handler']);
    assert.equal(f[2].line, lineOf(mainC, 'return syscall(tf);'));
    assert.ok(f.length >= 4 && f[3].source?.path?.endsWith('entry.S'), 'the trap vector (assembly) calls trap_handler');
    const fd = (await locals(f[0].id)).find((v) => v.name === 'fd');
    assert.equal(fd?.value, '1');
  });

  it('next steps over a call to the next line, stepIn enters it, stepOut returns to the caller', async () => {
    await runTo([{ line: startingLine() }]);
    assert.equal((await frames())[0].line, startingLine());
    assert.equal(await step('next'), 'step');
    let f = await frames();
    assert.equal(f[0].name, 'kmain [S]', 'kprintf ran to its return');
    assert.ok(f[0].line! > startingLine() && f[0].line! <= startingLine() + 3, `line ${f[0].line}`);

    await dc.stop();
    dc = new DebugClient('node', adapter, 'vmscope');
    await dc.start();
    await runTo([{ line: startingLine() }]);
    assert.equal(await step('stepIn'), 'step');
    f = await frames();
    assert.equal(f[0].name, 'kprintf [S]');
    assert.equal(f[0].source?.path, consoleC);
    assert.equal(f[1].name, 'kmain');
    assert.equal(f[1].line, startingLine());
    assert.equal(await step('next'), 'step');
    assert.equal((await frames())[0].name, 'kprintf [S]', 'a line further in kprintf');
    assert.equal(await step('stepOut'), 'step');
    f = await frames();
    assert.equal(f[0].name, 'kmain [S]');
    // back in kmain after the call: the line of the return address (the call's line, or the next statement's)
    assert.ok(f[0].line! >= startingLine() && f[0].line! <= startingLine() + 2, `line ${f[0].line}`);
    assert.equal(f.length, (await frames()).length);
    // instruction granularity is one instruction
    const pc = BigInt(f[0].instructionPointerReference!);
    await Promise.all([dc.nextRequest({ threadId: 1, granularity: 'instruction' }), dc.waitForEvent('stopped')]);
    const pc2 = BigInt((await frames())[0].instructionPointerReference!);
    assert.ok(pc2 === pc + 2n || pc2 === pc + 4n);
  });

  it('line steps in a user process (mapped after launch) stay in it: timer interrupts run their handler, never end a step', async () => {
    const primes = path.join(root, 'examples', 'minikernel', 'user_primes.c');
    await runTo([{ line: lineOf(primes, 'if (n % d == 0) return 0;') }], primes);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      assert.equal(await step('next'), 'step');
      const f = (await frames())[0];
      assert.match(f.name, /\[U\]$/);
      assert.equal(f.source?.path, primes);
      seen.add(f.name.replace(/ \[U\]$/, ''));
    }
    assert.ok(seen.has('is_prime'));
  });

  it('a conditional breakpoint stops only where its condition holds', async () => {
    const set = await runTo([{ line: pidLine(), condition: 'i == 2' }]);
    assert.equal(set.body.breakpoints[0].verified, true);
    const f = await frames();
    assert.equal((await locals(f[0].id)).find((v) => v.name === 'i')?.value, '2');
  });

  it('a hit-count breakpoint stops on the right hit', async () => {
    await runTo([{ line: pidLine(), hitCondition: '2' }]);
    const f = await frames();
    assert.equal((await locals(f[0].id)).find((v) => v.name === 'i')?.value, '1', 'the second hit');
    // no third stop ('2' means exactly the second hit): the guest runs to its end
    const exited = dc.waitForEvent('exited', 30_000);
    await dc.continueRequest({ threadId: 1 });
    await exited;
  });

  it('a logpoint prints its message with {expressions} and does not stop', async () => {
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
    await dc.initializeRequest();
    const launched = dc.launch({ kernel: minikernel, bios: 'builtin' });
    await dc.waitForEvent('initialized');
    await launched;
    await dc.setBreakpointsRequest({ source: { path: mainC }, breakpoints: [{ line: pidLine(), logMessage: 'creating process {i} (a0 = {a0 & 0})' }] });
    const exited = dc.waitForEvent('exited', 30_000);
    await dc.configurationDoneRequest();
    await exited;
    const logs = out.filter((l) => l.startsWith('creating process'));
    assert.deepEqual(logs, ['creating process 0 (a0 = 0)\n', 'creating process 1 (a0 = 0)\n', 'creating process 2 (a0 = 0)\n']);
    assert.match(out.join(''), /all processes exited/);
  });

  it('lists loaded sources and modules; a line without code or in an unknown file is not verified', async () => {
    const set = await runTo([{ line: startingLine() }]);
    assert.equal(set.body.breakpoints[0].verified, true);
    const sources = (await dc.send('loadedSources', {}) as DebugProtocol.LoadedSourcesResponse).body.sources;
    assert.ok(sources.some((s) => s.path === mainC) && sources.some((s) => s.path === consoleC));
    const mods = (await dc.send('modules', {}) as DebugProtocol.ModulesResponse).body.modules;
    assert.deepEqual(mods.map((m) => m.name), ['minikernel.elf']);
    const bad = await dc.setBreakpointsRequest({ source: { path: '/nowhere/other.c' }, breakpoints: [{ line: 3 }] });
    assert.equal(bad.body.breakpoints[0].verified, false);
    const past = await dc.setBreakpointsRequest({ source: { path: mainC }, breakpoints: [{ line: 100000 }] });
    assert.equal(past.body.breakpoints[0].verified, false);
  });

  for (const [args, message] of [
    [{ symbolFiles: 'x.elf' }, /"symbolFiles" must be an array/],
    [{ symbolFiles: [{ file: 'x' }] }, /"symbolFiles"\[0\] must be a path or an object with a "path"/],
    [{ symbolFiles: [{ path: minikernel, vm: 0 }] }, /"symbolFiles"\[0\]: "vm" must be a VM index/],
    [{ symbolFiles: [{ path: minikernel, offset: 'far' }] }, /"symbolFiles"\[0\]: "offset" must be a number/],
    [{ symbolFiles: ['/nonexistent/s.elf'] }, /symbolFiles: cannot read \/nonexistent\/s\.elf/],
  ] as const) {
    it(`refuses bad symbolFiles with a message naming the attribute: ${JSON.stringify(args.symbolFiles).slice(0, 50)}`, async () => {
      await dc.initializeRequest();
      await assert.rejects(dc.launchRequest({ kernel: minikernel, bios: 'builtin', ...args } as unknown as DebugProtocol.LaunchRequestArguments), message);
    });
  }

  it('loads symbolFiles: a second ELF\'s sources resolve breakpoints (at its offset)', async () => {
    await dc.initializeRequest();
    const launched = dc.launch({ kernel: minikernel, bios: 'builtin', stopOnEntry: true,
      symbolFiles: [{ path: path.join(root, 'examples', 'build', 'dwarf4.elf'), offset: '0x1000000' }] });
    await dc.waitForEvent('initialized');
    await launched;
    const dwarf4c = path.join(root, 'examples', 'dwarf4', 'dwarf4.c');
    const set = await dc.setBreakpointsRequest({ source: { path: dwarf4c }, breakpoints: [{ line: lineOf(dwarf4c, 'long rest = walk(') }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    assert.ok(BigInt(set.body.breakpoints[0].instructionReference!) >= 0x81000000n, 'placed at the offset');
    const mods = (await dc.send('modules', {}) as DebugProtocol.ModulesResponse).body.modules;
    assert.deepEqual(mods.map((m) => [m.name, m.addressRange]), [['minikernel.elf', undefined], ['dwarf4.elf', '0x1000000']]);
  });
});

describe('breakpoint conditions and hit counts', () => {
  const regs: Record<string, bigint> = { a0: 5n, a1: 0xfffffffffffffffen, sp: 0x80001000n };
  const ev = (t: string) => evaluateExpression(t, (n) => regs[n], (a, size) => (a === 0x80001000n ? (size === 4 ? 0x11223344n : 0x5566778811223344n) : undefined));

  it('evaluates C expressions over registers and memory', () => {
    assert.equal(ev('a0 == 5'), 1n);
    assert.equal(ev('a0 > 3 && a1 < 0'), 1n, 'comparisons are signed');
    assert.equal(ev('(a0 + 3) * 2 % 7'), 2n);
    assert.equal(ev('*(u32 *)sp'), 0x11223344n);
    assert.equal(ev('*(unsigned int *)sp == 0x11223344'), 1n);
    assert.equal(ev('*sp'), 0x5566778811223344n);
    assert.equal(ev('1 << 4 | 1'), 17n);
    assert.match(String(ev('*(u32 *)0x10')), /not readable/);
    assert.match(String(ev('nosuch + 1')), /no register, CSR or scalar variable 'nosuch'/);
    assert.match(String(ev('a0 +')), /incomplete/);
    assert.match(String(ev('1 / 0')), /division by zero/);
  });

  it('parses hit counts', () => {
    const hits = (t: string) => [1, 2, 3, 4, 5, 6].filter((n) => parseHitCondition(t)!(n));
    assert.deepEqual(hits('3'), [3]);
    assert.deepEqual(hits('== 3'), [3]);
    assert.deepEqual(hits('>= 5'), [5, 6]);
    assert.deepEqual(hits('> 5'), [6]);
    assert.deepEqual(hits('< 3'), [1, 2]);
    assert.deepEqual(hits('% 2'), [2, 4, 6]);
    assert.equal(parseHitCondition('often'), undefined);
    assert.equal(parseHitCondition('% 0'), undefined);
  });
});
