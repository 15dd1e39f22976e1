// Page-table walker (Sv39/48/57, Sv39x4 G-stage) and the debug walk, on page tables built in a fake memory.
import { strict as assert } from 'node:assert';
import {
  Access, PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, PagingMode, WalkRequest, WalkResult, WalkStatus,
  WalkStop, pagingLevels, walk, type PhysChecker,
} from '../../core/mmu/walk';
import { Pmp, PMP_A_NAPOT, PMP_A_TOR, PMP_R, PMP_W, PMP_X } from '../../core/mmu/pmp';
import { translateDebug } from '../../core/mmu/debugWalk';
import { FakeMemory, LEAF, MODES, PageTables, pte } from '../support/pagetables';

interface Opts { access?: Access; priv?: number; sum?: boolean; mxr?: boolean; adue?: boolean; debug?: boolean; gstage?: boolean }

function doWalk(pt: PageTables, va: bigint, o: Opts = {}, pmp: PhysChecker | null = null): { st: WalkStatus; res: WalkResult; pa: bigint } {
  const req = new WalkRequest(), res = new WalkResult();
  const v = BigInt.asUintN(64, va);
  req.mode = MODES[pt.levels]; req.rootPpn = Number(pt.root);
  req.vaLo = Number(v & 0xffffffffn) | 0; req.vaHi = Number(v >> 32n) | 0;
  req.access = o.access ?? Access.LOAD; req.priv = o.priv ?? 1; req.sum = o.sum ?? false; req.mxr = o.mxr ?? false;
  req.adue = o.adue ?? false; req.debug = o.debug ?? false; req.gstage = o.gstage ?? pt.gstage;
  const st = walk(req, res, pt.mem, pmp);
  return { st, res, pa: BigInt(res.ppn) * 4096n + (v & 0xfffn) };
}

function expectFault(pt: PageTables, va: bigint, stop: WalkStop, o: Opts = {}, status = WalkStatus.PAGE_FAULT): WalkResult {
  const { st, res } = doWalk(pt, va, o);
  assert.equal(st, status, `status for stop ${res.stop}`);
  assert.equal(res.stop, stop);
  return res;
}

const sext = (v: bigint, bits: number) => BigInt.asUintN(64, BigInt.asIntN(bits, v));

