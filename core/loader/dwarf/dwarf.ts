// The debugger's view of an ELF's DWARF: source lines (address → file/line/column, file/line → addresses, source
// files), functions and inlined calls at a pc, the variables in scope with their locations, and unwinding. Every
// query answers from tables parsed once; problems found while parsing are collected in `warnings`, never thrown.

import { elfSections } from '../elf';
import { type ExprContext, type Location, evaluateLocation, evaluateValue } from './expr';
import { CallFrameInfo, type RegisterFile, type UnwindStep } from './frame';
import { DW_AT, DW_TAG, type Die, type Unit, attrConst, attrString, parseUnits } from './info';
import { type LineProgram, type LineRow, type UnitPaths, errorText, parseLinePrograms } from './line';
import { type LocEntry, type Range, dieRanges, locationList } from './lists';
import { type DwarfSections, dwarfSections, normalizePath } from './reader';
import { type TypeInfo, TypeResolver } from './types';

export interface SourceLocation { file: string; line: number; column: number }

/** A function with code (a concrete DW_TAG_subprogram). */
export interface FunctionInfo { name: string; lo: bigint; ranges: Range[]; die: Die }

/** One frame of the inline chain at a pc: the function itself (outermost) or a call inlined into it. */
export interface InlineFrame {
  name: string;
  /** The subprogram or inlined_subroutine entry. */
  die: Die;
  /** Where this frame is: the pc's line for the innermost, the inlined call's position for the others. */
  location: SourceLocation | undefined;
  /** The scopes of this frame that contain the pc: the frame's entry and the lexical blocks inside it. */
  scopes: Die[];
  /** The subprogram the frame belongs to (for its frame base). */
  function: Die;
}

/** Where a variable's value is described. */
export type VariableLocation =
  | { kind: 'expr'; expr: Uint8Array }
  | { kind: 'list'; entries: LocEntry[] }
  | { kind: 'const'; value: bigint | Uint8Array }
  | { kind: 'none' };

export interface VariableInfo { name: string; parameter: boolean; type: TypeInfo | undefined; location: VariableLocation; die: Die }

interface Sequence { start: bigint; end: bigint; rows: LineRow[]; program: LineProgram }

const MAX_ORIGIN_DEPTH = 8;

export class DwarfInfo {
  readonly warnings: string[] = [];
  readonly units: Unit[];
  readonly programs: LineProgram[];
  readonly frames: CallFrameInfo;
  readonly types: TypeResolver;
  private readonly dies = new Map<number, Die>();
  private readonly sequences: Sequence[] = [];
  private readonly functions: FunctionInfo[] = [];
  private readonly programByOffset = new Map<number, LineProgram>();

  /** Reads the DWARF sections of an ELF file (no DWARF: empty tables). Throws LoadError only for a bad ELF. */
  static fromElf(bytes: Uint8Array, name = 'image'): DwarfInfo {
    return new DwarfInfo(dwarfSections(elfSections(bytes, name)));
  }

  constructor(readonly sections: DwarfSections) {
    const w = this.warnings;
    this.units = guard(w, () => parseUnits(sections, w, this.dies), []);
    const paths = new Map<number, UnitPaths>();
    for (const u of this.units) if (u.stmtList !== undefined) paths.set(u.stmtList, { compDir: u.compDir, name: u.name });
    this.programs = guard(w, () => parseLinePrograms(sections, paths, w), []);
    this.frames = guard(w, () => CallFrameInfo.parse(sections.frame, w, this.units[0]?.addrSize ?? 8), CallFrameInfo.parse(undefined, w));
    this.types = new TypeResolver(sections, this.dies);
    for (const p of this.programs) {
      this.programByOffset.set(p.offset, p);
      for (const rows of p.sequences) {
        if (rows.length < 2) continue;
        this.sequences.push({ start: rows[0].address, end: rows[rows.length - 1].address, rows, program: p });
      }
    }
    this.sequences.sort((a, b) => cmp(a.start, b.start));
    for (const u of this.units) guard(w, () => this.collectFunctions(u.root, 0), undefined);
    this.functions.sort((a, b) => cmp(a.lo, b.lo));
  }

  /** True when there is a line table to map addresses to sources. */
  get hasLines(): boolean { return this.sequences.length > 0; }

  // ---- lines ----

