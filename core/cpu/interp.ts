// The interpreter: runs decoded instructions from the code cache with L1-TLB fast paths for memory.
// Hot path: no allocation, no BigInt; 64-bit values are (lo, hi) int32 pairs.

import { Op } from '../isa/opcodes';
import { decode } from '../isa/decode';
import * as F from './fpu';
import { AUX_C, CodeCache, DecodedPage, UNDECODED, writesFpRd } from './codeCache';
import { Exc } from './causes';
import { csrRead, csrWrite } from './csr';
import { MSTATUS_FS, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW } from './csrNumbers';
import { Hart, L1_INVALID, L1_SIZE, PRIV_M, PRIV_S, PRIV_U } from './hart';
import { fetchPage, fetchUpperHalf, ld, loadSlow, refillFetch, storeSlow } from './mem';
import { execAmo } from './amo';
import {
  ctz32, divrem64, divremu64, lt64, ltu64, mul64, mulh64, mulhsu64, mulhu64, popcount32, r, rem, sll64, sra64, srl64,
} from '../util/int64';

const L1M = L1_SIZE - 1;

/** Decodes the slot for the instruction at RAM offset `off` into page slot i. Returns its op. */
function fillSlot(page: DecodedPage, i: number, word: number): number {
  const d = decode(word);
  let rd = d.rd;
  if (rd === 0 && !writesFpRd(d.op)) rd = 32;
  page.op[i] = d.op;
  page.rd[i] = rd;
  page.rs1[i] = d.rs1;
  page.rs2[i] = d.rs2;
  page.imm[i] = d.op === Op.ILLEGAL ? (d.len === 2 ? word & 0xffff : word) : d.imm;
  page.aux[i] = d.rs3 | (d.rm << 5) | (d.len === 2 ? AUX_C : 0);
  return d.op;
}

/** Instruction bits at pc (for mtval on illegal-instruction traps raised after decode). */
function insnBits(h: Hart, page: DecodedPage, i: number): number {
  const ram = h.bus.ram;
  const off = fetchPage.off + ((h.pcLo & 4095));
  if ((page.aux[i] & AUX_C) !== 0) return ram.u8[off] | (ram.u8[off + 1] << 8);
  if ((h.pcLo & 4095) === 4094) return 0;
  return ram.i32[off >>> 2] !== undefined && (off & 3) === 0 ? ram.i32[off >>> 2] : ram.u8[off] | (ram.u8[off + 1] << 8) | (ram.u8[off + 2] << 16) | (ram.u8[off + 3] << 24);
}

/**
 * Executes up to `budget` instructions on hart h. Returns the number of instruction slots consumed
 * (retired instructions plus those that trapped). Stops early when h.breakLoop is set by something that
 * needs the run loop (interrupt enable changes, WFI, MMIO writes, sfence, traps that change context).
 */
