// Diagnostics: unknown mnemonics, wrong operand counts and kinds (register vs immediate vs off(reg), FP vs
// integer register), immediates out of range (I-type 12-bit, shift amounts, U-type 20-bit, branch and jump
// offsets written as numbers), unknown CSRs, rounding modes and relocation functions. Anything a macro may
// hide (a #define'd name, a \param, a macro from an include that could not be read) is not an error.

import { Analysis } from './analysis';
import { csrInfo } from '../core/isa/csrInfo';
import { lookupMnemonic, MnemonicInfo, OperandForm, OperandKind } from './mnemonics';
import { classifyOperand, OperandClass } from './operands';
import { Span, Statement } from './parser';
import { ROUNDING_MODES } from './registers';
import { RELOCATIONS } from './relocations';

/** One finding, positioned on a line. */
export interface Finding {
  line: number;
  start: number;
  end: number;
  severity: 'error' | 'warning';
  message: string;
  code: string;
}

/** Inclusive ranges of the immediate kinds. */
const RANGES: Partial<Record<OperandKind, readonly [bigint, bigint, string]>> = {
  imm12: [-2048n, 2047n, 'a signed 12-bit immediate (-2048..2047)'],
  cimm6: [-32n, 31n, 'a signed 6-bit immediate (-32..31)'],
  shamt6: [0n, 63n, 'a shift amount 0..63'],
  shamt5: [0n, 31n, 'a shift amount 0..31'],
  uimm20: [0n, 0xfffffn, 'an unsigned 20-bit immediate (0..0xfffff)'],
  uimm5: [0n, 31n, 'an unsigned 5-bit immediate (0..31)'],
  imm64: [-(1n << 63n), (1n << 64n) - 1n, 'a 64-bit value'],
  btarget: [-4096n, 4094n, 'a branch offset (-4096..4094, even)'],
  jtarget: [-(1n << 20n), (1n << 20n) - 2n, 'a jump offset (-1 MiB..1 MiB-2, even)'],
};

const KIND_NAMES: Record<OperandKind, string> = {
  x: 'an integer register', f: 'a floating-point register', sp: 'sp', imm12: 'an immediate', cimm6: 'an immediate',
  shamt6: 'a shift amount', shamt5: 'a shift amount', uimm20: 'an upper immediate', uimm5: 'a 5-bit immediate',
  imm: 'an immediate', imm64: 'an immediate', btarget: 'a branch target', jtarget: 'a jump target',
  ctarget: 'a jump target', mem: 'a memory operand offset(reg)', amo: 'an address operand (reg)', csr: 'a CSR',
  rm: 'a rounding mode', fence: 'a fence set (i, o, r, w)', sym: 'a symbol', tprel: '%tprel_add(symbol)',
};

const IMMEDIATES = new Set<OperandKind>(['imm12', 'cimm6', 'shamt6', 'shamt5', 'uimm20', 'uimm5', 'imm', 'imm64']);
const TARGETS = new Set<OperandKind>(['btarget', 'jtarget', 'ctarget', 'sym']);

class Checker {
  constructor(private readonly a: Analysis) {}

  /** True when `name` may stand for anything after preprocessing or macro expansion. */
  private opaque(name: string): boolean {
    return this.a.defines.has(name) || this.a.macros.has(name) || this.a.unresolvedIncludes.length > 0;
  }

  /** An operand that is a lone identifier the preprocessor may replace. */
  private opaqueOperand(c: OperandClass): boolean {
    if (c.t === 'param') return true;
    if (c.t === 'expr' && c.value === undefined && c.idents.length > 0) return c.idents.every((i) => this.opaque(i)) || c.idents.some((i) => this.a.defines.has(i));
    if (c.t === 'mem' && csrInfo(c.base) === undefined && this.opaque(c.base)) return true;
    return false;
  }

