// The interpreter's hot loop: runs decoded instructions from the code cache with L1-TLB fast paths for
// memory. Hot path: no allocation, no BigInt; 64-bit values are (lo, hi) int32 pairs.
//
// Shape (V8 optimizes this function as one unit, so its loop state is kept small): pc and the current
// fetch page live in locals and are written back to the hart only around calls that can trap or read
// them; common instructions are inline cases of one switch; everything else is a call into
// interpRare.ts, which reports through an S_* status handled once after the switch.

import { Op } from '../isa/opcodes';
import { CodeCache, UNDECODED } from './codeCache';
import { EXIT_INVISIBLE, EXIT_TRAPPED, Hart, L1_INVALID, L1_SIZE } from './hart';
import { fetchPage, fetchUpperHalf, refillFetch } from './mem';
import { S_BREAK, S_JUMP, S_OK, S_TRAP, execSystem, fillSlot, loadMiss, storeMiss } from './interpRare';
import { lt64, ltu64, mul64, r, sll64, sra64, srl64 } from '../util/int64';

const L1M = L1_SIZE - 1;
// L1 tags are page aligned and L1_INVALID has all low 12 bits set, so one compare of the tag against
// (address & mask) checks both the page and the natural alignment of a 2-, 4- or 8-byte access.
const ALIGN2 = -4096 | 1, ALIGN4 = -4096 | 3, ALIGN8 = -4096 | 7;

/**
 * Executes up to `budget` instructions on hart h. Returns the number of instruction slots consumed
 * (retired instructions plus those that trapped). Stops early when h.breakLoop is set by something that
 * needs the run loop (interrupt enable changes, WFI, MMIO writes, sfence, xRET).
 */
/**
 * The integer register file of the hart that executes. Module-level constants let V8 embed the arrays in the
 * optimized loop (no per-access reload of their data pointer and length); execute() swaps a hart's registers in
 * and points h.xl/h.xh here, so every other reader (cold paths, CSR code, the debugger) sees the live values.
 */
const XL = new Int32Array(33), XH = new Int32Array(33);

/** The hart whose registers are in XL/XH (its xl/xh point there until another hart executes). */
let resident: Hart | null = null;

/**
 * Accounts for the slot of a trap just taken (Hart.exitCredit): a trap counts as a trapped slot; an exit the
 * hypervisor completed counts as a retired instruction; an invisible exit gives its slot back (returns 1).
 */
function slotOfTrap(h: Hart): number {
  const c = h.exitCredit;
  if (c === EXIT_TRAPPED) { h.trappedSlots++; return 0; }
  h.exitCredit = EXIT_TRAPPED;
  return c === EXIT_INVISIBLE ? 1 : 0;
}

export function execute(h: Hart, budget: number, cc: CodeCache): number {
  if (resident !== h) {
    // Swapping is lazy: a hart keeps the module arrays between its turns, so a run loop that re-enters
    // execute() for the same hart (after every CSR write, trap return, WFI...) copies nothing.
    if (resident !== null) {
      resident.ownXl.set(XL); resident.ownXh.set(XH);
      resident.xl = resident.ownXl; resident.xh = resident.ownXh;
    }
    XL.set(h.xl); XH.set(h.xh);
    h.xl = XL; h.xh = XH;
    resident = h;
  }
  return runLoop(h, budget, cc);
}

