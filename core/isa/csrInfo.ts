// What is known about a CSR, for the language server's hovers and the debugger's CSR view: number, privilege and
// access from the number's encoding (Privileged spec, "CSR Address Mapping Conventions"), a description, and the
// fields of the CSRs a hypervisor or kernel writer reads most (Privileged spec: "mstatus", "satp", "hstatus", "hgatp",
// "mip and mie", "mcause").

import { CSR_NAMES, csrNumber } from './csrNames';

/** One field of a CSR: bits hi..lo. */
export interface CsrField {
  name: string;
  hi: number;
  lo: number;
  desc: string;
}

/** What is known about one CSR. */
export interface CsrInfo {
  name: string;
  num: number;
  /** Lowest privilege level that may access it: 'U', 'S', 'HS' (hypervisor/VS CSRs) or 'M'. */
  privilege: 'U' | 'S' | 'HS' | 'M';
  readOnly: boolean;
  desc: string;
  fields: readonly CsrField[];
}

const F = (name: string, hi: number, lo: number, desc: string): CsrField => ({ name, hi, lo, desc });

const SSTATUS: CsrField[] = [
  F('SIE', 1, 1, 'S-mode interrupt enable'), F('SPIE', 5, 5, 'SIE before the trap'),
  F('UBE', 6, 6, 'U-mode big-endian'), F('SPP', 8, 8, 'privilege before the trap (0 U, 1 S)'),
  F('VS', 10, 9, 'vector unit state'), F('FS', 14, 13, 'FP unit state (0 Off, 1 Initial, 2 Clean, 3 Dirty)'),
  F('XS', 16, 15, 'extension state'), F('SUM', 18, 18, 'permit S-mode access to U pages'),
  F('MXR', 19, 19, 'make executable pages readable'), F('SPELP', 23, 23, 'expected landing pad before the trap'),
  F('SDT', 24, 24, 'S-mode double trap'), F('UXL', 33, 32, 'U-mode XLEN (2 = 64)'), F('SD', 63, 63, 'some state dirty'),
];
const MSTATUS: CsrField[] = [
  F('SIE', 1, 1, 'S-mode interrupt enable'), F('MIE', 3, 3, 'M-mode interrupt enable'),
  F('SPIE', 5, 5, 'SIE before the trap'), F('UBE', 6, 6, 'U-mode big-endian'), F('MPIE', 7, 7, 'MIE before the trap'),
  F('SPP', 8, 8, 'S trap: previous privilege (0 U, 1 S)'), F('VS', 10, 9, 'vector unit state'),
  F('MPP', 12, 11, 'M trap: previous privilege (0 U, 1 S, 3 M)'),
  F('FS', 14, 13, 'FP unit state (0 Off, 1 Initial, 2 Clean, 3 Dirty)'), F('XS', 16, 15, 'extension state'),
  F('MPRV', 17, 17, 'loads/stores translate as in MPP'), F('SUM', 18, 18, 'permit S-mode access to U pages'),
  F('MXR', 19, 19, 'make executable pages readable'), F('TVM', 20, 20, 'trap satp accesses and sfence.vma in S-mode'),
  F('TW', 21, 21, 'timeout wait: trap wfi'), F('TSR', 22, 22, 'trap sret in S-mode'),
  F('SPELP', 23, 23, 'expected landing pad (S)'), F('SDT', 24, 24, 'S-mode double trap'),
  F('UXL', 33, 32, 'U-mode XLEN'), F('SXL', 35, 34, 'S-mode XLEN'), F('SBE', 36, 36, 'S-mode big-endian'),
  F('MBE', 37, 37, 'M-mode big-endian'), F('GVA', 38, 38, 'mtval holds a guest virtual address'),
  F('MPV', 39, 39, 'M trap: previous virtualization mode (V)'), F('MPELP', 41, 41, 'expected landing pad (M)'),
  F('MDT', 42, 42, 'M-mode double trap'), F('SD', 63, 63, 'some state dirty'),
];
const HSTATUS: CsrField[] = [
  F('VSBE', 5, 5, 'VS-mode big-endian'), F('GVA', 6, 6, 'stval holds a guest virtual address'),
  F('SPV', 7, 7, 'HS trap: previous virtualization mode (sret returns to V = SPV)'),
  F('SPVP', 8, 8, 'privilege of the guest when the trap came from V = 1 (HLV/HSV use it)'),
  F('HU', 9, 9, 'allow HLV/HSV in U-mode'), F('VGEIN', 17, 12, 'guest external interrupt number for VS'),
  F('VTVM', 20, 20, 'trap vsatp accesses and sfence.vma in VS-mode (virtual instruction)'),
  F('VTW', 21, 21, 'trap wfi in VS-mode'), F('VTSR', 22, 22, 'trap sret in VS-mode'),
  F('VSXL', 33, 32, 'VS-mode XLEN (2 = 64)'), F('HUPMM', 49, 48, 'HLV/HSV pointer masking'),
];
const SATP: CsrField[] = [
  F('PPN', 43, 0, 'physical page number of the root page table'),
  F('ASID', 59, 44, 'address-space identifier'),
  F('MODE', 63, 60, 'translation scheme (0 Bare, 8 Sv39, 9 Sv48, 10 Sv57)'),
];
const HGATP: CsrField[] = [
  F('PPN', 43, 0, 'physical page number of the root G-stage table (16 KiB aligned)'),
  F('VMID', 57, 44, 'virtual-machine identifier'),
  F('MODE', 63, 60, 'G-stage scheme (0 Bare, 8 Sv39x4, 9 Sv48x4, 10 Sv57x4)'),
];
const MIP: CsrField[] = [
  F('SSIP', 1, 1, 'S software interrupt'), F('VSSIP', 2, 2, 'VS software interrupt'),
  F('MSIP', 3, 3, 'M software interrupt'), F('STIP', 5, 5, 'S timer interrupt'), F('VSTIP', 6, 6, 'VS timer interrupt'),
  F('MTIP', 7, 7, 'M timer interrupt'), F('SEIP', 9, 9, 'S external interrupt'), F('VSEIP', 10, 10, 'VS external interrupt'),
  F('MEIP', 11, 11, 'M external interrupt'), F('SGEIP', 12, 12, 'supervisor guest external interrupt'),
  F('LCOFIP', 13, 13, 'counter-overflow interrupt'),
];
const SIP: CsrField[] = [
  F('SSIP', 1, 1, 'S software interrupt'), F('STIP', 5, 5, 'S timer interrupt'),
  F('SEIP', 9, 9, 'S external interrupt'), F('LCOFIP', 13, 13, 'counter-overflow interrupt'),
];
const HIP: CsrField[] = [
  F('VSSIP', 2, 2, 'VS software interrupt'), F('VSTIP', 6, 6, 'VS timer interrupt'),
  F('VSEIP', 10, 10, 'VS external interrupt'), F('SGEIP', 12, 12, 'supervisor guest external interrupt'),
];
const HVIP: CsrField[] = HIP.slice(0, 3);
const CAUSE: CsrField[] = [
  F('Exception Code', 62, 0, 'exceptions: 0 insn misaligned, 1 insn access, 2 illegal insn, 3 breakpoint, ' +
    '4 load misaligned, 5 load access, 6 store misaligned, 7 store access, 8 ecall U/VU, 9 ecall HS, ' +
    '10 ecall VS, 11 ecall M, 12 insn page fault, 13 load page fault, 15 store page fault, ' +
    '18 software check, 19 hardware error, 20 insn guest-page fault, 21 load guest-page fault, ' +
    '22 virtual instruction, 23 store guest-page fault; interrupts: 1 SSI, 2 VSSI, 3 MSI, 5 STI, ' +
    '6 VSTI, 7 MTI, 9 SEI, 10 VSEI, 11 MEI, 12 SGEI, 13 LCOFI'),
  F('Interrupt', 63, 63, '1: the trap was an interrupt'),
];
const TVEC: CsrField[] = [
  F('MODE', 1, 0, '0 direct, 1 vectored (interrupts to BASE + 4 * cause)'),
  F('BASE', 63, 2, 'trap vector base address (4-byte aligned)'),
];
const MISA: CsrField[] = [
  F('Extensions', 25, 0, 'one bit per letter (A = bit 0 ... H = bit 7 ... Z = bit 25)'),
  F('MXL', 63, 62, 'native XLEN (2 = 64)'),
];
const ENVCFG: CsrField[] = [
  F('FIOM', 0, 0, 'fence of I/O implies memory'), F('CBIE', 5, 4, 'cbo.inval enable'),
  F('CBCFE', 6, 6, 'cbo.clean/flush enable'), F('CBZE', 7, 7, 'cbo.zero enable'),
  F('PBMTE', 62, 62, 'Svpbmt enable'), F('STCE', 63, 63, 'Sstc (stimecmp) enable'),
];

