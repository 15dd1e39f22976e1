// Per-document analysis: the parse, the symbols it defines (labels, numeric local labels, .equ, .macro,
// #define, those of the files it includes), every symbol reference with the definition it resolves to, and
// the token under a position. Pure: file access goes through an injected include reader.

import { AsmMacro, OperandToken, ParsedDocument, parseDocument, Span, Statement, tokenizeOperand } from './parser';
import { lookupMnemonic } from './mnemonics';
import { registerInfo } from './registers';

/** A symbol definition. */
export interface SymbolDef {
  name: string;
  kind: 'label' | 'numeric' | 'equ' | 'macro' | 'define';
  /** Where it is defined; `uri` is set when it comes from an included file. */
  span: Span;
  uri?: string;
  /** Macro parameters, or a #define's parameters. */
  params?: string[];
  /** #define body or .equ value. */
  value?: string;
}

/** A reference to a symbol from an operand. */
export interface SymbolRef {
  name: string;
  span: Span;
  /** Numeric references (1f, 1b) resolve to one definition; others by name. */
  numeric: boolean;
  target?: SymbolDef;
}

/** The token at a position, with what it belongs to. */
export type TokenAt =
  | { kind: 'op'; span: Span; stmt: Statement }
  | { kind: 'label'; span: Span; def: SymbolDef }
  | { kind: 'operand'; span: Span; token: OperandToken; stmt: Statement; operandIndex: number; ref?: SymbolRef }
  | { kind: 'preprocessor'; span: Span; def: SymbolDef };

/** Reads an included file: (including file's path or undefined, name as written) → its path and text. */
export type IncludeReader = (fromPath: string | undefined, name: string) => { path: string; text: string } | undefined;

/** Everything the features need about one document. */
export interface Analysis {
  uri: string;
  doc: ParsedDocument;
  /** Symbolic labels by name (a name may be defined more than once). */
  labels: Map<string, SymbolDef[]>;
  /** Numeric local labels in source order. */
  numeric: SymbolDef[];
  equs: Map<string, SymbolDef>;
  /** Assembler macros (.macro) of the document and its includes. */
  macros: Map<string, SymbolDef>;
  /** C preprocessor macros (#define) of the document and its includes. */
  defines: Map<string, SymbolDef>;
  globals: Set<string>;
  functions: Set<string>;
  refs: SymbolRef[];
  /** Includes that could not be read (their macros are unknown). */
  unresolvedIncludes: string[];
  /** Operand tokens of each statement, per operand. */
  operandTokens: Map<Statement, OperandToken[][]>;
}

function macroDef(m: AsmMacro, uri?: string): SymbolDef {
  return { name: m.name.text, kind: 'macro', span: m.name, uri, params: m.params };
}

/** Collects #define and .macro definitions of included files, recursively. */
function collectIncludes(a: Analysis, doc: ParsedDocument, fromPath: string | undefined, read: IncludeReader,
  seen: Set<string>, depth: number): void {
  const names: string[] = [];
  for (const pp of doc.preprocessor) if (pp.include !== undefined) names.push(pp.include);
  for (const st of doc.statements) {
    if (st.op?.text.toLowerCase() === '.include' && st.operands[0] !== undefined) names.push(st.operands[0].text.replace(/^"|"$/g, ''));
  }
  for (const name of names) {
    const file = depth < 8 ? read(fromPath, name) : undefined;
    if (file === undefined) { a.unresolvedIncludes.push(name); continue; }
    if (seen.has(file.path)) continue;
    seen.add(file.path);
    const inc = parseDocument(file.text);
    const uri = `file://${file.path}`;
    for (const pp of inc.preprocessor) {
      if (pp.directive === 'define' && pp.name !== undefined && !a.defines.has(pp.name.text)) {
        a.defines.set(pp.name.text, { name: pp.name.text, kind: 'define', span: pp.name, uri, params: pp.params, value: pp.body });
      }
    }
    for (const m of inc.macros) if (!a.macros.has(m.name.text)) a.macros.set(m.name.text, macroDef(m, uri));
    for (const st of inc.statements) addEqu(a, st, uri);
    collectIncludes(a, inc, file.path, read, seen, depth + 1);
  }
}

function addEqu(a: Analysis, st: Statement, uri?: string): void {
  const op = st.op?.text.toLowerCase();
  if (st.assignment !== undefined) {
    a.equs.set(st.assignment.name.text, { name: st.assignment.name.text, kind: 'equ', span: st.assignment.name, uri, value: st.assignment.value.text });
  } else if ((op === '.equ' || op === '.set' || op === '.equiv' || op === '.eqv') && st.operands.length >= 1) {
    const o = st.operands[0];
    a.equs.set(o.text, { name: o.text, kind: 'equ', span: o, uri, value: st.operands[1]?.text });
  }
}

/** Position order of two spans. */
function before(a: Span, b: Span): boolean {
  return a.line < b.line || (a.line === b.line && a.start < b.start);
}

