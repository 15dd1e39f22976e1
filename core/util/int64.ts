// 64-bit integer arithmetic on (lo, hi) int32 pairs: the hart's hot-path representation of XLEN=64 values.
// Results land in the shared `r` object (no allocation); read r.lo / r.hi immediately after a call.

/** Result registers of the last pair operation. */
export const r = { lo: 0, hi: 0 };

/** Unsigned 32×32 → high 32 bits of the 64-bit product. */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  // middle sum < 2^34: exact in a double
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) | 0;
}

/** Low 64 bits of a 64×64 product (same for signed and unsigned). */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): void {
  r.lo = Math.imul(alo, blo);
  r.hi = (mulhu32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
}

/** High 64 bits of the unsigned 128-bit product. */
export function mulhu64(alo: number, ahi: number, blo: number, bhi: number): void {
  // 32-bit limbs: (ahi·2^32 + alo)(bhi·2^32 + blo)
  const ll_hi = mulhu32(alo, blo) >>> 0;
  const lh_lo = Math.imul(alo, bhi) >>> 0, lh_hi = mulhu32(alo, bhi) >>> 0;
  const hl_lo = Math.imul(ahi, blo) >>> 0, hl_hi = mulhu32(ahi, blo) >>> 0;
  const hh_lo = Math.imul(ahi, bhi) >>> 0, hh_hi = mulhu32(ahi, bhi) >>> 0;
  // column 1 (bits 32..63): ll_hi + lh_lo + hl_lo, carries into column 2
  const col1 = ll_hi + lh_lo + hl_lo;                       // < 3·2^32, exact
  const carry1 = Math.floor(col1 / 4294967296);
  const col2 = lh_hi + hl_hi + hh_lo + carry1;              // < 4·2^32, exact
  const carry2 = Math.floor(col2 / 4294967296);
  r.lo = col2 | 0;
  r.hi = (hh_hi + carry2) | 0;
}

/** High 64 bits of the signed×signed 128-bit product. */
export function mulh64(alo: number, ahi: number, blo: number, bhi: number): void {
  mulhu64(alo, ahi, blo, bhi);
  let lo = r.lo, hi = r.hi;
  // signed correction: subtract b<<64 if a<0, a<<64 if b<0 (only the high half changes)
  if (ahi < 0) { const t = lo; lo = (lo - blo) | 0; hi = (hi - bhi - ((t >>> 0) < (blo >>> 0) ? 1 : 0)) | 0; }
  if (bhi < 0) { const t = lo; lo = (lo - alo) | 0; hi = (hi - ahi - ((t >>> 0) < (alo >>> 0) ? 1 : 0)) | 0; }
  r.lo = lo; r.hi = hi;
}

/** High 64 bits of the signed(a)×unsigned(b) 128-bit product. */
export function mulhsu64(alo: number, ahi: number, blo: number, bhi: number): void {
  mulhu64(alo, ahi, blo, bhi);
  let lo = r.lo, hi = r.hi;
  if (ahi < 0) { const t = lo; lo = (lo - blo) | 0; hi = (hi - bhi - ((t >>> 0) < (blo >>> 0) ? 1 : 0)) | 0; }
  r.lo = lo; r.hi = hi;
}

/** Unsigned 64-bit division and remainder; quotient in r, remainder in rem. Divisor must be non-zero. */
export const rem = { lo: 0, hi: 0 };
export function divremu64(alo: number, ahi: number, blo: number, bhi: number): void {
  if (ahi === 0 && bhi === 0) {
    const a = alo >>> 0, b = blo >>> 0;
    const q = Math.floor(a / b);
    r.lo = q | 0; r.hi = 0; rem.lo = (a - q * b) | 0; rem.hi = 0;
    return;
  }
  // restoring shift-subtract, 64 iterations on pairs
  let qlo = 0, qhi = 0, rlo = 0, rhi = 0;
  for (let i = 63; i >= 0; i--) {
    rhi = (rhi << 1) | (rlo >>> 31);
    rlo = (rlo << 1) | (i >= 32 ? (ahi >>> (i - 32)) & 1 : (alo >>> i) & 1);
    if ((rhi >>> 0) > (bhi >>> 0) || (rhi === bhi && (rlo >>> 0) >= (blo >>> 0))) {
      const t = rlo;
      rlo = (rlo - blo) | 0;
      rhi = (rhi - bhi - ((t >>> 0) < (blo >>> 0) ? 1 : 0)) | 0;
      if (i >= 32) qhi |= 1 << (i - 32); else qlo |= 1 << i;
    }
  }
  r.lo = qlo; r.hi = qhi; rem.lo = rlo; rem.hi = rhi;
}

/** Two's-complement negation into r. */
export function neg64(lo: number, hi: number): void {
  r.lo = (-lo) | 0;
  r.hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
}

/** Signed division per the M extension: quotient in r, remainder in rem, including x/0 and overflow rules. */
export function divrem64(alo: number, ahi: number, blo: number, bhi: number): void {
  if (blo === 0 && bhi === 0) {            // division by zero: q = -1, r = dividend
    r.lo = -1; r.hi = -1; rem.lo = alo; rem.hi = ahi; return;
  }
  if (ahi === (alo >> 31) && bhi === (blo >> 31)) {   // both fit in int32
    const a = alo, b = blo;
    if (a === -2147483648 && b === -1) { r.lo = -2147483648; r.hi = 0; rem.lo = 0; rem.hi = 0; return; } // 2^31 as 64-bit
    const q = Math.trunc(a / b);
    r.lo = q | 0; r.hi = q < 0 ? -1 : 0;
    const m = a - q * b;
    rem.lo = m | 0; rem.hi = m < 0 ? -1 : 0;
    return;
  }
  if (ahi === -2147483648 && alo === 0 && blo === -1 && bhi === -1) {  // overflow: q = dividend, r = 0
    r.lo = 0; r.hi = ahi; rem.lo = 0; rem.hi = 0; return;
  }
  const an = ahi < 0, bn = bhi < 0;
  let ulo = alo, uhi = ahi, vlo = blo, vhi = bhi;
  if (an) { neg64(ulo, uhi); ulo = r.lo; uhi = r.hi; }
  if (bn) { neg64(vlo, vhi); vlo = r.lo; vhi = r.hi; }
  divremu64(ulo, uhi, vlo, vhi);
  if (an !== bn) neg64(r.lo, r.hi);
  if (an) { const qlo = r.lo, qhi = r.hi; neg64(rem.lo, rem.hi); rem.lo = r.lo; rem.hi = r.hi; r.lo = qlo; r.hi = qhi; }
}

/** Converts a pair to a bigint (API boundary only). */
export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
/** Signed interpretation of a pair as bigint. */
export function toBigSigned(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, toBig(lo, hi));
}
/** Low word of a bigint as int32. */
export function loOf(v: bigint): number { return Number(BigInt.asIntN(32, v)); }
/** High word of a bigint as int32. */
export function hiOf(v: bigint): number { return Number(BigInt.asIntN(32, v >> 32n)); }

