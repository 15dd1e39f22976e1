// F/D sign injection, min/max, compares, classification and conversions (f-st-ext.adoc, d-st-ext.adoc).

import {
  FLAG_NV, FLAG_NX, FpuState, RDN, RNE, RTZ, RUP, TWO_32, TWO_64, adjustD, bitsS, canonD, canonS, packS, putS, rdS, sNaND, sNaNS, sgn, slowS,
} from './fpuCore';

// ---- sign injection, min/max, compare, classify ----

/** fsgnj.s */
export function fsgnj_s(st: FpuState, rd: number, rs1: number, rs2: number): void {
  st.i32[2 * rd] = (bitsS(st, rs1) & 0x7fffffff) | (bitsS(st, rs2) & 0x80000000);
  st.i32[2 * rd + 1] = -1;
}
/** fsgnjn.s */
export function fsgnjn_s(st: FpuState, rd: number, rs1: number, rs2: number): void {
  st.i32[2 * rd] = (bitsS(st, rs1) & 0x7fffffff) | (~bitsS(st, rs2) & 0x80000000);
  st.i32[2 * rd + 1] = -1;
}
/** fsgnjx.s */
export function fsgnjx_s(st: FpuState, rd: number, rs1: number, rs2: number): void {
  const a = bitsS(st, rs1);
  st.i32[2 * rd] = a ^ (bitsS(st, rs2) & 0x80000000);
  st.i32[2 * rd + 1] = -1;
}
/** fsgnj.d */
export function fsgnj_d(st: FpuState, rd: number, rs1: number, rs2: number): void {
  const hi = (st.i32[2 * rs1 + 1] & 0x7fffffff) | (st.i32[2 * rs2 + 1] & 0x80000000);
  st.i32[2 * rd] = st.i32[2 * rs1];
  st.i32[2 * rd + 1] = hi;
}
/** fsgnjn.d */
export function fsgnjn_d(st: FpuState, rd: number, rs1: number, rs2: number): void {
  const hi = (st.i32[2 * rs1 + 1] & 0x7fffffff) | (~st.i32[2 * rs2 + 1] & 0x80000000);
  st.i32[2 * rd] = st.i32[2 * rs1];
  st.i32[2 * rd + 1] = hi;
}
/** fsgnjx.d */
export function fsgnjx_d(st: FpuState, rd: number, rs1: number, rs2: number): void {
  const hi = st.i32[2 * rs1 + 1] ^ (st.i32[2 * rs2 + 1] & 0x80000000);
  st.i32[2 * rd] = st.i32[2 * rs1];
  st.i32[2 * rd + 1] = hi;
}

/**
 * fmin/fmax as IEEE 754-2019 minimumNumber/maximumNumber (f-st-ext.adoc): -0 < +0, a single NaN operand
 * yields the other operand, two NaNs the canonical NaN, and any signaling NaN raises NV.
 */
function minMaxS(st: FpuState, rd: number, rs1: number, rs2: number, max: boolean): void {
  const a = rdS(st, rs1), b = rdS(st, rs2);
  if (sNaNS(st, rs1) || sNaNS(st, rs2)) st.flags |= FLAG_NV;
  if (a !== a && b !== b) { canonS(st, rd, false); return; }
  let pick: number;
  if (a !== a) pick = rs2;
  else if (b !== b) pick = rs1;
  else if (a === b) pick = (bitsS(st, rs1) < 0) !== max ? rs1 : rs2;
  else pick = (a < b) !== max ? rs1 : rs2;
  st.i32[2 * rd] = st.i32[2 * pick];
  st.i32[2 * rd + 1] = -1;
}
function minMaxD(st: FpuState, rd: number, rs1: number, rs2: number, max: boolean): void {
  const a = st.f64[rs1], b = st.f64[rs2];
  if (sNaND(st, rs1) || sNaND(st, rs2)) st.flags |= FLAG_NV;
  if (a !== a && b !== b) { canonD(st, rd, false); return; }
  let pick: number;
  if (a !== a) pick = rs2;
  else if (b !== b) pick = rs1;
  else if (a === b) pick = (st.i32[2 * rs1 + 1] < 0) !== max ? rs1 : rs2;
  else pick = (a < b) !== max ? rs1 : rs2;
  st.i32[2 * rd] = st.i32[2 * pick];
  st.i32[2 * rd + 1] = st.i32[2 * pick + 1];
}
/** fmin.s */
export function fmin_s(st: FpuState, rd: number, rs1: number, rs2: number): void { minMaxS(st, rd, rs1, rs2, false); }
/** fmax.s */
export function fmax_s(st: FpuState, rd: number, rs1: number, rs2: number): void { minMaxS(st, rd, rs1, rs2, true); }
/** fmin.d */
export function fmin_d(st: FpuState, rd: number, rs1: number, rs2: number): void { minMaxD(st, rd, rs1, rs2, false); }
/** fmax.d */
export function fmax_d(st: FpuState, rd: number, rs1: number, rs2: number): void { minMaxD(st, rd, rs1, rs2, true); }

