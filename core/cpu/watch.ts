// Data watchpoints: physical RAM ranges whose explicit loads and stores by a hart stop the machine. Watched pages
// carry a flag in Ram.codePage that keeps them out of the harts' L1 fast paths, so only accesses to those pages
// reach the check here; with no watchpoint set, the slow paths test one null field and the fast paths nothing.

import { PAGE_WATCH_LOAD, PAGE_WATCH_STORE, type Ram } from '../devices/ram';
import type { Hart } from './hart';

/** Access kinds, as bits: a watchpoint's kinds and an access's kind (an AMO is both). */
export const WATCH_READ = 1, WATCH_WRITE = 2;

/** One watched range of physical RAM. Several ranges may share an id (a virtual range over several pages). */
export interface WatchRange {
  id: number;
  /** Physical address and length in bytes (inside RAM). */
  pa: number;
  len: number;
  /** WATCH_READ, WATCH_WRITE or both. */
  kinds: number;
}

/** The access that hit a watchpoint, as the machine reports it (run() returned 'watchpoint'). */
export interface WatchHit {
  /** The watchpoint's id. */
  id: number;
  hart: number;
  /** WATCH_READ (a load, LR), WATCH_WRITE (a store, SC) or both (an AMO). */
  kind: number;
  /** Virtual address and size of the whole access (as the instruction made it), and the physical address of its first byte. */
  va: bigint;
  pa: number;
  size: number;
  /** The accessing instruction's pc (the hart's pc is already the next instruction's) and its mode. */
  pc: bigint;
  priv: number;
  virt: boolean;
  /** The accessed bytes before and after the access, little-endian (equal for a load). */
  before: bigint;
  after: bigint;
}

export class DataWatch {
  private n = 0;
  private offs = new Int32Array(0);
  private lens = new Int32Array(0);
  private kinds = new Int32Array(0);
  private ids = new Int32Array(0);
  /** RAM page indexes flagged for the current set (to clear them when the set changes). */
  private pages: number[] = [];

  /** Set by a hit until the machine has reported it. */
  pending = false;
  // The hit, as int32 pairs (no allocation on the hart's path); hit() turns it into a WatchHit.
  private hId = 0; private hHart = 0; private hKind = 0; private hSize = 0; private hPa = 0;
  private hPriv = 0; private hVirt = false;
  private readonly words = new Int32Array(8);   // va lo/hi, pc lo/hi, before lo/hi, after lo/hi
  /** The bytes an access is about to overwrite (captureBefore). */
  private readonly before = new Int32Array(2);

  constructor(private readonly ram: Ram) {}

  get size(): number { return this.n; }

  /** Replaces the watched ranges (each inside RAM: the caller checks) and flags their pages. */
  set(ranges: readonly WatchRange[]): void {
    const cp = this.ram.codePage;
    for (const p of this.pages) cp[p] &= ~(PAGE_WATCH_LOAD | PAGE_WATCH_STORE);
    this.pages = [];
    this.n = ranges.length;
    this.offs = Int32Array.from(ranges, (r) => r.pa - this.ram.base);
    this.lens = Int32Array.from(ranges, (r) => r.len);
    this.kinds = Int32Array.from(ranges, (r) => r.kinds);
    this.ids = Int32Array.from(ranges, (r) => r.id);
    for (let i = 0; i < this.n; i++) {
      const flag = ((this.kinds[i] & WATCH_READ) !== 0 ? PAGE_WATCH_LOAD : 0) | ((this.kinds[i] & WATCH_WRITE) !== 0 ? PAGE_WATCH_STORE : 0);
      for (let p = this.offs[i] >>> 12; p <= (this.offs[i] + this.lens[i] - 1) >>> 12; p++) {
        if ((cp[p] & (PAGE_WATCH_LOAD | PAGE_WATCH_STORE)) === 0) this.pages.push(p);
        cp[p] |= flag;
      }
    }
    this.pending = false;
  }

