// Shared state and rounding machinery of the F/D implementation: the register file, NaN handling, and
// `finish`, which rounds "binary64 x plus an error of known sign" to binary32 or binary64 with the right flags.
// See fpu.ts for the method.


/** fflags bits (f-st-ext.adoc, "Floating-Point Control and Status Register"). */
export const FLAG_NV = 16, FLAG_DZ = 8, FLAG_OF = 4, FLAG_UF = 2, FLAG_NX = 1;

export const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

/** The f registers (FLEN = 64), the accrued exception flags and the integer result of the last compare/convert. */
export class FpuState {
  readonly buf = new ArrayBuffer(32 * 8);
  /** Register i as a double. */
  readonly f64 = new Float64Array(this.buf);
  /** Low half of register i as a single: f32[2 * i]. */
  readonly f32 = new Float32Array(this.buf);
  /** Register i as bits: i32[2 * i] low word, i32[2 * i + 1] high word. */
  readonly i32 = new Int32Array(this.buf);
  /** Accrued fflags (NV DZ OF UF NX); operations OR into it. */
  flags = 0;
  /** Integer result (compare, classify, FP-to-integer convert, move to x) as a lo/hi int32 pair. */
  xlo = 0;
  xhi = 0;
}

// ---- scratch and constants ----

export const scratch = new ArrayBuffer(8);
export const sf = new Float64Array(scratch);
export const si = new Int32Array(scratch);
export const scratch32 = new ArrayBuffer(4);
export const sf32 = new Float32Array(scratch32);
export const si32 = new Int32Array(scratch32);

export const POW2_BIAS = 1200;
export const POW2 = new Float64Array(2 * POW2_BIAS + 1);
{
  let v = 1;
  for (let k = 0; k <= POW2_BIAS; k++) { POW2[POW2_BIAS + k] = v; v *= 2; }
  v = 1;
  for (let k = 0; k <= POW2_BIAS; k++) { POW2[POW2_BIAS - k] = v; v /= 2; }
}
/** 2^k, exact for -1074 <= k <= 1023. */
export function pow2(k: number): number {
  return k < -POW2_BIAS ? 0 : k > POW2_BIAS ? Infinity : POW2[k + POW2_BIAS];
}

export const MAX_D = Number.MAX_VALUE;
export const MAX_S = 3.4028234663852886e38;
export const MIN_NORMAL_D = pow2(-1022);
export const MIN_NORMAL_S = pow2(-126);
export const TWO_32 = 4294967296;
export const TWO_52 = pow2(52);
export const TWO_64 = pow2(64);
/** Bounds inside which Dekker's TwoProduct and exact remainders cannot overflow or lose bits to underflow. */
export const SAFE_LO = pow2(-960), SAFE_HI = pow2(1019), SPLIT_HI = pow2(995);
export const SPLIT = 134217729; // 2^27 + 1
export const CANON_S = 0x7fc00000;
export const CANON_D_HI = 0x7ff80000;

// ---- register access and NaN handling ----

/** A single operand: its value if correctly NaN-boxed, else the canonical NaN (d-st-ext.adoc, NaN Boxing). */
export function rdS(st: FpuState, i: number): number {
  return st.i32[2 * i + 1] === -1 ? st.f32[2 * i] : NaN;
}
/** Bits of a single operand after the NaN-box check. */
export function bitsS(st: FpuState, i: number): number {
  return st.i32[2 * i + 1] === -1 ? st.i32[2 * i] : CANON_S;
}
export function sNaNS(st: FpuState, i: number): boolean {
  if (st.i32[2 * i + 1] !== -1) return false;
  const b = st.i32[2 * i];
  return (b & 0x7fc00000) === 0x7f800000 && (b & 0x3fffff) !== 0;
}
export function sNaND(st: FpuState, i: number): boolean {
  const hi = st.i32[2 * i + 1];
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) | st.i32[2 * i]) !== 0;
}
export function putS(st: FpuState, rd: number, v: number): void {
  st.f32[2 * rd] = v;
  st.i32[2 * rd + 1] = -1;
}
export function canonS(st: FpuState, rd: number, nv: boolean): void {
  st.i32[2 * rd] = CANON_S;
  st.i32[2 * rd + 1] = -1;
  if (nv) st.flags |= FLAG_NV;
}
export function canonD(st: FpuState, rd: number, nv: boolean): void {
  st.i32[2 * rd] = 0;
  st.i32[2 * rd + 1] = CANON_D_HI;
  if (nv) st.flags |= FLAG_NV;
}

