// Decoded-instruction cache: one lazily decoded slot array per 4 KiB RAM page, keyed by physical page,
// shared by all harts and invalidated when the page is written.

import { Op } from '../isa/opcodes';

/** Slot value meaning "not decoded yet". */
export const UNDECODED = 0xffff;
/** aux bit: the instruction is compressed (2 bytes). */
export const AUX_C = 1 << 8;

/** Decoded fields of every 2-byte slot of one page. */
export class DecodedPage {
  readonly op = new Uint16Array(2048).fill(UNDECODED);
  readonly rd = new Uint8Array(2048);
  readonly rs1 = new Uint8Array(2048);
  readonly rs2 = new Uint8Array(2048);
  readonly imm = new Int32Array(2048);
  /** rs3 | rm << 5 | AUX_C */
  readonly aux = new Uint16Array(2048);
}

export class CodeCache {
  private readonly pages: (DecodedPage | undefined)[];
  /** Scratch page for an instruction that straddles two pages (decoded per execution, never cached). */
  readonly scratch = new DecodedPage();
  invalidations = 0;

  constructor(ramPages: number) {
    this.pages = new Array<DecodedPage | undefined>(ramPages).fill(undefined);
  }

  /** Decoded page for RAM page index p, created if needed; `created` tells the caller to mark it as code. */
  get(p: number): DecodedPage {
    let d = this.pages[p];
    if (d === undefined) { d = new DecodedPage(); this.pages[p] = d; }
    return d;
  }

  has(p: number): boolean { return this.pages[p] !== undefined; }

  invalidate(p: number): void {
    if (this.pages[p] !== undefined) { this.pages[p] = undefined; this.invalidations++; }
  }

  clear(): void { this.pages.fill(undefined); }
}

/** Ops whose rd names an f register (their rd = 0 is f0, not the x0 sink). */
export function writesFpRd(op: Op): boolean {
  switch (op) {
    case Op.FLW: case Op.FLD:
    case Op.FMADD_S: case Op.FMSUB_S: case Op.FNMSUB_S: case Op.FNMADD_S: case Op.FADD_S: case Op.FSUB_S:
    case Op.FMUL_S: case Op.FDIV_S: case Op.FSQRT_S: case Op.FSGNJ_S: case Op.FSGNJN_S: case Op.FSGNJX_S:
    case Op.FMIN_S: case Op.FMAX_S: case Op.FCVT_S_W: case Op.FCVT_S_WU: case Op.FMV_W_X: case Op.FCVT_S_L:
    case Op.FCVT_S_LU:
    case Op.FMADD_D: case Op.FMSUB_D: case Op.FNMSUB_D: case Op.FNMADD_D: case Op.FADD_D: case Op.FSUB_D:
    case Op.FMUL_D: case Op.FDIV_D: case Op.FSQRT_D: case Op.FSGNJ_D: case Op.FSGNJN_D: case Op.FSGNJX_D:
    case Op.FMIN_D: case Op.FMAX_D: case Op.FCVT_S_D: case Op.FCVT_D_S: case Op.FCVT_D_W: case Op.FCVT_D_WU:
    case Op.FCVT_D_L: case Op.FCVT_D_LU: case Op.FMV_D_X:
    // stores and branches have no rd; leaving their rd as decoded is harmless
    case Op.FSW: case Op.FSD: case Op.SB: case Op.SH: case Op.SW: case Op.SD:
    case Op.BEQ: case Op.BNE: case Op.BLT: case Op.BGE: case Op.BLTU: case Op.BGEU:
      return true;
    default:
      return false;
  }
}
