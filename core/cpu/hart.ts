// One RV64GC hart: architectural state, privilege, trap entry and interrupt selection.

import { FpuState } from './fpu';
import {
  Exc, MIP_MEIP, MIP_MSIP, MIP_MTIP, MIP_SEIP, MIP_SGEIP, MIP_SSIP, MIP_STIP, MIP_VSEIP, MIP_VSSIP, MIP_VSTIP, VS_INTS,
} from './causes';
import {
  HSTATUS_GVA, HSTATUS_SPV, HSTATUS_SPVP, MSTATUS_FS, MSTATUS_HI_FIXED, MSTATUS_HI_GVA, MSTATUS_HI_MPV, MSTATUS_MIE,
  MSTATUS_MPIE, MSTATUS_MPP, MSTATUS_MPRV, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_XS, MSTATUS_VS,
} from './csrNumbers';
import { Pmp } from '../mmu/pmp';
import { Tlb } from '../mmu/tlb';
import { WalkRequest, WalkResult } from '../mmu/walk';
import { TwoStageWalker } from '../mmu/twoStage';
import type { Bus } from '../devices/bus';
import { BusPtePort } from './ptePort';
import type { HartHost } from './hartHost';
import type { DataWatch } from './watch';
import { hiOf, loOf, toBig, toBigSigned } from '../util/int64';

export const PRIV_U = 0, PRIV_S = 1, PRIV_M = 3;
/** Values of Hart.exitCredit. */
export const EXIT_TRAPPED = 0, EXIT_RETIRED = 1, EXIT_INVISIBLE = 2;
export const PRIV_NAMES = ['U', 'S', '?', 'M'];

/** Number of entries in each of the hart's direct-mapped L1 TLBs (load, store): 16 MiB of reach. */
export const L1_SIZE = 4096;
/** L1 generations step by 8 through tag bits 11:3 (bits 2:0 stay free for the alignment check). */
const L1_GEN_STEP = 8, L1_GEN_LAST = 4088;
/** Tag value that never matches: all 12 offset bits set, so it differs from a page-aligned address even
 *  after the interpreter folds an alignment check into the compare (address & (-4096 | 7)). */
export const L1_INVALID = 4095;

/** Trap record for tracing and the debugger (filled on each trap, reused). */
export interface TrapInfo {
  cause: number; interrupt: boolean; tvalLo: number; tvalHi: number; epcLo: number; epcHi: number;
  fromPriv: number; toPriv: number;
  /** Virtualization mode before and after the trap (V=1: VS/VU). */
  fromVirt: boolean; toVirt: boolean;
  /** htval/mtval2 written (guest physical address >> 2, as lo/hi) and htinst/mtinst. */
  tval2Lo: number; tval2Hi: number; tinst: number;
}

export class Hart {
  /** Integer registers as lo/hi int32 pairs; index 32 is the sink for writes to x0. */
  readonly ownXl = new Int32Array(33);
  readonly ownXh = new Int32Array(33);
  /** The registers in use: ownXl/ownXh, or the interpreter's resident arrays while this hart holds them. */
  xl = this.ownXl;
  xh = this.ownXh;
  readonly fpu = new FpuState();
  /** pc and the fetch tag live in an Int32Array: guest addresses near 0x8000_0000 are not small integers,
   *  so plain number fields would hold boxed doubles and every store would allocate. */
  readonly pcRegs = Int32Array.of(0, 0, L1_INVALID, 0);
  get pcLo(): number { return this.pcRegs[0]; }
  set pcLo(v: number) { this.pcRegs[0] = v; }
  get pcHi(): number { return this.pcRegs[1]; }
  set pcHi(v: number) { this.pcRegs[1] = v; }
  priv = PRIV_M;
  /** Virtualization mode V (hypervisor.adoc "Privilege Modes"): with priv S it is VS-mode, with priv U VU-mode. */
  virt = false;

