// Physical Memory Protection (machine.adoc "Physical Memory Protection"): 16 entries, grain 4 bytes (G = 0).

import { Access, type PhysChecker } from './walk';

/** Number of implemented PMP entries (the lowest-numbered ones; 16..63 read as zero). */
export const PMP_ENTRIES = 16;

/** pmpcfg fields. */
export const PMP_R = 0x01, PMP_W = 0x02, PMP_X = 0x04, PMP_A = 0x18, PMP_L = 0x80;
/** pmpcfg.A values (already shifted into bits 4:3). */
export const PMP_A_OFF = 0x00, PMP_A_TOR = 0x08, PMP_A_NA4 = 0x10, PMP_A_NAPOT = 0x18;

const PRIV_M = 3;
/** pmpaddr holds physical-address bits 55:2: 54 bits. */
const ADDR_LIMIT = 2 ** 54;
const ADDR_HI_MASK = 0x3fffff;
const TWO_32 = 4294967296;
/** Largest boundary alignment worth tracking (a page: what the TLB and L1 cache). */
const MAX_ALIGN = 4096;

/** Permission bit for an access kind. */
function permBit(access: Access): number {
  return access === Access.FETCH ? PMP_X : access === Access.LOAD ? PMP_R : PMP_W;
}

/** Largest power of two (≤ MAX_ALIGN) dividing the byte address b (b = 0 counts as fully aligned). */
function alignmentOf(b: number): number {
  let al = MAX_ALIGN;
  while (al > 4 && b % al !== 0) al /= 2;
  return al;
}

/**
 * The hart's PMP unit. Each entry is an 8-bit configuration and a 54-bit address register; the decoded
 * byte ranges are recomputed on every write, so check() only compares numbers. Every write bumps
 * `generation`, which caches of permission decisions can compare against.
 */
export class Pmp implements PhysChecker {
  private readonly cfg = new Uint8Array(PMP_ENTRIES);
  /** pmpaddr bits 31:0 (unsigned) and 53:32: kept apart because 54 bits do not fit a double exactly. */
  private readonly addrLo = new Float64Array(PMP_ENTRIES);
  private readonly addrHi = new Int32Array(PMP_ENTRIES);
  /** Decoded byte range [start, end) of each active entry, in priority order. */
  private readonly activeIdx = new Int32Array(PMP_ENTRIES);
  private readonly start = new Float64Array(PMP_ENTRIES);
  private readonly end = new Float64Array(PMP_ENTRIES);
  private nActive = 0;
  /** No active entry is locked: M-mode accesses pass unless they straddle an entry boundary. */
  private mFree = true;
  /** Every active entry boundary is a multiple of `align` (a power of two, 4..4096). */
  private align = MAX_ALIGN;
  /** Bumped on every CSR write (and on reset). */
  generation = 0;

  constructor() { this.reset(); }

  /** Hart reset: all entries OFF, unlocked, addresses zero. */
  reset(): void {
    this.cfg.fill(0);
    this.addrLo.fill(0);
    this.addrHi.fill(0);
    this.recompute();
  }

  /** pmpcfg`n` bits 31:0 (n = 0 or 2: the CSR index; pmpcfg0 holds entries 0-7, pmpcfg2 entries 8-15). */
  readCfgLo(n: number): number { return this.readCfgWord(n, 0); }

  /** pmpcfg`n` bits 63:32. */
  readCfgHi(n: number): number { return this.readCfgWord(n, 4); }

  private readCfgWord(n: number, byte: number): number {
    if (n !== 0 && n !== 2) return 0;          // odd pmpcfg CSRs do not exist on RV64
    const base = n * 4 + byte;
    const c = this.cfg;
    return (c[base] | (c[base + 1] << 8) | (c[base + 2] << 16) | (c[base + 3] << 24)) | 0;
  }

  /**
   * Writes pmpcfg`n` (n = 0 or 2) from its two 32-bit halves. Locked entries keep their value. The fields
   * are WARL: bits 6:5 are read-only zero, and the reserved R=0,W=1 combination is stored as R=0,W=0.
   */
  writeCfg(n: number, lo: number, hi: number): void {
    if (n !== 0 && n !== 2) return;
    const base = n * 4;
    for (let j = 0; j < 8; j++) {
      const e = base + j;
      if ((this.cfg[e] & PMP_L) !== 0) continue;
      let v = (j < 4 ? lo >>> (8 * j) : hi >>> (8 * (j - 4))) & 0x9f;
      if ((v & (PMP_R | PMP_W)) === PMP_W) v &= ~PMP_W;
      this.cfg[e] = v;
    }
    this.recompute();
  }

  /**
   * pmpaddr`i` (physical-address bits 55:2) as a Number. Exact below 2^53; use readAddrLo/readAddrHi for the
   * exact register (an all-ones pmpaddr is 2^54 − 1, which a double cannot hold).
   */
  readAddr(i: number): number {
    return i >= 0 && i < PMP_ENTRIES ? this.addrHi[i] * TWO_32 + this.addrLo[i] : 0;
  }

  /** pmpaddr`i` bits 31:0 (as a signed 32-bit value, like a CSR half). */
  readAddrLo(i: number): number { return i >= 0 && i < PMP_ENTRIES ? this.addrLo[i] | 0 : 0; }