  /** The source position of `pc` (the row covering it), with the address where that row starts. */
  sourceAt(pc: bigint): (SourceLocation & { address: bigint }) | undefined {
    const hit = this.rowAt(pc);
    if (hit === undefined) return undefined;
    const { row, seq } = hit;
    const file = seq.program.files[row.file];
    if (file === undefined || file === '') return undefined;
    return { file, line: row.line, column: row.column, address: row.address };
  }

  /** True when a row marked is_stmt starts exactly at `pc` (a place to stop at when stepping by lines). */
  isStatement(pc: bigint): boolean {
    const hit = this.rowAt(pc);
    if (hit === undefined) return false;
    const { seq } = hit;
    let i = hit.index;
    while (i > 0 && seq.rows[i - 1].address === pc) i--;
    for (; i < seq.rows.length && seq.rows[i].address === pc; i++) if (seq.rows[i].isStmt && !seq.rows[i].endSequence) return true;
    return false;
  }

  private rowAt(pc: bigint): { row: LineRow; seq: Sequence; index: number } | undefined {
    const s = this.sequences;
    let lo = 0, hi = s.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid].start <= pc) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // Sequences do not overlap, except ones the linker left at 0: look back a little past those.
    for (let i = best; i >= 0 && i > best - 64; i--) {
      const seq = s[i];
      if (pc >= seq.end) continue;
      // the last row at or before pc (rows at one address: the last one describes the code there)
      const rows = seq.rows;
      let a = 0, b = rows.length - 2, at = -1;
      while (a <= b) {
        const mid = (a + b) >> 1;
        if (rows[mid].address <= pc) { at = mid; a = mid + 1; } else b = mid - 1;
      }
      if (at >= 0) return { row: rows[at], seq, index: at };
    }
    return undefined;
  }

  /** Every source file that has code (full paths as the line tables give them). */
  sourceFiles(): string[] {
    const out = new Set<string>();
    for (const seq of this.sequences) {
      for (const r of seq.rows) { const f = seq.program.files[r.file]; if (f !== undefined && f !== '') out.add(f); }
    }
    return [...out].sort();
  }

  /**
   * The addresses where a breakpoint on `file`:`line` goes: the first is_stmt address of the line in each
   * function (or inlined copy) holding code for it; for a line without code, the next line of the file that has
   * some (as debuggers do). `file` may be a full path or end with a DWARF file's path. Undefined: no such code.
   */
  addressesFor(file: string, line: number): { file: string; line: number; addresses: bigint[] } | undefined {
    const files = this.matchFile(file);
    if (files.size === 0) return undefined;
    let best: number | undefined;
    const rows: { row: LineRow; file: string }[] = [];
    for (const seq of this.sequences) {
      for (let i = 0; i < seq.rows.length - 1; i++) {
        const r = seq.rows[i];
        if (!r.isStmt) continue;
        const f = seq.program.files[r.file];
        if (f === undefined || !files.has(f) || r.line < line) continue;
        if (best === undefined || r.line < best) { best = r.line; rows.length = 0; }
        if (r.line === best) rows.push({ row: r, file: f });
      }
    }
    if (best === undefined) return undefined;
    // One address per scope: the lowest where the line starts in each function or inlined copy.
    const byScope = new Map<string, bigint>();
    for (const { row } of rows) {
      const frames = this.inlineFramesAt(row.address);
      const key = frames.length > 0 ? frames.map((f) => f.die.offset).join('/') : `seq:${row.address}`;
      const prev = byScope.get(key);
      if (prev === undefined || row.address < prev) byScope.set(key, row.address);
    }
    const addresses = [...new Set(byScope.values())].sort(cmp);
    return { file: rows[0].file, line: best, addresses };
  }

  /** The line tables' files that `file` names: equal paths, or the ones sharing the longest path suffix. */
  matchFile(file: string): Set<string> {
    const want = normalizePath(file).split('/').reverse();
    let bestScore = 0;
    const out = new Set<string>();
    for (const seq of this.sequences) {
      for (const f of seq.program.files) {
        if (f === '' || out.has(f)) continue;
        const have = f.split('/').reverse();
        let score = 0;
        while (score < want.length && score < have.length && want[score] === have[score]) score++;
        if (score === 0) continue;
        // a relative DWARF path must match entirely; an absolute one must match the whole of the request
        if (score < have.length && score < want.length) continue;
        if (score > bestScore) { bestScore = score; out.clear(); }
        if (score === bestScore) out.add(f);
      }
    }
    return out;
  }

  // ---- functions and scopes ----

  private collectFunctions(die: Die, depth: number): void {
    if (depth > 64) return;
    if (die.tag === DW_TAG.subprogram) {
      const ranges = dieRanges(this.sections, die);
      if (ranges.length > 0) {
        const name = this.nameOf(die) ?? '??';
        for (const r of ranges) this.functions.push({ name, lo: r.lo, ranges: [r], die });
      }
      return;
    }
    for (const c of die.children) this.collectFunctions(c, depth + 1);
  }

  /** The function whose code holds `pc`. */
  functionAt(pc: bigint): FunctionInfo | undefined {
    const a = this.functions;
    let lo = 0, hi = a.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid].lo <= pc) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    for (let i = best; i >= 0 && i > best - 16; i--) if (a[i].ranges[0].lo <= pc && pc < a[i].ranges[0].hi) return a[i];
    return undefined;
  }

  /** A function's address by name (its lowest address), for function breakpoints and tests. */
  functionNamed(name: string): FunctionInfo | undefined {
    let best: FunctionInfo | undefined;
    for (const f of this.functions) if (f.name === name && (best === undefined || f.lo < best.lo)) best = f;
    return best;
  }

  /** The frames at `pc`, innermost first: calls inlined at pc, then the function itself. Empty: no function. */
  inlineFramesAt(pc: bigint): InlineFrame[] {
    const fn = this.functionAt(pc);
    if (fn === undefined) return [];
    const frames: InlineFrame[] = [{ name: fn.name, die: fn.die, location: undefined, scopes: [fn.die], function: fn.die }];
    let die = fn.die;
    for (let depth = 0; depth < 64; depth++) {
      const next = die.children.find((c) => (c.tag === DW_TAG.lexical_block || c.tag === DW_TAG.inlined_subroutine) && this.covers(c, pc));
      if (next === undefined) break;
      if (next.tag === DW_TAG.inlined_subroutine) {
        frames.push({ name: this.nameOf(next) ?? '??', die: next, location: undefined, scopes: [next], function: fn.die });
      } else {
        frames[frames.length - 1].scopes.push(next);
      }
      die = next;
    }
    // Each outer frame stands where the next one was inlined (DW_AT_call_file/line/column).
    for (let i = 0; i < frames.length - 1; i++) frames[i].location = this.callSite(frames[i + 1].die);
    frames[frames.length - 1].location = this.sourceAt(pc);
    return frames.reverse();
  }

  private covers(die: Die, pc: bigint): boolean {
    const ranges = guard(this.warnings, () => dieRanges(this.sections, die), []);
    // A lexical block without addresses spans its parent's.
    if (ranges.length === 0) return die.tag === DW_TAG.lexical_block && !die.attrs.has(DW_AT.ranges) && !die.attrs.has(DW_AT.low_pc);
    return ranges.some((r) => r.lo <= pc && pc < r.hi);
  }

  private callSite(inl: Die): SourceLocation | undefined {
    const fileIndex = attrConst(inl, DW_AT.call_file), line = attrConst(inl, DW_AT.call_line);
    if (fileIndex === undefined || line === undefined) return undefined;
    const u = inl.unit;
    const prog = u.stmtList !== undefined ? this.programByOffset.get(u.stmtList) : undefined;
    const file = prog?.files[fileIndex];
    if (file === undefined || file === '') return undefined;
    return { file, line, column: attrConst(inl, DW_AT.call_column) ?? 0 };
  }

  /** A DIE's name, through its abstract origin or specification when it has none of its own. */
  nameOf(die: Die): string | undefined {
    let d: Die | undefined = die;
    for (let i = 0; d !== undefined && i < MAX_ORIGIN_DEPTH; i++) {
      const n = guard(this.warnings, () => attrString(this.sections, d!, DW_AT.name), undefined);
      if (n !== undefined) return n;
      d = this.origin(d);
    }
    return undefined;
  }

  /** The entry a DIE refers to by DW_AT_abstract_origin or DW_AT_specification. */
  origin(die: Die): Die | undefined {
    const v = die.attrs.get(DW_AT.abstract_origin) ?? die.attrs.get(DW_AT.specification);
    return v?.k === 'ref' ? this.dies.get(v.v) : undefined;
  }

  /** An attribute of a DIE or, failing that, of its abstract origin chain. */
  private inherited(die: Die, at: number): { die: Die } | undefined {
    let d: Die | undefined = die;
    for (let i = 0; d !== undefined && i < MAX_ORIGIN_DEPTH; i++) {
      if (d.attrs.has(at)) return { die: d };
      d = this.origin(d);
    }
    return undefined;
  }

  /** The parameters and local variables a frame sees at its pc (its own scopes, not the calls inlined into it). */
  variables(frame: InlineFrame): VariableInfo[] {
    const out: VariableInfo[] = [];
    const seen = new Set<string>();
    // Innermost scope first, so a shadowing variable wins.
    for (const scope of [...frame.scopes].reverse()) {
      for (const c of scope.children) {
        if (c.tag !== DW_TAG.variable && c.tag !== DW_TAG.formal_parameter) continue;
        if (c.attrs.has(DW_AT.declaration) && !c.attrs.has(DW_AT.location)) continue;
        const name = this.nameOf(c);
        if (name === undefined || seen.has(name)) continue;
        seen.add(name);
        out.push({ name, parameter: c.tag === DW_TAG.formal_parameter, type: this.typeOfDie(c), location: this.locationOf(c), die: c });
      }
    }
    // parameters first, in declaration order; then locals
    const order = (v: VariableInfo) => (this.origin(v.die) ?? v.die).offset;
    return [...out.filter((v) => v.parameter).sort((a, b) => order(a) - order(b)), ...out.filter((v) => !v.parameter)];
  }

  private typeOfDie(die: Die): TypeInfo | undefined {
    const src = this.inherited(die, DW_AT.type);
    const t = src?.die.attrs.get(DW_AT.type);
    return t?.k === 'ref' ? this.types.resolve(t.v) : undefined;
  }

  private locationOf(die: Die): VariableLocation {
    const loc = die.attrs.get(DW_AT.location);
    if (loc !== undefined) {
      if (loc.k === 'block') return { kind: 'expr', expr: loc.v };
      if (loc.k === 'sec' || loc.k === 'loclistx' || (loc.k === 'const' && die.unit.version < 4)) {
        return { kind: 'list', entries: guard(this.warnings, () => locationList(this.sections, die.unit, loc), []) };
      }
    }
    const src = this.inherited(die, DW_AT.const_value);
    const cv = src?.die.attrs.get(DW_AT.const_value);
    if (cv?.k === 'const') return { kind: 'const', value: cv.v };
    if (cv?.k === 'block') return { kind: 'const', value: cv.v };
    return { kind: 'none' };
  }

  /**
   * Where a variable is at `pc` given the frame's registers and memory: evaluates its expression or the entry of
   * its location list covering pc, with the frame base of its function (DW_AT_frame_base) and the CFA.
   */
  locate(v: VariableInfo, frame: InlineFrame, pc: bigint, ctx: ExprContext): Location {
    let expr: Uint8Array | undefined;
    switch (v.location.kind) {
      case 'none': return { kind: 'unavailable', why: 'optimized out' };
      case 'const': {
        const c = v.location.value;
        return typeof c === 'bigint' ? { kind: 'value', value: c } : { kind: 'bytes', bytes: c };
      }
      case 'expr': expr = v.location.expr; break;
      case 'list': expr = v.location.entries.find((e) => e.lo <= pc && pc < e.hi)?.expr; break;
    }
    if (expr === undefined) return { kind: 'unavailable', why: 'optimized out' };
    const fb = frame.function.attrs.get(DW_AT.frame_base);
    const withBase: ExprContext = {
      ...ctx,
      addrSize: frame.function.unit.addrSize,
      frameBase: () => (fb?.k === 'block' ? evaluateValue(fb.v, { ...ctx, addrSize: frame.function.unit.addrSize }) : undefined),
    };
    return evaluateLocation(expr, withBase);
  }

  // ---- unwinding ----

  /** One step up the stack from a frame (see CallFrameInfo.unwind). */
  unwind(pc: bigint, regs: RegisterFile, read: (a: bigint, size: number) => bigint | undefined, caller = false): UnwindStep | undefined {
    return guard(this.warnings, () => this.frames.unwind(pc, regs, read, caller), undefined);
  }
}

function cmp(a: bigint, b: bigint): number { return a < b ? -1 : a > b ? 1 : 0; }

/** Runs `f`; an exception becomes a warning and the fallback value (nothing thrown leaves a query). */
function guard<T>(warnings: string[], f: () => T, fallback: T): T {
  try {
    return f();
  } catch (e) {
    if (warnings.length < 1000) warnings.push(errorText(e));
    return fallback;
  }
}
