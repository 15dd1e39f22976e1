// Disassembler: renders one instruction as GNU objdump (binutils 2.40, `objdump -d`) prints it, including
// objdump's default aliases (li, mv, ret, csrr, fmv.s, ...). Decoding goes through the shared table.

import { Op } from './opcodes';
import { decode, Decoded } from './decode';
import { CSR_NAMES } from './csrNames';

/** Integer and FP register ABI names by number (the disassembler's, the debugger's, the language server's). */
export const XREG_NAMES: readonly string[] = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];
export const FREG_NAMES: readonly string[] = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];
/** Rounding-mode names by rm value; 7 (dyn) is never printed. */
const RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', 'dyn'];

const dec = new Decoded();

const x = (r: number): string => XREG_NAMES[r];
const f = (r: number): string => FREG_NAMES[r];
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

function csr(n: number): string {
  return CSR_NAMES.get(n) ?? hex(n);
}

function target(pc: bigint, imm: number): string {
  return ((pc + BigInt(imm)) & 0xffffffffffffffffn).toString(16);
}

function fenceSet(v: number): string {
  let s = '';
  if (v & 8) s += 'i';
  if (v & 4) s += 'o';
  if (v & 2) s += 'r';
  if (v & 1) s += 'w';
  return s === '' ? 'unknown' : s;
}

/** The word as objdump prints a word it does not know. */
function unknown(word: number, len: 2 | 4): string {
  return len === 2 ? `.2byte\t${hex(word & 0xffff)}` : `.4byte\t${hex(word)}`;
}

/** rm suffix as objdump prints it (omitted for dyn). */
function rmSuffix(rm: number): string {
  return rm === 7 ? '' : `,${RM[rm]}`;
}

