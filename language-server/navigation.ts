// Go to definition, find references and the document outline, over labels (numeric local labels resolve
// 1f/1b to the right definition), .equ symbols, assembler macros and #defines.

import { Analysis, definitionsOf, SymbolDef, tokenAt } from './analysis';
import { Span } from './parser';

/** A location: a span in this document, or in another file when `uri` is set. */
export interface Place {
  uri: string;
  span: Span;
}

const place = (a: Analysis, d: SymbolDef): Place => ({ uri: d.uri ?? a.uri, span: d.span });

/** The definitions of the symbol at (line, character). */
export function definitionAt(a: Analysis, line: number, ch: number): Place[] {
  const t = tokenAt(a, line, ch);
  if (t === undefined) return [];
  switch (t.kind) {
    case 'label': case 'preprocessor': return [place(a, t.def)];
    case 'op': return definitionsOf(a, t.span.text).filter((d) => d.kind === 'macro' || d.kind === 'define').map((d) => place(a, d));
    case 'operand':
      if (t.ref === undefined) return [];
      if (t.ref.numeric) return t.ref.target !== undefined ? [place(a, t.ref.target)] : [];
      return definitionsOf(a, t.ref.name).map((d) => place(a, d));
  }
}

/** The definition the symbol at (line, character) stands for (one, for references). */
function targetAt(a: Analysis, line: number, ch: number): SymbolDef | undefined {
  const t = tokenAt(a, line, ch);
  if (t === undefined) return undefined;
  if (t.kind === 'label' || t.kind === 'preprocessor') return t.def;
  if (t.kind === 'op') return a.macros.get(t.span.text) ?? a.defines.get(t.span.text);
  if (t.ref?.numeric === true) return t.ref.target;
  return t.ref !== undefined ? definitionsOf(a, t.ref.name)[0] : undefined;
}

/** Every reference to the symbol at (line, character), with its definition first when asked. */
export function referencesAt(a: Analysis, line: number, ch: number, includeDeclaration: boolean): Place[] {
  const def = targetAt(a, line, ch);
  if (def === undefined) return [];
  const out: Place[] = includeDeclaration ? [place(a, def)] : [];
  for (const r of a.refs) {
    const hit = def.kind === 'numeric' ? r.target === def : !r.numeric && r.name === def.name;
    if (hit) out.push({ uri: a.uri, span: r.span });
  }
  return out;
}

/** One entry of the outline. */
export interface OutlineSymbol {
  name: string;
  kind: 'function' | 'label' | 'constant' | 'macro' | 'define';
  detail: string;
  /** Whole extent (a label runs to the next label) and the name. */
  range: { startLine: number; endLine: number };
  selection: Span;
}

/** The outline: labels (globals and .type @function as functions), .equ constants, macros, #defines. */
export function documentSymbols(a: Analysis): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  const lastLine = a.doc.lines.length - 1;
  const labels = [...a.labels.values()].flat().sort((x, y) => x.span.line - y.span.line);
  labels.forEach((d, i) => {
    const next = labels[i + 1]?.span.line ?? lastLine + 1;
    const fn = a.globals.has(d.name) || a.functions.has(d.name);
    out.push({
      name: d.name, kind: fn ? 'function' : 'label', detail: a.globals.has(d.name) ? 'global' : '',
      range: { startLine: d.span.line, endLine: Math.max(d.span.line, next - 1) }, selection: d.span,
    });
  });
  for (const d of a.equs.values()) {
    if (d.uri !== undefined) continue;
    out.push({ name: d.name, kind: 'constant', detail: d.value ?? '', range: { startLine: d.span.line, endLine: d.span.line }, selection: d.span });
  }
  for (const m of a.doc.macros) {
    out.push({ name: m.name.text, kind: 'macro', detail: m.params.join(', '), range: { startLine: m.name.line, endLine: m.endLine }, selection: m.name });
  }
  for (const pp of a.doc.preprocessor) {
    if (pp.directive !== 'define' || pp.name === undefined) continue;
    out.push({
      name: pp.name.text, kind: 'define', detail: pp.params !== undefined ? `(${pp.params.join(', ')})` : pp.body,
      range: { startLine: pp.line, endLine: pp.endLine }, selection: pp.name,
    });
  }
  return out.sort((x, y) => x.range.startLine - y.range.startLine);
}
