// Instruction decoder driven by the table (table.ts): lookup structures built at load time from INSNS,
// field extraction per format tag, compressed instructions expanded to their 32-bit operation.
// Hot path: decode() allocates nothing.

import { Op } from './opcodes';
import { INSNS, InsnSpec } from './table';

/** Result of decoding one instruction; fields are what the interpreter consumes. */
export class Decoded {
  op: Op = Op.ILLEGAL;
  spec: InsnSpec | null = null;
  rd = 0;
  rs1 = 0;
  rs2 = 0;
  rs3 = 0;
  /** Sign-extended immediate (byte offset, shift amount, CSR number, raw fence field, ... per format). */
  imm = 0;
  /** Rounding-mode field (funct3) for FP operations that have one, else 0. */
  rm = 0;
  len: 2 | 4 = 4;
}

const shared = new Decoded();

// Format codes (numeric, for the switch in decode).
const enum F {
  R, R1, R4, I, S, B, U, J, SHAMT, CSR, CSRI, AMO, LR, FENCE, NONE, SFENCE,
  CIW, CL_W, CL_D, CS_W, CS_D, CI, CI_LI, CI_SP, CI_LUI, CI_SH, CI_LWSP, CI_LDSP, CSS_W, CSS_D,
  CB_SH, CB_I, CA, CJ, CB, CR_JR, CR_JALR, CR_MV, CR, CNONE,
}

const FORMAT_CODES: Record<string, F> = {
  R: F.R, R1: F.R1, R4: F.R4, I: F.I, S: F.S, B: F.B, U: F.U, J: F.J, SHAMT: F.SHAMT, CSR: F.CSR, CSRI: F.CSRI,
  AMO: F.AMO, LR: F.LR, FENCE: F.FENCE, NONE: F.NONE, SFENCE: F.SFENCE,
  CIW: F.CIW, 'CL.W': F.CL_W, 'CL.D': F.CL_D, 'CS.W': F.CS_W, 'CS.D': F.CS_D, CI: F.CI, 'CI.LI': F.CI_LI,
  'CI.SP': F.CI_SP, 'CI.LUI': F.CI_LUI, 'CI.SH': F.CI_SH, 'CI.LWSP': F.CI_LWSP, 'CI.LDSP': F.CI_LDSP,
  'CSS.W': F.CSS_W, 'CSS.D': F.CSS_D, 'CB.SH': F.CB_SH, 'CB.I': F.CB_I, CA: F.CA, CJ: F.CJ, CB: F.CB,
  'CR.JR': F.CR_JR, 'CR.JALR': F.CR_JALR, 'CR.MV': F.CR_MV, CR: F.CR, CNONE: F.CNONE,
};

const N = INSNS.length;
const specMask = new Int32Array(N);
const specMatch = new Int32Array(N);
const specFmt = new Uint8Array(N);
const specHasRm = new Uint8Array(N);
for (let i = 0; i < N; i++) {
  const s = INSNS[i];
  const code = FORMAT_CODES[s.format];
  if (code === undefined) throw new Error(`unknown format ${s.format} for ${s.name}`);
  specMask[i] = s.mask;
  specMatch[i] = s.match;
  specFmt[i] = code;
  specHasRm[i] = s.operands.includes('rm') ? 1 : 0;
}

// 32-bit lookup: buckets keyed by opcode[6:2], funct3 and funct7 (15 bits); each bucket lists the entries whose
// fixed bits agree with the key, in table order.
function keyOf(w: number): number {
  return ((w >>> 2) & 0x1f) | (((w >>> 12) & 7) << 5) | (((w >>> 25) & 0x7f) << 8);
}
const bucketStart = new Int32Array((1 << 15) + 1);
let bucketList: Uint16Array;
{
  const lists: number[][] = [];
  for (let k = 0; k < 1 << 15; k++) lists.push([]);
  for (let i = 0; i < N; i++) {
    const s = INSNS[i];
    if (s.len !== 4) continue;
    // Enumerate every key whose fixed bits agree with the entry (subsets of the entry's free key bits).
    const fixed = keyOf(s.mask), base = keyOf(s.match) & fixed, free = ~fixed & 0x7fff;
    let sub = 0;
    do {
      lists[base | sub].push(i);
      sub = (sub - free) & free;
    } while (sub !== 0);
  }
  let total = 0;
  for (let k = 0; k < 1 << 15; k++) { bucketStart[k] = total; total += lists[k].length; }
  bucketStart[1 << 15] = total;
  bucketList = new Uint16Array(total);
  let p = 0;
  for (let k = 0; k < 1 << 15; k++) for (const i of lists[k]) bucketList[p++] = i;
}

