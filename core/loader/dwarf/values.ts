// Values of variables for display: a located variable (expr.ts) and its type (types.ts) become a tree of
// name/value/type nodes whose children (members, elements, the pointee) are read only when asked for.
// Reading goes through the caller's reader, which must have no side effects.

import type { Location } from './expr';
import { DW_ATE, type TypeInfo, stripType } from './types';

/** Reads `size` bytes of memory, or undefined where they are not readable. */
export type MemoryReader = (address: bigint, size: number) => Uint8Array | undefined;

/** One node of a value tree. */
export interface ValueView {
  name: string;
  value: string;
  type: string;
  /** Where the value lives in memory, if it does. */
  address?: bigint;
  /** Its size in bytes, when its type has one. */
  size?: number;
  /** Members, elements or the pointee, read when called. */
  children?: () => ValueView[];
}

/** A value's bytes: in memory (read on demand) or held (registers, computed values). */
interface Source { address?: bigint; bytes(offset: number, size: number): Uint8Array | undefined }

const MAX_ELEMENTS = 256, MAX_STRING = 128;

/** The view of a variable `name` of type `type` at `loc`; `reg` gives register values by DWARF number. */
export function viewVariable(name: string, type: TypeInfo | undefined, loc: Location, reg: (n: number) => bigint | undefined,
  read: MemoryReader): ValueView {
  const typeName = type?.name ?? '?';
  if (loc.kind === 'unavailable') return { name, value: `<${loc.why}>`, type: typeName };
  if (type === undefined) return { name, value: '<unknown type>', type: typeName };
  const src = sourceOf(loc, reg, read, type.size);
  if (typeof src === 'string') return { name, value: `<${src}>`, type: typeName };
  return view(name, type, src, 0, read, 0);
}

function sourceOf(loc: Location, reg: (n: number) => bigint | undefined, read: MemoryReader, size: number): Source | string {
  switch (loc.kind) {
    case 'memory': return { address: loc.address, bytes: (o, n) => read(loc.address + BigInt(o), n) };
    case 'register': {
      const v = reg(loc.reg);
      if (v === undefined) return `register ${loc.reg} is not known in this frame`;
      return held(le(v, 8));
    }
    case 'value': return held(le(loc.value, Math.max(8, size)));
    case 'bytes': return held(loc.bytes);
    case 'pieces': {
      const parts: Uint8Array[] = [];
      for (const p of loc.pieces) {
        const s = sourceOf(p.loc, reg, read, p.size);
        if (typeof s === 'string') return s;
        const b = s.bytes(0, p.size);
        if (b === undefined) return 'not readable';
        parts.push(b);
      }
      const all = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
      let o = 0;
      for (const p of parts) { all.set(p, o); o += p.length; }
      return held(all);
    }
    default: return loc.why;
  }
}

function held(b: Uint8Array): Source {
  return { bytes: (o, n) => (o >= 0 && o + n <= b.length ? b.subarray(o, o + n) : undefined) };
}

function le(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt.asUintN(64, v);
  for (let i = 0; i < n && i < 8; i++) { out[i] = Number(x & 0xffn); x >>= 8n; }
  return out;
}

