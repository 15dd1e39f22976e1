// Expressions of the Debug Console, breakpoint conditions and logpoints: C-like integer expressions over registers,
// CSRs, scalar locals and memory, and hit-count conditions.

import { csrName } from '../core';

/** CSR numbers by name (every CSR the disassembler names). */
let csrNames: Map<string, number> | undefined;
export function csrByName(): Map<string, number> {
  if (csrNames === undefined) {
    csrNames = new Map();
    for (let n = 0; n < 0x1000; n++) { const name = csrName(n); if (!/^0x|^csr/.test(name)) csrNames.set(name, n); }
  }
  return csrNames;
}

/** A hit count condition: '5' or '== 5' (exactly the 5th hit), '>= 3', '> 2', '< 4', '<= 4', '% 2' (every 2nd). */
export function parseHitCondition(text: string): ((hits: number) => boolean) | undefined {
  const m = /^\s*(>=|<=|==|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (m === null) return undefined;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=': return (h) => h >= n;
    case '>': return (h) => h > n;
    case '<=': return (h) => h <= n;
    case '<': return (h) => h < n;
    case '%': return n === 0 ? undefined : (h) => h % n === 0;
    default: return (h) => h === n;
  }
}

const SIZES: Record<string, number> = {
  u8: 1, i8: 1, char: 1, uint8_t: 1, int8_t: 1, u16: 2, i16: 2, short: 2, uint16_t: 2, int16_t: 2, u32: 4, i32: 4, int: 4,
  unsigned: 4, uint32_t: 4, int32_t: 4, u64: 8, i64: 8, long: 8, uint64_t: 8, int64_t: 8, uintptr_t: 8, size_t: 8,
};

/**
 * Evaluates a C-like integer expression (64-bit, comparisons signed): literals, identifiers through `ident`,
 * unary - ! ~ and * (memory: `*(u32 *)expr` reads 4 bytes, `*expr` 8), binary * / % + - << >> < <= > >= == != & ^ |
 * && ||, parentheses. Returns the value or why it failed.
 */
export function evaluateExpression(text: string, ident: (name: string) => bigint | undefined,
  read: (address: bigint, size: number) => bigint | undefined,
  readIn?: (reference: string, size: number) => bigint | undefined): bigint | string {
  const tokens = text.match(/(?:hpa|gpa|gva|iova):[\w:]*?(?:0x[0-9a-fA-F]+|\d+)|0x[0-9a-fA-F]+|\d+|[A-Za-z_]\w*|<<|>>|<=|>=|==|!=|&&|\|\||\S/g) ?? [];
  const qualified = (t: string | undefined) => t !== undefined && /^(hpa|gpa|gva|iova):/.test(t);
  let i = 0;
  const u = (v: bigint) => BigInt.asUintN(64, v), sg = (v: bigint) => BigInt.asIntN(64, v);
  class Fail extends Error {}
  const peek = () => tokens[i];
  const expect = (t: string) => { if (tokens[i] !== t) throw new Fail(`expected '${t}'`); i++; };
  const LEVELS: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
  const binary = (level: number): bigint => {
    if (level === LEVELS.length) return unary();
    let a = binary(level + 1);
    while (LEVELS[level].includes(peek())) {
      const op = tokens[i++];
      const b = binary(level + 1);
      switch (op) {
        case '||': a = a !== 0n || b !== 0n ? 1n : 0n; break;
        case '&&': a = a !== 0n && b !== 0n ? 1n : 0n; break;
        case '|': a = a | b; break;
        case '^': a = a ^ b; break;
        case '&': a = a & b; break;
        case '==': a = a === b ? 1n : 0n; break;
        case '!=': a = a !== b ? 1n : 0n; break;
        case '<': a = sg(a) < sg(b) ? 1n : 0n; break;
        case '<=': a = sg(a) <= sg(b) ? 1n : 0n; break;
        case '>': a = sg(a) > sg(b) ? 1n : 0n; break;
        case '>=': a = sg(a) >= sg(b) ? 1n : 0n; break;
        case '<<': a = u(a << (b & 63n)); break;
        case '>>': a = a >> (b & 63n); break;
        case '+': a = u(a + b); break;
        case '-': a = u(a - b); break;
        case '*': a = u(a * b); break;
        case '/': case '%': {
          if (b === 0n) throw new Fail('division by zero');
          a = u(op === '/' ? sg(a) / sg(b) : sg(a) % sg(b));
          break;
        }
      }
    }
    return a;
  };
  const unary = (): bigint => {
    const t = peek();
    if (t === '-') { i++; return u(-unary()); }
    if (t === '!') { i++; return unary() === 0n ? 1n : 0n; }
    if (t === '~') { i++; return u(~unary()); }
    if (t === '*') {
      i++;
      let size = 8;
      // a cast to a pointer type: *(u32 *)expr
      if (peek() === '(' && tokens[i + 1] !== undefined && (tokens[i + 1] in SIZES || tokens[i + 1] === 'unsigned')) {
        i++;
        const words: string[] = [];
        while (peek() !== undefined && peek() !== '*' && peek() !== ')') words.push(tokens[i++]);
        expect('*');
        expect(')');
        const key = words.filter((w) => w !== 'unsigned' && w !== 'signed' && w !== 'const' && w !== 'volatile').pop() ?? 'int';
        size = SIZES[key] ?? 8;
      }
      // An address that names its address space (`*(u64 *)gpa:vm0:0x80200000`): read there.
      if (qualified(peek())) {
        const ref = tokens[i++];
        const v = readIn?.(ref, size);
        if (v === undefined) throw new Fail(`memory at ${ref} is not readable`);
        return v;
      }
      const a = unary();
      const v = read(a, size);
      if (v === undefined) throw new Fail(`memory at 0x${a.toString(16)} is not readable`);
      return v;
    }
    return primary();
  };
  const primary = (): bigint => {
    const t = tokens[i++];
    if (t === undefined) throw new Fail('incomplete expression');
    if (t === '(') { const v = binary(0); expect(')'); return v; }
    if (qualified(t)) throw new Fail(`${t} names memory: read it with *${t} (or *(u32 *)${t})`);
    if (/^0x/i.test(t) || /^\d+$/.test(t)) return u(BigInt(t));
    if (/^[A-Za-z_]/.test(t)) {
      const v = ident(t);
      if (v === undefined) throw new Fail(`no register, CSR or scalar variable '${t}'`);
      return v;
    }
    throw new Fail(`unexpected '${t}'`);
  };
  try {
    if (tokens.length === 0) return 'empty expression';
    const v = binary(0);
    if (i < tokens.length) return `unexpected '${tokens[i]}'`;
    return v;
  } catch (e) {
    return e instanceof Fail ? e.message : String(e);
  }
}
