// The in-memory queues' register state and memory accesses (iommu_in_memory_queues.adoc, iommu_registers.adoc
// "cqb", "cqh", "cqt", "fqb", "fqh", "fqt", "cqcsr", "fqcsr"): base/size registers written as two 32-bit halves,
// head/tail indexes modulo the queue size, command fetch and fault-record stores. Command execution is in iommu.ts.

import type { Ram } from '../devices/ram';
import {
  CQCSR_CIE, CQCSR_CQEN, CQCSR_CQMF, CQCSR_CQON, CQCSR_FENCE_W_IP, CQCSR_CMD_ILL, CQCSR_CMD_TO, CQCSR_STOP,
  FQCSR_FIE, FQCSR_FQEN, FQCSR_FQMF, FQCSR_FQOF, FQCSR_FQON, field64,
} from './registers';

/** Largest LOG2SZ-1 accepted (WARL): 2^20 entries. */
const MAX_LOG2SZM1 = 19;

/** Base register of a queue: LOG2SZ-1 in bits 4:0, PPN in bits 53:10 (bits 9:5 and 63:54 read zero). */
class QueueBase {
  lo = 0;
  hi = 0;
  writeLo(v: number): void {
    const log2 = Math.min(v & 31, MAX_LOG2SZM1);
    this.lo = ((v & ~0x3ff) | log2) >>> 0;
  }
  writeHi(v: number): void { this.hi = (v & 0x3fffff) >>> 0; }
  get ppn(): number { return field64(this.lo, this.hi, 53, 10); }
  get entries(): number { return 2 << (this.lo & 31); }
  reset(): void { this.lo = 0; this.hi = 0; }
}

/** Command queue: software produces at cqt, the IOMMU consumes at cqh. */
export class CommandQueue {
  readonly base = new QueueBase();
  head = 0;
  tail = 0;
  /** cqcsr as software reads it (busy is always 0: every operation completes during the write). */
  csr = 0;

  get on(): boolean { return (this.csr & CQCSR_CQON) !== 0; }
  get stopped(): boolean { return (this.csr & CQCSR_STOP) !== 0; }
  get pending(): boolean { return this.on && !this.stopped && this.head !== this.tail; }

  /** cqb writes while the queue is on are ignored (the spec leaves them UNSPECIFIED). Bits 31:LOG2SZ of cqt clear. */
  writeBase(high: boolean, v: number): void {
    if (this.on) return;
    if (high) this.base.writeHi(v); else this.base.writeLo(v);
    this.tail &= this.base.entries - 1;
  }

  /** cqt: only bits LOG2SZ-1:0 are writable. */
  writeTail(v: number): void { this.tail = (v >>> 0) & (this.base.entries - 1); }

  /** cqcsr: cqen 0→1 clears cqh and the error bits and turns the queue on; 1→0 turns it off. RW1C error bits. */
  writeCsr(v: number): void {
    const clear = v & (CQCSR_CQMF | CQCSR_CMD_TO | CQCSR_CMD_ILL | CQCSR_FENCE_W_IP);
    let csr = this.csr & ~clear;
    const wasOn = (csr & CQCSR_CQEN) !== 0, en = (v & CQCSR_CQEN) !== 0;
    if (en && !wasOn) {
      this.head = 0;
      csr &= ~(CQCSR_CQMF | CQCSR_CMD_TO | CQCSR_CMD_ILL | CQCSR_FENCE_W_IP);
      csr |= CQCSR_CQEN | CQCSR_CQON;
    } else if (!en && wasOn) {
      csr &= ~(CQCSR_CQEN | CQCSR_CQON);
    }
    csr = (csr & ~CQCSR_CIE) | (v & CQCSR_CIE);
    this.csr = csr >>> 0;
  }

  /** Reads the command at cqh into out (4 words); false on a memory fault. */
  fetch(ram: Ram, out: Int32Array): boolean {
    const pa = this.base.ppn * 4096 + this.head * 16;
    const off = ram.offsetOf(pa, 16);
    if (off < 0) return false;
    for (let i = 0; i < 4; i++) out[i] = ram.i32[(off >>> 2) + i];
    return true;
  }

  advance(): void { this.head = (this.head + 1) & (this.base.entries - 1); }

  reset(): void { this.base.reset(); this.head = 0; this.tail = 0; this.csr = 0; }
}

/** What happened to a fault record. */
export const enum FqOutcome { QUEUED = 0, OFF = 1, OVERFLOW = 2, MEMORY_FAULT = 3, DISCARDED = 4 }

/** Fault queue: the IOMMU produces at fqt, software consumes at fqh. */
export class FaultQueue {
  readonly base = new QueueBase();
  head = 0;
  tail = 0;
  csr = 0;

  get on(): boolean { return (this.csr & FQCSR_FQON) !== 0; }

  writeBase(high: boolean, v: number): void {
    if (this.on) return;
    if (high) this.base.writeHi(v); else this.base.writeLo(v);
    this.head &= this.base.entries - 1;
  }

  writeHead(v: number): void { this.head = (v >>> 0) & (this.base.entries - 1); }

  /** fqcsr: fqen 0→1 clears fqt, fqof and fqmf and turns the queue on. fqmf/fqof are RW1C. */
  writeCsr(v: number): void {
    let csr = this.csr & ~(v & (FQCSR_FQMF | FQCSR_FQOF));
    const wasOn = (csr & FQCSR_FQEN) !== 0, en = (v & FQCSR_FQEN) !== 0;
    if (en && !wasOn) {
      this.tail = 0;
      csr &= ~(FQCSR_FQMF | FQCSR_FQOF);
      csr |= FQCSR_FQEN | FQCSR_FQON;
    } else if (!en && wasOn) {
      csr &= ~(FQCSR_FQEN | FQCSR_FQON);
    }
    csr = (csr & ~FQCSR_FIE) | (v & FQCSR_FIE);
    this.csr = csr >>> 0;
  }

  /**
   * Stores a 32-byte record (8 words) at fqt (iommu_in_memory_queues.adoc "Fault/Event-Queue"): discarded while
   * fqof or fqmf is set; a full queue (fqt == fqh − 1) sets fqof; a store that is not to RAM sets fqmf.
   */
  push(ram: Ram, words: Int32Array, noteWrite: (off: number, len: number) => void): FqOutcome {
    if (!this.on) return FqOutcome.OFF;
    if ((this.csr & (FQCSR_FQOF | FQCSR_FQMF)) !== 0) return FqOutcome.DISCARDED;
    const n = this.base.entries;
    if (((this.tail + 1) & (n - 1)) === this.head) { this.csr |= FQCSR_FQOF; return FqOutcome.OVERFLOW; }
    const off = ram.offsetOf(this.base.ppn * 4096 + this.tail * 32, 32);
    if (off < 0) { this.csr |= FQCSR_FQMF; return FqOutcome.MEMORY_FAULT; }
    for (let i = 0; i < 8; i++) ram.i32[(off >>> 2) + i] = words[i];
    noteWrite(off, 32);
    this.tail = (this.tail + 1) & (n - 1);
    return FqOutcome.QUEUED;
  }

  reset(): void { this.base.reset(); this.head = 0; this.tail = 0; this.csr = 0; }
}
