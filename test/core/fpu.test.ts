// F/D arithmetic checked bit-for-bit (result and fflags) against an exact BigInt reference model, for all
// five rounding modes, on random operands, special values and rounding-boundary cases.
import { strict as assert } from 'node:assert';
import * as F from '../../core/cpu/fpu';

// ---------------------------------------------------------------------------------------------------------
// Reference model: exact values as sign * m * 2^e (m: bigint), rounded once per IEEE 754 with tininess
// detected after rounding.

interface Fmt { p: number; emin: number; emax: number; ebits: number; width: number }
const SF: Fmt = { p: 24, emin: -126, emax: 127, ebits: 8, width: 32 };
const DF: Fmt = { p: 53, emin: -1022, emax: 1023, ebits: 11, width: 64 };
const NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;
const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

interface Val { nan: boolean; snan: boolean; inf: boolean; zero: boolean; neg: boolean; m: bigint; e: number }
interface Res { bits: bigint; flags: number }

const fracBits = (f: Fmt) => f.p - 1;
const canon = (f: Fmt) => (f === SF ? 0x7fc00000n : 0x7ff8000000000000n);
const expMask = (f: Fmt) => (1n << BigInt(f.ebits)) - 1n;

function decode(bits: bigint, f: Fmt): Val {
  const fb = BigInt(fracBits(f));
  const neg = ((bits >> BigInt(f.width - 1)) & 1n) === 1n;
  const ef = (bits >> fb) & expMask(f);
  const frac = bits & ((1n << fb) - 1n);
  const v: Val = { nan: false, snan: false, inf: false, zero: false, neg, m: 0n, e: 0 };
  if (ef === expMask(f)) {
    if (frac === 0n) v.inf = true;
    else { v.nan = true; v.snan = ((frac >> (fb - 1n)) & 1n) === 0n; }
  } else if (ef === 0n) {
    v.m = frac; v.e = f.emin - fracBits(f); v.zero = frac === 0n;
  } else {
    v.m = frac | (1n << fb); v.e = Number(ef) - f.emax - fracBits(f);
  }
  return v;
}

function bitlen(x: bigint): number { return x === 0n ? 0 : x.toString(2).length; }

function packBits(neg: boolean, ef: bigint, frac: bigint, f: Fmt): bigint {
  return ((neg ? 1n : 0n) << BigInt(f.width - 1)) | (ef << BigInt(fracBits(f))) | frac;
}
const zeroBits = (neg: boolean, f: Fmt) => packBits(neg, 0n, 0n, f);
const infBits = (neg: boolean, f: Fmt) => packBits(neg, expMask(f), 0n, f);
const maxBits = (neg: boolean, f: Fmt) => packBits(neg, expMask(f) - 1n, (1n << BigInt(fracBits(f))) - 1n, f);

/** Encodes q * 2^lsb (exactly representable) in format f. */
function encode(neg: boolean, q: bigint, lsb: number, f: Fmt): bigint {
  if (q === 0n) return zeroBits(neg, f);
  const n = bitlen(q);
  const E = lsb + n - 1;
  if (E < f.emin) return packBits(neg, 0n, q << BigInt(lsb - (f.emin - f.p + 1)), f);
  const m = n > f.p ? q >> BigInt(n - f.p) : q << BigInt(f.p - n);
  return packBits(neg, BigInt(E + f.emax), m - (1n << BigInt(f.p - 1)), f);
}

let refInexact = false;
/** Rounds (mant + (sticky ? something in (0,1) : 0)) * 2^exp to a multiple of 2^lsb. */
function roundAt(neg: boolean, mant: bigint, exp: number, sticky: boolean, lsb: number, rm: number): bigint {
  let q: bigint, cls: number; // 0 exact, 1 below half, 2 half, 3 above
  if (lsb <= exp) {
    q = mant << BigInt(exp - lsb);
    cls = sticky ? 1 : 0;
  } else {
    const sh = BigInt(lsb - exp);
    q = mant >> sh;
    const rem = mant & ((1n << sh) - 1n), half = 1n << (sh - 1n);
    if (rem === 0n && !sticky) cls = 0;
    else if (rem < half) cls = 1;
    else if (rem === half) cls = sticky ? 3 : 2;
    else cls = 3;
  }
  refInexact = cls !== 0;
  let up = false;
  if (cls !== 0) {
    switch (rm) {
      case RNE: up = cls === 3 || (cls === 2 && (q & 1n) === 1n); break;
      case RTZ: up = false; break;
      case RDN: up = neg; break;
      case RUP: up = !neg; break;
      case RMM: up = cls >= 2; break;
    }
  }
  return up ? q + 1n : q;
}

