// CLINT (SiFive-compatible core-local interruptor): msip, mtimecmp per hart, and mtime.

import type { MmioDevice } from './device';

export const CLINT_BASE = 0x0200_0000;
export const CLINT_SIZE = 0x1_0000;
/** Offset of hart 0's mtimecmp (8 bytes per hart). */
export const MTIMECMP = 0x4000;
const MTIME = 0xbff8;

/** What the CLINT drives: the machine's clock and each hart's MSIP line. */
export interface ClintHost {
  mtime(): number;
  setMtime(v: number): void;
  setMsip(hart: number, level: boolean): void;
  /** mtimecmp of some hart changed: re-evaluate MTIP and timer deadlines. */
  timerChanged(): void;
}

export class Clint implements MmioDevice {
  readonly name = 'clint';
  readonly msip: Uint8Array;
  /** mtimecmp per hart as lo/hi words; reset value all ones (no interrupt). */
  readonly cmpLo: Int32Array;
  readonly cmpHi: Int32Array;

  constructor(readonly harts: number, private readonly host: ClintHost) {
    this.msip = new Uint8Array(harts);
    this.cmpLo = new Int32Array(harts).fill(-1);
    this.cmpHi = new Int32Array(harts).fill(-1);
  }

  /** mtimecmp of hart h as a Number (values ≥ 2^53 round, which only matters far beyond any reachable time). */
  mtimecmp(h: number): number {
    return (this.cmpHi[h] >>> 0) * 4294967296 + (this.cmpLo[h] >>> 0);
  }

  reset(): void {
    this.msip.fill(0); this.cmpLo.fill(-1); this.cmpHi.fill(-1);
    for (let h = 0; h < this.harts; h++) this.host.setMsip(h, false);
    this.host.timerChanged();
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4) return 0;
    if (offset < 4 * this.harts) return this.msip[offset >>> 2];
    if (offset >= MTIMECMP && offset < MTIMECMP + 8 * this.harts) {
      const h = (offset - MTIMECMP) >>> 3;
      return (offset & 4) === 0 ? this.cmpLo[h] : this.cmpHi[h];
    }
    if (offset === MTIME || offset === MTIME + 4) {
      const t = this.host.mtime();
      return offset === MTIME ? t % 4294967296 : Math.floor(t / 4294967296);
    }
    return 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4) return;
    if (offset < 4 * this.harts) {
      const h = offset >>> 2;
      this.msip[h] = value & 1;
      this.host.setMsip(h, (value & 1) !== 0);
      return;
    }
    if (offset >= MTIMECMP && offset < MTIMECMP + 8 * this.harts) {
      const h = (offset - MTIMECMP) >>> 3;
      if ((offset & 4) === 0) this.cmpLo[h] = value; else this.cmpHi[h] = value;
      this.host.timerChanged();
      return;
    }
    if (offset === MTIME || offset === MTIME + 4) {
      const t = this.host.mtime();
      const lo = offset === MTIME ? value >>> 0 : t % 4294967296;
      const hi = offset === MTIME ? Math.floor(t / 4294967296) : value >>> 0;
      this.host.setMtime(hi * 4294967296 + lo);
      this.host.timerChanged();
    }
  }
}
