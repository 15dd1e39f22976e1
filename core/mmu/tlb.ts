// The hart's second-level TLB: direct-mapped per page size (4K, 2M, 1G, 512G, 256T), tagged by ASID and VMID.
// VMID tags: 0 for HS-level translations, 1 + hgatp.VMID for a guest's combined (VS and G stage) ones.

import { frameOffsetInPage } from './walk';

/** Page size classes: level 0 = 4 KiB … level 4 = 256 TiB (Sv57). */
const LEVELS = 5;

/** One cached translation, as the debugger shows it. */
export interface TlbEntryInfo {
  /** Virtual address of the page start (all 64 bits, as tagged). */
  va: bigint;
  /** Physical address of the page start. */
  pa: bigint;
  /** 0 = 4K, 1 = 2M, 2 = 1G, 3 = 512G, 4 = 256T. */
  level: number;
  asid: number;
  /** The guest's hgatp.VMID for a guest entry, 0 for an HS-level one (see stage). */
  vmid: number;
  /** 'host': an HS-level (one-stage) translation; 'guest': a guest's two-stage translation (VS and G combined). */
  stage: 'host' | 'guest';
  global: boolean;
  /** Leaf PTE bits 31:0 as cached. */
  pte: number;
  /** The filling event: the fill's number in this TLB (1 = the first since power-on; larger = more recent) and the
   *  kind of access whose miss filled it. */
  fill: number;
  filledBy: 'fetch' | 'load' | 'store';
}

const ACCESS_NAMES = ['fetch', 'load', 'store'] as const;

/**
 * Each size class holds `size` slots, organised as 2-way sets indexed by the low tag bits (mixed with the
 * VMID); the tag is the full 64-bit va above that class's page offset, so addresses that differ only in
 * their high bits never alias. Two ways let two address spaces keep the same va. Lookup probes only the
 * classes holding at least one entry. Slot e of class L is index L·size + set·2 + way.
 */
export class Tlb {
  /** Counters (mem.ts increments them). */
  hits = 0;
  misses = 0;

  private readonly size: number;
  private readonly setMask: number;
  private readonly valid: Uint8Array;
  private readonly global: Uint8Array;
  private readonly tagLo: Int32Array;
  private readonly tagHi: Int32Array;
  private readonly asid: Int32Array;
  private readonly vmid: Int32Array;
  private readonly pte: Int32Array;
  /** 4 KiB frame number of the page start. */
  private readonly base: Float64Array;
  /** Per set: the way the next insert replaces when both are valid. */
  private readonly victim: Uint8Array;
  /** Valid entries per size class. */
  private readonly live = new Int32Array(LEVELS);
  /**
   * Entries that hold a piece of a larger page (a guest's 2 MiB VS-stage page cached as 4 KiB pieces because its
   * G-stage pages are smaller): the level of that larger page (0 = none), the tag of va at that level, and how
   * many such entries are valid. An address-scoped fence of any address in the larger page drops all its pieces,
   * as it would drop the one large entry the architecture has in mind.
   */
  private readonly bigLevel: Uint8Array;
  private readonly bigLo: Int32Array;
  private readonly bigHi: Int32Array;
  private pieces = 0;
  /** Per entry: its fill number and the access kind (Access) that filled it; fills since power-on. */
  private readonly fillNo: Float64Array;
  private readonly filledBy: Uint8Array;
  private fills = 0;

  /** `size` = slots per page-size class (rounded up to a power of two, at least 2). */
  constructor(size: number) {
    let n = 2;
    while (n < size) n *= 2;
    this.size = n;
    this.setMask = n / 2 - 1;
    const total = n * LEVELS;
    this.valid = new Uint8Array(total);
    this.global = new Uint8Array(total);
    this.tagLo = new Int32Array(total);
    this.tagHi = new Int32Array(total);
    this.asid = new Int32Array(total);
    this.vmid = new Int32Array(total);
    this.pte = new Int32Array(total);
    this.base = new Float64Array(total);
    this.victim = new Uint8Array(total / 2);
    this.bigLevel = new Uint8Array(total);
    this.fillNo = new Float64Array(total);
    this.filledBy = new Uint8Array(total);
    this.bigLo = new Int32Array(total);
    this.bigHi = new Int32Array(total);
  }

