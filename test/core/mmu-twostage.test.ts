// Two-stage translation (hypervisor.adoc "Two-Stage Address Translation"): VS-stage tables in guest physical
// memory, G-stage Sv39x4 tables in host memory, the 2D reference log, combined page sizes, guest-page faults of
// implicit and explicit accesses, the G-stage U-bit rule, MXR per stage, A/D through the G stage.
import { strict as assert } from 'node:assert';
import { Access, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, PagingMode, WalkStatus, WalkStop } from '../../core/mmu/walk';
import { GuestFault, Stage, TwoStageRequest, TwoStageResult, TwoStageWalker } from '../../core/mmu/twoStage';
import { FakeMemory, LEAF, PageTables } from '../support/pagetables';
import { translateGuestDebug } from '../../core/mmu/debugWalk';

const GLEAF = LEAF | PTE_U;
const GVA = 0x4000_1000n, GPA = 0x8000_3000n, HPA = 0x9000_7000n;

interface Setup { mem: FakeMemory; vs: PageTables; g: PageTables }

/** VS tables at guest frames 0x100.., G tables at host frames 0x2000..; the G stage maps every VS table frame
 *  one to one with 4 KiB pages, and GPA → HPA. */
function setup(opts: { vsLeaf?: number; gLeaf?: number; tableFlags?: number; vsLevel?: number; gLevel?: number } = {}): Setup {
  const mem = new FakeMemory();
  const vs = new PageTables(mem, 3, false, 0x100n);
  const g = new PageTables(mem, 3, true, 0x2000n);
  const vsMask = (1n << BigInt(12 + 9 * (opts.vsLevel ?? 0))) - 1n;
  vs.map(GVA & ~vsMask, GPA & ~vsMask, opts.vsLevel ?? 0, opts.vsLeaf ?? LEAF);
  for (const f of vs.frames) g.map(f * 4096n, f * 4096n, 0, opts.tableFlags ?? GLEAF);
  const level = opts.gLevel ?? 0;
  const mask = (1n << BigInt(12 + 9 * level)) - 1n;
  g.map(GPA & ~mask, HPA & ~mask, level, opts.gLeaf ?? GLEAF);
  return { mem, vs, g };
}

interface Opts { access?: Access; priv?: number; sum?: boolean; mxrVs?: boolean; mxrG?: boolean; adue?: boolean; debug?: boolean; vsBare?: boolean }

function translate(s: Setup, va: bigint, o: Opts = {}): { st: WalkStatus; res: TwoStageResult; pa: bigint } {
  const req = new TwoStageRequest(), res = new TwoStageResult();
  req.vsMode = o.vsBare ? PagingMode.BARE : PagingMode.SV39; req.vsRootPpn = Number(s.vs.root);
  req.gMode = PagingMode.SV39; req.gRootPpn = Number(s.g.root);
  req.vaLo = Number(va & 0xffffffffn) | 0; req.vaHi = Number(va >> 32n) | 0;
  req.access = o.access ?? Access.LOAD; req.priv = o.priv ?? 1; req.sum = o.sum ?? false;
  req.mxrVs = o.mxrVs ?? false; req.mxrG = o.mxrG ?? false; req.adueVs = o.adue ?? false; req.adueG = o.adue ?? false;
  req.debug = o.debug ?? false;
  const st = new TwoStageWalker(s.mem, null).translate(req, res);
  return { st, res, pa: BigInt(res.ppn) * 4096n + (va & 0xfffn) };
}

