// Decoder: field extraction and sign extension per format, compressed expansion against the 32-bit
// equivalent (exhaustively over all 16-bit words), reserved encodings.

import * as assert from 'assert';
import { decode, Decoded } from '../../core/isa/decode';
import { INSNS, InsnSpec } from '../../core/isa/table';
import { Op } from '../../core/isa/opcodes';

interface Fields { op: Op; rd?: number; rs1?: number; rs2?: number; rs3?: number; imm?: number; rm?: number; len?: 2 | 4; name?: string }

function check(word: number, want: Fields): void {
  const d = decode(word, new Decoded());
  const got: Fields = { op: d.op };
  for (const k of ['rd', 'rs1', 'rs2', 'rs3', 'imm', 'rm', 'len'] as const) if (k in want) (got as unknown as Record<string, unknown>)[k] = d[k];
  if (want.name !== undefined) got.name = d.spec?.name;
  assert.deepStrictEqual(got, want, `word ${(word >>> 0).toString(16)}`);
}

/** Encodes decoded fields back into the 32-bit form of `op` (the expansion a compressed word stands for). */
function encode32(spec: InsnSpec, d: Decoded): number {
  const { rd, rs1, rs2, imm } = d;
  const r = (rd << 7) | (rs1 << 15);
  switch (spec.format) {
    case 'R': return spec.match | r | (rs2 << 20);
    case 'I': return spec.match | r | ((imm & 0xfff) << 20);
    case 'SHAMT': return spec.match | r | ((imm & 63) << 20);
    case 'S': return spec.match | (rs1 << 15) | (rs2 << 20) | ((imm & 0x1f) << 7) | (((imm >> 5) & 0x7f) << 25);
    case 'B': return spec.match | (rs1 << 15) | (rs2 << 20) | (((imm >> 11) & 1) << 7) | (((imm >> 1) & 0xf) << 8)
      | (((imm >> 5) & 0x3f) << 25) | (((imm >> 12) & 1) << 31);
    case 'U': return spec.match | (rd << 7) | (imm & 0xfffff000);
    case 'J': return spec.match | (rd << 7) | (((imm >> 12) & 0xff) << 12) | (((imm >> 11) & 1) << 20)
      | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 20) & 1) << 31);
    case 'NONE': return spec.match;
    default: throw new Error(`no encoder for ${spec.format}`);
  }
}