// Compares: feq is quiet (NV only for sNaN), flt/fle signal on any NaN (f-st-ext.adoc, Compare Instructions).

/** feq.s */
export function feq_s(st: FpuState, rs1: number, rs2: number): void {
  const a = rdS(st, rs1), b = rdS(st, rs2);
  if (sNaNS(st, rs1) || sNaNS(st, rs2)) st.flags |= FLAG_NV;
  st.xlo = a === b ? 1 : 0;
  st.xhi = 0;
}
/** flt.s */
export function flt_s(st: FpuState, rs1: number, rs2: number): void {
  const a = rdS(st, rs1), b = rdS(st, rs2);
  if (a !== a || b !== b) st.flags |= FLAG_NV;
  st.xlo = a < b ? 1 : 0;
  st.xhi = 0;
}
/** fle.s */
export function fle_s(st: FpuState, rs1: number, rs2: number): void {
  const a = rdS(st, rs1), b = rdS(st, rs2);
  if (a !== a || b !== b) st.flags |= FLAG_NV;
  st.xlo = a <= b ? 1 : 0;
  st.xhi = 0;
}
/** feq.d */
export function feq_d(st: FpuState, rs1: number, rs2: number): void {
  const a = st.f64[rs1], b = st.f64[rs2];
  if (sNaND(st, rs1) || sNaND(st, rs2)) st.flags |= FLAG_NV;
  st.xlo = a === b ? 1 : 0;
  st.xhi = 0;
}
/** flt.d */
export function flt_d(st: FpuState, rs1: number, rs2: number): void {
  const a = st.f64[rs1], b = st.f64[rs2];
  if (a !== a || b !== b) st.flags |= FLAG_NV;
  st.xlo = a < b ? 1 : 0;
  st.xhi = 0;
}
/** fle.d */
export function fle_d(st: FpuState, rs1: number, rs2: number): void {
  const a = st.f64[rs1], b = st.f64[rs2];
  if (a !== a || b !== b) st.flags |= FLAG_NV;
  st.xlo = a <= b ? 1 : 0;
  st.xhi = 0;
}

/** fclass mask from sign, "exponent all ones", "exponent zero", "fraction zero", quiet bit. */
function classMask(neg: boolean, expMax: boolean, expZero: boolean, fracZero: boolean, quiet: boolean): number {
  if (expMax) return fracZero ? (neg ? 1 << 0 : 1 << 7) : quiet ? 1 << 9 : 1 << 8;
  if (expZero) return fracZero ? (neg ? 1 << 3 : 1 << 4) : neg ? 1 << 2 : 1 << 5;
  return neg ? 1 << 1 : 1 << 6;
}
/** fclass.s */
export function fclass_s(st: FpuState, rs1: number): void {
  const b = bitsS(st, rs1), ex = b & 0x7f800000;
  st.xlo = classMask(b < 0, ex === 0x7f800000, ex === 0, (b & 0x7fffff) === 0, (b & 0x400000) !== 0);
  st.xhi = 0;
}
/** fclass.d */
export function fclass_d(st: FpuState, rs1: number): void {
  const hi = st.i32[2 * rs1 + 1], ex = hi & 0x7ff00000;
  st.xlo = classMask(hi < 0, ex === 0x7ff00000, ex === 0, ((hi & 0xfffff) | st.i32[2 * rs1]) === 0,
    (hi & 0x80000) !== 0);
  st.xhi = 0;
}

