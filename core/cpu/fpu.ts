// F and D extensions: exact IEEE 754 binary32/binary64 arithmetic, rounding modes and fflags for one hart
// (unprivileged f-st-ext.adoc and d-st-ext.adoc).
//
// Results are computed natively in binary64 and then checked or corrected with error-free transformations
// (TwoSum, Dekker's TwoProduct, exact remainders): that gives the sign of the rounding error, from which
// the directed modes and the flags follow. Cases that leave the safe exponent range (subnormal results,
// overflow, tininess) are scaled by powers of two into range and rounded by `finish`, which rounds a value
// described as "binary64 x plus an error of known sign" to either format. Fused multiply-add of doubles
// sums the exact 106-bit product and the addend on 16-bit limbs. Nothing here allocates after module load.

/** fflags bits (f-st-ext.adoc, "Floating-Point Control and Status Register"). */
export const FLAG_NV = 16, FLAG_DZ = 8, FLAG_OF = 4, FLAG_UF = 2, FLAG_NX = 1;

const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

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

const scratch = new ArrayBuffer(8);
const sf = new Float64Array(scratch);
const si = new Int32Array(scratch);
const scratch32 = new ArrayBuffer(4);
const sf32 = new Float32Array(scratch32);
const si32 = new Int32Array(scratch32);

const POW2_BIAS = 1200;
const POW2 = new Float64Array(2 * POW2_BIAS + 1);
{
  let v = 1;
  for (let k = 0; k <= POW2_BIAS; k++) { POW2[POW2_BIAS + k] = v; v *= 2; }
  v = 1;
  for (let k = 0; k <= POW2_BIAS; k++) { POW2[POW2_BIAS - k] = v; v /= 2; }
}
/** 2^k, exact for -1074 <= k <= 1023. */
function pow2(k: number): number {
  return k < -POW2_BIAS ? 0 : k > POW2_BIAS ? Infinity : POW2[k + POW2_BIAS];
}

const MAX_D = Number.MAX_VALUE;
const MAX_S = 3.4028234663852886e38;
const MIN_NORMAL_D = pow2(-1022);
const MIN_NORMAL_S = pow2(-126);
const TWO_32 = 4294967296;
const TWO_52 = pow2(52);
const TWO_64 = pow2(64);
/** Bounds inside which Dekker's TwoProduct and exact remainders cannot overflow or lose bits to underflow. */
const SAFE_LO = pow2(-960), SAFE_HI = pow2(1019), SPLIT_HI = pow2(995);
const SPLIT = 134217729; // 2^27 + 1
const CANON_S = 0x7fc00000;
const CANON_D_HI = 0x7ff80000;

// ---- register access and NaN handling ----