// ---- rounding a "double plus signed error" to a format ----

let outLo = 0, outHi = 0;
let roundedInexact = false;

/**
 * Rounds y >= 0 (units of the result's last place) to an integer. The exact magnitude is y + d where d has
 * sign `es` and is smaller than half the spacing of y's binary64 grid on that side; `halfTie` says |d| is
 * exactly half a unit. Sets roundedInexact.
 */
export function roundInt(y: number, es: number, halfTie: boolean, neg: boolean, rm: number): number {
  let q = Math.floor(y);
  const f = y - q;
  let cls: number; // 0 exact, 1 below half, 2 half, 3 above half
  if (f === 0) {
    if (es === 0) cls = 0;
    else if (es > 0) cls = halfTie ? 2 : 1;
    else { q -= 1; cls = halfTie ? 2 : 3; }
  } else if (f === 0.5) {
    cls = es > 0 ? 3 : es < 0 ? 1 : 2;
  } else {
    cls = f < 0.5 ? 1 : 3;
  }
  roundedInexact = cls !== 0;
  if (cls === 0) return q;
  let up: boolean;
  switch (rm) {
    case RNE: up = cls === 3 || (cls === 2 && q % 2 !== 0); break;
    case RTZ: up = false; break;
    case RDN: up = neg; break;
    case RUP: up = !neg; break;
    default: up = cls >= 2; break;
  }
  return up ? q + 1 : q;
}

/**
 * Rounds 2^scale * (x + err) to binary32 (single) or binary64 and returns the flags; the bits land in
 * outLo/outHi (a single is NaN-boxed). x is a nonzero normal double, err has sign errSign (relative to the
 * signed value) and is at most half the spacing of x's grid on its side; `tie` says it is exactly half.
 * Tininess is detected after rounding (f-st-ext.adoc, Subnormal Arithmetic): UF needs tiny and inexact.
 */
export function finish(x: number, errSign: number, tie: boolean, scale: number, single: boolean, rm: number): number {
  const p = single ? 24 : 53, emin = single ? -126 : -1022, emax = single ? 127 : 1023;
  sf[0] = x;
  const hi = si[1], lo = si[0];
  const neg = hi < 0;
  const es = neg ? -errSign : errSign;
  const ex = ((hi >>> 20) & 0x7ff) - 1023;
  const below = es < 0 && (hi & 0xfffff) === 0 && lo === 0 ? 1 : 0; // just under a power of two
  const e = ex + scale - below; // exponent of the exact magnitude
  si[1] = (hi & 0xfffff) | 0x3ff00000;
  const m = sf[0]; // significand in [1, 2)
  const L = (e < emin ? emin : e) - (p - 1); // weight of the result's last place
  const k = ex + scale - L;
  let r: number, inexact: boolean;
  if (k < -2) {
    r = (neg ? rm === RDN : rm === RUP) ? 1 : 0;
    inexact = true;
  } else {
    r = roundInt(m * pow2(k), es, tie && k === 52 + below, neg, rm);
    inexact = roundedInexact;
  }
  let flags = inexact ? FLAG_NX : 0;
  const top = pow2(p);
  let mag: number;
  if (e > emax || (e === emax && r === top)) {
    flags |= FLAG_OF | FLAG_NX;
    const toInf = rm === RNE || rm === RMM || (rm === RUP && !neg) || (rm === RDN && neg);
    mag = toInf ? Infinity : single ? MAX_S : MAX_D;
  } else {
    if (inexact && e < emin) {
      let tiny = true;
      if (e === emin - 1) {
        // Rounded with unbounded exponent range, the value may still reach 2^emin.
        const r2 = roundInt(m * pow2(k + 1), es, tie && k + 1 === 52 + below, neg, rm);
        if (r2 >= top) tiny = false;
      }
      if (tiny) flags |= FLAG_UF;
    }
    mag = r * pow2(L);
  }
  if (single) {
    sf32[0] = neg ? -mag : mag;
    outLo = si32[0];
    outHi = -1;
  } else {
    sf[0] = neg ? -mag : mag;
    outLo = si[0];
    outHi = si[1];
  }
  return flags;
}

