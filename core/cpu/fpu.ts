// F and D extensions: exact IEEE 754 binary32/binary64 arithmetic, rounding modes and fflags for one hart
// (unprivileged f-st-ext.adoc and d-st-ext.adoc).
//
// Results are computed natively in binary64 and then checked or corrected with error-free transformations
// (TwoSum, Dekker's TwoProduct, exact remainders): that gives the sign of the rounding error, from which
// the directed modes and the flags follow. Cases that leave the safe exponent range (subnormal results,
// overflow, tininess) are scaled by powers of two into range and rounded by `finish`, which rounds a value
// described as "binary64 x plus an error of known sign" to either format. Fused multiply-add of doubles
// sums the exact 106-bit product and the addend on 16-bit limbs. Nothing here allocates after module load.

import {
  FLAG_DZ, FLAG_NX, FpuState, MIN_NORMAL_D, MIN_NORMAL_S, RDN, RNE, SAFE_HI, SAFE_LO, SPLIT_HI, TWO_52, adjustD, canonD, canonS, finish, packS, prodErr, putOut, putS, rdS, sNaND, sNaNS, sgn, slowS, tieOf, unpack, unpacked,
} from './fpuCore';

export { FpuState, FLAG_NV, FLAG_DZ, FLAG_OF, FLAG_UF, FLAG_NX } from './fpuCore';
export * from './fpuMisc';

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
  const ma = Math.abs(unpacked.m), ea = unpacked.e;
  unpack(b);
  const mb = Math.abs(unpacked.m), eb = unpacked.e;
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
  const ma = Math.abs(unpacked.m), ea = unpacked.e;
  unpack(b);
  const mb = Math.abs(unpacked.m), eb = unpacked.e;
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
  let m = unpacked.m, e = unpacked.e;
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
  const ma = Math.abs(unpacked.m) * TWO_52, ea = unpacked.e - 52;
  unpack(b);
  const mb = Math.abs(unpacked.m) * TWO_52, eb = unpacked.e - 52;
  unpack(c);
  const mc = Math.abs(unpacked.m) * TWO_52, ec = unpacked.e - 52;
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

