// Built-in SBI firmware (`--bios builtin`): the M-mode side of the RISC-V SBI written in TypeScript, so S-mode
// kernels run without OpenSBI. Harts start in S-mode at the kernel's entry (hart 0; the others wait for HSM
// hart_start); every trap into M-mode is handled here and returns at once, as if firmware had run an mret.
// Implements BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN and the legacy console calls (riscv-sbi-doc chapters 3-10).

import { Hart, PRIV_M, PRIV_S } from '../cpu/hart';
import { Exc, MIP_MTIP, MIP_SSIP, MIP_STIP, VS_INTS } from '../cpu/causes';
import { MSTATUS_MPP } from '../cpu/csrNumbers';
import { MENVCFG_STCE_HI } from '../cpu/csr';
import type { Machine } from '../machine';

const EXT_BASE = 0x10, EXT_TIME = 0x54494d45, EXT_IPI = 0x735049, EXT_RFENCE = 0x52464e43, EXT_HSM = 0x48534d;
const EXT_SRST = 0x53525354, EXT_DBCN = 0x4442434e;
const LEGACY_SET_TIMER = 0, LEGACY_PUTCHAR = 1, LEGACY_GETCHAR = 2, LEGACY_SHUTDOWN = 8;
const SUCCESS = 0, ERR_NOT_SUPPORTED = -2, ERR_INVALID_PARAM = -3, ERR_ALREADY_AVAILABLE = -6;
/** SBI implementation ID for vmscope's firmware (outside the ranges the SBI spec assigns). */
export const SBI_IMPL_ID = 0x766d73;
const SPEC_VERSION = (1 << 24) | 0;   // SBI 1.0
const HSM_STARTED = 0, HSM_STOPPED = 1;
/** Exceptions and interrupts handed to S-mode, as OpenSBI delegates them. */
const MEDELEG = (1 << Exc.INSN_MISALIGNED) | (1 << Exc.BREAKPOINT) | (1 << Exc.ECALL_U) | (1 << Exc.INSN_PAGE_FAULT) |
  (1 << Exc.LOAD_PAGE_FAULT) | (1 << Exc.STORE_PAGE_FAULT) |
  // A hypervisor in HS-mode handles its guests' SBI calls, guest-page faults and virtual instructions itself.
  (1 << Exc.ECALL_VS) | (1 << Exc.INSN_GUEST_PAGE_FAULT) | (1 << Exc.LOAD_GUEST_PAGE_FAULT) |
  (1 << Exc.VIRTUAL_INSN) | (1 << Exc.STORE_GUEST_PAGE_FAULT);
/** SSI, STI, SEI to S-mode; the VS-level interrupts are always delegated (mideleg bits read-only one). */
const MIDELEG = MIP_SSIP | MIP_STIP | (1 << 9) | VS_INTS;

export interface SbiHost {
  machine: Machine;
  /** Console output (DBCN and the legacy putchar). */
  putchar(bytes: Uint8Array): void;
  /** A byte of console input, or -1. */
  getchar(): number;
  /** SRST / legacy shutdown: power off (code 0) or reset. */
  systemReset(kind: 'shutdown' | 'reboot', failure: boolean): void;
  /** Sets hart h's mtimecmp (a 64-bit value). */
  setTimer(hart: number, when: bigint): void;
}

export class BuiltinSbi {
  private readonly state: number[];

  constructor(private readonly host: SbiHost) {
    this.state = host.machine.harts.map(() => HSM_STOPPED);
  }

  /** Boots: every hart gets M-mode set up as firmware would; hart 0 enters the kernel in S-mode. */
  boot(entry: bigint, fdt: bigint): void {
    for (const h of this.host.machine.harts) {
      h.medeleg = MEDELEG;
      h.mideleg = MIDELEG;
      h.mcounteren = 7;
      h.menvcfgHi |= MENVCFG_STCE_HI;           // Sstc: the kernel may program stimecmp itself
      h.pmp.writeAddr(0, 2 ** 54 - 1);            // S and U may access all memory (NAPOT over everything, RWX)
      h.pmp.writeCfg(0, 0x1f, 0);
      h.mie = MIP_MTIP;
      if (h.id === 0) this.enterS(h, entry, fdt);
      else { h.waiting = true; h.mie = 0; }      // stopped until HSM hart_start
    }
  }

  /** Trap hook: called after the hart entered M-mode. Handles the trap and returns to S/U. */
  handleTrap(h: Hart): void {
    const t = h.lastTrap;
    if (t.interrupt && t.cause === 7) {
      // M timer interrupt: forward it to S-mode as STIP and mask MTIP until the next set_timer.
      h.mipSw |= MIP_STIP;
      h.mie &= ~MIP_MTIP;
      this.ret(h, 0);
      return;
    }
    if (!t.interrupt && t.cause === Exc.ECALL_S) {
      this.call(h);
      this.ret(h, 4);
      return;
    }
    // Anything else reaching M-mode is a kernel bug the firmware cannot fix: stop the machine with the cause.
    this.host.machine.requestExit(0x80 | t.cause);
  }

