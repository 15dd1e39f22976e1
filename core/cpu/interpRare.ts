// The interpreter's cold paths, kept out of execute() so its loop stays small: slot decoding, L1-miss
// loads and stores, and the instructions that are rare in hot code (CSR, AMO, privileged, system, M
// division, Zb*, Zicond, F/D).

import { Op } from '../isa/opcodes';
import { decode } from '../isa/decode';
import { CodeCache, DecodedPage, SLOT_C, UNDECODED, packSlot, usesRoundingMode, writesFpRd } from './codeCache';
import { Exc } from './causes';
import { CSR_OK, CSR_VIRTUAL, csrCheck, csrRead, csrTarget, csrWrite } from './csr';
import { HSTATUS_HU, HSTATUS_VTSR, HSTATUS_VTVM, HSTATUS_VTW, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW } from './csrNumbers';
import { EXIT_INVISIBLE, Hart, PRIV_M, PRIV_S, PRIV_U } from './hart';
import { GUEST_VMID_BASE, HOST_VMID, fetchPage, guestVmid, ld, loadSlow, pokeRam, storeSlow, storeTranslated, translate, xlate } from './mem';
import { Access } from '../mmu/walk';
import { PAGE_CODE, PAGE_WATCH_LOAD, PAGE_WATCH_STORE } from '../devices/ram';
import { WATCH_WRITE } from './watch';
import { execAmo } from './amo';
import { FP_ILLEGAL, FP_OK, execFp } from './interpFp';
import { ctz32, divrem64, divremu64, mulh64, mulhsu64, mulhu64, popcount32, r, rem, sll64, srl64 } from '../util/int64';

/**
 * What a cold path tells the loop. S_OK: go on with the next instruction. S_TRAP: a trap was taken (the
 * hart's pc is the handler). S_BREAK: done; advance pc and return to the run loop. S_JUMP: done and the
 * hart's pc is already the next pc (xRET); return to the run loop.
 */
export const S_OK = 0, S_TRAP = 1, S_BREAK = 2, S_JUMP = 3;

/** Decodes `word` into slot k (= pc & 4094) of a decoded page. Returns the slot's field word. */
export function fillSlot(page: DecodedPage, k: number, word: number): number {
  const d = decode(word);
  let rd = d.rd;
  if (rd === 0 && !writesFpRd(d.op)) rd = 32;
  const w = packSlot(d.op, rd, d.rs1, d.rs2, d.rs3, d.len === 2);
  page[k] = w;
  page[k + 1] = d.op === Op.ILLEGAL ? (d.len === 2 ? word & 0xffff : word) : usesRoundingMode(d.op) ? d.rm : d.imm;
  return w;
}

/** Instruction bits at pc (for mtval on illegal-instruction traps raised after decode). */
function insnBits(h: Hart, w: number): number {
  const u8 = h.bus.ram.u8;
  const off = fetchPage.off + (h.pcLo & 4095);
  if ((w & SLOT_C) !== 0) return u8[off] | (u8[off + 1] << 8);
  if ((h.pcLo & 4095) === 4094) return 0;
  return u8[off] | (u8[off + 1] << 8) | (u8[off + 2] << 16) | (u8[off + 3] << 24);
}

/**
 * A load whose page is not in the L1 (or is misaligned, or MMIO): goes through translation and the bus,
 * writes rd, and fills the L1. It first stores pc and the cycle count of this slot into the hart (traps
 * and device reads of mtime use them).
 */