// ---- conversions ----

/**
 * FP to integer (f-st-ext.adoc, "Domains of float-to-integer conversions"): rounds x per rm; out-of-range
 * results, infinities and NaN saturate and raise NV (NaN gives the maximum); otherwise NX when inexact.
 * kind: 0 W, 1 WU, 2 L, 3 LU. 32-bit results are sign-extended.
 */
function toInt(st: FpuState, x: number, rm: number, kind: number): void {
  let t: number, f: number;
  if (x - x !== 0) { t = x !== x ? Infinity : x; f = 0; } else { t = Math.trunc(x); f = x - t; }
  if (f !== 0) {
    const af = Math.abs(f);
    let up: boolean;
    switch (rm) {
      case RNE: up = af > 0.5 || (af === 0.5 && t % 2 !== 0); break;
      case RTZ: up = false; break;
      case RDN: up = f < 0; break;
      case RUP: up = f > 0; break;
      default: up = af >= 0.5; break;
    }
    if (up) t += f > 0 ? 1 : -1;
  }
  const lo = kind === 0 ? -2147483648 : kind === 2 ? -9223372036854775808 : 0;
  const hiLimit = kind === 0 ? 2147483648 : kind === 1 ? TWO_32 : kind === 2 ? 9223372036854775808 : TWO_64;
  if (t < lo || t >= hiLimit) {
    st.flags |= FLAG_NV;
    const pos = t > 0;
    switch (kind) {
      case 0: st.xlo = pos ? 0x7fffffff : -2147483648; st.xhi = pos ? 0 : -1; break;
      case 1: st.xlo = pos ? -1 : 0; st.xhi = pos ? -1 : 0; break;
      case 2: st.xlo = pos ? -1 : 0; st.xhi = pos ? 0x7fffffff : -2147483648; break;
      default: st.xlo = pos ? -1 : 0; st.xhi = pos ? -1 : 0; break;
    }
    return;
  }
  if (f !== 0) st.flags |= FLAG_NX;
  if (kind < 2) {
    st.xlo = t | 0;
    st.xhi = st.xlo >> 31;
  } else {
    const h = Math.floor(t / TWO_32);
    st.xlo = (t - h * TWO_32) | 0;
    st.xhi = h | 0;
  }
}
/** fcvt.w.s */
export function fcvt_w_s(st: FpuState, rs1: number, rm: number): void { toInt(st, rdS(st, rs1), rm, 0); }
/** fcvt.wu.s */
export function fcvt_wu_s(st: FpuState, rs1: number, rm: number): void { toInt(st, rdS(st, rs1), rm, 1); }
/** fcvt.l.s */
export function fcvt_l_s(st: FpuState, rs1: number, rm: number): void { toInt(st, rdS(st, rs1), rm, 2); }
/** fcvt.lu.s */
export function fcvt_lu_s(st: FpuState, rs1: number, rm: number): void { toInt(st, rdS(st, rs1), rm, 3); }
/** fcvt.w.d */
export function fcvt_w_d(st: FpuState, rs1: number, rm: number): void { toInt(st, st.f64[rs1], rm, 0); }
/** fcvt.wu.d */
export function fcvt_wu_d(st: FpuState, rs1: number, rm: number): void { toInt(st, st.f64[rs1], rm, 1); }
/** fcvt.l.d */
export function fcvt_l_d(st: FpuState, rs1: number, rm: number): void { toInt(st, st.f64[rs1], rm, 2); }
/** fcvt.lu.d */
export function fcvt_lu_d(st: FpuState, rs1: number, rm: number): void { toInt(st, st.f64[rs1], rm, 3); }

