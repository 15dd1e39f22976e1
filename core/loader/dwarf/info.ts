// .debug_info and .debug_abbrev: unit headers (DWARF 2-5), abbreviation tables and the tree of debugging information
// entries of each unit (DWARF 5 §7.5), with references resolved by .debug_info offset. A malformed unit is
// reported and skipped; the others still load.

import { type FormContext, type FormValue, readForm } from './forms';
import { errorText } from './line';
import { type DwarfSections, Reader, stringAt } from './reader';

export const DW_TAG = {
  array_type: 0x01, enumeration_type: 0x04, formal_parameter: 0x05, lexical_block: 0x0b, member: 0x0d, pointer_type: 0x0f,
  reference_type: 0x10, compile_unit: 0x11, structure_type: 0x13, subroutine_type: 0x15, typedef: 0x16, union_type: 0x17,
  unspecified_parameters: 0x18, inlined_subroutine: 0x1d, subrange_type: 0x21, base_type: 0x24, const_type: 0x26,
  enumerator: 0x28, subprogram: 0x2e, variable: 0x34, volatile_type: 0x35, restrict_type: 0x37, partial_unit: 0x3c,
  atomic_type: 0x47, skeleton_unit: 0x4a,
} as const;

export const DW_AT = {
  sibling: 0x01, location: 0x02, name: 0x03, byte_size: 0x0b, bit_offset: 0x0c, bit_size: 0x0d, stmt_list: 0x10,
  low_pc: 0x11, high_pc: 0x12, language: 0x13, comp_dir: 0x1b, const_value: 0x1c, inline: 0x20, producer: 0x25,
  lower_bound: 0x22, upper_bound: 0x2f, abstract_origin: 0x31, count: 0x37, data_member_location: 0x38, decl_file: 0x3a,
  decl_line: 0x3b, declaration: 0x3c, encoding: 0x3e, external: 0x3f, frame_base: 0x40, specification: 0x47, type: 0x49,
  entry_pc: 0x52, ranges: 0x55, call_column: 0x57, call_file: 0x58, call_line: 0x59, data_bit_offset: 0x6b,
  linkage_name: 0x6e, str_offsets_base: 0x72, addr_base: 0x73, rnglists_base: 0x74, loclists_base: 0x8c,
  GNU_addr_base: 0x2133, GNU_ranges_base: 0x2132,
} as const;

/** A debugging information entry. */
export interface Die {
  offset: number;
  tag: number;
  attrs: Map<number, FormValue>;
  children: Die[];
  parent: Die | undefined;
  unit: Unit;
}

/** A unit of .debug_info (compile, partial or type unit). */
export interface Unit {
  offset: number;
  version: number;
  dwarf64: boolean;
  addrSize: number;
  root: Die;
  /** Bases of the indexed forms (DWARF 5 §3.1.1), 0 when absent. */
  strOffsetsBase: number;
  addrBase: number;
  rnglistsBase: number;
  loclistsBase: number;
  /** The unit's base address for range and location lists (its DW_AT_low_pc, or 0). */
  baseAddress: bigint;
  name: string;
  compDir: string;
  /** Offset of its line program in .debug_line, if any. */
  stmtList: number | undefined;
}

interface Abbrev { tag: number; children: boolean; attrs: { name: number; form: number; implicit: bigint }[] }

/** The most entries one unit may hold: a guard against a corrupt tree that would never end. */
const MAX_DIES = 1 << 22;

/** Parses every unit of .debug_info into its entry tree; `byOffset` gets every entry for reference lookups. */
export function parseUnits(s: DwarfSections, warnings: string[], byOffset: Map<number, Die>): Unit[] {
  const sec = s.info;
  const units: Unit[] = [];
  if (sec === undefined) return units;
  const abbrevCache = new Map<number, Map<number, Abbrev>>();
  let off = 0;
  for (let guard = 0; off < sec.length && guard < sec.length; guard++) {
    let next: number;
    try {
      const r = new Reader(sec, '.debug_info', off);
      const { length } = r.initialLength();
      next = r.pos + length;
      if (length === 0 || next > sec.length) {
        warnings.push(`.debug_info+0x${off.toString(16)}: unit length 0x${length.toString(16)} runs past the section; stopped here`);
        break;
      }
    } catch (e) {
      warnings.push(errorText(e));
      break;
    }
    try {
      const u = parseUnit(s, sec, off, abbrevCache, byOffset);
      if (u !== undefined) units.push(u);
    } catch (e) {
      warnings.push(`unit at .debug_info+0x${off.toString(16)} skipped: ${errorText(e)}`);
    }
    off = next;
  }
  return units;
}