function readUnsigned(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

function view(name: string, declared: TypeInfo, src: Source, offset: number, read: MemoryReader, depth: number): ValueView {
  const t = stripType(declared);
  const address = src.address !== undefined ? src.address + BigInt(offset) : undefined;
  const node: ValueView = { name, value: '', type: declared.name, address, size: t.size > 0 ? t.size : undefined };
  if (depth > 16) { node.value = '...'; return node; }
  switch (t.kind) {
    case 'base': case 'enum': {
      const b = src.bytes(offset, t.size);
      node.value = b === undefined ? '<not readable>' : formatScalar(t, b);
      return node;
    }
    case 'pointer': {
      const b = src.bytes(offset, t.size || 8);
      if (b === undefined) { node.value = '<not readable>'; return node; }
      const p = readUnsigned(b);
      node.value = '0x' + p.toString(16);
      const pointee = t.target !== undefined ? stripType(t.target) : undefined;
      if (pointee === undefined || pointee.kind === 'void' || pointee.kind === 'function' || p === 0n) return node;
      if (pointee.kind === 'base' && pointee.size === 1 && isChar(pointee)) {
        const s = cString(read, p);
        if (s !== undefined) node.value += ` ${s}`;
      }
      if (pointee.size > 0) {
        node.children = () => [view(`*${name}`, t.target!, { address: p, bytes: (o, n) => read(p + BigInt(o), n) }, 0, read, depth + 1)];
      }
      return node;
    }
    case 'struct': case 'union': {
      const members = t.members ?? [];
      node.children = () => members.map((m) => member(m, src, offset, read, depth));
      node.value = preview(node.children());
      return node;
    }
    case 'array': {
      const el = t.target ?? { kind: 'unknown', name: '?', size: 0 };
      const dims = t.dims ?? [-1];
      const count = dims[0];
      const inner: TypeInfo = dims.length > 1
        ? { kind: 'array', name: `${el.name} ${dims.slice(1).map((d) => `[${d}]`).join('')}`, size: dims.slice(1).reduce((a, b) => a * b, 1) * el.size, target: el, dims: dims.slice(1) }
        : el;
      const es = stripType(inner);
      if (dims.length === 1 && es.kind === 'base' && es.size === 1 && isChar(es) && count > 0) {
        const b = src.bytes(offset, Math.min(count, MAX_STRING));
        if (b !== undefined) node.value = quote(b);
      }
      if (count <= 0 || inner.size <= 0) { if (node.value === '') node.value = `[${count >= 0 ? count : '?'}]`; return node; }
      const n = Math.min(count, MAX_ELEMENTS);
      node.children = () => Array.from({ length: n }, (_, i) => view(`[${i}]`, inner, src, offset + i * inner.size, read, depth + 1));
      if (node.value === '') node.value = `[${count}]`;
      return node;
    }
    default:
      node.value = t.kind === 'void' ? 'void' : '?';
      return node;
  }
}

function member(m: { name: string; offset: number; type: TypeInfo; bitSize?: number; bitOffset?: number }, src: Source, base: number,
  read: MemoryReader, depth: number): ValueView {
  if (m.bitSize === undefined) return view(m.name, m.type, src, base + m.offset, read, depth + 1);
  const bitOffset = m.bitOffset ?? 0;
  const first = base + Math.floor(bitOffset / 8), nbytes = Math.ceil(((bitOffset % 8) + m.bitSize) / 8);
  const b = src.bytes(first, nbytes);
  if (b === undefined) return { name: m.name, value: '<not readable>', type: m.type.name };
  let v = (readUnsigned(b) >> BigInt(bitOffset % 8)) & ((1n << BigInt(m.bitSize)) - 1n);
  const st = stripType(m.type);
  if (st.encoding === DW_ATE.signed && (v >> BigInt(m.bitSize - 1)) === 1n) v -= 1n << BigInt(m.bitSize);
  return { name: m.name, value: v.toString(), type: m.type.name };
}

function isChar(t: TypeInfo): boolean {
  return t.encoding === DW_ATE.signed_char || t.encoding === DW_ATE.unsigned_char || t.name === 'char';
}

function formatScalar(t: TypeInfo, b: Uint8Array): string {
  const raw = readUnsigned(b);
  const bits = BigInt(b.length * 8);
  const signed = BigInt.asIntN(Number(bits), raw);
  if (t.kind === 'enum') {
    const v = t.encoding === DW_ATE.unsigned ? raw : signed;
    const n = t.enumerators?.get(v);
    return n !== undefined ? n : v.toString();
  }
  switch (t.encoding) {
    case DW_ATE.boolean: return raw === 0n ? 'false' : 'true';
    case DW_ATE.float: {
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return b.length === 4 ? String(dv.getFloat32(0, true)) : b.length === 8 ? String(dv.getFloat64(0, true)) : `0x${raw.toString(16)}`;
    }
    case DW_ATE.signed: return signed.toString();
    case DW_ATE.signed_char: case DW_ATE.unsigned_char: {
      const n = t.encoding === DW_ATE.signed_char ? signed : raw;
      return `${n} ${charLiteral(Number(raw))}`;
    }
    case DW_ATE.address: return '0x' + raw.toString(16);
    default: return raw.toString();
  }
}

function charLiteral(c: number): string {
  if (c >= 0x20 && c < 0x7f) return c === 0x27 || c === 0x5c ? `'\\${String.fromCharCode(c)}'` : `'${String.fromCharCode(c)}'`;
  const esc: Record<number, string> = { 0: '\\0', 9: '\\t', 10: '\\n', 13: '\\r' };
  return `'${esc[c] ?? '\\x' + c.toString(16).padStart(2, '0')}'`;
}

function quote(b: Uint8Array): string {
  let s = '"';
  for (const c of b) {
    if (c === 0) return s + '"';
    s += c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c ? String.fromCharCode(c) : c === 10 ? '\\n' : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s + '"...';
}

function cString(read: MemoryReader, p: bigint): string | undefined {
  const out: number[] = [];
  for (let i = 0; i < MAX_STRING; i++) {
    const b = read(p + BigInt(i), 1);
    if (b === undefined) return out.length > 0 ? quote(Uint8Array.from(out)) + '...' : undefined;
    if (b[0] === 0) return quote(Uint8Array.from([...out, 0]));
    out.push(b[0]);
  }
  return quote(Uint8Array.from(out));
}

function preview(children: ValueView[]): string {
  const parts: string[] = [];
  let len = 0;
  for (const c of children) {
    const v = c.children !== undefined && !c.value.startsWith('0x') ? '{...}' : c.value;
    const p = `${c.name}: ${v}`;
    if (len + p.length > 80) { parts.push('...'); break; }
    parts.push(p);
    len += p.length + 2;
  }
  return `{${parts.join(', ')}}`;
}