/** Disassembles one instruction at `pc` in objdump syntax: mnemonic, TAB, comma-separated operands. */
export function disassemble(word: number, pc: bigint): string {
  const d = decode(word, dec);
  const spec = d.spec;
  if (spec === null) return (word & 0xffff) === 0 ? 'unimp' : unknown(word, d.len);
  if ((word | 0) === (0xc0001073 | 0)) return 'unimp';   // csrrw x0,cycle,x0: the canonical 32-bit unimp
  const c = d.len === 2;
  const { rd, rs1, rs2, imm, rm } = d;
  const name = spec.name;
  switch (d.op) {
    case Op.LUI: case Op.AUIPC:
      if (c && rd === 0) return `c.lui\tzero,${hex((imm >>> 12) & 0xfffff)}`;
      return `${c ? 'lui' : name}\t${x(rd)},${hex((imm >>> 12) & 0xfffff)}`;
    case Op.JAL:
      if (rd === 0) return `j\t${target(pc, imm)}`;
      if (rd === 1) return `jal\t${target(pc, imm)}`;
      return `jal\t${x(rd)},${target(pc, imm)}`;
    case Op.JALR:
      if (rd === 0 && rs1 === 1 && imm === 0) return 'ret';
      if (rd === 0) return imm === 0 ? `jr\t${x(rs1)}` : `jr\t${imm}(${x(rs1)})`;
      if (rd === 1) return imm === 0 ? `jalr\t${x(rs1)}` : `jalr\t${imm}(${x(rs1)})`;
      return imm === 0 ? `jalr\t${x(rd)},${x(rs1)}` : `jalr\t${x(rd)},${imm}(${x(rs1)})`;
    case Op.BEQ: case Op.BNE: {
      const t = target(pc, imm);
      if (rs2 === 0) return `${d.op === Op.BEQ ? 'beqz' : 'bnez'}\t${x(rs1)},${t}`;
      return `${d.op === Op.BEQ ? 'beq' : 'bne'}\t${x(rs1)},${x(rs2)},${t}`;
    }
    case Op.BLT: case Op.BGE: {
      const t = target(pc, imm), lt = d.op === Op.BLT;
      // objdump tries bltz before bgtz, but blez before bgez.
      if (lt ? rs2 === 0 : rs2 === 0 && rs1 !== 0) return `${lt ? 'bltz' : 'bgez'}\t${x(rs1)},${t}`;
      if (rs1 === 0) return `${lt ? 'bgtz' : 'blez'}\t${x(rs2)},${t}`;
      return `${name}\t${x(rs1)},${x(rs2)},${t}`;
    }
    case Op.BLTU: case Op.BGEU:
      return `${name}\t${x(rs1)},${x(rs2)},${target(pc, imm)}`;
    case Op.LB: case Op.LH: case Op.LW: case Op.LD: case Op.LBU: case Op.LHU: case Op.LWU:
      return `${c ? name.slice(2).replace('sp', '') : name}\t${x(rd)},${imm}(${x(rs1)})`;
    case Op.FLW: case Op.FLD:
      return `${c ? name.slice(2).replace('sp', '') : name}\t${f(rd)},${imm}(${x(rs1)})`;
    case Op.SB: case Op.SH: case Op.SW: case Op.SD:
      return `${c ? name.slice(2).replace('sp', '') : name}\t${x(rs2)},${imm}(${x(rs1)})`;
    case Op.FSW: case Op.FSD:
      return `${c ? name.slice(2).replace('sp', '') : name}\t${f(rs2)},${imm}(${x(rs1)})`;
    case Op.ADDI:
      if (c) {
        if (name === 'c.nop') return imm === 0 ? 'nop' : `c.nop\t${imm}`;
        if (name === 'c.li') return rd === 0 ? `c.li\tzero,${imm}` : `li\t${x(rd)},${imm}`;
        return `add\t${x(rd)},${x(rs1)},${imm}`;
      }
      if (rd === 0 && rs1 === 0 && imm === 0) return 'nop';
      if (rs1 === 0) return `li\t${x(rd)},${imm}`;
      if (imm === 0) return `mv\t${x(rd)},${x(rs1)}`;
      return `add\t${x(rd)},${x(rs1)},${imm}`;
    case Op.ADDIW:
      if (imm === 0) return `sext.w\t${x(rd)},${x(rs1)}`;
      return `addw\t${x(rd)},${x(rs1)},${imm}`;
    case Op.SLTI: return `slti\t${x(rd)},${x(rs1)},${imm}`;
    case Op.SLTIU:
      if (imm === 1) return `seqz\t${x(rd)},${x(rs1)}`;
      return `sltiu\t${x(rd)},${x(rs1)},${imm}`;
    case Op.XORI:
      if (imm === -1) return `not\t${x(rd)},${x(rs1)}`;
      return `xor\t${x(rd)},${x(rs1)},${imm}`;
    case Op.ORI: return `or\t${x(rd)},${x(rs1)},${imm}`;
    case Op.ANDI:
      if (imm === 255) return `zext.b\t${x(rd)},${x(rs1)}`;
      return `and\t${x(rd)},${x(rs1)},${imm}`;
    case Op.SLLI: case Op.SRLI: case Op.SRAI: {
      const base = d.op === Op.SLLI ? 'sll' : d.op === Op.SRLI ? 'srl' : 'sra';
      if (c && imm === 0) return `c.${base}i64\t${x(rd)}`;
      if (c && rd === 0) return `c.${base}i\tzero,${hex(imm)}`;
      return `${base}\t${x(rd)},${x(rs1)},${hex(imm)}`;
    }
    case Op.SLLIW: case Op.SRLIW: case Op.SRAIW: case Op.RORI: case Op.RORIW:
    case Op.BCLRI: case Op.BSETI: case Op.BINVI: case Op.BEXTI:
      // objdump prints the register-form mnemonic with a hex immediate ("sllw a0,a1,0x3").
      return `${name.replace(/i(w?)$/, '$1')}\t${x(rd)},${x(rs1)},${hex(imm)}`;
    case Op.SLLI_UW:
      return `${name}\t${x(rd)},${x(rs1)},${hex(imm)}`;
    case Op.ADD:
      if (c && rd === 0) return `${name}\tzero,${x(rs2)}`;
      if (name === 'c.mv') return `mv\t${x(rd)},${x(rs2)}`;
      return `add\t${x(rd)},${x(rs1)},${x(rs2)}`;
    case Op.SUB: case Op.SUBW:
      if (rs1 === 0) return `${d.op === Op.SUB ? 'neg' : 'negw'}\t${x(rd)},${x(rs2)}`;
      return `${d.op === Op.SUB ? 'sub' : 'subw'}\t${x(rd)},${x(rs1)},${x(rs2)}`;
    case Op.SLT:
      if (rs2 === 0) return `sltz\t${x(rd)},${x(rs1)}`;
      if (rs1 === 0) return `sgtz\t${x(rd)},${x(rs2)}`;
      return `slt\t${x(rd)},${x(rs1)},${x(rs2)}`;
    case Op.SLTU:
      if (rs1 === 0) return `snez\t${x(rd)},${x(rs2)}`;
      return `sltu\t${x(rd)},${x(rs1)},${x(rs2)}`;
    case Op.ADD_UW:
      if (rs2 === 0) return `zext.w\t${x(rd)},${x(rs1)}`;
      return `add.uw\t${x(rd)},${x(rs1)},${x(rs2)}`;
    case Op.FENCE: {
      if (word === 0x8330000f) return 'fence.tso';
      if (rd !== 0 || rs1 !== 0 || (imm >>> 8) !== 0) return unknown(word, 4);
      const pred = (imm >>> 4) & 15, succ = imm & 15;
      if (pred === 15 && succ === 15) return 'fence';
      return `fence\t${fenceSet(pred)},${fenceSet(succ)}`;
    }
    case Op.FENCE_I:
      if (rd !== 0 || rs1 !== 0 || imm !== 0) return unknown(word, 4);
      return 'fence.i';
    case Op.ECALL: case Op.EBREAK: case Op.SRET: case Op.MRET: case Op.WFI:
      return c ? 'ebreak' : name;
    case Op.SFENCE_VMA: case Op.HFENCE_VVMA: case Op.HFENCE_GVMA:
      if (rs2 !== 0) return `${name}\t${x(rs1)},${x(rs2)}`;
      return rs1 !== 0 ? `${name}\t${x(rs1)}` : name;
    case Op.HLV_B: case Op.HLV_BU: case Op.HLV_H: case Op.HLV_HU: case Op.HLVX_HU: case Op.HLV_W: case Op.HLVX_WU:
    case Op.HLV_WU: case Op.HLV_D:
      return `${name}\t${x(rd)},(${x(rs1)})`;
    case Op.HSV_B: case Op.HSV_H: case Op.HSV_W: case Op.HSV_D:
      return `${name}\t${x(rs2)},(${x(rs1)})`;
    case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
      return csrText(d);
    case Op.LR_W: case Op.LR_D:
      return `${name}${aqrl(word)}\t${x(rd)},(${x(rs1)})`;
    case Op.SC_W: case Op.SC_D: case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W: case Op.AMOAND_W:
    case Op.AMOOR_W: case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W: case Op.AMOMAXU_W:
    case Op.AMOSWAP_D: case Op.AMOADD_D: case Op.AMOXOR_D: case Op.AMOAND_D:
    case Op.AMOOR_D: case Op.AMOMIN_D: case Op.AMOMAX_D: case Op.AMOMINU_D: case Op.AMOMAXU_D:
      return `${name}${aqrl(word)}\t${x(rd)},${x(rs2)},(${x(rs1)})`;
    case Op.FSGNJ_S: case Op.FSGNJN_S: case Op.FSGNJX_S: case Op.FSGNJ_D: case Op.FSGNJN_D: case Op.FSGNJX_D:
      if (rs1 === rs2) {
        const alias = name.replace('fsgnjn', 'fneg').replace('fsgnjx', 'fabs').replace('fsgnj', 'fmv');
        return `${alias}\t${f(rd)},${f(rs1)}`;
      }
      return `${name}\t${f(rd)},${f(rs1)},${f(rs2)}`;
    case Op.FCVT_D_W: case Op.FCVT_D_WU: case Op.FCVT_D_S:
      // Exact conversions: objdump only knows them with rm = 0 and prints no rounding mode.
      if (rm !== 0) return unknown(word, 4);
      return `${name}\t${f(rd)},${d.op === Op.FCVT_D_S ? f(rs1) : x(rs1)}`;
    default:
      return generic(d, name);
  }
}

