// The G-stage tables a VM runs on in nested mode (hypervisor.adoc "Guest Physical Address Translation"):
// Sv39x4, built from the VM's pmap one 4 KiB page at a time as guest-page faults ask for them, in frames the
// VMM owns and never maps into any guest.

import type { Bus } from '../devices/bus';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, vpnField } from '../mmu/walk';
import { type HostFrames, nextTable, writePte } from './pmap';

/** G-stage leaves for guest RAM: every access allowed, user (all G-stage accesses are), A and D preset. */
const RAM_LEAF = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
/** G-stage leaves for an assigned device's registers: read and write, never execute. */
export const DEVICE_LEAF = PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D;

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
  map(gpa: number, hpa: number, leaf = RAM_LEAF): boolean {
    const lo = gpa % 4294967296 | 0, hi = Math.floor(gpa / 4294967296) | 0;
    let table = this.root;
    for (let level = 2; level > 0; level--) {
      // Sv39x4: the root index has 11 bits (gpa bits 40:30), the others 9.
      const pa = table + vpnField(lo, hi, level, level === 2 ? 11 : 9) * 8;
      let next = nextTable(this.bus, pa);
      if (next < 0) {
        next = this.frames.alloc(this.owner);
        if (next < 0) return false;
        this.tables++;
        writePte(this.bus, pa, next / 4096, PTE_V);
      }
      table = next;
    }
    writePte(this.bus, table + vpnField(lo, hi, 0, 9) * 8, hpa / 4096, leaf);
    this.leaves++;
    return true;
  }
}