function runLoop(h: Hart, budget: number, cc: CodeCache): number {
  const xl = XL, xh = XH;
  const ram = h.bus.ram;
  const u8 = ram.u8, i8 = ram.i8, u16 = ram.u16, i16 = ram.i16, i32 = ram.i32;
  const rTagLo = h.rTagLo, rTagHi = h.rTagHi, rOff = h.rOff;
  const wTagLo = h.wTagLo, wTagHi = h.wTagHi, wOff = h.wOff;
  const instret0 = h.instret, cycles0 = h.cycles;
  let code = cc.scratch;
  let pcLo = h.pcLo, pcHi = h.pcHi;
  let fTagLo = L1_INVALID, fTagHi = 0;   // `code` starts as the scratch page: force a refill
  // slots left in the budget; a slot's cycle count is cyclesEnd - left
  let left = budget;
  const cyclesEnd = cycles0 + budget;
  h.breakLoop = false;
  h.trappedSlots = 0;

  while (left > 0) {
    if ((pcLo & -4096) !== fTagLo || pcHi !== fTagHi) {
      h.pcLo = pcLo; h.pcHi = pcHi; h.cycles = cyclesEnd - left;
      if (!refillFetch(h)) {
        left--;
        left += slotOfTrap(h);
        pcLo = h.pcLo; pcHi = h.pcHi; fTagLo = h.fetchTagLo; fTagHi = h.fetchTagHi;
        if (h.waiting || h.debugStop) break;
        continue;
      }
      const p = fetchPage.off >>> 12;
      if (!cc.has(p)) h.host.markCodePage(fetchPage.off);
      code = cc.breakpoints.size === 0 ? cc.get(p) : cc.breakpoints.pageFor(cc.get(p), pcLo, pcHi);
      fTagLo = h.fetchTagLo; fTagHi = h.fetchTagHi;
    }
    const k = pcLo & 4094;
    let w = code[k];
    left--;
    if (w === UNDECODED) {
      const off = fetchPage.off + k;
      const lowHalf = u8[off] | (u8[off + 1] << 8);
      if ((lowHalf & 3) === 3 && k === 4094) {
        // A 32-bit instruction straddling two pages: fetch the upper half through the next page's
        // translation and run it from the scratch page (never cached).
        h.pcLo = pcLo; h.pcHi = pcHi;
        const upper = fetchUpperHalf(h);
        if (upper < 0) {
          left += slotOfTrap(h);
          pcLo = h.pcLo; pcHi = h.pcHi; fTagLo = h.fetchTagLo; fTagHi = h.fetchTagHi;
          if (h.waiting || h.debugStop) break;
          continue;
        }
        code = cc.scratch;
        w = fillSlot(code, k, lowHalf | (upper << 16));
        h.fetchTagLo = L1_INVALID;
        fTagLo = L1_INVALID;
      } else {
        w = fillSlot(code, k, (lowHalf & 3) === 3 ? lowHalf | (u8[off + 2] << 16) | (u8[off + 3] << 24) : lowHalf);
      }
    }
    const len = 4 - ((w >>> 23) & 2);    // SLOT_C (bit 24) set: 2 bytes
    let st = S_OK;

    exec: {
      switch (w & 255) {
        // ---------------- RV64I ----------------
        case Op.LUI: { const v = code[k + 1], d = (w >>> 8) & 63; xl[d] = v; xh[d] = v >> 31; break; }
        case Op.AUIPC: {
          const v = code[k + 1], d = (w >>> 8) & 63, lo = (pcLo + v) | 0;
          xh[d] = (pcHi + (v >> 31) + ((lo >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
          break;
        }
        case Op.JAL: {
          const v = code[k + 1], d = (w >>> 8) & 63;
          const link = (pcLo + len) | 0, t = (pcLo + v) | 0;
          xl[d] = link; xh[d] = (pcHi + ((link >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0;
          pcHi = (pcHi + (v >> 31) + ((t >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0;
          pcLo = t;
          continue;
        }
        case Op.JALR: {
          const v = code[k + 1], d = (w >>> 8) & 63, s = (w >>> 14) & 31;
          const b = xl[s], t = (b + v) | 0;
          const th = (xh[s] + (v >> 31) + ((t >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          const link = (pcLo + len) | 0;
          xl[d] = link; xh[d] = (pcHi + ((link >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0;
          pcLo = t & ~1; pcHi = th;
          continue;
        }
        // branches: a taken branch sets pc and skips the sequential update
        case Op.BEQ: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31;
          if (xl[a] === xl[b] && xh[a] === xh[b]) { const v = code[k + 1], t = (pcLo + v) | 0; pcHi = (pcHi + (v >> 31) + ((t >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0; pcLo = t; continue; }
          break;
        }
        case Op.BNE: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31;
          if (xl[a] !== xl[b] || xh[a] !== xh[b]) { const v = code[k + 1], t = (pcLo + v) | 0; pcHi = (pcHi + (v >> 31) + ((t >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0; pcLo = t; continue; }
          break;
        }
        case Op.BLT: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31;
          if (lt64(xl[a], xh[a], xl[b], xh[b])) { const v = code[k + 1], t = (pcLo + v) | 0; pcHi = (pcHi + (v >> 31) + ((t >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0; pcLo = t; continue; }
          break;
        }
        case Op.BGE: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31;
          if (!lt64(xl[a], xh[a], xl[b], xh[b])) { const v = code[k + 1], t = (pcLo + v) | 0; pcHi = (pcHi + (v >> 31) + ((t >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0; pcLo = t; continue; }
          break;
        }
        case Op.BLTU: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31;
          if (ltu64(xl[a], xh[a], xl[b], xh[b])) { const v = code[k + 1], t = (pcLo + v) | 0; pcHi = (pcHi + (v >> 31) + ((t >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0; pcLo = t; continue; }
          break;
        }
        case Op.BGEU: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31;
          if (!ltu64(xl[a], xh[a], xl[b], xh[b])) { const v = code[k + 1], t = (pcLo + v) | 0; pcHi = (pcHi + (v >> 31) + ((t >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0; pcLo = t; continue; }
          break;
        }
        // loads: L1 hit inline (the tag compare also checks alignment), anything else in loadMiss
        case Op.LD: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, d = (w >>> 8) & 63, t = (lo >>> 12) & L1M;
          const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          if (rTagLo[t] === ((lo & ALIGN8) | h.l1Gen) && rTagHi[t] === hi) { const o = rOff[t] | (lo & 4095); const x = o >>> 2; xl[d] = i32[x]; xh[d] = i32[x + 1]; break; }
          if ((st = loadMiss(h, Op.LD, d, lo, hi, pcLo, pcHi, cyclesEnd - left)) === S_OK) break;
          break exec;
        }
        case Op.LW: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, d = (w >>> 8) & 63, t = (lo >>> 12) & L1M;
          const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          if (rTagLo[t] === ((lo & ALIGN4) | h.l1Gen) && rTagHi[t] === hi) { const o = rOff[t] | (lo & 4095); const x = i32[o >>> 2]; xl[d] = x; xh[d] = x >> 31; break; }
          if ((st = loadMiss(h, Op.LW, d, lo, hi, pcLo, pcHi, cyclesEnd - left)) === S_OK) break;
          break exec;
        }
        case Op.LWU: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, d = (w >>> 8) & 63, t = (lo >>> 12) & L1M;
          const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          if (rTagLo[t] === ((lo & ALIGN4) | h.l1Gen) && rTagHi[t] === hi) { const o = rOff[t] | (lo & 4095); xl[d] = i32[o >>> 2]; xh[d] = 0; break; }
          if ((st = loadMiss(h, Op.LWU, d, lo, hi, pcLo, pcHi, cyclesEnd - left)) === S_OK) break;
          break exec;
        }
        case Op.LH: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, d = (w >>> 8) & 63, t = (lo >>> 12) & L1M;
          const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          if (rTagLo[t] === ((lo & ALIGN2) | h.l1Gen) && rTagHi[t] === hi) { const o = rOff[t] | (lo & 4095); const x = i16[o >>> 1]; xl[d] = x; xh[d] = x >> 31; break; }
          if ((st = loadMiss(h, Op.LH, d, lo, hi, pcLo, pcHi, cyclesEnd - left)) === S_OK) break;
          break exec;
        }
        case Op.LHU: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, d = (w >>> 8) & 63, t = (lo >>> 12) & L1M;
          const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          if (rTagLo[t] === ((lo & ALIGN2) | h.l1Gen) && rTagHi[t] === hi) { const o = rOff[t] | (lo & 4095); xl[d] = u16[o >>> 1]; xh[d] = 0; break; }
          if ((st = loadMiss(h, Op.LHU, d, lo, hi, pcLo, pcHi, cyclesEnd - left)) === S_OK) break;
          break exec;
        }
        case Op.LB: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, d = (w >>> 8) & 63, t = (lo >>> 12) & L1M;
          const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          if (rTagLo[t] === ((lo & -4096) | h.l1Gen) && rTagHi[t] === hi) { const o = rOff[t] | (lo & 4095); const x = i8[o]; xl[d] = x; xh[d] = x >> 31; break; }
          if ((st = loadMiss(h, Op.LB, d, lo, hi, pcLo, pcHi, cyclesEnd - left)) === S_OK) break;
          break exec;
        }
        case Op.LBU: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, d = (w >>> 8) & 63, t = (lo >>> 12) & L1M;
          const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          if (rTagLo[t] === ((lo & -4096) | h.l1Gen) && rTagHi[t] === hi) { const o = rOff[t] | (lo & 4095); xl[d] = u8[o]; xh[d] = 0; break; }
          if ((st = loadMiss(h, Op.LBU, d, lo, hi, pcLo, pcHi, cyclesEnd - left)) === S_OK) break;
          break exec;
        }
        // stores: as loads; a store into a page of decoded code also drops the fetch page
        case Op.SD: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, src = (w >>> 19) & 31, t = (lo >>> 12) & L1M;
          const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          if (wTagLo[t] === ((lo & ALIGN8) | h.l1Gen) && wTagHi[t] === hi) { const o = wOff[t] | (lo & 4095); const x = o >>> 2; i32[x] = xl[src]; i32[x + 1] = xh[src]; break; }
          if ((st = storeMiss(h, Op.SD, src, lo, hi, pcLo, pcHi, cyclesEnd - left, cc)) === S_OK && h.fetchTagLo === fTagLo) break;
          break exec;
        }
        case Op.SW: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, src = (w >>> 19) & 31, t = (lo >>> 12) & L1M;
          const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          if (wTagLo[t] === ((lo & ALIGN4) | h.l1Gen) && wTagHi[t] === hi) { const o = wOff[t] | (lo & 4095); i32[o >>> 2] = xl[src]; break; }
          if ((st = storeMiss(h, Op.SW, src, lo, hi, pcLo, pcHi, cyclesEnd - left, cc)) === S_OK && h.fetchTagLo === fTagLo) break;
          break exec;
        }
        case Op.SH: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, src = (w >>> 19) & 31, t = (lo >>> 12) & L1M;
          const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          if (wTagLo[t] === ((lo & ALIGN2) | h.l1Gen) && wTagHi[t] === hi) { const o = wOff[t] | (lo & 4095); u16[o >>> 1] = xl[src]; break; }
          if ((st = storeMiss(h, Op.SH, src, lo, hi, pcLo, pcHi, cyclesEnd - left, cc)) === S_OK && h.fetchTagLo === fTagLo) break;
          break exec;
        }
        case Op.SB: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, src = (w >>> 19) & 31, t = (lo >>> 12) & L1M;
          const hi = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          if (wTagLo[t] === ((lo & -4096) | h.l1Gen) && wTagHi[t] === hi) { const o = wOff[t] | (lo & 4095); u8[o] = xl[src]; break; }
          if ((st = storeMiss(h, Op.SB, src, lo, hi, pcLo, pcHi, cyclesEnd - left, cc)) === S_OK && h.fetchTagLo === fTagLo) break;
          break exec;
        }
        case Op.ADDI: {
          const s = (w >>> 14) & 31, v = code[k + 1], b = xl[s], lo = (b + v) | 0, d = (w >>> 8) & 63;
          xh[d] = (xh[s] + (v >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
          break;
        }
        case Op.SLTI: { const s = (w >>> 14) & 31, v = code[k + 1], d = (w >>> 8) & 63; xl[d] = lt64(xl[s], xh[s], v, v >> 31) ? 1 : 0; xh[d] = 0; break; }
        case Op.SLTIU: { const s = (w >>> 14) & 31, v = code[k + 1], d = (w >>> 8) & 63; xl[d] = ltu64(xl[s], xh[s], v, v >> 31) ? 1 : 0; xh[d] = 0; break; }
        case Op.XORI: { const s = (w >>> 14) & 31, v = code[k + 1], d = (w >>> 8) & 63; xl[d] = xl[s] ^ v; xh[d] = xh[s] ^ (v >> 31); break; }
        case Op.ORI: { const s = (w >>> 14) & 31, v = code[k + 1], d = (w >>> 8) & 63; xl[d] = xl[s] | v; xh[d] = xh[s] | (v >> 31); break; }
        case Op.ANDI: { const s = (w >>> 14) & 31, v = code[k + 1], d = (w >>> 8) & 63; xl[d] = xl[s] & v; xh[d] = xh[s] & (v >> 31); break; }
        case Op.SLLI: { const s = (w >>> 14) & 31, d = (w >>> 8) & 63; sll64(xl[s], xh[s], code[k + 1] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
        case Op.SRLI: { const s = (w >>> 14) & 31, d = (w >>> 8) & 63; srl64(xl[s], xh[s], code[k + 1] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
        case Op.SRAI: { const s = (w >>> 14) & 31, d = (w >>> 8) & 63; sra64(xl[s], xh[s], code[k + 1] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
        case Op.ADD: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, al = xl[a], lo = (al + xl[b]) | 0;
          xh[d] = (xh[a] + xh[b] + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
          break;
        }
        case Op.SUB: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, al = xl[a], bl = xl[b];
          xh[d] = (xh[a] - xh[b] - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; xl[d] = (al - bl) | 0;
          break;
        }
        case Op.SLL: { const a = (w >>> 14) & 31, d = (w >>> 8) & 63; sll64(xl[a], xh[a], xl[(w >>> 19) & 31] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
        case Op.SRL: { const a = (w >>> 14) & 31, d = (w >>> 8) & 63; srl64(xl[a], xh[a], xl[(w >>> 19) & 31] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
        case Op.SRA: { const a = (w >>> 14) & 31, d = (w >>> 8) & 63; sra64(xl[a], xh[a], xl[(w >>> 19) & 31] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
        case Op.SLT: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63; xl[d] = lt64(xl[a], xh[a], xl[b], xh[b]) ? 1 : 0; xh[d] = 0; break; }
        case Op.SLTU: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63; xl[d] = ltu64(xl[a], xh[a], xl[b], xh[b]) ? 1 : 0; xh[d] = 0; break; }
        case Op.XOR: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63; xl[d] = xl[a] ^ xl[b]; xh[d] = xh[a] ^ xh[b]; break; }
        case Op.OR: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63; xl[d] = xl[a] | xl[b]; xh[d] = xh[a] | xh[b]; break; }
        case Op.AND: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63; xl[d] = xl[a] & xl[b]; xh[d] = xh[a] & xh[b]; break; }
        case Op.ADDIW: { const d = (w >>> 8) & 63, x = (xl[(w >>> 14) & 31] + code[k + 1]) | 0; xl[d] = x; xh[d] = x >> 31; break; }
        case Op.SLLIW: { const d = (w >>> 8) & 63, x = xl[(w >>> 14) & 31] << (code[k + 1] & 31); xl[d] = x; xh[d] = x >> 31; break; }
        case Op.SRLIW: { const d = (w >>> 8) & 63, x = (xl[(w >>> 14) & 31] >>> (code[k + 1] & 31)) | 0; xl[d] = x; xh[d] = x >> 31; break; }
        case Op.SRAIW: { const d = (w >>> 8) & 63, x = xl[(w >>> 14) & 31] >> (code[k + 1] & 31); xl[d] = x; xh[d] = x >> 31; break; }
        case Op.ADDW: { const d = (w >>> 8) & 63, x = (xl[(w >>> 14) & 31] + xl[(w >>> 19) & 31]) | 0; xl[d] = x; xh[d] = x >> 31; break; }
        case Op.SUBW: { const d = (w >>> 8) & 63, x = (xl[(w >>> 14) & 31] - xl[(w >>> 19) & 31]) | 0; xl[d] = x; xh[d] = x >> 31; break; }
        case Op.SLLW: { const d = (w >>> 8) & 63, x = xl[(w >>> 14) & 31] << (xl[(w >>> 19) & 31] & 31); xl[d] = x; xh[d] = x >> 31; break; }
        case Op.SRLW: { const d = (w >>> 8) & 63, x = (xl[(w >>> 14) & 31] >>> (xl[(w >>> 19) & 31] & 31)) | 0; xl[d] = x; xh[d] = x >> 31; break; }
        case Op.SRAW: { const d = (w >>> 8) & 63, x = xl[(w >>> 14) & 31] >> (xl[(w >>> 19) & 31] & 31); xl[d] = x; xh[d] = x >> 31; break; }
        case Op.FENCE: break;
        case Op.FENCE_I: break;   // stores invalidate decoded code eagerly, so fetches already see them

        // ---------------- M (multiplies; division is in interpRare.ts) ----------------
        case Op.MUL: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63; mul64(xl[a], xh[a], xl[b], xh[b]); xl[d] = r.lo; xh[d] = r.hi; break; }
        case Op.MULW: { const d = (w >>> 8) & 63, x = Math.imul(xl[(w >>> 14) & 31], xl[(w >>> 19) & 31]); xl[d] = x; xh[d] = x >> 31; break; }

        // ---------------- Zba, and the simple Zbb operations (compilers emit them in address arithmetic) ----------------
        case Op.ADD_UW: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, sl = xl[a], lo = (sl + xl[b]) | 0; xh[d] = (xh[b] + ((lo >>> 0) < (sl >>> 0) ? 1 : 0)) | 0; xl[d] = lo; break; }
        case Op.SH1ADD: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, al = xl[a], sl = al << 1, lo = (sl + xl[b]) | 0;
          xh[d] = (((xh[a] << 1) | (al >>> 31)) + xh[b] + ((lo >>> 0) < (sl >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
          break;
        }
        case Op.SH1ADD_UW: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, al = xl[a], sl = al << 1, lo = (sl + xl[b]) | 0;
          xh[d] = ((al >>> 31) + xh[b] + ((lo >>> 0) < (sl >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
          break;
        }
        case Op.SH2ADD: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, al = xl[a], sl = al << 2, lo = (sl + xl[b]) | 0;
          xh[d] = (((xh[a] << 2) | (al >>> 30)) + xh[b] + ((lo >>> 0) < (sl >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
          break;
        }
        case Op.SH2ADD_UW: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, al = xl[a], sl = al << 2, lo = (sl + xl[b]) | 0;
          xh[d] = ((al >>> 30) + xh[b] + ((lo >>> 0) < (sl >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
          break;
        }
        case Op.SH3ADD: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, al = xl[a], sl = al << 3, lo = (sl + xl[b]) | 0;
          xh[d] = (((xh[a] << 3) | (al >>> 29)) + xh[b] + ((lo >>> 0) < (sl >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
          break;
        }
        case Op.SH3ADD_UW: {
          const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, al = xl[a], sl = al << 3, lo = (sl + xl[b]) | 0;
          xh[d] = ((al >>> 29) + xh[b] + ((lo >>> 0) < (sl >>> 0) ? 1 : 0)) | 0; xl[d] = lo;
          break;
        }
        case Op.SLLI_UW: { const d = (w >>> 8) & 63; sll64(xl[(w >>> 14) & 31], 0, code[k + 1] & 63); xl[d] = r.lo; xh[d] = r.hi; break; }
        case Op.ANDN: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63; xl[d] = xl[a] & ~xl[b]; xh[d] = xh[a] & ~xh[b]; break; }
        case Op.ORN: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63; xl[d] = xl[a] | ~xl[b]; xh[d] = xh[a] | ~xh[b]; break; }
        case Op.XNOR: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63; xl[d] = ~(xl[a] ^ xl[b]); xh[d] = ~(xh[a] ^ xh[b]); break; }
        case Op.SEXT_B: { const d = (w >>> 8) & 63, x = (xl[(w >>> 14) & 31] << 24) >> 24; xl[d] = x; xh[d] = x >> 31; break; }
        case Op.SEXT_H: { const d = (w >>> 8) & 63, x = (xl[(w >>> 14) & 31] << 16) >> 16; xl[d] = x; xh[d] = x >> 31; break; }
        case Op.ZEXT_H: { const d = (w >>> 8) & 63; xl[d] = xl[(w >>> 14) & 31] & 0xffff; xh[d] = 0; break; }
        case Op.MIN: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, e = lt64(xl[a], xh[a], xl[b], xh[b]) ? a : b; xl[d] = xl[e]; xh[d] = xh[e]; break; }
        case Op.MAX: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, e = !lt64(xl[a], xh[a], xl[b], xh[b]) ? a : b; xl[d] = xl[e]; xh[d] = xh[e]; break; }
        case Op.MINU: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, e = ltu64(xl[a], xh[a], xl[b], xh[b]) ? a : b; xl[d] = xl[e]; xh[d] = xh[e]; break; }
        case Op.MAXU: { const a = (w >>> 14) & 31, b = (w >>> 19) & 31, d = (w >>> 8) & 63, e = !ltu64(xl[a], xh[a], xl[b], xh[b]) ? a : b; xl[d] = xl[e]; xh[d] = xh[e]; break; }

        default:
          h.pcLo = pcLo; h.pcHi = pcHi;
          st = execSystem(h, w, code[k + 1], instret0 + (budget - left) - 1 - h.trappedSlots, cyclesEnd - left - 1);
          if (st === S_OK) break;
          break exec;
      }
      // sequential next pc (a carry into the high word only happens when crossing a 4 GiB boundary)
      pcLo = (pcLo + len) | 0;
      if ((pcLo >>> 0) < len) pcHi = (pcHi + 1) | 0;
      continue;
    }

    // A cold path reported something other than "go on" (see S_* in interpRare.ts).
    if (st === S_TRAP) {
      left += slotOfTrap(h);
      pcLo = h.pcLo; pcHi = h.pcHi; fTagLo = h.fetchTagLo; fTagHi = h.fetchTagHi;
      // a trap handler written in TypeScript (firmware, VMM) may have stopped the hart; a breakpoint stops the loop
      if (h.waiting || h.debugStop) break;
      continue;
    }
    if (st === S_JUMP) { pcLo = h.pcLo; pcHi = h.pcHi; break; }
    pcLo = (pcLo + len) | 0;
    if ((pcLo >>> 0) < len) pcHi = (pcHi + 1) | 0;
    if (st === S_BREAK) break;
    fTagLo = h.fetchTagLo; fTagHi = h.fetchTagHi;   // S_OK after a store that dropped the fetch page
  }
  h.pcLo = pcLo; h.pcHi = pcHi;
  const n = budget - left, faults = h.trappedSlots;
  h.instret = instret0 + n - faults;
  h.cycles = cycles0 + n;
  if ((h.mcountinhibit & 4) !== 0) h.instretAt += n - faults;
  if ((h.mcountinhibit & 1) !== 0) h.cycleAt += n;
  return n;
}
