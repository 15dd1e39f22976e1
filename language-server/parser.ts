// A line parser for GNU as RISC-V assembly (as cpp-preprocessed .S files are written): C preprocessor lines,
// comments (#, //, /* */), statements separated by ';', labels, a mnemonic or directive, and operands split
// at top-level commas (parentheses and strings respected). Positions are kept so features can map back.

/** A piece of source text on one line (character offsets, end exclusive). */
export interface Span {
  text: string;
  line: number;
  start: number;
  end: number;
}

/** One assembler statement. */
export interface Statement {
  line: number;
  /** Offset of the statement's first character (after blanks) and its end on the line. */
  start: number;
  end: number;
  /** Labels defined in front of it (`name:` or numeric `1:`). */
  labels: Span[];
  /** Mnemonic, directive (with its dot) or macro name. */
  op?: Span;
  operands: Span[];
  /** `name = expression` form. */
  assignment?: { name: Span; value: Span };
  /** Inside a .macro body (operands may use \params). */
  inMacro: boolean;
}

/** A C preprocessor line (with its continuation lines). */
export interface PreprocessorLine {
  line: number;
  endLine: number;
  directive: string;
  /** Macro name of #define/#undef/#ifdef/#ifndef. */
  name?: Span;
  /** Parameters of a function-like #define. */
  params?: string[];
  /** Text after the name (or after the directive), continuation lines joined. */
  body: string;
  /** The file named by #include. */
  include?: string;
}

/** An assembler macro defined with .macro. */
export interface AsmMacro {
  name: Span;
  params: string[];
  endLine: number;
}

/** A parsed document. */
export interface ParsedDocument {
  lines: string[];
  /** Each line with comments blanked out (same length as the line). */
  code: string[];
  statements: Statement[];
  preprocessor: PreprocessorLine[];
  macros: AsmMacro[];
}

const PP_RE = /^\s*#\s*(include_next|include|define|undef|ifdef|ifndef|if|elif|else|endif|error|warning|pragma|line)\b/;

/** Blanks comments out of one line; returns the code and whether a block comment is still open. */
export function maskComments(text: string, inBlock: boolean): { code: string; inBlock: boolean } {
  const out = text.split('');
  let i = 0;
  const blank = (from: number, to: number): void => { for (let k = from; k < to; k++) out[k] = ' '; };
  while (i < text.length) {
    if (inBlock) {
      const e = text.indexOf('*/', i);
      if (e < 0) { blank(i, text.length); return { code: out.join(''), inBlock: true }; }
      blank(i, e + 2);
      i = e + 2;
      inBlock = false;
      continue;
    }
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === "'") {
      // A character constant: 'c, '\n, optionally closed by a quote.
      i += text[i + 1] === '\\' ? 3 : 2;
      if (text[i] === "'") i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') { inBlock = true; blank(i, i + 2); i += 2; continue; }
    if ((c === '/' && text[i + 1] === '/') || c === '#') { blank(i, text.length); break; }
    i++;
  }
  return { code: out.join(''), inBlock };
}

/** Splits `text` at top-level occurrences of `sep` (outside parentheses, strings and character constants). */
export function splitTopLevel(text: string, sep: string, base = 0): { text: string; start: number; end: number }[] {
  const parts: { text: string; start: number; end: number }[] = [];
  let depth = 0, from = 0, i = 0;
  const push = (to: number): void => {
    const raw = text.slice(from, to);
    const lead = raw.length - raw.trimStart().length;
    const t = raw.trim();
    parts.push({ text: t, start: base + from + lead, end: base + from + lead + t.length });
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === "'") { i += text[i + 1] === '\\' ? 3 : 2; if (text[i] === "'") i++; continue; }
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === sep && depth === 0) { push(i); from = i + 1; }
    i++;
  }
  push(text.length);
  return parts;
}

const LABEL_RE = /^([A-Za-z_.$][\w.$]*|\d+)\s*:(?!:)/;
const OP_RE = /^\\?[A-Za-z_.$][\w.$]*(?:\\\(\))?[\w.$]*/;

function parseStatement(code: string, line: number, start: number, end: number, inMacro: boolean): Statement | undefined {
  let p = start;
  const skip = (): void => { while (p < end && /\s/.test(code[p])) p++; };
  skip();
  if (p >= end) return undefined;
  const st: Statement = { line, start: p, end, labels: [], operands: [], inMacro };
  for (;;) {
    const m = LABEL_RE.exec(code.slice(p, end));
    if (m === null) break;
    st.labels.push({ text: m[1], line, start: p, end: p + m[1].length });
    p += m[0].length;
    skip();
  }
  const m = OP_RE.exec(code.slice(p, end));
  if (m !== null) {
    st.op = { text: m[0], line, start: p, end: p + m[0].length };
    p += m[0].length;
    const rest = code.slice(p, end);
    const a = /^\s*=(?!=)/.exec(rest);
    if (a !== null) {
      const vStart = p + a[0].length;
      const raw = code.slice(vStart, end);
      const lead = raw.length - raw.trimStart().length;
      const v = raw.trim();
      st.assignment = { name: st.op, value: { text: v, line, start: vStart + lead, end: vStart + lead + v.length } };
      st.op = undefined;
    } else if (rest.trim() !== '') {
      st.operands = splitTopLevel(rest, ',', p).map((o) => ({ ...o, line }));
    }
  }
  while (end > st.start && /\s/.test(code[end - 1])) end--;
  st.end = end;
  return st;
}

