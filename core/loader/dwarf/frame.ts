// Call frame information in .debug_frame (DWARF 5 §6.4): CIEs and FDEs, the DW_CFA_* programs run into rows of
// rules, and one unwinding step (the caller's pc, sp and saved registers from a pc, the registers and memory).
// Without an FDE for a pc, the step falls back to the frame-pointer chain of the RISC-V psABI (s0 = frame
// pointer, the return address at s0-8 and the caller's s0 at s0-16).

import { type ExprContext, evaluateValue } from './expr';
import { errorText } from './line';
import { Reader } from './reader';

/** How to recover a register of the caller (DWARF 5 §6.4.1). */
export type RegRule =
  | { kind: 'undefined' }
  | { kind: 'same' }
  | { kind: 'offset'; n: number }
  | { kind: 'valOffset'; n: number }
  | { kind: 'register'; reg: number }
  | { kind: 'expression'; expr: Uint8Array }
  | { kind: 'valExpression'; expr: Uint8Array };

/** How to compute the canonical frame address: a register plus an offset, or an expression. */
export type CfaRule = { reg: number; offset: number } | { expr: Uint8Array };

/** One row of the table: from `loc` on (until the next row), these rules hold. Registers not in `regs` keep
 *  their CIE's initial rule or, without one, are unspecified (treated as unchanged for callee-saved registers). */
export interface FrameRow { loc: bigint; cfa: CfaRule; regs: Map<number, RegRule> }

export interface Cie {
  offset: number;
  version: number;
  codeAlign: number;
  dataAlign: number;
  raReg: number;
  addrSize: number;
  initial: Uint8Array;
}

export interface Fde { offset: number; cie: Cie; lo: bigint; hi: bigint; instructions: Uint8Array }

/** Registers by DWARF number (0-31: x0-x31); undefined where the value is not known. */
export type RegisterFile = (bigint | undefined)[];

/** The caller's state after one unwinding step. */
export interface UnwindStep {
  /** The return address: where the caller resumes. */
  pc: bigint;
  /** The caller's registers (sp = the CFA; callee-saved ones restored; caller-saved ones unknown). */
  regs: RegisterFile;
  cfa: bigint;
  /** 'cfi' (from an FDE) or 'frame-pointer' (the s0 chain). */
  method: 'cfi' | 'frame-pointer';
}

/** Registers a callee may clobber (psABI): their values in a caller's frame are unknown unless a rule says so. */
const CALLER_SAVED = new Set([5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31]);
const SP = 2, FP = 8;
const MAX_INSNS = 100_000;

export class CallFrameInfo {
  readonly fdes: Fde[];

  private constructor(fdes: Fde[]) {
    this.fdes = fdes.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  }

  /** Parses .debug_frame; a malformed entry is reported in `warnings` and skipped. */
  static parse(sec: Uint8Array | undefined, warnings: string[], addrSize = 8): CallFrameInfo {
    const fdes: Fde[] = [];
    if (sec === undefined) return new CallFrameInfo(fdes);
    const cies = new Map<number, Cie | null>();
    let off = 0;
    for (let guard = 0; off < sec.length && guard < sec.length; guard++) {
      let next: number;
      let r: Reader, dwarf64: boolean;
      try {
        const h = new Reader(sec, '.debug_frame', off);
        const il = h.initialLength();
        dwarf64 = il.dwarf64;
        next = h.pos + il.length;
        if (il.length === 0) { off = next; continue; }           // a zero terminator or padding
        if (next > sec.length) { warnings.push(`.debug_frame+0x${off.toString(16)}: entry runs past the section; stopped here`); break; }
        r = new Reader(sec, '.debug_frame', h.pos, next);
      } catch (e) {
        warnings.push(errorText(e));
        break;
      }
      try {
        const id = dwarf64 ? r.u64() : BigInt(r.u32());
        const isCie = dwarf64 ? id === 0xffffffffffffffffn : id === 0xffffffffn;
        if (isCie) {
          cies.set(off, parseCie(r, off, addrSize));
        } else {
          const cieOff = Number(id);
          let cie = cies.get(cieOff);
          if (cie === undefined) {
            cie = parseCieAt(sec, cieOff, addrSize);
            cies.set(cieOff, cie);
          }
          if (cie === null) throw new Error(`its CIE at 0x${cieOff.toString(16)} is unusable`);
          const lo = r.uN(cie.addrSize), len = r.uN(cie.addrSize);
          fdes.push({ offset: off, cie, lo, hi: BigInt.asUintN(64, lo + len), instructions: r.block(r.left) });
        }
      } catch (e) {
        warnings.push(`.debug_frame entry at 0x${off.toString(16)} skipped: ${errorText(e)}`);
        if (!cies.has(off)) cies.set(off, null);
      }
      off = next;
    }
    return new CallFrameInfo(fdes);
  }