  // ---- CSR state (see csr.ts for access rules) ----
  /** mstatus bits 31:0; bits 63:32 are MSTATUS_HI_FIXED, mstatusH (GVA, MPV) and SD. */
  mstatus = 0;
  /** mstatus GVA and MPV (high-word bits MSTATUS_HI_GVA, MSTATUS_HI_MPV). */
  mstatusH = 0;
  frm = 0;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  /** mip bits software may own: SSIP, STIP (without Sstc), SEIP, and hvip's VSSIP, VSTIP, VSEIP. */
  mipSw = 0;
  /** mip bits driven by devices: MSIP, MTIP, MEIP, SEIP (external), STIP from stimecmp, VSTIP from vstimecmp. */
  mipHw = 0;
  mtvecLo = 0; mtvecHi = 0;
  stvecLo = 0; stvecHi = 0;
  mepcLo = 0; mepcHi = 0;
  sepcLo = 0; sepcHi = 0;
  mcauseLo = 0; mcauseHi = 0;
  scauseLo = 0; scauseHi = 0;
  mtvalLo = 0; mtvalHi = 0;
  stvalLo = 0; stvalHi = 0;
  mscratchLo = 0; mscratchHi = 0;
  sscratchLo = 0; sscratchHi = 0;
  satpMode = 0;
  satpAsid = 0;
  satpPpn = 0;
  menvcfgLo = 0; menvcfgHi = 0;
  senvcfg = 0;
  mcounteren = 0;
  scounteren = 0;
  mcountinhibit = 0;
  stimecmpLo = -1; stimecmpHi = -1;
  mtval2Lo = 0; mtval2Hi = 0;
  mtinst = 0;

  // ---- H extension: hypervisor CSRs (hypervisor.adoc). GEILEN = 0: hgeie/hgeip and hstatus.VGEIN read zero. ----
  /** hstatus bits 31:0 (VSXL in bits 33:32 always reads 2). */
  hstatus = 0;
  hedeleg = 0;
  hideleg = 0;
  hcounteren = 0;
  htimedeltaLo = 0; htimedeltaHi = 0;
  henvcfgLo = 0; henvcfgHi = 0;
  htvalLo = 0; htvalHi = 0;
  htinst = 0;
  hgatpMode = 0;
  /** VMID: 14 bits (VMIDLEN = VMIDMAX for Sv39x4). */
  hgatpVmid = 0;
  hgatpPpn = 0;
  // ---- VS CSRs: substitute for the supervisor CSRs while V=1 ----
  /** vsstatus bits 31:0 (UXL reads 2, SD is computed from its FS). */
  vsstatus = 0;
  vstvecLo = 0; vstvecHi = 0;
  vsscratchLo = 0; vsscratchHi = 0;
  vsepcLo = 0; vsepcHi = 0;
  vscauseLo = 0; vscauseHi = 0;
  vstvalLo = 0; vstvalHi = 0;
  vsatpMode = 0;
  vsatpAsid = 0;
  vsatpPpn = 0;
  vstimecmpLo = -1; vstimecmpHi = -1;
  /**
   * How the interpreter counts the instruction slot of the trap just taken, as a TypeScript trap handler (the
   * built-in VMM) decides: EXIT_TRAPPED (a trap: the default), EXIT_RETIRED (the handler completed the
   * instruction for the guest: it counts as retired) or EXIT_INVISIBLE (the guest will simply run the
   * instruction again, so the exit took no slot and no guest time). Read and reset by the interpreter.
   */
  exitCredit = 0;
  /** Set while an HLV/HSV (1) or HLVX (2) instruction makes its access as though V=1 (never fills the L1). */
  hlv = 0;
  /** Extra trap information the memory path sets right before raising: whether tval is a guest virtual
   *  address (GVA), htval/mtval2 (guest physical address >> 2) and htinst/mtinst. enterTrap consumes them. */
  trapGva = false;
  trapTval2Lo = 0; trapTval2Hi = 0;
  trapTinst = 0;
  /** Instructions retired (Number; exact up to 2^53). */
  instret = 0;
  /** Cycles elapsed on this hart (retired instructions plus idle time). */
  cycles = 0;
  /** Values written to minstret/mcycle and the counts at that moment (counters are base + delta). */
  instretBaseLo = 0; instretBaseHi = 0; instretAt = 0;
  cycleBaseLo = 0; cycleBaseHi = 0; cycleAt = 0;

