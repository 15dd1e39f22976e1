// The instruction table: every RV64GC (+Zba/Zbb/Zbs/Zicond, privileged) encoding as data, the single
// source of truth for the decoder, the disassembler, the assembler and language-server hovers.

import { Op } from './opcodes';

/** One instruction encoding. */
export interface InsnSpec {
  /** GNU mnemonic, e.g. 'fadd.s', 'c.addi'. */
  name: string;
  /** Fixed bits of the encoding (only bits inside `mask` are set). */
  match: number;
  /** Which bits are fixed. */
  mask: number;
  /** Operation executed (compressed entries name the op of their 32-bit expansion). */
  op: Op;
  /** 'I','M','A','F','D','C','Zicsr','Zifencei','Zba','Zbb','Zbs','Zicond','Priv','H'. */
  ext: string;
  /** Operand layout tag: how the decoder extracts fields (see decode.ts). */
  format: string;
  /** Operand kinds in assembly order. */
  operands: string[];
  /** One-line description. */
  desc: string;
  /** Instruction length in bytes. */
  len: 2 | 4;
  /**
   * Bit patterns carved out of this encoding: a word w with (w & mask) === value is NOT this instruction
   * (it is reserved, or belongs to another entry). Expresses the "must be non-zero" field rules of the
   * compressed encodings (Unprivileged spec, "C" chapter) that a single mask cannot.
   */
  excl?: readonly (readonly [mask: number, value: number])[];
}

/** Parses "14..12=0 6..2=0x0C 1..0=3" style bit constraints into [match, mask]. */
function bits(s: string): [number, number] {
  let match = 0, mask = 0;
  for (const tok of s.trim().split(/\s+/)) {
    const m = /^(\d+)(?:\.\.(\d+))?=(\w+)$/.exec(tok);
    if (m === null) throw new Error(`bad bit constraint ${tok}`);
    const hi = Number(m[1]), lo = m[2] === undefined ? hi : Number(m[2]);
    const v = m[3].startsWith('0b') ? parseInt(m[3].slice(2), 2) : Number(m[3]);
    const width = hi - lo + 1;
    const fm = width === 32 ? 0xffffffff : ((1 << width) - 1);
    if (v > fm) throw new Error(`value too wide in ${tok}`);
    mask |= fm << lo;
    match |= v << lo;
  }
  return [match | 0, mask | 0];
}

/** Field masks used by the exclusions of compressed entries. */
const C_RD = 0x1f << 7;       // bits 11:7
const C_RS2 = 0x1f << 2;      // bits 6:2
const C_IMM6 = (1 << 12) | C_RS2; // bits 12, 6:2

type Row = [name: string, op: Op, ext: string, format: string, operands: string[], fixed: string, desc: string,
  excl?: (readonly [number, number])[]];

const X_R = ['rd', 'rs1', 'rs2'];
const X_I = ['rd', 'rs1', 'imm'];
const X_SH = ['rd', 'rs1', 'shamt'];
const X_1 = ['rd', 'rs1'];
const LOAD = ['rd', 'imm(rs1)'];
const STORE = ['rs2', 'imm(rs1)'];
const BR = ['rs1', 'rs2', 'target'];
const AMO = ['rd', 'rs2', '(rs1)'];
const F_R = ['frd', 'frs1', 'frs2'];
const F_RRM = ['frd', 'frs1', 'frs2', 'rm'];
const F_R4 = ['frd', 'frs1', 'frs2', 'frs3', 'rm'];

const OP = '6..0=0x33', OP32 = '6..0=0x3b', OPI = '6..0=0x13', OPI32 = '6..0=0x1b';
const SYS = '6..0=0x73', AMOOP = '6..0=0x2f', FP = '6..0=0x53';