/** Parses a whole document. */
export function parseDocument(text: string): ParsedDocument {
  const lines = text.split(/\r?\n/);
  const code: string[] = [];
  const statements: Statement[] = [];
  const preprocessor: PreprocessorLine[] = [];
  const macros: AsmMacro[] = [];
  let inBlock = false;
  let pp: PreprocessorLine | undefined;
  let macro: AsmMacro | undefined;
  for (let ln = 0; ln < lines.length; ln++) {
    const text = lines[ln];
    if (pp !== undefined) {
      // A continuation line of a preprocessor directive.
      code.push(' '.repeat(text.length));
      pp.body += ` ${text.replace(/\\\s*$/, '').trim()}`;
      pp.endLine = ln;
      if (!/\\\s*$/.test(text)) pp = undefined;
      continue;
    }
    const ppm = inBlock ? null : PP_RE.exec(text);
    if (ppm !== null) {
      code.push(' '.repeat(text.length));
      const d: PreprocessorLine = { line: ln, endLine: ln, directive: ppm[1], body: '' };
      let rest = maskComments(text.slice(ppm[0].length), false).code;
      const restBase = ppm[0].length;
      if (/^(define|undef|ifdef|ifndef)$/.test(d.directive)) {
        const nm = /^(\s*)([A-Za-z_]\w*)/.exec(rest);
        if (nm !== null) {
          const s = restBase + nm[1].length;
          d.name = { text: nm[2], line: ln, start: s, end: s + nm[2].length };
          rest = rest.slice(nm[0].length);
          const params = /^\(([^)]*)\)/.exec(rest);
          if (d.directive === 'define' && params !== null) {
            d.params = params[1].split(',').map((s2) => s2.trim()).filter((s2) => s2 !== '');
            rest = rest.slice(params[0].length);
          }
        }
      }
      if (d.directive === 'include' || d.directive === 'include_next') {
        const inc = /^\s*(?:"([^"]+)"|<([^>]+)>)/.exec(rest);
        if (inc !== null) d.include = inc[1] ?? inc[2];
      }
      d.body = rest.replace(/\\\s*$/, '').trim();
      preprocessor.push(d);
      if (/\\\s*$/.test(text)) pp = d;
      continue;
    }
    const masked = maskComments(text, inBlock);
    inBlock = masked.inBlock;
    code.push(masked.code);
    for (const seg of splitTopLevel(masked.code, ';')) {
      if (seg.text === '') continue;
      const st = parseStatement(masked.code, ln, seg.start, seg.end, macro !== undefined);
      if (st === undefined) continue;
      const op = st.op?.text.toLowerCase();
      if (op === '.macro') {
        const head = masked.code.slice(st.op!.end, st.end);
        const nm = /^(\s*)([A-Za-z_.$][\w.$]*)/.exec(head);
        if (nm !== null) {
          const s = st.op!.end + nm[1].length;
          const params = head.slice(nm[0].length).split(/[\s,]+/).map((x) => x.replace(/[:=].*$/, '')).filter((x) => x !== '');
          macro = { name: { text: nm[2], line: ln, start: s, end: s + nm[2].length }, params, endLine: ln };
          macros.push(macro);
        }
        st.inMacro = false;
      } else if (op === '.endm' && macro !== undefined) {
        macro.endLine = ln;
        macro = undefined;
      }
      statements.push(st);
    }
  }
  return { lines, code, statements, preprocessor, macros };
}

/** Kinds of token inside an operand. */
export type OperandTokenKind = 'string' | 'reloc' | 'param' | 'number' | 'numref' | 'ident' | 'char' | 'other';

/** One token of an operand (offsets on the line). */
export interface OperandToken {
  kind: OperandTokenKind;
  text: string;
  start: number;
  end: number;
}

const TOKEN_RE = new RegExp([
  '("(?:\\\\.|[^"\\\\])*"?)',                // 1 string
  "('(?:\\\\.|[^\\\\])'?)",                   // 2 character constant
  '(%[A-Za-z_]\\w*)',                        // 3 relocation function
  '(\\\\[A-Za-z_]\\w*)',                     // 4 macro parameter
  '(0[xX][0-9a-fA-F]+|0[bB][01]+(?![\\w.$])|[0-9]+\\.[0-9]+(?:[eE][-+]?[0-9]+)?)', // 5 hex/binary/float
  '([0-9]+[bf])(?![\\w.$])',                 // 6 numeric label reference
  '([0-9]+)',                                // 7 decimal
  '([A-Za-z_.$][\\w.$]*)',                   // 8 identifier
  '(@[A-Za-z_]\\w*|\\S)',                    // 9 anything else
].join('|'), 'g');

/** Tokenizes the text of an operand that starts at `base` on its line. */
export function tokenizeOperand(text: string, base: number): OperandToken[] {
  const out: OperandToken[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    const kind: OperandTokenKind = m[1] !== undefined ? 'string' : m[2] !== undefined ? 'char' : m[3] !== undefined ? 'reloc'
      : m[4] !== undefined ? 'param' : m[5] !== undefined || m[7] !== undefined ? 'number' : m[6] !== undefined ? 'numref'
        : m[8] !== undefined ? 'ident' : 'other';
    out.push({ kind, text: m[0], start: base + m.index, end: base + m.index + m[0].length });
  }
  return out;
}