describe('mmu: page-table walk', () => {
  it('reports the number of levels of each mode', () => {
    assert.deepEqual([0, 8, 9, 10, 5].map(pagingLevels), [0, 3, 4, 5, 0]);
  });

  for (const levels of [3, 4, 5]) {
    const name = `Sv${12 + 9 * levels}`;
    const vaBits = 12 + 9 * levels;

    it(`${name}: translates 4 KiB pages in the low and high halves, one PTE read per level`, () => {
      const mem = new FakeMemory();
      const pt = new PageTables(mem, levels);
      const lowVa = 0x12345678n << 12n & ((1n << BigInt(vaBits - 1)) - 1n);
      const highVa = sext(1n << BigInt(vaBits - 1) | 0xabcde000n, vaBits);
      pt.map(lowVa, 0x8000_1000n);
      pt.map(highVa, 0xf_ffff_f000n);
      const a = doWalk(pt, lowVa | 0x123n);
      assert.equal(a.st, WalkStatus.OK);
      assert.equal(a.pa, 0x8000_1123n);
      assert.equal(a.res.level, 0);
      assert.equal(a.res.steps, levels);
      const b = doWalk(pt, highVa | 0xffen);
      assert.equal(b.st, WalkStatus.OK);
      assert.equal(b.pa, 0xf_ffff_fffen);
      // The steps record every PTE read, root first.
      assert.deepEqual(Array.from(b.res.stepLevel.subarray(0, levels)), Array.from({ length: levels }, (_, k) => levels - 1 - k));
      assert.equal(b.res.stepAddr[0], Number(pt.root * 4096n + pt.vpn(highVa, levels - 1) * 8n));
    });

    it(`${name}: translates every superpage size with the va's low bits merged`, () => {
      for (let level = 1; level < levels; level++) {
        const mem = new FakeMemory();
        const pt = new PageTables(mem, levels);
        const pageBits = BigInt(12 + 9 * level);
        const va = (3n << pageBits) | ((1n << pageBits) - 0x1238n);     // deep inside the page
        const base = 5n << pageBits;                                       // naturally aligned physical page
        pt.map(va, base, level);
        const r = doWalk(pt, va);
        assert.equal(r.st, WalkStatus.OK, `level ${level}`);
        assert.equal(r.res.level, level);
        assert.equal(r.pa, base + (va & ((1n << pageBits) - 1n)), `level ${level}`);
        assert.equal(r.res.steps, levels - level);
      }
    });

    it(`${name}: rejects misaligned superpages at every superpage level`, () => {
      for (let level = 1; level < levels; level++) {
        const mem = new FakeMemory();
        const pt = new PageTables(mem, levels);
        pt.map(0n, (5n << BigInt(12 + 9 * level)) + 0x1000n, level);
        expectFault(pt, 0x10n, WalkStop.MISALIGNED_SUPERPAGE);
      }
    });

    it(`${name}: requires canonical addresses`, () => {
      const mem = new FakeMemory();
      const pt = new PageTables(mem, levels);
      const top = 1n << BigInt(vaBits - 1);
      pt.map(0n, 0x8000_0000n);
      assert.equal(doWalk(pt, 0x10n).st, WalkStatus.OK);
      // Top VA bit set but the bits above it clear; and a bit above the VA width set in an otherwise low va.
      expectFault(pt, top, WalkStop.NOT_CANONICAL);
      expectFault(pt, 1n << BigInt(vaBits), WalkStop.NOT_CANONICAL);
      expectFault(pt, 1n << 63n, WalkStop.NOT_CANONICAL);
      expectFault(pt, sext(top, vaBits) ^ (1n << 62n), WalkStop.NOT_CANONICAL);
      assert.equal(mem.reads, levels, 'no PTE is read for a non-canonical va');
    });
  }

  describe('PTE faults', () => {
    const va = 0x4020_3000n;
    const setup = () => { const mem = new FakeMemory(); const pt = new PageTables(mem, 3); const leaf = pt.map(va, 0x8000_0000n); return { mem, pt, leaf }; };

    it('V=0 at any level', () => {
      const { mem, pt, leaf } = setup();
      mem.set(leaf, pte(0x80000n, LEAF & ~PTE_V));
      assert.equal(expectFault(pt, va, WalkStop.INVALID).level, 0);
      mem.set(pt.pointerAt(va, 2), 0n);
      assert.equal(expectFault(pt, va, WalkStop.INVALID).level, 2);
    });

    it('W=1 without R, leaf or not', () => {
      const { mem, pt, leaf } = setup();
      mem.set(leaf, pte(0x80000n, PTE_V | PTE_W | PTE_A | PTE_D));
      expectFault(pt, va, WalkStop.RESERVED_WR);
      mem.set(leaf, pte(0x80000n, PTE_V | PTE_W | PTE_X | PTE_A | PTE_D));
      expectFault(pt, va, WalkStop.RESERVED_WR, { access: Access.FETCH });
    });

    it('reserved bits 60:54 and the unimplemented N / PBMT bits', () => {
      const { mem, pt, leaf } = setup();
      for (const bit of [54n, 57n, 60n]) {
        mem.set(leaf, pte(0x80000n, LEAF) | (1n << bit));
        expectFault(pt, va, WalkStop.RESERVED_BITS);
      }
      for (const bit of [61n, 62n, 63n]) {
        mem.set(leaf, pte(0x80000n, LEAF) | (1n << bit));
        expectFault(pt, va, WalkStop.UNSUPPORTED_EXT);
      }
      // Reserved bits in a non-leaf PTE fault too.
      const ptr = pt.pointerAt(va, 1);
      mem.set(leaf, pte(0x80000n, LEAF));
      mem.set(ptr, mem.get(ptr) | (1n << 55n));
      assert.equal(expectFault(pt, va, WalkStop.RESERVED_BITS).level, 1);
    });

    it('RSW bits 9:8 are ignored and PPN bit 53 is honoured', () => {
      const { mem, pt, leaf } = setup();
      mem.set(leaf, pte((1n << 43n) | 7n, LEAF | 0x300));
      const r = doWalk(pt, va | 0x44n);
      assert.equal(r.st, WalkStatus.OK);
      assert.equal(r.pa, ((1n << 43n) | 7n) * 4096n + 0x44n);
    });

    it('non-leaf PTEs with D, A or U set', () => {
      for (const bit of [PTE_D, PTE_A, PTE_U]) {
        const { mem, pt } = setup();
        const ptr = pt.pointerAt(va, 2);
        mem.set(ptr, mem.get(ptr) | BigInt(bit));
        const r = expectFault(pt, va, WalkStop.NONLEAF_ADU);
        assert.equal(r.level, 2);
      }
    });

    it('a pointer PTE at level 0', () => {
      const { mem, pt, leaf } = setup();
      mem.set(leaf, pte(0x90000n, PTE_V));
      const r = expectFault(pt, va, WalkStop.NO_LEAF);
      assert.equal(r.level, 0);
      assert.equal(r.steps, 3);
    });

    it('an unreadable PTE is an access fault', () => {
      const { mem, pt } = setup();
      mem.holes.add(pt.pointerAt(va, 1));
      expectFault(pt, va, WalkStop.PTE_ACCESS, {}, WalkStatus.ACCESS_FAULT);
    });
  });

  describe('leaf permissions', () => {
    const va = 0x7000_1000n;
    const withFlags = (flags: number) => { const mem = new FakeMemory(); const pt = new PageTables(mem, 3); pt.map(va, 0x8000_0000n, 0, flags); return pt; };
    const ok = (pt: PageTables, o: Opts) => assert.equal(doWalk(pt, va, o).st, WalkStatus.OK, JSON.stringify(o));

    it('S-mode access to a U page needs SUM; S fetch from a U page never works', () => {
      const pt = withFlags(LEAF | PTE_U);
      expectFault(pt, va, WalkStop.SUPERVISOR_TO_USER, { priv: 1 });
      expectFault(pt, va, WalkStop.SUPERVISOR_TO_USER, { priv: 1, access: Access.STORE });
      ok(pt, { priv: 1, sum: true });
      ok(pt, { priv: 1, sum: true, access: Access.STORE });
      expectFault(pt, va, WalkStop.SUPERVISOR_FETCH_USER, { priv: 1, access: Access.FETCH });
      expectFault(pt, va, WalkStop.SUPERVISOR_FETCH_USER, { priv: 1, access: Access.FETCH, sum: true });
      ok(pt, { priv: 0, access: Access.FETCH });
      ok(pt, { priv: 0, access: Access.STORE });
    });

    it('U-mode access to an S page faults whatever SUM says', () => {
      const pt = withFlags(LEAF);
      for (const access of [Access.FETCH, Access.LOAD, Access.STORE]) {
        expectFault(pt, va, WalkStop.USER_TO_SUPERVISOR, { priv: 0, access, sum: true });
        ok(pt, { priv: 1, access });
      }
    });

    it('X-only pages: fetch yes, load only with MXR, store never', () => {
      const pt = withFlags(PTE_V | PTE_X | PTE_A | PTE_D);
      ok(pt, { access: Access.FETCH });
      expectFault(pt, va, WalkStop.PERMISSION);
      ok(pt, { mxr: true });
      expectFault(pt, va, WalkStop.PERMISSION, { access: Access.STORE, mxr: true });
    });

    it('R-only pages: load yes, store and fetch no', () => {
      const pt = withFlags(PTE_V | PTE_R | PTE_A | PTE_D);
      ok(pt, {});
      expectFault(pt, va, WalkStop.PERMISSION, { access: Access.STORE });
      expectFault(pt, va, WalkStop.PERMISSION, { access: Access.FETCH });
      expectFault(pt, va, WalkStop.PERMISSION, { access: Access.FETCH, mxr: true });
    });

    it('the U check comes before the R/W/X check', () => {
      const pt = withFlags(PTE_V | PTE_R | PTE_A | PTE_U);
      expectFault(pt, va, WalkStop.SUPERVISOR_TO_USER, { access: Access.STORE });
    });

    it('reports the leaf PTE (G bit included) and its address', () => {
      const mem = new FakeMemory(); const pt = new PageTables(mem, 3);
      const leaf = pt.map(va, 0x8000_0000n, 0, LEAF | PTE_G);
      const r = doWalk(pt, va);
      assert.equal(r.res.pteAddr, leaf);
      assert.equal(r.res.pteLo & PTE_G, PTE_G);
      assert.equal(r.res.pteLo >>> 10, 0x80000);
    });
  });

  describe('A and D bits', () => {
    const va = 0x40_0000n;
    const setup = (flags: number) => { const mem = new FakeMemory(); const pt = new PageTables(mem, 3); const leaf = pt.map(va, 0x8020_0000n, 0, flags); return { mem, pt, leaf }; };
    const noAD = PTE_V | PTE_R | PTE_W | PTE_X;

    it('without ADUE (Svade): A=0 or a store with D=0 is a page fault and nothing is written', () => {
      const { mem, pt, leaf } = setup(noAD);
      expectFault(pt, va, WalkStop.ACCESSED);
      expectFault(pt, va, WalkStop.ACCESSED, { access: Access.STORE });
      mem.set(leaf, pte(0x80200n, noAD | PTE_A));
      assert.equal(doWalk(pt, va).st, WalkStatus.OK);
      expectFault(pt, va, WalkStop.DIRTY, { access: Access.STORE });
      assert.equal(mem.updates, 0);
    });

    it('with ADUE: a load sets A, a store sets A and D, in memory', () => {
      const { mem, pt, leaf } = setup(noAD);
      const r = doWalk(pt, va, { adue: true });
      assert.equal(r.st, WalkStatus.OK);
      assert.equal(mem.get(leaf) & 0xffn, BigInt(noAD | PTE_A));
      assert.equal(r.res.pteLo & 0xff, noAD | PTE_A);
      const w = doWalk(pt, va, { adue: true, access: Access.STORE });
      assert.equal(w.st, WalkStatus.OK);
      assert.equal(mem.get(leaf) & 0xffn, BigInt(noAD | PTE_A | PTE_D));
      assert.equal(mem.updates, 2);
      // Already set: no further writes.
      doWalk(pt, va, { adue: true, access: Access.STORE });
      assert.equal(mem.updates, 2);
    });

    it('sets A/D on superpage leaves too, keeping the PTE high bits', () => {
      const mem = new FakeMemory(); const pt = new PageTables(mem, 4);
      const leaf = pt.map(1n << 30n, 1n << 42n, 2, noAD);
      mem.set(leaf, mem.get(leaf) | (1n << 50n));        // PPN high bits
      assert.equal(doWalk(pt, (1n << 30n) + 5n, { adue: true, access: Access.STORE }).pa, (1n << 42n) + 5n + (1n << 50n << 2n));
      assert.equal(mem.get(leaf) >> 32n, (pte((1n << 42n) >> 12n, 0) | (1n << 50n)) >> 32n);
      assert.equal(mem.get(leaf) & 0xffn, BigInt(noAD | PTE_A | PTE_D));
    });

    it('restarts the walk when the PTE changes before the update', () => {
      const { mem, pt, leaf } = setup(noAD);
      let raced = 0;
      mem.beforeUpdate = (pa) => {
        if (raced++ === 0) mem.set(pa, pte(0x80300n, noAD));   // another hart remaps the page
      };
      const readsBefore = mem.reads;
      const r = doWalk(pt, va, { adue: true });
      assert.equal(r.st, WalkStatus.OK);
      assert.equal(r.pa, 0x8030_0000n, 'the restarted walk uses the new PTE');
      assert.equal(mem.reads - readsBefore, 6, 'two full walks');
      assert.equal(mem.get(leaf) & 0xffn, BigInt(noAD | PTE_A));
    });

    it('a restarted walk re-checks everything (the new PTE may be invalid)', () => {
      const { mem, pt, leaf } = setup(noAD);
      mem.beforeUpdate = (pa) => { mem.set(pa, 0n); };
      expectFault(pt, va, WalkStop.INVALID, { adue: true });
      assert.equal(mem.get(leaf), 0n);
    });

    it('gives up when the PTE keeps changing', () => {
      const { mem, pt } = setup(noAD);
      let n = 0;
      mem.beforeUpdate = (pa) => { mem.set(pa, pte(0x80200n + BigInt(++n), noAD)); };
      expectFault(pt, va, WalkStop.AD_UPDATE_FAILED, { adue: true });
      assert.equal(mem.updates, 0);
    });
  });

  describe('PMP on implicit accesses', () => {
    const va = 0x1000n;
    // Page tables live at frames 0x100.. (1 MiB up); data pages at 2 GiB.
    function pmpAllowingTables(tablePerm: number): Pmp {
      const pmp = new Pmp();
      // entry 0: TOR [0, 0x100000) nothing; entry 1: TOR [0x100000, 0x200000) tables; entry 2: NAPOT everything RWX.
      pmp.writeAddr(0, 0x100000 / 4);
      pmp.writeAddr(1, 0x200000 / 4);
      pmp.writeAddrPair(2, -1, -1);
      pmp.writeCfg(0, PMP_A_TOR | ((PMP_A_TOR | tablePerm) << 8) | ((PMP_A_NAPOT | PMP_R | PMP_W | PMP_X) << 16), 0);
      return pmp;
    }

    it('a PTE read denied by PMP is an access fault', () => {
      const mem = new FakeMemory(); const pt = new PageTables(mem, 3);
      pt.map(va, 0x8000_0000n);
      assert.equal(doWalk(pt, va, {}, pmpAllowingTables(PMP_R)).st, WalkStatus.OK);
      const r = doWalk(pt, va, {}, pmpAllowingTables(PMP_X));
      assert.equal(r.st, WalkStatus.ACCESS_FAULT);
      assert.equal(r.res.stop, WalkStop.PTE_ACCESS);
      assert.equal(r.res.level, 2);
    });

    it('PTE reads are checked as S-mode even when the access is from U-mode', () => {
      const mem = new FakeMemory(); const pt = new PageTables(mem, 3);
      pt.map(va, 0x8000_0000n, 0, LEAF | PTE_U);
      const seen: number[] = [];
      const spy: PhysChecker = { check: (_pa, size, access, priv) => { seen.push(size, access, priv); return true; } };
      assert.equal(doWalk(pt, va, { priv: 0 }, spy).st, WalkStatus.OK);
      assert.deepEqual(seen, [8, Access.LOAD, 1, 8, Access.LOAD, 1, 8, Access.LOAD, 1]);
    });

    it('the A/D update must pass PMP as a store', () => {
      const mem = new FakeMemory(); const pt = new PageTables(mem, 3);
      const leaf = pt.map(va, 0x8000_0000n, 0, PTE_V | PTE_R | PTE_W);
      const r = doWalk(pt, va, { adue: true }, pmpAllowingTables(PMP_R));
      assert.equal(r.st, WalkStatus.ACCESS_FAULT);
      assert.equal(r.res.stop, WalkStop.AD_ACCESS);
      assert.equal(mem.updates, 0);
      assert.equal(mem.get(leaf) & BigInt(PTE_A), 0n);
      assert.equal(doWalk(pt, va, { adue: true }, pmpAllowingTables(PMP_R | PMP_W)).st, WalkStatus.OK);
      assert.equal(mem.get(leaf) & BigInt(PTE_A), BigInt(PTE_A));
    });
  });

  describe('G-stage (Sv39x4, Sv48x4, Sv57x4)', () => {
    const GLEAF = LEAF | PTE_U;

    it('Sv39x4: 16 KiB root indexed by gpa bits 40:30, 41-bit gpa', () => {
      const mem = new FakeMemory(); const pt = new PageTables(mem, 3, true);
      assert.equal(pt.root % 4n, 0n);
      const gpa = (3n << 39n) | 0x1234_5000n;                       // root index ≥ 1536: the fourth root page
      pt.map(gpa, 0x9000_0000n, 0, GLEAF);
      const r = doWalk(pt, gpa | 0x67n);
      assert.equal(r.st, WalkStatus.OK);
      assert.equal(r.pa, 0x9000_0067n);
      assert.equal(r.res.stepAddr[0], Number(pt.root * 4096n + 3n * 4096n + ((gpa >> 30n) & 0x1ffn) * 8n));
      assert.ok(r.res.stepAddr[0] >= Number((pt.root + 3n) * 4096n));
      // Bit 41 and above must be zero (no sign extension for guest physical addresses).
      expectFault(pt, 1n << 41n, WalkStop.NOT_CANONICAL);
      expectFault(pt, sext(1n << 40n, 41), WalkStop.NOT_CANONICAL);
    });

    it('every G-stage access is a user access: U required, priv and SUM ignored, MXR applies', () => {
      const mem = new FakeMemory(); const pt = new PageTables(mem, 3, true);
      pt.map(0x1000n, 0x8000_0000n, 0, LEAF);
      pt.map(0x2000n, 0x8000_1000n, 0, GLEAF);
      pt.map(0x3000n, 0x8000_2000n, 0, PTE_V | PTE_X | PTE_U | PTE_A);
      expectFault(pt, 0x1000n, WalkStop.GSTAGE_NOT_USER, { priv: 0 });
      expectFault(pt, 0x1000n, WalkStop.GSTAGE_NOT_USER, { priv: 1, sum: true });
      for (const access of [Access.FETCH, Access.LOAD, Access.STORE]) {
        assert.equal(doWalk(pt, 0x2000n, { priv: 1, access }).st, WalkStatus.OK);
        assert.equal(doWalk(pt, 0x2000n, { priv: 0, access }).st, WalkStatus.OK);
      }
      expectFault(pt, 0x3000n, WalkStop.PERMISSION);
      assert.equal(doWalk(pt, 0x3000n, { mxr: true }).st, WalkStatus.OK);
      assert.equal(doWalk(pt, 0x3000n, { access: Access.FETCH }).st, WalkStatus.OK);
    });

    it('G-stage superpages and the wider Sv48x4 / Sv57x4 roots', () => {
      for (const levels of [3, 4, 5]) {
        const mem = new FakeMemory(); const pt = new PageTables(mem, levels, true);
        const gpaBits = BigInt(12 + 9 * levels + 2);
        const gpa = (1n << (gpaBits - 1n)) | (1n << 21n) | 0xabcn;
        pt.map(gpa, 0x4000_0000n, 1, GLEAF);
        const r = doWalk(pt, gpa);
        assert.equal(r.st, WalkStatus.OK, `levels ${levels}`);
        assert.equal(r.pa, 0x4000_0abcn);
        assert.equal(r.res.level, 1);
        expectFault(pt, 1n << gpaBits, WalkStop.NOT_CANONICAL);
      }
    });
  });

  it('bare mode translates to itself', () => {
    const req = new WalkRequest(), res = new WalkResult();
    req.mode = PagingMode.BARE; req.vaLo = 0x12345678; req.vaHi = 0xab;
    assert.equal(walk(req, res, new FakeMemory(), null), WalkStatus.OK);
    assert.equal(BigInt(res.ppn) * 4096n, 0xab_12345000n);
  });
});