  private call(h: Hart): void {
    const a = (i: number) => h.getX(10 + i);
    const eid = Number(h.getX(17) & 0xffff_ffffn), fid = Number(h.getX(16) & 0xffff_ffffn);
    let err = SUCCESS, value = 0n;
    switch (eid) {
      case LEGACY_SET_TIMER: this.setTimer(h, a(0)); h.setX(10, 0n); return;
      case LEGACY_PUTCHAR: this.host.putchar(Uint8Array.of(Number(a(0) & 0xffn))); h.setX(10, 0n); return;
      case LEGACY_GETCHAR: h.setX(10, BigInt.asUintN(64, BigInt(this.host.getchar()))); return;
      case LEGACY_SHUTDOWN: this.host.systemReset('shutdown', false); return;
      case EXT_BASE:
        switch (fid) {
          case 0: value = BigInt(SPEC_VERSION); break;
          case 1: value = BigInt(SBI_IMPL_ID); break;
          case 2: value = 1n; break;
          case 3: value = this.probe(Number(a(0) & 0xffff_ffffn)) ? 1n : 0n; break;
          case 4: case 5: case 6: value = 0n; break;   // mvendorid, marchid, mimpid
          default: err = ERR_NOT_SUPPORTED;
        }
        break;
      case EXT_TIME:
        if (fid === 0) this.setTimer(h, a(0)); else err = ERR_NOT_SUPPORTED;
        break;
      case EXT_IPI:
        if (fid === 0) this.forHarts(a(0), a(1), (t) => { t.mipSw |= MIP_SSIP; t.irqCheck = true; t.waiting = false; });
        else err = ERR_NOT_SUPPORTED;
        break;
      case EXT_RFENCE:
        // remote fence.i / sfence.vma (any scope): the code cache is coherent; flush the targets' TLBs entirely
        if (fid <= 6) this.forHarts(a(0), a(1), (t) => { t.tlb.flushAll(); t.mmuContextChanged(); });
        else err = ERR_NOT_SUPPORTED;
        break;
      case EXT_HSM: err = this.hsm(h, fid, a); if (fid === 2 && err === SUCCESS) value = BigInt(this.state[Number(a(0))]); break;
      case EXT_SRST:
        if (fid === 0 && a(0) <= 2n) { this.host.systemReset(a(0) === 0n ? 'shutdown' : 'reboot', a(1) === 1n); return; }
        err = ERR_INVALID_PARAM;
        break;
      case EXT_DBCN:
        if (fid === 0 || fid === 2) {
          const bytes = fid === 2 ? Uint8Array.of(Number(a(0) & 0xffn)) : this.readGuest(a(1), Number(a(0)));
          if (bytes === null) err = ERR_INVALID_PARAM; else { this.host.putchar(bytes); value = BigInt(bytes.length); }
        } else err = ERR_NOT_SUPPORTED;
        break;
      default: err = ERR_NOT_SUPPORTED;
    }
    h.setX(10, BigInt.asUintN(64, BigInt(err)));
    if (err === SUCCESS) h.setX(11, value);
  }

  private probe(eid: number): boolean {
    return [EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN, LEGACY_SET_TIMER, LEGACY_PUTCHAR,
      LEGACY_GETCHAR, LEGACY_SHUTDOWN].includes(eid);
  }

  private hsm(h: Hart, fid: number, a: (i: number) => bigint): number {
    const harts = this.host.machine.harts;
    const id = Number(a(0));
    if (fid === 1) { this.state[h.id] = HSM_STOPPED; h.waiting = true; h.mie = 0; return SUCCESS; }   // hart_stop
    if (id < 0 || id >= harts.length) return ERR_INVALID_PARAM;
    if (fid === 2) return SUCCESS;                                                                       // hart_get_status
    if (fid === 0) {                                                                                     // hart_start
      if (this.state[id] !== HSM_STOPPED) return ERR_ALREADY_AVAILABLE;
      const t = harts[id];
      t.mie = MIP_MTIP;
      this.enterS(t, a(1), a(2));
      t.waiting = false;
      return SUCCESS;
    }
    return ERR_NOT_SUPPORTED;
  }

  private setTimer(h: Hart, when: bigint): void {
    h.mipSw &= ~MIP_STIP;
    this.host.setTimer(h.id, when);
    h.mie |= MIP_MTIP;
  }

  private forHarts(mask: bigint, base: bigint, fn: (t: Hart) => void): void {
    const harts = this.host.machine.harts;
    const all = base === BigInt.asUintN(64, -1n);
    for (const t of harts) {
      const bit = BigInt(t.id) - base;
      if (all || (bit >= 0n && bit < 64n && ((mask >> bit) & 1n) === 1n)) fn(t);
    }
  }

  private readGuest(pa: bigint, len: number): Uint8Array | null {
    if (len < 0 || len > 1 << 20) return null;
    try { return this.host.machine.readPhys(Number(pa), len); } catch { return null; }
  }

  /** Enters S-mode at pc with a0 = hart id, a1 = arg (as firmware's mret would). */
  private enterS(h: Hart, pc: bigint, a1: bigint): void {
    this.state[h.id] = HSM_STARTED;
    h.setX(10, BigInt(h.id));
    h.setX(11, a1);
    h.mstatus = (h.mstatus & ~MSTATUS_MPP) | (PRIV_S << 11);
    h.mepcLo = Number(pc & 0xffff_ffffn) | 0;
    h.mepcHi = Number(pc >> 32n) | 0;
    h.priv = PRIV_M;
    h.mret();
  }

  /** Returns from the trap to mepc + skip (an mret). */
  private ret(h: Hart, skip: number): void {
    const lo = (h.mepcLo + skip) | 0;
    if ((lo >>> 0) < (h.mepcLo >>> 0)) h.mepcHi = (h.mepcHi + 1) | 0;
    h.mepcLo = lo;
    h.mret();
  }
}
