// The hart's port for implicit page-table accesses: PTE reads and A/D updates straight to RAM.

import { PTE_CHANGED, PTE_FAULT, PTE_UPDATED, type PtePort } from '../mmu/walk';
import type { Bus } from '../devices/bus';

/** Implicit page-table accesses go straight to the bus (RAM only: PTEs in MMIO space are access faults). */
export class BusPtePort implements PtePort {
  constructor(private readonly bus: Bus) {}
  readPte(pa: number, out: Int32Array): boolean {
    const ram = this.bus.ram;
    const off = ram.offsetOf(pa, 8);
    if (off < 0 || (off & 7) !== 0) return false;
    out[0] = ram.i32[off >>> 2];
    out[1] = ram.i32[(off >>> 2) + 1];
    return true;
  }
  updatePteLo(pa: number, expectLo: number, newLo: number): number {
    const ram = this.bus.ram;
    const off = ram.offsetOf(pa, 8);
    if (off < 0) return PTE_FAULT;
    if (ram.i32[off >>> 2] !== expectLo) return PTE_CHANGED;
    ram.i32[off >>> 2] = newLo;
    this.bus.noteRamWrite(off, 4);
    return PTE_UPDATED;
  }
}