/** Rounds the nonzero exact value (-1)^neg * (mant + sticky) * 2^exp to format f. */
function roundRef(neg: boolean, mant: bigint, exp: number, sticky: boolean, f: Fmt, rm: number): Res {
  const E = exp + bitlen(mant) - 1;
  const lsbU = E - (f.p - 1);
  const qU = roundAt(neg, mant, exp, sticky, lsbU, rm);
  const EU = lsbU + bitlen(qU) - 1; // exponent after rounding with unbounded range
  if (EU > f.emax) {
    const toInf = rm === RNE || rm === RMM || (rm === RUP && !neg) || (rm === RDN && neg);
    return { bits: toInf ? infBits(neg, f) : maxBits(neg, f), flags: OF | NX };
  }
  const tiny = EU < f.emin;
  const lsb = Math.max(E, f.emin) - (f.p - 1);
  const q = roundAt(neg, mant, exp, sticky, lsb, rm);
  let flags = refInexact ? NX : 0;
  if (tiny && refInexact) flags |= UF;
  return { bits: encode(neg, q, lsb, f), flags };
}

const nanRes = (f: Fmt, nv: boolean): Res => ({ bits: canon(f), flags: nv ? NV : 0 });

/** Exact sum of two finite signed values, rounded; zero sums follow IEEE 754 6.3. */
function sumRef(n1: boolean, m1: bigint, e1: number, n2: boolean, m2: bigint, e2: number, f: Fmt, rm: number): Res {
  const e = Math.min(e1, e2);
  const s = (n1 ? -m1 : m1) * (1n << BigInt(e1 - e)) + (n2 ? -m2 : m2) * (1n << BigInt(e2 - e));
  if (s === 0n) {
    const neg = n1 === n2 && m1 === 0n && m2 === 0n ? n1 : rm === RDN;
    return { bits: zeroBits(neg, f), flags: 0 };
  }
  return roundRef(s < 0n, s < 0n ? -s : s, e, false, f, rm);
}

function addRef(a: Val, b: Val, f: Fmt, rm: number): Res {
  if (a.nan || b.nan) return nanRes(f, a.snan || b.snan);
  if (a.inf && b.inf && a.neg !== b.neg) return nanRes(f, true);
  if (a.inf || b.inf) return { bits: infBits(a.inf ? a.neg : b.neg, f), flags: 0 };
  return sumRef(a.neg, a.m, a.e, b.neg, b.m, b.e, f, rm);
}
const neg = (v: Val): Val => ({ ...v, neg: !v.neg });

function mulRef(a: Val, b: Val, f: Fmt, rm: number): Res {
  if (a.nan || b.nan) return nanRes(f, a.snan || b.snan);
  const n = a.neg !== b.neg;
  if ((a.inf && b.zero) || (b.inf && a.zero)) return nanRes(f, true);
  if (a.inf || b.inf) return { bits: infBits(n, f), flags: 0 };
  if (a.zero || b.zero) return { bits: zeroBits(n, f), flags: 0 };
  return roundRef(n, a.m * b.m, a.e + b.e, false, f, rm);
}

