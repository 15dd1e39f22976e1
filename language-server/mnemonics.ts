// What the assembler accepts as a mnemonic: every entry of core/isa's instruction table with the operand
// forms GNU as allows for it, plus GNU as's pseudo-instructions (Unprivileged spec, "RISC-V Assembly
// Programmer's Handbook" pseudo-instruction tables; binutils riscv-opc aliases).

import { INSNS, InsnSpec } from '../core/isa/table';

/**
 * Operand kinds a form expects:
 * x/f integer/FP register, sp the stack pointer, imm12 signed 12-bit, cimm6 signed 6-bit, shamt6 0..63,
 * shamt5 0..31, uimm20 0..0xfffff, uimm5 0..31, imm any immediate, imm64 a 64-bit value, btarget/jtarget/ctarget
 * a branch/jump/compressed-jump target, mem off(reg) (or a symbol for the load pseudo-forms), amo (reg),
 * csr a CSR name or number, rm a rounding mode, fence a fence set (iorw), sym a symbol or expression,
 * tprel %tprel_add(sym).
 */
export type OperandKind =
  | 'x' | 'f' | 'sp' | 'imm12' | 'cimm6' | 'shamt6' | 'shamt5' | 'uimm20' | 'uimm5' | 'imm' | 'imm64'
  | 'btarget' | 'jtarget' | 'ctarget' | 'mem' | 'amo' | 'csr' | 'rm' | 'fence' | 'sym' | 'tprel';

/** One accepted operand list; `optionalRm` allows a trailing rounding mode. */
export interface OperandForm {
  kinds: OperandKind[];
  optionalRm?: boolean;
}

/** A mnemonic with its accepted forms and the text shown in hovers and completions. */
export interface MnemonicInfo {
  name: string;
  /** 'insn' for a table entry, 'pseudo' for an assembler alias. */
  kind: 'insn' | 'pseudo';
  forms: OperandForm[];
  /** Syntax lines, e.g. "addi rd, rs1, imm". */
  syntax: string[];
  desc: string;
  /** Extension name as in the table ('I', 'M', 'Zba', 'H', ...). */
  ext: string;
  /** The table entry (instructions only). */
  spec?: InsnSpec;
  /** What a pseudo-instruction expands to. */
  expansion?: string;
}

const f = (...kinds: OperandKind[]): OperandForm => ({ kinds });

/** Operand kind for one operand of a table entry. */
function kindOf(spec: InsnSpec, op: string): OperandKind {
  switch (op) {
    case 'rd': case 'rs1': case 'rs2': return 'x';
    case 'frd': case 'frs1': case 'frs2': case 'frs3': return 'f';
    case 'sp': return 'sp';
    case 'imm':
      if (spec.len === 2) return spec.name === 'c.addi16sp' ? 'imm' : 'cimm6';
      return 'imm12';
    case 'shamt': return spec.len === 4 && /w$/.test(spec.name) ? 'shamt5' : 'shamt6';
    case 'uimm20': return spec.len === 2 ? 'imm' : 'uimm20';
    case 'target': return spec.len === 2 ? 'ctarget' : spec.format === 'J' ? 'jtarget' : 'btarget';
    case 'imm(rs1)': case 'imm(sp)': return 'mem';
    case '(rs1)': return 'amo';
    case 'pred': case 'succ': return 'fence';
    case 'csr': return 'csr';
    case 'uimm5': return 'uimm5';
    default: return 'imm';
  }
}

/** Register-register instructions GNU as also accepts with an immediate last operand (the I-form alias). */
const IMM_ALIAS: ReadonlyMap<string, OperandKind> = new Map([
  ['add', 'imm12'], ['and', 'imm12'], ['or', 'imm12'], ['xor', 'imm12'], ['slt', 'imm12'], ['sltu', 'imm12'],
  ['addw', 'imm12'], ['sll', 'shamt6'], ['srl', 'shamt6'], ['sra', 'shamt6'], ['sllw', 'shamt5'],
  ['srlw', 'shamt5'], ['sraw', 'shamt5'], ['ror', 'shamt6'], ['rorw', 'shamt5'], ['bclr', 'shamt6'],
  ['bset', 'shamt6'], ['binv', 'shamt6'], ['bext', 'shamt6'],
]);

