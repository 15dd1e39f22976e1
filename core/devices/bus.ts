// The physical address space: RAM plus memory-mapped devices; the slow path of every access lands here.

import type { MmioDevice } from './device';
import { PAGE_CODE, PAGE_WATCHED, Ram } from './ram';

interface Mapping { base: number; end: number; dev: MmioDevice }

/** Result status of a bus access. */
export const enum BusStatus { OK = 0, FAULT = 1 }

export class Bus {
  private readonly maps: Mapping[] = [];
  /** Value of the last successful read (low and high word for 8-byte reads). */
  lo = 0;
  hi = 0;
  /** Called after every MMIO write (lets the machine re-evaluate interrupts). */
  onMmioWrite: (() => void) | null = null;
  /** Called when a write hits a RAM page holding decoded code (RAM offset of that page). */
  onCodeWrite: ((pageOffset: number) => void) | null = null;

  private readonly watchers: { off: number; len: number; fn: () => void }[] = [];

  constructor(readonly ram: Ram) {}

  /**
   * Calls fn after every store that touches RAM [off, off+len). The pages are flagged so that stores to them take the
   * slow path; the caller must drop L1 write entries for them (Machine.watchRam does).
   */
  watchRam(off: number, len: number, fn: () => void): void {
    this.watchers.push({ off, len, fn });
    for (let p = off >>> 12; p <= (off + len - 1) >>> 12; p++) this.ram.codePage[p] |= PAGE_WATCHED;
  }

  addDevice(base: number, size: number, dev: MmioDevice): void {
    const end = base + size;
    const ramEnd = this.ram.base + this.ram.size;
    if (base < ramEnd && end > this.ram.base) throw new RangeError(`${dev.name} at 0x${base.toString(16)} overlaps RAM`);
    for (const m of this.maps) {
      if (base < m.end && end > m.base) throw new RangeError(`${dev.name} at 0x${base.toString(16)} overlaps ${m.dev.name}`);
    }
    this.maps.push({ base, end, dev });
    this.maps.sort((a, b) => a.base - b.base);
  }

  findDevice(pa: number): Mapping | undefined {
    for (const m of this.maps) if (pa >= m.base && pa < m.end) return m;
    return undefined;
  }

  devices(): readonly { base: number; end: number; dev: MmioDevice }[] {
    return this.maps;
  }

  /** True if [pa, pa+len) is RAM or one device. */
  isBacked(pa: number, len: number): boolean {
    if (this.ram.offsetOf(pa, len) >= 0) return true;
    const m = this.findDevice(pa);
    return m !== undefined && pa + len <= m.end;
  }

  /** Reads len (1,2,4,8) bytes little-endian into this.lo/this.hi (zero-extended). */
  read(pa: number, len: number): BusStatus {
    const ram = this.ram;
    const off = ram.offsetOf(pa, len);
    if (off >= 0) {
      const u8 = ram.u8;
      if (len === 1) { this.lo = u8[off]; this.hi = 0; }
      else if (len === 2) { this.lo = u8[off] | (u8[off + 1] << 8); this.hi = 0; }
      else {
        this.lo = u8[off] | (u8[off + 1] << 8) | (u8[off + 2] << 16) | (u8[off + 3] << 24);
        this.hi = len === 8 ? u8[off + 4] | (u8[off + 5] << 8) | (u8[off + 6] << 16) | (u8[off + 7] << 24) : 0;
      }
      return BusStatus.OK;
    }
    const m = this.findDevice(pa);
    if (m === undefined || pa + len > m.end || (pa & (len - 1)) !== 0) return BusStatus.FAULT;
    const o = pa - m.base;
    if (len === 8) {
      this.lo = m.dev.read(o, 4) | 0;
      this.hi = m.dev.read(o + 4, 4) | 0;
    } else {
      this.lo = m.dev.read(o, len as 1 | 2 | 4) | 0;
      this.hi = 0;
    }
    return BusStatus.OK;
  }

  /** Writes len (1,2,4,8) bytes little-endian from lo/hi. */
  write(pa: number, len: number, lo: number, hi: number): BusStatus {
    const ram = this.ram;
    const off = ram.offsetOf(pa, len);
    if (off >= 0) {
      const u8 = ram.u8;
      u8[off] = lo;
      if (len >= 2) u8[off + 1] = lo >>> 8;
      if (len >= 4) { u8[off + 2] = lo >>> 16; u8[off + 3] = lo >>> 24; }
      if (len === 8) { u8[off + 4] = hi; u8[off + 5] = hi >>> 8; u8[off + 6] = hi >>> 16; u8[off + 7] = hi >>> 24; }
      this.noteRamWrite(off, len);
      return BusStatus.OK;
    }
    const m = this.findDevice(pa);
    if (m === undefined || pa + len > m.end || (pa & (len - 1)) !== 0) return BusStatus.FAULT;
    const o = pa - m.base;
    if (len === 8) { m.dev.write(o, 4, lo >>> 0); m.dev.write(o + 4, 4, hi >>> 0); }
    else m.dev.write(o, len as 1 | 2 | 4, len === 4 ? lo >>> 0 : lo & ((1 << (len * 8)) - 1));
    if (this.onMmioWrite !== null) this.onMmioWrite();
    return BusStatus.OK;
  }

  /** Tells code caches that RAM [off, off+len) changed. */
  noteRamWrite(off: number, len: number): void {
    const cp = this.ram.codePage;
    const first = off >>> 12, last = (off + len - 1) >>> 12;
    for (let p = first; p <= last; p++) {
      const f = cp[p];
      if (f === 0) continue;
      if ((f & PAGE_CODE) !== 0 && this.onCodeWrite !== null) this.onCodeWrite(p << 12);
      if ((f & PAGE_WATCHED) !== 0) {
        for (const w of this.watchers) if (off < w.off + w.len && off + len > w.off) w.fn();
      }
    }
  }
}
