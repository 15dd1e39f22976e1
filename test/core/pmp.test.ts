// Physical Memory Protection: address matching, priority, partial matches, locking, WARL fields, page checks.
import { strict as assert } from 'node:assert';
import { Access } from '../../core/mmu/walk';
import {
  Pmp, PMP_A_NA4, PMP_A_NAPOT, PMP_A_OFF, PMP_A_TOR, PMP_L, PMP_R, PMP_W, PMP_X,
} from '../../core/mmu/pmp';

const U = 0, S = 1, M = 3;
const RWX = PMP_R | PMP_W | PMP_X;

/** pmpaddr value of a NAPOT region (size a power of two ≥ 8, base aligned to it). */
const napot = (base: number, size: number) => Math.floor((base + size / 2 - 1) / 4);

/** Sets entry i's cfg byte, keeping the others of its CSR. */
function setCfg(p: Pmp, i: number, cfg: number): void {
  const n = i < 8 ? 0 : 2;
  let lo = p.readCfgLo(n) >>> 0, hi = p.readCfgHi(n) >>> 0;
  const j = i % 8;
  if (j < 4) lo = ((lo & ~(0xff << (8 * j))) | (cfg << (8 * j))) >>> 0;
  else hi = ((hi & ~(0xff << (8 * (j - 4)))) | (cfg << (8 * (j - 4)))) >>> 0;
  p.writeCfg(n, lo | 0, hi | 0);
}

const allowed = (p: Pmp, pa: number, size: number, priv: number) =>
  [Access.FETCH, Access.LOAD, Access.STORE].map((a) => (p.check(pa, size, a, priv) ? 'XRW'[a] : '-')).join('');

