// Types of variables from .debug_info (DWARF 5 §5): base types, pointers, structures and unions with their
// members (bit fields included), arrays with their dimensions, enumerations, typedefs and qualifiers, resolved
// lazily by .debug_info offset (self-referential structures are fine).

import { DW_AT, DW_TAG, type Die, attrConst, attrString } from './info';
import type { DwarfSections } from './reader';

export const DW_ATE = { address: 1, boolean: 2, float: 4, signed: 5, signed_char: 6, unsigned: 7, unsigned_char: 8, UTF: 0x10 } as const;

export interface Member { name: string; offset: number; type: TypeInfo; bitSize?: number; bitOffset?: number }

export interface TypeInfo {
  kind: 'base' | 'pointer' | 'struct' | 'union' | 'array' | 'enum' | 'typedef' | 'const' | 'volatile' | 'void' | 'function' | 'unknown';
  /** As C writes it: 'int', 'struct proc *', 'uint8_t [512]'. */
  name: string;
  /** Size in bytes (0 when unknown). */
  size: number;
  /** DW_ATE_* of a base or enumeration type. */
  encoding?: number;
  /** Pointee, element, aliased or qualified type. */
  target?: TypeInfo;
  members?: Member[];
  /** Element counts per dimension (-1 when unknown). */
  dims?: number[];
  enumerators?: Map<bigint, string>;
}

const VOID: TypeInfo = { kind: 'void', name: 'void', size: 0 };
const MAX_DEPTH = 32;

export class TypeResolver {
  private readonly cache = new Map<number, TypeInfo>();

  constructor(private readonly s: DwarfSections, private readonly dies: Map<number, Die>) {}