describe('mmu: debug walk', () => {
  const va = 0xffff_ffff_c000_3000n;

  it('never writes: reports the A/D bits a real access would set, and every step', () => {
    const mem = new FakeMemory(); const pt = new PageTables(mem, 3);
    const leaf = pt.map(va, 0x8000_5000n, 0, PTE_V | PTE_R | PTE_W);
    const before = new Map(mem.words);
    const t = translateDebug(mem, { mode: PagingMode.SV39, rootPpn: pt.root, va: va | 0x10n, access: 'store', priv: 'S' });
    assert.equal(t.ok, true);
    assert.equal(t.pa, 0x8000_5010n);
    assert.equal(t.level, 0);
    assert.equal(t.wouldSetA, true);
    assert.equal(t.wouldSetD, true);
    assert.deepEqual(mem.words, before);
    assert.equal(mem.updates, 0);
    assert.equal(t.steps.length, 3);
    assert.deepEqual(t.steps.map((s) => s.level), [2, 1, 0]);
    assert.equal(t.steps[2].pteAddr, BigInt(leaf));
    assert.equal(t.steps[2].pte, mem.get(leaf));
    assert.equal(t.steps[0].pteAddr, pt.root * 4096n + ((va >> 30n) & 0x1ffn) * 8n);

    const l = translateDebug(mem, { mode: PagingMode.SV39, rootPpn: Number(pt.root), va, access: 'load', priv: 'S' });
    assert.equal(l.wouldSetA, true);
    assert.equal(l.wouldSetD, false);
  });

  it('the walker in debug mode does not write even with ADUE, and faults as a real walk would without it', () => {
    const mem = new FakeMemory(); const pt = new PageTables(mem, 3);
    pt.map(va, 0x8000_5000n, 0, PTE_V | PTE_R | PTE_W);
    const r = doWalk(pt, va, { debug: true, adue: true, access: Access.STORE });
    assert.equal(r.st, WalkStatus.OK);
    assert.ok(r.res.wouldSetA && r.res.wouldSetD);
    assert.equal(mem.updates, 0);
    expectFault(pt, va, WalkStop.ACCESSED, { debug: true, adue: false });
    const t = translateDebug(mem, { mode: PagingMode.SV39, rootPpn: pt.root, va, access: 'load', priv: 'S', adue: false });
    assert.equal(t.ok, false);
    assert.equal(t.fault, 'page');
    assert.match(t.reason, /A=0/);
  });

  it('explains faults and keeps the steps up to the faulting PTE', () => {
    const mem = new FakeMemory(); const pt = new PageTables(mem, 3);
    pt.map(va, 0x8000_5000n);
    mem.set(pt.pointerAt(va, 1), 0n);
    const t = translateDebug(mem, { mode: PagingMode.SV39, rootPpn: pt.root, va, access: 'load', priv: 'S' });
    assert.equal(t.ok, false);
    assert.equal(t.fault, 'page');
    assert.equal(t.reason, 'PTE at level 1 not valid (V=0)');
    assert.equal(t.steps.length, 2);
    assert.equal(t.steps[1].pte, 0n);

    const nc = translateDebug(mem, { mode: PagingMode.SV39, rootPpn: pt.root, va: 1n << 40n, access: 'fetch', priv: 'U' });
    assert.equal(nc.ok, false);
    assert.match(nc.reason, /not canonical/);
    assert.equal(nc.steps.length, 0);

    mem.holes.add(Number(pt.root * 4096n + ((va >> 30n) & 0x1ffn) * 8n));
    const af = translateDebug(mem, { mode: PagingMode.SV39, rootPpn: pt.root, va, access: 'load', priv: 'S' });
    assert.equal(af.fault, 'access');
    assert.match(af.reason, /level 2 cannot be read/);
  });

  it('handles user permission options and G-stage walks', () => {
    const mem = new FakeMemory(); const pt = new PageTables(mem, 3);
    pt.map(0x5000n, 0x8000_0000n, 0, LEAF | PTE_U);
    const base = { mode: PagingMode.SV39, rootPpn: pt.root, va: 0x5000n, access: 'load' as const };
    assert.equal(translateDebug(mem, { ...base, priv: 'S' }).ok, false);
    assert.equal(translateDebug(mem, { ...base, priv: 'S', sum: true }).ok, true);
    assert.equal(translateDebug(mem, { ...base, priv: 'U' }).ok, true);

    const g = new PageTables(new FakeMemory(), 3, true);
    g.map(1n << 40n, 0xa000_0000n, 0, LEAF | PTE_U);
    const t = translateDebug(g.mem, { mode: PagingMode.SV39, rootPpn: g.root, va: (1n << 40n) | 8n, access: 'fetch', priv: 'S', gstage: true });
    assert.equal(t.ok, true);
    assert.equal(t.pa, 0xa000_0008n);
  });
});