describe('pmp', () => {
  it('after reset: no entry active, M-mode allowed, S/U denied everywhere', () => {
    const p = new Pmp();
    assert.equal(allowed(p, 0x8000_0000, 8, M), 'XRW');
    assert.equal(allowed(p, 0x8000_0000, 8, S), '---');
    assert.equal(allowed(p, 0, 1, U), '---');
    assert.equal(p.readCfgLo(0), 0);
    assert.equal(p.readAddr(3), 0);
  });

  it('TOR: [pmpaddr(i-1), pmpaddr(i)), from 0 for entry 0; an inverted range matches nothing', () => {
    const p = new Pmp();
    p.writeAddr(0, 0x1000 / 4);
    p.writeAddr(1, 0x3000 / 4);
    setCfg(p, 0, PMP_A_TOR | PMP_R);
    setCfg(p, 1, PMP_A_TOR | PMP_R | PMP_W);
    assert.equal(allowed(p, 0, 8, S), '-R-');
    assert.equal(allowed(p, 0xff8, 8, S), '-R-');
    assert.equal(allowed(p, 0x1000, 8, S), '-RW');
    assert.equal(allowed(p, 0x2ffc, 4, U), '-RW');
    assert.equal(allowed(p, 0x3000, 4, S), '---');
    p.writeAddr(1, 0x800 / 4);                               // top below bottom: entry 1 is empty
    assert.equal(allowed(p, 0x1000, 8, S), '---');
    assert.equal(allowed(p, 0x1000, 8, M), 'XRW');
  });

  it('NA4 and NAPOT of several sizes, up to the whole address space', () => {
    const p = new Pmp();
    p.writeAddr(0, 0x100c / 4);
    setCfg(p, 0, PMP_A_NA4 | PMP_X);
    p.writeAddr(1, napot(0x2000, 8));
    setCfg(p, 1, PMP_A_NAPOT | PMP_R);
    p.writeAddr(2, napot(0x8000_0000, 0x20_0000));
    setCfg(p, 2, PMP_A_NAPOT | PMP_W | PMP_R);
    p.writeAddr(3, napot(2 ** 40, 2 ** 40));
    setCfg(p, 3, PMP_A_NAPOT | PMP_X);
    assert.equal(allowed(p, 0x100c, 4, S), 'X--');
    assert.equal(allowed(p, 0x1008, 4, S), '---');
    assert.equal(allowed(p, 0x1010, 2, S), '---');
    assert.equal(allowed(p, 0x2000, 8, S), '-R-');
    assert.equal(allowed(p, 0x2008, 1, S), '---');
    assert.equal(allowed(p, 0x8000_0000, 8, S), '-RW');
    assert.equal(allowed(p, 0x801f_fff8, 8, S), '-RW');
    assert.equal(allowed(p, 0x8020_0000, 8, S), '---');
    assert.equal(allowed(p, 2 ** 40 + 0x123450, 4, U), 'X--');
    assert.equal(allowed(p, 2 ** 41 - 4, 4, U), 'X--');
    assert.equal(allowed(p, 2 ** 41, 4, U), '---');
    // All 54 bits set: the whole 56-bit physical address space.
    p.writeAddrPair(4, -1, 0x3fffff);
    setCfg(p, 4, PMP_A_NAPOT | PMP_R);
    assert.equal(allowed(p, 0, 8, S), '-R-');
    assert.equal(allowed(p, 2 ** 55 + 2 ** 54, 8, S), '-R-');
  });

  it('the lowest-numbered matching entry decides', () => {
    const p = new Pmp();
    p.writeAddr(0, napot(0x4000, 0x1000));
    setCfg(p, 0, PMP_A_NAPOT);                                 // no permissions
    p.writeAddr(1, napot(0, 0x10000));
    setCfg(p, 1, PMP_A_NAPOT | RWX);
    assert.equal(allowed(p, 0x4800, 8, S), '---');
    assert.equal(allowed(p, 0x5000, 8, S), 'XRW');
    setCfg(p, 0, PMP_A_OFF);
    assert.equal(allowed(p, 0x4800, 8, S), 'XRW');
  });

  it('an entry matching only part of the access fails it, in every mode and whatever its permissions', () => {
    const p = new Pmp();
    p.writeAddr(0, 0xc / 4);
    setCfg(p, 0, PMP_A_NA4 | RWX);                               // [0xc, 0x10)
    p.writeAddr(1, napot(0, 0x1000));
    setCfg(p, 1, PMP_A_NAPOT | RWX);
    assert.equal(allowed(p, 0xc, 4, S), 'XRW');
    assert.equal(allowed(p, 0x8, 8, S), '---');               // the spec's own example
    assert.equal(allowed(p, 0x8, 8, M), '---');
    assert.equal(allowed(p, 0x8, 4, S), 'XRW');                // entry 0 not touched: entry 1 decides
    // Straddling the end of the highest-priority match also fails.
    assert.equal(allowed(p, 0xffc, 8, M), '---');
    assert.equal(allowed(p, 0xffc, 8, S), '---');
  });

  it('M-mode: unlocked entries do not restrict, locked entries do', () => {
    const p = new Pmp();
    p.writeAddr(0, napot(0x8000_0000, 0x1000));
    setCfg(p, 0, PMP_A_NAPOT);
    assert.equal(allowed(p, 0x8000_0000, 8, M), 'XRW');
    setCfg(p, 0, PMP_A_NAPOT | PMP_L | PMP_R);
    assert.equal(allowed(p, 0x8000_0000, 8, M), '-R-');
    assert.equal(allowed(p, 0x8000_1000, 8, M), 'XRW');        // outside: no match, M passes
    assert.equal(allowed(p, 0x8000_1000, 8, S), '---');
  });

  it('locked entries ignore cfg and address writes until reset; TOR locks the address below it', () => {
    const p = new Pmp();
    p.writeAddr(0, 0x1000 / 4);
    p.writeAddr(1, 0x2000 / 4);
    p.writeAddr(2, 0x3000 / 4);
    setCfg(p, 1, PMP_A_TOR | PMP_L | PMP_R);
    setCfg(p, 2, PMP_A_OFF | PMP_L);                          // locked even though OFF
    assert.equal(p.readCfgLo(0) >>> 0, ((PMP_A_TOR | PMP_L | PMP_R) << 8 | PMP_L << 16) >>> 0);
    p.writeCfg(0, 0x1f1f1f1f, 0);
    assert.equal(p.readCfgLo(0) >>> 0, (0x1f | (PMP_A_TOR | PMP_L | PMP_R) << 8 | PMP_L << 16 | 0x1f << 24) >>> 0);
    p.writeAddr(1, 0x5000 / 4);
    p.writeAddr(0, 0);                                        // below a locked TOR entry: ignored
    p.writeAddr(2, 0x9000 / 4);                               // entry 2 itself locked: ignored
    assert.equal(p.readAddr(0), 0x1000 / 4);
    assert.equal(p.readAddr(1), 0x2000 / 4);
    assert.equal(p.readAddr(2), 0x3000 / 4);
    // Entry 3 is unlocked: its address can change even though entry 2 is locked (entry 2 is not TOR... and 3 is not locked).
    p.writeAddr(3, 0x7000 / 4);
    assert.equal(p.readAddr(3), 0x7000 / 4);
    assert.equal(allowed(p, 0x1800, 8, M), '-R-');
    p.reset();
    assert.equal(p.readCfgLo(0), 0);
    p.writeAddr(0, 0x4000 / 4);
    assert.equal(p.readAddr(0), 0x4000 / 4);
  });

  it('a locked NAPOT entry does not lock the address below it', () => {
    const p = new Pmp();
    p.writeAddr(1, napot(0x8000, 0x1000));
    setCfg(p, 1, PMP_A_NAPOT | PMP_L);
    p.writeAddr(0, 0x40);
    assert.equal(p.readAddr(0), 0x40);
  });

  it('WARL fields: R=0,W=1 reads back as R=0,W=0; bits 6:5 are zero; pmpcfg2 holds entries 8-15', () => {
    const p = new Pmp();
    p.writeCfg(0, (PMP_A_NAPOT | PMP_W) | (0x60 | PMP_R) << 8, (PMP_W | PMP_X) << 24);
    assert.equal(p.readCfgLo(0), PMP_A_NAPOT | PMP_R << 8);
    assert.equal(p.readCfgHi(0) >>> 0, PMP_X << 24 >>> 0);
    p.writeCfg(2, 0x11223344, 0x0c1d0e1f);
    assert.equal(p.readCfgLo(2) >>> 0, 0x11001304);
    assert.equal(p.readCfgHi(2) >>> 0, 0x0c1d0c1f);
    assert.equal(p.cfgOf(8), 0x04);
    assert.equal(p.cfgOf(15), 0x0c);
    // Odd CSR numbers do not exist on RV64.
    p.writeCfg(1, -1, -1);
    assert.equal(p.readCfgLo(1), 0);
    assert.equal(p.cfgOf(4), 0);
    // pmpaddr keeps 54 bits; the pair interface is exact.
    p.writeAddrPair(5, 0x12345678, 0x7fc00001);
    assert.equal(p.readAddrLo(5), 0x12345678);
    assert.equal(p.readAddrHi(5), 1);
    assert.equal(p.readAddr(5), 0x1_12345678);
    p.writeAddrPair(6, -1, -1);
    assert.equal(p.readAddrLo(6), -1);
    assert.equal(p.readAddrHi(6), 0x3fffff);
    // All ones through the Number interface (2^54 − 1 rounds to 2^54) is still all ones.
    p.writeAddr(7, (0x3fffff * 2 ** 32) + 0xffffffff);
    assert.equal(p.readAddrLo(7), -1);
    assert.equal(p.readAddrHi(7), 0x3fffff);
    p.writeAddr(7, 2 ** 40 + 12);
    assert.equal(p.readAddr(7), 2 ** 40 + 12);
  });

  it('pageAllowed: true only when the whole page is decided the same allowing way', () => {
    const p = new Pmp();
    p.writeAddr(0, napot(0x8000_0000, 0x10_0000));
    setCfg(p, 0, PMP_A_NAPOT | PMP_R | PMP_X);
    p.writeAddr(1, 0x8020_0800 / 4);
    setCfg(p, 1, PMP_A_TOR | RWX);                             // [0x8010_0000, 0x8020_0800)
    assert.equal(p.pageAllowed(0x8000_0000, Access.LOAD, S), true);
    assert.equal(p.pageAllowed(0x8000_0000, Access.STORE, S), false);
    assert.equal(p.pageAllowed(0x8000_0000, Access.STORE, M), true);
    assert.equal(p.pageAllowed(0x8010_0000, Access.STORE, S), true);
    assert.equal(p.pageAllowed(0x8020_0000, Access.STORE, S), false);   // half covered
    assert.equal(p.pageAllowed(0x8020_0000, Access.STORE, M), false);   // partial match fails in M too
    assert.equal(p.pageAllowed(0x9000_0000, Access.LOAD, S), false);    // no match
    assert.equal(p.pageAllowed(0x9000_0000, Access.LOAD, M), true);
    // A small higher-priority hole inside an allowed page.
    p.writeAddr(2, napot(0, 2 ** 36));
    setCfg(p, 2, PMP_A_NAPOT | RWX);
    setCfg(p, 0, PMP_A_NA4);
    p.writeAddr(0, 0x8000_0100 / 4);
    assert.equal(p.pageAllowed(0x8000_0000, Access.LOAD, S), false);
    assert.equal(p.pageAllowed(0x8000_1000, Access.LOAD, S), true);
  });

  it('bumps generation on every write', () => {
    const p = new Pmp();
    const g = p.generation;
    p.writeAddr(0, 1);
    p.writeCfg(0, 0, 0);
    assert.equal(p.generation, g + 2);
  });

  it('agrees with a byte-by-byte model of the spec on random configurations', () => {
    let seed = 0x2545f491;
    const rnd = (n: number) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
    const nice = [0x0, 0x400, 0x800, 0x1000, 0x1004, 0x2000, 0x2ff0, 0x3000];
    for (let round = 0; round < 300; round++) {
      const p = new Pmp();
      const cfgs: number[] = [], addrs: number[] = [];
      for (let i = 0; i < 16; i++) {
        const kind = rnd(6);
        let a: number;
        if (kind === 0) a = napot(nice[rnd(4)] & ~0x3ff, 8 << rnd(8));
        else a = (nice[rnd(nice.length)] + 4 * rnd(3)) / 4;
        const c = rnd(3) === 0 ? 0 : ([PMP_A_TOR, PMP_A_NA4, PMP_A_NAPOT][rnd(3)] | rnd(8) | (rnd(6) === 0 ? PMP_L : 0));
        p.writeAddr(i, a);
        setCfg(p, i, c);
        addrs.push(p.readAddr(i));
        cfgs.push(p.cfgOf(i));
        if (rnd(2) === 0) break;
      }
      while (cfgs.length < 16) { cfgs.push(p.cfgOf(cfgs.length)); addrs.push(p.readAddr(addrs.length)); }
      for (let t = 0; t < 60; t++) {
        const size = [1, 2, 4, 8, 4096][rnd(5)];
        const pa = size === 4096 ? 0x1000 * rnd(4) : rnd(0x3100);
        const access = rnd(3) as Access, priv = [U, S, M][rnd(3)];
        const want = modelCheck(cfgs, addrs, pa, size, access, priv);
        assert.equal(p.check(pa, size, access, priv), want, `round ${round} pa ${pa.toString(16)} size ${size} priv ${priv}`);
        if (size === 4096) assert.equal(p.pageAllowed(pa, access, priv), want);
      }
    }
  });
});