/** Operand forms GNU as accepts for a table entry. */
function formsOf(spec: InsnSpec): OperandForm[] {
  const ops = spec.operands.filter((o) => o !== 'rm');
  const main: OperandForm = { kinds: ops.map((o) => kindOf(spec, o)) };
  if (ops.length !== spec.operands.length) main.optionalRm = true;
  const forms = [main];
  const n = spec.name;
  if (n === 'fence') return [f(), main];
  if (n === 'fence.i') return [f()];
  if (n === 'sfence.vma' || n.startsWith('hfence.')) return [f(), f('x'), main];
  if (n === 'jal') forms.push(f('jtarget'));
  if (n === 'jalr') forms.push(f('x'), f('mem'), f('x', 'x'), f('x', 'x', 'imm12'));
  const alias = IMM_ALIAS.get(n);
  if (alias !== undefined) forms.push(f('x', 'x', alias));
  if (n === 'add') forms.push(f('x', 'x', 'x', 'tprel'));
  if (spec.format === 'S' && spec.len === 4) forms.push(f(main.kinds[0], 'sym', 'x'));
  if (spec.format === 'CSR') forms.push(f('x', 'csr', 'uimm5'));
  if (n === 'c.addi4spn') forms[0] = f('x', 'sp', 'imm');
  if (n === 'c.nop') forms.unshift(f());
  return forms;
}

function syntaxOf(name: string, ops: string[]): string {
  return ops.length === 0 ? name : `${name} ${ops.join(', ')}`;
}

interface PseudoRow {
  name: string;
  forms: OperandForm[];
  syntax: string[];
  desc: string;
  ext: string;
  expansion: string;
}

const p = (name: string, syntax: string[], forms: OperandForm[], desc: string, expansion: string, ext = 'I'): PseudoRow =>
  ({ name, syntax, forms, desc, ext, expansion });