  readonly pmp = new Pmp();
  readonly tlb = new Tlb(512);

  // ---- LR/SC reservation ----
  resValid = false;
  resAddr = 0;

  /** WFI: waiting for an interrupt. */
  waiting = false;
  /** Set when something may have made an interrupt pending/enabled; the run loop checks and clears it. */
  irqCheck = true;
  /** Slots of the current execute() chunk that trapped instead of retiring (instret = slots - these). */
  trappedSlots = 0;
  /** Set by anything that must stop the current execute() chunk early. */
  breakLoop = false;
  /** Set when the hart reached a debugger breakpoint (the run loop stops the machine). */
  debugStop = false;
  /** The machine's data watchpoints while any is set (the memory slow paths check them), else null. */
  watch: DataWatch | null = null;

  // ---- L1 TLBs: tag = page-aligned va low word | l1Gen, and the va high word; off = RAM offset of the page.
  // An entry is live only while its generation is current, so a flush is one increment. ----
  l1Gen = L1_GEN_STEP;
  readonly rTagLo = new Int32Array(L1_SIZE).fill(L1_INVALID);
  readonly rTagHi = new Int32Array(L1_SIZE);
  readonly rOff = new Int32Array(L1_SIZE);
  readonly wTagLo = new Int32Array(L1_SIZE).fill(L1_INVALID);
  readonly wTagHi = new Int32Array(L1_SIZE);
  readonly wOff = new Int32Array(L1_SIZE);

  /** Page (va) of the last fetch refill; anything that changes translations sets fetchTagLo = L1_INVALID,
   *  which makes the interpreter refill. Stored in pcRegs like pc. */
  get fetchTagLo(): number { return this.pcRegs[2]; }
  set fetchTagLo(v: number) { this.pcRegs[2] = v; }
  get fetchTagHi(): number { return this.pcRegs[3]; }
  set fetchTagHi(v: number) { this.pcRegs[3] = v; }

  // walk scratch
  readonly walkReq = new WalkRequest();
  readonly walkRes = new WalkResult();

  // statistics
  exceptions = 0;
  interrupts = 0;
  l1Misses = 0;
  walks = 0;

  /** Memory references made by page walks (1D and 2D), for the statistics. */
  walkRefs = 0;
  /** The share of walks, their references and TLB lookups that were for guest (two-stage) translations. */
  guestWalks = 0;
  guestWalkRefs = 0;
  guestTlbHits = 0;
  guestTlbMisses = 0;

  /** Last trap (valid when trapCount changed). */
  readonly lastTrap: TrapInfo = {
    cause: 0, interrupt: false, tvalLo: 0, tvalHi: 0, epcLo: 0, epcHi: 0, fromPriv: 0, toPriv: 0,
    fromVirt: false, toVirt: false, tval2Lo: 0, tval2Hi: 0, tinst: 0,
  };
  trapCount = 0;

  readonly ptePort: BusPtePort;
  /** The two-stage walker for guest accesses (V=1, HLV/HSV, MPRV with MPV). */
  readonly twoStage: TwoStageWalker;

  constructor(readonly id: number, readonly bus: Bus, readonly host: HartHost) {
    this.ptePort = new BusPtePort(bus);
    this.twoStage = new TwoStageWalker(this.ptePort, this.pmp);
  }

  // ---------------- API boundary (bigint) ----------------

  getPc(): bigint { return toBig(this.pcLo, this.pcHi); }
  setPc(v: bigint): void { this.pcLo = loOf(v); this.pcHi = hiOf(v); this.fetchTagLo = L1_INVALID; }
  getX(i: number): bigint { return i === 0 ? 0n : toBig(this.xl[i], this.xh[i]); }
  getXSigned(i: number): bigint { return i === 0 ? 0n : toBigSigned(this.xl[i], this.xh[i]); }
  setX(i: number, v: bigint): void { if (i !== 0) { this.xl[i] = loOf(v); this.xh[i] = hiOf(v); } }
  getF(i: number): bigint { return toBig(this.fpu.i32[2 * i], this.fpu.i32[2 * i + 1]); }
  setF(i: number, v: bigint): void { this.fpu.i32[2 * i] = loOf(v); this.fpu.i32[2 * i + 1] = hiOf(v); }

