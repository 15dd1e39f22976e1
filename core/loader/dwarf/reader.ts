// A bounds-checked little-endian reader over a DWARF section: every read past the end throws a DwarfError that names
// the section and offset, so a truncated or corrupt section is reported and skipped, never read out of range.

/** A malformed or truncated DWARF section (the message says which and where). */
export class DwarfError extends Error {
  constructor(message: string) { super(message); this.name = 'DwarfError'; }
}

/** The longest LEB128 accepted (a 64-bit value needs 10 bytes; longer ones are padded or corrupt). */
const MAX_LEB_BYTES = 16;

export class Reader {
  pos: number;
  private readonly dv: DataView;

  /** Reads `bytes` from `start` up to `end` (exclusive); `section` names it in errors. */
  constructor(readonly bytes: Uint8Array, readonly section: string, start = 0, readonly end = bytes.length) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    if (start < 0 || end > bytes.length || start > end) this.fail(`range [${start}, ${end}) outside the section (${bytes.length} bytes)`);
  }

  get left(): number { return this.end - this.pos; }
  atEnd(): boolean { return this.pos >= this.end; }

  fail(why: string): never {
    throw new DwarfError(`${this.section}+0x${this.pos.toString(16)}: ${why}`);
  }

  private need(n: number): number {
    if (n < 0 || this.pos + n > this.end) this.fail(`truncated (needs ${n} bytes, ${Math.max(0, this.end - this.pos)} left)`);
    const p = this.pos;
    this.pos += n;
    return p;
  }

  u8(): number { return this.bytes[this.need(1)]; }
  s8(): number { return this.dv.getInt8(this.need(1)); }
  u16(): number { return this.dv.getUint16(this.need(2), true); }
  s16(): number { return this.dv.getInt16(this.need(2), true); }
  u32(): number { return this.dv.getUint32(this.need(4), true); }
  s32(): number { return this.dv.getInt32(this.need(4), true); }
  u64(): bigint { return this.dv.getBigUint64(this.need(8), true); }
  s64(): bigint { return this.dv.getBigInt64(this.need(8), true); }

  /** A 64-bit field used as an offset or length: must fit a JavaScript number. */
  u64n(): number {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`value 0x${v.toString(16)} is too large`);
    return Number(v);
  }

  /** An unsigned value of `size` bytes (1, 2, 4 or 8). */
  uN(size: number): bigint {
    switch (size) {
      case 1: return BigInt(this.u8());
      case 2: return BigInt(this.u16());
      case 4: return BigInt(this.u32());
      case 8: return this.u64();
      default: return this.fail(`unsupported size ${size}`);
    }
  }

  /** A signed value of `size` bytes (1, 2, 4 or 8). */
  sN(size: number): bigint {
    switch (size) {
      case 1: return BigInt(this.s8());
      case 2: return BigInt(this.s16());
      case 4: return BigInt(this.s32());
      case 8: return this.s64();
      default: return this.fail(`unsupported size ${size}`);
    }
  }

  /** A section offset of 4 bytes (32-bit DWARF) or 8 (64-bit DWARF). */
  offset(dwarf64: boolean): number { return dwarf64 ? this.u64n() : this.u32(); }

  /** The initial length field of a unit: its length and whether it is 64-bit DWARF (DWARF 5 §7.4). */
  initialLength(): { length: number; dwarf64: boolean } {
    const l = this.u32();
    if (l === 0xffffffff) return { length: this.u64n(), dwarf64: true };
    if (l >= 0xfffffff0) this.fail(`reserved initial length 0x${l.toString(16)}`);
    return { length: l, dwarf64: false };
  }

  uleb(): number {
    let result = 0, mul = 1;
    for (let i = 0; i < MAX_LEB_BYTES; i++) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return result;
    }
    return this.fail('LEB128 value too long');
  }

  sleb(): number {
    let result = 0, mul = 1;
    for (let i = 0; i < MAX_LEB_BYTES; i++) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return (b & 0x40) !== 0 ? result - mul : result;
    }
    return this.fail('LEB128 value too long');
  }

  ulebBig(): bigint {
    let result = 0n, shift = 0n;
    for (let i = 0; i < MAX_LEB_BYTES; i++) {
      const b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    return this.fail('LEB128 value too long');
  }

  slebBig(): bigint {
    let result = 0n, shift = 0n;
    for (let i = 0; i < MAX_LEB_BYTES; i++) {
      const b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if ((b & 0x40) !== 0) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
    }
    return this.fail('LEB128 value too long');
  }

  /** A NUL-terminated UTF-8 string. */
  cstr(): string {
    const start = this.pos;
    let e = start;
    while (e < this.end && this.bytes[e] !== 0) e++;
    if (e >= this.end) this.fail('unterminated string');
    this.pos = e + 1;
    return utf8(this.bytes.subarray(start, e));
  }

  /** `n` bytes (a view, not a copy). */
  block(n: number): Uint8Array {
    const p = this.need(n);
    return this.bytes.subarray(p, p + n);
  }

  skip(n: number): void { this.need(n); }

  /** A reader over the next `n` bytes, which this reader skips. */
  sub(n: number): Reader {
    const p = this.need(n);
    return new Reader(this.bytes, this.section, p, p + n);
  }
}

const decoder = new TextDecoder();
export function utf8(b: Uint8Array): string { return decoder.decode(b); }

/** The NUL-terminated string at `offset` of a string section (.debug_str, .debug_line_str). */
export function stringAt(section: Uint8Array | undefined, name: string, offset: number): string {
  if (section === undefined) throw new DwarfError(`${name} is missing (string at 0x${offset.toString(16)})`);
  if (offset < 0 || offset >= section.length) throw new DwarfError(`${name}: string offset 0x${offset.toString(16)} out of range`);
  return new Reader(section, name, offset).cstr();
}

/** The sections the DWARF reader uses, by ELF section name without the leading '.'. */
export interface DwarfSections {
  info?: Uint8Array; abbrev?: Uint8Array; str?: Uint8Array; lineStr?: Uint8Array; line?: Uint8Array;
  ranges?: Uint8Array; rnglists?: Uint8Array; loc?: Uint8Array; loclists?: Uint8Array; aranges?: Uint8Array;
  frame?: Uint8Array; strOffsets?: Uint8Array; addr?: Uint8Array;
}

/** Picks the DWARF sections out of an ELF's sections by name. */
export function dwarfSections(all: Map<string, Uint8Array>): DwarfSections {
  return {
    info: all.get('.debug_info'), abbrev: all.get('.debug_abbrev'), str: all.get('.debug_str'), lineStr: all.get('.debug_line_str'),
    line: all.get('.debug_line'), ranges: all.get('.debug_ranges'), rnglists: all.get('.debug_rnglists'), loc: all.get('.debug_loc'),
    loclists: all.get('.debug_loclists'), aranges: all.get('.debug_aranges'), frame: all.get('.debug_frame'),
    strOffsets: all.get('.debug_str_offsets'), addr: all.get('.debug_addr'),
  };
}

/** Joins a directory and a file name as DWARF producers mean them (an absolute name stands alone). */
export function joinPath(dir: string, file: string): string {
  if (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) || dir === '') return normalizePath(file);
  return normalizePath(dir.endsWith('/') ? dir + file : `${dir}/${file}`);
}

/** Collapses '.' and 'dir/..' components and repeated slashes. */
export function normalizePath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const c of p.replace(/\\/g, '/').split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(c);
  }
  const s = out.join('/');
  return abs ? '/' + s : s === '' ? '.' : s;
}
