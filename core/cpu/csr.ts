// CSR reads and writes with the privileged spec's access rules, WARL field masks and side effects.

import { r } from '../util/int64';
import {
  Csr, MISA_EXT, MSTATUS_FS, MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SIE,
  MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_SUM, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, MSTATUS_UBE, MSTATUS_VS, MSTATUS_XS,
} from './csrNumbers';
import { MIP_SEIP, MIP_SSIP, MIP_STIP } from './causes';
import { Hart, PRIV_M, PRIV_S, PRIV_U } from './hart';

const MSTATUS_WMASK = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS |
  MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
const SSTATUS_RMASK = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_XS |
  MSTATUS_SUM | MSTATUS_MXR;
const SSTATUS_WMASK = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;
/** Bits of mstatus whose change affects translation or permission checks. */
const MSTATUS_MMU_BITS = MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR;

/** Exceptions that can be delegated: all of 0..15 except ecall-from-M (11) and reserved 10, 14. */
const MEDELEG_MASK = 0xb3ff;
/** Interrupts that can be delegated to S: SSI, STI, SEI. */
const MIDELEG_MASK = MIP_SSIP | MIP_STIP | MIP_SEIP;
/** mie bits that exist: SSIE MSIE STIE MTIE SEIE MEIE. */
const MIE_MASK = 0xaaa;
/** menvcfg high word: STCE (bit 63 → 31) and ADUE (bit 61 → 29); PBMTE not implemented. */
const MENVCFG_HI_MASK = (1 << 31) | (1 << 29);
/** menvcfg/senvcfg low word: FIOM (bit 0). */
const ENVCFG_LO_MASK = 1;

export const MENVCFG_STCE_HI = 1 << 31;
export const MENVCFG_ADUE_HI = 1 << 29;

/** Whether CSR `num` is accessible at the hart's privilege with the counter-enable rules (zicntr, Sstc). */
function counterAllowed(h: Hart, bit: number): boolean {
  if (h.priv === PRIV_M) return true;
  if (((h.mcounteren >>> bit) & 1) === 0) return false;
  if (h.priv === PRIV_U && ((h.scounteren >>> bit) & 1) === 0) return false;
  return true;
}

/** Value of a 64-bit counter base + (now - at), into r. */
function counterValue(baseLo: number, baseHi: number, delta: number): void {
  const dlo = delta % 4294967296, dhi = Math.floor(delta / 4294967296);
  const lo = (baseLo >>> 0) + dlo;
  r.lo = lo | 0;
  r.hi = (baseHi + dhi + (lo >= 4294967296 ? 1 : 0)) | 0;
}

function fsOff(h: Hart): boolean { return (h.mstatus & MSTATUS_FS) === 0; }

/**
 * Reads CSR `num` into r.lo/r.hi. Returns false when the access is illegal (nonexistent CSR, too little
 * privilege, disabled counter, FS off, TVM) — the caller raises an illegal-instruction exception.
 */