/** Analyses the document `text` at `uri` (`path` is its file path when it has one, for includes). */
export function analyse(uri: string, text: string, read: IncludeReader = () => undefined, path?: string): Analysis {
  const doc = parseDocument(text);
  const a: Analysis = {
    uri, doc, labels: new Map(), numeric: [], equs: new Map(), macros: new Map(), defines: new Map(),
    globals: new Set(), functions: new Set(), refs: [], unresolvedIncludes: [], operandTokens: new Map(),
  };
  for (const pp of doc.preprocessor) {
    if (pp.directive === 'define' && pp.name !== undefined) {
      a.defines.set(pp.name.text, { name: pp.name.text, kind: 'define', span: pp.name, params: pp.params, value: pp.body });
    }
  }
  for (const m of doc.macros) a.macros.set(m.name.text, macroDef(m));
  for (const st of doc.statements) {
    for (const l of st.labels) {
      if (/^\d+$/.test(l.text)) { a.numeric.push({ name: l.text, kind: 'numeric', span: l }); continue; }
      const defs = a.labels.get(l.text) ?? [];
      defs.push({ name: l.text, kind: 'label', span: l });
      a.labels.set(l.text, defs);
    }
    addEqu(a, st);
    if (st.op !== undefined && !st.op.text.startsWith('.') && lookupMnemonic(st.op.text) === undefined) {
      // A macro invocation: numeric labels written in its arguments (`RUN(1, 7: ecall)`) are defined by its expansion.
      for (const o of st.operands) {
        for (const m of o.text.matchAll(/(^|[;(,])(\s*)(\d+)\s*:(?!:)/g)) {
          const s = o.start + m.index! + m[1].length + m[2].length;
          a.numeric.push({ name: m[3], kind: 'numeric', span: { text: m[3], line: st.line, start: s, end: s + m[3].length } });
        }
      }
    }
    const op = st.op?.text.toLowerCase();
    if ((op === '.globl' || op === '.global') && !st.inMacro) for (const o of st.operands) a.globals.add(o.text);
    if (op === '.type' && st.operands.length === 2 && /function/.test(st.operands[1].text)) a.functions.add(st.operands[0].text);
  }
  collectIncludes(a, doc, path, read, new Set(path !== undefined ? [path] : []), 0);

  // References: identifiers and numeric label references in operands (not registers, not .macro heads).
  for (const st of doc.statements) {
    const op = st.op?.text.toLowerCase();
    const called = st.op !== undefined ? a.macros.get(st.op.text) : undefined;
    if (called !== undefined) a.refs.push({ name: called.name, span: st.op!, numeric: false, target: called });
    const operands = st.assignment !== undefined ? [st.assignment.value] : op === '.macro' ? [] : st.operands;
    const toks = operands.map((o) => tokenizeOperand(o.text, o.start));
    a.operandTokens.set(st, toks);
    for (const list of toks) {
      for (let i = 0; i < list.length; i++) {
        const t = list[i];
        const span: Span = { text: t.text, line: st.line, start: t.start, end: t.end };
        if (t.kind === 'numref') {
          a.refs.push({ name: t.text, span, numeric: true, target: resolveNumeric(a, t.text, span) });
        } else if (t.kind === 'ident' && registerInfo(t.text) === undefined && list[i - 1]?.text !== '@') {
          const target = a.labels.get(t.text)?.[0] ?? a.equs.get(t.text) ?? a.defines.get(t.text);
          a.refs.push({ name: t.text, span, numeric: false, target });
        }
      }
    }
  }
  return a;
}

/** The numeric label `ref` (e.g. "1f", "2b") used at `at` refers to. */
export function resolveNumeric(a: Analysis, ref: string, at: Span): SymbolDef | undefined {
  const name = ref.slice(0, -1);
  if (ref.endsWith('f')) return a.numeric.find((d) => d.name === name && before(at, d.span));
  let found: SymbolDef | undefined;
  for (const d of a.numeric) {
    if (!before(d.span, at)) break;
    if (d.name === name) found = d;
  }
  return found;
}

const inside = (s: Span, line: number, ch: number): boolean => s.line === line && ch >= s.start && ch <= s.end;

/** The token at (line, character), if any. */
export function tokenAt(a: Analysis, line: number, ch: number): TokenAt | undefined {
  for (const pp of a.doc.preprocessor) {
    if (pp.name !== undefined && inside(pp.name, line, ch)) {
      const def = a.defines.get(pp.name.text);
      if (def !== undefined) return { kind: 'preprocessor', span: pp.name, def };
    }
  }
  for (const st of a.doc.statements) {
    if (st.line !== line || ch < st.start || ch > st.end) continue;
    for (const l of st.labels) {
      if (!inside(l, line, ch)) continue;
      const def = /^\d+$/.test(l.text) ? a.numeric.find((d) => d.span === l) : a.labels.get(l.text)?.find((d) => d.span === l);
      if (def !== undefined) return { kind: 'label', span: l, def };
    }
    if (st.op !== undefined && inside(st.op, line, ch)) return { kind: 'op', span: st.op, stmt: st };
    const toks = a.operandTokens.get(st) ?? [];
    for (let i = 0; i < toks.length; i++) {
      for (const t of toks[i]) {
        if (ch < t.start || ch > t.end || t.kind === 'other') continue;
        const span: Span = { text: t.text, line, start: t.start, end: t.end };
        const ref = a.refs.find((r) => r.span.line === line && r.span.start === t.start);
        return { kind: 'operand', span, token: t, stmt: st, operandIndex: i, ref };
      }
    }
  }
  return undefined;
}

/** Every definition a name can resolve to (labels first, then .equ, macros, #defines). */
export function definitionsOf(a: Analysis, name: string): SymbolDef[] {
  const out: SymbolDef[] = [...(a.labels.get(name) ?? [])];
  for (const m of [a.equs, a.macros, a.defines]) {
    const d = m.get(name);
    if (d !== undefined) out.push(d);
  }
  return out;
}