/** Operand rendering driven by the table's operand kinds (R, R1, R4 and other plain forms). */
function generic(d: Decoded, name: string): string {
  const spec = d.spec!;
  // Compressed register-register forms print as their three-operand expansion.
  if (spec.len === 2) return `${name.slice(2)}\t${x(d.rd)},${x(d.rs1)},${x(d.rs2)}`;
  const parts: string[] = [];
  let suffix = '';
  for (const k of spec.operands) {
    switch (k) {
      case 'rd': parts.push(x(d.rd)); break;
      case 'rs1': parts.push(x(d.rs1)); break;
      case 'rs2': parts.push(x(d.rs2)); break;
      case 'frd': parts.push(f(d.rd)); break;
      case 'frs1': parts.push(f(d.rs1)); break;
      case 'frs2': parts.push(f(d.rs2)); break;
      case 'frs3': parts.push(f(d.rs3)); break;
      case 'rm': suffix = rmSuffix(d.rm); break;
      default: parts.push(String(d.imm)); break;
    }
  }
  return parts.length === 0 ? name : `${name}\t${parts.join(',')}${suffix}`;
}

function aqrl(word: number): string {
  const v = (word >>> 25) & 3;
  return v === 3 ? '.aqrl' : v === 2 ? '.aq' : v === 1 ? '.rl' : '';
}