/** CSR name → [description, fields]. */
const KNOWN: ReadonlyMap<string, readonly [string, readonly CsrField[]]> = new Map<string, [string, CsrField[]]>([
  ['fflags', ['FP accrued exceptions (NV DZ OF UF NX)', []]],
  ['frm', ['FP dynamic rounding mode', []]],
  ['fcsr', ['FP control and status (frm and fflags)', []]],
  ['cycle', ['cycle counter (read-only shadow of mcycle)', []]],
  ['time', ['real-time counter (mtime)', []]],
  ['instret', ['instructions-retired counter', []]],
  ['sstatus', ['supervisor status (a view of mstatus)', SSTATUS]],
  ['sie', ['supervisor interrupt enable', SIP]],
  ['stvec', ['supervisor trap vector', TVEC]],
  ['scounteren', ['counters available to U-mode', []]],
  ['senvcfg', ['supervisor environment configuration', ENVCFG.slice(0, 4)]],
  ['sscratch', ['supervisor scratch register', []]],
  ['sepc', ['supervisor exception pc', []]],
  ['scause', ['supervisor trap cause', CAUSE]],
  ['stval', ['supervisor trap value (faulting address or instruction)', []]],
  ['sip', ['supervisor interrupt pending', SIP]],
  ['stimecmp', ['supervisor timer compare (Sstc)', []]],
  ['satp', ['supervisor address translation and protection', SATP]],
  ['hstatus', ['hypervisor status', HSTATUS]],
  ['hedeleg', ['hypervisor exception delegation to VS-mode', []]],
  ['hideleg', ['hypervisor interrupt delegation to VS-mode', []]],
  ['hie', ['hypervisor interrupt enable', HIP]],
  ['hip', ['hypervisor interrupt pending', HIP]],
  ['hvip', ['hypervisor virtual interrupt pending (injects VS interrupts)', HVIP]],
  ['htimedelta', ['time offset for VS/VU-mode (time + htimedelta)', []]],
  ['hcounteren', ['counters available to the guest', []]],
  ['hgeie', ['hypervisor guest external interrupt enable', []]],
  ['hgeip', ['hypervisor guest external interrupt pending', []]],
  ['henvcfg', ['hypervisor environment configuration (for VS/VU)', ENVCFG]],
  ['htval', ['hypervisor trap value: guest physical address >> 2 of a guest-page fault', []]],
  ['htinst', ['hypervisor trap instruction (transformed)', []]],
  ['hgatp', ['hypervisor guest address translation (G-stage root)', HGATP]],
  ['vsstatus', ['virtual supervisor status (sstatus while V = 1)', SSTATUS]],
  ['vsie', ['virtual supervisor interrupt enable', SIP]],
  ['vstvec', ['virtual supervisor trap vector', TVEC]],
  ['vsscratch', ['virtual supervisor scratch', []]],
  ['vsepc', ['virtual supervisor exception pc', []]],
  ['vscause', ['virtual supervisor trap cause', CAUSE]],
  ['vstval', ['virtual supervisor trap value', []]],
  ['vsip', ['virtual supervisor interrupt pending', SIP]],
  ['vstimecmp', ['virtual supervisor timer compare (Sstc)', []]],
  ['vsatp', ['virtual supervisor address translation (VS-stage root, satp while V = 1)', SATP]],
  ['mvendorid', ['vendor ID', []]],
  ['marchid', ['architecture ID', []]],
  ['mimpid', ['implementation ID', []]],
  ['mhartid', ['hart ID', []]],
  ['mstatus', ['machine status', MSTATUS]],
  ['misa', ['ISA and extensions', MISA]],
  ['medeleg', ['machine exception delegation to S-mode', []]],
  ['mideleg', ['machine interrupt delegation to S-mode', MIP]],
  ['mie', ['machine interrupt enable', MIP]],
  ['mip', ['machine interrupt pending', MIP]],
  ['mtvec', ['machine trap vector', TVEC]],
  ['mcounteren', ['counters available to S-mode', []]],
  ['menvcfg', ['machine environment configuration', ENVCFG]],
  ['mscratch', ['machine scratch register', []]],
  ['mepc', ['machine exception pc', []]],
  ['mcause', ['machine trap cause', CAUSE]],
  ['mtval', ['machine trap value', []]],
  ['mtinst', ['machine trap instruction (transformed)', []]],
  ['mtval2', ['machine second trap value: guest physical address >> 2 of a guest-page fault', []]],
  ['mcycle', ['machine cycle counter', []]],
  ['minstret', ['machine instructions-retired counter', []]],
  ['mcountinhibit', ['machine counter inhibit', []]],
  ['mseccfg', ['machine security configuration', []]],
  ['tselect', ['debug trigger select', []]],
  ['dcsr', ['debug control and status', []]],
  ['dpc', ['debug pc', []]],
]);