  /** Resets the hart to the state the privileged spec requires at reset (M-mode, MIE=0, MPRV=0, ...). */
  reset(pc: bigint): void {
    this.xl.fill(0); this.xh.fill(0); this.fpu.i32.fill(0); this.fpu.flags = 0; this.frm = 0;
    this.priv = PRIV_M; this.virt = false; this.hlv = 0;
    this.mstatus = 0; this.mstatusH = 0;
    this.mipSw = 0; this.mipHw &= MIP_MSIP | MIP_MTIP | MIP_MEIP | MIP_SEIP;
    // VS-level interrupts are always delegated past M-mode (mideleg bits 10, 6, 2 read-only one).
    this.mie = 0; this.medeleg = 0; this.mideleg = VS_INTS;
    this.hstatus = 0; this.hedeleg = 0; this.hideleg = 0; this.hgatpMode = 0; this.hgatpVmid = 0; this.hgatpPpn = 0;
    this.vsstatus = 0; this.vsatpMode = 0; this.vsatpAsid = 0; this.vsatpPpn = 0;
    this.satpMode = 0; this.satpAsid = 0; this.satpPpn = 0;
    this.menvcfgLo = 0; this.menvcfgHi = 0; this.senvcfg = 0;
    this.mcauseLo = 0; this.mcauseHi = 0;
    this.resValid = false; this.waiting = false;
    this.pmp.reset();
    this.tlb.flushAll();
    this.setPc(pc);
    this.mmuContextChanged();
  }

  // ---------------- status helpers ----------------

  /** Full mstatus high word, with SD computed from FS/XS/VS. */
  mstatusHi(): number {
    return MSTATUS_HI_FIXED | this.mstatusH | (statusDirty(this.mstatus) ? 0x80000000 | 0 : 0);
  }

  /** vsstatus high word: UXL = 2, SD from vsstatus's own FS (hypervisor.adoc, vsstatus). */
  vsstatusHi(): number {
    return 2 | (statusDirty(this.vsstatus) ? 0x80000000 | 0 : 0);
  }

  /** Value of mip as software reads it. */
  mip(): number { return this.mipSw | this.mipHw; }

  /** Every change that can invalidate cached translations or permission decisions funnels here:
   *  satp, privilege, MPRV/MPP, SUM, MXR, PMP, sfence.vma. Clears the L1 TLBs and the fetch page. */
  mmuContextChanged(): void {
    if (this.l1Gen < L1_GEN_LAST) this.l1Gen += L1_GEN_STEP;
    else {
      // generations exhausted: really clear the tags once, then start over
      this.rTagLo.fill(L1_INVALID);
      this.wTagLo.fill(L1_INVALID);
      this.l1Gen = L1_GEN_STEP;
    }
    this.fetchTagLo = L1_INVALID;
    this.breakLoop = true;
  }

  /** Drops L1 write entries that point at RAM page `pageOff` (it now holds decoded code). */
  dropWritable(pageOff: number): void {
    const tag = this.wTagLo, off = this.wOff;
    for (let i = 0; i < L1_SIZE; i++) if (off[i] === pageOff) tag[i] = L1_INVALID;
  }

  /** Sets the privilege mode, flushing what depends on it. */
  setPriv(p: number): void {
    if (p !== this.priv) { this.priv = p; this.mmuContextChanged(); }
  }

  /** Sets the privilege mode and the virtualization mode V. */
  setMode(p: number, virt: boolean): void {
    if (p !== this.priv || virt !== this.virt) {
      const entering = virt && !this.virt;
      this.priv = p; this.virt = virt;
      this.mmuContextChanged();
      if (entering && this.host.onGuestEntry !== null) this.host.onGuestEntry(this);
    }
  }

  // ---------------- traps (machine.adoc "Machine Trap Delegation", supervisor.adoc) ----------------