/** Builds the rows of an FP extension ('F' fmt=0 / 'D' fmt=1). */
function fpRows(d: boolean): Row[] {
  const ext = d ? 'D' : 'F', s = d ? 'd' : 's', fmt = d ? '26..25=1' : '26..25=0', w = d ? 'double' : 'single';
  const O = (op: Op, sp: Op): Op => (d ? op : sp);
  const rows: Row[] = [
    [`fl${d ? 'd' : 'w'}`, O(Op.FLD, Op.FLW), ext, 'I', ['frd', 'imm(rs1)'], `14..12=${d ? 3 : 2} 6..0=0x07`, `load ${w}`],
    [`fs${d ? 'd' : 'w'}`, O(Op.FSD, Op.FSW), ext, 'S', ['frs2', 'imm(rs1)'], `14..12=${d ? 3 : 2} 6..0=0x27`, `store ${w}`],
    [`fmadd.${s}`, O(Op.FMADD_D, Op.FMADD_S), ext, 'R4', F_R4, `${fmt} 6..0=0x43`, `fused multiply-add (${w})`],
    [`fmsub.${s}`, O(Op.FMSUB_D, Op.FMSUB_S), ext, 'R4', F_R4, `${fmt} 6..0=0x47`, `fused multiply-subtract (${w})`],
    [`fnmsub.${s}`, O(Op.FNMSUB_D, Op.FNMSUB_S), ext, 'R4', F_R4, `${fmt} 6..0=0x4b`, `negated fused multiply-subtract (${w})`],
    [`fnmadd.${s}`, O(Op.FNMADD_D, Op.FNMADD_S), ext, 'R4', F_R4, `${fmt} 6..0=0x4f`, `negated fused multiply-add (${w})`],
    [`fadd.${s}`, O(Op.FADD_D, Op.FADD_S), ext, 'R', F_RRM, `31..27=0x00 ${fmt} ${FP}`, `add (${w})`],
    [`fsub.${s}`, O(Op.FSUB_D, Op.FSUB_S), ext, 'R', F_RRM, `31..27=0x01 ${fmt} ${FP}`, `subtract (${w})`],
    [`fmul.${s}`, O(Op.FMUL_D, Op.FMUL_S), ext, 'R', F_RRM, `31..27=0x02 ${fmt} ${FP}`, `multiply (${w})`],
    [`fdiv.${s}`, O(Op.FDIV_D, Op.FDIV_S), ext, 'R', F_RRM, `31..27=0x03 ${fmt} ${FP}`, `divide (${w})`],
    [`fsqrt.${s}`, O(Op.FSQRT_D, Op.FSQRT_S), ext, 'R1', ['frd', 'frs1', 'rm'], `31..27=0x0b ${fmt} 24..20=0 ${FP}`, `square root (${w})`],
    [`fsgnj.${s}`, O(Op.FSGNJ_D, Op.FSGNJ_S), ext, 'R', F_R, `31..27=0x04 ${fmt} 14..12=0 ${FP}`, `sign inject (${w})`],
    [`fsgnjn.${s}`, O(Op.FSGNJN_D, Op.FSGNJN_S), ext, 'R', F_R, `31..27=0x04 ${fmt} 14..12=1 ${FP}`, `negated sign inject (${w})`],
    [`fsgnjx.${s}`, O(Op.FSGNJX_D, Op.FSGNJX_S), ext, 'R', F_R, `31..27=0x04 ${fmt} 14..12=2 ${FP}`, `xor sign inject (${w})`],
    [`fmin.${s}`, O(Op.FMIN_D, Op.FMIN_S), ext, 'R', F_R, `31..27=0x05 ${fmt} 14..12=0 ${FP}`, `minimum (${w})`],
    [`fmax.${s}`, O(Op.FMAX_D, Op.FMAX_S), ext, 'R', F_R, `31..27=0x05 ${fmt} 14..12=1 ${FP}`, `maximum (${w})`],
    [`feq.${s}`, O(Op.FEQ_D, Op.FEQ_S), ext, 'R', ['rd', 'frs1', 'frs2'], `31..27=0x14 ${fmt} 14..12=2 ${FP}`, `compare equal (${w})`],
    [`flt.${s}`, O(Op.FLT_D, Op.FLT_S), ext, 'R', ['rd', 'frs1', 'frs2'], `31..27=0x14 ${fmt} 14..12=1 ${FP}`, `compare less than (${w})`],
    [`fle.${s}`, O(Op.FLE_D, Op.FLE_S), ext, 'R', ['rd', 'frs1', 'frs2'], `31..27=0x14 ${fmt} 14..12=0 ${FP}`, `compare less or equal (${w})`],
    [`fclass.${s}`, O(Op.FCLASS_D, Op.FCLASS_S), ext, 'R1', ['rd', 'frs1'], `31..27=0x1c ${fmt} 24..20=0 14..12=1 ${FP}`, `classify (${w})`],
  ];
  const cvt = (name: string, op: Op, f5: number, rs2: number, ops: string[], desc: string): Row =>
    [name, op, ext, 'R1', ops, `31..27=${f5} ${fmt} 24..20=${rs2} ${FP}`, desc];
  const toX = ['rd', 'frs1', 'rm'], fromX = ['frd', 'rs1', 'rm'];
  rows.push(
    cvt(`fcvt.w.${s}`, O(Op.FCVT_W_D, Op.FCVT_W_S), 0x18, 0, toX, `convert ${w} to int32`),
    cvt(`fcvt.wu.${s}`, O(Op.FCVT_WU_D, Op.FCVT_WU_S), 0x18, 1, toX, `convert ${w} to uint32`),
    cvt(`fcvt.l.${s}`, O(Op.FCVT_L_D, Op.FCVT_L_S), 0x18, 2, toX, `convert ${w} to int64`),
    cvt(`fcvt.lu.${s}`, O(Op.FCVT_LU_D, Op.FCVT_LU_S), 0x18, 3, toX, `convert ${w} to uint64`),
    cvt(`fcvt.${s}.w`, O(Op.FCVT_D_W, Op.FCVT_S_W), 0x1a, 0, fromX, `convert int32 to ${w}`),
    cvt(`fcvt.${s}.wu`, O(Op.FCVT_D_WU, Op.FCVT_S_WU), 0x1a, 1, fromX, `convert uint32 to ${w}`),
    cvt(`fcvt.${s}.l`, O(Op.FCVT_D_L, Op.FCVT_S_L), 0x1a, 2, fromX, `convert int64 to ${w}`),
    cvt(`fcvt.${s}.lu`, O(Op.FCVT_D_LU, Op.FCVT_S_LU), 0x1a, 3, fromX, `convert uint64 to ${w}`),
    [d ? 'fmv.x.d' : 'fmv.x.w', O(Op.FMV_X_D, Op.FMV_X_W), ext, 'R1', ['rd', 'frs1'],
      `31..27=0x1c ${fmt} 24..20=0 14..12=0 ${FP}`, `move ${w} bits to integer register`],
    [d ? 'fmv.d.x' : 'fmv.w.x', O(Op.FMV_D_X, Op.FMV_W_X), ext, 'R1', ['frd', 'rs1'],
      `31..27=0x1e ${fmt} 24..20=0 14..12=0 ${FP}`, `move integer register bits to ${w}`],
  );
  if (d) {
    rows.push(
      ['fcvt.s.d', Op.FCVT_S_D, 'D', 'R1', ['frd', 'frs1', 'rm'], `31..27=0x08 26..25=0 24..20=1 ${FP}`, 'convert double to single'],
      [`fcvt.d.s`, Op.FCVT_D_S, 'D', 'R1', ['frd', 'frs1', 'rm'], `31..27=0x08 26..25=1 24..20=0 ${FP}`, 'convert single to double'],
    );
  }
  return rows;
}