  /** The FDE covering `pc`. */
  fdeFor(pc: bigint): Fde | undefined {
    const a = this.fdes;
    let lo = 0, hi = a.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid].lo <= pc) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // FDEs do not overlap in practice; look back a little in case a zero-length one hides the right one.
    for (let i = best; i >= 0 && i > best - 8; i--) if (a[i].lo <= pc && pc < a[i].hi) return a[i];
    return undefined;
  }

  /** The rules in effect at `pc`, or undefined without an FDE. */
  rowAt(pc: bigint): FrameRow | undefined {
    const f = this.fdeFor(pc);
    if (f === undefined) return undefined;
    const rows = this.rows(f, pc);
    return rows[rows.length - 1];
  }

  /** The rows of an FDE's table (up to `until` if given), the first at the FDE's start. */
  rows(f: Fde, until?: bigint): FrameRow[] {
    return runProgram(f, until);
  }

  /**
   * One unwinding step from a frame at `pc` with registers `regs`: the caller's pc and registers, or undefined at
   * the outermost frame (return address undefined or zero) or when nothing can be recovered. `caller` says the
   * frame is not the innermost one (its pc is a return address, so the lookup uses pc - 1).
   */
  unwind(pc: bigint, regs: RegisterFile, read: (address: bigint, size: number) => bigint | undefined, caller = false): UnwindStep | undefined {
    const look = caller && pc > 0n ? pc - 1n : pc;
    const fde = this.fdeFor(look);
    if (fde === undefined) return unwindFramePointer(regs, read);
    const rows = runProgram(fde, look);
    const row = rows[rows.length - 1];
    const ctx: ExprContext = { reg: (n) => regs[n], read, addrSize: fde.cie.addrSize };
    let cfa: bigint | undefined;
    if ('reg' in row.cfa) {
      const base = regs[row.cfa.reg];
      cfa = base === undefined ? undefined : BigInt.asUintN(64, base + BigInt(row.cfa.offset));
    } else cfa = evaluateValue(row.cfa.expr, ctx);
    if (cfa === undefined) return undefined;
    const out: RegisterFile = regs.map((v, i) => (CALLER_SAVED.has(i) ? undefined : v));
    out[SP] = cfa;
    for (const [n, rule] of row.regs) {
      switch (rule.kind) {
        case 'undefined': out[n] = undefined; break;
        case 'same': out[n] = regs[n]; break;
        case 'offset': out[n] = read(BigInt.asUintN(64, cfa + BigInt(rule.n)), 8); break;
        case 'valOffset': out[n] = BigInt.asUintN(64, cfa + BigInt(rule.n)); break;
        case 'register': out[n] = regs[rule.reg]; break;
        case 'expression': { const a = evaluateValue(rule.expr, ctx, cfa); out[n] = a === undefined ? undefined : read(a, 8); break; }
        case 'valExpression': out[n] = evaluateValue(rule.expr, ctx, cfa); break;
      }
    }
    const raRule = row.regs.get(fde.cie.raReg);
    const ra = raRule === undefined ? regs[fde.cie.raReg] : out[fde.cie.raReg];
    out[fde.cie.raReg] = ra;
    if (ra === undefined || ra === 0n) return undefined;
    return { pc: ra, regs: out, cfa, method: 'cfi' };
  }
}