  /** Error message for operand `c` against `kind`, or undefined when it fits. */
  check(kind: OperandKind, c: OperandClass, text: string): string | undefined {
    if (c.t === 'param') return undefined;
    if (c.t === 'reloc' && !RELOCATIONS.has(c.fn)) return `unknown relocation function %${c.fn}`;
    const want = KIND_NAMES[kind];
    if (kind === 'x' || kind === 'f' || kind === 'sp') {
      if (c.t === 'reg') {
        if (kind === 'sp' && (c.reg.file !== 'x' || c.reg.num !== 2)) return `expected sp, found ${c.name}`;
        if (kind === 'f' && c.reg.file === 'x') return `expected a floating-point register, found integer register ${c.name}`;
        if (kind !== 'f' && c.reg.file === 'f') return `expected an integer register, found floating-point register ${c.name}`;
        return undefined;
      }
      if (this.opaqueOperand(c)) return undefined;
      return `expected ${want}, found '${text}'`;
    }
    if (c.t === 'reg') return `expected ${want}, found register ${c.name}`;
    if (c.t === 'string') return `expected ${want}, found a string`;
    if (IMMEDIATES.has(kind)) {
      if (c.t === 'mem') return registerIs(c.base) ? `expected ${want}, found a memory operand` : undefined;
      if (c.t === 'reloc') {
        const slot = RELOCATIONS.get(c.fn)![0];
        if (kind === 'imm' || kind === 'imm64') return undefined;
        if (kind === 'imm12' && slot === 'lo12') return undefined;
        if (kind === 'uimm20' && slot === 'hi20') return undefined;
        if (kind === 'imm12') return `%${c.fn} gives a 20-bit upper part; use %lo, %pcrel_lo or %tprel_lo here`;
        if (kind === 'uimm20') return `%${c.fn} gives a 12-bit lower part; use %hi, %pcrel_hi, %tprel_hi or %got_pcrel_hi here`;
        return `%${c.fn} cannot be used here (${want} expected)`;
      }
      return this.range(kind, c);
    }
    if (TARGETS.has(kind)) {
      if (c.t === 'mem') return registerIs(c.base) ? `expected ${want}, found a memory operand` : undefined;
      if (c.t === 'reloc') return kind === 'sym' ? undefined : `expected ${want}, found %${c.fn}(...)`;
      if (kind === 'btarget' || kind === 'jtarget') {
        const r = this.range(kind, c);
        if (r !== undefined) return r;
        if (c.t === 'expr' && c.value !== undefined && (c.value & 1n) !== 0n) return `${kind === 'btarget' ? 'branch' : 'jump'} offset ${c.value} is odd`;
      }
      return undefined;
    }
    switch (kind) {
      case 'mem':
        if (c.t === 'mem') return this.memOffset(c.offset, c.base);
        if (c.t === 'expr' && c.value !== undefined) return `expected ${want}, found the number ${text}`;
        return undefined;
      case 'amo':
        if (c.t === 'mem') {
          if (!registerIs(c.base)) return undefined;
          const off = c.offset === '' ? 0n : classifyOperand(c.offset);
          if (off === 0n || (typeof off !== 'bigint' && off.t === 'expr' && (off.value === 0n || off.value === undefined))) {
            return registerIs(c.base, 'f') ? `expected an integer base register, found ${c.base}` : undefined;
          }
          return `expected ${want}: only a zero offset is allowed`;
        }
        return this.opaqueOperand(c) ? undefined : `expected ${want}, found '${text}'`;
      case 'csr': {
        if (c.t !== 'expr') return `expected ${want}, found '${text}'`;
        if (c.value !== undefined) return c.value >= 0n && c.value <= 0xfffn ? undefined : `CSR number ${text} is out of range (0..0xfff)`;
        if (c.idents.length === 1 && text.trim() === c.idents[0]) {
          if (csrInfo(c.idents[0]) !== undefined || this.opaque(c.idents[0]) || this.a.equs.has(c.idents[0])) return undefined;
          return `unknown CSR '${text}'`;
        }
        return undefined;
      }
      case 'rm':
        if (ROUNDING_MODES.has(text.trim().toLowerCase()) || this.opaqueOperand(c)) return undefined;
        return `unknown rounding mode '${text}' (rne, rtz, rdn, rup, rmm, dyn)`;
      case 'fence':
        if (/^[iorw]+$/i.test(text.trim()) || this.opaqueOperand(c)) return undefined;
        return `expected a fence set such as rw or iorw, found '${text}'`;
      case 'tprel':
        return c.t === 'reloc' && c.fn === 'tprel_add' ? undefined : `expected %tprel_add(symbol), found '${text}'`;
      default:
        return undefined;
    }
  }