/** GNU as pseudo-instructions (and aliases the table does not hold). */
const PSEUDO: readonly PseudoRow[] = [
  p('nop', ['nop'], [f()], 'no operation', 'addi zero, zero, 0'),
  p('li', ['li rd, imm'], [f('x', 'imm64')], 'load immediate (any 64-bit constant)', 'addi, or lui/addiw/slli/addi sequence'),
  p('la', ['la rd, symbol'], [f('x', 'sym')], 'load address (pc-relative, or from the GOT when PIC)', 'auipc rd, %pcrel_hi(symbol); addi rd, rd, %pcrel_lo(...)'),
  p('lla', ['lla rd, symbol'], [f('x', 'sym')], 'load local address (always pc-relative)', 'auipc rd, %pcrel_hi(symbol); addi rd, rd, %pcrel_lo(...)'),
  p('lga', ['lga rd, symbol'], [f('x', 'sym')], 'load global address from the GOT', 'auipc rd, %got_pcrel_hi(symbol); ld rd, %pcrel_lo(...)(rd)'),
  p('la.tls.ie', ['la.tls.ie rd, symbol'], [f('x', 'sym')], 'load TLS initial-exec offset', 'auipc rd, %tls_ie_pcrel_hi(symbol); ld rd, %pcrel_lo(...)(rd)'),
  p('la.tls.gd', ['la.tls.gd rd, symbol'], [f('x', 'sym')], 'load TLS global-dynamic address', 'auipc rd, %tls_gd_pcrel_hi(symbol); addi rd, rd, %pcrel_lo(...)'),
  p('mv', ['mv rd, rs'], [f('x', 'x')], 'copy register', 'addi rd, rs, 0'),
  p('not', ['not rd, rs'], [f('x', 'x')], "one's complement", 'xori rd, rs, -1'),
  p('neg', ['neg rd, rs'], [f('x', 'x')], "two's complement", 'sub rd, zero, rs'),
  p('negw', ['negw rd, rs'], [f('x', 'x')], "two's complement word", 'subw rd, zero, rs'),
  p('sext.w', ['sext.w rd, rs'], [f('x', 'x')], 'sign-extend word', 'addiw rd, rs, 0'),
  p('zext.b', ['zext.b rd, rs'], [f('x', 'x')], 'zero-extend byte', 'andi rd, rs, 255'),
  p('zext.w', ['zext.w rd, rs'], [f('x', 'x')], 'zero-extend word', 'add.uw rd, rs, zero', 'Zba'),
  p('seqz', ['seqz rd, rs'], [f('x', 'x')], 'set if = zero', 'sltiu rd, rs, 1'),
  p('snez', ['snez rd, rs'], [f('x', 'x')], 'set if != zero', 'sltu rd, zero, rs'),
  p('sltz', ['sltz rd, rs'], [f('x', 'x')], 'set if < zero', 'slt rd, rs, zero'),
  p('sgtz', ['sgtz rd, rs'], [f('x', 'x')], 'set if > zero', 'slt rd, zero, rs'),
  p('beqz', ['beqz rs, offset'], [f('x', 'btarget')], 'branch if = zero', 'beq rs, zero, offset'),
  p('bnez', ['bnez rs, offset'], [f('x', 'btarget')], 'branch if != zero', 'bne rs, zero, offset'),
  p('blez', ['blez rs, offset'], [f('x', 'btarget')], 'branch if <= zero', 'bge zero, rs, offset'),
  p('bgez', ['bgez rs, offset'], [f('x', 'btarget')], 'branch if >= zero', 'bge rs, zero, offset'),
  p('bltz', ['bltz rs, offset'], [f('x', 'btarget')], 'branch if < zero', 'blt rs, zero, offset'),
  p('bgtz', ['bgtz rs, offset'], [f('x', 'btarget')], 'branch if > zero', 'blt zero, rs, offset'),
  p('bgt', ['bgt rs, rt, offset'], [f('x', 'x', 'btarget')], 'branch if >', 'blt rt, rs, offset'),
  p('ble', ['ble rs, rt, offset'], [f('x', 'x', 'btarget')], 'branch if <=', 'bge rt, rs, offset'),
  p('bgtu', ['bgtu rs, rt, offset'], [f('x', 'x', 'btarget')], 'branch if >, unsigned', 'bltu rt, rs, offset'),
  p('bleu', ['bleu rs, rt, offset'], [f('x', 'x', 'btarget')], 'branch if <=, unsigned', 'bgeu rt, rs, offset'),
  p('j', ['j offset'], [f('jtarget')], 'jump', 'jal zero, offset'),
  p('jr', ['jr rs', 'jr offset(rs)'], [f('x'), f('mem'), f('x', 'imm12')], 'jump register', 'jalr zero, 0(rs)'),
  p('ret', ['ret'], [f()], 'return from subroutine', 'jalr zero, 0(ra)'),
  p('call', ['call symbol', 'call rd, symbol'], [f('sym'), f('x', 'sym')], 'call far-away subroutine', 'auipc ra, %pcrel_hi(symbol); jalr ra, %pcrel_lo(...)(ra)'),
  p('tail', ['tail symbol'], [f('sym')], 'tail call far-away subroutine', 'auipc t1, %pcrel_hi(symbol); jalr zero, %pcrel_lo(...)(t1)'),
  p('jump', ['jump symbol, rt'], [f('sym', 'x')], 'jump to a far-away symbol using rt as scratch', 'auipc rt, %pcrel_hi(symbol); jalr zero, %pcrel_lo(...)(rt)'),
  p('fence.tso', ['fence.tso'], [f()], 'total-store-ordering fence', 'fence rw, rw with fm = 1000'),
  p('pause', ['pause'], [f()], 'spin-wait hint (Zihintpause)', 'fence w, 0', 'Zihintpause'),
  p('unimp', ['unimp'], [f()], 'canonical illegal instruction', 'csrrw zero, cycle, zero'),
  p('csrr', ['csrr rd, csr'], [f('x', 'csr')], 'read CSR', 'csrrs rd, csr, zero', 'Zicsr'),
  p('csrw', ['csrw csr, rs', 'csrw csr, uimm5'], [f('csr', 'x'), f('csr', 'uimm5')], 'write CSR', 'csrrw zero, csr, rs', 'Zicsr'),
  p('csrs', ['csrs csr, rs', 'csrs csr, uimm5'], [f('csr', 'x'), f('csr', 'uimm5')], 'set bits in CSR', 'csrrs zero, csr, rs', 'Zicsr'),
  p('csrc', ['csrc csr, rs', 'csrc csr, uimm5'], [f('csr', 'x'), f('csr', 'uimm5')], 'clear bits in CSR', 'csrrc zero, csr, rs', 'Zicsr'),
  p('csrwi', ['csrwi csr, uimm5'], [f('csr', 'uimm5')], 'write CSR, immediate', 'csrrwi zero, csr, uimm5', 'Zicsr'),
  p('csrsi', ['csrsi csr, uimm5'], [f('csr', 'uimm5')], 'set bits in CSR, immediate', 'csrrsi zero, csr, uimm5', 'Zicsr'),
  p('csrci', ['csrci csr, uimm5'], [f('csr', 'uimm5')], 'clear bits in CSR, immediate', 'csrrci zero, csr, uimm5', 'Zicsr'),
  p('rdcycle', ['rdcycle rd'], [f('x')], 'read cycle counter', 'csrrs rd, cycle, zero', 'Zicsr'),
  p('rdtime', ['rdtime rd'], [f('x')], 'read real-time clock', 'csrrs rd, time, zero', 'Zicsr'),
  p('rdinstret', ['rdinstret rd'], [f('x')], 'read instructions-retired counter', 'csrrs rd, instret, zero', 'Zicsr'),
  p('frcsr', ['frcsr rd'], [f('x')], 'read FP control/status register', 'csrrs rd, fcsr, zero', 'F'),
  p('fscsr', ['fscsr rs', 'fscsr rd, rs'], [f('x'), f('x', 'x')], 'write FP control/status register', 'csrrw rd, fcsr, rs', 'F'),
  p('frrm', ['frrm rd'], [f('x')], 'read FP rounding mode', 'csrrs rd, frm, zero', 'F'),
  p('fsrm', ['fsrm rs', 'fsrm rd, rs'], [f('x'), f('x', 'x')], 'write FP rounding mode', 'csrrw rd, frm, rs', 'F'),
  p('fsrmi', ['fsrmi uimm5', 'fsrmi rd, uimm5'], [f('uimm5'), f('x', 'uimm5')], 'write FP rounding mode, immediate', 'csrrwi rd, frm, uimm5', 'F'),
  p('frflags', ['frflags rd'], [f('x')], 'read FP exception flags', 'csrrs rd, fflags, zero', 'F'),
  p('fsflags', ['fsflags rs', 'fsflags rd, rs'], [f('x'), f('x', 'x')], 'write FP exception flags', 'csrrw rd, fflags, rs', 'F'),
  p('fsflagsi', ['fsflagsi uimm5', 'fsflagsi rd, uimm5'], [f('uimm5'), f('x', 'uimm5')], 'write FP exception flags, immediate', 'csrrwi rd, fflags, uimm5', 'F'),
  p('fmv.s', ['fmv.s rd, rs'], [f('f', 'f')], 'copy single-precision register', 'fsgnj.s rd, rs, rs', 'F'),
  p('fabs.s', ['fabs.s rd, rs'], [f('f', 'f')], 'single-precision absolute value', 'fsgnjx.s rd, rs, rs', 'F'),
  p('fneg.s', ['fneg.s rd, rs'], [f('f', 'f')], 'single-precision negate', 'fsgnjn.s rd, rs, rs', 'F'),
  p('fmv.d', ['fmv.d rd, rs'], [f('f', 'f')], 'copy double-precision register', 'fsgnj.d rd, rs, rs', 'D'),
  p('fabs.d', ['fabs.d rd, rs'], [f('f', 'f')], 'double-precision absolute value', 'fsgnjx.d rd, rs, rs', 'D'),
  p('fneg.d', ['fneg.d rd, rs'], [f('f', 'f')], 'double-precision negate', 'fsgnjn.d rd, rs, rs', 'D'),
  p('fgt.s', ['fgt.s rd, rs, rt'], [f('x', 'f', 'f')], 'compare greater than (single)', 'flt.s rd, rt, rs', 'F'),
  p('fge.s', ['fge.s rd, rs, rt'], [f('x', 'f', 'f')], 'compare greater or equal (single)', 'fle.s rd, rt, rs', 'F'),
  p('fgt.d', ['fgt.d rd, rs, rt'], [f('x', 'f', 'f')], 'compare greater than (double)', 'flt.d rd, rt, rs', 'D'),
  p('fge.d', ['fge.d rd, rs, rt'], [f('x', 'f', 'f')], 'compare greater or equal (double)', 'fle.d rd, rt, rs', 'D'),
  p('fmv.x.s', ['fmv.x.s rd, rs'], [f('x', 'f')], 'move single bits to integer register (old name of fmv.x.w)', 'fmv.x.w rd, rs', 'F'),
  p('fmv.s.x', ['fmv.s.x rd, rs'], [f('f', 'x')], 'move integer bits to single (old name of fmv.w.x)', 'fmv.w.x rd, rs', 'F'),
  p('prefetch.i', ['prefetch.i offset(rs)'], [f('mem')], 'prefetch for instruction fetch (Zicbop)', 'ori zero, rs, offset', 'Zicbop'),
  p('prefetch.r', ['prefetch.r offset(rs)'], [f('mem')], 'prefetch for read (Zicbop)', 'ori zero, rs, offset', 'Zicbop'),
  p('prefetch.w', ['prefetch.w offset(rs)'], [f('mem')], 'prefetch for write (Zicbop)', 'ori zero, rs, offset', 'Zicbop'),
  p('cbo.clean', ['cbo.clean (rs)'], [f('amo')], 'clean cache block (Zicbom)', 'cbo.clean', 'Zicbom'),
  p('cbo.flush', ['cbo.flush (rs)'], [f('amo')], 'flush cache block (Zicbom)', 'cbo.flush', 'Zicbom'),
  p('cbo.inval', ['cbo.inval (rs)'], [f('amo')], 'invalidate cache block (Zicbom)', 'cbo.inval', 'Zicbom'),
  p('cbo.zero', ['cbo.zero (rs)'], [f('amo')], 'zero cache block (Zicboz)', 'cbo.zero', 'Zicboz'),
];

