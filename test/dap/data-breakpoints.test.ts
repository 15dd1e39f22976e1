// Data breakpoints over DAP (DebugClient against dist/debugAdapter.js) on the minikernel: by address, by symbol and
// by a variable of the Locals scope; write, read and readWrite; gpa:vm0: in vm mode under nested and shadow paging;
// clearing; bad references get clear answers and the session goes on.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

const root = path.resolve(__dirname, '..', '..');
const adapter = path.join(root, 'dist', 'debugAdapter.js');
const minikernel = path.join(root, 'examples', 'build', 'minikernel.elf');
const mainC = path.join(root, 'examples', 'minikernel', 'main.c');
/** minikernel's `static int live` (processes not yet exited) and `static int turn` right after it (nm -S). */
const LIVE = '0x80205050', TURN = '0x80205054';

describe('debug adapter: data breakpoints (minikernel)', function () {
  this.timeout(60_000);
  let dc: DebugClient;
  beforeEach(async () => { dc = new DebugClient('node', adapter, 'vmscope'); await dc.start(); });
  afterEach(async () => { await dc.stop(); });

  const info = (args: DebugProtocol.DataBreakpointInfoArguments) =>
    dc.send('dataBreakpointInfo', args) as Promise<DebugProtocol.DataBreakpointInfoResponse>;
  const setData = (breakpoints: DebugProtocol.DataBreakpoint[]) =>
    dc.send('setDataBreakpoints', { breakpoints }) as Promise<DebugProtocol.SetDataBreakpointsResponse>;

  async function launchStopped(args: Record<string, unknown>): Promise<void> {
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ ...args, stopOnEntry: true }),
      dc.waitForEvent('stopped'),
    ]);
  }

  /** Continues until a stop whose description matches `re` (at most `max` stops); returns that stopped event. */
  async function continueUntil(re: RegExp, max = 20): Promise<DebugProtocol.StoppedEvent> {
    const seen: string[] = [];
    for (let i = 0; i < max; i++) {
      const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
      await dc.continueRequest({ threadId: 1 });
      const ev = await stopped;
      assert.equal(ev.body.reason, 'data breakpoint', `stopped for ${ev.body.reason}: ${ev.body.description}`);
      seen.push(ev.body.description ?? '');
      if (re.test(ev.body.description ?? '')) return ev;
    }
    throw new Error(`no stop matched ${re}: ${seen.join(' | ')}`);
  }

  it('announces data breakpoints with address ranges', async () => {
    const r = await dc.initializeRequest();
    assert.equal(r.body?.supportsDataBreakpoints, true);
    assert.equal(r.body?.supportsDataBreakpointBytes, true);
  });

  it('a write watchpoint by address stops after the kernel writes: the pc is past the store, old → new, the new value in memory', async () => {
    await launchStopped({ kernel: minikernel, bios: 'builtin' });
    const i = (await info({ name: LIVE, asAddress: true, bytes: 4 })).body;
    assert.equal(i.dataId, `${LIVE}/4`);
    assert.deepEqual(i.accessTypes, ['read', 'write', 'readWrite']);
    assert.match(i.description, /^live: 4 bytes at 0x80205050$/);
    const set = (await setData([{ dataId: i.dataId!, accessType: 'write' }])).body.breakpoints;
    assert.equal(set[0].verified, true, set[0].message);
    assert.match(set[0].message ?? '', /hpa 0x80205050/);
    const ev = await continueUntil(/0x0 → 0x1$/);
    assert.deepEqual(ev.body.hitBreakpointIds, [set[0].id]);
    assert.equal(ev.body.threadId, 1);
    const m = /^write of 4 bytes at 0x80205050 \(live\) by hart0 \[S\] at pc (0x[0-9a-f]+): 0x0 → 0x1$/.exec(ev.body.description ?? '');
    assert.ok(m !== null, ev.body.description);
    const pc = BigInt((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].instructionPointerReference!);
    assert.ok(pc === BigInt(m[1]) + 2n || pc === BigInt(m[1]) + 4n, 'stopped at the instruction after the store');
    const mem = (await dc.send('readMemory', { memoryReference: LIVE, count: 4 })).body;
    assert.equal(Buffer.from(mem.data, 'base64').readUInt32LE(0), 1, 'the new value is in memory');
    // the next write counts another process
    await continueUntil(/0x1 → 0x2$/);
  });

  it('a symbol gets its size from the ELF; readWrite stops on reads too; clearing runs to the end', async () => {
    await launchStopped({ kernel: minikernel, bios: 'builtin' });
    const i = (await info({ name: 'turn' })).body;
    assert.equal(i.dataId, `${TURN}/4`);
    await setData([{ dataId: i.dataId!, accessType: 'readWrite' }]);
    await continueUntil(/^read of 4 bytes at 0x80205054 \(turn\)/, 40);
    const cleared = (await setData([])).body.breakpoints;
    assert.deepEqual(cleared, []);
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
  });

  it('a variable of the Locals scope that lives in memory (a member through a pointer); a register variable cannot be watched', async () => {
    await dc.initializeRequest();
    const launched = dc.launch({ kernel: minikernel, bios: 'builtin' });
    await dc.waitForEvent('initialized');
    await launched;
    const line = readFileSync(mainC, 'utf8').split('\n').findIndex((l) => l.includes('p->pid = i + 1;')) + 1;
    await dc.setBreakpointsRequest({ source: { path: mainC }, breakpoints: [{ line }] });
    const first = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    await first;
    const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    const scopes = (await dc.scopesRequest({ frameId: frame.id })).body.scopes;
    const vars = (await dc.variablesRequest({ variablesReference: scopes[0].variablesReference })).body.variables;
    const iInfo = (await info({ variablesReference: scopes[0].variablesReference, name: 'i' })).body;
    assert.equal(iInfo.dataId, null);
    assert.match(iInfo.description, /not in memory/);
    const p = vars.find((v) => v.name === 'p')!;
    const deref = (await dc.variablesRequest({ variablesReference: p.variablesReference })).body.variables[0];
    const pid = (await dc.variablesRequest({ variablesReference: deref.variablesReference })).body.variables.find((v) => v.name === 'pid')!;
    const pInfo = (await info({ variablesReference: deref.variablesReference, name: 'pid' })).body;
    assert.equal(pInfo.dataId, `${pid.memoryReference}/4`);
    await dc.setBreakpointsRequest({ source: { path: mainC }, breakpoints: [] });
    await setData([{ dataId: pInfo.dataId!, accessType: 'write' }]);
    const ev = await continueUntil(/0x0 → 0x1$/);
    assert.match(ev.body.description ?? '', new RegExp(`^write of 4 bytes at ${pid.memoryReference} \\(procs\\+0x[0-9a-f]+\\)`));
    const regs = scopes.find((s) => s.name === 'Registers')!;
    const regInfo = (await info({ variablesReference: regs.variablesReference, name: 'a0 (x10)' })).body;
    assert.equal(regInfo.dataId, null);
  });

  for (const mmu of ['nested', 'shadow']) {
    it(`gpa:vm0: in a vm-mode launch (${mmu} paging) stops on the guest's write, named by its vCPU`, async () => {
      await launchStopped({ kernel: minikernel, mode: 'vm', mmu });
      const i = (await info({ name: `gpa:vm0:${LIVE}`, asAddress: true, bytes: 4 })).body;
      assert.equal(i.dataId, `gpa:vm0:${LIVE}/4`);
      const set = (await setData([{ dataId: i.dataId!, accessType: 'write' }])).body.breakpoints;
      assert.equal(set[0].verified, true, set[0].message);
      const ev = await continueUntil(/0x0 → 0x1$/);
      assert.match(ev.body.description ?? '', /^write of 4 bytes at 0x80205050 \(live\), hpa 0x[0-9a-f]+ by vm0\/vcpu0 \[VS\] at pc 0x[0-9a-f]+: 0x0 → 0x1$/);
      // the same variable through the guest's virtual address (and what hart 0 sees): the same host page
      const g = (await setData([{ dataId: `gva:vm0:${LIVE}/4`, accessType: 'write' }, { dataId: `${LIVE}/4`, accessType: 'write' }])).body.breakpoints;
      assert.equal(g[0].message, set[0].message);
      assert.equal(g[1].message, set[0].message);
      await continueUntil(/0x1 → 0x2$/);
    });
  }

  it('bad references get a clear answer, never a crash', async () => {
    await launchStopped({ kernel: minikernel, bios: 'builtin' });
    const bad = async (args: DebugProtocol.DataBreakpointInfoArguments, re: RegExp) => {
      const b = (await info(args)).body;
      assert.equal(b.dataId, null);
      assert.match(b.description, re);
    };
    await bad({ name: 'no_such_symbol' }, /neither an address .* nor a symbol/);
    await bad({ name: 'zz', asAddress: true }, /is not an address/);
    await bad({ name: '0x80000000', asAddress: true, bytes: 1 << 24 }, /at most/);
    await bad({ variablesReference: 99999, name: 'x' }, /only variables of the Locals scope/);
    const set = (await setData([
      { dataId: 'garbage' }, { dataId: 'hpa:0x1000/8' }, { dataId: 'gpa:vm0:0x80000000/8' }, { dataId: '0x10000000/4' },
      { dataId: `${LIVE}/4`, accessType: 'write', hitCondition: 'often' },
    ])).body.breakpoints;
    assert.equal(set.length, 5);
    assert.ok(set.every((b) => b.verified === false), JSON.stringify(set));
    assert.match(set[0].message!, /not a data breakpoint id/);
    assert.match(set[1].message!, /not RAM/);
    assert.match(set[2].message!, /no vm0|needs mode "vm"/);
    assert.match(set[3].message!, /not RAM/, 'the UART is a device');
    assert.match(set[4].message!, /bad hit count/);
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    await exited;
  });
});
