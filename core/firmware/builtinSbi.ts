// Built-in SBI firmware (`--bios builtin`): the M-mode side of the RISC-V SBI written in TypeScript, so S-mode
// kernels run without OpenSBI. Harts start in S-mode at the kernel's entry (hart 0; the others wait for HSM
// hart_start); every trap into M-mode is handled here and returns at once, as if firmware had run an mret.
// Implements BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN and the legacy console calls (riscv-sbi-doc chapters 3-10).

import { Hart, PRIV_M, PRIV_S } from '../cpu/hart';
import { Exc, MIP_MTIP, MIP_SSIP, MIP_STIP, VS_INTS } from '../cpu/causes';
import { MSTATUS_MPP } from '../cpu/csrNumbers';
import { MENVCFG_STCE_HI } from '../cpu/csr';
import type { Machine } from '../machine';

import { HSM_STARTED, HSM_STOPPED, SBI_ERR_ALREADY_AVAILABLE, SBI_SUCCESS, type SbiEnv, sbiCall } from './sbiCalls';

export { SBI_IMPL_ID } from './sbiCalls';
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

  private readonly env: SbiEnv;

  constructor(private readonly host: SbiHost) {
    this.state = host.machine.harts.map(() => HSM_STOPPED);
    this.env = this.makeEnv();
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
      sbiCall(this.env, h, h.id);
      this.ret(h, 4);
      return;
    }
    // Anything else reaching M-mode is a kernel bug the firmware cannot fix: stop the machine with the cause.
    this.host.machine.requestExit(0x80 | t.cause);
  }

  /** The M-mode side of each SBI function. */
  private makeEnv(): SbiEnv {
    return {
      hartCount: this.host.machine.harts.length,
      implVersion: 1,
      setTimer: (caller, when) => {
        const h = this.host.machine.harts[caller];
        h.mipSw &= ~MIP_STIP;
        this.host.setTimer(caller, when);
        h.mie |= MIP_MTIP;
      },
      putBytes: (bytes) => this.host.putchar(bytes),
      getchar: () => this.host.getchar(),
      reset: (kind, failure) => this.host.systemReset(kind, failure),
      sendIpi: (t) => { const x = this.host.machine.harts[t]; x.mipSw |= MIP_SSIP; x.irqCheck = true; x.waiting = false; },
      remoteFence: (t) => { const x = this.host.machine.harts[t]; x.tlb.flushAll(); x.mmuContextChanged(); },
      hartStart: (id, pc, arg) => {
        if (this.state[id] !== HSM_STOPPED) return SBI_ERR_ALREADY_AVAILABLE;
        const t = this.host.machine.harts[id];
        t.mie = MIP_MTIP;
        this.enterS(t, pc, arg);
        t.waiting = false;
        return SBI_SUCCESS;
      },
      hartStop: (caller) => { const h = this.host.machine.harts[caller]; this.state[caller] = HSM_STOPPED; h.waiting = true; h.mie = 0; },
      hartStatus: (id) => this.state[id],
      readMemory: (pa, len) => {
        try { return this.host.machine.readPhys(Number(pa), len); } catch { return null; }
      },
    };
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