function build(): Map<string, MnemonicInfo> {
  const m = new Map<string, MnemonicInfo>();
  for (const spec of INSNS) {
    if (m.has(spec.name)) continue;
    const forms = formsOf(spec);
    const syntax = [syntaxOf(spec.name, spec.operands)];
    m.set(spec.name, { name: spec.name, kind: 'insn', forms, syntax, desc: spec.desc, ext: spec.ext, spec });
  }
  for (const row of PSEUDO) {
    if (m.has(row.name)) continue;
    m.set(row.name, { name: row.name, kind: 'pseudo', forms: row.forms, syntax: row.syntax, desc: row.desc, ext: row.ext, expansion: row.expansion });
  }
  return m;
}

/** Every mnemonic GNU as accepts for RV64GC+H (table entries first, then pseudo-instructions). */
export const MNEMONICS: ReadonlyMap<string, MnemonicInfo> = build();

/** Names of the pseudo-instructions (for the grammar). */
export const PSEUDO_NAMES: readonly string[] = PSEUDO.map((r) => r.name);

/** Names of the instruction-table entries (for the grammar). */
export const INSN_NAMES: readonly string[] = [...new Set(INSNS.map((s) => s.name))];

/** The mnemonic `name` (case-insensitive; A-extension .aq/.rl/.aqrl suffixes accepted), or undefined. */
export function lookupMnemonic(name: string): MnemonicInfo | undefined {
  const n = name.toLowerCase();
  const direct = MNEMONICS.get(n);
  if (direct !== undefined) return direct;
  const m = /^(.*)\.(aqrl|aq|rl)$/.exec(n);
  if (m !== null) {
    const base = MNEMONICS.get(m[1]);
    if (base !== undefined && base.ext === 'A') return base;
  }
  return undefined;
}