describe('decoder: 32-bit formats', () => {
  it('R: add a0,a1,a2', () => check(0x00c58533, { op: Op.ADD, rd: 10, rs1: 11, rs2: 12, imm: 0, len: 4, name: 'add' }));
  it('I: sign-extended immediates', () => {
    check(0xffb58513, { op: Op.ADDI, rd: 10, rs1: 11, imm: -5 });
    check(0x80000513, { op: Op.ADDI, rd: 10, rs1: 0, imm: -2048 });
    check(0x7ff12503, { op: Op.LW, rd: 10, rs1: 2, imm: 2047 });
    check(0xffc580e7, { op: Op.JALR, rd: 1, rs1: 11, imm: -4 });
  });
  it('S: split immediate', () => {
    check(0x81bfb023, { op: Op.SD, rs1: 31, rs2: 27, imm: -2048, rd: 0 });
    check(0x7ea12fa3, { op: Op.SW, rs1: 2, rs2: 10, imm: 2047 });
    check(0x7fbfbfa7, { op: Op.FSD, rs1: 31, rs2: 27, imm: 2047 });
  });
  it('B: byte offsets, both signs', () => {
    check(0xfeb500e3, { op: Op.BEQ, rs1: 10, rs2: 11, imm: -32 });
    check(0x00b56863, { op: Op.BLTU, rs1: 10, rs2: 11, imm: 16 });
    check(0x80000063, { op: Op.BEQ, rs1: 0, rs2: 0, imm: -4096 });
    check(0x7e000fe3, { op: Op.BEQ, imm: 4094 });
  });
  it('U: imm20 << 12 as int32', () => {
    check(0x12345537, { op: Op.LUI, rd: 10, imm: 0x12345000 });
    check(0xffffffb7, { op: Op.LUI, rd: 31, imm: -4096 });
    check(0x80000097, { op: Op.AUIPC, rd: 1, imm: 0x80000000 | 0 });
  });
  it('J: byte offsets, both signs', () => {
    check(0xfe1ff2ef, { op: Op.JAL, rd: 5, imm: -32 });
    check(0x010000ef, { op: Op.JAL, rd: 1, imm: 16 });
    check(0x8000006f, { op: Op.JAL, rd: 0, imm: -(1 << 20) });
    check(0x7ffff06f, { op: Op.JAL, imm: (1 << 20) - 2 });
  });
  it('shift amounts', () => {
    check(0x03f59513, { op: Op.SLLI, rd: 10, rs1: 11, imm: 63 });
    check(0x43f5d513, { op: Op.SRAI, imm: 63 });
    check(0x01f5951b, { op: Op.SLLIW, imm: 31 });
    check(0x4005d51b, { op: Op.SRAIW, imm: 0 });
    check(0x63f5d513, { op: Op.RORI, imm: 63 });
    check(0x61f5d51b, { op: Op.RORIW, imm: 31 });
    check(0x0bf5951b, { op: Op.SLLI_UW, imm: 63 });
    check(0x4bf5d513, { op: Op.BEXTI, imm: 63 });
    check(0x48359513, { op: Op.BCLRI, imm: 3 });
  });
  it('shift amounts that do not exist are illegal', () => {
    check(0x0235951b, { op: Op.ILLEGAL, len: 4 });   // slliw with shamt[5] set
    check(0x0235d51b, { op: Op.ILLEGAL });           // srliw with shamt[5] set
    check(0x6235d51b, { op: Op.ILLEGAL });           // roriw with shamt[5] set
  });
  it('CSR: imm = CSR number, uimm in rs1 for the immediate forms', () => {
    check(0x30059573, { op: Op.CSRRW, rd: 10, rs1: 11, imm: 0x300 });
    check(0xfff5a573, { op: Op.CSRRS, imm: 0xfff });
    check(0x300fd073, { op: Op.CSRRWI, rd: 0, rs1: 31, imm: 0x300 });
    check(0x3000f073, { op: Op.CSRRCI, rs1: 1, imm: 0x300 });
  });
  it('FENCE: raw 12-bit field; fence.i accepted with any reserved fields', () => {
    check(0x8330000f, { op: Op.FENCE, imm: 0x833 });
    check(0x0ff0000f, { op: Op.FENCE, imm: 0x0ff });
    check(0x0000100f, { op: Op.FENCE_I });
    check(0x1000100f, { op: Op.FENCE_I });
  });
  it('AMO/LR/SC: aq/rl ignored, LR requires rs2 = 0', () => {
    check(0x1605b52f, { op: Op.LR_D, rd: 10, rs1: 11, rs2: 0 });
    check(0x1ec5a52f, { op: Op.SC_W, rd: 10, rs1: 11, rs2: 12 });
    check(0xe66132af, { op: Op.AMOMAXU_D, rd: 5, rs1: 2, rs2: 6 });
    check(0x10f5a52f, { op: Op.ILLEGAL });
    check(0x1015b52f, { op: Op.ILLEGAL });
    check(0x0cc5a52f, { op: Op.AMOSWAP_W, rd: 10 });  // aq set
    check(0x3005a52f, { op: Op.ILLEGAL });            // funct5 0b00110 is not an AMO
  });
  it('FP: rm field, rs3, variant selection by rs2', () => {
    check(0x02c59553, { op: Op.FADD_D, rd: 10, rs1: 11, rs2: 12, rm: 1 });
    check(0x02c5d553, { op: Op.FADD_D, rm: 5 });                // reserved rm still decodes
    check(0x68c5c543, { op: Op.FMADD_S, rd: 10, rs1: 11, rs2: 12, rs3: 13, rm: 4 });
    check(0x6ac5f54f, { op: Op.FNMADD_D, rs3: 13, rm: 7 });
    check(0xc2259553, { op: Op.FCVT_L_D, rd: 10, rs1: 11, rm: 1 });
    check(0xc2359553, { op: Op.FCVT_LU_D, rm: 1 });
    check(0xd0158553, { op: Op.FCVT_S_WU, rm: 0 });
    check(0x4015f553, { op: Op.FCVT_S_D, rm: 7 });
    check(0x42058553, { op: Op.FCVT_D_S, rm: 0 });
    check(0xc0459553, { op: Op.ILLEGAL });   // fcvt.?.s with rs2 = 4
    check(0x5815f553, { op: Op.ILLEGAL });   // fsqrt.s with rs2 != 0
    check(0xe0058553, { op: Op.FMV_X_W, rm: 0 });
    check(0xe0059553, { op: Op.FCLASS_S, rm: 0 });
    check(0xe005a553, { op: Op.ILLEGAL });   // fmv.x.w/fclass with funct3 = 2
    check(0x20c59553, { op: Op.FSGNJN_S, rm: 0 });
  });
  it('privileged and system', () => {
    check(0x00000073, { op: Op.ECALL });
    check(0x00100073, { op: Op.EBREAK });
    check(0x30200073, { op: Op.MRET });
    check(0x10200073, { op: Op.SRET });
    check(0x10500073, { op: Op.WFI });
    check(0x12b50073, { op: Op.SFENCE_VMA, rs1: 10, rs2: 11 });
    check(0x12000f73, { op: Op.ILLEGAL });   // sfence.vma with rd != 0
    check(0x00000173, { op: Op.ILLEGAL });   // ecall with rd != 0
    check(0x30300073, { op: Op.ILLEGAL });
  });
  it('Zba/Zbb/Zbs/Zicond encodings', () => {
    check(0x0805c53b, { op: Op.ZEXT_H, rd: 10, rs1: 11 });
    check(0x08c5c53b, { op: Op.ILLEGAL });   // packw (Zbkb) is not implemented
    check(0x6b85d513, { op: Op.REV8 });
    check(0x2875d513, { op: Op.ORC_B });
    check(0x0805853b, { op: Op.ADD_UW, rs2: 0 });
    check(0x0ec5d533, { op: Op.CZERO_EQZ, rd: 10, rs1: 11, rs2: 12 });
    check(0x0ec5f533, { op: Op.CZERO_NEZ });
  });
  it('unknown words are illegal with len 4', () => {
    for (const w of [0x43f00033, 0x0000707b, 0x3ec5d533, 0xffffffff | 0, 0x0000000b]) {
      const d = decode(w, new Decoded());
      assert.strictEqual(d.op, Op.ILLEGAL, w.toString(16));
      assert.strictEqual(d.spec, null);
      assert.strictEqual(d.len, 4);
    }
  });
});

