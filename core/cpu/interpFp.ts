// F and D instructions for the interpreter (kept out of the hot loop): loads/stores through the L1, and the
// IEEE arithmetic in fpu.ts.

import { Op } from '../isa/opcodes';
import * as F from './fpu';
import { Hart, L1_SIZE } from './hart';
import { ld, loadSlow, storeSlow } from './mem';

const L1M = L1_SIZE - 1;

/** execFp results. */
export const FP_OK = 0, FP_ILLEGAL = 1, FP_TRAPPED = 2;

/** Rounding mode from the instruction's rm field (7 = dynamic: frm), or -1 if reserved (illegal). */
function roundingMode(h: Hart, rmField: number): number {
  let rm = rmField & 7;
  if (rm === 7) rm = h.frm;
  return rm <= 4 ? rm : -1;
}

/**
 * Executes one F/D instruction (FS is known to be on). `imm` is the slot's immediate word: the offset for
 * loads and stores, the rm field for operations that round.
 */
export function execFp(h: Hart, op: number, rd: number, rs1: number, rs2: number, rs3: number, imm: number): number {
  const st = h.fpu, xl = h.xl, xh = h.xh;
  switch (op) {
    case Op.FLW: case Op.FLD: {
      const b = xl[rs1], lo = (b + imm) | 0;
      const hi = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
      const size = op === Op.FLD ? 8 : 4;
      if (!loadSlowFast(h, lo, hi, size)) return FP_TRAPPED;
      st.i32[2 * rd] = ld.lo;
      st.i32[2 * rd + 1] = size === 8 ? ld.hi : -1;   // NaN-box singles
      h.fsDirty();
      return FP_OK;
    }
    case Op.FSW: case Op.FSD: {
      const b = xl[rs1], lo = (b + imm) | 0;
      const hi = (xh[rs1] + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
      const size = op === Op.FSD ? 8 : 4;
      if (!storeFast(h, lo, hi, size, st.i32[2 * rs2], st.i32[2 * rs2 + 1])) return FP_TRAPPED;
      return FP_OK;
    }
    case Op.FSGNJ_S: F.fsgnj_s(st, rd, rs1, rs2); break;
    case Op.FSGNJN_S: F.fsgnjn_s(st, rd, rs1, rs2); break;
    case Op.FSGNJX_S: F.fsgnjx_s(st, rd, rs1, rs2); break;
    case Op.FSGNJ_D: F.fsgnj_d(st, rd, rs1, rs2); break;
    case Op.FSGNJN_D: F.fsgnjn_d(st, rd, rs1, rs2); break;
    case Op.FSGNJX_D: F.fsgnjx_d(st, rd, rs1, rs2); break;
    case Op.FMIN_S: F.fmin_s(st, rd, rs1, rs2); break;
    case Op.FMAX_S: F.fmax_s(st, rd, rs1, rs2); break;
    case Op.FMIN_D: F.fmin_d(st, rd, rs1, rs2); break;
    case Op.FMAX_D: F.fmax_d(st, rd, rs1, rs2); break;
    case Op.FMV_W_X: F.fmv_w_x(st, rd, xl[rs1]); break;
    case Op.FMV_D_X: F.fmv_d_x(st, rd, xl[rs1], xh[rs1]); break;
    case Op.FMV_X_W: F.fmv_x_w(st, rs1); xl[rd] = st.xlo; xh[rd] = st.xhi; return FP_OK;
    case Op.FMV_X_D: F.fmv_x_d(st, rs1); xl[rd] = st.xlo; xh[rd] = st.xhi; return FP_OK;
    case Op.FCLASS_S: F.fclass_s(st, rs1); xl[rd] = st.xlo; xh[rd] = st.xhi; return FP_OK;
    case Op.FCLASS_D: F.fclass_d(st, rs1); xl[rd] = st.xlo; xh[rd] = st.xhi; return FP_OK;
    case Op.FEQ_S: case Op.FLT_S: case Op.FLE_S: case Op.FEQ_D: case Op.FLT_D: case Op.FLE_D: {
      const before = st.flags;
      switch (op) {
        case Op.FEQ_S: F.feq_s(st, rs1, rs2); break;
        case Op.FLT_S: F.flt_s(st, rs1, rs2); break;
        case Op.FLE_S: F.fle_s(st, rs1, rs2); break;
        case Op.FEQ_D: F.feq_d(st, rs1, rs2); break;
        case Op.FLT_D: F.flt_d(st, rs1, rs2); break;
        default: F.fle_d(st, rs1, rs2); break;
      }
      xl[rd] = st.xlo; xh[rd] = st.xhi;
      if (st.flags !== before) h.fsDirty();
      return FP_OK;
    }
    default: {
      const rm = roundingMode(h, imm);
      if (rm < 0) return FP_ILLEGAL;
      switch (op) {
        case Op.FADD_S: F.fadd_s(st, rd, rs1, rs2, rm); break;
        case Op.FSUB_S: F.fsub_s(st, rd, rs1, rs2, rm); break;
        case Op.FMUL_S: F.fmul_s(st, rd, rs1, rs2, rm); break;
        case Op.FDIV_S: F.fdiv_s(st, rd, rs1, rs2, rm); break;
        case Op.FSQRT_S: F.fsqrt_s(st, rd, rs1, rm); break;
        case Op.FMADD_S: F.fmadd_s(st, rd, rs1, rs2, rs3, rm); break;
        case Op.FMSUB_S: F.fmsub_s(st, rd, rs1, rs2, rs3, rm); break;
        case Op.FNMSUB_S: F.fnmsub_s(st, rd, rs1, rs2, rs3, rm); break;
        case Op.FNMADD_S: F.fnmadd_s(st, rd, rs1, rs2, rs3, rm); break;
        case Op.FADD_D: F.fadd_d(st, rd, rs1, rs2, rm); break;
        case Op.FSUB_D: F.fsub_d(st, rd, rs1, rs2, rm); break;
        case Op.FMUL_D: F.fmul_d(st, rd, rs1, rs2, rm); break;
        case Op.FDIV_D: F.fdiv_d(st, rd, rs1, rs2, rm); break;
        case Op.FSQRT_D: F.fsqrt_d(st, rd, rs1, rm); break;
        case Op.FMADD_D: F.fmadd_d(st, rd, rs1, rs2, rs3, rm); break;
        case Op.FMSUB_D: F.fmsub_d(st, rd, rs1, rs2, rs3, rm); break;
        case Op.FNMSUB_D: F.fnmsub_d(st, rd, rs1, rs2, rs3, rm); break;
        case Op.FNMADD_D: F.fnmadd_d(st, rd, rs1, rs2, rs3, rm); break;
        case Op.FCVT_S_D: F.fcvt_s_d(st, rd, rs1, rm); break;
        case Op.FCVT_D_S: F.fcvt_d_s(st, rd, rs1, rm); break;
        case Op.FCVT_S_W: F.fcvt_s_w(st, rd, xl[rs1], xh[rs1], rm); break;
        case Op.FCVT_S_WU: F.fcvt_s_wu(st, rd, xl[rs1], xh[rs1], rm); break;
        case Op.FCVT_S_L: F.fcvt_s_l(st, rd, xl[rs1], xh[rs1], rm); break;
        case Op.FCVT_S_LU: F.fcvt_s_lu(st, rd, xl[rs1], xh[rs1], rm); break;
        case Op.FCVT_D_W: F.fcvt_d_w(st, rd, xl[rs1], xh[rs1], rm); break;
        case Op.FCVT_D_WU: F.fcvt_d_wu(st, rd, xl[rs1], xh[rs1], rm); break;
        case Op.FCVT_D_L: F.fcvt_d_l(st, rd, xl[rs1], xh[rs1], rm); break;
        case Op.FCVT_D_LU: F.fcvt_d_lu(st, rd, xl[rs1], xh[rs1], rm); break;
        case Op.FCVT_W_S: case Op.FCVT_WU_S: case Op.FCVT_L_S: case Op.FCVT_LU_S:
        case Op.FCVT_W_D: case Op.FCVT_WU_D: case Op.FCVT_L_D: case Op.FCVT_LU_D: {
          const before = st.flags;
          switch (op) {
            case Op.FCVT_W_S: F.fcvt_w_s(st, rs1, rm); break;
            case Op.FCVT_WU_S: F.fcvt_wu_s(st, rs1, rm); break;
            case Op.FCVT_L_S: F.fcvt_l_s(st, rs1, rm); break;
            case Op.FCVT_LU_S: F.fcvt_lu_s(st, rs1, rm); break;
            case Op.FCVT_W_D: F.fcvt_w_d(st, rs1, rm); break;
            case Op.FCVT_WU_D: F.fcvt_wu_d(st, rs1, rm); break;
            case Op.FCVT_L_D: F.fcvt_l_d(st, rs1, rm); break;
            default: F.fcvt_lu_d(st, rs1, rm); break;
          }
          xl[rd] = st.xlo; xh[rd] = st.xhi;
          if (st.flags !== before) h.fsDirty();
          return FP_OK;
        }
        default: return FP_ILLEGAL;
      }
    }
  }
  h.fsDirty();
  return FP_OK;
}

/** FP loads: L1 fast path, else the slow path; value in ld. */
function loadSlowFast(h: Hart, lo: number, hi: number, size: number): boolean {
  const t = (lo >>> 12) & L1M;
  if (h.rTagLo[t] === ((lo & -4096) | h.l1Gen) && h.rTagHi[t] === hi && (lo & (size - 1)) === 0) {
    const w = (h.rOff[t] | (lo & 4095)) >>> 2, i32 = h.bus.ram.i32;
    ld.lo = i32[w]; ld.hi = size === 8 ? i32[w + 1] : 0;
    return true;
  }
  return loadSlow(h, lo, hi, size);
}

function storeFast(h: Hart, lo: number, hi: number, size: number, vlo: number, vhi: number): boolean {
  const t = (lo >>> 12) & L1M;
  if (h.wTagLo[t] === ((lo & -4096) | h.l1Gen) && h.wTagHi[t] === hi && (lo & (size - 1)) === 0) {
    const w = (h.wOff[t] | (lo & 4095)) >>> 2, i32 = h.bus.ram.i32;
    i32[w] = vlo;
    if (size === 8) i32[w + 1] = vhi;
    return true;
  }
  return storeSlow(h, lo, hi, size, vlo, vhi);
}