function divRef(a: Val, b: Val, f: Fmt, rm: number): Res {
  if (a.nan || b.nan) return nanRes(f, a.snan || b.snan);
  const n = a.neg !== b.neg;
  if ((a.inf && b.inf) || (a.zero && b.zero)) return nanRes(f, true);
  if (a.inf) return { bits: infBits(n, f), flags: 0 };
  if (b.inf || a.zero) return { bits: zeroBits(n, f), flags: 0 };
  if (b.zero) return { bits: infBits(n, f), flags: DZ };
  const K = 140;
  const num = a.m << BigInt(K);
  const q = num / b.m, r = num % b.m;
  return roundRef(n, q, a.e - b.e - K, r !== 0n, f, rm);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitlen(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

function sqrtRef(a: Val, f: Fmt, rm: number): Res {
  if (a.nan) return nanRes(f, a.snan);
  if (a.zero) return { bits: zeroBits(a.neg, f), flags: 0 };
  if (a.neg) return nanRes(f, true);
  if (a.inf) return { bits: infBits(false, f), flags: 0 };
  let m = a.m, e = a.e;
  if (e & 1) { m <<= 1n; e -= 1; }
  const K = 140;
  const n = m << BigInt(2 * K);
  const s = isqrt(n);
  return roundRef(false, s, e / 2 - K, s * s !== n, f, rm);
}

function fmaRef(a: Val, b: Val, c: Val, negProd: boolean, negC: boolean, f: Fmt, rm: number): Res {
  const infZero = (a.inf && b.zero) || (b.inf && a.zero);
  if (a.nan || b.nan || c.nan) return nanRes(f, a.snan || b.snan || c.snan || infZero);
  if (infZero) return nanRes(f, true);
  const np = (a.neg !== b.neg) !== negProd, nc = c.neg !== negC;
  if (a.inf || b.inf) {
    if (c.inf && nc !== np) return nanRes(f, true);
    return { bits: infBits(np, f), flags: 0 };
  }
  if (c.inf) return { bits: infBits(nc, f), flags: 0 };
  return sumRef(np, a.m * b.m, a.e + b.e, nc, c.m, c.e, f, rm);
}

// ---------------------------------------------------------------------------------------------------------
// Harness

const st = new F.FpuState();
const toBig = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
function setReg(i: number, bits: bigint, f: Fmt): void {
  if (f === SF && bits < (1n << 32n)) bits |= 0xffffffff00000000n;
  st.i32[2 * i] = Number(bits & 0xffffffffn) | 0;
  st.i32[2 * i + 1] = Number((bits >> 32n) & 0xffffffffn) | 0;
}
const getReg = (i: number) => toBig(st.i32[2 * i], st.i32[2 * i + 1]);
/** Operand as the instruction sees it: a single that is not NaN-boxed reads as the canonical NaN. */
function operand(bits: bigint, f: Fmt): Val {
  if (f === SF && bits >= (1n << 32n)) {
    return (bits >> 32n) === 0xffffffffn ? decode(bits & 0xffffffffn, f) : decode(canon(f), f);
  }
  return decode(bits, f);
}
const expectBits = (f: Fmt, r: Res) => (f === SF ? r.bits | 0xffffffff00000000n : r.bits);
const hex = (x: bigint) => '0x' + x.toString(16);

let failures = 0;
function check(label: string, ins: bigint[], rm: number, gotBits: bigint, gotFlags: number, want: Res,
  f: Fmt | null): void {
  const wb = f ? expectBits(f, want) : want.bits;
  if (gotBits !== wb || gotFlags !== want.flags) {
    failures++;
    assert.fail(`${label} rm=${rm} in=[${ins.map(hex).join(', ')}]: got ${hex(gotBits)} flags ${gotFlags}, ` +
      `want ${hex(wb)} flags ${want.flags}`);
  }
}

// Seeded generator.
let seed = 0x9e3779b9;
function rnd(): number {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed;
}
const rint = (n: number) => rnd() % n;
function rbits(n: number): bigint {
  let v = 0n;
  for (let i = 0; i < n; i += 32) v = (v << 32n) | BigInt(rnd());
  return v & ((1n << BigInt(n)) - 1n);
}

function specials(f: Fmt): bigint[] {
  const fb = BigInt(fracBits(f)), em = expMask(f);
  const out: bigint[] = [];
  for (const s of [false, true]) {
    out.push(zeroBits(s, f), infBits(s, f), maxBits(s, f));
    out.push(packBits(s, 0n, 1n, f), packBits(s, 0n, (1n << fb) - 1n, f), packBits(s, 1n, 0n, f));
    out.push(packBits(s, BigInt(f.emax), 0n, f), packBits(s, BigInt(f.emax), 1n, f));
    out.push(packBits(s, BigInt(f.emax) - 1n, (1n << fb) - 1n, f), packBits(s, em - 1n, 0n, f));
    out.push(packBits(s, em, 1n << (fb - 1n), f), packBits(s, em, 1n, f), packBits(s, em, (1n << (fb - 1n)) | 5n, f));
  }
  return out;
}

function fracPattern(f: Fmt): bigint {
  const fb = fracBits(f);
  switch (rint(6)) {
    case 0: return 0n;
    case 1: return (1n << BigInt(fb)) - 1n;
    case 2: return rbits(fb) & ~((1n << BigInt(rint(fb))) - 1n); // sparse low bits
    case 3: return (rbits(fb) | 1n) & ((1n << BigInt(fb)) - 1n);
    case 4: return (1n << BigInt(rint(fb))) ^ ((1n << BigInt(fb)) - 1n) * BigInt(rint(2));
    default: return rbits(fb);
  }
}

/** A random value with an exponent field near `center` (or anywhere). */
function genVal(f: Fmt, center?: number): bigint {
  if (rint(14) === 0) { const s = specials(f); return s[rint(s.length)]; }
  const em = Number(expMask(f));
  let ef: number;
  if (center !== undefined) ef = center + rint(2 * f.p + 9) - f.p - 4;
  else {
    switch (rint(6)) {
      case 0: ef = rint(em); break;
      case 1: ef = f.emax + rint(61) - 30; break;
      case 2: ef = rint(f.p + 3); break;
      case 3: ef = em - 1 - rint(f.p + 3); break;
      case 4: ef = f.emax + rint(9) - 4; break;
      default: ef = rint(em); break;
    }
  }
  ef = Math.max(0, Math.min(em - 1, ef));
  return packBits(rint(2) === 1, BigInt(ef), fracPattern(f), f);
}
const expField = (bits: bigint, f: Fmt) => Number((bits >> BigInt(fracBits(f))) & expMask(f));

function genPair(f: Fmt): [bigint, bigint] {
  const a = genVal(f);
  switch (rint(4)) {
    case 0: return [a, genVal(f)];
    case 1: return [a, genVal(f, expField(a, f))];
    case 2: { // product or quotient near the subnormal/overflow edges
      const ea = expField(a, f) - f.emax;
      const target = rint(2) === 0 ? f.emin - rint(f.p + 2) : f.emax - rint(3);
      return [a, genVal(f, Math.max(1, target - ea + f.emax))];
    }
    default: return [a, packBits(rint(2) === 1, BigInt(expField(a, f)), rbits(fracBits(f)), f)];
  }
}

const RMS = [RNE, RTZ, RDN, RUP, RMM];
type Bin = (s: F.FpuState, rd: number, rs1: number, rs2: number, rm: number) => void;
type Ter = (s: F.FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number) => void;

function runBinary(label: string, fn: Bin, ref: (a: Val, b: Val, f: Fmt, rm: number) => Res, f: Fmt, n: number,
  extra: [bigint, bigint][] = []): void {
  const pairs: [bigint, bigint][] = [...extra];
  const sp = specials(f);
  for (const x of sp) for (const y of sp) pairs.push([x, y]);
  for (let i = 0; i < n; i++) pairs.push(genPair(f));
  for (const rm of RMS) {
    for (const [x, y] of pairs) {
      setReg(1, x, f); setReg(2, y, f); st.flags = 0;
      fn(st, 3, 1, 2, rm);
      check(label, [x, y], rm, getReg(3), st.flags, ref(operand(x, f), operand(y, f), f, rm), f);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

describe('fpu: reference model sanity', () => {
  it('rounds simple doubles like the host (RNE)', () => {
    const d = new Float64Array(1), b = new BigUint64Array(d.buffer);
    for (let i = 0; i < 2000; i++) {
      const x = rbits(64), y = rbits(64);
      const vx = operand(x, DF), vy = operand(y, DF);
      b[0] = x; const dx = d[0]; b[0] = y; const dy = d[0];
      d[0] = dx * dy;
      const want = mulRef(vx, vy, DF, RNE).bits;
      if (!Number.isNaN(d[0])) assert.equal(hex(want), hex(b[0]));
      d[0] = dx + dy;
      if (!Number.isNaN(d[0])) assert.equal(hex(addRef(vx, vy, DF, RNE).bits), hex(b[0]));
    }
  });
});

describe('fpu: double arithmetic', () => {
  it('fadd.d', () => runBinary('fadd.d', F.fadd_d, addRef, DF, 1500));
  it('fsub.d', () => runBinary('fsub.d', F.fsub_d, (a, b, f, rm) => addRef(a, neg(b), f, rm), DF, 1500));
  it('fmul.d', () => runBinary('fmul.d', F.fmul_d, mulRef, DF, 1500));
  it('fdiv.d', () => runBinary('fdiv.d', F.fdiv_d, divRef, DF, 1500));
  it('fsqrt.d', () => {
    const vals = [...specials(DF)];
    for (let i = 0; i < 3000; i++) vals.push(genVal(DF));
    for (const rm of RMS) for (const x of vals) {
      setReg(1, x, DF); st.flags = 0;
      F.fsqrt_d(st, 3, 1, rm);
      check('fsqrt.d', [x], rm, getReg(3), st.flags, sqrtRef(operand(x, DF), DF, rm), DF);
    }
  });
});

describe('fpu: single arithmetic', () => {
  it('fadd.s', () => runBinary('fadd.s', F.fadd_s, addRef, SF, 1500));
  it('fsub.s', () => runBinary('fsub.s', F.fsub_s, (a, b, f, rm) => addRef(a, neg(b), f, rm), SF, 1500));
  it('fmul.s', () => runBinary('fmul.s', F.fmul_s, mulRef, SF, 1500));
  it('fdiv.s', () => runBinary('fdiv.s', F.fdiv_s, divRef, SF, 1500));
  it('fsqrt.s', () => {
    const vals = [...specials(SF)];
    for (let i = 0; i < 3000; i++) vals.push(genVal(SF));
    for (const rm of RMS) for (const x of vals) {
      setReg(1, x, SF); st.flags = 0;
      F.fsqrt_s(st, 3, 1, rm);
      check('fsqrt.s', [x], rm, getReg(3), st.flags, sqrtRef(operand(x, SF), SF, rm), SF);
    }
  });
  it('treats operands that are not NaN-boxed as the canonical NaN', () => {
    setReg(1, 0x000000003f800000n, DF); setReg(2, 0xffffffff3f800000n, DF); st.flags = 0;
    F.fadd_s(st, 3, 1, 2, RNE);
    assert.equal(hex(getReg(3)), hex(0xffffffff7fc00000n));
    assert.equal(st.flags, 0);
    F.fadd_s(st, 3, 2, 2, RNE);
    assert.equal(hex(getReg(3)), hex(0xffffffff40000000n));
  });
});

/** Addend near -(a*b) so that the sum cancels, or a random one. */
function genTriple(f: Fmt): [bigint, bigint, bigint] {
  const [a, b] = genPair(f);
  const k = rint(4);
  if (k === 0) return [a, b, genVal(f)];
  if (k === 3) {
    // Short significands (exact or midpoint products) plus an addend far below or above the product.
    const short = () => packBits(rint(2) === 1, BigInt(f.emax + rint(41) - 20),
      rbits(fracBits(f)) & ~((1n << BigInt(fracBits(f) - rint(4))) - 1n), f);
    const x = short(), y = short();
    const pe = expField(x, f) + expField(y, f) - f.emax;
    const gap = rint(2) ? f.p + rint(3 * f.p + 60) : -(f.p + rint(3 * f.p + 60));
    const ce = Math.max(1, Math.min(Number(expMask(f)) - 1, pe - gap));
    return [x, y, packBits(rint(2) === 1, BigInt(ce), fracPattern(f), f)];
  }
  const va = decode(a, f), vb = decode(b, f);
  if (va.nan || vb.nan || va.inf || vb.inf || va.zero || vb.zero) return [a, b, genVal(f)];
  let c = mulRef(va, vb, f, rint(5)).bits;
  if (k === 1) c ^= 1n << BigInt(f.width - 1); // cancellation
  if (expField(c, f) === Number(expMask(f))) return [a, b, genVal(f)];
  c += BigInt(rint(7) - 3);
  if (rint(3) === 0) c = packBits(rint(2) === 1, BigInt(Math.max(0, expField(c, f) - f.p - rint(4))), fracPattern(f), f);
  return [a, b, c & ((1n << BigInt(f.width)) - 1n)];
}

function runFma(f: Fmt, n: number): void {
  const fns: [string, Ter, boolean, boolean][] = f === DF
    ? [['fmadd.d', F.fmadd_d, false, false], ['fmsub.d', F.fmsub_d, false, true],
      ['fnmsub.d', F.fnmsub_d, true, false], ['fnmadd.d', F.fnmadd_d, true, true]]
    : [['fmadd.s', F.fmadd_s, false, false], ['fmsub.s', F.fmsub_s, false, true],
      ['fnmsub.s', F.fnmsub_s, true, false], ['fnmadd.s', F.fnmadd_s, true, true]];
  const triples: [bigint, bigint, bigint][] = [];
  const sp = specials(f);
  for (let i = 0; i < 400; i++) triples.push([sp[rint(sp.length)], sp[rint(sp.length)], sp[rint(sp.length)]]);
  for (let i = 0; i < n; i++) triples.push(genTriple(f));
  for (const [label, fn, np, nc] of fns) {
    for (const rm of RMS) {
      for (const [x, y, z] of triples) {
        setReg(1, x, f); setReg(2, y, f); setReg(4, z, f); st.flags = 0;
        fn(st, 3, 1, 2, 4, rm);
        check(label, [x, y, z], rm, getReg(3), st.flags,
          fmaRef(operand(x, f), operand(y, f), operand(z, f), np, nc, f, rm), f);
      }
    }
  }
}

describe('fpu: fused multiply-add', () => {
  it('fmadd/fmsub/fnmsub/fnmadd.d', () => runFma(DF, 1200));
  it('fmadd/fmsub/fnmsub/fnmadd.s', () => runFma(SF, 1200));
  it('raises NV for inf*0 + qNaN', () => {
    setReg(1, 0x7ff0000000000000n, DF); setReg(2, 0n, DF); setReg(4, 0x7ff8000000000000n, DF); st.flags = 0;
    F.fmadd_d(st, 3, 1, 2, 4, RNE);
    assert.equal(st.flags, NV);
    assert.equal(hex(getReg(3)), hex(0x7ff8000000000000n));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Conversions

const INT_RANGE: [bigint, bigint][] = [[-(1n << 31n), (1n << 31n) - 1n], [0n, (1n << 32n) - 1n],
  [-(1n << 63n), (1n << 63n) - 1n], [0n, (1n << 64n) - 1n]];

/** FP to integer per the F chapter's table: saturate with NV, NaN gives the maximum, NX when inexact. */
function toIntRef(v: Val, kind: number, rm: number): Res {
  const [lo, hi] = INT_RANGE[kind];
  const out = (r: bigint, flags: number): Res => ({
    bits: kind < 2 ? BigInt.asUintN(64, BigInt.asIntN(32, r)) : BigInt.asUintN(64, r), flags,
  });
  if (v.nan) return out(hi, NV);
  if (v.inf) return out(v.neg ? lo : hi, NV);
  let mag: bigint, inexact = false;
  if (v.e >= 0) mag = v.m << BigInt(v.e);
  else { mag = roundAt(v.neg, v.m, v.e, false, 0, rm); inexact = refInexact; }
  const r = v.neg ? -mag : mag;
  if (r < lo) return out(lo, NV);
  if (r > hi) return out(hi, NV);
  return out(r, inexact ? NX : 0);
}

function intToFloatRef(v: bigint, f: Fmt, rm: number): Res {
  if (v === 0n) return { bits: 0n, flags: 0 };
  return roundRef(v < 0n, v < 0n ? -v : v, 0, false, f, rm);
}

const cvtBuf = new Float64Array(1), cvtBits = new BigUint64Array(cvtBuf.buffer);
const f32Buf = new Float32Array(1), f32Bits = new Uint32Array(f32Buf.buffer);
const dBits = (x: number) => { cvtBuf[0] = x; return cvtBits[0]; };
const sBits = (x: number) => { f32Buf[0] = x; return BigInt(f32Bits[0]); };

function intBoundaryValues(f: Fmt): bigint[] {
  const out: bigint[] = [...specials(f)];
  const anchors = [0n, 1n, 2n, 3n, (1n << 31n) - 1n, 1n << 31n, (1n << 32n) - 1n, 1n << 32n, (1n << 63n) - 1n,
    1n << 63n, (1n << 64n) - 1n, 1n << 64n, 1n << 24n, 1n << 53n];
  const offsets = [0, 0.5, -0.5, 0.25, -0.25, 0.75, -0.75, 1.5, -1.5, 1e-9, -1e-9];
  for (const k of anchors) for (const o of offsets) for (const s of [1, -1]) {
    const x = s * (Number(k) + o);
    out.push(f === DF ? dBits(x) : sBits(Math.fround(x)));
  }
  for (let i = 0; i < 1500; i++) {
    const ef = f.emax + rint(70) - 3;
    out.push(packBits(rint(2) === 1, BigInt(ef), fracPattern(f), f));
    const k = rbits(1 + rint(65));
    const x = (rint(2) ? -1 : 1) * (Number(k) + [0, 0.5, 0.25, 0.75][rint(4)]);
    out.push(f === DF ? dBits(x) : sBits(Math.fround(x)));
    out.push(genVal(f));
  }
  return out;
}

function intSources(): bigint[] {
  const out: bigint[] = [0n, 1n, (1n << 64n) - 1n, 1n << 63n, (1n << 63n) - 1n, 1n << 31n, (1n << 31n) - 1n,
    0xffffffff80000000n, 0xffffffffn, 1n << 32n];
  for (let i = 0; i < 3000; i++) {
    const n = 1 + rint(64);
    let v = rbits(n) | (1n << BigInt(n - 1));
    switch (rint(4)) {
      case 0: break;
      case 1: { // a single or double midpoint, or just off it
        const keep = rint(2) ? 24 : 53;
        if (n > keep + 1) {
          const sh = BigInt(n - keep - 1);
          v = ((v >> sh) | 1n) << sh;
          v += BigInt(rint(3) - 1);
        }
        break;
      }
      case 2: v = BigInt.asUintN(64, -v); break;
      default: v = BigInt.asUintN(64, BigInt.asIntN(32, v)); break;
    }
    out.push(BigInt.asUintN(64, v));
  }
  return out;
}

describe('fpu: conversions', () => {
  type ToInt = (s: F.FpuState, rs1: number, rm: number) => void;
  const toInts: [string, ToInt, Fmt, number][] = [
    ['fcvt.w.s', F.fcvt_w_s, SF, 0], ['fcvt.wu.s', F.fcvt_wu_s, SF, 1], ['fcvt.l.s', F.fcvt_l_s, SF, 2],
    ['fcvt.lu.s', F.fcvt_lu_s, SF, 3], ['fcvt.w.d', F.fcvt_w_d, DF, 0], ['fcvt.wu.d', F.fcvt_wu_d, DF, 1],
    ['fcvt.l.d', F.fcvt_l_d, DF, 2], ['fcvt.lu.d', F.fcvt_lu_d, DF, 3],
  ];
  const srcS = intBoundaryValues(SF), srcD = intBoundaryValues(DF);
  for (const [label, fn, f, kind] of toInts) {
    it(label, () => {
      for (const rm of RMS) for (const x of f === SF ? srcS : srcD) {
        setReg(1, x, f); st.flags = 0;
        fn(st, 1, rm);
        check(label, [x], rm, toBig(st.xlo, st.xhi), st.flags, toIntRef(operand(x, f), kind, rm), null);
      }
    });
  }

  type FromInt = (s: F.FpuState, rd: number, lo: number, hi: number, rm: number) => void;
  const fromInts: [string, FromInt, Fmt, number][] = [
    ['fcvt.s.w', F.fcvt_s_w, SF, 0], ['fcvt.s.wu', F.fcvt_s_wu, SF, 1], ['fcvt.s.l', F.fcvt_s_l, SF, 2],
    ['fcvt.s.lu', F.fcvt_s_lu, SF, 3], ['fcvt.d.w', F.fcvt_d_w, DF, 0], ['fcvt.d.wu', F.fcvt_d_wu, DF, 1],
    ['fcvt.d.l', F.fcvt_d_l, DF, 2], ['fcvt.d.lu', F.fcvt_d_lu, DF, 3],
  ];
  const ints = intSources();
  for (const [label, fn, f, kind] of fromInts) {
    it(label, () => {
      for (const rm of RMS) for (const v of ints) {
        const lo = Number(v & 0xffffffffn) | 0, hi = Number(v >> 32n) | 0;
        const src = kind === 0 ? BigInt.asIntN(32, v) : kind === 1 ? v & 0xffffffffn : kind === 2 ? BigInt.asIntN(64, v) : v;
        st.flags = 0;
        fn(st, 3, lo, hi, rm);
        check(label, [v], rm, getReg(3), st.flags, intToFloatRef(src, f, rm), f);
      }
    });
  }

  it('fcvt.s.d', () => {
    const vals = [...specials(DF)];
    for (let i = 0; i < 4000; i++) {
      // Exponents across the whole binary32 range and just outside it.
      const ef = rint(3) === 0 ? rint(2047) : 1023 - 160 + rint(300);
      vals.push(packBits(rint(2) === 1, BigInt(ef), fracPattern(DF), DF));
    }
    for (let i = 0; i < 500; i++) { // binary32 midpoints and their neighbours
      const sv = genVal(SF), v = decode(sv, SF);
      if (v.nan || v.inf) continue;
      cvtBuf[0] = Number(v.m) * 2 ** v.e * (v.neg ? -1 : 1);
      vals.push(cvtBits[0] + (1n << 28n), cvtBits[0] + (1n << 28n) + 1n, cvtBits[0] + (1n << 28n) - 1n);
    }
    for (const rm of RMS) for (const x of vals) {
      setReg(1, x, DF); st.flags = 0;
      F.fcvt_s_d(st, 3, 1, rm);
      const v = operand(x, DF);
      const want = v.nan ? nanRes(SF, v.snan) : v.inf ? { bits: infBits(v.neg, SF), flags: 0 }
        : v.zero ? { bits: zeroBits(v.neg, SF), flags: 0 } : roundRef(v.neg, v.m, v.e, false, SF, rm);
      check('fcvt.s.d', [x], rm, getReg(3), st.flags, want, SF);
    }
  });

  it('fcvt.d.s', () => {
    const vals = [...specials(SF), 0x3f800000n]; // last one unboxed below
    for (let i = 0; i < 2000; i++) vals.push(genVal(SF));
    for (const x of vals) {
      setReg(1, x, SF); st.flags = 0;
      F.fcvt_d_s(st, 3, 1, RNE);
      const v = operand(x, SF);
      const want = v.nan ? nanRes(DF, v.snan) : v.inf ? { bits: infBits(v.neg, DF), flags: 0 }
        : v.zero ? { bits: zeroBits(v.neg, DF), flags: 0 } : roundRef(v.neg, v.m, v.e, false, DF, RNE);
      check('fcvt.d.s', [x], RNE, getReg(3), st.flags, want, DF);
    }
    setReg(1, 0x3f800000n, DF); // not NaN-boxed
    F.fcvt_d_s(st, 3, 1, RNE);
    assert.equal(hex(getReg(3)), hex(0x7ff8000000000000n));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Sign injection, min/max, compares, classify, moves

const numOf = (v: Val) => (v.nan ? NaN : v.inf ? (v.neg ? -Infinity : Infinity) : (v.neg ? -1 : 1) * Number(v.m) * 2 ** v.e);
/** Operand bits as the instruction sees them (unboxed singles become the canonical NaN). */
const opBits = (x: bigint, f: Fmt) => (f === SF && x >= (1n << 32n) && (x >> 32n) !== 0xffffffffn ? canon(f) : x & (f === SF ? 0xffffffffn : (1n << 64n) - 1n));

function genBoxedPair(f: Fmt): [bigint, bigint] {
  const [a, b] = rint(3) === 0 ? [genVal(f), genVal(f)] : genPair(f);
  const box = (x: bigint) => (f === SF && rint(20) === 0 ? x | (BigInt(rnd()) << 32n) : x);
  return [box(a), box(rint(8) === 0 ? a ^ (1n << BigInt(f.width - 1)) : b)];
}

describe('fpu: sign injection, min/max, compare, classify, moves', () => {
  for (const f of [SF, DF]) {
    const sfx = f === SF ? 's' : 'd';
    const sign = 1n << BigInt(f.width - 1);
    const pairs: [bigint, bigint][] = [];
    const sp = specials(f);
    for (const x of sp) for (const y of sp) pairs.push([x, y]);
    for (let i = 0; i < 3000; i++) pairs.push(genBoxedPair(f));

    it(`fsgnj/fsgnjn/fsgnjx.${sfx} (no canonicalization, no flags)`, () => {
      const fns = f === SF ? [F.fsgnj_s, F.fsgnjn_s, F.fsgnjx_s] : [F.fsgnj_d, F.fsgnjn_d, F.fsgnjx_d];
      for (const [x, y] of pairs) {
        const a = opBits(x, f), b = opBits(y, f);
        const wants = [(a & ~sign) | (b & sign), (a & ~sign) | (~b & sign), a ^ (b & sign)];
        for (let k = 0; k < 3; k++) {
          setReg(1, x, f); setReg(2, y, f); st.flags = 0;
          fns[k](st, 3, 1, 2);
          check(`fsgnj${['', 'n', 'x'][k]}.${sfx}`, [x, y], 0, getReg(3), st.flags, { bits: wants[k], flags: 0 }, f);
        }
      }
    });

    it(`fmin/fmax.${sfx} (minimumNumber/maximumNumber)`, () => {
      for (const [x, y] of pairs) {
        const a = opBits(x, f), b = opBits(y, f), va = decode(a, f), vb = decode(b, f);
        const nv = va.snan || vb.snan ? NV : 0;
        for (const max of [false, true]) {
          let want: bigint;
          if (va.nan && vb.nan) want = canon(f);
          else if (va.nan) want = b;
          else if (vb.nan) want = a;
          else {
            const na = numOf(va), nb = numOf(vb);
            if (na === nb) want = (va.neg === max) ? b : a; // -0 < +0
            else want = (na < nb) !== max ? a : b;
          }
          setReg(1, x, f); setReg(2, y, f); st.flags = 0;
          (max ? (f === SF ? F.fmax_s : F.fmax_d) : (f === SF ? F.fmin_s : F.fmin_d))(st, 3, 1, 2);
          check(`f${max ? 'max' : 'min'}.${sfx}`, [x, y], 0, getReg(3), st.flags, { bits: want, flags: nv }, f);
        }
      }
    });

    it(`feq/flt/fle.${sfx}`, () => {
      const fns = f === SF ? [F.feq_s, F.flt_s, F.fle_s] : [F.feq_d, F.flt_d, F.fle_d];
      for (const [x, y] of pairs) {
        const va = operand(x, f), vb = operand(y, f), na = numOf(va), nb = numOf(vb);
        const anyNaN = va.nan || vb.nan, anyS = va.snan || vb.snan;
        const wants: Res[] = [
          { bits: na === nb ? 1n : 0n, flags: anyS ? NV : 0 },
          { bits: na < nb ? 1n : 0n, flags: anyNaN ? NV : 0 },
          { bits: na <= nb ? 1n : 0n, flags: anyNaN ? NV : 0 },
        ];
        for (let k = 0; k < 3; k++) {
          setReg(1, x, f); setReg(2, y, f); st.flags = 0; st.xhi = 7;
          fns[k](st, 1, 2);
          check(`${['feq', 'flt', 'fle'][k]}.${sfx}`, [x, y], 0, toBig(st.xlo, st.xhi), st.flags, wants[k], null);
        }
      }
    });

    it(`fclass.${sfx}`, () => {
      for (const [x] of pairs) {
        const v = operand(x, f), sub = !v.zero && !v.nan && !v.inf && expField(opBits(x, f), f) === 0;
        const bit = v.nan ? (v.snan ? 8 : 9) : v.inf ? (v.neg ? 0 : 7) : v.zero ? (v.neg ? 3 : 4)
          : sub ? (v.neg ? 2 : 5) : v.neg ? 1 : 6;
        setReg(1, x, f); st.flags = 0;
        (f === SF ? F.fclass_s : F.fclass_d)(st, 1);
        check(`fclass.${sfx}`, [x], 0, toBig(st.xlo, st.xhi), st.flags, { bits: 1n << BigInt(bit), flags: 0 }, null);
      }
    });
  }

  it('fmv.w.x / fmv.x.w / fmv.d.x / fmv.x.d move raw bits', () => {
    for (let i = 0; i < 2000; i++) {
      const v = rbits(64), lo = Number(v & 0xffffffffn) | 0, hi = Number(v >> 32n) | 0;
      F.fmv_w_x(st, 5, lo);
      assert.equal(hex(getReg(5)), hex(0xffffffff00000000n | (v & 0xffffffffn)));
      F.fmv_d_x(st, 6, lo, hi);
      assert.equal(hex(getReg(6)), hex(v));
      F.fmv_x_d(st, 6);
      assert.equal(hex(toBig(st.xlo, st.xhi)), hex(v));
      F.fmv_x_w(st, 6); // no NaN-box check on transfers out
      assert.equal(hex(toBig(st.xlo, st.xhi)), hex(BigInt.asUintN(64, BigInt.asIntN(32, v))));
    }
    assert.equal(st.flags, 0);
  });
});

void failures;