/** One step up the s0 chain: the caller's pc at s0-8, its s0 at s0-16, its sp = s0. */
function unwindFramePointer(regs: RegisterFile, read: (address: bigint, size: number) => bigint | undefined): UnwindStep | undefined {
  const fp = regs[FP], sp = regs[SP];
  if (fp === undefined || fp === 0n || (fp & 7n) !== 0n || (sp !== undefined && fp <= sp) || fp < 16n) return undefined;
  const ra = read(fp - 8n, 8), prev = read(fp - 16n, 8);
  if (ra === undefined || ra === 0n || prev === undefined) return undefined;
  const out: RegisterFile = regs.map((v, i) => (CALLER_SAVED.has(i) ? undefined : v));
  out[SP] = fp;
  out[FP] = prev;
  out[1] = ra;
  return { pc: ra, regs: out, cfa: fp, method: 'frame-pointer' };
}

function parseCieAt(sec: Uint8Array, off: number, addrSize: number): Cie | null {
  try {
    const h = new Reader(sec, '.debug_frame', off);
    const { length, dwarf64 } = h.initialLength();
    const r = new Reader(sec, '.debug_frame', h.pos, h.pos + length);
    const id = dwarf64 ? r.u64() : BigInt(r.u32());
    if (id !== (dwarf64 ? 0xffffffffffffffffn : 0xffffffffn)) return null;
    return parseCie(r, off, addrSize);
  } catch {
    return null;
  }
}

function parseCie(r: Reader, offset: number, defaultAddrSize: number): Cie {
  const version = r.u8();
  if (version !== 1 && version !== 3 && version !== 4) r.fail(`unsupported CIE version ${version}`);
  const augmentation = r.cstr();
  let addrSize = defaultAddrSize;
  if (augmentation.includes('eh')) r.skip(addrSize);
  if (version >= 4) {
    addrSize = r.u8();
    r.u8();                                                            // segment_selector_size
    if (addrSize !== 4 && addrSize !== 8) r.fail(`unsupported address size ${addrSize}`);
  }
  const codeAlign = r.uleb(), dataAlign = r.sleb();
  const raReg = version === 1 ? r.u8() : r.uleb();
  if (augmentation.startsWith('z')) r.skip(r.uleb());                // augmentation data (not used by .debug_frame)
  else if (augmentation !== '' && augmentation !== 'eh') r.fail(`unknown augmentation "${augmentation}"`);
  return { offset, version, codeAlign, dataAlign, raReg, addrSize, initial: r.block(r.left) };
}