  /**
   * Takes a synchronous exception at the current pc (this.pcLo/pcHi must hold the faulting instruction's
   * address) with the given trap value.
   */
  raise(cause: number, tvalLo: number, tvalHi: number): void {
    this.exceptions++;
    this.enterTrap(cause, false, tvalLo, tvalHi);
  }

  /** Illegal-instruction exception; tval holds the instruction bits (as QEMU does; the spec allows 0 or the bits). */
  illegal(bits: number): void {
    this.raise(Exc.ILLEGAL_INSN, bits, 0);
  }

  /** Virtual-instruction exception (cause 22); tval is written as for an illegal instruction. */
  virtualInsn(bits: number): void {
    this.raise(Exc.VIRTUAL_INSN, bits, 0);
  }

  /**
   * Trap entry (machine.adoc "Machine Trap Delegation"; hypervisor.adoc "Trap Entry"). A trap from HS/U goes
   * to M unless medeleg/mideleg delegate it to HS; from VS/VU it goes to M, or to HS if delegated by
   * medeleg/mideleg, or on to VS if hedeleg/hideleg delegate it further.
   */
  private enterTrap(cause: number, interrupt: boolean, tvalLo: number, tvalHi: number): void {
    const from = this.priv, fromV = this.virt;
    const bit = cause < 32 ? 1 << cause : 0;
    const toHS = from <= PRIV_S && ((interrupt ? this.mideleg : this.medeleg) & bit) !== 0;
    const toVS = toHS && fromV && ((interrupt ? this.hideleg : this.hedeleg) & bit) !== 0;
    const epcLo = this.pcLo, epcHi = this.pcHi;
    // GVA: the trap writes a guest virtual address to xtval (a memory fault of a guest access, or a
    // breakpoint in VS/VU with tval = pc).
    const gva = !interrupt && (this.trapGva || (fromV && cause === Exc.BREAKPOINT));
    const tval2Lo = this.trapTval2Lo, tval2Hi = this.trapTval2Hi, tinst = interrupt ? 0 : this.trapTinst;
    this.trapGva = false; this.trapTval2Lo = 0; this.trapTval2Hi = 0; this.trapTinst = 0;
    let vecLo: number, vecHi: number, vcause = cause;
    if (toVS) {
      // VS-level interrupts arrive in VS-mode as the matching S-level ones (VSEI 10 → 9, VSTI 6 → 5, VSSI 2 → 1).
      if (interrupt && (bit & VS_INTS) !== 0) vcause = cause - 1;
      this.vsepcLo = epcLo; this.vsepcHi = epcHi;
      this.vscauseLo = vcause; this.vscauseHi = interrupt ? 0x80000000 | 0 : 0;
      this.vstvalLo = tvalLo; this.vstvalHi = tvalHi;
      const v = this.vsstatus;
      this.vsstatus = (v & ~(MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE)) | ((v & MSTATUS_SIE) !== 0 ? MSTATUS_SPIE : 0) |
        (from === PRIV_S ? MSTATUS_SPP : 0);
      vecLo = this.vstvecLo; vecHi = this.vstvecHi;
    } else if (toHS) {
      this.sepcLo = epcLo; this.sepcHi = epcHi;
      this.scauseLo = cause; this.scauseHi = interrupt ? 0x80000000 | 0 : 0;
      this.stvalLo = tvalLo; this.stvalHi = tvalHi;
      const m = this.mstatus;
      this.mstatus = (m & ~(MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE)) | ((m & MSTATUS_SIE) !== 0 ? MSTATUS_SPIE : 0) |
        (from === PRIV_S ? MSTATUS_SPP : 0);
      // hstatus.SPV = V; SPVP = the nominal privilege when coming from V=1, unchanged otherwise.
      let hs = this.hstatus & ~(HSTATUS_SPV | HSTATUS_GVA);
      if (fromV) hs = (hs & ~HSTATUS_SPVP) | HSTATUS_SPV | (from === PRIV_S ? HSTATUS_SPVP : 0);
      if (gva) hs |= HSTATUS_GVA;
      this.hstatus = hs;
      this.htvalLo = tval2Lo; this.htvalHi = tval2Hi; this.htinst = tinst;
      vecLo = this.stvecLo; vecHi = this.stvecHi;
    } else {
      this.mepcLo = epcLo; this.mepcHi = epcHi;
      this.mcauseLo = cause; this.mcauseHi = interrupt ? 0x80000000 | 0 : 0;
      this.mtvalLo = tvalLo; this.mtvalHi = tvalHi;
      const m = this.mstatus;
      this.mstatus = (m & ~(MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MIE)) | ((m & MSTATUS_MIE) !== 0 ? MSTATUS_MPIE : 0) | (from << 11);
      this.mstatusH = (fromV ? MSTATUS_HI_MPV : 0) | (gva ? MSTATUS_HI_GVA : 0);
      this.mtval2Lo = tval2Lo; this.mtval2Hi = tval2Hi; this.mtinst = tinst;
      vecLo = this.mtvecLo; vecHi = this.mtvecHi;
    }
    // Vectored mode (MODE=1): interrupts go to BASE + 4·cause (machine.adoc, mtvec).
    const base = vecLo & ~3;
    let pcLo = base;
    if ((vecLo & 3) === 1 && interrupt) pcLo = (base + 4 * vcause) | 0;
    this.pcLo = pcLo;
    this.pcHi = (vecHi + ((pcLo >>> 0) < (base >>> 0) ? 1 : 0)) | 0;
    this.resValid = false;
    this.waiting = false;
    const toPriv = toHS ? PRIV_S : PRIV_M;
    const t = this.lastTrap;
    t.cause = vcause; t.interrupt = interrupt; t.tvalLo = tvalLo; t.tvalHi = tvalHi; t.epcLo = epcLo; t.epcHi = epcHi;
    t.fromPriv = from; t.toPriv = toPriv; t.fromVirt = fromV; t.toVirt = toVS;
    t.tval2Lo = toVS ? 0 : tval2Lo; t.tval2Hi = toVS ? 0 : tval2Hi; t.tinst = toVS ? 0 : tinst;
    this.trapCount++;
    this.setMode(toPriv, toVS);
    this.fetchTagLo = L1_INVALID;
    this.breakLoop = true;
    this.irqCheck = true;
    if (this.host.onTrap !== null) this.host.onTrap(this);
    if (fromV && !toVS && this.host.onGuestExit !== null) this.host.onGuestExit(this);
    if (!toHS) { if (this.host.firmware !== null) this.host.firmware(this); }
    else if (!toVS && this.host.hypervisor !== null) this.host.hypervisor(this);
  }