// 16-bit lookup: every compressed word maps straight to its entry (index + 1; 0 = reserved/illegal).
const cTable = new Uint16Array(1 << 16);
for (let i = 0; i < N; i++) {
  const s = INSNS[i];
  if (s.len !== 2) continue;
  const free = ~s.mask & 0xffff;
  let sub = 0;
  do {
    const w = s.match | sub;
    sub = (sub - free) & free;
    const ex = s.excl;
    let excluded = false;
    if (ex !== undefined) for (const [m, v] of ex) if ((w & m) === v) excluded = true;
    if (excluded) continue;
    if (cTable[w] !== 0) throw new Error(`compressed encodings overlap: ${INSNS[cTable[w] - 1].name} / ${s.name}`);
    cTable[w] = i + 1;
  } while (sub !== 0);
}

function illegal(out: Decoded, len: 2 | 4): Decoded {
  out.op = Op.ILLEGAL; out.spec = null;
  out.rd = 0; out.rs1 = 0; out.rs2 = 0; out.rs3 = 0; out.imm = 0; out.rm = 0; out.len = len;
  return out;
}

/**
 * Decodes one instruction. `word` is a 32-bit instruction, or a compressed one in the low 16 bits when
 * (word & 3) !== 3. Reserved and unknown encodings give op = Op.ILLEGAL, spec = null.
 */
export function decode(word: number, out: Decoded = shared): Decoded {
  if ((word & 3) !== 3) return decodeC(word & 0xffff, out);
  word |= 0;
  const key = keyOf(word);
  for (let p = bucketStart[key], e = bucketStart[key + 1]; p < e; p++) {
    const i = bucketList[p];
    if ((word & specMask[i]) === specMatch[i]) return fill32(word, i, out);
  }
  return illegal(out, 4);
}

function fill32(w: number, i: number, out: Decoded): Decoded {
  const rd = (w >>> 7) & 31, rs1 = (w >>> 15) & 31, rs2 = (w >>> 20) & 31;
  let ord = 0, ors1 = 0, ors2 = 0, ors3 = 0, imm = 0;
  switch (specFmt[i] as F) {
    case F.R: case F.AMO: ord = rd; ors1 = rs1; ors2 = rs2; break;
    case F.R1: case F.LR: ord = rd; ors1 = rs1; break;
    case F.R4: ord = rd; ors1 = rs1; ors2 = rs2; ors3 = w >>> 27; break;
    case F.I: ord = rd; ors1 = rs1; imm = w >> 20; break;
    case F.S: ors1 = rs1; ors2 = rs2; imm = ((w >> 25) << 5) | ((w >>> 7) & 0x1f); break;
    case F.B:
      ors1 = rs1; ors2 = rs2;
      imm = ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
      break;
    case F.U: ord = rd; imm = w & 0xfffff000; break;
    case F.J:
      ord = rd;
      imm = ((w >> 31) << 20) | (w & 0xff000) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
      break;
    case F.SHAMT: ord = rd; ors1 = rs1; imm = (w >>> 20) & 63; break;
    case F.CSR: case F.FENCE: ord = rd; ors1 = rs1; imm = w >>> 20; break;
    case F.CSRI: ord = rd; ors1 = rs1; imm = w >>> 20; break;
    case F.SFENCE: ors1 = rs1; ors2 = rs2; break;
    default: break;
  }
  out.op = INSNS[i].op; out.spec = INSNS[i];
  out.rd = ord; out.rs1 = ors1; out.rs2 = ors2; out.rs3 = ors3; out.imm = imm;
  out.rm = specHasRm[i] !== 0 ? (w >>> 12) & 7 : 0;
  out.len = 4;
  return out;
}

/** Sign-extended 6-bit immediate of CI/CB formats: imm[5] = bit 12, imm[4:0] = bits 6:2. */
function cImm6(w: number): number {
  return ((((w >>> 7) & 0x20) | ((w >>> 2) & 0x1f)) << 26) >> 26;
}

