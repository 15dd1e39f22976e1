// The debug adapter's machine-level requests (DebugClient against dist/debugAdapter.js): the IOMMU (vmscope/iommu,
// iova: memory references, the IOMMU-fault exception filter), writeMemory, setVariable on registers and CSRs, Debug
// Console commands, vmscope/vms, breakpoint conditions that scope by VM, restart, the terminal console, state events,
// and the launch attributes for VMs, devices and drives.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { IommuResult, PageTablesResult, StateChangedEventBody, TlbResult, VmsResult } from '../../debug-adapter/protocol';

const root = path.resolve(__dirname, '..', '..');
const adapter = path.join(root, 'dist', 'debugAdapter.js');
const minikernel = path.join(root, 'examples', 'build', 'minikernel.elf');

describe('debug adapter: IOMMU, memory and register writes, console commands, VMs', function () {
  this.timeout(90_000);
  let dc: DebugClient;

  beforeEach(async () => { dc = new DebugClient('node', adapter, 'vmscope'); await dc.start(); });
  afterEach(async () => { await dc.stop(); });

  const send = <T>(command: string, args: unknown) => dc.send(command, args) as Promise<T>;
  const readBytes = async (memoryReference: string, count: number) => {
    const r = await send<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference, count });
    return Buffer.from(r.body?.data ?? '', 'base64');
  };
  const evaluate = async (expression: string, frameId?: number) =>
    (await dc.evaluateRequest({ expression, context: 'repl', frameId })).body.result;

  async function launch(args: Record<string, unknown>, filters: string[] = []): Promise<DebugProtocol.StoppedEvent> {
    const [, , stopped] = await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        if (filters.length > 0) await dc.setExceptionBreakpointsRequest({ filters });
        await dc.configurationDoneRequest();
      }),
      dc.launch(args),
      dc.waitForEvent('stopped'),
    ]);
    return stopped as DebugProtocol.StoppedEvent;
  }

  it('stops on an IOMMU fault of an assigned device, describes it, and shows the IOMMU state; iova: reads what the device reaches', async () => {
    const ev = await launch({ kernel: minikernel, mode: 'vm', mmu: 'shadow', assign: [{ device: 'copy-engine', vm: 0 }] }, ['iommu-fault']);
    assert.equal(ev.body.reason, 'exception');
    assert.match(ev.body.description ?? '', /^IOMMU fault: device 0x20 \(vm0\) DMA at 0x88001000: Write\/AMO guest-page fault/);
    const info = await send<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: ev.body.threadId });
    assert.equal(info.body.exceptionId, 'iommu-fault');
    assert.match(info.body.description ?? '', /cause 23.*device 0x20 of vm0, write at IOVA 0x88001000, iotval2 0x88001000/);
    const io = (await send<{ body: IommuResult }>('vmscope/iommu', { deviceId: 0x20, iova: '0x80200000' })).body;
    assert.equal(io.mode, '1LVL');
    assert.deepEqual(io.devices.map((d) => d.deviceId), [0x20]);
    assert.equal((io.devices[0].iohgatp as { mode: string }).mode, 'Sv39x4');
    assert.equal(io.faults.length, 1);
    assert.equal(io.faults[0].vm, 0);
    assert.ok(io.stats.iotlbMisses > 0);
    const t = io.translation as { ok: boolean; spa: number; steps: { kind: string }[] };
    assert.equal(t.ok, true);
    assert.ok(t.steps.some((s) => s.kind === 'S2'));
    // What the device reaches at an IO-virtual address is the VM's guest-physical memory there.
    const viaIommu = await readBytes('iova:dev32:0x80200000', 64);
    assert.equal(viaIommu.length, 64);
    assert.deepEqual(viaIommu, await readBytes('gpa:vm0:0x80200000', 64));
    assert.equal((await readBytes('iova:dev32:0x88001000', 16)).length, 0, 'outside the VM: unreadable');
    assert.match(await evaluate('info iommu'), /ddtp 1LVL[\s\S]*device 0x20: valid, iohgatp Sv39x4 GSCID 1[\s\S]*fault #0 vm0 device 0x20 iova 0x88001000/);
    const vms = (await send<{ body: VmsResult }>('vmscope/vms', {})).body;
    assert.deepEqual(vms.vms.map((v) => [v.id, v.mmu, v.assigned, v.vcpus.map((c) => c.name)]), [[0, 'shadow', ['copy-engine'], ['vm0/vcpu0']]]);
    // TLB entries say which event filled them: the fill's number and the kind of access that missed.
    const tlb = (await send<{ body: TlbResult }>('vmscope/tlb', { hart: 0 })).body.entries;
    assert.ok(tlb.length > 0 && tlb.every((x) => x.fill > 0 && ['fetch', 'load', 'store'].includes(x.filledBy)));
    assert.ok(tlb.some((x) => x.filledBy === 'fetch') && tlb.some((x) => x.filledBy !== 'fetch'));
    assert.equal(new Set(tlb.map((x) => x.fill)).size, tlb.length, 'fill numbers are distinct');
  });

  it('each VM-exit filter stops on an exit of its reason (the reasons the example guests produce)', async function () {
    this.timeout(120_000);
    const minivisor = path.join(root, 'examples', 'build', 'minivisor.elf');
    const cases: [Record<string, unknown>, string][] = [
      [{ kernel: minikernel, mode: 'vm', mmu: 'nested' }, 'guestPageFault'],
      [{ kernel: minikernel, mode: 'vm', mmu: 'nested' }, 'sbi'],
      [{ kernel: minikernel, mode: 'vm', mmu: 'nested' }, 'mmio'],
      [{ kernel: minikernel, mode: 'vm', mmu: 'shadow' }, 'vtvm'],
      [{ kernel: minikernel, mode: 'vm', mmu: 'shadow' }, 'shadowFault'],
      [{ kernel: minivisor, bios: 'builtin' }, 'interrupt'],
    ];
    for (const [args, reason] of cases) {
      await dc.stop();
      dc = new DebugClient('node', adapter, 'vmscope');
      await dc.start();
      const ev = await launch(args, [`exit:${reason}`]);
      assert.equal(ev.body.reason, 'exception', reason);
      assert.equal(ev.body.text, reason);
      const info = await send<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: ev.body.threadId });
      assert.equal(info.body.exceptionId, `exit:${reason}`);
    }
  });

  it('trap filters: stops at the handler of an ecall from U-mode and of a timer interrupt, described in words', async () => {
    const ev = await launch({ kernel: minikernel, bios: 'builtin' }, ['trap:exc:8']);
    assert.equal(ev.body.reason, 'exception');
    assert.match(ev.body.description ?? '', /^Trap: environment call from U-mode \(8\) on hart 0 from U to S at pc 0x[0-9a-f]+, tval 0x0$/);
    const info = await send<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: 1 });
    assert.equal(info.body.exceptionId, 'trap:exc:8');
    // The hart is at the kernel's trap vector, in S-mode.
    assert.match(await evaluate('scause | 0'), /^0x0+8$/);
    assert.equal(await evaluate('pc'), await evaluate('stvec'), 'stopped at the handler\'s first instruction');
    await dc.setExceptionBreakpointsRequest({ filters: ['trap:irq:5'] });
    const [, next] = await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    assert.match(next.body.description ?? '', /^Trap: supervisor timer interrupt \(interrupt 5\) on hart 0 from [US] to S/);
    assert.match(await evaluate('scause | 0'), /^0x80+5$/);
    assert.equal(await evaluate('pc'), await evaluate('stvec'));
  });

  it('writeMemory through hpa:, gpa: and the hart\'s view; setVariable on registers and CSRs (WARL); console commands', async () => {
    const ev = await launch({ kernel: minikernel, bios: 'builtin', stopOnEntry: true });
    const w = await send<DebugProtocol.WriteMemoryResponse>('writeMemory', { memoryReference: 'hpa:0x87000000', data: Buffer.from('vmscope!').toString('base64') });
    assert.equal(w.body?.bytesWritten, 8);
    assert.equal((await readBytes('0x87000000', 8)).toString(), 'vmscope!', 'bare: the hart sees physical memory');
    await assert.rejects(send('writeMemory', { memoryReference: 'hpa:0x7ffffffe', data: Buffer.from('abcd').toString('base64') }), /not writable memory; nothing written/);
    await assert.rejects(send('writeMemory', { memoryReference: 'nowhere', data: '' }), /bad memoryReference/);
    const frames = (await dc.stackTraceRequest({ threadId: ev.body.threadId! })).body.stackFrames;
    const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
    const regs = scopes.find((s) => s.name === 'Registers')!.variablesReference, csrs = scopes.find((s) => s.name === 'CSRs')!.variablesReference;
    const set = (variablesReference: number, name: string, value: string) =>
      send<DebugProtocol.SetVariableResponse>('setVariable', { variablesReference, name, value });
    assert.equal((await set(regs, 'a5 (x15)', '0x1234 + 1')).body.value, '0x0000000000001235');
    assert.equal(await evaluate('a5'), '0x0000000000001235');
    // sscratch takes anything; stvec's mode field keeps only 0 or 1 (WARL): writing 0x...3 keeps ...1? It keeps what it can.
    assert.equal((await set(csrs, 'sscratch', '0xfeed')).body.value, '0x000000000000feed');
    assert.equal((await set(csrs, 'satp', '0xffffffffffffffff')).body.value !== '0xffffffffffffffff', true, 'satp is WARL');
    await assert.rejects(set(csrs, 'cycle', '1'), /not a writable CSR/);
    // CSRs expand to their fields, decoded.
    const csrVars = (await dc.variablesRequest({ variablesReference: csrs })).body.variables;
    const satpVar = csrVars.find((v) => v.name === 'satp')!;
    const satpFields = (await dc.variablesRequest({ variablesReference: satpVar.variablesReference })).body.variables;
    assert.deepEqual(satpFields.map((f) => f.name), ['PPN', 'ASID', 'MODE']);
    assert.match(satpFields.find((f) => f.name === 'MODE')!.value, /\((Bare|Sv39|Sv48|Sv57)\)$/);
    const mstatus = csrVars.find((v) => v.name === 'mstatus')!;
    const ms = (await dc.variablesRequest({ variablesReference: mstatus.variablesReference })).body.variables;
    assert.match(ms.find((f) => f.name === 'MPP')!.value, /^\d \((U|S|M)\)$/);
    assert.match(ms.find((f) => f.name === 'FS')!.value, /^\d \((Off|Initial|Clean|Dirty)\)$/);
    // Floating point: values as double (or float when NaN-boxed); set from a decimal number or raw bits.
    const fp = scopes.find((s) => s.name === 'Floating point')!.variablesReference;
    assert.equal((await set(fp, 'fa0 (f10)', '1.5')).body.value, '0x3ff8000000000000 (double 1.5)');
    assert.equal((await set(fp, 'fa1 (f11)', '0xffffffff40490fdb')).body.value, '0xffffffff40490fdb (float 3.1415927410125732)');
    const fpVars = (await dc.variablesRequest({ variablesReference: fp })).body.variables;
    assert.equal(fpVars.find((v) => v.name === 'fa0 (f10)')!.value, '0x3ff8000000000000 (double 1.5)');
    assert.match(fpVars.find((v) => v.name === 'fcsr')!.value, /frm RNE, fflags none/);
    await assert.rejects(set(regs, 'zero (x0)', '1'), /cannot be set/);
    // Memory expressions that name the address space.
    assert.equal(await evaluate('*(u32 *)hpa:0x87000000'), '0x0000000063736d76');
    assert.equal(await evaluate('*(u8 *)hpa:0x87000000 + 1'), '0x0000000000000077');
    await assert.rejects(evaluate('*(u32 *)hpa:0x7ffffff0'), /memory at hpa:0x7ffffff0 is not readable/);
    assert.match(await evaluate('translate 0x80200000'), /translation of 0x80200000 \(load\): → 0x80200000/);
    assert.match(await evaluate('info mmu'), /hart 0: V=0, satp Bare/);
    assert.match(await evaluate('info vms'), /bare mode: no VMs/);
    assert.match(await evaluate('info bogus'), /commands: translate ADDR/);
    assert.match(await evaluate('info tlb'), /hart 0: \d+ TLB entries/);
  });

  it('shadow page tables: each leaf names the guest PTE it mirrors; a guest PTE changed without a fence shows the leaf stale', async () => {
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'schedule' }] });
        await dc.configurationDoneRequest();
      }),
      dc.launch({ kernel: minikernel, mode: 'vm', mmu: 'shadow' }),
      dc.waitForEvent('stopped'),
    ]);
    // Collect the shadow leaves by walking down from the root.
    const leaves: PageTablesResult['entries'] = [];
    const walk = async (table?: string, level?: number, va?: string): Promise<void> => {
      const r = (await send<{ body: PageTablesResult }>('vmscope/pageTables', { space: 'shadow', table, level, va })).body;
      for (const x of r.entries) {
        if (x.leaf) leaves.push(x);
        else if (x.next !== undefined) await walk(x.next.table, x.next.level, x.next.va);
      }
    };
    await walk();
    assert.ok(leaves.length > 10, `${leaves.length} shadow leaves`);
    assert.ok(leaves.every((x) => x.mirror !== undefined && x.mirror !== null && x.stale === false), JSON.stringify(leaves.find((x) => x.stale)));
    // The kernel's data page holding its stack: change the guest PTE's frame behind the VMM's back (no fence).
    const victim = leaves.find((x) => x.flags.includes('W') && BigInt(x.va) >= 0x80200000n)!;
    const pteGpa = victim.mirror!.pteGpa;
    const old = await readBytes(`gpa:vm0:${pteGpa}`, 8);
    const pte = old.readBigUInt64LE(0) ^ (1n << 10n);              // the next frame
    const buf = Buffer.alloc(8); buf.writeBigUInt64LE(pte);
    await send('writeMemory', { memoryReference: `gpa:vm0:${pteGpa}`, data: buf.toString('base64') });
    leaves.length = 0;
    await walk();
    const now = leaves.find((x) => x.va === victim.va)!;
    assert.equal(now.stale, true);
    assert.match(now.staleWhy ?? '', /the guest maps gpa 0x[0-9a-f]+/);
    assert.equal(now.mirror!.pte, '0x' + pte.toString(16));
  });

  it('instruction and function breakpoints take conditions and hit counts', async () => {
    // Runs the minikernel to the `stops`-th stop; schedule()'s address comes from the function breakpoint's answer.
    const runTo = async (bps: DebugProtocol.InstructionBreakpoint[], fns: DebugProtocol.FunctionBreakpoint[], stops: number) => {
      await dc.stop();
      dc = new DebugClient('node', adapter, 'vmscope');
      await dc.start();
      let resolved = '';
      await Promise.all([
        dc.waitForEvent('initialized').then(async () => {
          const f = await dc.setFunctionBreakpointsRequest({ breakpoints: fns });
          resolved = f.body.breakpoints[0]?.instructionReference ?? '';
          await dc.send('setInstructionBreakpoints', { breakpoints: bps });
          await dc.configurationDoneRequest();
        }),
        dc.launch({ kernel: minikernel, bios: 'builtin' }),
      ]);
      let last: DebugProtocol.StoppedEvent | undefined;
      for (let i = 0; i < stops; i++) {
        const ev = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
        if (i > 0) await dc.continueRequest({ threadId: 1 });
        last = await ev;
      }
      return { resolved, last: last!, instret: await evaluate('minstret') };
    };
    const plain = await runTo([], [{ name: 'schedule' }], 3);
    const third = await runTo([], [{ name: 'schedule', hitCondition: '3' }], 1);
    assert.equal(third.instret, plain.instret, 'hit count 3: the stop is the third arrival');
    const byAddress = await runTo([{ instructionReference: plain.resolved, hitCondition: '>= 3' }], [], 1);
    assert.equal(byAddress.instret, plain.instret);
    const conditional = await runTo([{ instructionReference: plain.resolved, condition: 'minstret >= ' + third.instret }], [], 1);
    assert.equal(conditional.instret, plain.instret, 'the first arrival where the condition holds');
    // A condition that never holds: the guest runs to its end.
    await dc.stop();
    dc = new DebugClient('node', adapter, 'vmscope');
    await dc.start();
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'schedule', condition: 'hart == 7' }] });
        await dc.configurationDoneRequest();
      }),
      dc.launch({ kernel: minikernel, bios: 'builtin' }),
      dc.waitForEvent('exited', 60_000),
    ]);
  });

  it('breakpoint conditions can scope by VM; restart runs the same configuration again', async () => {
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
        await dc.setBreakpointsRequest({ source: { path: path.join(root, 'examples', 'minikernel', 'main.c') }, breakpoints: [] });
        await dc.configurationDoneRequest();
      }),
      dc.launch({ kernel: minikernel, mode: 'vm', vms: 2, stopOnEntry: true }),
      dc.waitForEvent('stopped'),
    ]);
    assert.equal(await evaluate('hart'), '0x0000000000000000');
    // A source breakpoint on kmain's first line, only for vm1.
    const mainC = path.join(root, 'examples', 'minikernel', 'main.c');
    const lines = (await import('node:fs')).readFileSync(mainC, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('kprintf("\\nminikernel: hello from S-mode')) + 1;
    const set = await dc.setBreakpointsRequest({ source: { path: mainC }, breakpoints: [{ line, condition: 'vm == 1' }] });
    // In a VM at its entry nothing is mapped in its G stage yet: the breakpoint is set but not verified until it is.
    assert.equal(set.body.breakpoints[0].verified, false);
    assert.match(set.body.breakpoints[0].message ?? '', /not mapped yet/);
    const changed: DebugProtocol.BreakpointEvent[] = [];
    dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => changed.push(e));
    const [, stopped] = await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    assert.ok(changed.some((e) => e.body.breakpoint.id === set.body.breakpoints[0].id && e.body.breakpoint.verified),
      'verified (a breakpoint event) once its code was mapped');
    assert.equal(stopped.body.reason, 'breakpoint');
    assert.equal(stopped.body.threadId, 2, 'vm1/vcpu0 is thread 2');
    assert.equal(await evaluate('vm', (await dc.stackTraceRequest({ threadId: 2 })).body.stackFrames[0].id), '0x0000000000000001');
    // A step of vm0's vCPU (thread 1) moves that hart, not the one the breakpoint stopped (thread 2).
    const pc1 = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].instructionPointerReference;
    const pc2 = (await dc.stackTraceRequest({ threadId: 2 })).body.stackFrames[0].instructionPointerReference;
    const [, stepped] = await Promise.all([dc.nextRequest({ threadId: 1, granularity: 'instruction' }), dc.waitForEvent('stopped')]);
    assert.equal(stepped.body.threadId, 1);
    assert.notEqual((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].instructionPointerReference, pc1);
    assert.ok(pc2 !== undefined);
    // Restart: a fresh machine stopped at its entry again.
    const [, again] = await Promise.all([send('restart', {}), dc.waitForEvent('stopped')]);
    assert.equal(again.body.reason, 'entry');
    assert.equal((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].instructionPointerReference, '0x80200000');
  });

  it('console "terminal": output as vmscope/console events; vmscope/consoleInput takes text; state events while running', async () => {
    const text: string[] = [];
    const states: StateChangedEventBody[] = [];
    dc.on('vmscope/console', (e: DebugProtocol.Event) => text.push((e.body as { text: string }).text));
    dc.on('vmscope/stateChanged', (e: DebugProtocol.Event) => states.push(e.body as StateChangedEventBody));
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ kernel: minikernel, bios: 'builtin', console: 'terminal' }).then(async () => {
        await send('vmscope/consoleInput', { text: 'x' });
        await assert.rejects(send('vmscope/consoleInput', {}), /give "text"/);
      }),
      dc.waitForEvent('terminated', 60_000),
    ]);
    assert.match(text.join(''), /minikernel: all processes exited/);
    assert.ok(states.some((s) => s.running) && states.every((s) => s.instructions >= 0));
  });

  it('sources are found in a copy of the examples under another name (DWARF says examples/minikernel/…)', async () => {
    const copy = path.join(mkdtempSync(path.join(tmpdir(), 'vmscope-copy-')), 'my-examples');
    cpSync(path.join(root, 'examples', 'minikernel'), path.join(copy, 'minikernel'), { recursive: true });
    cpSync(minikernel, path.join(copy, 'build', 'minikernel.elf'));
    const ev = await launch({ kernel: path.join(copy, 'build', 'minikernel.elf'), bios: 'builtin', stopOnEntry: true });
    const f = (await dc.stackTraceRequest({ threadId: ev.body.threadId! })).body.stackFrames[0];
    assert.equal(f.source?.path, path.join(copy, 'minikernel', 'entry.S'));
  });

  it('launch attributes for VMs, devices and drives are validated with messages that name them', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ kernel: minikernel, mode: 'vm', vms: [{ mmu: 'ept' }] }, /"vms"\[0\]\.mmu must be "nested" or "shadow"/],
      [{ kernel: minikernel, mode: 'vm', vms: [{ frobs: 1 }] }, /"vms"\[0\]: unknown attribute "frobs"/],
      [{ kernel: minikernel, vms: [{}] }, /"vms" is for "mode": "vm"/],
      [{ kernel: minikernel, assign: [{ device: 'copy-engine', vm: 0 }] }, /"assign" gives devices to VMs: it needs "mode": "vm"/],
      [{ kernel: minikernel, mode: 'vm', assign: [{ device: 'nic', vm: 0 }] }, /"assign"\[0\]\.device must be "copy-engine"/],
      [{ kernel: minikernel, mode: 'vm', assign: [{ device: 'copy-engine', vm: 3 }] }, /"assign"\[0\]\.vm must be a VM index from 0 to 0/],
      [{ kernel: minikernel, devices: ['gpu'] }, /"devices" must be an array of "copy-engine"/],
      [{ kernel: minikernel, drives: [{ path: 'x' }] }, /"drives"\[0\] must be a path/],
      [{ kernel: minikernel, drives: ['/nonexistent/disk.img'] }, /drives: cannot read \/nonexistent\/disk.img/],
      [{ kernel: minikernel, console: 'window' }, /"console" must be "debugConsole" or "terminal"/],
      [{ kernel: minikernel, mode: 'vm', vms: 2, memory: '64M' }, /"memory" \(64 MiB of host RAM\) is too small/],
    ];
    for (const [args, re] of bad) {
      await assert.rejects(dc.launch(args), re, JSON.stringify(args));
    }
  });

  it('two VMs from a list, each its own size and paging; a drive for the first one', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'vmscope-dap-drive-'));
    const img = Buffer.alloc(1 << 20);
    for (let i = 0; i < 510; i++) img[i] = (i * 7 + 3) & 0xff;
    writeFileSync(path.join(tmp, 'disk.img'), img);
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ kernel: minikernel, mode: 'vm', vms: [{ mmu: 'nested', memory: '128M' }, { mmu: 'shadow', memory: '96M' }], drives: [path.join(tmp, 'disk.img')], stopOnEntry: true }),
      dc.waitForEvent('stopped'),
    ]);
    const vms = (await send<{ body: VmsResult }>('vmscope/vms', {})).body;
    assert.deepEqual(vms.vms.map((v) => [v.mmu, v.memory >> 20]), [['nested', 128], ['shadow', 96]]);
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('terminated', 60_000)]);
    assert.match(out.join(''), /virtio-blk disk, 2048 sectors/);
  });
});