  /**
   * Takes the highest-priority pending and enabled interrupt, if any. Interrupts for a more privileged level
   * come first (M, then HS, then VS); within a level the order is MEI, MSI, MTI, SEI, SSI, STI, SGEI, VSEI,
   * VSSI, VSTI (machine.adoc "Machine Interrupt Registers", hypervisor.adoc "hip and hie"). Returns true if
   * one was taken.
   */
  checkInterrupts(): boolean {
    const pending = (this.mipSw | this.mipHw) & this.mie;
    if (pending === 0) return false;
    const priv = this.priv, virt = this.virt, m = this.mstatus;
    const mEnabled = priv < PRIV_M || (m & MSTATUS_MIE) !== 0;
    // HS-level interrupts are always enabled while V=1; in HS-mode they need sstatus.SIE.
    const hsEnabled = virt || priv < PRIV_S || (priv === PRIV_S && (m & MSTATUS_SIE) !== 0);
    // VS-level interrupts (delegated by hideleg) are taken only while V=1: in VU always, in VS with vsstatus.SIE.
    const vsEnabled = virt && (priv === PRIV_U || (this.vsstatus & MSTATUS_SIE) !== 0);
    const toM = mEnabled ? pending & ~this.mideleg : 0;
    let cands = toM;
    if (cands === 0 && hsEnabled) cands = pending & this.mideleg & ~this.hideleg;
    if (cands === 0 && vsEnabled) cands = pending & this.mideleg & this.hideleg;
    if (cands === 0) return false;
    let cause: number;
    if (cands & MIP_MEIP) cause = 11;
    else if (cands & MIP_MSIP) cause = 3;
    else if (cands & MIP_MTIP) cause = 7;
    else if (cands & MIP_SEIP) cause = 9;
    else if (cands & MIP_SSIP) cause = 1;
    else if (cands & MIP_STIP) cause = 5;
    else if (cands & MIP_SGEIP) cause = 12;
    else if (cands & MIP_VSEIP) cause = 10;
    else if (cands & MIP_VSSIP) cause = 2;
    else if (cands & MIP_VSTIP) cause = 6;
    else return false;
    this.interrupts++;
    this.enterTrap(cause, true, 0, 0);
    return true;
  }

