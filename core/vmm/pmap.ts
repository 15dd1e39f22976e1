// Guest physical memory: host frames handed out page by page, and each VM's pmap (guest physical page →
// host physical page), filled lazily on first use.

import type { Bus } from '../devices/bus';
import type { DmaPort } from '../devices/dma';

/** The host's free 4 KiB frames: the VMM's only memory allocator (guest pages and its own tables). */
export class HostFrames {
  private next: number;
  private readonly free: number[] = [];
  /** Frames in use. */
  used = 0;
  /** Which VM each frame in use belongs to (its memory or its tables), for the debugger and isolation checks. */
  private readonly owners = new Map<number, number>();

  /** Frames [base, base + size) of host RAM belong to the VMM. */
  constructor(private readonly bus: Bus, private readonly base: number, private readonly size: number) {
    this.next = base;
  }

  /** Allocates a zeroed frame for VM `owner`; returns its host physical address, or -1 when host memory is exhausted. */
  alloc(owner: number): number {
    let pa: number;
    if (this.free.length > 0) pa = this.free.pop()!;
    else if (this.next + 4096 <= this.base + this.size) { pa = this.next; this.next += 4096; }
    else return -1;
    const ram = this.bus.ram;
    const off = ram.offsetOf(pa, 4096);
    ram.u8.fill(0, off, off + 4096);
    this.bus.noteRamWrite(off, 4096);     // a recycled frame may have held decoded code
    this.used++;
    this.owners.set(pa, owner);
    return pa;
  }

  /** Allocates `n` contiguous zeroed frames aligned to n × 4 KiB (a G-stage root) for VM `owner`; -1 if none. */
  allocAligned(n: number, owner: number): number {
    const align = n * 4096;
    const start = Math.ceil((this.next - this.base) / align) * align + this.base;
    if (start + align > this.base + this.size) return -1;
    for (let pa = this.next; pa < start; pa += 4096) this.free.push(pa);
    this.next = start + align;
    const ram = this.bus.ram;
    const off = ram.offsetOf(start, align);
    ram.u8.fill(0, off, off + align);
    this.bus.noteRamWrite(off, align);
    this.used += n;
    for (let i = 0; i < n; i++) this.owners.set(start + i * 4096, owner);
    return start;
  }

  release(pa: number): void {
    this.free.push(pa);
    this.used--;
    this.owners.delete(pa);
  }

  /** The VM a host frame belongs to, or -1 if it is free. */
  ownerOf(pa: number): number {
    return this.owners.get(pa - (pa % 4096)) ?? -1;
  }

}

/** One VM's guest physical RAM [base, base + size): which host frame backs each guest page (0 = none yet). */
export class Pmap {
  private readonly host: Float64Array;
  /** Guest pages backed so far. */
  live = 0;

  constructor(readonly base: number, readonly size: number, private readonly frames: HostFrames, private readonly owner: number) {
    this.host = new Float64Array(size / 4096);
  }

  /** Device registers passed through to the guest: guest physical window → host physical window (page aligned). */
  readonly mmio: { gpa: number; size: number; hpa: number }[] = [];

  /** The host page of a passed-through device page at gpa, or -1 if gpa is in no such window. */
  mmioPage(gpa: number): number {
    for (const w of this.mmio) if (gpa >= w.gpa && gpa < w.gpa + w.size) return w.hpa + (gpa - (gpa % 4096) - w.gpa);
    return -1;
  }

  /** Whether gpa is guest RAM. */
  contains(gpa: number): boolean {
    return gpa >= this.base && gpa < this.base + this.size;
  }

  /** The host physical address of guest RAM page `gpa` (page aligned), backing it if `allocate`; -1 if gpa is
   *  not guest RAM, not backed (and not allocated), or host memory is exhausted. */
  hostPage(gpa: number, allocate: boolean): number {
    if (!this.contains(gpa)) return -1;
    const i = Math.floor((gpa - this.base) / 4096);
    let pa = this.host[i];
    if (pa === 0) {
      if (!allocate) return -1;
      pa = this.frames.alloc(this.owner);
      if (pa < 0) return -1;
      this.host[i] = pa;
      this.live++;
    }
    return pa;
  }

  /** The host address of guest byte gpa (backing its page); -1 outside guest RAM. */
  hostAddr(gpa: number, allocate: boolean): number {
    const page = this.hostPage(gpa - (gpa % 4096), allocate);
    return page < 0 ? -1 : page + (gpa % 4096);
  }

  /** Every backed guest page: [guest physical, host physical] pairs (for the debugger). */
  mappings(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.host.length; i++) if (this.host[i] !== 0) out.push([this.base + i * 4096, this.host[i]]);
    return out;
  }
}

/**
 * A virtio device's DMA port into one VM: guest physical addresses, through the pmap, page by page. Anything
 * outside the VM's RAM is unreachable (the whole transfer fails and nothing moves), so a guest cannot aim its
 * devices at another VM's memory or the VMM's tables.
 */
export class GuestDma implements DmaPort {
  constructor(private readonly pmap: Pmap, private readonly bus: Bus) {}

  read(addr: number, dst: Uint8Array): boolean {
    if (!this.inside(addr, dst.length)) return false;
    const ram = this.bus.ram;
    for (let done = 0; done < dst.length;) {
      const a = addr + done, n = Math.min(dst.length - done, 4096 - (a % 4096));
      const hpa = this.pmap.hostAddr(a, false);
      if (hpa < 0) dst.fill(0, done, done + n);            // never touched: reads as zero
      else { const off = ram.offsetOf(hpa, n); dst.set(ram.u8.subarray(off, off + n), done); }
      done += n;
    }
    return true;
  }

  write(addr: number, src: Uint8Array): boolean {
    if (!this.inside(addr, src.length)) return false;
    // Back every page first, so that running out of host memory leaves guest memory untouched.
    for (let p = addr - (addr % 4096); p < addr + src.length; p += 4096) if (this.pmap.hostPage(p, true) < 0) return false;
    const ram = this.bus.ram;
    for (let done = 0; done < src.length;) {
      const a = addr + done, n = Math.min(src.length - done, 4096 - (a % 4096));
      const off = ram.offsetOf(this.pmap.hostAddr(a, true), n);
      ram.u8.set(src.subarray(done, done + n), off);
      this.bus.noteRamWrite(off, n);
      done += n;
    }
    return true;
  }

  private inside(addr: number, len: number): boolean {
    return Number.isSafeInteger(addr) && this.pmap.contains(addr) && (len === 0 || this.pmap.contains(addr + len - 1));
  }
}

/** Writes a PTE (frame number ppn, flags) at host physical pa: the VMM's own tables (G stage, shadow). */
export function writePte(bus: Bus, pa: number, ppn: number, flags: number): void {
  const ram = bus.ram;
  const off = ram.offsetOf(pa, 8);
  ram.i32[off >>> 2] = ((ppn % 4194304) << 10) | flags;
  ram.i32[(off >>> 2) + 1] = Math.floor(ppn / 4194304);
  bus.noteRamWrite(off, 8);
}

/** The host physical address a valid pointer PTE at pa names (its next table), or -1 if the PTE is not valid. */
export function nextTable(bus: Bus, pa: number): number {
  const ram = bus.ram, off = ram.offsetOf(pa, 8) >>> 2;
  if ((ram.i32[off] & 1) === 0) return -1;
  return ((ram.i32[off + 1] & 0x3fffff) * 4194304 + (ram.i32[off] >>> 10)) * 4096;
}