function decodeC(w: number, out: Decoded): Decoded {
  const e = cTable[w];
  if (e === 0) return illegal(out, 2);
  const i = e - 1;
  const r11 = (w >>> 7) & 31, r6 = (w >>> 2) & 31, p9 = 8 + ((w >>> 7) & 7), p4 = 8 + ((w >>> 2) & 7);
  let rd = 0, rs1 = 0, rs2 = 0, imm = 0;
  // Immediate layouts: Unprivileged spec, "C" chapter, compressed instruction formats.
  switch (specFmt[i] as F) {
    case F.CIW:
      rd = p4; rs1 = 2;
      imm = (((w >>> 11) & 3) << 4) | (((w >>> 7) & 0xf) << 6) | (((w >>> 6) & 1) << 2) | (((w >>> 5) & 1) << 3);
      break;
    case F.CL_W: rd = p4; rs1 = p9; imm = ((w >>> 7) & 0x38) | ((w >>> 4) & 4) | ((w << 1) & 0x40); break;
    case F.CL_D: rd = p4; rs1 = p9; imm = ((w >>> 7) & 0x38) | ((w << 1) & 0xc0); break;
    case F.CS_W: rs1 = p9; rs2 = p4; imm = ((w >>> 7) & 0x38) | ((w >>> 4) & 4) | ((w << 1) & 0x40); break;
    case F.CS_D: rs1 = p9; rs2 = p4; imm = ((w >>> 7) & 0x38) | ((w << 1) & 0xc0); break;
    case F.CI: rd = r11; rs1 = r11; imm = cImm6(w); break;
    case F.CI_LI: rd = r11; imm = cImm6(w); break;
    case F.CI_SP:
      rd = 2; rs1 = 2;
      imm = ((((w >>> 12) & 1) << 9) | (((w >>> 6) & 1) << 4) | (((w >>> 5) & 1) << 6) | (((w >>> 3) & 3) << 7)
        | (((w >>> 2) & 1) << 5)) << 22 >> 22;
      break;
    case F.CI_LUI: rd = r11; imm = cImm6(w) << 12; break;
    case F.CI_SH: rd = r11; rs1 = r11; imm = ((w >>> 7) & 0x20) | r6; break;
    case F.CI_LWSP: rd = r11; rs1 = 2; imm = ((w >>> 7) & 0x20) | (((w >>> 4) & 7) << 2) | (((w >>> 2) & 3) << 6); break;
    case F.CI_LDSP: rd = r11; rs1 = 2; imm = ((w >>> 7) & 0x20) | (((w >>> 5) & 3) << 3) | (((w >>> 2) & 7) << 6); break;
    case F.CSS_W: rs1 = 2; rs2 = r6; imm = (((w >>> 9) & 0xf) << 2) | (((w >>> 7) & 3) << 6); break;
    case F.CSS_D: rs1 = 2; rs2 = r6; imm = (((w >>> 10) & 7) << 3) | (((w >>> 7) & 7) << 6); break;
    case F.CB_SH: rd = p9; rs1 = p9; imm = ((w >>> 7) & 0x20) | r6; break;
    case F.CB_I: rd = p9; rs1 = p9; imm = cImm6(w); break;
    case F.CA: rd = p9; rs1 = p9; rs2 = p4; break;
    case F.CJ:
      imm = ((((w >>> 12) & 1) << 11) | (((w >>> 11) & 1) << 4) | (((w >>> 9) & 3) << 8) | (((w >>> 8) & 1) << 10)
        | (((w >>> 7) & 1) << 6) | (((w >>> 6) & 1) << 7) | (((w >>> 3) & 7) << 1) | (((w >>> 2) & 1) << 5)) << 20 >> 20;
      break;
    case F.CB:
      rs1 = p9;
      imm = ((((w >>> 12) & 1) << 8) | (((w >>> 10) & 3) << 3) | (((w >>> 5) & 3) << 6) | (((w >>> 3) & 3) << 1)
        | (((w >>> 2) & 1) << 5)) << 23 >> 23;
      break;
    case F.CR_JR: rs1 = r11; break;
    case F.CR_JALR: rd = 1; rs1 = r11; break;
    case F.CR_MV: rd = r11; rs2 = r6; break;
    case F.CR: rd = r11; rs1 = r11; rs2 = r6; break;
    default: break;
  }
  out.op = INSNS[i].op; out.spec = INSNS[i];
  out.rd = rd; out.rs1 = rs1; out.rs2 = rs2; out.rs3 = 0; out.imm = imm; out.rm = 0; out.len = 2;
  return out;
}
