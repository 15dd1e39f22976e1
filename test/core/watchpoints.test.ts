// Data watchpoints (Machine.setWatchpoints): the machine stops right after an explicit load, store, LR/SC or AMO that
// touches a watched physical byte — through any virtual alias, misaligned across pages, compressed or not — and
// reports the access; other bytes of the page never hit; the guest retires the same instructions with and without.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as A from '../support/asm';
import { BASE, machineWith } from '../support/machine';
import { WATCH_READ, WATCH_WRITE } from '../../core/cpu/watch';
import { Csr } from '../../core/cpu/csrNumbers';
import type { Machine } from '../../core/machine';
import { VirtBoard } from '../../core/board/virt';
import { type MmuMode, Vmm } from '../../core/vmm/vmm';

const at = (i: number) => BASE + 4 * i;
const DATA = BASE + 0x8000;
const RW = WATCH_READ | WATCH_WRITE;

/** Runs until the first watchpoint stop (or the budget ends) and returns the run's reason. */
const runToStop = (m: Machine, budget = 1000) => m.run(budget).reason;

describe('data watchpoints', () => {
  it('a store stops after it completes: the new value is in memory, the pc is the next instruction, old and new reported', () => {
    const p = [...A.li32('a0', DATA), A.addi('a1', 'zero', 0x55), A.sd('a1', 'a0', 0), A.addi('a2', 'zero', 1), A.self()];
    const m = machineWith(p);
    m.writePhys64(DATA, 0x1122n);
    m.setWatchpoints([{ id: 7, pa: DATA, len: 8, kinds: WATCH_WRITE }]);
    assert.equal(runToStop(m), 'watchpoint');
    const h = m.harts[0];
    assert.equal(h.getPc(), BigInt(at(6)), 'stopped after the sd');
    assert.equal(h.getX(12), 0n, 'the next instruction has not run');
    assert.equal(m.readPhys64(DATA), 0x55n);
    assert.equal(h.instret, 6, 'the store retired');
    const hit = m.watchpointHit();
    assert.deepEqual({ ...hit }, {
      id: 7, hart: 0, kind: WATCH_WRITE, va: BigInt(DATA), pa: DATA, size: 8, pc: BigInt(at(5)), priv: 3, virt: false,
      before: 0x1122n, after: 0x55n,
    });
    assert.equal(m.run(100).reason, 'limit', 'continuing runs on');
    assert.equal(h.getX(12), 1n);
  });

  it('loads hit read watchpoints with the value read; a write-only watchpoint ignores them and a read-only one ignores stores', () => {
    const p = [...A.li32('a0', DATA), A.lw('a1', 'a0', 4), A.sw('a1', 'a0', 4), A.lw('a2', 'a0', 4), A.self()];
    const m = machineWith(p);
    m.writePhys64(DATA, 0xdead_beef_0000_0000n);
    m.setWatchpoints([{ id: 1, pa: DATA + 4, len: 4, kinds: WATCH_READ }]);
    assert.equal(runToStop(m), 'watchpoint');
    let hit = m.watchpointHit();
    assert.equal(hit.kind, WATCH_READ);
    assert.equal(hit.pc, BigInt(at(4)));
    assert.equal(hit.before, 0xdead_beefn);
    assert.equal(hit.after, 0xdead_beefn);
    assert.equal(runToStop(m), 'watchpoint', 'the sw passes, the second lw hits');
    hit = m.watchpointHit();
    assert.equal(hit.pc, BigInt(at(6)));

    const m2 = machineWith(p);
    m2.setWatchpoints([{ id: 2, pa: DATA + 4, len: 4, kinds: WATCH_WRITE }]);
    assert.equal(runToStop(m2), 'watchpoint');
    assert.equal(m2.watchpointHit().pc, BigInt(at(5)), 'only the sw');
    assert.equal(runToStop(m2, 100), 'limit');
  });

  it('other bytes of a watched page never hit; any overlap with the watched bytes does', () => {
    const p = [...A.li32('a0', DATA), A.addi('a1', 'zero', -1),
      A.sd('a1', 'a0', 0), A.sw('a1', 'a0', 12), A.lw('a2', 'a0', 12), A.sb('a1', 'a0', 16), A.sb('a1', 'a0', 11), A.self()];
    const m = machineWith(p);
    m.setWatchpoints([{ id: 3, pa: DATA + 8, len: 4, kinds: RW }]);
    assert.equal(runToStop(m), 'watchpoint');
    const hit = m.watchpointHit();
    assert.equal(hit.pc, BigInt(at(9)), 'the sb at DATA+11');
    assert.equal(hit.size, 1);
    assert.equal(hit.before, 0n);
    assert.equal(hit.after, 0xffn);
  });

  it('AMOs hit as read and write; LR hits a read watchpoint, SC a write one', () => {
    const p = [...A.li32('a0', DATA), A.addi('a1', 'zero', 5), A.amoaddW('a2', 'a0', 'a1'),
      A.lrW('a3', 'a0'), A.scW('a4', 'a0', 'a1'), A.self()];
    const m = machineWith(p);
    m.writePhys64(DATA, 10n);
    m.setWatchpoints([{ id: 4, pa: DATA, len: 4, kinds: WATCH_WRITE }]);
    assert.equal(runToStop(m), 'watchpoint');
    let hit = m.watchpointHit();
    assert.equal(hit.kind, WATCH_READ | WATCH_WRITE);
    assert.equal(hit.pc, BigInt(at(5)));
    assert.equal([hit.before, hit.after].join(), '10,15');
    assert.equal(runToStop(m), 'watchpoint', 'the LR does not hit a write watchpoint; the SC does');
    hit = m.watchpointHit();
    assert.equal(hit.kind, WATCH_WRITE);
    assert.equal(hit.pc, BigInt(at(7)));
    assert.equal([hit.before, hit.after].join(), '15,5');
    assert.equal(m.harts[0].getX(14), 0n, 'the SC succeeded');

    const m2 = machineWith(p);
    m2.writePhys64(DATA, 10n);
    m2.setWatchpoints([{ id: 5, pa: DATA, len: 4, kinds: WATCH_READ }]);
    assert.equal(runToStop(m2), 'watchpoint');
    assert.equal(m2.watchpointHit().pc, BigInt(at(5)), 'the AMO reads');
    assert.equal(runToStop(m2), 'watchpoint');
    assert.equal(m2.watchpointHit().pc, BigInt(at(6)), 'the LR reads');
    assert.equal(runToStop(m2, 100), 'limit', 'the SC only writes');
  });

  it('misaligned accesses across a page boundary hit on either page', () => {
    const EDGE = DATA + 0x1000;
    const p = [...A.li32('a0', EDGE - 4), A.addi('a1', 'zero', -1), A.sd('a1', 'a0', 0), A.ld('a2', 'a0', 0), A.self()];
    for (const [pa, name] of [[EDGE, 'second page'], [EDGE - 1, 'first page']] as const) {
      const m = machineWith(p, { memory: 1 << 20 });
      m.setWatchpoints([{ id: 6, pa, len: 1, kinds: RW }]);
      assert.equal(runToStop(m), 'watchpoint', name);
      let hit = m.watchpointHit();
      assert.equal(hit.pc, BigInt(at(5)), `${name}: the sd`);
      assert.equal([hit.va, hit.pa, hit.size].join(), [EDGE - 4, EDGE - 4, 8].join());
      assert.equal([hit.before, hit.after].join(), `0,${(1n << 64n) - 1n}`);
      assert.equal(runToStop(m), 'watchpoint');
      hit = m.watchpointHit();
      assert.equal(hit.pc, BigInt(at(6)), `${name}: the ld`);
      assert.equal(m.harts[0].getX(12), (1n << 64n) - 1n);
    }
  });

  it('a compressed store hits and stops with the pc after its 2 bytes', () => {
    // c.sd a1, 0(a0) then c.nop, in one word
    const p = [...A.li32('a0', DATA), A.addi('a1', 'zero', 9), 0xe10c | (0x0001 << 16), A.self()];
    const m = machineWith(p);
    m.setWatchpoints([{ id: 8, pa: DATA, len: 8, kinds: WATCH_WRITE }]);
    assert.equal(runToStop(m), 'watchpoint');
    assert.equal(m.watchpointHit().pc, BigInt(at(5)));
    assert.equal(m.harts[0].getPc(), BigInt(at(5) + 2));
    assert.equal(m.readPhys64(DATA), 9n);
  });

  it('clearing the watchpoints restores the fast path: nothing hits', () => {
    const p = [...A.li32('a0', DATA), A.sd('a0', 'a0', 0), A.jal('zero', -4)];
    const m = machineWith(p);
    m.setWatchpoints([{ id: 9, pa: DATA, len: 8, kinds: WATCH_WRITE }]);
    assert.equal(runToStop(m), 'watchpoint');
    assert.equal(runToStop(m), 'watchpoint', 'every store of the loop hits');
    m.setWatchpoints([]);
    assert.equal(runToStop(m, 10_000), 'limit');
    assert.throws(() => m.setWatchpoints([{ id: 1, pa: 0x1000, len: 8, kinds: WATCH_WRITE }]), /not all in RAM/);
  });

  it('catches accesses through two virtual aliases of one physical page under Sv39 (S-mode), not other pages', () => {
    const ROOT = BASE + 0x1_0000, L1 = BASE + 0x1_1000, L0 = BASE + 0x1_2000, PAGE = BASE + 0x2_0000, OTHER = BASE + 0x2_1000;
    const VA = 0x4000_0000, S_CODE = 64;
    const V = 1, R = 2, W = 4, X = 8, AB = 64, DB = 128;
    const pte = (pa: number, flags: number) => BigInt(pa / 4096) << 10n | BigInt(flags);
    const p: number[] = [];
    p.push(...A.li32('t0', (8 << 28)), A.slli('t0', 't0', 32), ...A.li32('t1', ROOT / 4096), A.or('t0', 't0', 't1'), A.csrw(Csr.SATP, 't0'));
    p.push(...A.li32('t0', 0x800), A.csrw(Csr.MSTATUS, 't0'), ...A.li32('t0', at(S_CODE)), A.csrw(Csr.MEPC, 't0'), A.mret());
    A.padTo(p, S_CODE);
    // VA → PAGE, VA + 0x1000 → PAGE (alias), VA + 0x2000 → OTHER
    p.push(A.lui('s0', VA >>> 12), A.addi('a1', 'zero', 3), A.sw('a1', 's0', 0x10), A.lui('s1', (VA + 0x1000) >>> 12),
      A.lw('a2', 's1', 0x10), A.lui('s2', (VA + 0x2000) >>> 12), A.sw('a1', 's2', 0x10), A.sw('a1', 's1', 0x14), A.self());
    const m = machineWith(p);
    const h = m.harts[0];
    h.pmp.writeAddr(0, 2 ** 54 - 1);
    h.pmp.writeCfg(0, 0x1f, 0);
    m.writePhys64(ROOT + 8 * 2, pte(BASE, V | R | W | X | AB | DB));                // 1 GiB identity page for the code
    m.writePhys64(ROOT + 8 * 1, pte(L1, V));
    m.writePhys64(L1, pte(L0, V));
    m.writePhys64(L0 + 0, pte(PAGE, V | R | W | AB | DB));
    m.writePhys64(L0 + 8, pte(PAGE, V | R | W | AB | DB));
    m.writePhys64(L0 + 16, pte(OTHER, V | R | W | AB | DB));
    m.setWatchpoints([{ id: 10, pa: PAGE + 0x10, len: 4, kinds: RW }]);
    assert.equal(runToStop(m), 'watchpoint');
    let hit = m.watchpointHit();
    assert.equal([hit.pc, hit.va, hit.pa, hit.priv].join(), [at(S_CODE + 2), VA + 0x10, PAGE + 0x10, 1].join(), 'the store through VA');
    assert.equal(runToStop(m), 'watchpoint');
    hit = m.watchpointHit();
    assert.equal([hit.pc, hit.va, hit.kind].join(), [at(S_CODE + 4), VA + 0x1010, WATCH_READ].join(), 'the load through the alias');
    assert.equal(h.getX(12), 3n);
    assert.equal(runToStop(m, 100), 'limit', 'the same offset in another page and other bytes of the page do not hit');
    assert.equal(h.getPc(), BigInt(at(S_CODE + 8)));
  });

  it('the guest retires the same instructions with watchpoints (minikernel under Sv39, continuing after every stop)', function () {
    this.timeout(60_000);
    const file = path.resolve(__dirname, '..', '..', 'examples', 'build', 'minikernel.elf');
    const run = (watch: boolean) => {
      let out = '';
      const board = new VirtBoard({ memorySize: 128 << 20, host: { consoleWrite: (b) => { out += Buffer.from(b).toString('latin1'); } } });
      board.load({ kernel: { name: file, bytes: new Uint8Array(readFileSync(file)) }, builtinSbi: true });
      const m = board.machine;
      // `live` (4 bytes) and `turn` next to it: the process count and the output turn
      if (watch) m.setWatchpoints([{ id: 1, pa: 0x8020_5050, len: 4, kinds: WATCH_WRITE }, { id: 2, pa: 0x8020_5054, len: 4, kinds: WATCH_READ }]);
      const hits: string[] = [];
      for (;;) {
        const r = m.run(50_000_000);
        if (r.reason !== 'watchpoint') { assert.equal(r.reason, 'exit'); break; }
        const x = m.watchpointHit();
        hits.push(`${x.id}:${x.kind}:${x.before}>${x.after}`);
      }
      board.uart.flush();
      return { instret: m.stats().instret, out, hits };
    };
    const plain = run(false), watched = run(true);
    assert.equal(watched.instret, plain.instret);
    assert.equal(watched.out, plain.out);
    assert.ok(watched.hits.includes('1:2:0>1') && watched.hits.includes('1:2:1>0'), `live counted up and down: ${watched.hits.slice(0, 12).join(' ')}`);
    assert.ok(watched.hits.some((x) => x.startsWith('2:1:')), 'turn is read');
  });

  for (const mmu of ['nested', 'shadow'] as MmuMode[]) {
    it(`a VMM guest (${mmu} paging): the guest's writes to a watched host page hit, with the same instruction count`, function () {
      this.timeout(60_000);
      const file = path.resolve(__dirname, '..', '..', 'examples', 'build', 'minikernel.elf');
      const run = (watch: boolean) => {
        const board = new VirtBoard({ memorySize: 192 << 20, harts: 1, host: { consoleWrite: () => undefined } });
        const vmm = new Vmm(board.machine, [{ kernel: { name: 'minikernel.elf', bytes: new Uint8Array(readFileSync(file)) }, memory: 128 << 20, vcpus: 1, mmu }],
          { console: () => undefined, exit: (code) => board.machine.requestExit(code) });
        vmm.boot();
        const m = board.machine;
        const hpa = vmm.vms[0].pmap.hostAddr(0x8020_5050, false);
        assert.ok(hpa > 0, 'the kernel image is loaded: its .bss page is backed');
        if (watch) m.setWatchpoints([{ id: 1, pa: hpa, len: 4, kinds: WATCH_WRITE }]);
        const hits: string[] = [];
        for (;;) {
          const r = m.run(50_000_000);
          if (r.reason !== 'watchpoint') { assert.equal(r.reason, 'exit'); break; }
          const x = m.watchpointHit();
          assert.equal(x.virt, true, 'the guest made the access');
          hits.push(`${x.va.toString(16)}:${x.before}>${x.after}`);
        }
        return { instret: m.stats().instret, hits };
      };
      const plain = run(false), watched = run(true);
      assert.equal(watched.instret, plain.instret);
      assert.ok(watched.hits.includes('80205050:0>1') && watched.hits.includes('80205050:1>0'), watched.hits.join(' '));
    });
  }
});
