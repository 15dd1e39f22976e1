// DWARF expressions (DWARF 5 §2.5, §2.6): the stack machine that finds where a variable lives (memory, a register,
// a computed value, or pieces of those) and computes CFA and register rules for unwinding. Values are 64-bit;
// evaluation is bounded in steps and stack depth, so a corrupt expression ends with 'unavailable', never a hang.

import { XREG_NAMES } from '../../isa/disasm';
import { Reader } from './reader';

/** Where a value is, or why it cannot be found. */
export type Location =
  | { kind: 'memory'; address: bigint }
  | { kind: 'register'; reg: number }
  | { kind: 'value'; value: bigint }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'pieces'; pieces: { loc: Location; size: number }[] }
  | { kind: 'unavailable'; why: string };

/** What an expression may ask for: registers (DWARF numbers: x0-x31 are 0-31, f0-f31 are 32-63), memory, the frame. */
export interface ExprContext {
  reg(n: number): bigint | undefined;
  /** `size` bytes at `address` as an unsigned little-endian value, or undefined if unreadable. */
  read(address: bigint, size: number): bigint | undefined;
  /** The value of the function's DW_AT_frame_base. */
  frameBase?(): bigint | undefined;
  /** The canonical frame address (from the call frame information). */
  cfa?(): bigint | undefined;
  addrSize?: number;
}

export const DW_OP = {
  addr: 0x03, deref: 0x06, const1u: 0x08, const1s: 0x09, const2u: 0x0a, const2s: 0x0b, const4u: 0x0c, const4s: 0x0d,
  const8u: 0x0e, const8s: 0x0f, constu: 0x10, consts: 0x11, dup: 0x12, drop: 0x13, over: 0x14, pick: 0x15, swap: 0x16,
  rot: 0x17, abs: 0x19, and: 0x1a, div: 0x1b, minus: 0x1c, mod: 0x1d, mul: 0x1e, neg: 0x1f, not: 0x20, or: 0x21, plus: 0x22,
  plus_uconst: 0x23, shl: 0x24, shr: 0x25, shra: 0x26, xor: 0x27, bra: 0x28, eq: 0x29, ge: 0x2a, gt: 0x2b, le: 0x2c, lt: 0x2d,
  ne: 0x2e, skip: 0x2f, lit0: 0x30, reg0: 0x50, breg0: 0x70, regx: 0x90, fbreg: 0x91, bregx: 0x92, piece: 0x93,
  deref_size: 0x94, nop: 0x96, call_frame_cfa: 0x9c, implicit_value: 0x9e, stack_value: 0x9f, entry_value: 0xa3,
  GNU_entry_value: 0xf3,
} as const;

const MAX_STEPS = 10_000, MAX_STACK = 1_000;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const s64 = (v: bigint) => BigInt.asIntN(64, v);

class Unavailable extends Error {}

