// CSR reads and writes with the privileged spec's access rules, WARL field masks and side effects.

import { r } from '../util/int64';
import {
  Csr, HSTATUS_HU, HSTATUS_SPVP, HSTATUS_VTVM, HSTATUS_WMASK, MISA_EXT, MSTATUS_FS, MSTATUS_HI_GVA, MSTATUS_HI_MPV, MSTATUS_MIE, MSTATUS_MPIE,
  MSTATUS_MPP, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_SUM, MSTATUS_TSR,
  MSTATUS_TVM, MSTATUS_TW, MSTATUS_UBE, MSTATUS_VS, MSTATUS_XS,
} from './csrNumbers';
import { MIP_SEIP, MIP_SGEIP, MIP_SSIP, MIP_STIP, MIP_VSSIP, S_INTS, VS_INTS } from './causes';
import { Hart, PRIV_M, PRIV_S, PRIV_U } from './hart';

const MSTATUS_WMASK = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS |
  MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
const SSTATUS_RMASK = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_XS |
  MSTATUS_SUM | MSTATUS_MXR;
const SSTATUS_WMASK = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;
/** Bits of mstatus whose change affects translation or permission checks. */
const MSTATUS_MMU_BITS = MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR;

/** Exceptions that can be delegated: 0..10, 12, 13, 15 and the guest-page faults and virtual instruction
 *  (20..23); ecall-from-M (11) cannot be. */
const MEDELEG_MASK = 0xb7ff | (0xf << 20);
/** Exceptions HS-mode can delegate on to VS-mode (hypervisor.adoc, table "Bits of hedeleg"): 0..8, 12, 13, 15. */
const HEDELEG_MASK = 0xb1ff;
/** Interrupts that can be delegated to S: SSI, STI, SEI (VSSI, VSTI, VSEI always are). */
const MIDELEG_MASK = S_INTS;
/** mie bits that exist: SSIE VSSIE MSIE STIE VSTIE MTIE SEIE VSEIE MEIE (SGEIE is zero: GEILEN = 0). */
const MIE_MASK = 0xaaa | VS_INTS;
/** hgatp modes: Bare, Sv39x4, Sv48x4, Sv57x4. */
const HGATP_MODES = (1 << 0) | (1 << 8) | (1 << 9) | (1 << 10);
/** menvcfg high word: STCE (bit 63 → 31) and ADUE (bit 61 → 29); PBMTE not implemented. */
const MENVCFG_HI_MASK = (1 << 31) | (1 << 29);
/** menvcfg/senvcfg low word: FIOM (bit 0). */
const ENVCFG_LO_MASK = 1;

export const MENVCFG_STCE_HI = 1 << 31;
export const MENVCFG_ADUE_HI = 1 << 29;


/** Results of csrCheck. */
export const CSR_OK = 0, CSR_ILLEGAL = 1, CSR_VIRTUAL = 2;

/** Supervisor CSRs that have a VS twin at num + 0x100 (sstatus, sie, stvec, sscratch, sepc, scause, stval, sip,
 *  stimecmp, satp); scounteren and senvcfg have none and keep their function while V=1. */
function hasVsTwin(num: number): boolean {
  return num === 0x100 || num === 0x104 || num === 0x105 || (num >= 0x140 && num <= 0x144) || num === 0x14d || num === 0x180;
}

/** The CSR an access to `num` reaches: while V=1, supervisor CSRs with a VS twin stand for the twin. */
export function csrTarget(h: Hart, num: number): number {
  return h.virt && hasVsTwin(num) ? num + 0x100 : num;
}

/**
 * Checks the rules of the CSR-specific enables for an access at nominal privilege `priv` with virtualization
 * `virt` (counters: mcounteren/hcounteren/scounteren; satp: TVM/VTVM; stimecmp: menvcfg/henvcfg.STCE and TM;
 * hgatp: TVM; FP CSRs: FS). `tvm` = whether mstatus.TVM counts (it does not when asking whether an access
 * would be allowed in HS-mode, hypervisor.adoc "HS-qualified").
 */
