// Address ranges and location lists: DW_AT_low_pc/high_pc, DW_AT_ranges into .debug_ranges (DWARF 4 §2.17.3) or
// .debug_rnglists (DWARF 5 §2.17.3, §7.25), and location lists in .debug_loc (DWARF 4 §2.6.2) or .debug_loclists
// (DWARF 5 §2.6.2, §7.29).

import { DW_AT, type Die, type Unit, attrAddress, indexedAddress } from './info';
import { type DwarfSections, Reader } from './reader';

/** A half-open address range [lo, hi). */
export interface Range { lo: bigint; hi: bigint }

/** One entry of a location list: the expression applies to pcs in [lo, hi). */
export interface LocEntry { lo: bigint; hi: bigint; expr: Uint8Array }

/** The most entries read from one list (a guard against corrupt lists). */
const MAX_ENTRIES = 1 << 16;

/** The address ranges a DIE covers (empty when it has none), from low_pc/high_pc or DW_AT_ranges. */
export function dieRanges(s: DwarfSections, die: Die): Range[] {
  const lo = attrAddress(s, die, DW_AT.low_pc);
  const hiAttr = die.attrs.get(DW_AT.high_pc);
  if (lo !== undefined && hiAttr !== undefined) {
    // DWARF 4+: a constant high_pc is the length; an address is the end (DWARF 5 §2.17.2).
    const hi = hiAttr.k === 'const' ? lo + hiAttr.v : attrAddress(s, die, DW_AT.high_pc);
    return hi !== undefined && hi > lo ? [{ lo, hi: BigInt.asUintN(64, hi) }] : [];
  }
  const r = die.attrs.get(DW_AT.ranges);
  if (r === undefined) return lo !== undefined ? [{ lo, hi: lo + 1n }] : [];
  const u = die.unit;
  if (r.k === 'rnglistx') return rnglist(s, u, rnglistOffset(s, u, r.v));
  if (r.k !== 'sec' && r.k !== 'const') return [];
  const off = Number(r.v);
  return u.version >= 5 ? rnglist(s, u, off) : rangesV4(s, u, off);
}

function rnglistOffset(s: DwarfSections, u: Unit, index: number): number {
  if (s.rnglists === undefined) return -1;
  const size = u.dwarf64 ? 8 : 4;
  return u.rnglistsBase + new Reader(s.rnglists, '.debug_rnglists', u.rnglistsBase + index * size).offset(u.dwarf64);
}

/** A DWARF 5 range list at `offset` of .debug_rnglists. */
export function rnglist(s: DwarfSections, u: Unit, offset: number): Range[] {
  if (s.rnglists === undefined || offset < 0) return [];
  const r = new Reader(s.rnglists, '.debug_rnglists', offset);
  const out: Range[] = [];
  let base = u.baseAddress;
  const addr = () => r.uN(u.addrSize);
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const kind = r.u8();
    switch (kind) {
      case 0: return out;                                                       // DW_RLE_end_of_list
      case 1: base = indexedAddress(s, u, r.uleb()); break;                     // base_addressx
      case 2: { const a = indexedAddress(s, u, r.uleb()), b = indexedAddress(s, u, r.uleb()); out.push({ lo: a, hi: b }); break; }
      case 3: { const a = indexedAddress(s, u, r.uleb()); out.push({ lo: a, hi: a + r.ulebBig() }); break; }
      case 4: { const a = r.ulebBig(), b = r.ulebBig(); out.push({ lo: base + a, hi: base + b }); break; } // offset_pair
      case 5: base = addr(); break;                                              // base_address
      case 6: { const a = addr(), b = addr(); out.push({ lo: a, hi: b }); break; }  // start_end
      case 7: { const a = addr(); out.push({ lo: a, hi: a + r.ulebBig() }); break; } // start_length
      default: r.fail(`unknown range list entry ${kind}`);
    }
  }
  return out;
}

/** A DWARF 2-4 range list at `offset` of .debug_ranges. */
export function rangesV4(s: DwarfSections, u: Unit, offset: number): Range[] {
  if (s.ranges === undefined) return [];
  const r = new Reader(s.ranges, '.debug_ranges', offset);
  const out: Range[] = [];
  const all = u.addrSize === 8 ? 0xffffffffffffffffn : 0xffffffffn;
  let base = u.baseAddress;
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const a = r.uN(u.addrSize), b = r.uN(u.addrSize);
    if (a === 0n && b === 0n) break;
    if (a === all) { base = b; continue; }                                       // base address selection
    if (b > a) out.push({ lo: base + a, hi: base + b });
  }
  return out;
}

/** A location list: at `offset` in .debug_loclists (DWARF 5) or .debug_loc (older), or a loclistx index. */
export function locationList(s: DwarfSections, u: Unit, value: { k: string; v: unknown }): LocEntry[] {
  if (value.k === 'loclistx') {
    if (s.loclists === undefined) return [];
    const size = u.dwarf64 ? 8 : 4;
    const rel = new Reader(s.loclists, '.debug_loclists', u.loclistsBase + (value.v as number) * size).offset(u.dwarf64);
    return loclist(s, u, u.loclistsBase + rel);
  }
  const off = Number(value.v as number | bigint);
  return u.version >= 5 ? loclist(s, u, off) : locV4(s, u, off);
}

function loclist(s: DwarfSections, u: Unit, offset: number): LocEntry[] {
  if (s.loclists === undefined) return [];
  const r = new Reader(s.loclists, '.debug_loclists', offset);
  const out: LocEntry[] = [];
  let base = u.baseAddress;
  const addr = () => r.uN(u.addrSize);
  const expr = () => r.block(r.uleb());
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const kind = r.u8();
    switch (kind) {
      case 0: return out;                                                        // DW_LLE_end_of_list
      case 1: base = indexedAddress(s, u, r.uleb()); break;                      // base_addressx
      case 2: { const a = indexedAddress(s, u, r.uleb()), b = indexedAddress(s, u, r.uleb()); out.push({ lo: a, hi: b, expr: expr() }); break; }
      case 3: { const a = indexedAddress(s, u, r.uleb()), l = r.ulebBig(); out.push({ lo: a, hi: a + l, expr: expr() }); break; }
      case 4: { const a = r.ulebBig(), b = r.ulebBig(); out.push({ lo: base + a, hi: base + b, expr: expr() }); break; } // offset_pair
      case 5: out.push({ lo: 0n, hi: 0xffffffffffffffffn, expr: expr() }); break;  // default_location
      case 6: base = addr(); break;                                               // base_address
      case 7: { const a = addr(), b = addr(); out.push({ lo: a, hi: b, expr: expr() }); break; }       // start_end
      case 8: { const a = addr(), l = r.ulebBig(); out.push({ lo: a, hi: a + l, expr: expr() }); break; } // start_length
      default: r.fail(`unknown location list entry ${kind}`);
    }
  }
  return out;
}

function locV4(s: DwarfSections, u: Unit, offset: number): LocEntry[] {
  if (s.loc === undefined) return [];
  const r = new Reader(s.loc, '.debug_loc', offset);
  const out: LocEntry[] = [];
  const all = u.addrSize === 8 ? 0xffffffffffffffffn : 0xffffffffn;
  let base = u.baseAddress;
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const a = r.uN(u.addrSize), b = r.uN(u.addrSize);
    if (a === 0n && b === 0n) break;
    if (a === all) { base = b; continue; }
    const e = r.block(r.u16());
    out.push({ lo: base + a, hi: base + b, expr: e });
  }
  return out;
}
