// Transformed instructions for htinst/mtinst (hypervisor.adoc "Transformed Instruction or Pseudoinstruction
// for mtinst or htinst"): what a trap handler needs to emulate a faulting load, store or atomic without
// fetching and decoding it.

import { Op } from '../isa/opcodes';
import { decode } from '../isa/decode';

/** funct3 of each basic load/store (RV64I, F, D). */
const LOADS: Partial<Record<Op, number>> = {
  [Op.LB]: 0, [Op.LH]: 1, [Op.LW]: 2, [Op.LD]: 3, [Op.LBU]: 4, [Op.LHU]: 5, [Op.LWU]: 6, [Op.FLW]: 2, [Op.FLD]: 3,
};
const STORES: Partial<Record<Op, number>> = { [Op.SB]: 0, [Op.SH]: 1, [Op.SW]: 2, [Op.SD]: 3, [Op.FSW]: 2, [Op.FSD]: 3 };

/**
 * The transformation of the load/store/AMO/HLV/HSV instruction `bits` (a 16-bit compressed or a 32-bit
 * encoding) for a fault at `offset` bytes past the access's first byte (the Addr. Offset field in bits 19:15,
 * nonzero only for misaligned accesses). Loads keep funct3, rd and opcode; stores keep rs2, funct3 and
 * opcode; atomics and HLV/HSV keep everything but rs1. A compressed instruction is expanded first and then
 * has bit 1 cleared. Any other instruction gives 0 ("no information"), which the spec always allows.
 */
export function transformInsn(bits: number, offset: number): number {
  if (bits === 0) return 0;
  const d = decode(bits);
  const compressed = (bits & 3) !== 3;
  const op = d.op;
  let t: number;
  const lf = LOADS[op], sf = STORES[op];
  if (lf !== undefined) {
    t = (lf << 12) | (d.rd << 7) | (op === Op.FLW || op === Op.FLD ? 0x07 : 0x03);
  } else if (sf !== undefined) {
    t = (d.rs2 << 20) | (sf << 12) | (op === Op.FSW || op === Op.FSD ? 0x27 : 0x23);
  } else if (!compressed && ((op >= Op.LR_W && op <= Op.AMOMAXU_D) || (op >= Op.HLV_B && op <= Op.HSV_D))) {
    t = bits & ~(31 << 15);
  } else {
    return 0;
  }
  t |= (offset & 31) << 15;
  return compressed ? t & ~2 : t;
}