/** AMO rows for width w ('w' funct3=2, 'd' funct3=3). aq/rl (bits 26:25) are free. */
function amoRows(w: 'w' | 'd'): Row[] {
  const f3 = w === 'w' ? 2 : 3;
  const D = w === 'd';
  const a = (name: string, f5: number, op: Op, desc: string): Row =>
    [`${name}.${w}`, op, 'A', 'AMO', AMO, `31..27=${f5} 14..12=${f3} ${AMOOP}`, desc];
  return [
    [`lr.${w}`, D ? Op.LR_D : Op.LR_W, 'A', 'LR', ['rd', '(rs1)'], `31..27=2 24..20=0 14..12=${f3} ${AMOOP}`, 'load reserved'],
    a('sc', 3, D ? Op.SC_D : Op.SC_W, 'store conditional'),
    a('amoswap', 1, D ? Op.AMOSWAP_D : Op.AMOSWAP_W, 'atomic swap'),
    a('amoadd', 0, D ? Op.AMOADD_D : Op.AMOADD_W, 'atomic add'),
    a('amoxor', 4, D ? Op.AMOXOR_D : Op.AMOXOR_W, 'atomic xor'),
    a('amoand', 12, D ? Op.AMOAND_D : Op.AMOAND_W, 'atomic and'),
    a('amoor', 8, D ? Op.AMOOR_D : Op.AMOOR_W, 'atomic or'),
    a('amomin', 16, D ? Op.AMOMIN_D : Op.AMOMIN_W, 'atomic signed minimum'),
    a('amomax', 20, D ? Op.AMOMAX_D : Op.AMOMAX_W, 'atomic signed maximum'),
    a('amominu', 24, D ? Op.AMOMINU_D : Op.AMOMINU_W, 'atomic unsigned minimum'),
    a('amomaxu', 28, D ? Op.AMOMAXU_D : Op.AMOMAXU_W, 'atomic unsigned maximum'),
  ];
}

