// .debug_line: line number programs of DWARF 2-5 (DWARF 5 §6.2) run into rows, grouped by sequence. Version 5's
// directory and file entry formats (paths as DW_FORM_string, strp or line_strp; MD5 and other columns read and
// skipped) and the older include_directories/file_names lists both give each file its full path.

import { type FormContext, type FormValue, readForm } from './forms';
import { DwarfError, type DwarfSections, Reader, joinPath } from './reader';

/** One row of the line table (DWARF 5 §6.2.2). */
export interface LineRow {
  address: bigint;
  /** Index into the program's `files`. */
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  endSequence: boolean;
}

/** One line number program (usually one per compilation unit). */
export interface LineProgram {
  /** Offset of the program's header in .debug_line (what DW_AT_stmt_list names). */
  offset: number;
  version: number;
  /** Full path per file index ('' where the table has no entry). */
  files: string[];
  /** The rows of each sequence, in address order, each ending with its end_sequence row. */
  sequences: LineRow[][];
}

/** What a compilation unit tells about its line program: the directory and name paths are relative to. */
export interface UnitPaths { compDir?: string; name?: string }

const DW_LNS = { copy: 1, advance_pc: 2, advance_line: 3, set_file: 4, set_column: 5, negate_stmt: 6, set_basic_block: 7,
  const_add_pc: 8, fixed_advance_pc: 9, set_prologue_end: 10, set_epilogue_begin: 11, set_isa: 12 } as const;
const DW_LNE = { end_sequence: 1, set_address: 2, define_file: 3, set_discriminator: 4 } as const;
const DW_LNCT = { path: 1, directory_index: 2 } as const;

/**
 * Parses every line program in .debug_line, one after the other. A program that is malformed is reported in
 * `warnings` and skipped (the rest still load); a header too damaged to find the next program ends the walk.
 */
export function parseLinePrograms(s: DwarfSections, paths: Map<number, UnitPaths>, warnings: string[]): LineProgram[] {
  const out: LineProgram[] = [];
  const sec = s.line;
  if (sec === undefined) return out;
  let off = 0;
  // Each program is at least a few bytes long, so this loop ends; the bound is a second guard.
  for (let guard = 0; off < sec.length && guard < sec.length; guard++) {
    let next: number;
    try {
      const r = new Reader(sec, '.debug_line', off);
      const { length } = r.initialLength();
      next = r.pos + length;
      if (length === 0 || next > sec.length) {
        warnings.push(`.debug_line+0x${off.toString(16)}: unit length 0x${length.toString(16)} runs past the section; stopped here`);
        break;
      }
    } catch (e) {
      warnings.push(errorText(e));
      break;
    }
    try {
      out.push(parseLineProgram(s, off, paths.get(off) ?? {}));
    } catch (e) {
      warnings.push(`line program at .debug_line+0x${off.toString(16)} skipped: ${errorText(e)}`);
    }
    off = next;
  }
  return out;
}

