// Operand classification: register, memory reference off(reg), relocation function, or expression (with its
// value when it is a constant GNU as would compute the same way: integers, character constants, + - * / %
// << >> & | ^ ~ and parentheses).

import { RegisterInfo, registerInfo } from './registers';

/** What an operand's text is. */
export type OperandClass =
  | { t: 'reg'; reg: RegisterInfo; name: string }
  | { t: 'mem'; offset: string; base: string }
  | { t: 'reloc'; fn: string; arg: string }
  | { t: 'expr'; value?: bigint; idents: string[] }
  | { t: 'string' }
  | { t: 'param' };

/** Parses an integer literal as GNU as does (0x, 0b, leading-0 octal, decimal; character constants). */
export function parseInteger(s: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) return BigInt(s);
  if (/^0[bB][01]+$/.test(s)) return BigInt(s);
  if (/^0[0-7]+$/.test(s)) return BigInt(`0o${s.slice(1)}`);
  if (/^[0-9]+$/.test(s)) return BigInt(s);
  const c = /^'(\\?.)'?$/.exec(s);
  if (c !== null) {
    const ch = c[1];
    if (ch.length === 1) return BigInt(ch.charCodeAt(0));
    const esc: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34, b: 8, f: 12 };
    return esc[ch[1]] !== undefined ? BigInt(esc[ch[1]]) : BigInt(ch.charCodeAt(1));
  }
  return undefined;
}

type Tok = { k: 'num'; v: bigint } | { k: 'id'; s: string } | { k: 'op'; s: string };

function lex(s: string): Tok[] | undefined {
  const out: Tok[] = [];
  const re = /\s*(?:(0[xX][0-9a-fA-F]+|0[bB][01]+(?![\w.$])|[0-9]+(?![bf]\b)(?![\w.$]))|('(?:\\.|[^\\])'?)|([0-9]+[bf]|[A-Za-z_.$][\w.$]*)|(<<|>>|[-+*/%&|^~()!]))/y;
  let i = 0;
  while (i < s.length) {
    if (/^\s*$/.test(s.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(s);
    if (m === null) return undefined;
    i = re.lastIndex;
    if (m[1] !== undefined) out.push({ k: 'num', v: parseInteger(m[1])! });
    else if (m[2] !== undefined) { const v = parseInteger(m[2]); if (v === undefined) return undefined; out.push({ k: 'num', v }); }
    else if (m[3] !== undefined) out.push({ k: 'id', s: m[3] });
    else out.push({ k: 'op', s: m[4] });
  }
  return out;
}

const PREC: Record<string, number> = { '|': 1, '^': 2, '&': 3, '<<': 4, '>>': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 };

/** Evaluates a constant expression; undefined when it names symbols or is not well formed. */
export function evaluate(s: string): bigint | undefined {
  const toks = lex(s);
  if (toks === undefined || toks.length === 0) return undefined;
  if (toks.some((t) => t.k === 'id')) return undefined;
  let i = 0;
  const primary = (): bigint | undefined => {
    const t = toks[i++];
    if (t === undefined) return undefined;
    if (t.k === 'num') return t.v;
    if (t.k === 'op' && t.s === '(') {
      const v = binary(0);
      if (toks[i]?.k !== 'op' || (toks[i] as { s: string }).s !== ')') return undefined;
      i++;
      return v;
    }
    if (t.k === 'op' && (t.s === '-' || t.s === '+' || t.s === '~' || t.s === '!')) {
      const v = primary();
      if (v === undefined) return undefined;
      return t.s === '-' ? -v : t.s === '~' ? ~v : t.s === '!' ? (v === 0n ? 1n : 0n) : v;
    }
    return undefined;
  };
  const binary = (minPrec: number): bigint | undefined => {
    let lhs = primary();
    while (lhs !== undefined) {
      const t = toks[i];
      if (t === undefined || t.k !== 'op' || PREC[t.s] === undefined || PREC[t.s] < minPrec) break;
      i++;
      const rhs = binary(PREC[t.s] + 1);
      if (rhs === undefined) return undefined;
      switch (t.s) {
        case '|': lhs |= rhs; break;
        case '^': lhs ^= rhs; break;
        case '&': lhs &= rhs; break;
        case '<<': lhs = rhs > 128n ? 0n : lhs << rhs; break;
        case '>>': lhs >>= rhs; break;
        case '+': lhs += rhs; break;
        case '-': lhs -= rhs; break;
        case '*': lhs *= rhs; break;
        case '/': if (rhs === 0n) return undefined; lhs /= rhs; break;
        default: if (rhs === 0n) return undefined; lhs %= rhs; break;
      }
    }
    return lhs;
  };
  const v = binary(0);
  return i === toks.length ? v : undefined;
}

/** Identifiers an expression names (symbols, macro names). */
export function identifiersOf(s: string): string[] {
  return (lex(s) ?? []).flatMap((t) => (t.k === 'id' && !/^[0-9]/.test(t.s) ? [t.s] : []));
}

/** Classifies an operand's text. */
export function classifyOperand(text: string): OperandClass {
  const s = text.trim();
  if (s.includes('\\')) return { t: 'param' };
  if (s.startsWith('"')) return { t: 'string' };
  const reg = registerInfo(s);
  if (reg !== undefined) return { t: 'reg', reg, name: s };
  if (s.endsWith(')')) {
    let depth = 0, open = -1;
    for (let i = s.length - 1; i >= 0; i--) {
      if (s[i] === ')') depth++;
      else if (s[i] === '(' && --depth === 0) { open = i; break; }
    }
    if (open >= 0) {
      const inner = s.slice(open + 1, -1).trim();
      const before = s.slice(0, open).trim();
      const rel = /^%([A-Za-z_]\w*)$/.exec(before);
      if (rel !== null) return { t: 'reloc', fn: rel[1], arg: inner };
      if (registerInfo(inner) !== undefined) return { t: 'mem', offset: before, base: inner };
      // `off(NAME)` where NAME is not a register: a base register hidden behind a macro, or a plain expression.
      if (before !== '' && /^[A-Za-z_]\w*$/.test(inner) && !/[-+*/%&|^~<>(]$/.test(before)) {
        return { t: 'mem', offset: before, base: inner };
      }
    }
  }
  return { t: 'expr', value: evaluate(s), idents: identifiersOf(s) };
}