function enables(h: Hart, num: number, priv: number, virt: boolean, tvm: boolean): number {
  if (priv === PRIV_M) {
    if (num >= 1 && num <= 3 && (h.mstatus & MSTATUS_FS) === 0) return CSR_ILLEGAL;
    return CSR_OK;
  }
  if (num >= 1 && num <= 3) {
    // FS Off in either sstatus or vsstatus: always illegal, never virtual (hypervisor.adoc, Trap Cause Codes).
    return (h.mstatus & MSTATUS_FS) === 0 || (virt && (h.vsstatus & MSTATUS_FS) === 0) ? CSR_ILLEGAL : CSR_OK;
  }
  if (num >= Csr.CYCLE && num <= Csr.HPMCOUNTER31) {
    const bit = 1 << (num - Csr.CYCLE);
    if ((h.mcounteren & bit) === 0) return CSR_ILLEGAL;
    if (virt) {
      if ((h.hcounteren & bit) === 0) return CSR_VIRTUAL;
      if (priv === PRIV_U && (h.scounteren & bit) === 0) return CSR_VIRTUAL;
    } else if (priv === PRIV_U && (h.scounteren & bit) === 0) return CSR_ILLEGAL;
    return CSR_OK;
  }
  switch (num) {
    case Csr.SATP:
      if (virt) return priv === PRIV_S && (h.hstatus & HSTATUS_VTVM) !== 0 ? CSR_VIRTUAL : CSR_OK;
      return tvm && priv === PRIV_S && (h.mstatus & MSTATUS_TVM) !== 0 ? CSR_ILLEGAL : CSR_OK;
    case Csr.HGATP:
      return tvm && priv === PRIV_S && (h.mstatus & MSTATUS_TVM) !== 0 ? CSR_ILLEGAL : CSR_OK;
    case Csr.STIMECMP: case Csr.VSTIMECMP:
      // Sstc: STCE in menvcfg (and, for VS-mode, in henvcfg) and the TM counter enables.
      if ((h.menvcfgHi & MENVCFG_STCE_HI) === 0 || (h.mcounteren & 2) === 0) return CSR_ILLEGAL;
      if (virt && ((h.henvcfgHi & MENVCFG_STCE_HI) === 0 || (h.hcounteren & 2) === 0)) return CSR_VIRTUAL;
      return CSR_OK;
  }
  return CSR_OK;
}

/**
 * Decides whether the current mode may read (and, if `write`, write) CSR `num`: CSR_OK, CSR_ILLEGAL
 * (illegal-instruction exception) or CSR_VIRTUAL (virtual-instruction exception, hypervisor.adoc "Trap Cause
 * Codes": raised when V=1 and the access would be allowed in HS-mode).
 */
export function csrCheck(h: Hart, num: number, write: boolean): number {
  if (write && (num >>> 10) === 3) return CSR_ILLEGAL;          // read-only CSR space
  if (!csrRead(h, num)) return CSR_ILLEGAL;                     // not implemented
  const level = (num >>> 8) & 3;                                // 0 U, 1 S, 2 H (HS-level), 3 M
  const priv = h.priv;
  if (priv === PRIV_M) return enables(h, num, PRIV_M, false, true);
  if (!h.virt) {
    if (level === 3 || (level !== 0 && priv === PRIV_U)) return CSR_ILLEGAL;
    return enables(h, num, priv, false, true);
  }
  if (level === 3) return CSR_ILLEGAL;
  if (level === 2 || (level === 1 && priv === PRIV_U)) {
    // An H or VS CSR from VS/VU, or an S CSR from VU: virtual instruction if HS-mode could make the access.
    return enables(h, num, PRIV_S, false, false) === CSR_OK ? CSR_VIRTUAL : CSR_ILLEGAL;
  }
  return enables(h, num, priv, true, true);
}

/** Value of a 64-bit counter base + (now - at), into r. */
function counterValue(baseLo: number, baseHi: number, delta: number): void {
  const dlo = delta % 4294967296, dhi = Math.floor(delta / 4294967296);
  const lo = (baseLo >>> 0) + dlo;
  r.lo = lo | 0;
  r.hi = (baseHi + dhi + (lo >= 4294967296 ? 1 : 0)) | 0;
}

/** time as VS/VU-mode sees it: time + htimedelta, wrapping at 2^64 (hypervisor.adoc, htimedelta). */
function guestTime(h: Hart): void {
  const t = h.host.mtime();
  const lo = (t % 4294967296) + (h.htimedeltaLo >>> 0);
  r.lo = lo | 0;
  r.hi = (Math.floor(t / 4294967296) + h.htimedeltaHi + (lo >= 4294967296 ? 1 : 0)) | 0;
}