/** Zicsr forms with objdump's aliases (csrr, csrw, csrs, csrc, frflags, fsrm, rdcycle, ...). */
function csrText(d: Decoded): string {
  const { rd, rs1, imm } = d;
  const n = imm & 0xfff, cn = csr(n), imm5 = String(rs1);
  const fpName = n === 1 ? 'flags' : n === 2 ? 'rm' : n === 3 ? 'csr' : '';
  switch (d.op) {
    case Op.CSRRS:
      if (rs1 === 0) {
        if (fpName !== '') return `fr${fpName}\t${x(rd)}`;
        if (n === 0xc00) return `rdcycle\t${x(rd)}`;
        if (n === 0xc01) return `rdtime\t${x(rd)}`;
        if (n === 0xc02) return `rdinstret\t${x(rd)}`;
        return `csrr\t${x(rd)},${cn}`;
      }
      return rd === 0 ? `csrs\t${cn},${x(rs1)}` : `csrrs\t${x(rd)},${cn},${x(rs1)}`;
    case Op.CSRRW:
      if (fpName !== '') return rd === 0 ? `fs${fpName}\t${x(rs1)}` : `fs${fpName}\t${x(rd)},${x(rs1)}`;
      return rd === 0 ? `csrw\t${cn},${x(rs1)}` : `csrrw\t${x(rd)},${cn},${x(rs1)}`;
    case Op.CSRRC:
      return rd === 0 ? `csrc\t${cn},${x(rs1)}` : `csrrc\t${x(rd)},${cn},${x(rs1)}`;
    case Op.CSRRWI:
      if (n === 1 || n === 2) return `fs${fpName}i\t${x(rd)},${imm5}`;
      return rd === 0 ? `csrw\t${cn},${imm5}` : `csrrw\t${x(rd)},${cn},${imm5}`;
    case Op.CSRRSI:
      return rd === 0 ? `csrs\t${cn},${imm5}` : `csrrs\t${x(rd)},${cn},${imm5}`;
    default:
      return rd === 0 ? `csrc\t${cn},${imm5}` : `csrrc\t${x(rd)},${cn},${imm5}`;
  }
}

/** The mnemonic objdump would print for `word` (the text before the TAB). */
export function mnemonicOf(word: number): string {
  const s = disassemble(word, 0n);
  const t = s.indexOf('\t');
  return t < 0 ? s : s.slice(0, t);
}
