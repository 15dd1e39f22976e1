// A extension: LR/SC with a reservation, and the AMOs (unprivileged a-st-ext.adoc).

import { Op } from '../isa/opcodes';
import { Access } from '../mmu/walk';
import { BusStatus } from '../devices/bus';
import { Exc } from './causes';
import { amoAddress, memFault } from './mem';
import { WATCH_READ, WATCH_WRITE } from './watch';
import type { Hart } from './hart';
import { lt64, ltu64 } from '../util/int64';

/**
 * Executes one LR/SC/AMO. Returns false if it trapped. The reservation covers the naturally aligned
 * doubleword/word at the physical address; other harts' stores break it (the machine clears reservations
 * when it switches harts, which the A extension permits since SC may fail for any reason as long as
 * constrained LR/SC loops make progress — a quantum holds thousands of instructions).
 */
export function execAmo(h: Hart, op: Op, rd: number, rs1: number, rs2: number): boolean {
  const xl = h.xl, xh = h.xh;
  const alo = xl[rs1], ahi = xh[rs1];
  const isD = op >= Op.LR_D;
  const size = isD ? 8 : 4;
  const bus = h.bus;
  if (op === Op.LR_W || op === Op.LR_D) {
    const pa = amoAddress(h, alo, ahi, size, Access.LOAD);
    if (pa < 0) return false;
    if (bus.read(pa, size) !== BusStatus.OK) { memFault(h, Exc.LOAD_ACCESS, alo, ahi); return false; }
    h.resValid = true; h.resAddr = pa;
    const vlo = bus.lo, vhi = bus.hi;
    xl[rd] = vlo; xh[rd] = isD ? vhi : vlo >> 31;
    const w = h.watch;
    if (w !== null) {
      const i = w.find(pa, size, WATCH_READ);
      if (i >= 0) w.record(h, i, WATCH_READ, alo, ahi, pa, size, false, vlo, vhi, vlo, vhi);
    }
    return true;
  }
  if (op === Op.SC_W || op === Op.SC_D) {
    if ((alo & (size - 1)) !== 0) { memFault(h, Exc.STORE_MISALIGNED, alo, ahi); return false; }
    if (!h.resValid) { xl[rd] = 1; xh[rd] = 0; return true; }
    const pa = amoAddress(h, alo, ahi, size, Access.STORE);
    if (pa < 0) return false;
    const ok = pa === h.resAddr;
    h.resValid = false;
    if (ok) {
      const w = h.watch, i = w !== null ? w.find(pa, size, WATCH_WRITE) : -1;
      if (i >= 0) w!.captureBefore(pa, size);
      const vlo = xl[rs2], vhi = xh[rs2];
      if (bus.write(pa, size, vlo, vhi) !== BusStatus.OK) { memFault(h, Exc.STORE_ACCESS, alo, ahi); return false; }
      if (i >= 0) w!.record(h, i, WATCH_WRITE, alo, ahi, pa, size, true, 0, 0, vlo, vhi);
    }
    xl[rd] = ok ? 0 : 1; xh[rd] = 0;
    return true;
  }
  const pa = amoAddress(h, alo, ahi, size, Access.STORE);
  if (pa < 0) return false;
  if (bus.read(pa, size) !== BusStatus.OK) { memFault(h, Exc.STORE_ACCESS, alo, ahi); return false; }
  const rawLo = bus.lo, rawHi = bus.hi;
  const olo = rawLo, ohi = isD ? rawHi : rawLo >> 31;   // .W values are sign-extended
  const blo = xl[rs2], bhi = isD ? xh[rs2] : xl[rs2] >> 31;
  let nlo: number, nhi: number;
  switch (isD ? op - (Op.LR_D - Op.LR_W) : op) {
    case Op.AMOSWAP_W: nlo = blo; nhi = bhi; break;
    case Op.AMOADD_W: {
      nlo = (olo + blo) | 0;
      nhi = (ohi + bhi + ((nlo >>> 0) < (olo >>> 0) ? 1 : 0)) | 0;
      break;
    }
    case Op.AMOXOR_W: nlo = olo ^ blo; nhi = ohi ^ bhi; break;
    case Op.AMOAND_W: nlo = olo & blo; nhi = ohi & bhi; break;
    case Op.AMOOR_W: nlo = olo | blo; nhi = ohi | bhi; break;
    case Op.AMOMIN_W: if (lt64(blo, bhi, olo, ohi)) { nlo = blo; nhi = bhi; } else { nlo = olo; nhi = ohi; } break;
    case Op.AMOMAX_W: if (lt64(olo, ohi, blo, bhi)) { nlo = blo; nhi = bhi; } else { nlo = olo; nhi = ohi; } break;
    case Op.AMOMINU_W: if (ltu64(blo, bhi, olo, ohi)) { nlo = blo; nhi = bhi; } else { nlo = olo; nhi = ohi; } break;
    case Op.AMOMAXU_W: if (ltu64(olo, ohi, blo, bhi)) { nlo = blo; nhi = bhi; } else { nlo = olo; nhi = ohi; } break;
    default: h.raise(Exc.ILLEGAL_INSN, 0, 0); return false;
  }
  if (!isD) {
    // .W AMOs compare as signed/unsigned 32-bit values: the sign-extended pairs order the same way for
    // signed compares; for unsigned, compare the zero-extended words instead.
    if (op === Op.AMOMINU_W || op === Op.AMOMAXU_W) {
      const a = olo >>> 0, b = blo >>> 0;
      nlo = (op === Op.AMOMINU_W ? (b < a ? b : a) : (b > a ? b : a)) | 0;
    }
  }
  if (bus.write(pa, size, nlo, nhi) !== BusStatus.OK) { memFault(h, Exc.STORE_ACCESS, alo, ahi); return false; }
  xl[rd] = olo; xh[rd] = ohi;
  // An AMO reads and writes: it hits read, write and read/write watchpoints alike.
  const w = h.watch;
  if (w !== null) {
    const i = w.find(pa, size, WATCH_READ | WATCH_WRITE);
    if (i >= 0) w.record(h, i, WATCH_READ | WATCH_WRITE, alo, ahi, pa, size, false, rawLo, rawHi, nlo, nhi);
  }
  return true;
}