  /** Entry index for va (lo, hi) in the address space (asid, vmid), or -1. Global entries match any asid. */
  lookup(vaLo: number, vaHi: number, asid: number, vmid: number): number {
    const live = this.live;
    for (let level = 0; level < LEVELS; level++) {
      if (live[level] === 0) continue;
      const s = 12 + 9 * level;
      const tLo = tagLoOf(vaLo, vaHi, s), tHi = tagHiOf(vaHi, s);
      const e0 = this.setOf(level, tLo, vmid);
      for (let e = e0; e < e0 + 2; e++) {
        if (this.valid[e] !== 0 && this.tagLo[e] === tLo && this.tagHi[e] === tHi && this.vmid[e] === vmid
          && (this.global[e] !== 0 || this.asid[e] === asid)) return e;
      }
    }
    return -1;
  }

  /**
   * Caches a translation: `ppn` is the 4 KiB frame of va itself (as WalkResult.ppn), `level` the leaf
   * level, pteLo the leaf PTE bits 31:0. Replaces an entry for the same page and address space, else a
   * free way, else the older way of the set.
   */
  insert(vaLo: number, vaHi: number, asid: number, vmid: number, global: boolean, ppn: number, level: number, pteLo: number,
    pageLevel = level, access = 1): void {
    const s = 12 + 9 * level;
    const tLo = tagLoOf(vaLo, vaHi, s), tHi = tagHiOf(vaHi, s);
    const e0 = this.setOf(level, tLo, vmid);
    const g = global ? 1 : 0;
    let e = -1;
    for (let w = e0; w < e0 + 2; w++) {
      if (this.valid[w] !== 0 && this.tagLo[w] === tLo && this.tagHi[w] === tHi && this.vmid[w] === vmid
        && (this.global[w] !== 0 || g !== 0 || this.asid[w] === asid)) { e = w; break; }
    }
    if (e < 0) e = this.valid[e0] === 0 ? e0 : this.valid[e0 + 1] === 0 ? e0 + 1 : e0 + this.victim[e0 >>> 1];
    this.victim[e0 >>> 1] = e === e0 ? 1 : 0;
    if (this.valid[e] === 0) { this.valid[e] = 1; this.live[level]++; }
    if (this.bigLevel[e] !== 0) this.pieces--;
    if (pageLevel > level) {
      // a piece of a larger page: remember the larger page for address-scoped fences
      const sb = 12 + 9 * pageLevel;
      this.bigLevel[e] = pageLevel; this.bigLo[e] = tagLoOf(vaLo, vaHi, sb); this.bigHi[e] = tagHiOf(vaHi, sb);
      this.pieces++;
    } else {
      this.bigLevel[e] = 0;
    }
    this.tagLo[e] = tLo; this.tagHi[e] = tHi;
    this.asid[e] = asid; this.vmid[e] = vmid;
    this.global[e] = g;
    this.pte[e] = pteLo;
    this.base[e] = ppn - frameOffsetInPage(vaLo, vaHi, level);
    this.fillNo[e] = ++this.fills;
    this.filledBy[e] = access;
  }

  /** Leaf PTE bits 31:0 of entry e. */
  pteLo(e: number): number { return this.pte[e]; }

  /** Page level of entry e. */
  levelOf(e: number): number { return (e / this.size) | 0; }

  /** 4 KiB frame number of va inside entry e's page. */
  ppnFor(e: number, vaLo: number, vaHi: number): number {
    return this.base[e] + frameOffsetInPage(vaLo, vaHi, (e / this.size) | 0);
  }