  /** pmpaddr`i` bits 63:32 (bits 53:32 of the register; the rest read as zero). */
  readAddrHi(i: number): number { return i >= 0 && i < PMP_ENTRIES ? this.addrHi[i] : 0; }

  /**
   * Writes pmpaddr`i` from a Number (only the low 54 bits are kept). A value of 2^54 or more can only come
   * from rounding all ones (2^54 − 1 is not a double) and is taken as all ones. Prefer writeAddrPair.
   */
  writeAddr(i: number, v: number): void {
    if (v >= ADDR_LIMIT) { this.writeAddrPair(i, -1, -1); return; }
    const hi = Math.floor(v / TWO_32);
    this.writeAddrPair(i, (v - hi * TWO_32) | 0, hi);
  }

  /**
   * Writes pmpaddr`i` from its two 32-bit halves (exact). Ignored if entry i is locked, or if entry i+1 is
   * locked and TOR (its bottom bound is this register: machine.adoc "Locking and Privilege Mode").
   */
  writeAddrPair(i: number, lo: number, hi: number): void {
    if (i < 0 || i >= PMP_ENTRIES) return;
    if ((this.cfg[i] & PMP_L) !== 0) return;
    if (i + 1 < PMP_ENTRIES && (this.cfg[i + 1] & (PMP_L | PMP_A)) === (PMP_L | PMP_A_TOR)) return;
    this.addrLo[i] = lo >>> 0;
    this.addrHi[i] = hi & ADDR_HI_MASK;
    this.recompute();
  }

  /** The raw pmpNcfg byte of entry i (for the debugger). */
  cfgOf(i: number): number { return i >= 0 && i < PMP_ENTRIES ? this.cfg[i] : 0; }

  /**
   * Whether an access of `size` bytes at physical address pa is allowed (machine.adoc "Priority and Matching
   * Logic"): the lowest-numbered entry matching any byte decides, and must match every byte. With no match,
   * M-mode passes and S/U fail (entries are implemented). priv: 0 = U, 1 = S, 3 = M.
   */
  check(pa: number, size: number, access: Access, priv: number): boolean {
    // M-mode, nothing locked, and the access lies between two boundaries: no entry can deny it.
    if (priv === PRIV_M && this.mFree && (pa & (this.align - 1)) + size <= this.align) return true;
    const last = pa + size;
    const idx = this.activeIdx, start = this.start, end = this.end;
    for (let k = 0, n = this.nActive; k < n; k++) {
      const s = start[k], e = end[k];
      if (last <= s || pa >= e) continue;
      if (pa < s || last > e) return false;     // partial match fails whatever L/R/W/X say
      const c = this.cfg[idx[k]];
      if (priv === PRIV_M && (c & PMP_L) === 0) return true;
      return (c & permBit(access)) !== 0;
    }
    return priv === PRIV_M;
  }

  /**
   * True only if every access of this kind inside the 4 KiB page at pagePa is allowed, so the page may be
   * cached without re-checking. The lowest entry touching the page must cover it all (otherwise parts of
   * the page are decided differently), which is exactly check() of the whole page.
   */
  pageAllowed(pagePa: number, access: Access, priv: number): boolean {
    return this.check(pagePa, 4096, access, priv);
  }

  /** Byte address pmpaddr`i` × 4 (exact up to 2^53; region bounds above that are far beyond any memory). */
  private byteAddr(i: number): number { return (this.addrHi[i] * TWO_32 + this.addrLo[i]) * 4; }

  /** Decodes every entry's byte range and the fast-path flags. */
  private recompute(): void {
    let n = 0, mFree = true, align = MAX_ALIGN;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const c = this.cfg[i];
      const a = c & PMP_A;
      let s: number, e: number;
      if (a === PMP_A_OFF) continue;
      if (a === PMP_A_TOR) {
        s = i === 0 ? 0 : this.byteAddr(i - 1);
        e = this.byteAddr(i);
      } else if (a === PMP_A_NA4) {
        s = this.byteAddr(i);
        e = s + 4;
      } else {
        // NAPOT: t trailing ones encode a 2^(t+3)-byte region whose base clears those t+1 low bits.
        const lo = this.addrLo[i], hi = this.addrHi[i];
        let t = 0;
        while (t < 32 && ((lo >>> t) & 1) === 1) t++;
        if (t === 32) while (t < 54 && ((hi >>> (t - 32)) & 1) === 1) t++;
        const keep = t + 1;                     // low bits of pmpaddr not part of the base
        const baseHi = keep <= 32 ? hi : keep >= 54 ? 0 : hi & ~((1 << (keep - 32)) - 1);
        const baseLo = keep >= 32 ? 0 : (lo & ~((1 << keep) - 1)) >>> 0;
        s = (baseHi * TWO_32 + baseLo) * 4;
        e = s + 2 ** (t + 3);
      }
      if (s >= e) continue;                     // empty TOR range: matches nothing
      this.activeIdx[n] = i; this.start[n] = s; this.end[n] = e; n++;
      if ((c & PMP_L) !== 0) mFree = false;
      align = Math.min(align, alignmentOf(s), alignmentOf(e));
    }
    this.nActive = n;
    this.mFree = mFree;
    this.align = align;
    this.generation++;
  }
}