function privilegeOf(num: number): CsrInfo['privilege'] {
  switch ((num >> 8) & 3) {
    case 0: return 'U';
    case 1: return 'S';
    case 2: return 'HS';
    default: return 'M';
  }
}

function rangeDesc(name: string): string {
  let m = /^pmpcfg(\d+)$/.exec(name);
  if (m !== null) return 'physical memory protection configuration';
  m = /^pmpaddr(\d+)$/.exec(name);
  if (m !== null) return 'physical memory protection address';
  if (/^m?hpmcounter\d+h?$/.test(name)) return 'hardware performance counter';
  if (/^mhpmevent\d+h?$/.test(name)) return 'hardware performance event selector';
  return '';
}

/** Everything known about the CSR `nameOrNumber` (a name, or a number as written in source), or undefined. */
export function csrInfo(nameOrNumber: string | number): CsrInfo | undefined {
  const num = typeof nameOrNumber === 'number' ? nameOrNumber : csrNumber(nameOrNumber);
  if (num === undefined || num < 0 || num > 0xfff) return undefined;
  const name = CSR_NAMES.get(num) ?? `0x${num.toString(16).padStart(3, '0')}`;
  const known = KNOWN.get(name);
  return {
    name, num,
    privilege: privilegeOf(num),
    readOnly: ((num >> 10) & 3) === 3,
    desc: known?.[0] ?? rangeDesc(name),
    fields: known?.[1] ?? [],
  };
}

/** Every CSR name (for completion and the grammar). */
export const CSR_NAME_LIST: readonly string[] = [...CSR_NAMES.values()];