/** Parses the line program whose header is at `offset` in .debug_line (throws DwarfError when malformed). */
export function parseLineProgram(s: DwarfSections, offset: number, unit: UnitPaths): LineProgram {
  const sec = s.line;
  if (sec === undefined) throw new DwarfError('.debug_line is missing');
  const h = new Reader(sec, '.debug_line', offset);
  const { length, dwarf64 } = h.initialLength();
  const end = h.pos + length;
  if (end > sec.length) h.fail('unit runs past the end of the section');
  const r = new Reader(sec, '.debug_line', h.pos, end);
  const version = r.u16();
  if (version < 2 || version > 5) r.fail(`unsupported line table version ${version}`);
  let addrSize = 8;
  if (version >= 5) {
    addrSize = r.u8();
    r.u8();                                                    // segment_selector_size
  }
  const headerLength = r.offset(dwarf64);
  const programStart = r.pos + headerLength;
  if (programStart > end) r.fail('header runs past the end of the unit');
  const minInsnLength = r.u8();
  const maxOps = version >= 4 ? r.u8() : 1;
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = r.s8();
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  if (lineRange === 0) r.fail('line_range is 0');
  if (maxOps === 0) r.fail('maximum_operations_per_instruction is 0');
  if (opcodeBase === 0) r.fail('opcode_base is 0');
  const opLengths = [0];
  for (let i = 1; i < opcodeBase; i++) opLengths.push(r.u8());

  const compDir = unit.compDir ?? '';
  const files: string[] = [];
  let dirOf: (i: number) => string;
  if (version >= 5) {
    const ctx: FormContext = { addrSize, dwarf64, version, unitOffset: 0, str: s.str, lineStr: s.lineStr };
    const dirs = readEntries(r, ctx).map((e) => e.path);
    dirOf = (i) => (i === 0 ? dirs[0] ?? compDir : joinPath(dirs[0] ?? compDir, dirs[i] ?? ''));
    for (const e of readEntries(r, ctx)) files.push(e.path === '' ? '' : joinPath(dirOf(e.dir), e.path));
  } else {
    const dirs = [compDir];
    for (let guard = 0; guard < end; guard++) {
      const d = r.cstr();
      if (d === '') break;
      dirs.push(d);
    }
    dirOf = (i) => (i === 0 ? compDir : joinPath(compDir, dirs[i] ?? ''));
    files.push(unit.name !== undefined ? joinPath(compDir, unit.name) : '');
    for (let guard = 0; guard < end; guard++) {
      const name = r.cstr();
      if (name === '') break;
      const dir = r.uleb();
      r.uleb(); r.uleb();                                      // modification time, length
      files.push(joinPath(dirOf(dir), name));
    }
  }

  // The state machine (DWARF 5 §6.2.2, §6.2.5).
  const p = new Reader(sec, '.debug_line', programStart, end);
  const sequences: LineRow[][] = [];
  let rows: LineRow[] = [];
  let address = 0n, opIndex = 0, file = 1, line = 1, column = 0, isStmt = defaultIsStmt;
  const reset = () => { address = 0n; opIndex = 0; file = 1; line = 1; column = 0; isStmt = defaultIsStmt; };
  const emit = (endSequence: boolean) => { rows.push({ address, file, line, column, isStmt, endSequence }); };
  const advance = (operationAdvance: number) => {
    if (maxOps === 1) {
      address = BigInt.asUintN(64, address + BigInt(minInsnLength * operationAdvance));
    } else {
      const total = opIndex + operationAdvance;
      address = BigInt.asUintN(64, address + BigInt(minInsnLength * Math.floor(total / maxOps)));
      opIndex = total % maxOps;
    }
  };
  while (!p.atEnd()) {
    const op = p.u8();
    if (op >= opcodeBase) {
      const adjusted = op - opcodeBase;
      advance(Math.floor(adjusted / lineRange));
      line += lineBase + (adjusted % lineRange);
      emit(false);
      continue;
    }
    switch (op) {
      case 0: {
        const len = p.uleb();
        if (len === 0) break;
        const x = p.sub(len);
        const sub = x.u8();
        if (sub === DW_LNE.end_sequence) {
          emit(true);
          sequences.push(sortedRows(rows));
          rows = [];
          reset();
        } else if (sub === DW_LNE.set_address) {
          address = x.uN(len - 1);
          opIndex = 0;
        } else if (sub === DW_LNE.define_file) {
          const name = x.cstr(), dir = x.uleb();
          files.push(joinPath(dirOf(dir), name));
        }
        // DW_LNE_set_discriminator and unknown extended opcodes: their operands are skipped with the sub-reader.
        break;
      }
      case DW_LNS.copy: emit(false); break;
      case DW_LNS.advance_pc: advance(p.uleb()); break;
      case DW_LNS.advance_line: line += p.sleb(); break;
      case DW_LNS.set_file: file = p.uleb(); break;
      case DW_LNS.set_column: column = p.uleb(); break;
      case DW_LNS.negate_stmt: isStmt = !isStmt; break;
      case DW_LNS.set_basic_block: case DW_LNS.set_prologue_end: case DW_LNS.set_epilogue_begin: break;
      case DW_LNS.const_add_pc: advance(Math.floor((255 - opcodeBase) / lineRange)); break;
      case DW_LNS.fixed_advance_pc: address = BigInt.asUintN(64, address + BigInt(p.u16())); opIndex = 0; break;
      case DW_LNS.set_isa: p.uleb(); break;
      default:
        // An opcode this reader does not know: the header says how many LEB128 operands to skip.
        for (let i = 0; i < opLengths[op]; i++) p.uleb();
    }
  }
  return { offset, version, files, sequences };
}

/** A v5 directory or file entry table: each entry's path and directory index (other columns are skipped). */
function readEntries(r: Reader, ctx: FormContext): { path: string; dir: number }[] {
  const formatCount = r.u8();
  const format: [number, number][] = [];
  for (let i = 0; i < formatCount; i++) format.push([r.uleb(), r.uleb()]);
  const count = r.uleb();
  if (count > r.left) r.fail(`${count} entries cannot fit in the header`);
  const out: { path: string; dir: number }[] = [];
  for (let i = 0; i < count; i++) {
    let path = '', dir = 0;
    for (const [type, form] of format) {
      const v: FormValue = readForm(r, form, ctx);
      if (type === DW_LNCT.path && v.k === 'str') path = v.v;
      else if (type === DW_LNCT.directory_index && v.k === 'const') dir = Number(v.v);
    }
    out.push({ path, dir });
  }
  return out;
}

/** A sequence's rows in address order (producers emit them so; a stable sort keeps rows at one address in order). */
function sortedRows(rows: LineRow[]): LineRow[] {
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].address < rows[i - 1].address) return rows.slice().sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }
  return rows;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