  private range(kind: OperandKind, c: OperandClass): string | undefined {
    const r = RANGES[kind];
    if (r === undefined || c.t !== 'expr' || c.value === undefined) return undefined;
    const [lo, hi, what] = r;
    if (c.value < lo || c.value > hi) return `${c.value} is out of range: expected ${what}`;
    return undefined;
  }

  private memOffset(offset: string, base: string): string | undefined {
    if (registerIs(base, 'f')) return `expected an integer base register, found ${base}`;
    if (offset === '') return undefined;
    return this.check('imm12', classifyOperand(offset), offset);
  }
}

function registerIs(name: string, file?: 'x' | 'f'): boolean {
  const c = classifyOperand(name);
  return c.t === 'reg' && (file === undefined || c.reg.file === file);
}

function formFits(form: OperandForm, n: number): boolean {
  return n === form.kinds.length || (form.optionalRm === true && n === form.kinds.length + 1);
}

function countMessage(info: MnemonicInfo, n: number): string {
  const counts = [...new Set(info.forms.flatMap((f) => (f.optionalRm ? [f.kinds.length, f.kinds.length + 1] : [f.kinds.length])))].sort();
  const want = counts.length === 1 ? `${counts[0]}` : `${counts.slice(0, -1).join(', ')} or ${counts[counts.length - 1]}`;
  return `'${info.name}' takes ${want} operand${want === '1' ? '' : 's'}, found ${n} (${info.syntax.join(' | ')})`;
}

/** How far a form is from fitting: a value out of range is closer than an operand of the wrong kind. */
function weight(errs: { message: string }[]): number {
  return errs.reduce((w, e) => w + (/out of range|is odd/.test(e.message) ? 1 : 2), 0);
}

/** Checks one instruction statement against its mnemonic. */
function checkInstruction(ck: Checker, st: Statement, info: MnemonicInfo, out: Finding[]): void {
  const ops = st.operands;
  const n = ops.length;
  const op = st.op!;
  const candidates = info.forms.filter((f) => formFits(f, n));
  if (candidates.length === 0) {
    const last = ops[n - 1] ?? op;
    out.push({ line: st.line, start: op.start, end: last.end, severity: 'error', message: countMessage(info, n), code: 'operand-count' });
    return;
  }
  let best: { span: Span; message: string }[] | undefined;
  for (const form of candidates) {
    const errs: { span: Span; message: string }[] = [];
    for (let i = 0; i < n; i++) {
      const kind: OperandKind = i < form.kinds.length ? form.kinds[i] : 'rm';
      const m = ck.check(kind, classifyOperand(ops[i].text), ops[i].text);
      if (m !== undefined) errs.push({ span: ops[i], message: m });
    }
    if (errs.length === 0) return;
    if (best === undefined || weight(errs) < weight(best)) best = errs;
  }
  for (const e of best ?? []) {
    out.push({ line: e.span.line, start: e.span.start, end: e.span.end, severity: 'error', message: e.message, code: 'operand' });
  }
}

/** All findings for an analysed document. */
export function diagnose(a: Analysis): Finding[] {
  const out: Finding[] = [];
  const ck = new Checker(a);
  for (const st of a.doc.statements) {
    const op = st.op;
    if (op === undefined || op.text.startsWith('.') || op.text.includes('\\')) continue;
    const info = lookupMnemonic(op.text);
    if (info === undefined) {
      if (a.macros.has(op.text) || a.defines.has(op.text)) continue;
      if (a.unresolvedIncludes.length > 0) {
        out.push({
          line: st.line, start: op.start, end: op.end, severity: 'warning', code: 'unknown-mnemonic',
          message: `unknown mnemonic '${op.text}' (it may be a macro from ${a.unresolvedIncludes.join(', ')}, which could not be read)`,
        });
      } else {
        out.push({ line: st.line, start: op.start, end: op.end, severity: 'error', message: `unknown mnemonic '${op.text}'`, code: 'unknown-mnemonic' });
      }
      continue;
    }
    checkInstruction(ck, st, info, out);
  }
  for (const r of a.refs) {
    if (r.numeric && r.target === undefined) {
      const dir = r.name.endsWith('f') ? 'after' : 'before';
      out.push({
        line: r.span.line, start: r.span.start, end: r.span.end, severity: 'warning', code: 'undefined-local-label',
        message: `no local label ${r.name.slice(0, -1)}: ${dir} this line`,
      });
    }
  }
  return out;
}