export function putOut(st: FpuState, rd: number, flags: number): void {
  st.i32[2 * rd] = outLo;
  st.i32[2 * rd + 1] = outHi;
  st.flags |= flags;
}

/** Is |err| exactly half the spacing of x's binary64 grid on err's side? */
export function tieOf(x: number, err: number): boolean {
  if (err === 0) return false;
  sf[0] = x;
  const hi = si[1];
  const ex = ((hi >>> 20) & 0x7ff) - 1023;
  const toward = (x > 0) !== (err > 0);
  const narrow = toward && (hi & 0xfffff) === 0 && si[0] === 0 ? 1 : 0;
  return Math.abs(err) === pow2(ex - 53 - narrow);
}

/**
 * Register rd holds r = RNE(exact), a normal double below MAX in magnitude, and exact = r + err (err != 0).
 * Steps r by one unit in the last place where the rounding mode asks for it.
 */
export function adjustD(st: FpuState, rd: number, r: number, err: number, rm: number, canTie: boolean): void {
  const away = r > 0 ? err > 0 : err < 0; // exact is farther from zero than r
  let dir = 0;
  switch (rm) {
    case RTZ: dir = away ? 0 : -1; break;
    case RDN: dir = err < 0 ? (r > 0 ? -1 : 1) : 0; break;
    case RUP: dir = err > 0 ? (r > 0 ? 1 : -1) : 0; break;
    case RMM: dir = away && canTie && tieOf(r, err) ? 1 : 0; break;
    default: break;
  }
  const i = 2 * rd;
  if (dir > 0) {
    const lo = (st.i32[i] + 1) | 0;
    st.i32[i] = lo;
    if (lo === 0) st.i32[i + 1] += 1;
    if (lo === 0 && (st.i32[i + 1] & 0x7fffffff) === 0x7ff00000) st.flags |= FLAG_OF;
  } else if (dir < 0) {
    const lo = st.i32[i];
    st.i32[i] = (lo - 1) | 0;
    if (lo === 0) st.i32[i + 1] -= 1;
  }
}

/** Rounds a double x (exact value x + err, err of sign errSign) to single in rd; x is finite and nonzero. */
export function slowS(st: FpuState, rd: number, x: number, errSign: number, rm: number): void {
  let scale = 0;
  if (Math.abs(x) < MIN_NORMAL_D) { x *= TWO_64; scale = -64; }
  putOut(st, rd, finish(x, errSign, false, scale, true, rm));
}

/**
 * Single result from x = RNE64(exact), with `exact` telling whether x is the exact value; errSign is only
 * consulted when it is not. RNE is innocuous double rounding for +, -, *, / and sqrt since 53 >= 2*24 + 2.
 */
export function packS(st: FpuState, rd: number, x: number, exact: boolean, errSign: number, rm: number): void {
  const f = Math.fround(x);
  if (exact && f === x) { putS(st, rd, f); return; }
  if (rm === RNE) {
    const af = Math.abs(f);
    if (af > MIN_NORMAL_S && af < Infinity) { putS(st, rd, f); st.flags |= FLAG_NX; return; }
  }
  slowS(st, rd, x, exact ? 0 : errSign, rm);
}

export function sgn(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** Result of unpack: significand in [1, 2) with x's sign, and exponent. */
export const unpacked = { m: 0, e: 0 };

/** Splits finite nonzero x into unpacked.m · 2^unpacked.e. */
export function unpack(x: number): void {
  sf[0] = x;
  let hi = si[1];
  let e = (hi >>> 20) & 0x7ff;
  let adj = 0;
  if (e === 0) {
    sf[0] = x * TWO_64;
    hi = si[1];
    e = (hi >>> 20) & 0x7ff;
    adj = 64;
  }
  si[1] = (hi & 0x800fffff) | 0x3ff00000;
  unpacked.m = sf[0];
  unpacked.e = e - 1023 - adj;
}

/** Exact error of a*b for |a|, |b|, |a*b| inside the safe range (Dekker). */
export function prodErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