function parseUnit(s: DwarfSections, sec: Uint8Array, offset: number, cache: Map<number, Map<number, Abbrev>>,
  byOffset: Map<number, Die>): Unit | undefined {
  const h = new Reader(sec, '.debug_info', offset);
  const { length, dwarf64 } = h.initialLength();
  const r = new Reader(sec, '.debug_info', h.pos, h.pos + length);
  const version = r.u16();
  if (version < 2 || version > 5) r.fail(`unsupported DWARF version ${version}`);
  let addrSize: number, abbrevOffset: number;
  if (version >= 5) {
    const unitType = r.u8();
    addrSize = r.u8();
    abbrevOffset = r.offset(dwarf64);
    if (unitType === 4 || unitType === 5) r.skip(8);                      // skeleton/split compile: dwo_id
    else if (unitType === 2 || unitType === 6) { r.skip(8); r.offset(dwarf64); } // type units: signature, type_offset
  } else {
    abbrevOffset = r.offset(dwarf64);
    addrSize = r.u8();
  }
  if (addrSize !== 4 && addrSize !== 8) r.fail(`unsupported address size ${addrSize}`);
  let abbrevs = cache.get(abbrevOffset);
  if (abbrevs === undefined) { abbrevs = parseAbbrevs(s.abbrev, abbrevOffset); cache.set(abbrevOffset, abbrevs); }
  const ctx: FormContext = { addrSize, dwarf64, version, unitOffset: offset, str: s.str, lineStr: s.lineStr };
  const unit: Unit = {
    offset, version, dwarf64, addrSize, root: undefined as unknown as Die, strOffsetsBase: 0, addrBase: 0, rnglistsBase: 0,
    loclistsBase: 0, baseAddress: 0n, name: '', compDir: '', stmtList: undefined,
  };
  // Entries in preorder; a parent stack instead of recursion (DWARF 5 §7.5.2).
  const stack: Die[] = [];
  for (let n = 0; !r.atEnd() && n < MAX_DIES; n++) {
    const dieOffset = r.pos;
    const code = r.uleb();
    if (code === 0) {
      stack.pop();
      if (stack.length === 0) break;
      continue;
    }
    const ab = abbrevs.get(code);
    if (ab === undefined) return r.fail(`abbreviation ${code} is not in the table at .debug_abbrev+0x${abbrevOffset.toString(16)}`);
    const attrs = new Map<number, FormValue>();
    for (const a of ab.attrs) {
      const v = readForm(r, a.form, ctx, a.implicit);
      if (!attrs.has(a.name)) attrs.set(a.name, v);
    }
    const parent = stack[stack.length - 1];
    const die: Die = { offset: dieOffset, tag: ab.tag, attrs, children: [], parent, unit };
    byOffset.set(dieOffset, die);
    if (parent !== undefined) parent.children.push(die);
    else if (unit.root === undefined) unit.root = die;
    else break;                                                             // a second top-level entry: padding or junk
    if (ab.children) stack.push(die);
    else if (parent === undefined) break;
  }
  if (unit.root === undefined) return undefined;
  const a = unit.root.attrs;
  const num = (k: number) => { const v = a.get(k); return v?.k === 'sec' || v?.k === 'const' ? Number(v.v) : undefined; };
  unit.strOffsetsBase = num(DW_AT.str_offsets_base) ?? 0;
  unit.addrBase = num(DW_AT.addr_base) ?? num(DW_AT.GNU_addr_base) ?? 0;
  unit.rnglistsBase = num(DW_AT.rnglists_base) ?? 0;
  unit.loclistsBase = num(DW_AT.loclists_base) ?? 0;
  unit.stmtList = num(DW_AT.stmt_list);
  unit.name = attrString(s, unit.root, DW_AT.name) ?? '';
  unit.compDir = attrString(s, unit.root, DW_AT.comp_dir) ?? '';
  unit.baseAddress = attrAddress(s, unit.root, DW_AT.low_pc) ?? 0n;
  return unit;
}

/** The abbreviation table at `offset` of .debug_abbrev (DWARF 5 §7.5.3). */
function parseAbbrevs(sec: Uint8Array | undefined, offset: number): Map<number, Abbrev> {
  const out = new Map<number, Abbrev>();
  if (sec === undefined) throw new Reader(new Uint8Array(0), '.debug_abbrev').fail('section is missing');
  const r = new Reader(sec, '.debug_abbrev', offset);
  while (!r.atEnd()) {
    const code = r.uleb();
    if (code === 0) break;
    const tag = r.uleb();
    const children = r.u8() !== 0;
    const attrs: Abbrev['attrs'] = [];
    for (;;) {
      const name = r.uleb(), form = r.uleb();
      if (name === 0 && form === 0) break;
      attrs.push({ name, form, implicit: form === 0x21 ? r.slebBig() : 0n });
    }
    if (!out.has(code)) out.set(code, { tag, children, attrs });
  }
  return out;
}

/** A string attribute, with DW_FORM_strx resolved through .debug_str_offsets. */
export function attrString(s: DwarfSections, die: Die, at: number): string | undefined {
  const v = die.attrs.get(at);
  if (v === undefined) return undefined;
  if (v.k === 'str') return v.v;
  if (v.k === 'strx' && s.strOffsets !== undefined) {
    const u = die.unit, size = u.dwarf64 ? 8 : 4;
    const r = new Reader(s.strOffsets, '.debug_str_offsets', u.strOffsetsBase + v.v * size);
    return stringAt(s.str, '.debug_str', r.offset(u.dwarf64));
  }
  return undefined;
}

/** An address attribute, with DW_FORM_addrx resolved through .debug_addr. */
export function attrAddress(s: DwarfSections, die: Die, at: number): bigint | undefined {
  const v = die.attrs.get(at);
  if (v === undefined) return undefined;
  if (v.k === 'addr') return v.v;
  if (v.k === 'addrx') return indexedAddress(s, die.unit, v.v);
  return undefined;
}

/** Entry `index` of the unit's table in .debug_addr. */
export function indexedAddress(s: DwarfSections, u: Unit, index: number): bigint {
  if (s.addr === undefined) throw new Reader(new Uint8Array(0), '.debug_addr').fail('section is missing');
  return new Reader(s.addr, '.debug_addr', u.addrBase + index * u.addrSize).uN(u.addrSize);
}

/** A constant attribute as a number (udata, sdata, dataN, implicit_const). */
export function attrConst(die: Die, at: number): number | undefined {
  const v = die.attrs.get(at);
  if (v?.k !== 'const') return undefined;
  return Number(v.signed ? BigInt.asIntN(64, v.v) : v.v);
}
