// RISC-V IOMMU constants: register offsets and fields (iommu_registers.adoc), fault causes and transaction types
// (iommu_in_memory_queues.adoc "Fault/Event-Queue"), command opcodes, and the capabilities this model offers.

/** Register offsets in the 4 KiB register page (iommu_registers.adoc "Register layout"). */
export const enum Reg {
  CAPABILITIES = 0, FCTL = 8, DDTP = 16, CQB = 24, CQH = 32, CQT = 36, FQB = 40, FQH = 48, FQT = 52,
  PQB = 56, PQH = 64, PQT = 68, CQCSR = 72, FQCSR = 76, PQCSR = 80, IPSR = 84, ICVEC = 760,
}

/** ddtp.iommu_mode. */
export const enum DdtMode { OFF = 0, BARE = 1, LVL1 = 2, LVL2 = 3, LVL3 = 4 }
/** ddtp.iommu_mode names. */
export const DDT_MODE_NAMES = ['Off', 'Bare', '1LVL', '2LVL', '3LVL'];

/** cqcsr bits. */
export const CQCSR_CQEN = 1 << 0, CQCSR_CIE = 1 << 1, CQCSR_CQMF = 1 << 8, CQCSR_CMD_TO = 1 << 9,
  CQCSR_CMD_ILL = 1 << 10, CQCSR_FENCE_W_IP = 1 << 11, CQCSR_CQON = 1 << 16;
/** cqcsr error bits that stop command processing. */
export const CQCSR_STOP = CQCSR_CQMF | CQCSR_CMD_TO | CQCSR_CMD_ILL;
/** fqcsr bits. */
export const FQCSR_FQEN = 1 << 0, FQCSR_FIE = 1 << 1, FQCSR_FQMF = 1 << 8, FQCSR_FQOF = 1 << 9, FQCSR_FQON = 1 << 16;
/** ipsr bits. */
export const IPSR_CIP = 1 << 0, IPSR_FIP = 1 << 1, IPSR_PMIP = 1 << 2, IPSR_PIP = 1 << 3;

/** capabilities bits 31:0. */
export const CAP_SV39 = 1 << 9, CAP_SV48 = 1 << 10, CAP_SV39X4 = 1 << 17, CAP_SV48X4 = 1 << 18,
  CAP_MSI_FLAT = 1 << 22, CAP_AMO_HWAD = 1 << 24, CAP_IGS_WSI = 1 << 28;
/** capabilities bits 63:32, as seen in the high word. */
export const CAPH_PD8 = 1 << 6, CAPH_PD17 = 1 << 7, CAPH_PD20 = 1 << 8;
/** capabilities.version: 1.0. */
export const IOMMU_VERSION = 0x10;

/** fctl: WSI is the only interrupt method (capabilities.IGS = WSI), so it reads 1; BE and GXL read 0. */
export const FCTL_WSI = 1 << 1;

/** Fault record CAUSE values (iommu_in_memory_queues.adoc, table "Fault record CAUSE field encodings"). */
export const enum Cause {
  INSTR_ACCESS = 1, READ_ACCESS = 5, WRITE_ACCESS = 7,
  INSTR_PAGE = 12, READ_PAGE = 13, WRITE_PAGE = 15,
  INSTR_GUEST_PAGE = 20, READ_GUEST_PAGE = 21, WRITE_GUEST_PAGE = 23,
  ALL_DISALLOWED = 256, DDT_LOAD_ACCESS = 257, DDT_INVALID = 258, DDT_MISCONFIGURED = 259, TTYP_DISALLOWED = 260,
  MSI_LOAD_ACCESS = 261, MSI_INVALID = 262, MSI_MISCONFIGURED = 263,
  PDT_LOAD_ACCESS = 265, PDT_INVALID = 266, PDT_MISCONFIGURED = 267,
}

/** A sentence per cause, for logs and the debugger. */
export const CAUSE_NAMES: Readonly<Record<number, string>> = {
  1: 'Instruction access fault', 5: 'Read access fault', 7: 'Write/AMO access fault',
  12: 'Instruction page fault', 13: 'Read page fault', 15: 'Write/AMO page fault',
  20: 'Instruction guest page fault', 21: 'Read guest-page fault', 23: 'Write/AMO guest-page fault',
  256: 'All inbound transactions disallowed', 257: 'DDT entry load access fault', 258: 'DDT entry not valid',
  259: 'DDT entry misconfigured', 260: 'Transaction type disallowed', 261: 'MSI PTE load access fault',
  262: 'MSI PTE not valid', 263: 'MSI PTE misconfigured', 265: 'PDT entry load access fault',
  266: 'PDT entry not valid', 267: 'PDT entry misconfigured',
};

/** Causes reported even when DC.tc.DTF = 1 (the "Reported if DTF is 1?" column). */
export function reportedWithDtf(cause: number): boolean {
  return cause === 256 || cause === 257 || cause === 258 || cause === 259 || cause === 268 || cause === 272 || cause === 273;
}

/** Fault record TTYP values. */
export const enum Ttyp { NONE = 0, UNTRANSLATED_EXEC = 1, UNTRANSLATED_READ = 2, UNTRANSLATED_WRITE = 3 }

/** Command opcodes and functions (iommu_in_memory_queues.adoc "Command-Queue"). */
export const enum Opcode { IOTINVAL = 1, IOFENCE = 2, IODIR = 3, ATS = 4 }
export const enum Func3 { VMA = 0, GVMA = 1 }
export const FUNC3_FENCE_C = 0, FUNC3_INVAL_DDT = 0, FUNC3_INVAL_PDT = 1;

/** pdtp.MODE. */
export const enum PdtMode { BARE = 0, PD8 = 1, PD17 = 2, PD20 = 3 }
/** msiptp.MODE. */
export const enum MsiMode { OFF = 0, FLAT = 1 }

const TWO_32 = 4294967296;

/** Bits hiBit:loBit of a (lo, hi) 64-bit pair as a non-negative Number (width ≤ 53). */
export function field64(lo: number, hi: number, hiBit: number, loBit: number): number {
  if (hiBit < 32) return ((lo >>> loBit) & mask32(hiBit - loBit + 1)) >>> 0;
  if (loBit >= 32) return ((hi >>> (loBit - 32)) & mask32(hiBit - loBit + 1)) >>> 0;
  const h = (hi & mask32(hiBit - 31)) >>> 0;
  return (lo >>> loBit) + h * Math.pow(2, 32 - loBit);
}

function mask32(width: number): number { return width >= 32 ? -1 : (1 << width) - 1; }

/** Splits a non-negative Number below 2^64 into its low and high words. */
export function lo32(v: number): number { return (v % TWO_32) >>> 0; }
export function hi32(v: number): number { return Math.floor(v / TWO_32) >>> 0; }
/** A (lo, hi) pair as a Number (exact below 2^53). */
export function num64(lo: number, hi: number): number { return (hi >>> 0) * TWO_32 + (lo >>> 0); }