export function loadMiss(h: Hart, op: number, d: number, lo: number, hi: number, pcLo: number, pcHi: number, cycles: number): number {
  h.pcLo = pcLo; h.pcHi = pcHi; h.cycles = cycles;
  const size = op === Op.LD ? 8 : op === Op.LW || op === Op.LWU ? 4 : op === Op.LH || op === Op.LHU ? 2 : 1;
  if (!loadSlow(h, lo, hi, size)) return S_TRAP;
  const xl = h.xl, xh = h.xh;
  let x = ld.lo;
  switch (op) {
    case Op.LB: x = (x << 24) >> 24; xl[d] = x; xh[d] = x >> 31; break;
    case Op.LH: x = (x << 16) >> 16; xl[d] = x; xh[d] = x >> 31; break;
    case Op.LW: xl[d] = x; xh[d] = x >> 31; break;
    case Op.LD: xl[d] = x; xh[d] = ld.hi; break;
    default: xl[d] = x; xh[d] = 0; break;
  }
  return h.breakLoop ? S_BREAK : S_OK;
}

/**
 * A store that missed the L1 (see loadMiss). Code-page and MMIO stores end here. An aligned store to a
 * RAM page holding decoded code that touches none of the decoded instructions (data sharing a page with
 * code, as in a bare-metal image whose .bss follows .text) is written directly: the decoded page stays
 * valid and the loop goes on, instead of dropping the page and re-decoding it after every such store.
 */
export function storeMiss(h: Hart, op: number, src: number, lo: number, hi: number, pcLo: number, pcHi: number, cycles: number, cc: CodeCache): number {
  h.pcLo = pcLo; h.pcHi = pcHi; h.cycles = cycles;
  const size = op === Op.SD ? 8 : op === Op.SW ? 4 : op === Op.SH ? 2 : 1;
  const vlo = h.xl[src], vhi = h.xh[src];
  if ((lo & (size - 1)) !== 0) {
    if (!storeSlow(h, lo, hi, size, vlo, vhi)) return S_TRAP;
  } else {
    if (!translate(h, lo, hi, Access.STORE, size)) return S_TRAP;
    const pa = xlate.pa, ram = h.bus.ram, off = ram.offsetOf(pa, size);
    if (off >= 0 && (ram.codePage[off >>> 12] & ~(PAGE_WATCH_LOAD | PAGE_WATCH_STORE)) === PAGE_CODE && !overlapsDecoded(cc, off, size)) {
      const w = h.watch, i = w !== null ? w.find(pa, size, WATCH_WRITE) : -1;
      if (i < 0) { pokeRam(h, off, size, vlo, vhi); return S_OK; }
      w!.captureBefore(pa, size);
      pokeRam(h, off, size, vlo, vhi);
      w!.record(h, i, WATCH_WRITE, lo, hi, pa, size, true, 0, 0, vlo, vhi);
      return S_BREAK;
    }
    if (!storeTranslated(h, lo, hi, pa, size, vlo, vhi)) return S_TRAP;
  }
  return h.breakLoop ? S_BREAK : S_OK;
}

/** True if RAM [off, off + size) (within one page) overlaps an instruction decoded in the code cache. */
function overlapsDecoded(cc: CodeCache, off: number, size: number): boolean {
  const page = cc.peek(off >>> 12);
  if (page === undefined) return true;    // flagged as code but not cached: let the bus sort it out
  const o = off & 4095;
  // slots starting up to 2 bytes before the store can reach into it (a 4-byte instruction)
  for (let b = Math.max(0, (o & ~1) - 2); b < o + size; b += 2) {
    const w = page[b];
    if (w !== UNDECODED && b + ((w & SLOT_C) !== 0 ? 2 : 4) > o) return true;
  }
  return false;
}

/**
 * Register-only instructions that are rare in hot loops (M division and high multiplies, most of Zbb,
 * Zbs, Zicond). They cannot trap. Returns false for an op it does not know.
 */
