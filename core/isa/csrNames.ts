// CSR numbers and names: every CSR of the privileged spec (M, S, U, H, counters, PMP, FP, debug/trigger),
// used by the disassembler, the assembler and the debugger's register views.

/** Fixed CSR names (Privileged spec, "CSR Listing" tables). Ranges (counters, PMP) are added below. */
const FIXED: readonly (readonly [number, string])[] = [
  // Unprivileged floating-point, vector, entropy, shadow-stack and table-jump CSRs.
  [0x001, 'fflags'], [0x002, 'frm'], [0x003, 'fcsr'],
  [0x008, 'vstart'], [0x009, 'vxsat'], [0x00a, 'vxrm'], [0x00f, 'vcsr'],
  [0x011, 'ssp'], [0x015, 'seed'], [0x017, 'jvt'],
  [0xc20, 'vl'], [0xc21, 'vtype'], [0xc22, 'vlenb'],
  // Unprivileged counters/timers (hpmcounter3..31 added below).
  [0xc00, 'cycle'], [0xc01, 'time'], [0xc02, 'instret'],
  [0xc80, 'cycleh'], [0xc81, 'timeh'], [0xc82, 'instreth'],
  // Supervisor.
  [0x100, 'sstatus'], [0x104, 'sie'], [0x105, 'stvec'], [0x106, 'scounteren'], [0x10a, 'senvcfg'],
  [0x10c, 'sstateen0'], [0x10d, 'sstateen1'], [0x10e, 'sstateen2'], [0x10f, 'sstateen3'],
  [0x120, 'scountinhibit'],
  [0x140, 'sscratch'], [0x141, 'sepc'], [0x142, 'scause'], [0x143, 'stval'], [0x144, 'sip'],
  [0x14d, 'stimecmp'], [0x15d, 'stimecmph'], [0x14e, 'sctrctl'], [0x14f, 'sctrstatus'], [0x15f, 'sctrdepth'],
  [0x150, 'siselect'], [0x151, 'sireg'], [0x152, 'sireg2'], [0x153, 'sireg3'], [0x155, 'sireg4'],
  [0x156, 'sireg5'], [0x157, 'sireg6'], [0x15c, 'stopei'],
  [0x180, 'satp'], [0x181, 'srmcfg'], [0x5a8, 'scontext'], [0xda0, 'scountovf'], [0xdb0, 'stopi'],
  // Hypervisor and virtual supervisor.
  [0x600, 'hstatus'], [0x602, 'hedeleg'], [0x603, 'hideleg'], [0x604, 'hie'], [0x605, 'htimedelta'],
  [0x606, 'hcounteren'], [0x607, 'hgeie'], [0x608, 'hvien'], [0x609, 'hvictl'], [0x60a, 'henvcfg'],
  [0x60c, 'hstateen0'], [0x60d, 'hstateen1'], [0x60e, 'hstateen2'], [0x60f, 'hstateen3'],
  [0x612, 'hedelegh'], [0x613, 'hidelegh'], [0x615, 'htimedeltah'], [0x618, 'hvienh'],
  [0x61a, 'henvcfgh'], [0x61c, 'hstateen0h'], [0x61d, 'hstateen1h'], [0x61e, 'hstateen2h'], [0x61f, 'hstateen3h'],
  [0x643, 'htval'], [0x644, 'hip'], [0x645, 'hvip'], [0x646, 'hviprio1'], [0x647, 'hviprio2'], [0x64a, 'htinst'],
  [0x655, 'hviph'], [0x656, 'hviprio1h'], [0x657, 'hviprio2h'],
  [0x680, 'hgatp'], [0x6a8, 'hcontext'], [0xe12, 'hgeip'],
  [0x200, 'vsstatus'], [0x204, 'vsie'], [0x205, 'vstvec'], [0x240, 'vsscratch'], [0x241, 'vsepc'],
  [0x242, 'vscause'], [0x243, 'vstval'], [0x244, 'vsip'], [0x24d, 'vstimecmp'], [0x25d, 'vstimecmph'],
  [0x24e, 'vsctrctl'], [0x250, 'vsiselect'], [0x251, 'vsireg'], [0x252, 'vsireg2'], [0x253, 'vsireg3'],
  [0x255, 'vsireg4'], [0x256, 'vsireg5'], [0x257, 'vsireg6'], [0x25c, 'vstopei'],
  [0x280, 'vsatp'], [0xeb0, 'vstopi'],
  // Machine information, trap setup and handling.
  [0xf11, 'mvendorid'], [0xf12, 'marchid'], [0xf13, 'mimpid'], [0xf14, 'mhartid'], [0xf15, 'mconfigptr'],
  [0x300, 'mstatus'], [0x301, 'misa'], [0x302, 'medeleg'], [0x303, 'mideleg'], [0x304, 'mie'], [0x305, 'mtvec'],
  [0x306, 'mcounteren'], [0x308, 'mvien'], [0x309, 'mvip'], [0x30a, 'menvcfg'],
  [0x30c, 'mstateen0'], [0x30d, 'mstateen1'], [0x30e, 'mstateen2'], [0x30f, 'mstateen3'],
  [0x310, 'mstatush'], [0x312, 'medelegh'], [0x313, 'midelegh'], [0x314, 'mieh'], [0x318, 'mvienh'],
  [0x319, 'mviph'], [0x31a, 'menvcfgh'], [0x31c, 'mstateen0h'], [0x31d, 'mstateen1h'], [0x31e, 'mstateen2h'],
  [0x31f, 'mstateen3h'], [0x316, 'mpmpdeleg'],
  [0x320, 'mcountinhibit'], [0x321, 'mcyclecfg'], [0x322, 'minstretcfg'], [0x721, 'mcyclecfgh'], [0x722, 'minstretcfgh'],
  [0x340, 'mscratch'], [0x341, 'mepc'], [0x342, 'mcause'], [0x343, 'mtval'], [0x344, 'mip'],
  [0x34a, 'mtinst'], [0x34b, 'mtval2'], [0x34e, 'mctrctl'],
  [0x350, 'miselect'], [0x351, 'mireg'], [0x352, 'mireg2'], [0x353, 'mireg3'], [0x355, 'mireg4'],
  [0x356, 'mireg5'], [0x357, 'mireg6'], [0x35c, 'mtopei'], [0x354, 'miph'], [0xfb0, 'mtopi'],
  [0x740, 'mnscratch'], [0x741, 'mnepc'], [0x742, 'mncause'], [0x744, 'mnstatus'],
  [0x747, 'mseccfg'], [0x757, 'mseccfgh'],
  // Machine counters (mhpmcounter*/mhpmevent* added below).
  [0xb00, 'mcycle'], [0xb02, 'minstret'], [0xb80, 'mcycleh'], [0xb82, 'minstreth'],
  // Debug and trigger module.
  [0x7a0, 'tselect'], [0x7a1, 'tdata1'], [0x7a2, 'tdata2'], [0x7a3, 'tdata3'], [0x7a4, 'tinfo'],
  [0x7a5, 'tcontrol'], [0x7a8, 'mcontext'], [0x7aa, 'mscontext'],
  [0x7b0, 'dcsr'], [0x7b1, 'dpc'], [0x7b2, 'dscratch0'], [0x7b3, 'dscratch1'],
];