/** Evaluates a location expression. `initial` is pushed first (a CFA for DW_CFA_expression rules). */
export function evaluateLocation(expr: Uint8Array, ctx: ExprContext, initial?: bigint): Location {
  try {
    return run(expr, ctx, initial);
  } catch (e) {
    return { kind: 'unavailable', why: e instanceof Unavailable ? e.message : `bad expression (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** Evaluates an expression for its value (a CFA, a frame base): the address of a memory location, or a value. */
export function evaluateValue(expr: Uint8Array, ctx: ExprContext, initial?: bigint): bigint | undefined {
  const l = evaluateLocation(expr, ctx, initial);
  if (l.kind === 'memory') return l.address;
  if (l.kind === 'value') return l.value;
  if (l.kind === 'register') return ctx.reg(l.reg);
  return undefined;
}

function run(expr: Uint8Array, ctx: ExprContext, initial?: bigint): Location {
  const r = new Reader(expr, 'expression');
  const st: bigint[] = initial !== undefined ? [initial] : [];
  const pieces: { loc: Location; size: number }[] = [];
  let pending: Location | undefined;                               // a register or implicit location before a piece
  const push = (v: bigint) => { if (st.length >= MAX_STACK) throw new Unavailable('expression stack overflow'); st.push(u64(v)); };
  const pop = (): bigint => { const v = st.pop(); if (v === undefined) throw new Unavailable('expression stack underflow'); return v; };
  const regValue = (n: number) => {
    const v = ctx.reg(n);
    if (v === undefined) throw new Unavailable(`register ${regName(n)} is not known in this frame`);
    return v;
  };
  const mem = (a: bigint, size: number) => {
    const v = ctx.read(a, size);
    if (v === undefined) throw new Unavailable(`memory at 0x${a.toString(16)} is not readable`);
    return v;
  };
  const finish = (): Location => {
    if (pending !== undefined) { const p = pending; pending = undefined; return p; }
    if (st.length === 0) throw new Unavailable('optimized out');
    return { kind: 'memory', address: st[st.length - 1] };
  };
  for (let steps = 0; !r.atEnd(); steps++) {
    if (steps > MAX_STEPS) throw new Unavailable('expression runs too long');
    const op = r.u8();
    if (op >= DW_OP.lit0 && op < DW_OP.lit0 + 32) { push(BigInt(op - DW_OP.lit0)); continue; }
    if (op >= DW_OP.reg0 && op < DW_OP.reg0 + 32) { pending = { kind: 'register', reg: op - DW_OP.reg0 }; continue; }
    if (op >= DW_OP.breg0 && op < DW_OP.breg0 + 32) { push(regValue(op - DW_OP.breg0) + r.slebBig()); continue; }
    switch (op) {
      case DW_OP.addr: push(r.uN(ctx.addrSize ?? 8)); break;
      case DW_OP.deref: push(mem(pop(), ctx.addrSize ?? 8)); break;
      case DW_OP.deref_size: { const n = r.u8(); if (n < 1 || n > 8) throw new Unavailable(`deref_size ${n}`); push(mem(pop(), n)); break; }
      case DW_OP.const1u: push(BigInt(r.u8())); break;
      case DW_OP.const1s: push(BigInt(r.s8())); break;
      case DW_OP.const2u: push(BigInt(r.u16())); break;
      case DW_OP.const2s: push(BigInt(r.s16())); break;
      case DW_OP.const4u: push(BigInt(r.u32())); break;
      case DW_OP.const4s: push(BigInt(r.s32())); break;
      case DW_OP.const8u: push(r.u64()); break;
      case DW_OP.const8s: push(r.s64()); break;
      case DW_OP.constu: push(r.ulebBig()); break;
      case DW_OP.consts: push(r.slebBig()); break;
      case DW_OP.dup: { const a = pop(); push(a); push(a); break; }
      case DW_OP.drop: pop(); break;
      case DW_OP.over: { if (st.length < 2) throw new Unavailable('expression stack underflow'); push(st[st.length - 2]); break; }
      case DW_OP.pick: { const i = r.u8(); if (i >= st.length) throw new Unavailable('pick beyond the stack'); push(st[st.length - 1 - i]); break; }
      case DW_OP.swap: { const a = pop(), b = pop(); push(a); push(b); break; }
      case DW_OP.rot: { const a = pop(), b = pop(), c = pop(); push(a); push(c); push(b); break; }
      case DW_OP.abs: { const a = s64(pop()); push(a < 0n ? -a : a); break; }
      case DW_OP.and: push(pop() & pop()); break;
      case DW_OP.div: { const b = s64(pop()), a = s64(pop()); if (b === 0n) throw new Unavailable('division by zero'); push(a / b); break; }
      case DW_OP.minus: { const b = pop(), a = pop(); push(a - b); break; }
      case DW_OP.mod: { const b = pop(), a = pop(); if (b === 0n) throw new Unavailable('division by zero'); push(a % b); break; }
      case DW_OP.mul: push(pop() * pop()); break;
      case DW_OP.neg: push(-s64(pop())); break;
      case DW_OP.not: push(~pop()); break;
      case DW_OP.or: push(pop() | pop()); break;
      case DW_OP.plus: push(pop() + pop()); break;
      case DW_OP.plus_uconst: push(pop() + r.ulebBig()); break;
      case DW_OP.shl: { const b = pop(), a = pop(); push(b >= 64n ? 0n : a << b); break; }
      case DW_OP.shr: { const b = pop(), a = pop(); push(b >= 64n ? 0n : a >> b); break; }
      case DW_OP.shra: { const b = pop(), a = s64(pop()); push(a >> (b >= 64n ? 63n : b)); break; }
      case DW_OP.xor: push(pop() ^ pop()); break;
      case DW_OP.eq: case DW_OP.ge: case DW_OP.gt: case DW_OP.le: case DW_OP.lt: case DW_OP.ne: {
        const b = s64(pop()), a = s64(pop());
        const t = op === DW_OP.eq ? a === b : op === DW_OP.ge ? a >= b : op === DW_OP.gt ? a > b : op === DW_OP.le ? a <= b : op === DW_OP.lt ? a < b : a !== b;
        push(t ? 1n : 0n);
        break;
      }
      case DW_OP.skip: case DW_OP.bra: {
        const off = r.s16();
        if (op === DW_OP.bra && pop() === 0n) break;
        const to = r.pos + off;
        if (to < 0 || to > expr.length) throw new Unavailable('branch outside the expression');
        r.pos = to;
        break;
      }
      case DW_OP.regx: pending = { kind: 'register', reg: r.uleb() }; break;
      case DW_OP.bregx: { const n = r.uleb(); push(regValue(n) + r.slebBig()); break; }
      case DW_OP.fbreg: {
        const fb = ctx.frameBase?.();
        if (fb === undefined) throw new Unavailable('the frame base is not known here');
        push(fb + r.slebBig());
        break;
      }
      case DW_OP.call_frame_cfa: {
        const c = ctx.cfa?.();
        if (c === undefined) throw new Unavailable('no call frame information for this pc');
        push(c);
        break;
      }
      case DW_OP.nop: break;
      case DW_OP.stack_value: pending = { kind: 'value', value: pop() }; break;
      case DW_OP.implicit_value: pending = { kind: 'bytes', bytes: r.block(r.uleb()) }; break;
      case DW_OP.piece: {
        const size = r.uleb();
        pieces.push({ loc: pending ?? (st.length > 0 ? { kind: 'memory', address: pop() } : { kind: 'unavailable', why: 'optimized out' }), size });
        pending = undefined;
        break;
      }
      case DW_OP.entry_value: case DW_OP.GNU_entry_value:
        throw new Unavailable('optimized out (only its value at function entry is described)');
      default:
        throw new Unavailable(`unsupported DWARF operation 0x${op.toString(16)}`);
    }
  }
  if (pieces.length > 0) return { kind: 'pieces', pieces };
  return finish();
}


/** A DWARF register number's RISC-V name (x0-x31 by ABI name, f0-f31, else 'rN'). */
export function regName(n: number): string {
  return n < 32 ? XREG_NAMES[n] : n < 64 ? `f${n - 32}` : `r${n}`;
}