const ROWS: Row[] = [
  // ---- RV64I (Unprivileged spec, "RV32I" and "RV64I" chapters) ----
  ['lui', Op.LUI, 'I', 'U', ['rd', 'uimm20'], '6..0=0x37', 'load upper immediate'],
  ['auipc', Op.AUIPC, 'I', 'U', ['rd', 'uimm20'], '6..0=0x17', 'add upper immediate to pc'],
  ['jal', Op.JAL, 'I', 'J', ['rd', 'target'], '6..0=0x6f', 'jump and link'],
  ['jalr', Op.JALR, 'I', 'I', ['rd', 'imm(rs1)'], '14..12=0 6..0=0x67', 'jump and link register'],
  ['beq', Op.BEQ, 'I', 'B', BR, '14..12=0 6..0=0x63', 'branch if equal'],
  ['bne', Op.BNE, 'I', 'B', BR, '14..12=1 6..0=0x63', 'branch if not equal'],
  ['blt', Op.BLT, 'I', 'B', BR, '14..12=4 6..0=0x63', 'branch if less than'],
  ['bge', Op.BGE, 'I', 'B', BR, '14..12=5 6..0=0x63', 'branch if greater or equal'],
  ['bltu', Op.BLTU, 'I', 'B', BR, '14..12=6 6..0=0x63', 'branch if less than, unsigned'],
  ['bgeu', Op.BGEU, 'I', 'B', BR, '14..12=7 6..0=0x63', 'branch if greater or equal, unsigned'],
  ['lb', Op.LB, 'I', 'I', LOAD, '14..12=0 6..0=0x03', 'load byte'],
  ['lh', Op.LH, 'I', 'I', LOAD, '14..12=1 6..0=0x03', 'load halfword'],
  ['lw', Op.LW, 'I', 'I', LOAD, '14..12=2 6..0=0x03', 'load word'],
  ['ld', Op.LD, 'I', 'I', LOAD, '14..12=3 6..0=0x03', 'load doubleword'],
  ['lbu', Op.LBU, 'I', 'I', LOAD, '14..12=4 6..0=0x03', 'load byte unsigned'],
  ['lhu', Op.LHU, 'I', 'I', LOAD, '14..12=5 6..0=0x03', 'load halfword unsigned'],
  ['lwu', Op.LWU, 'I', 'I', LOAD, '14..12=6 6..0=0x03', 'load word unsigned'],
  ['sb', Op.SB, 'I', 'S', STORE, '14..12=0 6..0=0x23', 'store byte'],
  ['sh', Op.SH, 'I', 'S', STORE, '14..12=1 6..0=0x23', 'store halfword'],
  ['sw', Op.SW, 'I', 'S', STORE, '14..12=2 6..0=0x23', 'store word'],
  ['sd', Op.SD, 'I', 'S', STORE, '14..12=3 6..0=0x23', 'store doubleword'],
  ['addi', Op.ADDI, 'I', 'I', X_I, `14..12=0 ${OPI}`, 'add immediate'],
  ['slti', Op.SLTI, 'I', 'I', X_I, `14..12=2 ${OPI}`, 'set if less than immediate'],
  ['sltiu', Op.SLTIU, 'I', 'I', X_I, `14..12=3 ${OPI}`, 'set if less than immediate, unsigned'],
  ['xori', Op.XORI, 'I', 'I', X_I, `14..12=4 ${OPI}`, 'xor immediate'],
  ['ori', Op.ORI, 'I', 'I', X_I, `14..12=6 ${OPI}`, 'or immediate'],
  ['andi', Op.ANDI, 'I', 'I', X_I, `14..12=7 ${OPI}`, 'and immediate'],
  ['slli', Op.SLLI, 'I', 'SHAMT', X_SH, `31..26=0 14..12=1 ${OPI}`, 'shift left logical immediate'],
  ['srli', Op.SRLI, 'I', 'SHAMT', X_SH, `31..26=0 14..12=5 ${OPI}`, 'shift right logical immediate'],
  ['srai', Op.SRAI, 'I', 'SHAMT', X_SH, `31..26=0x10 14..12=5 ${OPI}`, 'shift right arithmetic immediate'],
  ['add', Op.ADD, 'I', 'R', X_R, `31..25=0 14..12=0 ${OP}`, 'add'],
  ['sub', Op.SUB, 'I', 'R', X_R, `31..25=0x20 14..12=0 ${OP}`, 'subtract'],
  ['sll', Op.SLL, 'I', 'R', X_R, `31..25=0 14..12=1 ${OP}`, 'shift left logical'],
  ['slt', Op.SLT, 'I', 'R', X_R, `31..25=0 14..12=2 ${OP}`, 'set if less than'],
  ['sltu', Op.SLTU, 'I', 'R', X_R, `31..25=0 14..12=3 ${OP}`, 'set if less than, unsigned'],
  ['xor', Op.XOR, 'I', 'R', X_R, `31..25=0 14..12=4 ${OP}`, 'xor'],
  ['srl', Op.SRL, 'I', 'R', X_R, `31..25=0 14..12=5 ${OP}`, 'shift right logical'],
  ['sra', Op.SRA, 'I', 'R', X_R, `31..25=0x20 14..12=5 ${OP}`, 'shift right arithmetic'],
  ['or', Op.OR, 'I', 'R', X_R, `31..25=0 14..12=6 ${OP}`, 'or'],
  ['and', Op.AND, 'I', 'R', X_R, `31..25=0 14..12=7 ${OP}`, 'and'],
  ['addiw', Op.ADDIW, 'I', 'I', X_I, `14..12=0 ${OPI32}`, 'add immediate, 32-bit'],
  ['slliw', Op.SLLIW, 'I', 'SHAMT', X_SH, `31..25=0 14..12=1 ${OPI32}`, 'shift left logical immediate, 32-bit'],
  ['srliw', Op.SRLIW, 'I', 'SHAMT', X_SH, `31..25=0 14..12=5 ${OPI32}`, 'shift right logical immediate, 32-bit'],
  ['sraiw', Op.SRAIW, 'I', 'SHAMT', X_SH, `31..25=0x20 14..12=5 ${OPI32}`, 'shift right arithmetic immediate, 32-bit'],
  ['addw', Op.ADDW, 'I', 'R', X_R, `31..25=0 14..12=0 ${OP32}`, 'add, 32-bit'],
  ['subw', Op.SUBW, 'I', 'R', X_R, `31..25=0x20 14..12=0 ${OP32}`, 'subtract, 32-bit'],
  ['sllw', Op.SLLW, 'I', 'R', X_R, `31..25=0 14..12=1 ${OP32}`, 'shift left logical, 32-bit'],
  ['srlw', Op.SRLW, 'I', 'R', X_R, `31..25=0 14..12=5 ${OP32}`, 'shift right logical, 32-bit'],
  ['sraw', Op.SRAW, 'I', 'R', X_R, `31..25=0x20 14..12=5 ${OP32}`, 'shift right arithmetic, 32-bit'],
  // FENCE: fm/pred/succ/rs1/rd are all free (unused fields are reserved hints, "Memory Ordering Instructions").
  ['fence', Op.FENCE, 'I', 'FENCE', ['pred', 'succ'], '14..12=0 6..0=0x0f', 'memory ordering fence'],
  ['ecall', Op.ECALL, 'I', 'NONE', [], '31..0=0x00000073', 'environment call'],
  ['ebreak', Op.EBREAK, 'I', 'NONE', [], '31..0=0x00100073', 'environment breakpoint'],
  // ---- Zifencei: imm/rs1/rd are reserved for future use and ignored ("Zifencei" chapter) ----
  ['fence.i', Op.FENCE_I, 'Zifencei', 'I', [], '14..12=1 6..0=0x0f', 'instruction fetch fence'],
  // ---- Zicsr ----
  ['csrrw', Op.CSRRW, 'Zicsr', 'CSR', ['rd', 'csr', 'rs1'], `14..12=1 ${SYS}`, 'atomic read/write CSR'],
  ['csrrs', Op.CSRRS, 'Zicsr', 'CSR', ['rd', 'csr', 'rs1'], `14..12=2 ${SYS}`, 'atomic read and set bits in CSR'],
  ['csrrc', Op.CSRRC, 'Zicsr', 'CSR', ['rd', 'csr', 'rs1'], `14..12=3 ${SYS}`, 'atomic read and clear bits in CSR'],
  ['csrrwi', Op.CSRRWI, 'Zicsr', 'CSRI', ['rd', 'csr', 'uimm5'], `14..12=5 ${SYS}`, 'atomic read/write CSR, immediate'],
  ['csrrsi', Op.CSRRSI, 'Zicsr', 'CSRI', ['rd', 'csr', 'uimm5'], `14..12=6 ${SYS}`, 'atomic read and set bits in CSR, immediate'],
  ['csrrci', Op.CSRRCI, 'Zicsr', 'CSRI', ['rd', 'csr', 'uimm5'], `14..12=7 ${SYS}`, 'atomic read and clear bits in CSR, immediate'],
  // ---- M ----
  ['mul', Op.MUL, 'M', 'R', X_R, `31..25=1 14..12=0 ${OP}`, 'multiply'],
  ['mulh', Op.MULH, 'M', 'R', X_R, `31..25=1 14..12=1 ${OP}`, 'multiply high, signed'],
  ['mulhsu', Op.MULHSU, 'M', 'R', X_R, `31..25=1 14..12=2 ${OP}`, 'multiply high, signed by unsigned'],
  ['mulhu', Op.MULHU, 'M', 'R', X_R, `31..25=1 14..12=3 ${OP}`, 'multiply high, unsigned'],
  ['div', Op.DIV, 'M', 'R', X_R, `31..25=1 14..12=4 ${OP}`, 'divide'],
  ['divu', Op.DIVU, 'M', 'R', X_R, `31..25=1 14..12=5 ${OP}`, 'divide, unsigned'],
  ['rem', Op.REM, 'M', 'R', X_R, `31..25=1 14..12=6 ${OP}`, 'remainder'],
  ['remu', Op.REMU, 'M', 'R', X_R, `31..25=1 14..12=7 ${OP}`, 'remainder, unsigned'],
  ['mulw', Op.MULW, 'M', 'R', X_R, `31..25=1 14..12=0 ${OP32}`, 'multiply, 32-bit'],
  ['divw', Op.DIVW, 'M', 'R', X_R, `31..25=1 14..12=4 ${OP32}`, 'divide, 32-bit'],
  ['divuw', Op.DIVUW, 'M', 'R', X_R, `31..25=1 14..12=5 ${OP32}`, 'divide unsigned, 32-bit'],
  ['remw', Op.REMW, 'M', 'R', X_R, `31..25=1 14..12=6 ${OP32}`, 'remainder, 32-bit'],
  ['remuw', Op.REMUW, 'M', 'R', X_R, `31..25=1 14..12=7 ${OP32}`, 'remainder unsigned, 32-bit'],
  // ---- A ----
  ...amoRows('w'),
  ...amoRows('d'),
  // ---- F, D ----
  ...fpRows(false),
  ...fpRows(true),
  // ---- Privileged (Privileged spec, "Machine-Level ISA" / "Supervisor-Level ISA") ----
  ['sret', Op.SRET, 'Priv', 'NONE', [], '31..0=0x10200073', 'return from supervisor trap'],
  ['mret', Op.MRET, 'Priv', 'NONE', [], '31..0=0x30200073', 'return from machine trap'],
  ['wfi', Op.WFI, 'Priv', 'NONE', [], '31..0=0x10500073', 'wait for interrupt'],
  ['sfence.vma', Op.SFENCE_VMA, 'Priv', 'SFENCE', ['rs1', 'rs2'], `31..25=0x09 14..12=0 11..7=0 ${SYS}`, 'fence address-translation caches'],
  // ---- H (Privileged spec, "Hypervisor Instructions") ----
  ['hfence.vvma', Op.HFENCE_VVMA, 'H', 'SFENCE', ['rs1', 'rs2'], `31..25=0x11 14..12=0 11..7=0 ${SYS}`, 'fence VS-stage address-translation caches'],
  ['hfence.gvma', Op.HFENCE_GVMA, 'H', 'SFENCE', ['rs1', 'rs2'], `31..25=0x31 14..12=0 11..7=0 ${SYS}`, 'fence G-stage address-translation caches'],
  ['hlv.b', Op.HLV_B, 'H', 'LR', ['rd', '(rs1)'], `31..25=0x30 24..20=0 14..12=4 ${SYS}`, 'load byte as in VS/VU-mode'],
  ['hlv.bu', Op.HLV_BU, 'H', 'LR', ['rd', '(rs1)'], `31..25=0x30 24..20=1 14..12=4 ${SYS}`, 'load byte unsigned as in VS/VU-mode'],
  ['hlv.h', Op.HLV_H, 'H', 'LR', ['rd', '(rs1)'], `31..25=0x32 24..20=0 14..12=4 ${SYS}`, 'load halfword as in VS/VU-mode'],
  ['hlv.hu', Op.HLV_HU, 'H', 'LR', ['rd', '(rs1)'], `31..25=0x32 24..20=1 14..12=4 ${SYS}`, 'load halfword unsigned as in VS/VU-mode'],
  ['hlvx.hu', Op.HLVX_HU, 'H', 'LR', ['rd', '(rs1)'], `31..25=0x32 24..20=3 14..12=4 ${SYS}`, 'load executable halfword as in VS/VU-mode'],
  ['hlv.w', Op.HLV_W, 'H', 'LR', ['rd', '(rs1)'], `31..25=0x34 24..20=0 14..12=4 ${SYS}`, 'load word as in VS/VU-mode'],
  ['hlvx.wu', Op.HLVX_WU, 'H', 'LR', ['rd', '(rs1)'], `31..25=0x34 24..20=3 14..12=4 ${SYS}`, 'load executable word as in VS/VU-mode'],
  ['hlv.wu', Op.HLV_WU, 'H', 'LR', ['rd', '(rs1)'], `31..25=0x34 24..20=1 14..12=4 ${SYS}`, 'load word unsigned as in VS/VU-mode'],
  ['hlv.d', Op.HLV_D, 'H', 'LR', ['rd', '(rs1)'], `31..25=0x36 24..20=0 14..12=4 ${SYS}`, 'load doubleword as in VS/VU-mode'],
  ['hsv.b', Op.HSV_B, 'H', 'SFENCE', ['rs2', '(rs1)'], `31..25=0x31 11..7=0 14..12=4 ${SYS}`, 'store byte as in VS/VU-mode'],
  ['hsv.h', Op.HSV_H, 'H', 'SFENCE', ['rs2', '(rs1)'], `31..25=0x33 11..7=0 14..12=4 ${SYS}`, 'store halfword as in VS/VU-mode'],
  ['hsv.w', Op.HSV_W, 'H', 'SFENCE', ['rs2', '(rs1)'], `31..25=0x35 11..7=0 14..12=4 ${SYS}`, 'store word as in VS/VU-mode'],
  ['hsv.d', Op.HSV_D, 'H', 'SFENCE', ['rs2', '(rs1)'], `31..25=0x37 11..7=0 14..12=4 ${SYS}`, 'store doubleword as in VS/VU-mode'],
  // ---- Zba ----
  ['add.uw', Op.ADD_UW, 'Zba', 'R', X_R, `31..25=4 14..12=0 ${OP32}`, 'add unsigned word'],
  ['sh1add', Op.SH1ADD, 'Zba', 'R', X_R, `31..25=0x10 14..12=2 ${OP}`, 'shift left by 1 and add'],
  ['sh2add', Op.SH2ADD, 'Zba', 'R', X_R, `31..25=0x10 14..12=4 ${OP}`, 'shift left by 2 and add'],
  ['sh3add', Op.SH3ADD, 'Zba', 'R', X_R, `31..25=0x10 14..12=6 ${OP}`, 'shift left by 3 and add'],
  ['sh1add.uw', Op.SH1ADD_UW, 'Zba', 'R', X_R, `31..25=0x10 14..12=2 ${OP32}`, 'shift unsigned word left by 1 and add'],
  ['sh2add.uw', Op.SH2ADD_UW, 'Zba', 'R', X_R, `31..25=0x10 14..12=4 ${OP32}`, 'shift unsigned word left by 2 and add'],
  ['sh3add.uw', Op.SH3ADD_UW, 'Zba', 'R', X_R, `31..25=0x10 14..12=6 ${OP32}`, 'shift unsigned word left by 3 and add'],
  ['slli.uw', Op.SLLI_UW, 'Zba', 'SHAMT', X_SH, `31..26=2 14..12=1 ${OPI32}`, 'shift left unsigned word immediate'],
  // ---- Zbb ----
  ['andn', Op.ANDN, 'Zbb', 'R', X_R, `31..25=0x20 14..12=7 ${OP}`, 'and with inverted operand'],
  ['orn', Op.ORN, 'Zbb', 'R', X_R, `31..25=0x20 14..12=6 ${OP}`, 'or with inverted operand'],
  ['xnor', Op.XNOR, 'Zbb', 'R', X_R, `31..25=0x20 14..12=4 ${OP}`, 'exclusive nor'],
  ['clz', Op.CLZ, 'Zbb', 'R1', X_1, `31..20=0x600 14..12=1 ${OPI}`, 'count leading zero bits'],
  ['ctz', Op.CTZ, 'Zbb', 'R1', X_1, `31..20=0x601 14..12=1 ${OPI}`, 'count trailing zero bits'],
  ['cpop', Op.CPOP, 'Zbb', 'R1', X_1, `31..20=0x602 14..12=1 ${OPI}`, 'count set bits'],
  ['clzw', Op.CLZW, 'Zbb', 'R1', X_1, `31..20=0x600 14..12=1 ${OPI32}`, 'count leading zero bits in word'],
  ['ctzw', Op.CTZW, 'Zbb', 'R1', X_1, `31..20=0x601 14..12=1 ${OPI32}`, 'count trailing zero bits in word'],
  ['cpopw', Op.CPOPW, 'Zbb', 'R1', X_1, `31..20=0x602 14..12=1 ${OPI32}`, 'count set bits in word'],
  ['max', Op.MAX, 'Zbb', 'R', X_R, `31..25=5 14..12=6 ${OP}`, 'maximum'],
  ['maxu', Op.MAXU, 'Zbb', 'R', X_R, `31..25=5 14..12=7 ${OP}`, 'unsigned maximum'],
  ['min', Op.MIN, 'Zbb', 'R', X_R, `31..25=5 14..12=4 ${OP}`, 'minimum'],
  ['minu', Op.MINU, 'Zbb', 'R', X_R, `31..25=5 14..12=5 ${OP}`, 'unsigned minimum'],
  ['sext.b', Op.SEXT_B, 'Zbb', 'R1', X_1, `31..20=0x604 14..12=1 ${OPI}`, 'sign-extend byte'],
  ['sext.h', Op.SEXT_H, 'Zbb', 'R1', X_1, `31..20=0x605 14..12=1 ${OPI}`, 'sign-extend halfword'],
  ['zext.h', Op.ZEXT_H, 'Zbb', 'R1', X_1, `31..20=0x080 14..12=4 ${OP32}`, 'zero-extend halfword'],
  ['rol', Op.ROL, 'Zbb', 'R', X_R, `31..25=0x30 14..12=1 ${OP}`, 'rotate left'],
  ['ror', Op.ROR, 'Zbb', 'R', X_R, `31..25=0x30 14..12=5 ${OP}`, 'rotate right'],
  ['rori', Op.RORI, 'Zbb', 'SHAMT', X_SH, `31..26=0x18 14..12=5 ${OPI}`, 'rotate right immediate'],
  ['rolw', Op.ROLW, 'Zbb', 'R', X_R, `31..25=0x30 14..12=1 ${OP32}`, 'rotate word left'],
  ['rorw', Op.RORW, 'Zbb', 'R', X_R, `31..25=0x30 14..12=5 ${OP32}`, 'rotate word right'],
  ['roriw', Op.RORIW, 'Zbb', 'SHAMT', X_SH, `31..25=0x30 14..12=5 ${OPI32}`, 'rotate word right immediate'],
  ['orc.b', Op.ORC_B, 'Zbb', 'R1', X_1, `31..20=0x287 14..12=5 ${OPI}`, 'or-combine bytes'],
  ['rev8', Op.REV8, 'Zbb', 'R1', X_1, `31..20=0x6b8 14..12=5 ${OPI}`, 'byte-reverse register'],
  // ---- Zbs ----
  ['bclr', Op.BCLR, 'Zbs', 'R', X_R, `31..25=0x24 14..12=1 ${OP}`, 'clear single bit'],
  ['bclri', Op.BCLRI, 'Zbs', 'SHAMT', X_SH, `31..26=0x12 14..12=1 ${OPI}`, 'clear single bit, immediate'],
  ['bext', Op.BEXT, 'Zbs', 'R', X_R, `31..25=0x24 14..12=5 ${OP}`, 'extract single bit'],
  ['bexti', Op.BEXTI, 'Zbs', 'SHAMT', X_SH, `31..26=0x12 14..12=5 ${OPI}`, 'extract single bit, immediate'],
  ['binv', Op.BINV, 'Zbs', 'R', X_R, `31..25=0x34 14..12=1 ${OP}`, 'invert single bit'],
  ['binvi', Op.BINVI, 'Zbs', 'SHAMT', X_SH, `31..26=0x1a 14..12=1 ${OPI}`, 'invert single bit, immediate'],
  ['bset', Op.BSET, 'Zbs', 'R', X_R, `31..25=0x14 14..12=1 ${OP}`, 'set single bit'],
  ['bseti', Op.BSETI, 'Zbs', 'SHAMT', X_SH, `31..26=0x0a 14..12=1 ${OPI}`, 'set single bit, immediate'],
  // ---- Zicond ----
  ['czero.eqz', Op.CZERO_EQZ, 'Zicond', 'R', X_R, `31..25=7 14..12=5 ${OP}`, 'move zero if condition is zero'],
  ['czero.nez', Op.CZERO_NEZ, 'Zicond', 'R', X_R, `31..25=7 14..12=7 ${OP}`, 'move zero if condition is non-zero'],

  // ---- C (RV64C; Unprivileged spec, "C" chapter). Quadrant 0 ----
  ['c.addi4spn', Op.ADDI, 'C', 'CIW', ['rd', 'sp', 'uimm'], '15..13=0 1..0=0', 'add scaled immediate to sp',
    [[0xff << 5, 0]]],
  ['c.fld', Op.FLD, 'C', 'CL.D', ['frd', 'imm(rs1)'], '15..13=1 1..0=0', 'load double'],
  ['c.lw', Op.LW, 'C', 'CL.W', LOAD, '15..13=2 1..0=0', 'load word'],
  ['c.ld', Op.LD, 'C', 'CL.D', LOAD, '15..13=3 1..0=0', 'load doubleword'],
  ['c.fsd', Op.FSD, 'C', 'CS.D', ['frs2', 'imm(rs1)'], '15..13=5 1..0=0', 'store double'],
  ['c.sw', Op.SW, 'C', 'CS.W', STORE, '15..13=6 1..0=0', 'store word'],
  ['c.sd', Op.SD, 'C', 'CS.D', STORE, '15..13=7 1..0=0', 'store doubleword'],
  // Quadrant 1
  ['c.nop', Op.ADDI, 'C', 'CI', ['imm'], '15..13=0 11..7=0 1..0=1', 'no operation'],
  ['c.addi', Op.ADDI, 'C', 'CI', ['rd', 'imm'], '15..13=0 1..0=1', 'add immediate', [[C_RD, 0]]],
  ['c.addiw', Op.ADDIW, 'C', 'CI', ['rd', 'imm'], '15..13=1 1..0=1', 'add immediate, 32-bit', [[C_RD, 0]]],
  ['c.li', Op.ADDI, 'C', 'CI.LI', ['rd', 'imm'], '15..13=2 1..0=1', 'load immediate'],
  ['c.addi16sp', Op.ADDI, 'C', 'CI.SP', ['sp', 'imm'], '15..13=3 11..7=2 1..0=1', 'add scaled immediate to sp',
    [[C_IMM6, 0]]],
  ['c.lui', Op.LUI, 'C', 'CI.LUI', ['rd', 'uimm20'], '15..13=3 1..0=1', 'load upper immediate',
    [[C_IMM6, 0], [C_RD, 2 << 7]]],
  ['c.srli', Op.SRLI, 'C', 'CB.SH', ['rd', 'shamt'], '15..13=4 11..10=0 1..0=1', 'shift right logical immediate'],
  ['c.srai', Op.SRAI, 'C', 'CB.SH', ['rd', 'shamt'], '15..13=4 11..10=1 1..0=1', 'shift right arithmetic immediate'],
  ['c.andi', Op.ANDI, 'C', 'CB.I', ['rd', 'imm'], '15..13=4 11..10=2 1..0=1', 'and immediate'],
  ['c.sub', Op.SUB, 'C', 'CA', ['rd', 'rs2'], '15..10=0x23 6..5=0 1..0=1', 'subtract'],
  ['c.xor', Op.XOR, 'C', 'CA', ['rd', 'rs2'], '15..10=0x23 6..5=1 1..0=1', 'xor'],
  ['c.or', Op.OR, 'C', 'CA', ['rd', 'rs2'], '15..10=0x23 6..5=2 1..0=1', 'or'],
  ['c.and', Op.AND, 'C', 'CA', ['rd', 'rs2'], '15..10=0x23 6..5=3 1..0=1', 'and'],
  ['c.subw', Op.SUBW, 'C', 'CA', ['rd', 'rs2'], '15..10=0x27 6..5=0 1..0=1', 'subtract, 32-bit'],
  ['c.addw', Op.ADDW, 'C', 'CA', ['rd', 'rs2'], '15..10=0x27 6..5=1 1..0=1', 'add, 32-bit'],
  ['c.j', Op.JAL, 'C', 'CJ', ['target'], '15..13=5 1..0=1', 'jump'],
  ['c.beqz', Op.BEQ, 'C', 'CB', ['rs1', 'target'], '15..13=6 1..0=1', 'branch if zero'],
  ['c.bnez', Op.BNE, 'C', 'CB', ['rs1', 'target'], '15..13=7 1..0=1', 'branch if not zero'],
  // Quadrant 2
  ['c.slli', Op.SLLI, 'C', 'CI.SH', ['rd', 'shamt'], '15..13=0 1..0=2', 'shift left logical immediate'],
  ['c.fldsp', Op.FLD, 'C', 'CI.LDSP', ['frd', 'imm(sp)'], '15..13=1 1..0=2', 'load double, sp-relative'],
  ['c.lwsp', Op.LW, 'C', 'CI.LWSP', ['rd', 'imm(sp)'], '15..13=2 1..0=2', 'load word, sp-relative', [[C_RD, 0]]],
  ['c.ldsp', Op.LD, 'C', 'CI.LDSP', ['rd', 'imm(sp)'], '15..13=3 1..0=2', 'load doubleword, sp-relative', [[C_RD, 0]]],
  ['c.jr', Op.JALR, 'C', 'CR.JR', ['rs1'], '15..12=8 6..2=0 1..0=2', 'jump register', [[C_RD, 0]]],
  ['c.mv', Op.ADD, 'C', 'CR.MV', ['rd', 'rs2'], '15..12=8 1..0=2', 'move', [[C_RS2, 0]]],
  ['c.ebreak', Op.EBREAK, 'C', 'CNONE', [], '15..0=0x9002', 'environment breakpoint'],
  ['c.jalr', Op.JALR, 'C', 'CR.JALR', ['rs1'], '15..12=9 6..2=0 1..0=2', 'jump and link register', [[C_RD, 0]]],
  ['c.add', Op.ADD, 'C', 'CR', ['rd', 'rs2'], '15..12=9 1..0=2', 'add', [[C_RS2, 0]]],
  ['c.fsdsp', Op.FSD, 'C', 'CSS.D', ['frs2', 'imm(sp)'], '15..13=5 1..0=2', 'store double, sp-relative'],
  ['c.swsp', Op.SW, 'C', 'CSS.W', ['rs2', 'imm(sp)'], '15..13=6 1..0=2', 'store word, sp-relative'],
  ['c.sdsp', Op.SD, 'C', 'CSS.D', ['rs2', 'imm(sp)'], '15..13=7 1..0=2', 'store doubleword, sp-relative'],
];

/** Every instruction encoding the hart implements. */
export const INSNS: readonly InsnSpec[] = ROWS.map(([name, op, ext, format, operands, fixed, desc, excl]) => {
  const [match, mask] = bits(fixed);
  const len: 2 | 4 = ext === 'C' ? 2 : 4;
  const spec: InsnSpec = { name, match, mask, op, ext, format, operands, desc, len };
  if (excl !== undefined) spec.excl = excl;
  return spec;
});

/** True when `word` is encoded by `spec` (fixed bits match and no exclusion applies). */
export function specMatches(spec: InsnSpec, word: number): boolean {
  if ((word & spec.mask) !== spec.match) return false;
  const ex = spec.excl;
  if (ex !== undefined) {
    for (let i = 0; i < ex.length; i++) if ((word & ex[i][0]) === ex[i][1]) return false;
  }
  return true;
}