export function execAlu(h: Hart, op: number, d: number, a: number, b: number, imm: number): boolean {
  const xl = h.xl, xh = h.xh;
  switch (op) {
    case Op.MULH: mulh64(xl[a], xh[a], xl[b], xh[b]); break;
    case Op.MULHSU: mulhsu64(xl[a], xh[a], xl[b], xh[b]); break;
    case Op.MULHU: mulhu64(xl[a], xh[a], xl[b], xh[b]); break;
    case Op.DIV: divrem64(xl[a], xh[a], xl[b], xh[b]); break;
    case Op.REM: divrem64(xl[a], xh[a], xl[b], xh[b]); r.lo = rem.lo; r.hi = rem.hi; break;
    case Op.DIVU: case Op.REMU: {
      const bl = xl[b], bh = xh[b];
      if (bl === 0 && bh === 0) {
        // division by zero (unprivileged M chapter, table "Semantics for division by zero")
        if (op === Op.DIVU) { r.lo = -1; r.hi = -1; } else { r.lo = xl[a]; r.hi = xh[a]; }
      } else {
        divremu64(xl[a], xh[a], bl, bh);
        if (op === Op.REMU) { r.lo = rem.lo; r.hi = rem.hi; }
      }
      break;
    }
    case Op.DIVW: case Op.REMW: {
      const x = xl[a], y = xl[b];
      let v: number;
      if (y === 0) v = op === Op.DIVW ? -1 : x;
      else if (x === -2147483648 && y === -1) v = op === Op.DIVW ? x : 0;
      else v = op === Op.DIVW ? (x / y) | 0 : x % y | 0;
      r.lo = v; r.hi = v >> 31;
      break;
    }
    case Op.DIVUW: case Op.REMUW: {
      const x = xl[a] >>> 0, y = xl[b] >>> 0;
      let v: number;
      if (y === 0) v = op === Op.DIVUW ? -1 : x | 0;
      else v = (op === Op.DIVUW ? Math.floor(x / y) : x % y) | 0;
      r.lo = v; r.hi = v >> 31;
      break;
    }
    // ---------------- Zbb (the simple ones are inline in execute) ----------------
    case Op.CLZ: { const hh = xh[a]; r.lo = hh !== 0 ? Math.clz32(hh) : 32 + Math.clz32(xl[a]); r.hi = 0; break; }
    case Op.CTZ: { const ll = xl[a]; r.lo = ll !== 0 ? ctz32(ll) : 32 + ctz32(xh[a]); r.hi = 0; break; }
    case Op.CPOP: r.lo = popcount32(xl[a]) + popcount32(xh[a]); r.hi = 0; break;
    case Op.CLZW: r.lo = Math.clz32(xl[a]); r.hi = 0; break;
    case Op.CTZW: r.lo = ctz32(xl[a]); r.hi = 0; break;
    case Op.CPOPW: r.lo = popcount32(xl[a]); r.hi = 0; break;
    case Op.ROL: case Op.ROR: case Op.RORI: {
      let s = (op === Op.RORI ? imm : xl[b]) & 63;
      if (op === Op.ROL) s = (64 - s) & 63;
      const al = xl[a], ah = xh[a];
      srl64(al, ah, s); const l1 = r.lo, h1 = r.hi;
      sll64(al, ah, (64 - s) & 63);
      r.lo = s === 0 ? al : l1 | r.lo; r.hi = s === 0 ? ah : h1 | r.hi;
      break;
    }
    case Op.ROLW: case Op.RORW: case Op.RORIW: {
      const x = xl[a];
      let s = (op === Op.RORIW ? imm : xl[b]) & 31;
      if (op === Op.ROLW) s = (32 - s) & 31;
      const v = s === 0 ? x : (x >>> s) | (x << (32 - s));
      r.lo = v; r.hi = v >> 31;
      break;
    }
    case Op.ORC_B: r.lo = orcb(xl[a]); r.hi = orcb(xh[a]); break;
    case Op.REV8: { const al = xl[a]; r.lo = bswap(xh[a]); r.hi = bswap(al); break; }
    // ---------------- Zbs ----------------
    case Op.BCLR: case Op.BCLRI: case Op.BSET: case Op.BSETI: case Op.BINV: case Op.BINVI: case Op.BEXT: case Op.BEXTI: {
      const isImm = op === Op.BCLRI || op === Op.BSETI || op === Op.BINVI || op === Op.BEXTI;
      const s = (isImm ? imm : xl[b]) & 63;
      const ml = s < 32 ? 1 << s : 0, mh = s >= 32 ? 1 << (s - 32) : 0;
      const al = xl[a], ah = xh[a];
      switch (op) {
        case Op.BCLR: case Op.BCLRI: r.lo = al & ~ml; r.hi = ah & ~mh; break;
        case Op.BSET: case Op.BSETI: r.lo = al | ml; r.hi = ah | mh; break;
        case Op.BINV: case Op.BINVI: r.lo = al ^ ml; r.hi = ah ^ mh; break;
        default: r.lo = ((al & ml) | (ah & mh)) !== 0 ? 1 : 0; r.hi = 0; break;
      }
      break;
    }
    // ---------------- Zicond ----------------
    case Op.CZERO_EQZ: case Op.CZERO_NEZ: {
      const zero = xl[b] === 0 && xh[b] === 0;
      const keep = op === Op.CZERO_EQZ ? !zero : zero;
      r.lo = keep ? xl[a] : 0; r.hi = keep ? xh[a] : 0;
      break;
    }
    default: return false;
  }
  xl[d] = r.lo; xh[d] = r.hi;
  return true;
}