  /** True if WFI should wake: some interrupt is pending and locally enabled, whatever the global enables. */
  wakeable(): boolean {
    return ((this.mipSw | this.mipHw) & this.mie) !== 0;
  }

  /** MRET (machine.adoc "Trap-Return Instructions"; hypervisor.adoc "Trap Return": V = MPV unless MPP = M). */
  mret(): void {
    const m = this.mstatus;
    const mpp = (m & MSTATUS_MPP) >>> 11;
    const mpv = mpp !== PRIV_M && (this.mstatusH & MSTATUS_HI_MPV) !== 0;
    let n = (m & ~(MSTATUS_MIE | MSTATUS_MPP)) | ((m & MSTATUS_MPIE) !== 0 ? MSTATUS_MIE : 0) | MSTATUS_MPIE;
    if (mpp !== PRIV_M) n &= ~MSTATUS_MPRV;
    this.mstatus = n;
    this.mstatusH &= ~MSTATUS_HI_MPV;
    this.pcLo = this.mepcLo & ~1; this.pcHi = this.mepcHi;
    this.fetchTagLo = L1_INVALID;
    this.setMode(mpp, mpv);
    this.mmuContextChanged();
    this.irqCheck = true;
  }

  /** SRET (supervisor.adoc; hypervisor.adoc "Trap Return": from HS, V = hstatus.SPV; in VS, vsstatus applies). */
  sret(): void {
    if (this.virt) {
      const v = this.vsstatus;
      const spp = (v & MSTATUS_SPP) !== 0 ? PRIV_S : PRIV_U;
      this.vsstatus = (v & ~(MSTATUS_SIE | MSTATUS_SPP)) | ((v & MSTATUS_SPIE) !== 0 ? MSTATUS_SIE : 0) | MSTATUS_SPIE;
      this.pcLo = this.vsepcLo & ~1; this.pcHi = this.vsepcHi;
      this.setMode(spp, true);
    } else {
      const m = this.mstatus;
      const spp = (m & MSTATUS_SPP) !== 0 ? PRIV_S : PRIV_U;
      const spv = (this.hstatus & HSTATUS_SPV) !== 0;
      this.mstatus = ((m & ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV)) | ((m & MSTATUS_SPIE) !== 0 ? MSTATUS_SIE : 0) | MSTATUS_SPIE);
      this.hstatus &= ~HSTATUS_SPV;
      this.pcLo = this.sepcLo & ~1; this.pcHi = this.sepcHi;
      this.setMode(spp, spv);
    }
    this.fetchTagLo = L1_INVALID;
    this.mmuContextChanged();
    this.irqCheck = true;
  }

  /** Whether FP instructions are enabled: mstatus.FS, and while V=1 also vsstatus.FS, not Off. */
  fpEnabled(): boolean {
    return (this.mstatus & MSTATUS_FS) !== 0 && (!this.virt || (this.vsstatus & MSTATUS_FS) !== 0);
  }

  /** Marks the FP state dirty (mstatus.FS = 3, and vsstatus.FS = 3 while V=1). */
  fsDirty(): void {
    this.mstatus |= MSTATUS_FS;
    if (this.virt) this.vsstatus |= MSTATUS_FS;
  }
}

/** SD of a status register: FS, XS or VS is Dirty. */
function statusDirty(v: number): boolean {
  return (v & MSTATUS_FS) === MSTATUS_FS || (v & MSTATUS_XS) === MSTATUS_XS || (v & MSTATUS_VS) === MSTATUS_VS;
}
