// Guest RAM: one ArrayBuffer with typed views the hart's fast paths index directly (little-endian host assumed).

export const PAGE_CODE = 1, PAGE_WATCHED = 2;
/** Debugger data watchpoints on the page (core/cpu/watch.ts): loads, stores to it leave the L1 fast paths. */
export const PAGE_WATCH_LOAD = 4, PAGE_WATCH_STORE = 8;

export class Ram {
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  /**
   * Per 4 KiB page: PAGE_CODE when it holds decoded instructions (a store must invalidate them), PAGE_WATCHED when
   * a device watches stores to it (HTIF tohost), PAGE_WATCH_LOAD/PAGE_WATCH_STORE when a debugger watchpoint covers
   * part of it. Stores to a flagged page other than PAGE_WATCH_LOAD alone never take the L1 fast path; loads from
   * a PAGE_WATCH_LOAD page never do.
   */
  readonly codePage: Uint8Array;

  constructor(readonly base: number, readonly size: number) {
    if (size <= 0 || size % 4096 !== 0) throw new RangeError(`RAM size must be a positive multiple of 4 KiB (got ${size})`);
    this.buffer = new ArrayBuffer(size);
    this.u8 = new Uint8Array(this.buffer);
    this.i8 = new Int8Array(this.buffer);
    this.u16 = new Uint16Array(this.buffer);
    this.i16 = new Int16Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.codePage = new Uint8Array(size >>> 12);
  }

  /** RAM offset of physical address pa for an access of `len` bytes, or -1 when it is not all inside RAM. */
  offsetOf(pa: number, len: number): number {
    const off = pa - this.base;
    return off >= 0 && off + len <= this.size ? off : -1;
  }
}