/**
 * System, CSR, atomic and floating-point instructions, and illegal slots. The hart's pc must be the
 * instruction's address; `instretNow`/`cyclesNow` are the counters before this instruction (CSR reads
 * of instret and cycle see them). Returns an S_* status.
 */
export function execSystem(h: Hart, w: number, imm: number, instretNow: number, cyclesNow: number): number {
  const op = w & 255, d = (w >>> 8) & 63, s = (w >>> 14) & 31, b = (w >>> 19) & 31;
  const xl = h.xl, xh = h.xh;
  // Counters as of this instruction: CSR reads see them, and trap hooks (VM-exit records) read the cycle count.
  h.instret = instretNow;
  h.cycles = cyclesNow;
  switch (op) {
    case Op.ECALL:
      h.raise(h.priv === PRIV_M ? Exc.ECALL_M : h.priv === PRIV_U ? Exc.ECALL_U : h.virt ? Exc.ECALL_VS : Exc.ECALL_S, 0, 0);
      return S_TRAP;
    case Op.EBREAK: h.raise(Exc.BREAKPOINT, h.pcLo, h.pcHi); return S_TRAP;
    case Op.DEBUG_BREAK:
      // A debugger breakpoint: nothing executes, the slot is given back, the pc stays on the instruction.
      h.debugStop = true;
      h.exitCredit = EXIT_INVISIBLE;
      return S_TRAP;
    case Op.ILLEGAL: h.illegal(imm); return S_TRAP;

    // ---------------- Zicsr ----------------
    case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI: {
      const csr = imm & 0xfff;
      const isImm = op >= Op.CSRRWI;
      const slo = isImm ? s : xl[s], shi = isImm ? 0 : xh[s];
      const kind = isImm ? op - Op.CSRRWI : op - Op.CSRRW;   // 0 RW, 1 RS, 2 RC
      // CSRRS/CSRRC with rs1 = x0 (or uimm = 0) do not write (Zicsr, "CSR Instructions").
      const writes = kind === 0 || s !== 0;
      const ok = csrCheck(h, csr, writes);
      if (ok !== CSR_OK) { trapInsn(h, w, ok === CSR_VIRTUAL); return S_TRAP; }
      const target = csrTarget(h, csr);
      csrRead(h, target);
      const olo = r.lo, ohi = r.hi;
      if (writes) {
        const nlo = kind === 0 ? slo : kind === 1 ? olo | slo : olo & ~slo;
        const nhi = kind === 0 ? shi : kind === 1 ? ohi | shi : ohi & ~shi;
        if (!csrWrite(h, target, nlo, nhi)) { h.illegal(insnBits(h, w)); return S_TRAP; }
      }
      xl[d] = olo; xh[d] = ohi;
      return h.breakLoop ? S_BREAK : S_OK;
    }

    // ---------------- A ----------------
    case Op.LR_W: case Op.SC_W: case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W: case Op.AMOAND_W:
    case Op.AMOOR_W: case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W: case Op.AMOMAXU_W:
    case Op.LR_D: case Op.SC_D: case Op.AMOSWAP_D: case Op.AMOADD_D: case Op.AMOXOR_D: case Op.AMOAND_D:
    case Op.AMOOR_D: case Op.AMOMIN_D: case Op.AMOMAX_D: case Op.AMOMINU_D: case Op.AMOMAXU_D:
      if (!execAmo(h, op, d, s, b)) return S_TRAP;
      return h.breakLoop ? S_BREAK : S_OK;

    // ---------------- privileged (machine.adoc, supervisor.adoc; hypervisor.adoc "Trap Cause Codes" for which
    // attempts from VS/VU raise virtual-instruction instead of illegal-instruction) ----------------
    case Op.MRET:
      if (h.priv < PRIV_M) { h.illegal(insnBits(h, w)); return S_TRAP; }
      h.mret();
      return S_JUMP;
    case Op.SRET:
      if (h.virt) {
        if (h.priv === PRIV_U || (h.hstatus & HSTATUS_VTSR) !== 0) { h.virtualInsn(insnBits(h, w)); return S_TRAP; }
      } else if (h.priv === PRIV_U || (h.priv === PRIV_S && (h.mstatus & MSTATUS_TSR) !== 0)) {
        h.illegal(insnBits(h, w)); return S_TRAP;
      }
      h.sret();
      return S_JUMP;
    case Op.WFI: {
      // TW traps WFI in every mode below M (illegal); then VU, and VS with VTW, raise virtual-instruction.
      if (h.priv !== PRIV_M && (h.mstatus & MSTATUS_TW) !== 0) { h.illegal(insnBits(h, w)); return S_TRAP; }
      if (h.virt) {
        if (h.priv === PRIV_U || (h.hstatus & HSTATUS_VTW) !== 0) { h.virtualInsn(insnBits(h, w)); return S_TRAP; }
      } else if (h.priv === PRIV_U) { h.illegal(insnBits(h, w)); return S_TRAP; }
      if (!h.wakeable()) h.waiting = true;
      return S_BREAK;
    }
    case Op.SFENCE_VMA: {
      if (h.virt) {
        if (h.priv === PRIV_U || (h.hstatus & HSTATUS_VTVM) !== 0) { h.virtualInsn(insnBits(h, w)); return S_TRAP; }
        // In VS-mode: guest virtual addresses and guest ASIDs of the current VM (hgatp.VMID).
        h.tlb.flush(xl[s], xh[s], s !== 0, xl[b] & 0xffff, b !== 0, guestVmid(h));
      } else {
        if (h.priv === PRIV_U || (h.priv === PRIV_S && (h.mstatus & MSTATUS_TVM) !== 0)) { h.illegal(insnBits(h, w)); return S_TRAP; }
        h.tlb.flush(xl[s], xh[s], s !== 0, xl[b] & 0xffff, b !== 0, HOST_VMID);
      }
      h.mmuContextChanged();
      return S_BREAK;
    }
    case Op.HFENCE_VVMA: case Op.HFENCE_GVMA: {
      if (h.virt) { h.virtualInsn(insnBits(h, w)); return S_TRAP; }
      if (h.priv === PRIV_U || (op === Op.HFENCE_GVMA && h.priv === PRIV_S && (h.mstatus & MSTATUS_TVM) !== 0)) {
        h.illegal(insnBits(h, w)); return S_TRAP;
      }
      if (op === Op.HFENCE_VVMA) {
        // Like SFENCE.VMA in VS-mode, for the VM that hgatp.VMID names.
        h.tlb.flush(xl[s], xh[s], s !== 0, xl[b] & 0xffff, b !== 0, guestVmid(h));
      } else if (b !== 0) {
        // The TLB caches guest-virtual → supervisor-physical, so a G-stage fence for one VMID drops all of
        // that VM's entries whatever the guest physical address in rs1 (hypervisor.adoc, HFENCE.GVMA note).
        h.tlb.flushVmid(GUEST_VMID_BASE + (xl[b] & 0x3fff));
      } else {
        h.tlb.flushGuests();
      }
      h.mmuContextChanged();
      return S_BREAK;
    }
    case Op.HLV_B: case Op.HLV_BU: case Op.HLV_H: case Op.HLV_HU: case Op.HLVX_HU: case Op.HLV_W: case Op.HLVX_WU:
    case Op.HLV_WU: case Op.HLV_D: case Op.HSV_B: case Op.HSV_H: case Op.HSV_W: case Op.HSV_D:
      return execHlv(h, op, d, s, b, w);

    default: {
      if (execAlu(h, op, d, s, b, imm)) return S_OK;
      // F and D (fpu.ts); illegal while mstatus.FS (or, when V=1, vsstatus.FS) is Off (unprivileged F chapter,
      // "FS"; hypervisor.adoc, vsstatus).
      if (!h.fpEnabled()) { h.illegal(insnBits(h, w)); return S_TRAP; }
      const st = execFp(h, op, d, s, b, (w >>> 25) & 31, imm);
      if (st !== FP_OK) {
        if (st === FP_ILLEGAL) h.illegal(insnBits(h, w));
        return S_TRAP;
      }
      return h.breakLoop ? S_BREAK : S_OK;
    }
  }
}

