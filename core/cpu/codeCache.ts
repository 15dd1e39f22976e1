// Decoded-instruction cache: one lazily decoded slot array per 4 KiB RAM page, keyed by physical page,
// shared by all harts and invalidated when the page is written.

import { Op } from '../isa/opcodes';

/**
 * A decoded page is one Int32Array with two words per 2-byte slot (slot k of the page at byte offset
 * b = 2k lives at [b, b + 1], so the interpreter indexes it with `pc & 4094`): a packed field word and
 * the immediate. One array instead of one per field keeps the interpreter's loop state small.
 *
 * Field word: op (bits 7:0) | rd (13:8, 32 = the x0 sink) | rs1 (18:14) | rs2 (23:19) | compressed (24)
 * | rs3 (29:25). Bit 31 is never set in a decoded slot, so an undecoded slot reads as UNDECODED (-1).
 * Immediate word: the immediate; the rounding-mode field for F/D operations that round (they have no
 * immediate); the instruction bits for ILLEGAL.
 */
export type DecodedPage = Int32Array;

/** Slot field word meaning "not decoded yet". */
export const UNDECODED = -1;
/** Field-word bit: the instruction is compressed (2 bytes). */
export const SLOT_C = 1 << 24;
/** Int32 words per decoded page. */
export const PAGE_WORDS = 4096;

export function newDecodedPage(): DecodedPage {
  return new Int32Array(PAGE_WORDS).fill(UNDECODED);
}

/** Packs the field word of one slot. */
export function packSlot(op: number, rd: number, rs1: number, rs2: number, rs3: number, compressed: boolean): number {
  return op | (rd << 8) | (rs1 << 14) | (rs2 << 19) | (compressed ? SLOT_C : 0) | (rs3 << 25);
}

export class CodeCache {
  private readonly pages: (DecodedPage | undefined)[];
  /** Scratch page for an instruction that straddles two pages (decoded per execution, never cached). */
  readonly scratch = newDecodedPage();
  invalidations = 0;
  /** The debugger's breakpoints (empty: the interpreter runs the shared pages). */
  readonly breakpoints = new Breakpoints();

  constructor(ramPages: number) {
    this.pages = new Array<DecodedPage | undefined>(ramPages).fill(undefined);
  }

  /** Decoded page for RAM page index p, created if needed. */
  get(p: number): DecodedPage {
    let d = this.pages[p];
    if (d === undefined) { d = newDecodedPage(); this.pages[p] = d; }
    return d;
  }

  has(p: number): boolean { return this.pages[p] !== undefined; }

  /** Decoded page for RAM page index p if there is one. */
  peek(p: number): DecodedPage | undefined { return this.pages[p]; }

  invalidate(p: number): void {
    if (this.pages[p] !== undefined) { this.pages[p] = undefined; this.invalidations++; }
  }

  clear(): void { this.pages.fill(undefined); }
}

/** F/D operations that take a rounding mode (their slot's immediate word holds rm). */
export function usesRoundingMode(op: Op): boolean {
  return op >= Op.FLW && op <= Op.FMV_D_X && op !== Op.FLW && op !== Op.FSW && op !== Op.FLD && op !== Op.FSD;
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

/**
 * Breakpoints by virtual address. The interpreter runs a fetch page that holds some from a copy of its decoded
 * page with those slots replaced by DEBUG_BREAK: guest memory and the shared decoded page stay as they are, so
 * the guest cannot see a breakpoint, and an address that is not mapped yet gets its breakpoint when the hart
 * first fetches from it.
 */
export class Breakpoints {
  /** Per virtual page ("hi:lo" of the page base): the page offsets (even) with a breakpoint. */
  private readonly pages = new Map<string, number[]>();
  /** Patched copies: per virtual page, the decoded page they were made from and the copy. */
  private readonly copies = new Map<string, { src: DecodedPage; copy: DecodedPage }>();
  /** Set to skip breakpoints for the next instruction of a hart (stepping off one). */
  enabled = true;

  get size(): number { return this.pages.size; }

  /** Replaces the set: `vas` are virtual addresses (bits 0 ignored). */
  set(vas: bigint[]): void {
    this.pages.clear();
    this.copies.clear();
    for (const va of vas) {
      const v = BigInt.asUintN(64, va);
      const key = pageKey(Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
      const off = Number(v & 0xffen);
      const list = this.pages.get(key);
      if (list === undefined) this.pages.set(key, [off]); else if (!list.includes(off)) list.push(off);
    }
  }

  /** The page to run for the fetch page at (lo, hi) whose decoded page is `code`: `code` itself, or its patched copy. */
  pageFor(code: DecodedPage, lo: number, hi: number): DecodedPage {
    if (!this.enabled) return code;
    const key = pageKey(lo, hi);
    const offs = this.pages.get(key);
    if (offs === undefined) return code;
    const c = this.copies.get(key);
    if (c !== undefined && c.src === code) return c.copy;
    const copy = code.slice();
    for (const k of offs) { copy[k] = Op.DEBUG_BREAK; copy[k + 1] = 0; }
    this.copies.set(key, { src: code, copy });
    return copy;
  }
}

function pageKey(lo: number, hi: number): string {
  return `${hi >>> 0}:${(lo & -4096) >>> 0}`;
}