  /**
   * The index of a watchpoint for `kind` (bits) that physical [pa, pa + len) overlaps, or -1. Cheap for accesses
   * outside watched pages: one flag test.
   */
  find(pa: number, len: number, kind: number): number {
    const off = pa - this.ram.base;
    if (off < 0 || off >= this.ram.size) return -1;
    const flag = ((kind & WATCH_READ) !== 0 ? PAGE_WATCH_LOAD : 0) | ((kind & WATCH_WRITE) !== 0 ? PAGE_WATCH_STORE : 0);
    if ((this.ram.codePage[off >>> 12] & flag) === 0) return -1;
    const offs = this.offs, lens = this.lens, kinds = this.kinds;
    for (let i = 0; i < this.n; i++) {
      if ((kinds[i] & kind) !== 0 && off < offs[i] + lens[i] && off + len > offs[i]) return i;
    }
    return -1;
  }

  /** Remembers the `size` bytes at physical pa (one page, in RAM) before a store overwrites them. */
  captureBefore(pa: number, size: number): void {
    readRam(this.ram, pa - this.ram.base, size, this.before);
  }

  /** Remembers the bytes of a store split across two pages (first `firstLen` bytes at paA, the rest at paB). */
  captureBeforeSplit(paA: number, paB: number, firstLen: number, size: number): void {
    const u8 = this.ram.u8, base = this.ram.base;
    let lo = 0, hi = 0;
    for (let i = 0; i < size; i++) {
      const b = u8[i < firstLen ? paA - base + i : paB - base + (i - firstLen)];
      if (i < 4) lo |= b << (8 * i); else hi |= b << (8 * (i - 4));
    }
    this.before[0] = lo; this.before[1] = hi;
  }

  /**
   * Records a hit of watchpoint `index` by hart h's access of `kind` at virtual (lo, hi), physical pa, `size` bytes,
   * whose bytes were (beforeLo, beforeHi) and are now (afterLo, afterHi); useBefore: take "before" from
   * captureBefore. The hart stops after this instruction (the machine reports 'watchpoint'). The first hit of an
   * instruction is the one reported.
   */
  record(h: Hart, index: number, kind: number, lo: number, hi: number, pa: number, size: number,
    useBefore: boolean, beforeLo: number, beforeHi: number, afterLo: number, afterHi: number): void {
    h.debugStop = true;
    h.breakLoop = true;
    if (this.pending) return;
    this.pending = true;
    this.hId = this.ids[index]; this.hHart = h.id; this.hKind = kind; this.hSize = size; this.hPa = pa;
    this.hPriv = h.priv; this.hVirt = h.virt;
    const w = this.words;
    w[0] = lo; w[1] = hi; w[2] = h.pcLo; w[3] = h.pcHi;
    w[4] = useBefore ? this.before[0] : beforeLo; w[5] = useBefore ? this.before[1] : beforeHi;
    w[6] = afterLo; w[7] = afterHi;
  }

  /** The hit recorded last (run() returned 'watchpoint'). */
  hit(): WatchHit {
    const w = this.words, size = this.hSize;
    const mask = size >= 8 ? (1n << 64n) - 1n : (1n << BigInt(8 * size)) - 1n;
    const pair = (lo: number, hi: number) => ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
    return {
      id: this.hId, hart: this.hHart, kind: this.hKind, va: pair(w[0], w[1]), pa: this.hPa, size,
      pc: pair(w[2], w[3]), priv: this.hPriv, virt: this.hVirt, before: pair(w[4], w[5]) & mask, after: pair(w[6], w[7]) & mask,
    };
  }
}

/** Reads `size` (1-8) bytes of RAM at offset off, little-endian, into out[0] (low word) and out[1]. */
function readRam(ram: Ram, off: number, size: number, out: Int32Array): void {
  const u8 = ram.u8;
  let lo = 0, hi = 0;
  for (let i = 0; i < size; i++) {
    if (i < 4) lo |= u8[off + i] << (8 * i); else hi |= u8[off + i] << (8 * (i - 4));
  }
  out[0] = lo; out[1] = hi;
}