/** Raises illegal-instruction, or virtual-instruction when `virtual`, with the instruction bits as tval. */
function trapInsn(h: Hart, w: number, virtual: boolean): void {
  if (virtual) h.virtualInsn(insnBits(h, w)); else h.illegal(insnBits(h, w));
}

/**
 * HLV, HLVX and HSV (hypervisor.adoc "Hypervisor Virtual-Machine Load and Store Instructions"): explicit
 * accesses made as though V=1 at privilege hstatus.SPVP, from M or HS (or U with hstatus.HU).
 */
function execHlv(h: Hart, op: number, d: number, s: number, b: number, w: number): number {
  if (h.virt) { h.virtualInsn(insnBits(h, w)); return S_TRAP; }
  if (h.priv === PRIV_U && (h.hstatus & HSTATUS_HU) === 0) { h.illegal(insnBits(h, w)); return S_TRAP; }
  const xl = h.xl, xh = h.xh;
  const lo = xl[s], hi = xh[s];
  const isStore = op >= Op.HSV_B;
  const size = isStore ? 1 << (op - Op.HSV_B)
    : op === Op.HLV_D ? 8 : op === Op.HLV_W || op === Op.HLVX_WU || op === Op.HLV_WU ? 4
      : op === Op.HLV_B || op === Op.HLV_BU ? 1 : 2;
  h.hlv = op === Op.HLVX_HU || op === Op.HLVX_WU ? 2 : 1;
  const ok = isStore ? storeSlow(h, lo, hi, size, xl[b], xh[b]) : loadSlow(h, lo, hi, size);
  h.hlv = 0;
  if (!ok) return S_TRAP;
  if (!isStore) {
    const x = ld.lo;
    switch (op) {
      case Op.HLV_B: xl[d] = (x << 24) >> 24; xh[d] = xl[d] >> 31; break;
      case Op.HLV_H: xl[d] = (x << 16) >> 16; xh[d] = xl[d] >> 31; break;
      case Op.HLV_W: xl[d] = x; xh[d] = x >> 31; break;
      case Op.HLV_D: xl[d] = x; xh[d] = ld.hi; break;
      default: xl[d] = x; xh[d] = 0; break;
    }
  }
  return h.breakLoop ? S_BREAK : S_OK;
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