export function csrRead(h: Hart, num: number): boolean {
  if (((num >>> 8) & 3) > h.priv) return false;
  r.hi = 0;
  switch (num) {
    case Csr.FFLAGS: if (fsOff(h)) return false; r.lo = h.fpu.flags; return true;
    case Csr.FRM: if (fsOff(h)) return false; r.lo = h.frm; return true;
    case Csr.FCSR: if (fsOff(h)) return false; r.lo = (h.frm << 5) | h.fpu.flags; return true;
    case Csr.CYCLE: if (!counterAllowed(h, 0)) return false; counterValue(h.cycleBaseLo, h.cycleBaseHi, h.cycles - h.cycleAt); return true;
    case Csr.TIME: { if (!counterAllowed(h, 1)) return false; const t = h.host.mtime(); r.lo = t | 0; r.hi = Math.floor(t / 4294967296) | 0; return true; }
    case Csr.INSTRET: if (!counterAllowed(h, 2)) return false; counterValue(h.instretBaseLo, h.instretBaseHi, h.instret - h.instretAt); return true;
    case Csr.SSTATUS: r.lo = h.mstatus & SSTATUS_RMASK; r.hi = h.mstatusHi() & (0x80000000 | 3); return true;
    case Csr.SIE: r.lo = h.mie & h.mideleg; return true;
    case Csr.STVEC: r.lo = h.stvecLo; r.hi = h.stvecHi; return true;
    case Csr.SCOUNTEREN: r.lo = h.scounteren; return true;
    case Csr.SENVCFG: r.lo = h.senvcfg; return true;
    case Csr.SSCRATCH: r.lo = h.sscratchLo; r.hi = h.sscratchHi; return true;
    case Csr.SEPC: r.lo = h.sepcLo; r.hi = h.sepcHi; return true;
    case Csr.SCAUSE: r.lo = h.scauseLo; r.hi = h.scauseHi; return true;
    case Csr.STVAL: r.lo = h.stvalLo; r.hi = h.stvalHi; return true;
    case Csr.SIP: r.lo = h.mip() & h.mideleg; return true;
    case Csr.STIMECMP:
      if (h.priv < PRIV_M && ((h.menvcfgHi & MENVCFG_STCE_HI) === 0 || (h.mcounteren & 2) === 0)) return false;
      r.lo = h.stimecmpLo; r.hi = h.stimecmpHi; return true;
    case Csr.SATP:
      if (h.priv === PRIV_S && (h.mstatus & MSTATUS_TVM) !== 0) return false;
      r.lo = h.satpPpn % 4294967296 | 0;
      r.hi = (Math.floor(h.satpPpn / 4294967296) | (h.satpAsid << 12) | (h.satpMode << 28)) | 0;
      return true;
    case Csr.MVENDORID: case Csr.MARCHID: case Csr.MIMPID: case Csr.MCONFIGPTR: r.lo = 0; return true;
    case Csr.MHARTID: r.lo = h.id; return true;
    case Csr.MSTATUS: r.lo = h.mstatus; r.hi = h.mstatusHi(); return true;
    case Csr.MISA: r.lo = MISA_EXT; r.hi = 0x80000000 | 0; return true;
    case Csr.MEDELEG: r.lo = h.medeleg; return true;
    case Csr.MIDELEG: r.lo = h.mideleg; return true;
    case Csr.MIE: r.lo = h.mie; return true;
    case Csr.MTVEC: r.lo = h.mtvecLo; r.hi = h.mtvecHi; return true;
    case Csr.MCOUNTEREN: r.lo = h.mcounteren; return true;
    case Csr.MENVCFG: r.lo = h.menvcfgLo; r.hi = h.menvcfgHi; return true;
    case Csr.MCOUNTINHIBIT: r.lo = h.mcountinhibit; return true;
    case Csr.MSCRATCH: r.lo = h.mscratchLo; r.hi = h.mscratchHi; return true;
    case Csr.MEPC: r.lo = h.mepcLo; r.hi = h.mepcHi; return true;
    case Csr.MCAUSE: r.lo = h.mcauseLo; r.hi = h.mcauseHi; return true;
    case Csr.MTVAL: r.lo = h.mtvalLo; r.hi = h.mtvalHi; return true;
    case Csr.MIP: r.lo = h.mip(); return true;
    case Csr.MCYCLE: counterValue(h.cycleBaseLo, h.cycleBaseHi, h.cycles - h.cycleAt); return true;
    case Csr.MINSTRET: counterValue(h.instretBaseLo, h.instretBaseHi, h.instret - h.instretAt); return true;
  }
  if (num >= Csr.HPMCOUNTER3 && num <= Csr.HPMCOUNTER31) {
    if (!counterAllowed(h, num - Csr.CYCLE)) return false;
    r.lo = 0; return true;
  }
  if ((num >= Csr.MHPMCOUNTER3 && num <= Csr.MHPMCOUNTER31) || (num >= Csr.MHPMEVENT3 && num <= Csr.MHPMEVENT31)) {
    r.lo = 0; return true;
  }
  if (num >= Csr.PMPCFG0 && num <= Csr.PMPCFG15) {
    if ((num & 1) !== 0) return false;            // odd pmpcfg CSRs do not exist on RV64
    const n = num - Csr.PMPCFG0;
    if (n >= 4) { r.lo = 0; return true; }       // entries 16..63 are not implemented: read-only zero
    r.lo = h.pmp.readCfgLo(n); r.hi = h.pmp.readCfgHi(n);
    return true;
  }
  if (num >= Csr.PMPADDR0 && num <= Csr.PMPADDR63) {
    const i = num - Csr.PMPADDR0;
    if (i >= 16) { r.lo = 0; return true; }
    r.lo = h.pmp.readAddrLo(i); r.hi = h.pmp.readAddrHi(i);
    return true;
  }
  return false;
}