/** Runs the CIE's initial instructions then the FDE's up to `until` (DWARF 5 §6.4.2), a row per location. */
function runProgram(f: Fde, until?: bigint): FrameRow[] {
  const { cie } = f;
  const init = new Map<number, RegRule>();
  const state = { cfa: { reg: SP, offset: 0 } as CfaRule, regs: new Map<number, RegRule>() };
  const rows: FrameRow[] = [];
  let loc = f.lo;
  const stack: { cfa: CfaRule; regs: Map<number, RegRule> }[] = [];
  const run = (bytes: Uint8Array, isCie: boolean): boolean => {
    const r = new Reader(bytes, '.debug_frame instructions');
    const restore = (n: number) => { const v = init.get(n); if (v === undefined) state.regs.delete(n); else state.regs.set(n, v); };
    const setLoc = (to: bigint): boolean => {
      if (isCie) return true;
      if (until !== undefined && to > until) return false;
      if (to !== loc) { rows.push(snapshot(loc)); loc = to; }
      return true;
    };
    const snapshot = (at: bigint): FrameRow => ({ loc: at, cfa: state.cfa, regs: new Map(state.regs) });
    try {
      for (let n = 0; !r.atEnd() && n < MAX_INSNS; n++) {
        const b = r.u8();
        const high = b & 0xc0, low = b & 0x3f;
        if (high === 0x40) { if (!setLoc(loc + BigInt(low * cie.codeAlign))) return false; continue; }
        if (high === 0x80) { state.regs.set(low, { kind: 'offset', n: r.uleb() * cie.dataAlign }); continue; }
        if (high === 0xc0) { restore(low); continue; }
        switch (b) {
          case 0x00: break;                                                         // nop
          case 0x01: if (!setLoc(r.uN(cie.addrSize))) return false; break;          // set_loc
          case 0x02: if (!setLoc(loc + BigInt(r.u8() * cie.codeAlign))) return false; break;
          case 0x03: if (!setLoc(loc + BigInt(r.u16() * cie.codeAlign))) return false; break;
          case 0x04: if (!setLoc(loc + BigInt(r.u32() * cie.codeAlign))) return false; break;
          case 0x05: { const reg = r.uleb(); state.regs.set(reg, { kind: 'offset', n: r.uleb() * cie.dataAlign }); break; }
          case 0x06: restore(r.uleb()); break;
          case 0x07: state.regs.set(r.uleb(), { kind: 'undefined' }); break;
          case 0x08: state.regs.set(r.uleb(), { kind: 'same' }); break;
          case 0x09: { const reg = r.uleb(); state.regs.set(reg, { kind: 'register', reg: r.uleb() }); break; }
          case 0x0a: if (stack.length < 64) stack.push({ cfa: state.cfa, regs: new Map(state.regs) }); break;
          case 0x0b: { const s = stack.pop(); if (s !== undefined) { state.cfa = s.cfa; state.regs = s.regs; } break; }
          case 0x0c: { const reg = r.uleb(); state.cfa = { reg, offset: r.uleb() }; break; }
          case 0x0d: { const reg = r.uleb(); state.cfa = { reg, offset: 'reg' in state.cfa ? state.cfa.offset : 0 }; break; }
          case 0x0e: { const o = r.uleb(); state.cfa = { reg: 'reg' in state.cfa ? state.cfa.reg : SP, offset: o }; break; }
          case 0x0f: state.cfa = { expr: r.block(r.uleb()) }; break;
          case 0x10: { const reg = r.uleb(); state.regs.set(reg, { kind: 'expression', expr: r.block(r.uleb()) }); break; }
          case 0x11: { const reg = r.uleb(); state.regs.set(reg, { kind: 'offset', n: r.sleb() * cie.dataAlign }); break; }
          case 0x12: { const reg = r.uleb(); state.cfa = { reg, offset: r.sleb() * cie.dataAlign }; break; }
          case 0x13: { const o = r.sleb() * cie.dataAlign; state.cfa = { reg: 'reg' in state.cfa ? state.cfa.reg : SP, offset: o }; break; }
          case 0x14: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valOffset', n: r.uleb() * cie.dataAlign }); break; }
          case 0x15: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valOffset', n: r.sleb() * cie.dataAlign }); break; }
          case 0x16: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valExpression', expr: r.block(r.uleb()) }); break; }
          case 0x2e: r.uleb(); break;                                                // GNU_args_size
          case 0x2f: { const reg = r.uleb(); state.regs.set(reg, { kind: 'offset', n: -r.uleb() * cie.dataAlign }); break; }
          default: r.fail(`unknown call frame instruction 0x${b.toString(16)}`);
        }
      }
    } catch {
      // A truncated or unknown instruction ends the program: the rows so far stand.
    }
    return true;
  };
  run(cie.initial, true);
  for (const [k, v] of state.regs) init.set(k, v);
  const initialCfa = state.cfa;
  stack.length = 0;
  state.cfa = initialCfa;
  run(f.instructions, false);
  rows.push({ loc, cfa: state.cfa, regs: new Map(state.regs) });
  return rows;
}
