// A tiny RV64 instruction encoder for unit tests (so hart tests need no cross toolchain).

const X: Record<string, number> = {};
['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
  's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'].forEach((n, i) => { X[n] = i; });

export function reg(r: string | number): number {
  if (typeof r === 'number') return r;
  if (r in X) return X[r];
  const m = /^x(\d+)$/.exec(r);
  if (m) return Number(m[1]);
  throw new Error(`bad register ${r}`);
}

export const R = (op: number, f3: number, f7: number, rd: string | number, rs1: string | number, rs2: string | number) =>
  ((f7 << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | op) >>> 0;
export const I = (op: number, f3: number, rd: string | number, rs1: string | number, imm: number) =>
  (((imm & 0xfff) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | op) >>> 0;
export const S = (op: number, f3: number, rs1: string | number, rs2: string | number, imm: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op) >>> 0;
export const B = (f3: number, rs1: string | number, rs2: string | number, off: number) =>
  ((((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) |
    (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7) | 0x63) >>> 0;
export const U = (op: number, rd: string | number, imm20: number) => (((imm20 & 0xfffff) << 12) | (reg(rd) << 7) | op) >>> 0;
export const J = (rd: string | number, off: number) =>
  ((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) |
    (reg(rd) << 7) | 0x6f) >>> 0;

export const addi = (rd: string, rs1: string, imm: number) => I(0x13, 0, rd, rs1, imm);
export const addiw = (rd: string, rs1: string, imm: number) => I(0x1b, 0, rd, rs1, imm);
export const slli = (rd: string, rs1: string, sh: number) => I(0x13, 1, rd, rs1, sh);
export const srli = (rd: string, rs1: string, sh: number) => I(0x13, 5, rd, rs1, sh);
export const add = (rd: string, a: string, b: string) => R(0x33, 0, 0, rd, a, b);
export const sub = (rd: string, a: string, b: string) => R(0x33, 0, 0x20, rd, a, b);
export const or = (rd: string, a: string, b: string) => R(0x33, 6, 0, rd, a, b);
export const lui = (rd: string, imm20: number) => U(0x37, rd, imm20);
export const auipc = (rd: string, imm20: number) => U(0x17, rd, imm20);
export const jal = (rd: string, off: number) => J(rd, off);
export const jalr = (rd: string, rs1: string, imm: number) => I(0x67, 0, rd, rs1, imm);
export const beq = (a: string, b: string, off: number) => B(0, a, b, off);
export const bne = (a: string, b: string, off: number) => B(1, a, b, off);
export const lb = (rd: string, rs1: string, imm: number) => I(0x03, 0, rd, rs1, imm);
export const lh = (rd: string, rs1: string, imm: number) => I(0x03, 1, rd, rs1, imm);
export const lw = (rd: string, rs1: string, imm: number) => I(0x03, 2, rd, rs1, imm);
export const ld = (rd: string, rs1: string, imm: number) => I(0x03, 3, rd, rs1, imm);
export const lbu = (rd: string, rs1: string, imm: number) => I(0x03, 4, rd, rs1, imm);
export const lwu = (rd: string, rs1: string, imm: number) => I(0x03, 6, rd, rs1, imm);
export const sb = (rs2: string, rs1: string, imm: number) => S(0x23, 0, rs1, rs2, imm);
export const sh = (rs2: string, rs1: string, imm: number) => S(0x23, 1, rs1, rs2, imm);
export const sw = (rs2: string, rs1: string, imm: number) => S(0x23, 2, rs1, rs2, imm);
export const sd = (rs2: string, rs1: string, imm: number) => S(0x23, 3, rs1, rs2, imm);
export const csrrw = (rd: string, csr: number, rs1: string) => I(0x73, 1, rd, rs1, csr);
export const csrrs = (rd: string, csr: number, rs1: string) => I(0x73, 2, rd, rs1, csr);
export const csrrc = (rd: string, csr: number, rs1: string) => I(0x73, 3, rd, rs1, csr);
export const csrrwi = (rd: string, csr: number, z: number) => I(0x73, 5, rd, z, csr);
export const csrr = (rd: string, csr: number) => csrrs(rd, csr, 'zero');
export const csrw = (csr: number, rs1: string) => csrrw('zero', csr, rs1);
export const ecall = () => 0x00000073;
export const ebreak = () => 0x00100073;
export const mret = () => 0x30200073;
export const sret = () => 0x10200073;
export const wfi = () => 0x10500073;
export const sfenceVma = (rs1: string, rs2: string) => R(0x73, 0, 0x09, 'zero', rs1, rs2);
export const lrW = (rd: string, rs1: string) => R(0x2f, 2, 0x08, rd, rs1, 'zero');
export const scW = (rd: string, rs1: string, rs2: string) => R(0x2f, 2, 0x0c, rd, rs1, rs2);
export const lrD = (rd: string, rs1: string) => R(0x2f, 3, 0x08, rd, rs1, 'zero');
export const scD = (rd: string, rs1: string, rs2: string) => R(0x2f, 3, 0x0c, rd, rs1, rs2);
export const amoaddW = (rd: string, rs1: string, rs2: string) => R(0x2f, 2, 0x00, rd, rs1, rs2);
export const amomaxuW = (rd: string, rs1: string, rs2: string) => R(0x2f, 2, 0x70, rd, rs1, rs2);
export const amominD = (rd: string, rs1: string, rs2: string) => R(0x2f, 3, 0x40, rd, rs1, rs2);
export const mul = (rd: string, a: string, b: string) => R(0x33, 0, 1, rd, a, b);
export const divw = (rd: string, a: string, b: string) => R(0x3b, 4, 1, rd, a, b);
export const fenceI = () => 0x0000100f;
/** `j .` — a self loop, used to park a test program. */
export const self = () => jal('zero', 0);

/** li for a 32-bit value, zero-extended to 64 bits (RAM addresses are above 2^31): always four words. */
export function li32(rd: string, v: number): number[] {
  const lo = ((v << 20) >> 20);
  const hi = ((v - lo) >>> 12) & 0xfffff;
  return [lui(rd, hi), addiw(rd, rd, lo), slli(rd, rd, 32), srli(rd, rd, 32)];
}

/** Pads p with `j .` up to index n (for handlers at fixed places). */
export function padTo(p: number[], n: number): void {
  if (p.length > n) throw new Error(`program already ${p.length} words, cannot pad to ${n}`);
  while (p.length < n) p.push(self());
}

/** Little-endian bytes of 32-bit words. */
export function bytes(words: number[]): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  return b;
}