/** Logical left shift by s (0..63) into r. */
export function sll64(lo: number, hi: number, s: number): void {
  if (s === 0) { r.lo = lo; r.hi = hi; }
  else if (s < 32) { r.hi = (hi << s) | (lo >>> (32 - s)); r.lo = lo << s; }
  else { r.hi = lo << (s - 32); r.lo = 0; }
}
/** Logical right shift by s (0..63) into r. */
export function srl64(lo: number, hi: number, s: number): void {
  if (s === 0) { r.lo = lo; r.hi = hi; }
  else if (s < 32) { r.lo = (lo >>> s) | (hi << (32 - s)); r.hi = hi >>> s; }
  else { r.lo = hi >>> (s - 32); r.hi = 0; }
  r.lo |= 0; r.hi |= 0;
}
/** Arithmetic right shift by s (0..63) into r. */
export function sra64(lo: number, hi: number, s: number): void {
  if (s === 0) { r.lo = lo; r.hi = hi; }
  else if (s < 32) { r.lo = (lo >>> s) | (hi << (32 - s)); r.hi = hi >> s; }
  else { r.lo = hi >> (s - 32); r.hi = hi >> 31; }
}
/** Signed 64-bit compare: a < b. */
export function lt64(alo: number, ahi: number, blo: number, bhi: number): boolean {
  return ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
}
/** Unsigned 64-bit compare: a < b. */
export function ltu64(alo: number, ahi: number, blo: number, bhi: number): boolean {
  return (ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
}
/** Population count of a 32-bit word. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
/** Count trailing zeros of a 32-bit word (32 for zero). */
export function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}
