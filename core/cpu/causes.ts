// Trap cause codes (riscv-privileged machine.adoc, "Machine Cause Register", Table: mcause values).

export const enum Exc {
  INSN_MISALIGNED = 0, INSN_ACCESS = 1, ILLEGAL_INSN = 2, BREAKPOINT = 3,
  LOAD_MISALIGNED = 4, LOAD_ACCESS = 5, STORE_MISALIGNED = 6, STORE_ACCESS = 7,
  ECALL_U = 8, ECALL_S = 9, ECALL_VS = 10, ECALL_M = 11,
  INSN_PAGE_FAULT = 12, LOAD_PAGE_FAULT = 13, STORE_PAGE_FAULT = 15,
  INSN_GUEST_PAGE_FAULT = 20, LOAD_GUEST_PAGE_FAULT = 21, VIRTUAL_INSN = 22, STORE_GUEST_PAGE_FAULT = 23,
}

export const enum Irq { SSI = 1, VSSI = 2, MSI = 3, STI = 5, VSTI = 6, MTI = 7, SEI = 9, VSEI = 10, MEI = 11, SGEI = 12 }

export const MIP_SSIP = 1 << 1, MIP_MSIP = 1 << 3, MIP_STIP = 1 << 5, MIP_MTIP = 1 << 7, MIP_SEIP = 1 << 9, MIP_MEIP = 1 << 11;
export const MIP_VSSIP = 1 << 2, MIP_VSTIP = 1 << 6, MIP_VSEIP = 1 << 10, MIP_SGEIP = 1 << 12;
/** The S-level interrupts (SSI, STI, SEI) and the VS-level ones (VSSI, VSTI, VSEI). */
export const S_INTS = MIP_SSIP | MIP_STIP | MIP_SEIP, VS_INTS = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;

export const EXC_NAMES: Record<number, string> = {
  0: 'instruction address misaligned', 1: 'instruction access fault', 2: 'illegal instruction', 3: 'breakpoint',
  4: 'load address misaligned', 5: 'load access fault', 6: 'store/AMO address misaligned', 7: 'store/AMO access fault',
  8: 'environment call from U-mode', 9: 'environment call from S-mode', 10: 'environment call from VS-mode',
  11: 'environment call from M-mode', 12: 'instruction page fault', 13: 'load page fault', 15: 'store/AMO page fault',
  20: 'instruction guest-page fault', 21: 'load guest-page fault', 22: 'virtual instruction', 23: 'store/AMO guest-page fault',
};
export const IRQ_NAMES: Record<number, string> = {
  1: 'supervisor software interrupt', 2: 'virtual supervisor software interrupt', 3: 'machine software interrupt',
  5: 'supervisor timer interrupt', 6: 'virtual supervisor timer interrupt', 7: 'machine timer interrupt',
  9: 'supervisor external interrupt', 10: 'virtual supervisor external interrupt', 11: 'machine external interrupt',
  12: 'supervisor guest external interrupt',
};
