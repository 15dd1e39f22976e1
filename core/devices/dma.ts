// Device access to guest memory (DMA): the one port through which devices read and write guest-physical memory.

import type { Ram } from './ram';

/**
 * A device's window onto guest-physical memory. `addr` is a guest-physical address as a Number (exact up to 2^53).
 * Both calls move all of the buffer or nothing: they return false, touching nothing, when any byte is outside what
 * the device may reach (an IOMMU can wrap a port to translate and restrict addresses).
 */
export interface DmaPort {
  read(addr: number, dst: Uint8Array): boolean;
  write(addr: number, src: Uint8Array): boolean;
}

/** DMA straight into RAM, no translation; everything outside RAM (MMIO included) is unreachable. */
export class RamDma implements DmaPort {
  /**
   * @param onWrite called after every successful write with the RAM offset and length written (the machine passes
   *   `(off, len) => bus.noteRamWrite(off, len)` so that decoded code in those pages is dropped).
   */
  constructor(private readonly ram: Ram, private readonly onWrite: ((ramOffset: number, len: number) => void) | null = null) {}

  read(addr: number, dst: Uint8Array): boolean {
    const off = this.offsetOf(addr, dst.length);
    if (off < 0) return false;
    dst.set(this.ram.u8.subarray(off, off + dst.length));
    return true;
  }

  write(addr: number, src: Uint8Array): boolean {
    const off = this.offsetOf(addr, src.length);
    if (off < 0) return false;
    this.ram.u8.set(src, off);
    if (this.onWrite !== null && src.length > 0) this.onWrite(off, src.length);
    return true;
  }

  private offsetOf(addr: number, len: number): number {
    if (!Number.isSafeInteger(addr)) return -1;
    return this.ram.offsetOf(addr, len);
  }
}