function build(): Map<number, string> {
  const m = new Map<number, string>();
  for (const [n, name] of FIXED) m.set(n, name);
  for (let i = 3; i < 32; i++) {
    m.set(0xc00 + i, `hpmcounter${i}`);
    m.set(0xc80 + i, `hpmcounter${i}h`);
    m.set(0xb00 + i, `mhpmcounter${i}`);
    m.set(0xb80 + i, `mhpmcounter${i}h`);
    m.set(0x320 + i, `mhpmevent${i}`);
    m.set(0x720 + i, `mhpmevent${i}h`);
  }
  for (let i = 0; i < 16; i++) m.set(0x3a0 + i, `pmpcfg${i}`);
  for (let i = 0; i < 64; i++) m.set(0x3b0 + i, `pmpaddr${i}`);
  return m;
}

/** CSR number → name. */
export const CSR_NAMES: ReadonlyMap<number, string> = build();

const BY_NAME: ReadonlyMap<string, number> = new Map([...CSR_NAMES].map(([n, name]) => [name, n]));

/** Name of CSR n, or its number as `0x%03x` when it has none. */
export function csrName(n: number): string {
  return CSR_NAMES.get(n) ?? `0x${n.toString(16).padStart(3, '0')}`;
}

/** CSR number for a name (as printed by csrName, including the `0x...` form), or undefined. */
export function csrNumber(name: string): number | undefined {
  const n = BY_NAME.get(name.toLowerCase());
  if (n !== undefined) return n;
  if (/^0x[0-9a-f]{1,3}$/i.test(name)) return parseInt(name, 16);
  return undefined;
}