/** machine.adoc "Priority and Matching Logic", byte by byte, with the regions decoded in BigInt. */
function modelCheck(cfg: number[], addr: number[], pa: number, size: number, access: Access, priv: number): boolean {
  const ranges = cfg.map((c, i): [number, number] => {
    const a = (c >> 3) & 3, v = BigInt(addr[i]);
    if (a === 0) return [0, 0];
    if (a === 1) return [i === 0 ? 0 : addr[i - 1] * 4, addr[i] * 4];
    if (a === 2) return [addr[i] * 4, addr[i] * 4 + 4];
    let t = 0n;
    while ((v >> t) & 1n) t++;
    const base = (v & ~((1n << (t + 1n)) - 1n)) << 2n;
    return [Number(base), Number(base + (1n << (t + 3n)))];
  });
  for (let i = 0; i < 16; i++) {
    const [lo, hi] = ranges[i];
    let any = false, all = true;
    for (let b = pa; b < pa + size; b++) { if (b >= lo && b < hi) any = true; else all = false; }
    if (!any) continue;
    if (!all) return false;
    if (priv === M && (cfg[i] & PMP_L) === 0) return true;
    return (cfg[i] & [PMP_X, PMP_R, PMP_W][access]) !== 0;
  }
  return priv === M;
}