/**
 * Writes CSR `num` = (lo, hi). The caller has already read it with csrRead (so existence and privilege
 * are checked); this adds the read-only check. Returns false when the write is illegal.
 */
export function csrWrite(h: Hart, num: number, lo: number, hi: number): boolean {
  if ((num >>> 10) === 3) return false;                  // read-only CSR space
  switch (num) {
    case Csr.FFLAGS: h.fpu.flags = lo & 0x1f; h.fsDirty(); return true;
    case Csr.FRM: h.frm = lo & 7; h.fsDirty(); return true;
    case Csr.FCSR: h.fpu.flags = lo & 0x1f; h.frm = (lo >>> 5) & 7; h.fsDirty(); return true;
    case Csr.SSTATUS: writeMstatus(h, (h.mstatus & ~SSTATUS_WMASK) | (lo & SSTATUS_WMASK)); return true;
    case Csr.SIE: h.mie = (h.mie & ~h.mideleg) | (lo & h.mideleg & MIE_MASK); h.irqCheck = true; h.breakLoop = true; return true;
    case Csr.STVEC: writeTvec(h, false, lo, hi); return true;
    case Csr.SCOUNTEREN: h.scounteren = lo; return true;
    case Csr.SENVCFG: h.senvcfg = lo & ENVCFG_LO_MASK; return true;
    case Csr.SSCRATCH: h.sscratchLo = lo; h.sscratchHi = hi; return true;
    case Csr.SEPC: h.sepcLo = lo & ~1; h.sepcHi = hi; return true;
    case Csr.SCAUSE: h.scauseLo = lo; h.scauseHi = hi & (0x80000000 | 0); return true;
    case Csr.STVAL: h.stvalLo = lo; h.stvalHi = hi; return true;
    case Csr.SIP:
      // Only SSIP is writable through sip, and only when delegated.
      h.mipSw = (h.mipSw & ~(MIP_SSIP & h.mideleg)) | (lo & MIP_SSIP & h.mideleg);
      h.irqCheck = true; h.breakLoop = true; return true;
    case Csr.STIMECMP: h.stimecmpLo = lo; h.stimecmpHi = hi; h.host.onStimecmpChange(h); h.irqCheck = true; h.breakLoop = true; return true;
    case Csr.SATP: {
      const mode = (hi >>> 28) & 0xf;
      // satp.MODE is WARL: an unsupported mode makes the whole write have no effect (supervisor.adoc, satp).
      if (mode !== 0 && mode !== 8 && mode !== 9 && mode !== 10) return true;
      h.satpMode = mode;
      h.satpAsid = (hi >>> 12) & 0xffff;
      h.satpPpn = (hi & 0xfff) * 4294967296 + (lo >>> 0);
      h.mmuContextChanged();
      return true;
    }
    case Csr.MSTATUS: writeMstatus(h, (h.mstatus & ~MSTATUS_WMASK) | (lo & MSTATUS_WMASK)); return true;
    case Csr.MISA: return true;                          // WARL, read-only here: extensions cannot be disabled
    case Csr.MEDELEG: h.medeleg = lo & MEDELEG_MASK; return true;
    case Csr.MIDELEG: h.mideleg = lo & MIDELEG_MASK; h.irqCheck = true; h.breakLoop = true; return true;
    case Csr.MIE: h.mie = lo & MIE_MASK; h.irqCheck = true; h.breakLoop = true; return true;
    case Csr.MTVEC: writeTvec(h, true, lo, hi); return true;
    case Csr.MCOUNTEREN: h.mcounteren = lo; return true;
    case Csr.MENVCFG: {
      const oldHi = h.menvcfgHi;
      h.menvcfgLo = lo & ENVCFG_LO_MASK; h.menvcfgHi = hi & MENVCFG_HI_MASK;
      if ((oldHi ^ h.menvcfgHi) & MENVCFG_ADUE_HI) h.mmuContextChanged();
      h.host.onStimecmpChange(h); h.irqCheck = true; h.breakLoop = true;
      return true;
    }
    case Csr.MCOUNTINHIBIT: h.mcountinhibit = lo & 0x5; return true;
    case Csr.MSCRATCH: h.mscratchLo = lo; h.mscratchHi = hi; return true;
    case Csr.MEPC: h.mepcLo = lo & ~1; h.mepcHi = hi; return true;
    case Csr.MCAUSE: h.mcauseLo = lo; h.mcauseHi = hi & (0x80000000 | 0); return true;
    case Csr.MTVAL: h.mtvalLo = lo; h.mtvalHi = hi; return true;
    case Csr.MIP: {
      // SSIP and SEIP are writable; STIP too unless Sstc's STCE makes it follow stimecmp.
      let mask = MIP_SSIP | MIP_SEIP;
      if ((h.menvcfgHi & MENVCFG_STCE_HI) === 0) mask |= MIP_STIP;
      h.mipSw = (h.mipSw & ~mask) | (lo & mask);
      h.irqCheck = true; h.breakLoop = true;
      return true;
    }
    case Csr.MCYCLE: h.cycleBaseLo = lo; h.cycleBaseHi = hi; h.cycleAt = h.cycles; return true;
    case Csr.MINSTRET:
      // The write takes effect after this instruction retires: the next read sees the written value.
      h.instretBaseLo = lo; h.instretBaseHi = hi; h.instretAt = h.instret + 1; return true;
  }
  if ((num >= Csr.MHPMCOUNTER3 && num <= Csr.MHPMCOUNTER31) || (num >= Csr.MHPMEVENT3 && num <= Csr.MHPMEVENT31)) return true;
  if (num >= Csr.PMPCFG0 && num <= Csr.PMPCFG15) {
    const n = num - Csr.PMPCFG0;
    if (n < 4) { h.pmp.writeCfg(n, lo, hi); h.mmuContextChanged(); }
    return true;
  }
  if (num >= Csr.PMPADDR0 && num <= Csr.PMPADDR63) {
    const i = num - Csr.PMPADDR0;
    if (i < 16) { h.pmp.writeAddrPair(i, lo, hi); h.mmuContextChanged(); }
    return true;
  }
  return false;
}

function writeMstatus(h: Hart, v: number): void {
  // MPP is WARL over {U, S, M}: the reserved value 2 keeps the previous mode.
  if (((v & MSTATUS_MPP) >>> 11) === 2) v = (v & ~MSTATUS_MPP) | (h.mstatus & MSTATUS_MPP);
  const old = h.mstatus;
  h.mstatus = v;
  if (((old ^ v) & MSTATUS_MMU_BITS) !== 0) h.mmuContextChanged();
  h.irqCheck = true; h.breakLoop = true;
}

function writeTvec(h: Hart, machine: boolean, lo: number, hi: number): void {
  // MODE is WARL: 0 (direct) and 1 (vectored) are legal; reserved modes keep the old mode.
  const oldMode = (machine ? h.mtvecLo : h.stvecLo) & 3;
  const mode = (lo & 3) <= 1 ? lo & 3 : oldMode;
  const v = (lo & ~3) | mode;
  if (machine) { h.mtvecLo = v; h.mtvecHi = hi; } else { h.stvecLo = v; h.stvecHi = hi; }
}