describe('two-stage translation (VS-stage Sv39 over G-stage Sv39x4)', () => {
  it('translates and logs the 2D walk: each VS-stage PTE read is preceded by its G-stage walk (15 references)', () => {
    const s = setup();
    const { st, res, pa } = translate(s, GVA + 0x123n);
    assert.equal(st, WalkStatus.OK);
    assert.equal(pa, HPA + 0x123n);
    assert.equal(BigInt(res.gpa), GPA + 0x123n);
    assert.equal(res.refs, 15);
    const stages = Array.from(res.refStage.subarray(0, res.refs)).map((x) => (x === Stage.G ? 'G' : 'V')).join('');
    assert.equal(stages, 'GGGVGGGVGGGVGGG');
    // VS reads are at levels 2, 1, 0 and at guest physical addresses inside the VS tables
    const vsLevels = [3, 7, 11].map((i) => res.refLevel[i]);
    assert.deepEqual(vsLevels, [2, 1, 0]);
    assert.equal(BigInt(res.refAddr[3]), s.vs.root * 4096n + ((GVA >> 30n) & 511n) * 8n);
    assert.equal(res.refSpa[3], res.refAddr[3], 'VS tables are mapped one to one');
    assert.equal(res.level, 0);
  });

  it('the combined page is the smaller of the two: 2 MiB guest page over 4 KiB host pages, and the reverse', () => {
    const big = setup({ vsLevel: 1 });
    for (const off of [0n, 0x123n, 0xfffn]) {
      // only the 4 KiB G-stage page GPA → HPA exists: the gVA inside the 2 MiB guest page that lands on it works
      const gva = (GVA & ~0x1fffffn) + (GPA & 0x1fffffn & ~0xfffn) + off;
      const { st, res, pa } = translate(big, gva);
      assert.equal(st, WalkStatus.OK);
      assert.equal(pa, HPA + off);
      assert.equal(res.level, 0);
    }
    const gbig = setup({ gLevel: 1 });
    const r2 = translate(gbig, GVA + 8n);
    assert.equal(r2.st, WalkStatus.OK);
    assert.equal(r2.pa, (HPA & ~0x1fffffn) + (GPA & 0x1fffffn) + 8n);
    assert.equal(r2.res.level, 0);
    const both = setup({ vsLevel: 1, gLevel: 1 });
    const r3 = translate(both, (GVA & ~0x1fffffn) + 0x54321n);
    assert.equal(r3.res.level, 1);
    assert.equal(r3.pa, (HPA & ~0x1fffffn) + 0x54321n);
  });

  it('a G-stage leaf without U is a guest-page fault of the final access (every G-stage access is a user access)', () => {
    const s = setup({ gLeaf: LEAF });
    const { st, res } = translate(s, GVA + 4n, { access: Access.STORE });
    assert.equal(st, WalkStatus.PAGE_FAULT);
    assert.equal(res.fault, GuestFault.GUEST_PAGE);
    assert.equal(res.implicit, false);
    assert.equal(res.stop, WalkStop.GSTAGE_NOT_USER);
    assert.equal(BigInt(res.faultGpa), GPA + 4n);
  });

  it('a VS-stage table page missing from the G stage is an implicit guest-page fault at the PTE address', () => {
    const s = setup();
    // unmap the frame holding the level-1 VS table
    const l1 = s.vs.pointerAt(GVA, 1);
    s.mem.set(s.g.slot(BigInt(l1) & ~0xfffn, 0), 0n);
    const { st, res } = translate(s, GVA, { access: Access.FETCH });
    assert.equal(st, WalkStatus.PAGE_FAULT);
    assert.equal(res.fault, GuestFault.GUEST_PAGE);
    assert.equal(res.implicit, true);
    assert.equal(res.implicitWrite, false);
    assert.equal(res.faultGpa, l1);
    assert.equal(res.faultStage, Stage.G);
  });

  it('the VS-stage A/D update is an implicit store: a read-only G-stage mapping of the table faults as a write', () => {
    const s = setup({ vsLeaf: LEAF & ~(PTE_A | PTE_D), tableFlags: PTE_V | PTE_R | PTE_U | PTE_A | PTE_D });
    const { st, res } = translate(s, GVA, { adue: true });
    assert.equal(st, WalkStatus.PAGE_FAULT);
    assert.equal(res.fault, GuestFault.GUEST_PAGE);
    assert.equal(res.implicit, true);
    assert.equal(res.implicitWrite, true);
    assert.equal(res.faultGpa, s.vs.slot(GVA, 0));
    // with a writable mapping the update happens and the VS leaf gets A (and D for a store)
    const w = setup({ vsLeaf: LEAF & ~(PTE_A | PTE_D) });
    assert.equal(translate(w, GVA, { adue: true, access: Access.STORE }).st, WalkStatus.OK);
    assert.equal(w.mem.get(w.vs.slot(GVA, 0)) & BigInt(PTE_A | PTE_D), BigInt(PTE_A | PTE_D));
  });

  it('vsstatus.MXR makes VS-stage execute-only pages readable, but only the HS-level MXR does so at the G stage', () => {
    const xo = PTE_V | PTE_X | PTE_A | PTE_D;
    const vsX = setup({ vsLeaf: xo });
    assert.equal(translate(vsX, GVA).st, WalkStatus.PAGE_FAULT);
    assert.equal(translate(vsX, GVA, { mxrVs: true }).st, WalkStatus.OK);
    const gX = setup({ gLeaf: xo | PTE_U });
    const r = translate(gX, GVA, { mxrVs: true });
    assert.equal(r.res.fault, GuestFault.GUEST_PAGE, 'vsstatus.MXR does not reach the G stage');
    assert.equal(translate(gX, GVA, { mxrVs: true, mxrG: true }).st, WalkStatus.OK);
  });

  it('with vsatp Bare the guest virtual address is the guest physical one, and must fit in 41 bits', () => {
    const s = setup();
    const ok = translate(s, GPA + 0x10n, { vsBare: true });
    assert.equal(ok.st, WalkStatus.OK);
    assert.equal(ok.pa, HPA + 0x10n);
    assert.equal(ok.res.refs, 3);
    const wide = translate(s, 1n << 41n, { vsBare: true });
    assert.equal(wide.res.fault, GuestFault.GUEST_PAGE);
    assert.equal(wide.res.stop, WalkStop.NOT_CANONICAL);
  });

  it('a debug walk writes nothing and reports the A/D bits a real access would set', () => {
    const s = setup({ vsLeaf: LEAF & ~(PTE_A | PTE_D), gLeaf: GLEAF & ~(PTE_A | PTE_D) });
    const before = new Map(s.mem.words);
    const { st, res } = translate(s, GVA, { adue: true, debug: true, access: Access.STORE });
    assert.equal(st, WalkStatus.OK);
    assert.ok(res.wouldSetA && res.wouldSetD);
    assert.deepEqual(s.mem.words, before);
    assert.equal(s.mem.updates, 0);
  });

  it('U-mode guest accesses need U in the VS leaf; S-mode needs vsstatus.SUM for user pages', () => {
    const user = setup({ vsLeaf: LEAF | PTE_U });
    assert.equal(translate(user, GVA, { priv: 0 }).st, WalkStatus.OK);
    assert.equal(translate(user, GVA, { priv: 1 }).res.stop, WalkStop.SUPERVISOR_TO_USER);
    assert.equal(translate(user, GVA, { priv: 1, sum: true }).st, WalkStatus.OK);
    const sup = setup({ vsLeaf: PTE_V | PTE_R | PTE_W | PTE_A | PTE_D });
    assert.equal(translate(sup, GVA, { priv: 0 }).res.stop, WalkStop.USER_TO_SUPERVISOR);
  });

  it('translateGuestDebug reports every reference with its stage, the gPA, and why a walk stops, writing nothing', () => {
    const s = setup({ vsLeaf: LEAF & ~PTE_A });
    const before = new Map(s.mem.words);
    const base = { vsMode: PagingMode.SV39, vsRootPpn: s.vs.root, gMode: PagingMode.SV39, gRootPpn: s.g.root, priv: 'S' as const };
    const t = translateGuestDebug(s.mem, { ...base, va: GVA + 0x10n, access: 'load' });
    assert.equal(t.ok, true);
    assert.equal(t.pa, HPA + 0x10n);
    assert.equal(t.gpa, GPA + 0x10n);
    assert.equal(t.steps.length, 15);
    assert.deepEqual(t.steps.filter((x) => x.stage === 'VS').map((x) => x.level), [2, 1, 0]);
    assert.equal(t.wouldSetA, true);
    assert.deepEqual(s.mem.words, before);
    s.mem.set(s.g.slot(s.vs.root * 4096n, 0), 0n);
    const f = translateGuestDebug(s.mem, { ...base, va: GVA, access: 'store' });
    assert.equal(f.ok, false);
    assert.equal(f.guestPageFault, true);
    assert.equal(f.implicit, true);
    assert.equal(f.faultGpa, s.vs.root * 4096n + ((GVA >> 30n) & 511n) * 8n);
    assert.match(f.reason, /^G-stage translation of the VS-stage PTE at guest physical 0x[0-9a-f]+: PTE at level 0 not valid/);
  });
});
