// DWARF attribute forms (DWARF 5 §7.5.6): reading one value of any form, for .debug_info attributes and the
// .debug_line v5 directory/file entry formats.

import { type Reader, stringAt } from './reader';

export const DW_FORM = {
  addr: 0x01, block2: 0x03, block4: 0x04, data2: 0x05, data4: 0x06, data8: 0x07, string: 0x08, block: 0x09, block1: 0x0a,
  data1: 0x0b, flag: 0x0c, sdata: 0x0d, strp: 0x0e, udata: 0x0f, ref_addr: 0x10, ref1: 0x11, ref2: 0x12, ref4: 0x13, ref8: 0x14,
  ref_udata: 0x15, indirect: 0x16, sec_offset: 0x17, exprloc: 0x18, flag_present: 0x19, strx: 0x1a, addrx: 0x1b, ref_sup4: 0x1c,
  strp_sup: 0x1d, data16: 0x1e, line_strp: 0x1f, ref_sig8: 0x20, implicit_const: 0x21, loclistx: 0x22, rnglistx: 0x23,
  ref_sup8: 0x24, strx1: 0x25, strx2: 0x26, strx3: 0x27, strx4: 0x28, addrx1: 0x29, addrx2: 0x2a, addrx3: 0x2b, addrx4: 0x2c,
  GNU_addr_index: 0x1f01, GNU_str_index: 0x1f02, GNU_ref_alt: 0x1f20, GNU_strp_alt: 0x1f21,
} as const;

/** One attribute value. Indexed forms (strx, addrx, loclistx, rnglistx) are resolved later with the unit's bases. */
export type FormValue =
  | { k: 'const'; v: bigint; signed: boolean }
  | { k: 'addr'; v: bigint }
  | { k: 'str'; v: string }
  | { k: 'ref'; v: number }
  | { k: 'sec'; v: number }
  | { k: 'block'; v: Uint8Array; expr: boolean }
  | { k: 'flag'; v: boolean }
  | { k: 'strx' | 'addrx' | 'loclistx' | 'rnglistx'; v: number }
  | { k: 'unsupported'; form: number };

/** What reading a form needs to know about its unit. */
export interface FormContext {
  addrSize: number;
  dwarf64: boolean;
  version: number;
  /** Offset of the unit header in .debug_info (unit-relative references are made absolute). */
  unitOffset: number;
  str?: Uint8Array;
  lineStr?: Uint8Array;
}

/** Reads one value of `form` (`implicit` is the abbreviation's DW_FORM_implicit_const value). */
export function readForm(r: Reader, form: number, ctx: FormContext, implicit = 0n, depth = 0): FormValue {
  switch (form) {
    case DW_FORM.addr: return { k: 'addr', v: r.uN(ctx.addrSize) };
    case DW_FORM.data1: return { k: 'const', v: BigInt(r.u8()), signed: false };
    case DW_FORM.data2: return { k: 'const', v: BigInt(r.u16()), signed: false };
    case DW_FORM.data4: return { k: 'const', v: BigInt(r.u32()), signed: false };
    case DW_FORM.data8: return { k: 'const', v: r.u64(), signed: false };
    case DW_FORM.data16: return { k: 'block', v: r.block(16), expr: false };
    case DW_FORM.sdata: return { k: 'const', v: r.slebBig(), signed: true };
    case DW_FORM.udata: return { k: 'const', v: r.ulebBig(), signed: false };
    case DW_FORM.implicit_const: return { k: 'const', v: implicit, signed: true };
    case DW_FORM.string: return { k: 'str', v: r.cstr() };
    case DW_FORM.strp: return { k: 'str', v: stringAt(ctx.str, '.debug_str', r.offset(ctx.dwarf64)) };
    case DW_FORM.line_strp: return { k: 'str', v: stringAt(ctx.lineStr, '.debug_line_str', r.offset(ctx.dwarf64)) };
    case DW_FORM.strx: case DW_FORM.GNU_str_index: return { k: 'strx', v: r.uleb() };
    case DW_FORM.strx1: return { k: 'strx', v: r.u8() };
    case DW_FORM.strx2: return { k: 'strx', v: r.u16() };
    case DW_FORM.strx3: { const lo = r.u16(); return { k: 'strx', v: lo | (r.u8() << 16) }; }
    case DW_FORM.strx4: return { k: 'strx', v: r.u32() };
    case DW_FORM.addrx: case DW_FORM.GNU_addr_index: return { k: 'addrx', v: r.uleb() };
    case DW_FORM.addrx1: return { k: 'addrx', v: r.u8() };
    case DW_FORM.addrx2: return { k: 'addrx', v: r.u16() };
    case DW_FORM.addrx3: { const lo = r.u16(); return { k: 'addrx', v: lo | (r.u8() << 16) }; }
    case DW_FORM.addrx4: return { k: 'addrx', v: r.u32() };
    case DW_FORM.loclistx: return { k: 'loclistx', v: r.uleb() };
    case DW_FORM.rnglistx: return { k: 'rnglistx', v: r.uleb() };
    case DW_FORM.ref1: return { k: 'ref', v: ctx.unitOffset + r.u8() };
    case DW_FORM.ref2: return { k: 'ref', v: ctx.unitOffset + r.u16() };
    case DW_FORM.ref4: return { k: 'ref', v: ctx.unitOffset + r.u32() };
    case DW_FORM.ref8: return { k: 'ref', v: ctx.unitOffset + r.u64n() };
    case DW_FORM.ref_udata: return { k: 'ref', v: ctx.unitOffset + r.uleb() };
    // DWARF 2 wrote ref_addr with the address size; later versions with the offset size.
    case DW_FORM.ref_addr: return { k: 'ref', v: ctx.version <= 2 ? Number(r.uN(ctx.addrSize)) : r.offset(ctx.dwarf64) };
    case DW_FORM.sec_offset: return { k: 'sec', v: r.offset(ctx.dwarf64) };
    case DW_FORM.exprloc: return { k: 'block', v: r.block(r.uleb()), expr: true };
    case DW_FORM.block1: return { k: 'block', v: r.block(r.u8()), expr: false };
    case DW_FORM.block2: return { k: 'block', v: r.block(r.u16()), expr: false };
    case DW_FORM.block4: return { k: 'block', v: r.block(r.u32()), expr: false };
    case DW_FORM.block: return { k: 'block', v: r.block(r.uleb()), expr: false };
    case DW_FORM.flag: return { k: 'flag', v: r.u8() !== 0 };
    case DW_FORM.flag_present: return { k: 'flag', v: true };
    case DW_FORM.ref_sig8: r.skip(8); return { k: 'unsupported', form };
    case DW_FORM.ref_sup4: r.skip(4); return { k: 'unsupported', form };
    case DW_FORM.ref_sup8: r.skip(8); return { k: 'unsupported', form };
    case DW_FORM.strp_sup: case DW_FORM.GNU_ref_alt: case DW_FORM.GNU_strp_alt: r.offset(ctx.dwarf64); return { k: 'unsupported', form };
    case DW_FORM.indirect: {
      if (depth > 4) r.fail('DW_FORM_indirect nested too deeply');
      return readForm(r, r.uleb(), ctx, implicit, depth + 1);
    }
    default: return r.fail(`unknown attribute form 0x${form.toString(16)}`);
  }
}

/** A form value as an unsigned number (constants, addresses, offsets), or undefined. */
export function formNumber(v: FormValue | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v.k === 'const' || v.k === 'addr') return Number(v.v);
  if (v.k === 'sec' || v.k === 'ref') return v.v;
  return undefined;
}