/** 64-bit integer hiPart * 2^32 + loPart (both exact doubles) to a double or single in rd. */
function fromInt64(st: FpuState, rd: number, hiPart: number, loPart: number, single: boolean, rm: number): void {
  const x = hiPart + loPart;
  const bb = x - hiPart;
  const err = (hiPart - (x - bb)) + (loPart - bb);
  if (single) {
    if (err === 0) packS(st, rd, x, true, 0, rm); else slowS(st, rd, x, sgn(err), rm);
    return;
  }
  st.f64[rd] = x;
  if (err !== 0) {
    st.flags |= FLAG_NX;
    if (rm !== RNE) adjustD(st, rd, x, err, rm, true);
  }
}
/** fcvt.s.w */
export function fcvt_s_w(st: FpuState, rd: number, lo: number, _hi: number, rm: number): void {
  packS(st, rd, lo | 0, true, 0, rm);
}
/** fcvt.s.wu */
export function fcvt_s_wu(st: FpuState, rd: number, lo: number, _hi: number, rm: number): void {
  packS(st, rd, lo >>> 0, true, 0, rm);
}
/** fcvt.s.l */
export function fcvt_s_l(st: FpuState, rd: number, lo: number, hi: number, rm: number): void {
  fromInt64(st, rd, (hi | 0) * TWO_32, lo >>> 0, true, rm);
}
/** fcvt.s.lu */
export function fcvt_s_lu(st: FpuState, rd: number, lo: number, hi: number, rm: number): void {
  fromInt64(st, rd, (hi >>> 0) * TWO_32, lo >>> 0, true, rm);
}
/** fcvt.d.w */
export function fcvt_d_w(st: FpuState, rd: number, lo: number, _hi: number, _rm: number): void {
  st.f64[rd] = lo | 0;
}
/** fcvt.d.wu */
export function fcvt_d_wu(st: FpuState, rd: number, lo: number, _hi: number, _rm: number): void {
  st.f64[rd] = lo >>> 0;
}
/** fcvt.d.l */
export function fcvt_d_l(st: FpuState, rd: number, lo: number, hi: number, rm: number): void {
  fromInt64(st, rd, (hi | 0) * TWO_32, lo >>> 0, false, rm);
}
/** fcvt.d.lu */
export function fcvt_d_lu(st: FpuState, rd: number, lo: number, hi: number, rm: number): void {
  fromInt64(st, rd, (hi >>> 0) * TWO_32, lo >>> 0, false, rm);
}

/** fcvt.s.d */
export function fcvt_s_d(st: FpuState, rd: number, rs1: number, rm: number): void {
  const x = st.f64[rs1];
  if (x !== x) { canonS(st, rd, sNaND(st, rs1)); return; }
  if (x === 0 || x - x !== 0) { putS(st, rd, x); return; }
  packS(st, rd, x, true, 0, rm);
}
/** fcvt.d.s */
export function fcvt_d_s(st: FpuState, rd: number, rs1: number, _rm: number): void {
  const x = rdS(st, rs1);
  if (x !== x) { canonD(st, rd, sNaNS(st, rs1)); return; }
  st.f64[rd] = x;
}

// ---- moves (bit-exact, f-st-ext.adoc) ----

/** fmv.w.x: NaN-boxes the low word. */
export function fmv_w_x(st: FpuState, rd: number, lo: number): void {
  st.i32[2 * rd] = lo;
  st.i32[2 * rd + 1] = -1;
}
/** fmv.d.x */
export function fmv_d_x(st: FpuState, rd: number, lo: number, hi: number): void {
  st.i32[2 * rd] = lo;
  st.i32[2 * rd + 1] = hi;
}
/** fmv.x.w: raw low word, sign-extended. */
export function fmv_x_w(st: FpuState, rs1: number): void {
  st.xlo = st.i32[2 * rs1];
  st.xhi = st.xlo >> 31;
}
/** fmv.x.d */
export function fmv_x_d(st: FpuState, rs1: number): void {
  st.xlo = st.i32[2 * rs1];
  st.xhi = st.i32[2 * rs1 + 1];
}
