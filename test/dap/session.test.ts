// The debug adapter at the protocol level (@vscode/debugadapter-testsupport's DebugClient against the bundled
// dist/debugAdapter.js): launch and stop on entry, threads, stack frame, registers and CSRs, instruction steps,
// memory and disassembly, evaluate, run to the end, bad launch configurations and malformed requests.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as A from '../support/asm';
import { makeElf, words } from '../support/elf';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ExitsResult, PageTablesResult, StatsResult, TlbResult, TranslateResult } from '../../debug-adapter/protocol';

const root = path.resolve(__dirname, '..', '..');
const adapter = path.join(root, 'dist', 'debugAdapter.js');
const minikernel = path.join(root, 'examples', 'build', 'minikernel.elf');
const tmp = mkdtempSync(path.join(tmpdir(), 'vmscope-dap-'));

describe('debug adapter (DAP over stdio)', function () {
  this.timeout(60_000);
  let dc: DebugClient;

  beforeEach(async () => {
    dc = new DebugClient('node', adapter, 'vmscope');
    await dc.start();
  });
  afterEach(async () => { await dc.stop(); });

  /** readMemory (DebugClient has no helper for it). */
  const readMemory = (args: DebugProtocol.ReadMemoryArguments) =>
    dc.send('readMemory', args) as Promise<DebugProtocol.ReadMemoryResponse>;

  /** Launches with stopOnEntry and waits for the entry stop. */
  async function launchStopped(args: Record<string, unknown>): Promise<void> {
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ ...args, stopOnEntry: true }),
      dc.waitForEvent('stopped'),
    ]);
  }

  it('launches the minikernel under the built-in SBI stopped at its entry: threads, frame, registers, CSRs', async () => {
    await launchStopped({ kernel: minikernel, bios: 'builtin' });
    const threads = (await dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((t) => t.name), ['hart0']);
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(frames[0].instructionPointerReference, '0x80200000');
    assert.match(frames[0].name, /^_start.*\[S\]$/);
    const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
    assert.deepEqual(scopes.map((s) => s.name), ['Registers', 'Floating point', 'CSRs']);
    const regs = (await dc.variablesRequest({ variablesReference: scopes[0].variablesReference })).body.variables;
    const get = (vars: DebugProtocol.Variable[], n: string) => vars.find((v) => v.name === n)?.value;
    assert.equal(get(regs, 'pc'), '0x0000000080200000');
    assert.equal(get(regs, 'a0 (x10)'), '0x0000000000000000', 'a0 = hart id');
    assert.equal(get(regs, 'privilege'), 'S');
    const csrs = (await dc.variablesRequest({ variablesReference: scopes[2].variablesReference })).body.variables;
    assert.equal(get(csrs, 'misa'), '0x80000000001411ad');
    assert.ok(csrs.some((v) => v.name === 'hstatus') && csrs.some((v) => v.name === 'vsatp'));
  });

  it('steps one instruction at a time and reads memory and disassembly at the pc', async () => {
    await launchStopped({ kernel: minikernel, bios: 'builtin' });
    await Promise.all([dc.stepInRequest({ threadId: 1, granularity: 'instruction' }), dc.waitForEvent('stopped')]);
    const pc1 = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].instructionPointerReference!;
    assert.notEqual(pc1, '0x80200000');
    const mem = (await readMemory({ memoryReference: '0x80200000', count: 16 })).body!;
    assert.equal(mem.address, '0x80200000');
    assert.equal(Buffer.from(mem.data!, 'base64').length, 16);
    const dis = (await dc.disassembleRequest({ memoryReference: '0x80200000', instructionCount: 4 })).body!.instructions;
    assert.equal(dis.length, 4);
    assert.equal(dis[0].address, '0x80200000');
    assert.ok(dis.every((i) => i.instruction.length > 0 && i.instruction !== '??'));
    const ev = await dc.evaluateRequest({ expression: 'pc' });
    assert.equal(BigInt(ev.body.result), BigInt(pc1));
  });

  it('continues to the guest\'s end: its console arrives as output, then exited (0) and terminated', async () => {
    await launchStopped({ kernel: minikernel, bios: 'builtin' });
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
    const exited = dc.waitForEvent('exited', 30_000), terminated = dc.waitForEvent('terminated', 30_000);
    await dc.continueRequest({ threadId: 1 });
    const e = await exited as DebugProtocol.ExitedEvent;
    assert.equal(e.body.exitCode, 0);
    await terminated;
    assert.match(out.join(''), /minikernel: all processes exited/);
  });

  it('function and instruction breakpoints stop the hart there (a user-process address not mapped yet included)', async () => {
    await dc.initializeRequest();
    const launched = dc.launch({ kernel: minikernel, bios: 'builtin' });
    await dc.waitForEvent('initialized');
    await launched;
    const fb = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'kmain' }, { name: 'no_such_function' }] });
    assert.deepEqual(fb.body.breakpoints.map((b) => b.verified), [true, false]);
    // The first user process's first instruction: no process exists yet, so the breakpoint is set but not verified.
    const ib = await dc.send('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x1006c' }] }) as DebugProtocol.SetInstructionBreakpointsResponse;
    assert.equal(ib.body.breakpoints[0].verified, false);
    assert.match(ib.body.breakpoints[0].message ?? '', /not mapped yet/);
    const verified: DebugProtocol.BreakpointEvent[] = [];
    dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => { if (e.body.breakpoint.id === ib.body.breakpoints[0].id) verified.push(e); });
    const first = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    const s1 = await first as DebugProtocol.StoppedEvent;
    assert.equal(s1.body.reason, 'breakpoint');
    const f1 = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    assert.match(f1.name, /^kmain \[S\]$/);
    const second = dc.waitForEvent('stopped');
    await dc.continueRequest({ threadId: 1 });
    await second;
    const f2 = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    assert.equal(f2.instructionPointerReference, '0x1006c');
    assert.match(f2.name, /\[U\]$/, 'the first instruction of the first user process');
    assert.equal(verified.at(-1)?.body.breakpoint.verified, true, 'a breakpoint event verified it once the process existed');
    // without breakpoints the guest runs to its end
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.send('setInstructionBreakpoints', { breakpoints: [] });
    const exited = dc.waitForEvent('exited', 30_000);
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
  });

  it('vmscope/exits, vmscope/stats and vmscope/translate describe a VMM guest (nested: the 2D walk)', async () => {
    await dc.initializeRequest();
    const launched = dc.launch({ kernel: minikernel, mode: 'vm', mmu: 'nested' });
    await dc.waitForEvent('initialized');
    await launched;
    await dc.send('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x1006c' }] });
    const stopped = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    await stopped;
    const exits = (await dc.customRequest('vmscope/exits', { count: 5 })).body as ExitsResult;
    assert.ok(exits.total > 40 && exits.counts.guestPageFault > 0 && exits.counts.mmio > 0);
    assert.equal(exits.exits.length, 5);
    assert.ok(exits.exits.every((x) => typeof x.reason === 'string' && x.pc.startsWith('0x')));
    const stats = (await dc.customRequest('vmscope/stats')).body as StatsResult;
    assert.equal(stats.vms[0].mmu, 'nested');
    assert.ok(stats.translation.guestWalks > 0 && stats.vms[0].gstageLeaves > 0);
    const t = (await dc.customRequest('vmscope/translate', { address: '0x1006c', access: 'fetch' })).body as TranslateResult;
    assert.equal(t.kind, 'two-stage');
    assert.equal(t.ok, true);
    assert.equal(t.steps.length, 15, 'Sv39 over Sv39x4 with 4 KiB G-stage pages');
    assert.deepEqual(t.steps.filter((x) => x.stage === 'VS').map((x) => x.level), [2, 1, 0]);
    const miss = (await dc.customRequest('vmscope/translate', { address: '0x7000000' })).body as TranslateResult;
    assert.equal(miss.ok, false);
    assert.match(miss.reason, /^VS stage: PTE at level \d not valid/);
    await assert.rejects(dc.customRequest('vmscope/translate', { address: 'here' }), /give "address"/);
    await assert.rejects(dc.customRequest('vmscope/nothing'), /unknown request 'vmscope\/nothing'/);
  });

  for (const into of [false, true]) {
    it(`a step with a timer interrupt pending ${into ? 'enters the handler (stepIntoInterrupts)' : 'is not hijacked: the handler runs, the step ends after the instruction'}`, async () => {
      const H = 32, C = 12;
      const p = [
        ...A.li32('t0', 0x8000_0000 + 4 * H), A.csrw(0x305, 't0'),          // mtvec = H
        ...A.li32('s0', 0x0200_4000), A.sd('zero', 's0', 0),                  // mtimecmp = 0: MTIP pending
        A.addi('t0', 'zero', 0x80), A.csrw(0x304, 't0'),                       // mie.MTIE
      ];
      A.padTo(p, C);
      p.push(A.csrrwi('zero', 0x300, 8), A.addi('a0', 'a0', 1), A.jal('zero', -4));   // C: mstatus.MIE = 1; X: loop
      A.padTo(p, H);
      p.push(A.addi('a1', 'a1', 1), A.addi('t1', 'zero', -1), A.sd('t1', 's0', 0), A.mret());
      const file = path.join(tmp, `irq-step-${into}.elf`);
      writeFileSync(file, makeElf(0x8000_0000, [{ paddr: 0x8000_0000, data: words(p) }]));
      await dc.initializeRequest();
      const launched = dc.launch({ program: file, stepIntoInterrupts: into });
      await dc.waitForEvent('initialized');
      await launched;
      await dc.send('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x' + (0x8000_0000 + 4 * C).toString(16) }] });
      const stopped = dc.waitForEvent('stopped');
      await dc.configurationDoneRequest();
      await stopped;
      const a1Before = BigInt((await dc.evaluateRequest({ expression: 'a1' })).body.result);   // the DTB address at entry
      await Promise.all([dc.nextRequest({ threadId: 1, granularity: 'instruction' }), dc.waitForEvent('stopped')]);
      const pc = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].instructionPointerReference;
      const a1 = BigInt((await dc.evaluateRequest({ expression: 'a1' })).body.result) - a1Before;
      if (into) {
        assert.equal(pc, '0x' + (0x8000_0000 + 4 * H).toString(16), 'in the handler');
        assert.equal(a1, 0n);
      } else {
        assert.equal(pc, '0x' + (0x8000_0000 + 4 * (C + 1)).toString(16), 'the next instruction');
        assert.equal(a1, 1n, 'the handler ran');
      }
    });
  }

  it('a VM-exit filter stops a user\'s hypervisor at its handler; exceptionInfo decodes the exit', async () => {
    const init = await dc.initializeRequest();
    assert.ok(init.body!.exceptionBreakpointFilters!.some((f) => f.filter === 'exit:guestPageFault'));
    const launched = dc.launch({ kernel: path.join(root, 'examples', 'build', 'minivisor.elf'), bios: 'builtin' });
    await dc.waitForEvent('initialized');
    await launched;
    await dc.setExceptionBreakpointsRequest({ filters: ['exit:sbi'] });
    const stopped = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    const ev = await stopped as DebugProtocol.StoppedEvent;
    assert.equal(ev.body.reason, 'exception');
    assert.match(ev.body.description!, /^VM exit: SBI call \(cause 10\) at 0x802/);
    const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    assert.match(frame.name, /\[S\]$/, 'in HS-mode: the first instruction of the minivisor\'s trap handler');
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'exit:sbi');
    assert.match(info.body.description!, /SBI call, cause 10, pc 0x802.*left to the guest hypervisor/);
  });

  it('vmscope/stepThroughExit: from the guest to the minivisor\'s handler, then back to where the guest resumes', async () => {
    await dc.initializeRequest();
    const launched = dc.launch({ kernel: path.join(root, 'examples', 'build', 'minivisor.elf'), bios: 'builtin' });
    await dc.waitForEvent('initialized');
    await launched;
    await dc.setExceptionBreakpointsRequest({ filters: ['exit:mmio', 'exit:guestPageFault'] });
    const inGuest = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    await inGuest;                                                   // the guest's first exit: stopped in the handler
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const frameName = async () => (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].name;
    assert.match(await frameName(), /\[S\]$/);
    const back = dc.waitForEvent('stopped');
    await dc.customRequest('vmscope/stepThroughExit');
    assert.match(((await back) as DebugProtocol.StoppedEvent).body.description!, /back in the guest/);
    assert.match(await frameName(), /\[V[SU]\]$/, 'in the guest again');
    const exits = ((await dc.customRequest('vmscope/exits', { count: 1 })).body as ExitsResult).exits[0];
    assert.ok(exits.hostInsns > 0, 'the exit record now has the handler\'s cost');
    const toHandler = dc.waitForEvent('stopped');
    await dc.customRequest('vmscope/stepThroughExit');
    assert.equal(((await toHandler) as DebugProtocol.StoppedEvent).body.reason, 'exception');
    assert.match(await frameName(), /\[S\]$/, 'in the handler of the next exit');
  });

  it('vmscope/stepToExit runs a VMM guest to its next exit and stops there', async () => {
    await launchStopped({ kernel: minikernel, mode: 'vm' });
    const before = ((await dc.customRequest('vmscope/exits', { count: 1 })).body as ExitsResult).total;
    const stopped = dc.waitForEvent('stopped');
    await dc.customRequest('vmscope/stepToExit');
    const ev = await stopped as DebugProtocol.StoppedEvent;
    assert.equal(ev.body.reason, 'exception');
    const after = (await dc.customRequest('vmscope/exits', { count: 1 })).body as ExitsResult;
    assert.equal(after.total, before + 1);
    assert.equal(after.exits[0].reason, 'guestPageFault', 'the first exit: fetching the entry point');
    // the filter is back to none: the guest then runs to its end
    const exited = dc.waitForEvent('exited', 30_000);
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
  });

  it('inspection never changes the guest: 150 steps with reads between them retire what a plain run retires', async () => {
    const run = async (inspect: boolean): Promise<bigint> => {
      const c = new DebugClient('node', adapter, 'vmscope');
      await c.start();
      try {
        await c.initializeRequest();
        const launched = c.launch({ kernel: minikernel, mode: 'vm', mmu: 'nested', stopOnEntry: true });
        await c.waitForEvent('initialized');
        await launched;
        const entry = c.waitForEvent('stopped');
        await c.configurationDoneRequest();
        await entry;
        for (let i = 0; i < 150; i++) {
          await Promise.all([c.stepInRequest({ threadId: 1 }), c.waitForEvent('stopped')]);
          if (!inspect) continue;
          const f = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
          const sc = (await c.scopesRequest({ frameId: f.id })).body.scopes;
          await c.variablesRequest({ variablesReference: sc[0].variablesReference });
          await c.variablesRequest({ variablesReference: sc[1].variablesReference });
          await c.send('readMemory', { memoryReference: f.instructionPointerReference!, count: 64 });
          await c.disassembleRequest({ memoryReference: f.instructionPointerReference!, instructionCount: 8 });
          await c.customRequest('vmscope/translate', { address: f.instructionPointerReference!, access: 'store' });
        }
        await c.send('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x1006c' }] });
        const atBp = c.waitForEvent('stopped');
        await c.continueRequest({ threadId: 1 });
        await atBp;
        return BigInt((await c.evaluateRequest({ expression: 'minstret' })).body.result);
      } finally {
        await c.stop();
      }
    };
    const [withInspection, without] = [await run(true), await run(false)];
    assert.ok(withInspection > 100_000n);
    assert.equal(withInspection, without);
  });

  for (const mmu of ['nested', 'shadow'] as const) {
    it(`vmscope/pageTables and vmscope/tlb (${mmu}): the guest's VS-stage path to a user page, the ${mmu === 'nested' ? 'G-stage' : 'shadow'} tables, the TLB`, async () => {
      await dc.initializeRequest();
      const launched = dc.launch({ kernel: minikernel, mode: 'vm', mmu });
      await dc.waitForEvent('initialized');
      await launched;
      await dc.send('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x1006c' }] });
      const stopped = dc.waitForEvent('stopped');
      await dc.configurationDoneRequest();
      await stopped;
      const pt = async (args: Record<string, unknown>) => (await dc.customRequest('vmscope/pageTables', args)).body as PageTablesResult;
      // Walk 0x1006c (VPN 0, 0, 0x10) down the tables the hart walks for it.
      const space = mmu === 'nested' ? 'vsatp' : 'shadow';
      let t = await pt({ space });
      assert.equal(t.mode, 'Sv39');
      for (const idx of [0, 0]) {
        const e = t.entries.find((x) => x.index === idx)!;
        assert.ok(e.valid && !e.leaf && e.next !== undefined, JSON.stringify(e));
        t = await pt({ space, table: e.next!.table, level: e.next!.level });
      }
      const leaf = t.entries.find((x) => x.index === 0x10)!;
      assert.ok(leaf.leaf && leaf.pageSize === '4 KiB');
      assert.equal(leaf.flags, 'DA-UXWRV', 'the user image page: user RWX, accessed and dirty (loaded by the kernel)');
      if (mmu === 'nested') {
        const g = await pt({ space: 'hgatp' });
        assert.equal(g.mode, 'Sv39x4');
        assert.ok(g.entries.length > 0 && g.entries.every((x) => x.valid && !x.leaf), 'the G-stage root holds pointers');
        await assert.rejects(dc.customRequest('vmscope/pageTables', { space: 'shadow' }), /no shadow-paged VM/);
      } else {
        await assert.rejects(dc.customRequest('vmscope/pageTables', { space: 'vsatp' }), /ask for "shadow"/);
      }
      // The same bytes through every address space: the guest's virtual address, its physical one, the host's.
      const read = async (ref: string) => ((await readMemory({ memoryReference: ref, count: 8 })).body!).data;
      const tr = (await dc.customRequest('vmscope/translate', { address: '0x1006c', access: 'fetch' })).body as TranslateResult;
      const viaGva = await read('gva:vm0:0x1006c');
      assert.equal(viaGva, await read('0x1006c'));
      assert.equal(await read(`hpa:${tr.pa}`), viaGva);
      if (mmu === 'nested') assert.equal(await read(`gpa:vm0:${tr.gpa}`), viaGva);
      await assert.rejects(readMemory({ memoryReference: 'gpa:vm7:0x80000000', count: 4 }), /no vm7/);
      const tlb = (await dc.customRequest('vmscope/tlb')).body as TlbResult;
      assert.ok(tlb.entries.length > 0 && tlb.entries.every((x) => x.stage === 'guest'));
      assert.ok(tlb.entries.some((x) => x.va === '0x10000' || x.va === '0x11000' || BigInt(x.va) === 0x10000n));
      await assert.rejects(dc.customRequest('vmscope/pageTables', { space: 'cr3' }), /"space" must be/);
    });
  }

  it('runs a kernel as a VMM guest: threads are vCPUs', async () => {
    await launchStopped({ kernel: minikernel, mode: 'vm', mmu: 'shadow' });
    const threads = (await dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((t) => t.name), ['vm0/vcpu0']);
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.match(frames[0].name, /\[VS\]$/);
  });

  for (const [args, message] of [
    [{}, /give "program" \(an ELF\), "kernel" or "bios"/],
    [{ kernel: minikernel, mode: 'hyper' }, /"mode" must be "bare" or "vm"/],
    [{ kernel: minikernel, harts: 0 }, /"harts" must be an integer from 1 to 8/],
    [{ kernel: minikernel, memory: 'lots' }, /"memory" must be 1M to 2G/],
    [{ kernel: '/nonexistent/k.elf' }, /kernel: cannot read \/nonexistent\/k\.elf/],
    [{ program: path.join(root, 'README.md') }, /program: .* is not an ELF file/],
  ] as const) {
    it(`refuses a bad launch configuration with a message naming it: ${JSON.stringify(args).slice(0, 60)}`, async () => {
      await dc.initializeRequest();
      await assert.rejects(dc.launchRequest(args as DebugProtocol.LaunchRequestArguments), message);
    });
  }

  it('answers malformed requests with errors and stays usable', async () => {
    await launchStopped({ kernel: minikernel, bios: 'builtin' });
    await assert.rejects(readMemory({ memoryReference: 'nonsense', count: 4 }), /bad memoryReference/);
    await assert.rejects(readMemory({ memoryReference: '0x80200000', count: 1e12 }), /bad memoryReference or count/);
    await assert.rejects(dc.disassembleRequest({ memoryReference: '0x0', instructionCount: 1e9 }), /instructionCount/);
    await assert.rejects(dc.stackTraceRequest({ threadId: 99 }), /no thread 99/);
    await assert.rejects(dc.evaluateRequest({ expression: 'nosuchthing' }), /cannot evaluate/);
    const unreadable = (await readMemory({ memoryReference: '0x4000', count: 8 })).body!;
    assert.equal(unreadable.unreadableBytes, 8, 'no memory there');
    const threads = (await dc.threadsRequest()).body.threads;
    assert.equal(threads.length, 1);
  });

  describe('as a TCP server (vmscope dap --port)', () => {
    it('listens on 127.0.0.1 by default and serves a session per connection', async function () {
      const proc = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'dap', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
      try {
        const line = await new Promise<string>((res, rej) => {
          let err = '';
          proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); if (err.includes('\n')) res(err); });
          proc.on('exit', () => rej(new Error(`exited: ${err}`)));
        });
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(line);
        assert.ok(m !== null, line);
        const tcp = new DebugClient('node', adapter, 'vmscope');
        await tcp.start(Number(m[1]));
        await Promise.all([
          tcp.waitForEvent('initialized').then(() => tcp.configurationDoneRequest()),
          tcp.launch({ kernel: minikernel, bios: 'builtin', stopOnEntry: true }),
          tcp.waitForEvent('stopped'),
        ]);
        assert.deepEqual((await tcp.threadsRequest()).body.threads.map((t) => t.name), ['hart0']);
        await tcp.stop();
      } finally {
        proc.kill();
      }
    });
  });
});