describe('decoder: compressed', () => {
  it('expansions named by the ISA', () => {
    check(0x0808, { op: Op.ADDI, rd: 10, rs1: 2, imm: 16, len: 2, name: 'c.addi4spn' });
    check(0x1fe0, { op: Op.ADDI, rd: 8, rs1: 2, imm: 1020 });
    check(0xb755, { op: Op.JAL, rd: 0, imm: -0x5c, name: 'c.j' });
    check(0x8502, { op: Op.JALR, rd: 0, rs1: 10, imm: 0, name: 'c.jr' });
    check(0x9502, { op: Op.JALR, rd: 1, rs1: 10, imm: 0, name: 'c.jalr' });
    check(0x852e, { op: Op.ADD, rd: 10, rs1: 0, rs2: 11, name: 'c.mv' });
    check(0x952e, { op: Op.ADD, rd: 10, rs1: 10, rs2: 11, name: 'c.add' });
    check(0x4505, { op: Op.ADDI, rd: 10, rs1: 0, imm: 1, name: 'c.li' });
    check(0x757d, { op: Op.LUI, rd: 10, imm: -4096, name: 'c.lui' });
    check(0x6ffd, { op: Op.LUI, rd: 31, imm: 0x1f000 });
    check(0x717d, { op: Op.ADDI, rd: 2, rs1: 2, imm: -16, name: 'c.addi16sp' });
    check(0x617d, { op: Op.ADDI, rd: 2, rs1: 2, imm: 496 });
    check(0x7101, { op: Op.ADDI, imm: -512 });
    check(0xd145, { op: Op.BEQ, rs1: 10, rs2: 0, name: 'c.beqz' });
    check(0x9002, { op: Op.EBREAK, name: 'c.ebreak' });
    check(0x0001, { op: Op.ADDI, rd: 0, rs1: 0, imm: 0, name: 'c.nop' });
    check(0x1ffe, { op: Op.SLLI, rd: 31, rs1: 31, imm: 63, name: 'c.slli' });
    check(0x9401, { op: Op.SRAI, rd: 8, rs1: 8, imm: 32 });
    check(0x2501, { op: Op.ADDIW, rd: 10, rs1: 10, imm: 0, name: 'c.addiw' });
    check(0x9d0d, { op: Op.SUBW, rd: 10, rs1: 10, rs2: 11 });
    check(0x7c7c, { op: Op.LD, rd: 15, rs1: 8, imm: 248 });
    check(0x5fe4, { op: Op.LW, rd: 9, rs1: 15, imm: 124 });
    check(0x307e, { op: Op.FLD, rd: 0, rs1: 2, imm: 504, name: 'c.fldsp' });
    check(0x5ffe, { op: Op.LW, rd: 31, rs1: 2, imm: 252 });
    check(0xff86, { op: Op.SD, rs1: 2, rs2: 1, imm: 504 });
    check(0xdffe, { op: Op.SW, rs1: 2, rs2: 31, imm: 252 });
    check(0xbcfc, { op: Op.FSD, rs1: 9, rs2: 15, imm: 248 });
  });

  it('only the low 16 bits of a compressed word matter', () => {
    check(0xabcd4505 | 0, { op: Op.ADDI, rd: 10, imm: 1, len: 2 });
  });

  it('HINT encodings decode as their base operation', () => {
    check(0x1001, { op: Op.ADDI, rd: 0, rs1: 0, imm: -32 });  // c.nop with imm != 0
    check(0x4001, { op: Op.ADDI, rd: 0, rs1: 0, imm: 0 });    // c.li x0
    check(0x0081, { op: Op.ADDI, rd: 1, rs1: 1, imm: 0 });    // c.addi with imm 0
    check(0x6005, { op: Op.LUI, rd: 0, imm: 0x1000 });        // c.lui x0
    check(0x0002, { op: Op.SLLI, rd: 0, imm: 0 });            // c.slli x0, 0
    check(0x8001, { op: Op.SRLI, rd: 8, imm: 0 });            // c.srli64
    check(0x802e, { op: Op.ADD, rd: 0, rs1: 0, rs2: 11 });    // c.mv x0
    check(0x902e, { op: Op.ADD, rd: 0, rs1: 0, rs2: 11 });    // c.add x0
  });

  it('reserved encodings are illegal', () => {
    const reserved: [number, string][] = [
      [0x0000, 'all-zero'], [0x0004, 'c.addi4spn nzuimm=0'], [0x6101, 'c.addi16sp imm=0'],
      [0x6001, 'c.lui x0 imm=0'], [0x6081, 'c.lui imm=0'], [0x2001, 'c.addiw x0'], [0x2005, 'c.addiw x0,1'],
      [0x4002, 'c.lwsp x0'], [0x6002, 'c.ldsp x0'], [0x8002, 'c.jr x0'], [0x9c41, 'CA reserved'],
      [0x9c61, 'CA reserved'],
    ];
    for (const [w, why] of reserved) {
      const d = decode(w, new Decoded());
      assert.strictEqual(d.op, Op.ILLEGAL, `${w.toString(16)} ${why}`);
      assert.strictEqual(d.spec, null);
      assert.strictEqual(d.len, 2);
    }
  });

  it('every legal compressed word equals the decode of its 32-bit expansion (exhaustive)', () => {
    const c = new Decoded(), w = new Decoded();
    let legal = 0;
    for (let word = 0; word < 0x10000; word++) {
      if ((word & 3) === 3) continue;
      decode(word, c);
      if (c.op === Op.ILLEGAL) continue;
      legal++;
      const spec32 = INSNS.find((s) => s.len === 4 && s.op === c.op)!;
      const word32 = encode32(spec32, c);
      decode(word32, w);
      const h = word.toString(16);
      assert.strictEqual(w.op, c.op, h);
      assert.deepStrictEqual([w.rd, w.rs1, w.rs2, w.imm, w.rm, w.rs3], [c.rd, c.rs1, c.rs2, c.imm, c.rm, c.rs3], h);
      assert.strictEqual(c.len, 2);
    }
    assert.ok(legal > 45000, `${legal} legal compressed words`);
  });
});