/** A single operand: its value if correctly NaN-boxed, else the canonical NaN (d-st-ext.adoc, NaN Boxing). */
function rdS(st: FpuState, i: number): number {
  return st.i32[2 * i + 1] === -1 ? st.f32[2 * i] : NaN;
}
/** Bits of a single operand after the NaN-box check. */
function bitsS(st: FpuState, i: number): number {
  return st.i32[2 * i + 1] === -1 ? st.i32[2 * i] : CANON_S;
}
function sNaNS(st: FpuState, i: number): boolean {
  if (st.i32[2 * i + 1] !== -1) return false;
  const b = st.i32[2 * i];
  return (b & 0x7fc00000) === 0x7f800000 && (b & 0x3fffff) !== 0;
}
function sNaND(st: FpuState, i: number): boolean {
  const hi = st.i32[2 * i + 1];
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) | st.i32[2 * i]) !== 0;
}
function putS(st: FpuState, rd: number, v: number): void {
  st.f32[2 * rd] = v;
  st.i32[2 * rd + 1] = -1;
}
function canonS(st: FpuState, rd: number, nv: boolean): void {
  st.i32[2 * rd] = CANON_S;
  st.i32[2 * rd + 1] = -1;
  if (nv) st.flags |= FLAG_NV;
}
function canonD(st: FpuState, rd: number, nv: boolean): void {
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
function roundInt(y: number, es: number, halfTie: boolean, neg: boolean, rm: number): number {
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
function finish(x: number, errSign: number, tie: boolean, scale: number, single: boolean, rm: number): number {
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

function putOut(st: FpuState, rd: number, flags: number): void {
  st.i32[2 * rd] = outLo;
  st.i32[2 * rd + 1] = outHi;
  st.flags |= flags;
}

/** Is |err| exactly half the spacing of x's binary64 grid on err's side? */
function tieOf(x: number, err: number): boolean {
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
function adjustD(st: FpuState, rd: number, r: number, err: number, rm: number, canTie: boolean): void {
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
function slowS(st: FpuState, rd: number, x: number, errSign: number, rm: number): void {
  let scale = 0;
  if (Math.abs(x) < MIN_NORMAL_D) { x *= TWO_64; scale = -64; }
  putOut(st, rd, finish(x, errSign, false, scale, true, rm));
}

/**
 * Single result from x = RNE64(exact), with `exact` telling whether x is the exact value; errSign is only
 * consulted when it is not. RNE is innocuous double rounding for +, -, *, / and sqrt since 53 >= 2*24 + 2.
 */
function packS(st: FpuState, rd: number, x: number, exact: boolean, errSign: number, rm: number): void {
  const f = Math.fround(x);
  if (exact && f === x) { putS(st, rd, f); return; }
  if (rm === RNE) {
    const af = Math.abs(f);
    if (af > MIN_NORMAL_S && af < Infinity) { putS(st, rd, f); st.flags |= FLAG_NX; return; }
  }
  slowS(st, rd, x, exact ? 0 : errSign, rm);
}

function sgn(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** Writes a double significand in [1, 2) (with x's sign) to um and its exponent to ue; x finite, nonzero. */
let um = 0, ue = 0;
function unpack(x: number): void {
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
  um = sf[0];
  ue = e - 1023 - adj;
}

/** Exact error of a*b for |a|, |b|, |a*b| inside the safe range (Dekker). */
function prodErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

// ---- double arithmetic ----

/** fadd.d */
export function fadd_d(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  addD(st, rd, rs1, rs2, st.f64[rs1], st.f64[rs2], rm);
}
/** fsub.d */
export function fsub_d(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  addD(st, rd, rs1, rs2, st.f64[rs1], -st.f64[rs2], rm);
}

function addD(st: FpuState, rd: number, rs1: number, rs2: number, a: number, b: number, rm: number): void {
  const r = a + b;
  if (r - r === 0) {
    const bb = r - a;
    const err = (a - (r - bb)) + (b - bb);
    if (err === 0) {
      // x + (-x) is +0 except under RDN (IEEE 754 6.3).
      st.f64[rd] = r === 0 && rm === RDN ? -((-a) + (-b)) : r;
      return;
    }
    if (err - err === 0) {
      st.f64[rd] = r;
      st.flags |= FLAG_NX;
      if (rm !== RNE) adjustD(st, rd, r, err, rm, true);
      return;
    }
  }
  if (a !== a || b !== b) { canonD(st, rd, sNaND(st, rs1) || sNaND(st, rs2)); return; }
  if (a - a !== 0 || b - b !== 0) {
    if (r !== r) canonD(st, rd, true); else st.f64[rd] = r;
    return;
  }
  // Finite operands whose sum leaves the range: add the halves (exact: both are large) and rescale.
  const ha = a * 0.5, hb = b * 0.5;
  const r2 = ha + hb, bb2 = r2 - ha;
  const e2 = (ha - (r2 - bb2)) + (hb - bb2);
  putOut(st, rd, finish(r2, sgn(e2), tieOf(r2, e2), 1, false, rm));
}

/** fmul.d */
export function fmul_d(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = st.f64[rs1], b = st.f64[rs2];
  const p = a * b;
  const ap = Math.abs(p), aa = Math.abs(a), ab = Math.abs(b);
  if (ap > SAFE_LO && ap < SAFE_HI && aa < SPLIT_HI && ab < SPLIT_HI && aa >= MIN_NORMAL_D && ab >= MIN_NORMAL_D) {
    const err = prodErr(a, b, p);
    st.f64[rd] = p;
    if (err !== 0) {
      st.flags |= FLAG_NX;
      if (rm !== RNE) adjustD(st, rd, p, err, rm, true);
    }
    return;
  }
  if (a !== a || b !== b) { canonD(st, rd, sNaND(st, rs1) || sNaND(st, rs2)); return; }
  if (p !== p) { canonD(st, rd, true); return; } // inf * 0
  if (a - a !== 0 || b - b !== 0 || a === 0 || b === 0) { st.f64[rd] = p; return; }
  mulScaledD(st, rd, a, b, rm);
}

/** Product of finite nonzero doubles, with the operands scaled to [1, 2). */
function mulScaledD(st: FpuState, rd: number, a: number, b: number, rm: number): void {
  unpack(a);
  const ma = Math.abs(um), ea = ue;
  unpack(b);
  const mb = Math.abs(um), eb = ue;
  let pm = ma * mb, err = prodErr(ma, mb, pm);
  if ((a < 0) !== (b < 0)) { pm = -pm; err = -err; }
  putOut(st, rd, finish(pm, sgn(err), tieOf(pm, err), ea + eb, false, rm));
}

/** fdiv.d */
export function fdiv_d(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = st.f64[rs1], b = st.f64[rs2];
  const q = a / b;
  const aa = Math.abs(a), ab = Math.abs(b), aq = Math.abs(q);
  if (aa > SAFE_LO && aa < SAFE_HI && ab >= MIN_NORMAL_D && ab < SPLIT_HI && aq >= MIN_NORMAL_D && aq < SPLIT_HI) {
    const ph = q * b, pl = prodErr(q, b, ph);
    const rem = (a - ph) - pl; // exact remainder a - q*b
    st.f64[rd] = q;
    if (rem !== 0) {
      st.flags |= FLAG_NX;
      if (rm !== RNE) adjustD(st, rd, q, b > 0 ? rem : -rem, rm, false); // a quotient is never a midpoint
    }
    return;
  }
  if (a !== a || b !== b) { canonD(st, rd, sNaND(st, rs1) || sNaND(st, rs2)); return; }
  if (q !== q) { canonD(st, rd, true); return; } // 0/0, inf/inf
  if (b === 0 && a - a === 0) st.flags |= FLAG_DZ;
  if (a - a !== 0 || b - b !== 0 || a === 0 || b === 0) { st.f64[rd] = q; return; }
  unpack(a);
  const ma = Math.abs(um), ea = ue;
  unpack(b);
  const mb = Math.abs(um), eb = ue;
  let qm = ma / mb;
  const ph = qm * mb, pl = prodErr(qm, mb, ph);
  let rem = (ma - ph) - pl;
  if ((a < 0) !== (b < 0)) { qm = -qm; rem = -rem; }
  putOut(st, rd, finish(qm, sgn(rem), false, ea - eb, false, rm));
}

/** fsqrt.d */
export function fsqrt_d(st: FpuState, rd: number, rs1: number, rm: number): void {
  const a = st.f64[rs1];
  const s = Math.sqrt(a);
  if (a > SAFE_LO && a < SAFE_HI) {
    const ph = s * s, pl = prodErr(s, s, ph);
    const rem = (a - ph) - pl;
    st.f64[rd] = s;
    if (rem !== 0) {
      st.flags |= FLAG_NX;
      if (rm !== RNE) adjustD(st, rd, s, rem, rm, false); // a square root is never a midpoint
    }
    return;
  }
  if (a !== a) { canonD(st, rd, sNaND(st, rs1)); return; }
  if (a < 0) { canonD(st, rd, true); return; }
  if (a === 0 || a === Infinity) { st.f64[rd] = a; return; }
  unpack(a);
  let m = um, e = ue;
  if (e & 1) { m *= 2; e -= 1; }
  const sm = Math.sqrt(m);
  const ph = sm * sm, pl = prodErr(sm, sm, ph);
  const rem = (m - ph) - pl;
  putOut(st, rd, finish(sm, sgn(rem), false, e / 2, false, rm));
}

// ---- single arithmetic (computed in binary64, rounded once to binary32) ----

/** fadd.s */
export function fadd_s(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  addS(st, rd, rs1, rs2, rdS(st, rs1), rdS(st, rs2), rm);
}
/** fsub.s */
export function fsub_s(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  addS(st, rd, rs1, rs2, rdS(st, rs1), -rdS(st, rs2), rm);
}

function addS(st: FpuState, rd: number, rs1: number, rs2: number, a: number, b: number, rm: number): void {
  const x = a + b;
  if (x - x !== 0) {
    if (a !== a || b !== b) canonS(st, rd, sNaNS(st, rs1) || sNaNS(st, rs2));
    else if (x !== x) canonS(st, rd, true);
    else putS(st, rd, x);
    return;
  }
  if (x === 0) { putS(st, rd, rm === RDN ? -((-a) + (-b)) : x); return; }
  const bb = x - a;
  const err = (a - (x - bb)) + (b - bb);
  packS(st, rd, x, err === 0, sgn(err), rm);
}

/** fmul.s */
export function fmul_s(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = rdS(st, rs1), b = rdS(st, rs2);
  const x = a * b; // exact: 24 + 24 bits
  if (x - x !== 0 || x === 0) {
    if (a !== a || b !== b) canonS(st, rd, sNaNS(st, rs1) || sNaNS(st, rs2));
    else if (x !== x) canonS(st, rd, true);
    else putS(st, rd, x);
    return;
  }
  packS(st, rd, x, true, 0, rm);
}

/** fdiv.s */
export function fdiv_s(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = rdS(st, rs1), b = rdS(st, rs2);
  const x = a / b;
  if (x - x !== 0 || x === 0) {
    if (a !== a || b !== b) canonS(st, rd, sNaNS(st, rs1) || sNaNS(st, rs2));
    else if (x !== x) canonS(st, rd, true);
    else {
      if (b === 0 && a - a === 0) st.flags |= FLAG_DZ;
      putS(st, rd, x);
    }
    return;
  }
  const f = Math.fround(x);
  if (f === x && f * b === a) { putS(st, rd, f); return; }
  const ph = x * b, pl = prodErr(x, b, ph);
  const rem = (a - ph) - pl;
  packS(st, rd, x, rem === 0, b > 0 ? sgn(rem) : -sgn(rem), rm);
}

/** fsqrt.s */
export function fsqrt_s(st: FpuState, rd: number, rs1: number, rm: number): void {
  const a = rdS(st, rs1);
  const x = Math.sqrt(a);
  if (x - x !== 0 || x === 0) {
    if (a !== a) canonS(st, rd, sNaNS(st, rs1));
    else if (x !== x) canonS(st, rd, true);
    else putS(st, rd, x);
    return;
  }
  const f = Math.fround(x);
  if (f === x && f * f === a) { putS(st, rd, f); return; }
  const ph = x * x, pl = prodErr(x, x, ph);
  const rem = (a - ph) - pl;
  packS(st, rd, x, rem === 0, sgn(rem), rm);
}

// ---- fused multiply-add ----

/** fmadd.s: rs1*rs2 + rs3 */
export function fmadd_s(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fmaS(st, rd, rs1, rs2, rs3, rdS(st, rs1), rdS(st, rs2), rdS(st, rs3), rm);
}
/** fmsub.s: rs1*rs2 - rs3 */
export function fmsub_s(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fmaS(st, rd, rs1, rs2, rs3, rdS(st, rs1), rdS(st, rs2), -rdS(st, rs3), rm);
}
/** fnmsub.s: -(rs1*rs2) + rs3 */
export function fnmsub_s(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fmaS(st, rd, rs1, rs2, rs3, -rdS(st, rs1), rdS(st, rs2), rdS(st, rs3), rm);
}
/** fnmadd.s: -(rs1*rs2) - rs3 */
export function fnmadd_s(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fmaS(st, rd, rs1, rs2, rs3, -rdS(st, rs1), rdS(st, rs2), -rdS(st, rs3), rm);
}

let specialNV = false;
/**
 * Result of an FMA with a NaN or infinite operand (NaN return = canonical NaN); sets specialNV. inf*0 raises
 * NV even with a quiet NaN addend (f-st-ext.adoc, fused multiply-add), as does inf - inf.
 */
function fmaSpecial(a: number, b: number, c: number, anySNaN: boolean): number {
  const infZero = ((a === Infinity || a === -Infinity) && b === 0) || ((b === Infinity || b === -Infinity) && a === 0);
  if (a !== a || b !== b || c !== c) { specialNV = anySNaN || infZero; return NaN; }
  specialNV = true;
  if (infZero) return NaN;
  specialNV = false;
  if (a - a === 0 && b - b === 0) return c; // finite product, infinite addend
  const pInf = (a < 0) !== (b < 0) ? -Infinity : Infinity;
  if (c - c !== 0 && c !== pInf) { specialNV = true; return NaN; }
  return pInf;
}

function fmaS(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number,
  a: number, b: number, c: number, rm: number): void {
  const pr = a * b; // exact
  const x = pr + c;
  if (x - x !== 0) {
    const v = fmaSpecial(a, b, c, sNaNS(st, rs1) || sNaNS(st, rs2) || sNaNS(st, rs3));
    if (v === v) putS(st, rd, v); else canonS(st, rd, specialNV);
    return;
  }
  if (x === 0) { putS(st, rd, rm === RDN ? -((-pr) + (-c)) : x); return; }
  const bb = x - pr;
  const err = (pr - (x - bb)) + (c - bb);
  const f = Math.fround(x);
  if (err === 0) { packS(st, rd, x, true, 0, rm); return; }
  if (rm === RNE) {
    const af = Math.abs(f);
    if (af > MIN_NORMAL_S && af < Infinity) {
      // Double rounding can only go wrong when x is exactly a binary32 midpoint.
      const d = x - f, other = x + d;
      const res = other !== f && Math.fround(other) === other && (d > 0) === (err > 0) ? other : f;
      putS(st, rd, res);
      st.flags |= FLAG_NX;
      return;
    }
  }
  slowS(st, rd, x, sgn(err), rm);
}

/** fmadd.d: rs1*rs2 + rs3 */
export function fmadd_d(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fmaD(st, rd, rs1, rs2, rs3, st.f64[rs1], st.f64[rs2], st.f64[rs3], rm);
}
/** fmsub.d: rs1*rs2 - rs3 */
export function fmsub_d(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fmaD(st, rd, rs1, rs2, rs3, st.f64[rs1], st.f64[rs2], -st.f64[rs3], rm);
}
/** fnmsub.d: -(rs1*rs2) + rs3 */
export function fnmsub_d(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fmaD(st, rd, rs1, rs2, rs3, -st.f64[rs1], st.f64[rs2], st.f64[rs3], rm);
}
/** fnmadd.d: -(rs1*rs2) - rs3 */
export function fnmadd_d(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fmaD(st, rd, rs1, rs2, rs3, -st.f64[rs1], st.f64[rs2], -st.f64[rs3], rm);
}

// Exact a*b + c on 16-bit limbs (little-endian, held in doubles). The window is NL limbs wide; the larger
// term always fits whole, and a term that falls partly below the window is so much smaller that its lost
// bits only act as a sticky bit far below the rounding position.
const NL = 10;
const WA = new Float64Array(NL), WB = new Float64Array(NL);
const LP = new Float64Array(8), LC = new Float64Array(4), LX = new Float64Array(4), LY = new Float64Array(4);

function toLimbs(dst: Float64Array, m: number): void {
  for (let i = 0; i < 4; i++) {
    const q = Math.floor(m / 65536);
    dst[i] = m - q * 65536;
    m = q;
  }
}

/** dst = src (n limbs) * 2^shift, truncated to the window; returns true if nonzero bits fell below it. */
function place(dst: Float64Array, src: Float64Array, n: number, shift: number): boolean {
  dst.fill(0);
  if (shift >= 0) {
    const off = shift >> 4, mul = 1 << (shift & 15);
    let carry = 0;
    for (let i = 0; i < n; i++) {
      const v = src[i] * mul + carry;
      carry = Math.floor(v / 65536);
      if (i + off < NL) dst[i + off] = v - carry * 65536;
    }
    if (n + off < NL) dst[n + off] = carry;
    return false;
  }
  const k = -shift, off = k >> 4, bs = k & 15, div = 1 << bs, up = 65536 / div;
  let sticky = false;
  for (let i = 0; i < n && i < off; i++) if (src[i] !== 0) sticky = true;
  if (off < n && src[off] % div !== 0) sticky = true;
  for (let i = 0; i + off < n && i < NL; i++) {
    const nxt = i + off + 1 < n ? src[i + off + 1] : 0;
    dst[i] = Math.floor(src[i + off] / div) + (nxt % div) * up;
  }
  return sticky;
}

function fmaD(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number,
  a: number, b: number, c: number, rm: number): void {
  // Fast path: a*b + c = s + u + v exactly (TwoProduct, then TwoSum twice). When |u| <= |s|/16 the sum
  // s + u cannot cancel, so z = RN(s + u) with error w is RN(exact) unless s + u is a midpoint that v
  // pushes past (then the other neighbour z + 2w is); and |v| < |w| whenever w != 0.
  const aa = Math.abs(a), ab = Math.abs(b), p = a * b, ap = Math.abs(p);
  if (aa >= MIN_NORMAL_D && aa < SPLIT_HI && ab >= MIN_NORMAL_D && ab < SPLIT_HI && ap > SAFE_LO && ap < SAFE_HI) {
    const e = prodErr(a, b, p);
    const s = p + c, bs = s - p, t = (p - (s - bs)) + (c - bs);
    const u = t + e, bu = u - t, v = (t - (u - bu)) + (e - bu);
    const z = s + u, bz = z - s, w = (s - (z - bz)) + (u - bz);
    const az = Math.abs(z);
    if (Math.abs(u) * 16 <= Math.abs(s) && az > SAFE_LO && az < SAFE_HI) {
      if (w === 0 && v === 0) { st.f64[rd] = z; return; }
      st.flags |= FLAG_NX;
      if (v !== 0 && (v > 0) === (w > 0) && tieOf(z, w)) {
        const z2 = z + 2 * w;
        st.f64[rd] = z2;
        if (rm !== RNE) adjustD(st, rd, z2, -w, rm, false);
        return;
      }
      st.f64[rd] = z;
      if (rm !== RNE) adjustD(st, rd, z, w !== 0 ? w : v, rm, v === 0);
      return;
    }
  }
  fmaSlowD(st, rd, rs1, rs2, rs3, a, b, c, rm);
}

function fmaSlowD(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number,
  a: number, b: number, c: number, rm: number): void {
  if (c - c !== 0 || a - a !== 0 || b - b !== 0) {
    const v = fmaSpecial(a, b, c, sNaND(st, rs1) || sNaND(st, rs2) || sNaND(st, rs3));
    if (v === v) st.f64[rd] = v; else canonD(st, rd, specialNV);
    return;
  }
  const pr = a * b;
  if (a === 0 || b === 0) {
    // Exact zero product: the sum is c, or a signed zero.
    st.f64[rd] = c !== 0 ? c : rm === RDN ? -((-pr) + (-c)) : pr + c;
    return;
  }
  if (c === 0) { mulScaledD(st, rd, a, b, rm); return; }
  unpack(a);
  const ma = Math.abs(um) * TWO_52, ea = ue - 52;
  unpack(b);
  const mb = Math.abs(um) * TWO_52, eb = ue - 52;
  unpack(c);
  const mc = Math.abs(um) * TWO_52, ec = ue - 52;
  const negP = (a < 0) !== (b < 0), negC = c < 0;
  // 106-bit product.
  toLimbs(LX, ma);
  toLimbs(LY, mb);
  let carry = 0;
  for (let s = 0; s < 7; s++) {
    let acc = carry;
    for (let i = s < 3 ? 0 : s - 3; i <= s && i < 4; i++) acc += LX[i] * LY[s - i];
    carry = Math.floor(acc / 65536);
    LP[s] = acc - carry * 65536;
  }
  LP[7] = carry;
  toLimbs(LC, mc);
  const ep = ea + eb;
  const topP = ep + 106, topC = ec + 53;
  const e0 = (topP > topC ? topP : topC) + 1 - 16 * NL;
  const stA = place(WA, LP, 8, ep - e0);
  const stB = place(WB, LC, 4, ec - e0);
  let sticky: boolean, neg: boolean;
  if (negP === negC) {
    let cy = 0;
    for (let i = 0; i < NL; i++) {
      const v = WA[i] + WB[i] + cy;
      cy = v >= 65536 ? 1 : 0;
      WA[i] = v - cy * 65536;
    }
    sticky = stA || stB;
    neg = negP;
  } else {
    let cmp = 0;
    for (let i = NL - 1; i >= 0; i--) {
      if (WA[i] !== WB[i]) { cmp = WA[i] > WB[i] ? 1 : -1; break; }
    }
    if (cmp === 0 && !stA && !stB) {
      st.f64[rd] = rm === RDN ? -0 : 0; // exact cancellation (IEEE 754 6.3)
      return;
    }
    const big = cmp >= 0 ? WA : WB, small = cmp >= 0 ? WB : WA;
    const smallSticky = cmp >= 0 ? stB : stA;
    let bw = smallSticky ? 1 : 0;
    for (let i = 0; i < NL; i++) {
      let v = big[i] - small[i] - bw;
      if (v < 0) { v += 65536; bw = 1; } else bw = 0;
      WA[i] = v;
    }
    sticky = smallSticky || (cmp >= 0 ? stA : stB);
    neg = cmp >= 0 ? negP : negC;
  }
  roundWindow(st, rd, e0, sticky, neg, false, rm);
}

/** Rounds the window WA * 2^e0 (+ sticky) to 53 bits with its error sign, then to the format via finish. */
function roundWindow(st: FpuState, rd: number, e0: number, sticky: boolean, neg: boolean, single: boolean,
  rm: number): void {
  let t = NL - 1;
  while (t > 0 && WA[t] === 0) t--;
  const hb = 16 * t + 31 - Math.clz32(WA[t]);
  const k = hb - 52;
  let x: number, es: number, tie = false, scale: number;
  if (k <= 0) {
    x = 0;
    for (let i = t; i >= 0; i--) x = x * 65536 + WA[i];
    es = sticky ? 1 : 0;
    scale = e0;
  } else {
    const j = k >> 4, bs = k & 15;
    let q = 0;
    for (let i = t; i > j; i--) q = q * 65536 + WA[i];
    q = q * (1 << (16 - bs)) + Math.floor(WA[j] / (1 << bs));
    const hbit = k - 1, hj = hbit >> 4, hs = hbit & 15;
    const half = Math.floor(WA[hj] / (1 << hs)) % 2 === 1;
    let rest = sticky || WA[hj] % (1 << hs) !== 0;
    for (let i = 0; i < hj && !rest; i++) if (WA[i] !== 0) rest = true;
    if (half && (rest || q % 2 === 1)) { q += 1; es = -1; tie = !rest; } else if (half) { es = 1; tie = true; } else es = rest ? 1 : 0;
    x = q;
    scale = e0 + k;
  }
  if (neg) { x = -x; es = -es; }
  putOut(st, rd, finish(x, es, tie, scale, single, rm));
}

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
