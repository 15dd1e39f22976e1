// Register names of RV64GC: x0-x31 and f0-f31 with their ABI names and calling-convention roles
// (RISC-V psABI, "Integer Register Convention" and "Floating-point Register Convention").

import { FREG_NAMES, XREG_NAMES } from '../core/isa/disasm';

/** One architectural register as the assembler knows it. */
export interface RegisterInfo {
  /** 'x' integer or 'f' floating-point register file. */
  file: 'x' | 'f';
  /** Register number 0..31. */
  num: number;
  /** ABI name (zero, ra, a0, ft0, ...). */
  abi: string;
  /** What the calling convention uses it for. */
  role: string;
  /** Who preserves it across calls: 'callee', 'caller' or '' (zero, sp, gp, tp). */
  saver: 'callee' | 'caller' | '';
}

const X_ABI = XREG_NAMES, F_ABI = FREG_NAMES;

function xRole(n: number): [string, RegisterInfo['saver']] {
  if (n === 0) return ['hard-wired zero', ''];
  if (n === 1) return ['return address', 'caller'];
  if (n === 2) return ['stack pointer', ''];
  if (n === 3) return ['global pointer', ''];
  if (n === 4) return ['thread pointer', ''];
  if (n === 8) return ['saved register / frame pointer', 'callee'];
  if (n === 10 || n === 11) return ['function argument / return value', 'caller'];
  if (n >= 12 && n <= 17) return ['function argument', 'caller'];
  if (n === 9 || (n >= 18 && n <= 27)) return ['saved register', 'callee'];
  return ['temporary', 'caller'];
}

function fRole(n: number): [string, RegisterInfo['saver']] {
  if (n === 10 || n === 11) return ['FP argument / return value', 'caller'];
  if (n >= 12 && n <= 17) return ['FP argument', 'caller'];
  if (n === 8 || n === 9 || (n >= 18 && n <= 27)) return ['FP saved register', 'callee'];
  return ['FP temporary', 'caller'];
}

function build(): Map<string, RegisterInfo> {
  const m = new Map<string, RegisterInfo>();
  for (let n = 0; n < 32; n++) {
    const [xr, xs] = xRole(n);
    const x: RegisterInfo = { file: 'x', num: n, abi: X_ABI[n], role: xr, saver: xs };
    m.set(`x${n}`, x);
    m.set(X_ABI[n], x);
    const [fr, fs] = fRole(n);
    const f: RegisterInfo = { file: 'f', num: n, abi: F_ABI[n], role: fr, saver: fs };
    m.set(`f${n}`, f);
    m.set(F_ABI[n], f);
  }
  m.set('fp', m.get('s0')!);
  return m;
}

/** Every register name (numeric, ABI, and `fp`) → register. */
export const REGISTERS: ReadonlyMap<string, RegisterInfo> = build();

/** The register called `name` (case-insensitive), or undefined. */
export function registerInfo(name: string): RegisterInfo | undefined {
  return REGISTERS.get(name.toLowerCase());
}

/** Integer register names in number order: numeric first, then ABI (plus fp). */
export const X_REGISTER_NAMES: readonly string[] = [...Array.from({ length: 32 }, (_, i) => `x${i}`), ...X_ABI, 'fp'];
/** Floating-point register names in number order: numeric first, then ABI. */
export const F_REGISTER_NAMES: readonly string[] = [...Array.from({ length: 32 }, (_, i) => `f${i}`), ...F_ABI];
/** Rounding-mode operands of the F/D instructions (Unprivileged spec, "Floating-Point Control and Status Register"). */
export const ROUNDING_MODES: ReadonlyMap<string, string> = new Map([
  ['rne', 'round to nearest, ties to even'],
  ['rtz', 'round towards zero'],
  ['rdn', 'round down (towards -inf)'],
  ['rup', 'round up (towards +inf)'],
  ['rmm', 'round to nearest, ties to max magnitude'],
  ['dyn', 'dynamic: use frm'],
]);