  /** The type described by the entry at `offset` of .debug_info. */
  resolve(offset: number, depth = 0): TypeInfo {
    const hit = this.cache.get(offset);
    if (hit !== undefined) return hit;
    const die = this.dies.get(offset);
    if (die === undefined || depth > MAX_DEPTH) return { kind: 'unknown', name: '?', size: 0 };
    const t: TypeInfo = { kind: 'unknown', name: '?', size: attrConst(die, DW_AT.byte_size) ?? 0 };
    this.cache.set(offset, t);
    const name = safe(() => attrString(this.s, die, DW_AT.name));
    const target = (): TypeInfo => { const v = die.attrs.get(DW_AT.type); return v?.k === 'ref' ? this.resolve(v.v, depth + 1) : VOID; };
    switch (die.tag) {
      case DW_TAG.base_type:
        t.kind = 'base'; t.name = name ?? '?'; t.encoding = attrConst(die, DW_AT.encoding);
        break;
      case DW_TAG.pointer_type: case DW_TAG.reference_type:
        t.kind = 'pointer'; t.size ||= die.unit.addrSize; t.target = target(); t.name = pointerName(t.target);
        break;
      case DW_TAG.structure_type: case DW_TAG.union_type: {
        t.kind = die.tag === DW_TAG.structure_type ? 'struct' : 'union';
        t.name = `${t.kind} ${name ?? '{...}'}`;
        t.members = [];
        for (const c of die.children) {
          if (c.tag !== DW_TAG.member) continue;
          const mt = c.attrs.get(DW_AT.type);
          const m: Member = { name: safe(() => attrString(this.s, c, DW_AT.name)) ?? '', offset: memberOffset(c), type: mt?.k === 'ref' ? this.resolve(mt.v, depth + 1) : VOID };
          const bits = attrConst(c, DW_AT.bit_size);
          if (bits !== undefined) {
            m.bitSize = bits;
            const dbo = attrConst(c, DW_AT.data_bit_offset);
            if (dbo !== undefined) { m.offset = 0; m.bitOffset = dbo; }
            else {
              // DWARF 2/3: bit_offset counts from the most significant bit of the storage unit
              const storage = (attrConst(c, DW_AT.byte_size) ?? m.type.size) * 8, bo = attrConst(c, DW_AT.bit_offset) ?? 0;
              m.bitOffset = m.offset * 8 + storage - bo - bits;
              m.offset = 0;
            }
          }
          t.members.push(m);
        }
        break;
      }
      case DW_TAG.array_type: {
        t.kind = 'array'; t.target = target();
        t.dims = die.children.filter((c) => c.tag === DW_TAG.subrange_type).map((c) => {
          const count = attrConst(c, DW_AT.count);
          if (count !== undefined) return count;
          const ub = attrConst(c, DW_AT.upper_bound), lb = attrConst(c, DW_AT.lower_bound) ?? 0;
          return ub !== undefined ? ub - lb + 1 : -1;
        });
        if (t.dims.length === 0) t.dims = [-1];
        t.name = `${t.target.name} ${t.dims.map((d) => `[${d >= 0 ? d : ''}]`).join('')}`;
        if (t.size === 0 && t.dims.every((d) => d >= 0)) t.size = t.dims.reduce((a, b) => a * b, 1) * t.target.size;
        break;
      }
      case DW_TAG.enumeration_type:
        t.kind = 'enum'; t.name = `enum ${name ?? '{...}'}`; t.enumerators = new Map();
        t.encoding = attrConst(die, DW_AT.encoding) ?? DW_ATE.signed;
        for (const c of die.children) {
          const v = c.attrs.get(DW_AT.const_value);
          if (c.tag === DW_TAG.enumerator && v?.k === 'const') t.enumerators.set(BigInt.asIntN(64, v.v), safe(() => attrString(this.s, c, DW_AT.name)) ?? '?');
        }
        break;
      case DW_TAG.typedef:
        t.kind = 'typedef'; t.target = target(); t.name = name ?? t.target.name; t.size = t.target.size;
        break;
      case DW_TAG.const_type: case DW_TAG.volatile_type: case DW_TAG.restrict_type: case DW_TAG.atomic_type: {
        const q = die.tag === DW_TAG.const_type ? 'const' : die.tag === DW_TAG.volatile_type ? 'volatile' : die.tag === DW_TAG.restrict_type ? 'restrict' : '_Atomic';
        t.kind = die.tag === DW_TAG.volatile_type ? 'volatile' : 'const';
        t.target = target(); t.size = t.target.size;
        t.name = t.target.kind === 'pointer' ? `${t.target.name} ${q}` : `${q} ${t.target.name}`;
        break;
      }
      case DW_TAG.subroutine_type:
        t.kind = 'function'; t.name = `${target().name} (...)`;
        break;
      default:
        t.name = name ?? '?';
    }
    return t;
  }
}

/** The type with typedefs and qualifiers stripped. */
export function stripType(t: TypeInfo): TypeInfo {
  let x = t;
  for (let i = 0; i < MAX_DEPTH && (x.kind === 'typedef' || x.kind === 'const' || x.kind === 'volatile') && x.target !== undefined; i++) x = x.target;
  return x;
}

function pointerName(target: TypeInfo): string {
  if (target.kind === 'function') return target.name.replace(' (...)', ' (*)(...)');
  return target.name.endsWith('*') ? `${target.name}*` : `${target.name} *`;
}

function memberOffset(m: Die): number {
  const v = m.attrs.get(DW_AT.data_member_location);
  if (v?.k === 'const') return Number(v.v);
  // DWARF 2/3: an expression, normally DW_OP_plus_uconst N
  if (v?.k === 'block' && v.v.length >= 2 && v.v[0] === 0x23) {
    let n = 0, mul = 1;
    for (let i = 1; i < v.v.length && i < 11; i++) { n += (v.v[i] & 0x7f) * mul; mul *= 128; if ((v.v[i] & 0x80) === 0) break; }
    return n;
  }
  return 0;
}

function safe<T>(f: () => T): T | undefined {
  try { return f(); } catch { return undefined; }
}
