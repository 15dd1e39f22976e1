// Completion candidates by context: at the start of a statement mnemonics (with syntax and description),
// macros and directives; in operands the kind the mnemonic expects there (CSRs after csr* mnemonics,
// integer or FP registers, rounding modes, labels), and relocation functions after '%'.

import { Analysis } from './analysis';
import { CSR_NAME_LIST, csrInfo } from '../core/isa/csrInfo';
import { DIRECTIVES } from './directives';
import { lookupMnemonic, MNEMONICS, OperandKind } from './mnemonics';
import { maskComments, splitTopLevel } from './parser';
import { F_REGISTER_NAMES, registerInfo, ROUNDING_MODES, X_REGISTER_NAMES } from './registers';
import { RELOCATIONS } from './relocations';

/** One candidate, independent of the LSP types. */
export interface Candidate {
  label: string;
  kind: 'mnemonic' | 'pseudo' | 'directive' | 'register' | 'csr' | 'label' | 'macro' | 'constant' | 'relocation' | 'keyword';
  detail?: string;
  documentation?: string;
}

function registers(file: 'x' | 'f' | 'both'): Candidate[] {
  const names = file === 'x' ? X_REGISTER_NAMES : file === 'f' ? F_REGISTER_NAMES : [...X_REGISTER_NAMES, ...F_REGISTER_NAMES];
  return names.map((n) => {
    const r = registerInfo(n)!;
    return { label: n, kind: 'register', detail: `${r.file}${r.num} / ${r.abi} — ${r.role}` };
  });
}

function csrs(): Candidate[] {
  return CSR_NAME_LIST.map((n) => {
    const c = csrInfo(n)!;
    return { label: n, kind: 'csr', detail: `CSR 0x${c.num.toString(16).padStart(3, '0')} · ${c.privilege} · ${c.readOnly ? 'RO' : 'RW'}`, documentation: c.desc };
  });
}

function symbols(a: Analysis): Candidate[] {
  const out: Candidate[] = [];
  for (const name of a.labels.keys()) out.push({ label: name, kind: 'label', detail: a.globals.has(name) ? 'global label' : 'label' });
  for (const name of a.equs.keys()) out.push({ label: name, kind: 'constant', detail: `= ${a.equs.get(name)!.value ?? ''}` });
  for (const [name, d] of a.defines) if (d.params === undefined) out.push({ label: name, kind: 'constant', detail: `#define ${d.value ?? ''}` });
  return out;
}

/** Candidates at (line, character). */
export function completeAt(a: Analysis, line: number, ch: number): Candidate[] {
  const text = a.doc.lines[line] ?? '';
  let inBlock = false;
  for (let i = 0; i < line; i++) inBlock = maskComments(a.doc.lines[i], inBlock).inBlock;
  const code = maskComments(text.slice(0, ch), inBlock).code;
  // Inside a comment: a sentinel character typed at the cursor would be blanked out.
  if (maskComments(`${text.slice(0, ch)}X`, inBlock).code.endsWith(' ')) return [];
  if (/^\s*#/.test(text) && !/^\s*#\s*(define|if|elif)\b/.test(text)) return [];
  const stmts = splitTopLevel(code, ';');
  const lastSeg = stmts[stmts.length - 1];
  const last = lastSeg !== undefined ? code.slice(lastSeg.start) : '';
  const body = last.replace(/^(?:\s*(?:[A-Za-z_.$][\w.$]*|\d+)\s*:(?!:))+/, '').trimStart();
  if (/%[A-Za-z_]*$/.test(body)) {
    return [...RELOCATIONS].map(([n, [, d]]) => ({ label: n, kind: 'relocation', detail: `%${n}(symbol)`, documentation: d }));
  }
  const head = /^(\S*)$/.exec(body);
  if (head !== null) {
    // Statement start: a mnemonic, directive or macro.
    if (head[1].startsWith('.')) {
      return [...DIRECTIVES].map(([n, d]) => ({ label: n, kind: 'directive', detail: d }));
    }
    const out: Candidate[] = [];
    for (const m of MNEMONICS.values()) {
      out.push({ label: m.name, kind: m.kind === 'insn' ? 'mnemonic' : 'pseudo', detail: m.syntax.join(' | '), documentation: `${m.desc} (${m.ext})` });
    }
    for (const d of a.macros.values()) out.push({ label: d.name, kind: 'macro', detail: `.macro ${d.name} ${(d.params ?? []).join(', ')}` });
    for (const d of a.defines.values()) if (d.params !== undefined) out.push({ label: d.name, kind: 'macro', detail: `#define ${d.name}(${d.params.join(', ')})` });
    return out;
  }
  // Operand position: which operand of which mnemonic.
  const m = /^(\S+)\s+(.*)$/.exec(body);
  if (m === null) return [];
  const op = m[1];
  const index = splitTopLevel(m[2], ',').length - 1;
  if (op.startsWith('.')) return symbols(a);
  const info = lookupMnemonic(op);
  if (info === undefined) return [...registers('both'), ...symbols(a)];
  const kinds = new Set<OperandKind>();
  for (const f of info.forms) {
    if (index < f.kinds.length) kinds.add(f.kinds[index]);
    else if (f.optionalRm === true && index === f.kinds.length) kinds.add('rm');
  }
  const out: Candidate[] = [];
  if (kinds.has('csr')) out.push(...csrs());
  const x = kinds.has('x') || kinds.has('mem') || kinds.has('amo');
  const f = kinds.has('f');
  if (x || f) out.push(...registers(x && f ? 'both' : x ? 'x' : 'f'));
  if (kinds.has('sp')) out.push(...registers('x').filter((c) => c.label === 'sp'));
  if (kinds.has('rm')) out.push(...[...ROUNDING_MODES].map(([n, d]): Candidate => ({ label: n, kind: 'keyword', detail: d })));
  if (kinds.has('fence')) out.push(...['iorw', 'rw', 'r', 'w', 'io'].map((n): Candidate => ({ label: n, kind: 'keyword', detail: 'fence set' })));
  if ([...kinds].some((k) => k !== 'x' && k !== 'f' && k !== 'csr' && k !== 'rm' && k !== 'fence' && k !== 'sp')) out.push(...symbols(a));
  return out;
}
