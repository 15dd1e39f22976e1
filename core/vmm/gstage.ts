// The G-stage tables a VM runs on in nested mode (hypervisor.adoc "Guest Physical Address Translation"):
// Sv39x4, built from the VM's pmap one 4 KiB page at a time as guest-page faults ask for them, in frames the
// VMM owns and never maps into any guest.

import type { Bus } from '../devices/bus';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from '../mmu/walk';
import type { HostFrames } from './pmap';

/** G-stage leaves for guest RAM: every access allowed, user (all G-stage accesses are), A and D preset. */
const RAM_LEAF = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;

export class GStageTables {
  /** Host physical address of the 16 KiB root. */
  readonly root: number;
  /** Table frames in use (the root's four included). */
  tables = 4;
  /** Leaves written. */
  leaves = 0;

  constructor(private readonly bus: Bus, private readonly frames: HostFrames, private readonly owner: number) {
    const root = frames.allocAligned(4, owner);
    if (root < 0) throw new RangeError('host memory exhausted: no room for a G-stage root table');
    this.root = root;
  }

  /** Maps guest physical page gpa to host page hpa. Returns false when host memory for a table runs out. */
  map(gpa: number, hpa: number): boolean {
    const ram = this.bus.ram;
    let table = this.root;
    for (let level = 2; level > 0; level--) {
      // Sv39x4: the root index has 11 bits (gpa bits 40:30), the others 9.
      const idx = level === 2 ? Math.floor(gpa / 2 ** 30) & 0x7ff : Math.floor(gpa / 2 ** 21) & 511;
      const pa = table + idx * 8;
      const off = ram.offsetOf(pa, 8) >>> 2;
      if ((ram.i32[off] & PTE_V) === 0) {
        const t = this.frames.alloc(this.owner);
        if (t < 0) return false;
        this.tables++;
        writePte(this.bus, pa, t / 4096, PTE_V);
      }
      table = ((ram.i32[off + 1] & 0x3fffff) * 4194304 + (ram.i32[off] >>> 10)) * 4096;
    }
    writePte(this.bus, table + (Math.floor(gpa / 4096) & 511) * 8, hpa / 4096, RAM_LEAF);
    this.leaves++;
    return true;
  }
}

/** Writes a PTE (frame number ppn, flags) at host physical pa. */
function writePte(bus: Bus, pa: number, ppn: number, flags: number): void {
  const ram = bus.ram;
  const off = ram.offsetOf(pa, 8);
  ram.i32[off >>> 2] = ((ppn % 4194304) << 10) | flags;
  ram.i32[(off >>> 2) + 1] = Math.floor(ppn / 4194304);
  bus.noteRamWrite(off, 8);
}