export function execute(h: Hart, budget: number, cc: CodeCache): number {
  const xl = h.xl, xh = h.xh;
  const ram = h.bus.ram;
  const u8 = ram.u8, i8 = ram.i8, u16 = ram.u16, i16 = ram.i16, i32 = ram.i32;
  const rTagLo = h.rTagLo, rTagHi = h.rTagHi, rOff = h.rOff;
  const wTagLo = h.wTagLo, wTagHi = h.wTagHi, wOff = h.wOff;
  let page = cc.scratch;
  let cOp = page.op, cRd = page.rd, cRs1 = page.rs1, cRs2 = page.rs2, cImm = page.imm, cAux = page.aux;
  const instret0 = h.instret, cycles0 = h.cycles;
  let n = 0, faults = 0;
  h.breakLoop = false;
  h.fetchTagLo = L1_INVALID;     // the locals below start on the scratch page: force a refill

  loop: while (n < budget) {
    const pcLo = h.pcLo;
    if ((pcLo & -4096) !== h.fetchTagLo || h.pcHi !== h.fetchTagHi) {
      n++;
      if (!refillFetch(h)) { faults++; continue; }
      const p = fetchPage.off >>> 12;
      if (!cc.has(p)) h.host.markCodePage(fetchPage.off);
      page = cc.get(p);
      cOp = page.op; cRd = page.rd; cRs1 = page.rs1; cRs2 = page.rs2; cImm = page.imm; cAux = page.aux;
      n--;
    }
    const i = (pcLo & 4095) >>> 1;
    let op = cOp[i];
    n++;
    if (op === UNDECODED) {
      const off = fetchPage.off + (pcLo & 4095);
      const lowHalf = u8[off] | (u8[off + 1] << 8);
      if ((lowHalf & 3) === 3 && i === 2047) {
        // A 32-bit instruction straddling two pages: fetch the upper half through the next page's
        // translation and run it from the scratch page (never cached).
        const upper = fetchUpperHalf(h);
        if (upper < 0) { faults++; continue; }
        page = cc.scratch;
        cOp = page.op; cRd = page.rd; cRs1 = page.rs1; cRs2 = page.rs2; cImm = page.imm; cAux = page.aux;
        op = fillSlot(page, i, lowHalf | (upper << 16));
        h.fetchTagLo = L1_INVALID;
      } else {
        op = fillSlot(page, i, (lowHalf & 3) === 3 ? lowHalf | (u8[off + 2] << 16) | (u8[off + 3] << 24) : lowHalf);
      }
    }
    const len = (cAux[i] & AUX_C) !== 0 ? 2 : 4;

    switch (op) {
      // ---------------- RV64I ----------------
      case Op.LUI: { const v = cImm[i], d = cRd[i]; xl[d] = v; xh[d] = v >> 31; break; }
      case Op.AUIPC: {
        const v = cImm[i], d = cRd[i], lo = (pcLo + v) | 0;
        xh[d] = (h.pcHi + (v >> 31) + ((lo >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
        break;
      }
      case Op.JAL: {
        const v = cImm[i], d = cRd[i];
        const link = (pcLo + len) | 0, pcHi = h.pcHi;
        const t = (pcLo + v) | 0;
        h.pcHi = (pcHi + (v >> 31) + ((t >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0;
        h.pcLo = t;
        xl[d] = link; xh[d] = (pcHi + ((link >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0;
        continue;
      }
      case Op.JALR: {
        const v = cImm[i], d = cRd[i], s = cRs1[i];
        const b = xl[s], t = (b + v) | 0;
        const th = (xh[s] + (v >> 31) + ((t >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
        const link = (pcLo + len) | 0, pcHi = h.pcHi;
        xl[d] = link; xh[d] = (pcHi + ((link >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0;
        h.pcLo = t & ~1; h.pcHi = th;
        continue;
      }
      case Op.BEQ: case Op.BNE: case Op.BLT: case Op.BGE: case Op.BLTU: case Op.BGEU: {
        const a = cRs1[i], b = cRs2[i];
        const al = xl[a], ah = xh[a], bl = xl[b], bh = xh[b];
        let taken: boolean;
        switch (op) {
          case Op.BEQ: taken = al === bl && ah === bh; break;
          case Op.BNE: taken = al !== bl || ah !== bh; break;
          case Op.BLT: taken = ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0)); break;
          case Op.BGE: taken = !(ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0))); break;
          case Op.BLTU: taken = (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0)); break;
          default: taken = !((ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0))); break;
        }
        if (taken) {
          const v = cImm[i], t = (pcLo + v) | 0;
          h.pcHi = (h.pcHi + (v >> 31) + ((t >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0;
          h.pcLo = t;
          continue;
        }
        break;
      }
      case Op.LB: case Op.LH: case Op.LW: case Op.LD: case Op.LBU: case Op.LHU: case Op.LWU: {
        const s = cRs1[i], v = cImm[i], b = xl[s], lo = (b + v) | 0;
        const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
        const t = (lo >>> 12) & L1M, d = cRd[i];
        loadDone: {
        if (rTagLo[t] === (lo & -4096) && rTagHi[t] === hi) {
          const o = rOff[t] | (lo & 4095);
          switch (op) {
            case Op.LB: { const x = i8[o]; xl[d] = x; xh[d] = x >> 31; break loadDone; }
            case Op.LBU: xl[d] = u8[o]; xh[d] = 0; break loadDone;
            case Op.LH: if ((o & 1) === 0) { const x = i16[o >>> 1]; xl[d] = x; xh[d] = x >> 31; break loadDone; } break;
            case Op.LHU: if ((o & 1) === 0) { xl[d] = u16[o >>> 1]; xh[d] = 0; break loadDone; } break;
            case Op.LW: if ((o & 3) === 0) { const x = i32[o >>> 2]; xl[d] = x; xh[d] = x >> 31; break loadDone; } break;
            case Op.LWU: if ((o & 3) === 0) { xl[d] = i32[o >>> 2]; xh[d] = 0; break loadDone; } break;
            default: if ((o & 7) === 0) { const w = o >>> 2; xl[d] = i32[w]; xh[d] = i32[w + 1]; break loadDone; } break;
          }
        }
        {
          const size = op === Op.LD ? 8 : op === Op.LW || op === Op.LWU ? 4 : op === Op.LH || op === Op.LHU ? 2 : 1;
          h.cycles = cycles0 + n;      // device reads (mtime) see the current time
          if (!loadSlow(h, lo, hi, size)) { faults++; continue; }
          let x = ld.lo;
          switch (op) {
            case Op.LB: x = (x << 24) >> 24; xl[d] = x; xh[d] = x >> 31; break;
            case Op.LH: x = (x << 16) >> 16; xl[d] = x; xh[d] = x >> 31; break;
            case Op.LW: xl[d] = x; xh[d] = x >> 31; break;
            case Op.LD: xl[d] = x; xh[d] = ld.hi; break;
            default: xl[d] = x; xh[d] = 0; break;
          }
          if (h.breakLoop) { advance(h, pcLo, len); break loop; }
        }
        }
        break;
      }
      case Op.SB: case Op.SH: case Op.SW: case Op.SD: {
        const s = cRs1[i], v = cImm[i], b = xl[s], lo = (b + v) | 0;
        const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
        const t = (lo >>> 12) & L1M, src = cRs2[i];
        storeDone: {
        if (wTagLo[t] === (lo & -4096) && wTagHi[t] === hi) {
          const o = wOff[t] | (lo & 4095);
          switch (op) {
            case Op.SB: u8[o] = xl[src]; break storeDone;
            case Op.SH: if ((o & 1) === 0) { u16[o >>> 1] = xl[src]; break storeDone; } break;
            case Op.SW: if ((o & 3) === 0) { i32[o >>> 2] = xl[src]; break storeDone; } break;
            default: if ((o & 7) === 0) { const w = o >>> 2; i32[w] = xl[src]; i32[w + 1] = xh[src]; break storeDone; } break;
          }
        }
        {
          const size = op === Op.SD ? 8 : op === Op.SW ? 4 : op === Op.SH ? 2 : 1;
          h.cycles = cycles0 + n;
          if (!storeSlow(h, lo, hi, size, xl[src], xh[src])) { faults++; continue; }
          if (h.breakLoop) { advance(h, pcLo, len); break loop; }
        }
        }
        break;
      }
      case Op.ADDI: {
        const s = cRs1[i], v = cImm[i], b = xl[s], lo = (b + v) | 0, d = cRd[i];
        xh[d] = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
        break;
      }
      case Op.SLTI: { const s = cRs1[i], v = cImm[i], d = cRd[i]; xl[d] = lt64(xl[s], xh[s], v, v >> 31) ? 1 : 0; xh[d] = 0; break; }
      case Op.SLTIU: { const s = cRs1[i], v = cImm[i], d = cRd[i]; xl[d] = ltu64(xl[s], xh[s], v, v >> 31) ? 1 : 0; xh[d] = 0; break; }
      case Op.XORI: { const s = cRs1[i], v = cImm[i], d = cRd[i]; xl[d] = xl[s] ^ v; xh[d] = xh[s] ^ (v >> 31); break; }
      case Op.ORI: { const s = cRs1[i], v = cImm[i], d = cRd[i]; xl[d] = xl[s] | v; xh[d] = xh[s] | (v >> 31); break; }
      case Op.ANDI: { const s = cRs1[i], v = cImm[i], d = cRd[i]; xl[d] = xl[s] & v; xh[d] = xh[s] & (v >> 31); break; }
      case Op.SLLI: { const s = cRs1[i], d = cRd[i]; sll64(xl[s], xh[s], cImm[i] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
      case Op.SRLI: { const s = cRs1[i], d = cRd[i]; srl64(xl[s], xh[s], cImm[i] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
      case Op.SRAI: { const s = cRs1[i], d = cRd[i]; sra64(xl[s], xh[s], cImm[i] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
      case Op.ADD: {
        const a = cRs1[i], b = cRs2[i], d = cRd[i], al = xl[a], lo = (al + xl[b]) | 0;
        xh[d] = (xh[a] + xh[b] + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
        break;
      }
      case Op.SUB: {
        const a = cRs1[i], b = cRs2[i], d = cRd[i], al = xl[a], bl = xl[b];
        xh[d] = (xh[a] - xh[b] - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; xl[d] = (al - bl) | 0;
        break;
      }
      case Op.SLL: { const a = cRs1[i], d = cRd[i]; sll64(xl[a], xh[a], xl[cRs2[i]] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
      case Op.SRL: { const a = cRs1[i], d = cRd[i]; srl64(xl[a], xh[a], xl[cRs2[i]] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
      case Op.SRA: { const a = cRs1[i], d = cRd[i]; sra64(xl[a], xh[a], xl[cRs2[i]] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
      case Op.SLT: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; xl[d] = lt64(xl[a], xh[a], xl[b], xh[b]) ? 1 : 0; xh[d] = 0; break; }
      case Op.SLTU: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; xl[d] = ltu64(xl[a], xh[a], xl[b], xh[b]) ? 1 : 0; xh[d] = 0; break; }
      case Op.XOR: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; xl[d] = xl[a] ^ xl[b]; xh[d] = xh[a] ^ xh[b]; break; }
      case Op.OR: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; xl[d] = xl[a] | xl[b]; xh[d] = xh[a] | xh[b]; break; }
      case Op.AND: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; xl[d] = xl[a] & xl[b]; xh[d] = xh[a] & xh[b]; break; }
      case Op.ADDIW: { const d = cRd[i], x = (xl[cRs1[i]] + cImm[i]) | 0; xl[d] = x; xh[d] = x >> 31; break; }
      case Op.SLLIW: { const d = cRd[i], x = xl[cRs1[i]] << (cImm[i] & 31); xl[d] = x; xh[d] = x >> 31; break; }
      case Op.SRLIW: { const d = cRd[i], x = (xl[cRs1[i]] >>> (cImm[i] & 31)) | 0; xl[d] = x; xh[d] = x >> 31; break; }
      case Op.SRAIW: { const d = cRd[i], x = xl[cRs1[i]] >> (cImm[i] & 31); xl[d] = x; xh[d] = x >> 31; break; }
      case Op.ADDW: { const d = cRd[i], x = (xl[cRs1[i]] + xl[cRs2[i]]) | 0; xl[d] = x; xh[d] = x >> 31; break; }
      case Op.SUBW: { const d = cRd[i], x = (xl[cRs1[i]] - xl[cRs2[i]]) | 0; xl[d] = x; xh[d] = x >> 31; break; }
      case Op.SLLW: { const d = cRd[i], x = xl[cRs1[i]] << (xl[cRs2[i]] & 31); xl[d] = x; xh[d] = x >> 31; break; }
      case Op.SRLW: { const d = cRd[i], x = (xl[cRs1[i]] >>> (xl[cRs2[i]] & 31)) | 0; xl[d] = x; xh[d] = x >> 31; break; }
      case Op.SRAW: { const d = cRd[i], x = xl[cRs1[i]] >> (xl[cRs2[i]] & 31); xl[d] = x; xh[d] = x >> 31; break; }
      case Op.FENCE: break;
      case Op.FENCE_I: break;   // stores invalidate decoded code eagerly, so fetches already see them
      case Op.ECALL: h.raise(h.priv === PRIV_M ? Exc.ECALL_M : h.priv === PRIV_S ? Exc.ECALL_S : Exc.ECALL_U, 0, 0); faults++; continue;
      case Op.EBREAK: h.raise(Exc.BREAKPOINT, pcLo, h.pcHi); faults++; continue;

      // ---------------- Zicsr ----------------
      case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI: {
        h.instret = instret0 + n - 1 - faults;
        h.cycles = cycles0 + n - 1;
        const csr = cImm[i] & 0xfff, s = cRs1[i], d = cRd[i];
        const isImm = op >= Op.CSRRWI;
        const slo = isImm ? s : xl[s], shi = isImm ? 0 : xh[s];
        const kind = isImm ? op - Op.CSRRWI : op - Op.CSRRW;   // 0 RW, 1 RS, 2 RC
        if (!csrRead(h, csr)) { h.illegal(insnBits(h, page, i)); faults++; continue; }
        const olo = r.lo, ohi = r.hi;
        if (kind === 0 || s !== 0) {
          const nlo = kind === 0 ? slo : kind === 1 ? olo | slo : olo & ~slo;
          const nhi = kind === 0 ? shi : kind === 1 ? ohi | shi : ohi & ~shi;
          if (!csrWrite(h, csr, nlo, nhi)) { h.illegal(insnBits(h, page, i)); faults++; continue; }
        }
        xl[d] = olo; xh[d] = ohi;
        if (h.breakLoop) { advance(h, pcLo, len); break loop; }
        break;
      }

      // ---------------- M ----------------
      case Op.MUL: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; mul64(xl[a], xh[a], xl[b], xh[b]); xl[d] = r.lo; xh[d] = r.hi; break; }
      case Op.MULH: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; mulh64(xl[a], xh[a], xl[b], xh[b]); xl[d] = r.lo; xh[d] = r.hi; break; }
      case Op.MULHSU: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; mulhsu64(xl[a], xh[a], xl[b], xh[b]); xl[d] = r.lo; xh[d] = r.hi; break; }
      case Op.MULHU: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; mulhu64(xl[a], xh[a], xl[b], xh[b]); xl[d] = r.lo; xh[d] = r.hi; break; }
      case Op.DIV: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; divrem64(xl[a], xh[a], xl[b], xh[b]); xl[d] = r.lo; xh[d] = r.hi; break; }
      case Op.REM: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; divrem64(xl[a], xh[a], xl[b], xh[b]); xl[d] = rem.lo; xh[d] = rem.hi; break; }
      case Op.DIVU: case Op.REMU: {
        const a = cRs1[i], b = cRs2[i], d = cRd[i], bl = xl[b], bh = xh[b];
        if (bl === 0 && bh === 0) {
          if (op === Op.DIVU) { xl[d] = -1; xh[d] = -1; } else { xl[d] = xl[a]; xh[d] = xh[a]; }
        } else {
          divremu64(xl[a], xh[a], bl, bh);
          if (op === Op.DIVU) { xl[d] = r.lo; xh[d] = r.hi; } else { xl[d] = rem.lo; xh[d] = rem.hi; }
        }
        break;
      }
      case Op.MULW: { const d = cRd[i], x = Math.imul(xl[cRs1[i]], xl[cRs2[i]]); xl[d] = x; xh[d] = x >> 31; break; }
      case Op.DIVW: case Op.REMW: {
        const a = xl[cRs1[i]], b = xl[cRs2[i]], d = cRd[i];
        let x: number;
        if (b === 0) x = op === Op.DIVW ? -1 : a;
        else if (a === -2147483648 && b === -1) x = op === Op.DIVW ? a : 0;
        else x = op === Op.DIVW ? (a / b) | 0 : a % b | 0;
        xl[d] = x; xh[d] = x >> 31;
        break;
      }
      case Op.DIVUW: case Op.REMUW: {
        const a = xl[cRs1[i]] >>> 0, b = xl[cRs2[i]] >>> 0, d = cRd[i];
        let x: number;
        if (b === 0) x = op === Op.DIVUW ? -1 : a | 0;
        else x = (op === Op.DIVUW ? Math.floor(a / b) : a % b) | 0;
        xl[d] = x; xh[d] = x >> 31;
        break;
      }

      // ---------------- A ----------------
      case Op.LR_W: case Op.SC_W: case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W: case Op.AMOAND_W:
      case Op.AMOOR_W: case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W: case Op.AMOMAXU_W:
      case Op.LR_D: case Op.SC_D: case Op.AMOSWAP_D: case Op.AMOADD_D: case Op.AMOXOR_D: case Op.AMOAND_D:
      case Op.AMOOR_D: case Op.AMOMIN_D: case Op.AMOMAX_D: case Op.AMOMINU_D: case Op.AMOMAXU_D:
        if (!execAmo(h, op, cRd[i], cRs1[i], cRs2[i])) { faults++; continue; }
        if (h.breakLoop) { advance(h, pcLo, len); break loop; }
        break;

      // ---------------- privileged ----------------
      case Op.MRET:
        if (h.priv < PRIV_M) { h.illegal(insnBits(h, page, i)); faults++; continue; }
        h.mret(); break loop;
      case Op.SRET:
        if (h.priv === PRIV_U || (h.priv === PRIV_S && (h.mstatus & MSTATUS_TSR) !== 0)) { h.illegal(insnBits(h, page, i)); faults++; continue; }
        h.sret(); break loop;
      case Op.WFI:
        // U-mode WFI, and S-mode WFI with TW=1, are illegal (machine.adoc, "Timeout Wait").
        if (h.priv === PRIV_U || (h.priv === PRIV_S && (h.mstatus & MSTATUS_TW) !== 0)) { h.illegal(insnBits(h, page, i)); faults++; continue; }
        advance(h, pcLo, len);
        if (!h.wakeable()) h.waiting = true;
        break loop;
      case Op.SFENCE_VMA: {
        if (h.priv === PRIV_U || (h.priv === PRIV_S && (h.mstatus & MSTATUS_TVM) !== 0)) { h.illegal(insnBits(h, page, i)); faults++; continue; }
        const a = cRs1[i], b = cRs2[i];
        h.tlb.flush(xl[a], xh[a], a !== 0, xl[b] & 0xffff, b !== 0, 0);
        h.mmuContextChanged();
        advance(h, pcLo, len);
        break loop;
      }

      // ---------------- Zba ----------------
      case Op.ADD_UW: case Op.SH1ADD: case Op.SH2ADD: case Op.SH3ADD: case Op.SH1ADD_UW: case Op.SH2ADD_UW: case Op.SH3ADD_UW: {
        const a = cRs1[i], b = cRs2[i], d = cRd[i];
        const uw = op === Op.ADD_UW || op >= Op.SH1ADD_UW;
        const sh = op === Op.ADD_UW ? 0 : op === Op.SH1ADD || op === Op.SH1ADD_UW ? 1 : op === Op.SH2ADD || op === Op.SH2ADD_UW ? 2 : 3;
        sll64(xl[a], uw ? 0 : xh[a], sh);
        const al = r.lo, lo = (al + xl[b]) | 0;
        xh[d] = (r.hi + xh[b] + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
        break;
      }
      case Op.SLLI_UW: { const d = cRd[i]; sll64(xl[cRs1[i]], 0, cImm[i] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }

      // ---------------- Zbb ----------------
      case Op.ANDN: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; xl[d] = xl[a] & ~xl[b]; xh[d] = xh[a] & ~xh[b]; break; }
      case Op.ORN: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; xl[d] = xl[a] | ~xl[b]; xh[d] = xh[a] | ~xh[b]; break; }
      case Op.XNOR: { const a = cRs1[i], b = cRs2[i], d = cRd[i]; xl[d] = ~(xl[a] ^ xl[b]); xh[d] = ~(xh[a] ^ xh[b]); break; }
      case Op.CLZ: { const a = cRs1[i], d = cRd[i], hh = xh[a]; xl[d] = hh !== 0 ? Math.clz32(hh) : 32 + Math.clz32(xl[a]); xh[d] = 0; break; }
      case Op.CTZ: { const a = cRs1[i], d = cRd[i], ll = xl[a]; xl[d] = ll !== 0 ? ctz32(ll) : 32 + ctz32(xh[a]); xh[d] = 0; break; }
      case Op.CPOP: { const a = cRs1[i], d = cRd[i]; xl[d] = popcount32(xl[a]) + popcount32(xh[a]); xh[d] = 0; break; }
      case Op.CLZW: { const d = cRd[i]; xl[d] = Math.clz32(xl[cRs1[i]]); xh[d] = 0; break; }
      case Op.CTZW: { const d = cRd[i]; xl[d] = ctz32(xl[cRs1[i]]); xh[d] = 0; break; }
      case Op.CPOPW: { const d = cRd[i]; xl[d] = popcount32(xl[cRs1[i]]); xh[d] = 0; break; }
      case Op.MAX: case Op.MIN: case Op.MAXU: case Op.MINU: {
        const a = cRs1[i], b = cRs2[i], d = cRd[i];
        const al = xl[a], ah = xh[a], bl = xl[b], bh = xh[b];
        const aLess = op === Op.MAX || op === Op.MIN ? lt64(al, ah, bl, bh) : ltu64(al, ah, bl, bh);
        const pickA = op === Op.MAX || op === Op.MAXU ? !aLess : aLess;
        xl[d] = pickA ? al : bl; xh[d] = pickA ? ah : bh;
        break;
      }
      case Op.SEXT_B: { const d = cRd[i], x = (xl[cRs1[i]] << 24) >> 24; xl[d] = x; xh[d] = x >> 31; break; }
      case Op.SEXT_H: { const d = cRd[i], x = (xl[cRs1[i]] << 16) >> 16; xl[d] = x; xh[d] = x >> 31; break; }
      case Op.ZEXT_H: { const d = cRd[i]; xl[d] = xl[cRs1[i]] & 0xffff; xh[d] = 0; break; }
      case Op.ROL: case Op.ROR: case Op.RORI: {
        const a = cRs1[i], d = cRd[i];
        let s = (op === Op.RORI ? cImm[i] : xl[cRs2[i]]) & 63;
        if (op === Op.ROL) s = (64 - s) & 63;
        const al = xl[a], ah = xh[a];
        srl64(al, ah, s); const l1 = r.lo, h1 = r.hi;
        sll64(al, ah, (64 - s) & 63);
        xl[d] = s === 0 ? al : l1 | r.lo; xh[d] = s === 0 ? ah : h1 | r.hi;
        break;
      }
      case Op.ROLW: case Op.RORW: case Op.RORIW: {
        const a = xl[cRs1[i]], d = cRd[i];
        let s = (op === Op.RORIW ? cImm[i] : xl[cRs2[i]]) & 31;
        if (op === Op.ROLW) s = (32 - s) & 31;
        const x = s === 0 ? a : (a >>> s) | (a << (32 - s));
        xl[d] = x; xh[d] = x >> 31;
        break;
      }
      case Op.ORC_B: {
        const a = cRs1[i], d = cRd[i];
        xl[d] = orcb(xl[a]); xh[d] = orcb(xh[a]);
        break;
      }
      case Op.REV8: {
        const a = cRs1[i], d = cRd[i], al = xl[a], ah = xh[a];
        xl[d] = bswap(ah); xh[d] = bswap(al);
        break;
      }

      // ---------------- Zbs ----------------
      case Op.BCLR: case Op.BCLRI: case Op.BSET: case Op.BSETI: case Op.BINV: case Op.BINVI: case Op.BEXT: case Op.BEXTI: {
        const a = cRs1[i], d = cRd[i];
        const imm = op === Op.BCLRI || op === Op.BSETI || op === Op.BINVI || op === Op.BEXTI;
        const s = (imm ? cImm[i] : xl[cRs2[i]]) & 63;
        const ml = s < 32 ? 1 << s : 0, mh = s >= 32 ? 1 << (s - 32) : 0;
        const al = xl[a], ah = xh[a];
        switch (op) {
          case Op.BCLR: case Op.BCLRI: xl[d] = al & ~ml; xh[d] = ah & ~mh; break;
          case Op.BSET: case Op.BSETI: xl[d] = al | ml; xh[d] = ah | mh; break;
          case Op.BINV: case Op.BINVI: xl[d] = al ^ ml; xh[d] = ah ^ mh; break;
          default: xl[d] = ((al & ml) | (ah & mh)) !== 0 ? 1 : 0; xh[d] = 0; break;
        }
        break;
      }

      // ---------------- Zicond ----------------
      case Op.CZERO_EQZ: case Op.CZERO_NEZ: {
        const a = cRs1[i], b = cRs2[i], d = cRd[i];
        const zero = xl[b] === 0 && xh[b] === 0;
        const keep = op === Op.CZERO_EQZ ? !zero : zero;
        xl[d] = keep ? xl[a] : 0; xh[d] = keep ? xh[a] : 0;
        break;
      }

      case Op.ILLEGAL:
        h.illegal(cImm[i]); faults++; continue;

      default: {
        // F and D live in their own function to keep this loop small.
        if ((h.mstatus & MSTATUS_FS) === 0) { h.illegal(insnBits(h, page, i)); faults++; continue; }
        const st = execFp(h, op, cRd[i], cRs1[i], cRs2[i], cImm[i], cAux[i]);
        if (st !== FP_OK) {
          if (st === FP_ILLEGAL) h.illegal(insnBits(h, page, i));
          faults++; continue;
        }
        if (h.breakLoop) { advance(h, pcLo, len); break loop; }
        break;
      }
    }
    // sequential next pc (a carry into the high word only happens when crossing a 4 GiB boundary)
    {
      const npc = (pcLo + len) | 0;
      h.pcLo = npc;
      if ((npc >>> 0) < len) h.pcHi = (h.pcHi + 1) | 0;
    }
  }
  h.instret = instret0 + n - faults;
  h.cycles = cycles0 + n;
  if ((h.mcountinhibit & 4) !== 0) h.instretAt += n - faults;
  if ((h.mcountinhibit & 1) !== 0) h.cycleAt += n;
  return n;
}

/** Sets pc to the instruction after the one at pcLo (used before leaving the loop early). */
function advance(h: Hart, pcLo: number, len: number): void {
  const npc = (pcLo + len) | 0;
  h.pcLo = npc;
  if ((npc >>> 0) < len) h.pcHi = (h.pcHi + 1) | 0;
}

function orcb(x: number): number {
  let v = 0;
  if ((x & 0xff) !== 0) v |= 0xff;
  if ((x & 0xff00) !== 0) v |= 0xff00;
  if ((x & 0xff0000) !== 0) v |= 0xff0000;
  if ((x & 0xff000000) !== 0) v |= 0xff000000;
  return v | 0;
}

function bswap(x: number): number {
  return ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24)) | 0;
}

const FP_OK = 0, FP_ILLEGAL = 1, FP_TRAPPED = 2;

/** Rounding mode from the instruction's rm field (7 = dynamic: frm), or -1 if reserved (illegal). */
function roundingMode(h: Hart, aux: number): number {
  let rm = (aux >>> 5) & 7;
  if (rm === 7) rm = h.frm;
  return rm <= 4 ? rm : -1;
}

/** Executes one F/D instruction (FS is known to be on). */
function execFp(h: Hart, op: number, rd: number, rs1: number, rs2: number, imm: number, aux: number): number {
  const st = h.fpu, xl = h.xl, xh = h.xh;
  const rs3 = aux & 31;
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
      const rm = roundingMode(h, aux);
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
  if (h.rTagLo[t] === (lo & -4096) && h.rTagHi[t] === hi && (lo & (size - 1)) === 0) {
    const w = (h.rOff[t] | (lo & 4095)) >>> 2, i32 = h.bus.ram.i32;
    ld.lo = i32[w]; ld.hi = size === 8 ? i32[w + 1] : 0;
    return true;
  }
  return loadSlow(h, lo, hi, size);
}

function storeFast(h: Hart, lo: number, hi: number, size: number, vlo: number, vhi: number): boolean {
  const t = (lo >>> 12) & L1M;
  if (h.wTagLo[t] === (lo & -4096) && h.wTagHi[t] === hi && (lo & (size - 1)) === 0) {
    const w = (h.wOff[t] | (lo & 4095)) >>> 2, i32 = h.bus.ram.i32;
    i32[w] = vlo;
    if (size === 8) i32[w + 1] = vhi;
    return true;
  }
  return storeSlow(h, lo, hi, size, vlo, vhi);
}