  /**
   * SFENCE.VMA semantics within `vmid` (supervisor.adoc "Supervisor Memory-Management Fence Instruction"):
   * no va, no asid → every entry; va only → every entry whose page holds va, global ones included;
   * asid only → the non-global entries of asid; both → the non-global entries of asid holding va.
   */
  flush(vaLo: number, vaHi: number, hasVa: boolean, asid: number, hasAsid: boolean, vmid: number): void {
    if (!hasVa) {
      const n = this.size * LEVELS;
      for (let e = 0; e < n; e++) {
        if (this.valid[e] === 0 || this.vmid[e] !== vmid) continue;
        if (hasAsid && (this.global[e] !== 0 || this.asid[e] !== asid)) continue;
        this.drop(e);
      }
      return;
    }
    for (let level = 0; level < LEVELS; level++) {
      if (this.live[level] === 0) continue;
      const s = 12 + 9 * level;
      const tLo = tagLoOf(vaLo, vaHi, s), tHi = tagHiOf(vaHi, s);
      const e0 = this.setOf(level, tLo, vmid);
      for (let e = e0; e < e0 + 2; e++) {
        if (this.valid[e] === 0 || this.tagLo[e] !== tLo || this.tagHi[e] !== tHi || this.vmid[e] !== vmid) continue;
        if (hasAsid && (this.global[e] !== 0 || this.asid[e] !== asid)) continue;
        this.drop(e);
      }
    }
    if (this.pieces === 0) return;
    // The pieces of a larger page holding va, wherever they sit.
    const n = this.size * LEVELS;
    for (let e = 0; e < n; e++) {
      const L = this.bigLevel[e];
      if (L === 0 || this.valid[e] === 0 || this.vmid[e] !== vmid) continue;
      if (hasAsid && (this.global[e] !== 0 || this.asid[e] !== asid)) continue;
      const sb = 12 + 9 * L;
      if (this.bigLo[e] === tagLoOf(vaLo, vaHi, sb) && this.bigHi[e] === tagHiOf(vaHi, sb)) this.drop(e);
    }
  }

  /** Drops every entry of one VMID (HFENCE.GVMA, hgatp writes). */
  flushVmid(vmid: number): void {
    const n = this.size * LEVELS;
    for (let e = 0; e < n; e++) if (this.valid[e] !== 0 && this.vmid[e] === vmid) this.drop(e);
  }

  /** Drops every entry whose VMID is not `hostVmid` (HFENCE.GVMA for all VMs). */
  flushGuests(hostVmid = 0): void {
    const n = this.size * LEVELS;
    for (let e = 0; e < n; e++) if (this.valid[e] !== 0 && this.vmid[e] !== hostVmid) this.drop(e);
  }

  /** Drops everything. */
  flushAll(): void {
    this.valid.fill(0);
    this.live.fill(0);
    this.bigLevel.fill(0);
    this.pieces = 0;
  }

  /** Every valid entry, for the debugger (allocates; not for the hot path). */
  entries(): TlbEntryInfo[] {
    const out: TlbEntryInfo[] = [];
    const n = this.size * LEVELS;
    for (let e = 0; e < n; e++) {
      if (this.valid[e] === 0) continue;
      const level = this.levelOf(e);
      const s = BigInt(12 + 9 * level);
      const tag = (BigInt(this.tagHi[e] >>> 0) << 32n) | BigInt(this.tagLo[e] >>> 0);
      out.push({
        va: BigInt.asUintN(64, tag << s), pa: BigInt(this.base[e]) * 4096n, level,
        asid: this.asid[e], vmid: this.vmid[e] === 0 ? 0 : this.vmid[e] - 1, stage: this.vmid[e] === 0 ? 'host' : 'guest',
        global: this.global[e] !== 0, pte: this.pte[e], fill: this.fillNo[e], filledBy: ACCESS_NAMES[this.filledBy[e]] ?? 'load',
      });
    }
    return out;
  }

  /** Number of valid entries. */
  count(): number {
    let c = 0;
    for (let level = 0; level < LEVELS; level++) c += this.live[level];
    return c;
  }

  /** First slot of the set of class `level` for a tag (low word) in a VMID. */
  private setOf(level: number, tLo: number, vmid: number): number {
    return level * this.size + (((tLo ^ Math.imul(vmid, 0x9e3779b1)) & this.setMask) << 1);
  }

  private drop(e: number): void {
    if (this.bigLevel[e] !== 0) { this.bigLevel[e] = 0; this.pieces--; }
    this.valid[e] = 0;
    this.live[this.levelOf(e)]--;
  }
}

/** Bits 31:0 of va >> s (s = 12 + 9·level). */
function tagLoOf(lo: number, hi: number, s: number): number {
  return s < 32 ? (lo >>> s) | (hi << (32 - s)) : (hi >>> (s - 32)) | 0;
}

/** Bits 63:32 of va >> s (zero once s ≥ 32: the tag then fits in 32 bits). */
function tagHiOf(hi: number, s: number): number {
  return s < 32 ? (hi >>> s) | 0 : 0;
}
