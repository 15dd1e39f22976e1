// CSR addresses used by the hart (riscv-privileged priv-csrs.adoc tables).

export const enum Csr {
  FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003,
  CYCLE = 0xc00, TIME = 0xc01, INSTRET = 0xc02, HPMCOUNTER3 = 0xc03, HPMCOUNTER31 = 0xc1f,
  SSTATUS = 0x100, SIE = 0x104, STVEC = 0x105, SCOUNTEREN = 0x106, SENVCFG = 0x10a,
  SSCRATCH = 0x140, SEPC = 0x141, SCAUSE = 0x142, STVAL = 0x143, SIP = 0x144, STIMECMP = 0x14d, SATP = 0x180,
  MVENDORID = 0xf11, MARCHID = 0xf12, MIMPID = 0xf13, MHARTID = 0xf14, MCONFIGPTR = 0xf15,
  MSTATUS = 0x300, MISA = 0x301, MEDELEG = 0x302, MIDELEG = 0x303, MIE = 0x304, MTVEC = 0x305, MCOUNTEREN = 0x306,
  MENVCFG = 0x30a, MCOUNTINHIBIT = 0x320, MHPMEVENT3 = 0x323, MHPMEVENT31 = 0x33f,
  MSCRATCH = 0x340, MEPC = 0x341, MCAUSE = 0x342, MTVAL = 0x343, MIP = 0x344,
  PMPCFG0 = 0x3a0, PMPCFG15 = 0x3af, PMPADDR0 = 0x3b0, PMPADDR63 = 0x3ef,
  MCYCLE = 0xb00, MINSTRET = 0xb02, MHPMCOUNTER3 = 0xb03, MHPMCOUNTER31 = 0xb1f,
  MTINST = 0x34a, MTVAL2 = 0x34b,
  // H extension (hypervisor.adoc "Hypervisor and Virtual Supervisor CSRs")
  HSTATUS = 0x600, HEDELEG = 0x602, HIDELEG = 0x603, HIE = 0x604, HTIMEDELTA = 0x605, HCOUNTEREN = 0x606,
  HGEIE = 0x607, HENVCFG = 0x60a, HTVAL = 0x643, HIP = 0x644, HVIP = 0x645, HTINST = 0x64a, HGATP = 0x680,
  HGEIP = 0xe12,
  VSSTATUS = 0x200, VSIE = 0x204, VSTVEC = 0x205, VSSCRATCH = 0x240, VSEPC = 0x241, VSCAUSE = 0x242, VSTVAL = 0x243,
  VSIP = 0x244, VSTIMECMP = 0x24d, VSATP = 0x280,
}

// mstatus bits (low word unless noted)
export const MSTATUS_SIE = 1 << 1, MSTATUS_MIE = 1 << 3, MSTATUS_SPIE = 1 << 5, MSTATUS_UBE = 1 << 6, MSTATUS_MPIE = 1 << 7;
export const MSTATUS_SPP = 1 << 8, MSTATUS_VS = 3 << 9, MSTATUS_MPP = 3 << 11, MSTATUS_FS = 3 << 13, MSTATUS_XS = 3 << 15;
export const MSTATUS_MPRV = 1 << 17, MSTATUS_SUM = 1 << 18, MSTATUS_MXR = 1 << 19, MSTATUS_TVM = 1 << 20;
export const MSTATUS_TW = 1 << 21, MSTATUS_TSR = 1 << 22;
/** High word of mstatus: UXL = SXL = 2 (64-bit), fixed. SD is bit 31 of the high word. */
export const MSTATUS_HI_FIXED = 0xa;
/** mstatus GVA (bit 38) and MPV (bit 39), as bits of the high word. */
export const MSTATUS_HI_GVA = 1 << 6, MSTATUS_HI_MPV = 1 << 7;

// hstatus bits (hypervisor.adoc "Hypervisor Status Register"); VSXL (bits 33:32) is fixed at 2 (64-bit).
export const HSTATUS_GVA = 1 << 6, HSTATUS_SPV = 1 << 7, HSTATUS_SPVP = 1 << 8, HSTATUS_HU = 1 << 9;
export const HSTATUS_VTVM = 1 << 20, HSTATUS_VTW = 1 << 21, HSTATUS_VTSR = 1 << 22;
export const HSTATUS_WMASK = HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR;

/** misa: MXL=2 and extensions A C D F H I M S U. */
export const MISA_EXT = (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
