// 64-bit pair arithmetic checked against BigInt on random and edge-case operands.
import { strict as assert } from 'node:assert';
import {
  divrem64, divremu64, hiOf, loOf, mul64, mulh64, mulhsu64, mulhu64, r, rem, sll64, sra64, srl64, toBig, popcount32, ctz32,
} from '../../core/util/int64';

const M64 = (1n << 64n) - 1n;
const s64 = (v: bigint) => BigInt.asIntN(64, v);
const u64 = (v: bigint) => BigInt.asUintN(64, v);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}
function operands(): bigint[] {
  const next = rng(12345);
  const edge = [0n, 1n, 2n, 3n, 7n, M64, M64 - 1n, 1n << 63n, (1n << 63n) - 1n, (1n << 63n) + 1n, 1n << 32n, (1n << 32n) - 1n,
    1n << 31n, (1n << 31n) - 1n, 0xffffffff80000000n, 0x8000000000000001n, 10n, u64(-10n)];
  const out = [...edge];
  for (let i = 0; i < 120; i++) out.push((BigInt(next()) << 32n) | BigInt(next()));
  for (let i = 0; i < 40; i++) out.push(BigInt(next() >>> (next() % 32)));
  for (let i = 0; i < 40; i++) out.push(u64(-BigInt(next() >>> (next() % 32))));
  return out;
}
const pair = (v: bigint): [number, number] => [loOf(v), hiOf(v)];
const got = () => toBig(r.lo, r.hi);

describe('int64 pairs', () => {
  const ops = operands();
  it('mul64 / mulh / mulhu / mulhsu match BigInt', () => {
    for (const a of ops) for (const b of ops) {
      const [al, ah] = pair(a), [bl, bh] = pair(b);
      mul64(al, ah, bl, bh); assert.equal(got(), u64(a * b));
      mulhu64(al, ah, bl, bh); assert.equal(got(), u64((a * b) >> 64n), `mulhu ${a} ${b}`);
      mulh64(al, ah, bl, bh); assert.equal(got(), u64((s64(a) * s64(b)) >> 64n), `mulh ${a} ${b}`);
      mulhsu64(al, ah, bl, bh); assert.equal(got(), u64((s64(a) * b) >> 64n), `mulhsu ${a} ${b}`);
    }
  });
  it('div/rem signed and unsigned follow the M extension table', () => {
    for (const a of ops) for (const b of ops) {
      const [al, ah] = pair(a), [bl, bh] = pair(b);
      divrem64(al, ah, bl, bh);
      const q = got(), m = toBig(rem.lo, rem.hi);
      if (b === 0n) { assert.equal(q, M64); assert.equal(m, a); continue; }
      if (s64(a) === -(1n << 63n) && s64(b) === -1n) { assert.equal(q, a); assert.equal(m, 0n); continue; }
      const sq = s64(a) / s64(b);
      assert.equal(q, u64(sq), `div ${s64(a)} / ${s64(b)}`);
      assert.equal(m, u64(s64(a) - sq * s64(b)), `rem ${s64(a)} % ${s64(b)}`);
      divremu64(al, ah, bl, bh);
      assert.equal(got(), a / b, `divu ${a} ${b}`);
      assert.equal(toBig(rem.lo, rem.hi), a % b, `remu ${a} ${b}`);
    }
  });
  it('shifts match BigInt for every amount', () => {
    for (const a of ops.slice(0, 60)) for (let s = 0; s < 64; s++) {
      const [al, ah] = pair(a);
      sll64(al, ah, s); assert.equal(got(), u64(a << BigInt(s)));
      srl64(al, ah, s); assert.equal(got(), a >> BigInt(s));
      sra64(al, ah, s); assert.equal(got(), u64(s64(a) >> BigInt(s)));
    }
  });
  it('popcount and ctz', () => {
    for (const v of [0, 1, -1, 0x80000000 | 0, 0x12345678, 0x00f000f0]) {
      const u = v >>> 0;
      assert.equal(popcount32(v), u.toString(2).split('').filter((c) => c === '1').length);
      const bin = u.toString(2);
      assert.equal(ctz32(v), u === 0 ? 32 : bin.length - 1 - bin.lastIndexOf('1'));
    }
  });
});