/** The effective henvcfg high word: its STCE and ADUE read zero while menvcfg's are zero. */
export function henvcfgHi(h: Hart): number {
  return h.henvcfgHi & h.menvcfgHi;
}

/**
 * Reads CSR `num` (no redirection: pass csrTarget's result) into r.lo/r.hi. Returns false only when the CSR
 * does not exist; access rules are csrCheck's.
 */
export function csrRead(h: Hart, num: number): boolean {
  r.hi = 0;
  switch (num) {
    case Csr.FFLAGS: r.lo = h.fpu.flags; return true;
    case Csr.FRM: r.lo = h.frm; return true;
    case Csr.FCSR: r.lo = (h.frm << 5) | h.fpu.flags; return true;
    case Csr.CYCLE: counterValue(h.cycleBaseLo, h.cycleBaseHi, h.cycles - h.cycleAt); return true;
    case Csr.TIME: {
      if (h.virt) { guestTime(h); return true; }
      const t = h.host.mtime(); r.lo = t | 0; r.hi = Math.floor(t / 4294967296) | 0; return true;
    }
    case Csr.INSTRET: counterValue(h.instretBaseLo, h.instretBaseHi, h.instret - h.instretAt); return true;
    case Csr.SSTATUS: r.lo = h.mstatus & SSTATUS_RMASK; r.hi = h.mstatusHi() & (0x80000000 | 3); return true;
    case Csr.SIE: r.lo = h.mie & h.mideleg & S_INTS; return true;
    case Csr.STVEC: r.lo = h.stvecLo; r.hi = h.stvecHi; return true;
    case Csr.SCOUNTEREN: r.lo = h.scounteren; return true;
    case Csr.SENVCFG: r.lo = h.senvcfg; return true;
    case Csr.SSCRATCH: r.lo = h.sscratchLo; r.hi = h.sscratchHi; return true;
    case Csr.SEPC: r.lo = h.sepcLo; r.hi = h.sepcHi; return true;
    case Csr.SCAUSE: r.lo = h.scauseLo; r.hi = h.scauseHi; return true;
    case Csr.STVAL: r.lo = h.stvalLo; r.hi = h.stvalHi; return true;
    case Csr.SIP: r.lo = h.mip() & h.mideleg & S_INTS; return true;
    case Csr.STIMECMP: r.lo = h.stimecmpLo; r.hi = h.stimecmpHi; return true;
    case Csr.SATP: satpValue(h.satpMode, h.satpAsid, h.satpPpn); return true;
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
    case Csr.MTVAL2: r.lo = h.mtval2Lo; r.hi = h.mtval2Hi; return true;
    case Csr.MTINST: r.lo = h.mtinst; return true;
    case Csr.MCYCLE: counterValue(h.cycleBaseLo, h.cycleBaseHi, h.cycles - h.cycleAt); return true;
    case Csr.MINSTRET: counterValue(h.instretBaseLo, h.instretBaseHi, h.instret - h.instretAt); return true;
    // ---- H ----
    case Csr.HSTATUS: r.lo = h.hstatus; r.hi = 2; return true;
    case Csr.HEDELEG: r.lo = h.hedeleg; return true;
    case Csr.HIDELEG: r.lo = h.hideleg; return true;
    case Csr.HIE: r.lo = h.mie & VS_INTS; return true;
    case Csr.HIP: r.lo = h.mip() & (VS_INTS | MIP_SGEIP); return true;
    case Csr.HVIP: r.lo = h.mipSw & VS_INTS; return true;
    case Csr.HTIMEDELTA: r.lo = h.htimedeltaLo; r.hi = h.htimedeltaHi; return true;
    case Csr.HCOUNTEREN: r.lo = h.hcounteren; return true;
    case Csr.HGEIE: case Csr.HGEIP: r.lo = 0; return true;
    case Csr.HENVCFG: r.lo = h.henvcfgLo; r.hi = henvcfgHi(h); return true;
    case Csr.HTVAL: r.lo = h.htvalLo; r.hi = h.htvalHi; return true;
    case Csr.HTINST: r.lo = h.htinst; return true;
    case Csr.HGATP:
      r.lo = h.hgatpPpn % 4294967296 | 0;
      r.hi = (Math.floor(h.hgatpPpn / 4294967296) | (h.hgatpVmid << 12) | (h.hgatpMode << 28)) | 0;
      return true;
    // ---- VS ----
    case Csr.VSSTATUS: r.lo = h.vsstatus & SSTATUS_RMASK; r.hi = h.vsstatusHi(); return true;
    case Csr.VSIE: r.lo = (h.mie & h.hideleg & VS_INTS) >>> 1; return true;
    case Csr.VSIP: r.lo = (h.mip() & h.hideleg & VS_INTS) >>> 1; return true;
    case Csr.VSTVEC: r.lo = h.vstvecLo; r.hi = h.vstvecHi; return true;
    case Csr.VSSCRATCH: r.lo = h.vsscratchLo; r.hi = h.vsscratchHi; return true;
    case Csr.VSEPC: r.lo = h.vsepcLo; r.hi = h.vsepcHi; return true;
    case Csr.VSCAUSE: r.lo = h.vscauseLo; r.hi = h.vscauseHi; return true;
    case Csr.VSTVAL: r.lo = h.vstvalLo; r.hi = h.vstvalHi; return true;
    case Csr.VSTIMECMP: r.lo = h.vstimecmpLo; r.hi = h.vstimecmpHi; return true;
    case Csr.VSATP: satpValue(h.vsatpMode, h.vsatpAsid, h.vsatpPpn); return true;
  }
  if (num >= Csr.HPMCOUNTER3 && num <= Csr.HPMCOUNTER31) { r.lo = 0; return true; }
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

/** satp / vsatp layout into r: MODE 63:60, ASID 59:44, PPN 43:0. */
function satpValue(mode: number, asid: number, ppn: number): void {
  r.lo = ppn % 4294967296 | 0;
  r.hi = (Math.floor(ppn / 4294967296) | (asid << 12) | (mode << 28)) | 0;
}

/** Whether (lo, hi) written to satp/vsatp has a supported MODE (Bare, Sv39, Sv48, Sv57). */
function satpModeOk(hi: number): boolean {
  const mode = (hi >>> 28) & 0xf;
  return mode === 0 || mode === 8 || mode === 9 || mode === 10;
}

/**
 * Writes CSR `num` = (lo, hi); `num` is the target CSR (csrTarget) and csrCheck has allowed the write.
 */
export function csrWrite(h: Hart, num: number, lo: number, hi: number): boolean {
  if ((num >>> 10) === 3) return false;                  // read-only CSR space
  switch (num) {
    case Csr.FFLAGS: h.fpu.flags = lo & 0x1f; h.fsDirty(); return true;
    case Csr.FRM: h.frm = lo & 7; h.fsDirty(); return true;
    case Csr.FCSR: h.fpu.flags = lo & 0x1f; h.frm = (lo >>> 5) & 7; h.fsDirty(); return true;
    case Csr.SSTATUS: writeMstatus(h, (h.mstatus & ~SSTATUS_WMASK) | (lo & SSTATUS_WMASK), h.mstatusH); return true;
    case Csr.SIE: {
      const m = h.mideleg & S_INTS;
      h.mie = (h.mie & ~m) | (lo & m); irqChanged(h); return true;
    }
    case Csr.STVEC: h.stvecLo = tvecValue(h.stvecLo, lo); h.stvecHi = hi; return true;
    case Csr.SCOUNTEREN: h.scounteren = lo; return true;
    case Csr.SENVCFG: h.senvcfg = lo & ENVCFG_LO_MASK; return true;
    case Csr.SSCRATCH: h.sscratchLo = lo; h.sscratchHi = hi; return true;
    case Csr.SEPC: h.sepcLo = lo & ~1; h.sepcHi = hi; return true;
    case Csr.SCAUSE: h.scauseLo = lo; h.scauseHi = hi & (0x80000000 | 0); return true;
    case Csr.STVAL: h.stvalLo = lo; h.stvalHi = hi; return true;
    case Csr.SIP:
      // Only SSIP is writable through sip, and only when delegated.
      h.mipSw = (h.mipSw & ~(MIP_SSIP & h.mideleg)) | (lo & MIP_SSIP & h.mideleg);
      irqChanged(h); return true;
    case Csr.STIMECMP: h.stimecmpLo = lo; h.stimecmpHi = hi; timerChanged(h); return true;
    case Csr.SATP:
      // satp.MODE is WARL: an unsupported mode makes the whole write have no effect (supervisor.adoc, satp).
      if (!satpModeOk(hi)) return true;
      h.satpMode = (hi >>> 28) & 0xf;
      h.satpAsid = (hi >>> 12) & 0xffff;
      h.satpPpn = (hi & 0xfff) * 4294967296 + (lo >>> 0);
      h.mmuContextChanged();
      return true;
    case Csr.MSTATUS:
      writeMstatus(h, (h.mstatus & ~MSTATUS_WMASK) | (lo & MSTATUS_WMASK), hi & (MSTATUS_HI_GVA | MSTATUS_HI_MPV));
      return true;
    case Csr.MISA: return true;                          // WARL, read-only here: extensions cannot be disabled
    case Csr.MEDELEG: h.medeleg = lo & MEDELEG_MASK; return true;
    case Csr.MIDELEG: h.mideleg = (lo & MIDELEG_MASK) | VS_INTS; irqChanged(h); return true;
    case Csr.MIE: h.mie = lo & MIE_MASK; irqChanged(h); return true;
    case Csr.MTVEC: h.mtvecLo = tvecValue(h.mtvecLo, lo); h.mtvecHi = hi; return true;
    case Csr.MCOUNTEREN: h.mcounteren = lo; return true;
    case Csr.MENVCFG: {
      const oldHi = h.menvcfgHi;
      h.menvcfgLo = lo & ENVCFG_LO_MASK; h.menvcfgHi = hi & MENVCFG_HI_MASK;
      if ((oldHi ^ h.menvcfgHi) & MENVCFG_ADUE_HI) h.mmuContextChanged();
      timerChanged(h);
      return true;
    }
    case Csr.MCOUNTINHIBIT: h.mcountinhibit = lo & 0x5; return true;
    case Csr.MSCRATCH: h.mscratchLo = lo; h.mscratchHi = hi; return true;
    case Csr.MEPC: h.mepcLo = lo & ~1; h.mepcHi = hi; return true;
    case Csr.MCAUSE: h.mcauseLo = lo; h.mcauseHi = hi & (0x80000000 | 0); return true;
    case Csr.MTVAL: h.mtvalLo = lo; h.mtvalHi = hi; return true;
    case Csr.MIP: {
      // SSIP, SEIP and VSSIP (the alias of hvip.VSSIP) are writable; STIP too unless Sstc's STCE makes it
      // follow stimecmp.
      let mask = MIP_SSIP | MIP_SEIP | MIP_VSSIP;
      if ((h.menvcfgHi & MENVCFG_STCE_HI) === 0) mask |= MIP_STIP;
      h.mipSw = (h.mipSw & ~mask) | (lo & mask);
      irqChanged(h);
      return true;
    }
    case Csr.MTVAL2: h.mtval2Lo = lo; h.mtval2Hi = hi; return true;
    case Csr.MTINST: h.mtinst = lo; return true;
    case Csr.MCYCLE: h.cycleBaseLo = lo; h.cycleBaseHi = hi; h.cycleAt = h.cycles; return true;
    case Csr.MINSTRET:
      // The write takes effect after this instruction retires: the next read sees the written value.
      h.instretBaseLo = lo; h.instretBaseHi = hi; h.instretAt = h.instret + 1; return true;
    // ---- H ----
    case Csr.HSTATUS: {
      const old = h.hstatus;
      h.hstatus = lo & HSTATUS_WMASK;
      if ((old ^ h.hstatus) & (HSTATUS_SPVP | HSTATUS_HU)) h.mmuContextChanged();   // HLV/HSV translation
      return true;
    }
    case Csr.HEDELEG: h.hedeleg = lo & HEDELEG_MASK; return true;
    case Csr.HIDELEG: h.hideleg = lo & VS_INTS; irqChanged(h); return true;
    case Csr.HIE: h.mie = (h.mie & ~VS_INTS) | (lo & VS_INTS); irqChanged(h); return true;
    case Csr.HIP: h.mipSw = (h.mipSw & ~MIP_VSSIP) | (lo & MIP_VSSIP); irqChanged(h); return true;
    case Csr.HVIP: h.mipSw = (h.mipSw & ~VS_INTS) | (lo & VS_INTS); irqChanged(h); return true;
    case Csr.HTIMEDELTA: h.htimedeltaLo = lo; h.htimedeltaHi = hi; timerChanged(h); return true;
    case Csr.HCOUNTEREN: h.hcounteren = lo; return true;
    case Csr.HGEIE: return true;                         // GEILEN = 0: read-only zero
    case Csr.HENVCFG: {
      const old = henvcfgHi(h);
      h.henvcfgLo = lo & ENVCFG_LO_MASK; h.henvcfgHi = hi & MENVCFG_HI_MASK;
      if ((old ^ henvcfgHi(h)) & MENVCFG_ADUE_HI) h.mmuContextChanged();
      timerChanged(h);
      return true;
    }
    case Csr.HTVAL: h.htvalLo = lo; h.htvalHi = hi; return true;
    case Csr.HTINST: h.htinst = lo; return true;
    case Csr.HGATP: {
      // Fields are WARL (hypervisor.adoc, hgatp): an unsupported MODE keeps the current one; PPN[1:0] read zero.
      const mode = (hi >>> 28) & 0xf;
      if (((HGATP_MODES >>> mode) & 1) !== 0) h.hgatpMode = mode;
      h.hgatpVmid = (hi >>> 12) & 0x3fff;
      h.hgatpPpn = ((hi & 0xfff) * 4294967296 + (lo >>> 0)) - ((lo >>> 0) & 3);
      h.mmuContextChanged();
      return true;
    }
    // ---- VS ----
    case Csr.VSSTATUS: {
      const old = h.vsstatus;
      h.vsstatus = (old & ~SSTATUS_WMASK) | (lo & SSTATUS_WMASK);
      if ((old ^ h.vsstatus) & (MSTATUS_SUM | MSTATUS_MXR)) h.mmuContextChanged();
      irqChanged(h);
      return true;
    }
    case Csr.VSIE: {
      const m = h.hideleg & VS_INTS;
      h.mie = (h.mie & ~m) | ((lo << 1) & m); irqChanged(h); return true;
    }
    case Csr.VSIP: {
      // Only SSIP is writable through vsip: it is hip.VSSIP when hideleg delegates VSSI.
      const m = h.hideleg & MIP_VSSIP;
      h.mipSw = (h.mipSw & ~m) | ((lo << 1) & m); irqChanged(h); return true;
    }
    case Csr.VSTVEC: h.vstvecLo = tvecValue(h.vstvecLo, lo); h.vstvecHi = hi; return true;
    case Csr.VSSCRATCH: h.vsscratchLo = lo; h.vsscratchHi = hi; return true;
    case Csr.VSEPC: h.vsepcLo = lo & ~1; h.vsepcHi = hi; return true;
    case Csr.VSCAUSE: h.vscauseLo = lo; h.vscauseHi = hi & (0x80000000 | 0); return true;
    case Csr.VSTVAL: h.vstvalLo = lo; h.vstvalHi = hi; return true;
    case Csr.VSTIMECMP: h.vstimecmpLo = lo; h.vstimecmpHi = hi; timerChanged(h); return true;
    case Csr.VSATP:
      // An unsupported MODE: the write is ignored, as for satp (hypervisor.adoc, vsatp).
      if (!satpModeOk(hi)) return true;
      h.vsatpMode = (hi >>> 28) & 0xf;
      h.vsatpAsid = (hi >>> 12) & 0xffff;
      h.vsatpPpn = (hi & 0xfff) * 4294967296 + (lo >>> 0);
      h.mmuContextChanged();
      return true;
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

/** Something that decides interrupt delivery changed: the run loop re-checks. */
function irqChanged(h: Hart): void {
  h.irqCheck = true; h.breakLoop = true;
}

/** A timer compare value, htimedelta or an STCE bit changed: the machine recomputes deadlines. */
function timerChanged(h: Hart): void {
  h.host.onStimecmpChange(h);
  irqChanged(h);
}

function writeMstatus(h: Hart, v: number, hiBits: number): void {
  // MPP is WARL over {U, S, M}: the reserved value 2 keeps the previous mode.
  if (((v & MSTATUS_MPP) >>> 11) === 2) v = (v & ~MSTATUS_MPP) | (h.mstatus & MSTATUS_MPP);
  const old = h.mstatus, oldH = h.mstatusH;
  h.mstatus = v;
  h.mstatusH = hiBits;
  if (((old ^ v) & MSTATUS_MMU_BITS) !== 0 || ((oldH ^ hiBits) & MSTATUS_HI_MPV) !== 0) h.mmuContextChanged();
  irqChanged(h);
}

/** A trap-vector write: MODE is WARL, 0 (direct) and 1 (vectored) are legal; reserved modes keep the old mode. */
function tvecValue(old: number, lo: number): number {
  const mode = (lo & 3) <= 1 ? lo & 3 : old & 3;
  return (lo & ~3) | mode;
}
