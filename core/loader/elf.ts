// ELF64 reader for RISC-V executables: program headers (PT_LOAD), entry point and the symbol table.
// Every malformed input ends in a LoadError whose message says what is wrong (ELF spec: System V gABI).

export class LoadError extends Error {
  constructor(message: string) { super(message); this.name = 'LoadError'; }
}

export interface ElfSegment {
  /** Physical load address (p_paddr). */
  paddr: number;
  vaddr: bigint;
  /** File contents (p_filesz bytes); the rest up to memsz is zero. */
  data: Uint8Array;
  memsz: number;
  flags: number;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: number;
  /** STT_* (0 none, 1 object, 2 func, ...). */
  type: number;
}

export interface ElfImage {
  entry: bigint;
  segments: ElfSegment[];
  symbols: ElfSymbol[];
}

const EM_RISCV = 243, PT_LOAD = 1, SHT_SYMTAB = 2, ET_EXEC = 2, ET_DYN = 3;

/** True if the bytes start with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export function parseElf(bytes: Uint8Array, name = 'image'): ElfImage {
  const fail = (why: string): never => { throw new LoadError(`${name}: ${why}`); };
  if (!isElf(bytes)) fail('not an ELF file (bad magic)');
  if (bytes.length < 64) fail(`truncated ELF header (${bytes.length} bytes)`);
  if (bytes[4] !== 2) fail(bytes[4] === 1 ? '32-bit ELF; vmscope runs RV64 programs' : `bad ELF class ${bytes[4]}`);
  if (bytes[5] !== 1) fail('big-endian ELF; RISC-V is little-endian');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => dv.getUint16(o, true);
  const u32 = (o: number) => dv.getUint32(o, true);
  const u64n = (o: number) => {
    const v = dv.getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`field at offset ${o} is too large (0x${v.toString(16)})`);
    return Number(v);
  };
  const type = u16(16), machine = u16(18);
  if (machine !== EM_RISCV) fail(`ELF machine ${machine} is not RISC-V (243)`);
  if (type !== ET_EXEC && type !== ET_DYN) fail(`ELF type ${type} is not an executable`);
  const entry = dv.getBigUint64(24, true);
  const phoff = u64n(32), shoff = u64n(40);
  const phentsize = u16(54), phnum = u16(56), shentsize = u16(58), shnum = u16(60);
  if (phnum > 0 && phentsize < 56) fail(`program header entry size ${phentsize} is too small`);
  if (phoff + phnum * phentsize > bytes.length) fail('truncated: program headers lie beyond the end of the file');
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (u32(o) !== PT_LOAD) continue;
    const flags = u32(o + 4), off = u64n(o + 8), vaddr = dv.getBigUint64(o + 16, true), paddr = u64n(o + 24);
    const filesz = u64n(o + 32), memsz = u64n(o + 40);
    if (filesz > memsz) fail(`segment ${i}: file size 0x${filesz.toString(16)} exceeds memory size 0x${memsz.toString(16)}`);
    if (off + filesz > bytes.length) fail(`truncated: segment ${i} needs bytes up to 0x${(off + filesz).toString(16)}, file has 0x${bytes.length.toString(16)}`);
    if (memsz === 0) continue;
    segments.push({ paddr, vaddr, data: bytes.subarray(off, off + filesz), memsz, flags });
  }
  if (segments.length === 0) fail('no loadable (PT_LOAD) segments');
  return { entry, segments, symbols: readSymbols() };

  function readSymbols(): ElfSymbol[] {
    if (shnum === 0 || shoff === 0) return [];
    if (shentsize < 64 || shoff + shnum * shentsize > bytes.length) fail('truncated: section headers lie beyond the end of the file');
    const out: ElfSymbol[] = [];
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      if (u32(o + 4) !== SHT_SYMTAB) continue;
      const off = u64n(o + 24), size = u64n(o + 32), link = u32(o + 40), entsize = u64n(o + 56) || 24;
      if (link >= shnum) fail('symbol table links to a missing string table');
      const so = shoff + link * shentsize;
      const strOff = u64n(so + 24), strSize = u64n(so + 32);
      if (off + size > bytes.length || strOff + strSize > bytes.length) fail('truncated: symbol table lies beyond the end of the file');
      for (let s = off + entsize; s + 24 <= off + size; s += entsize) {
        const nameOff = u32(s), info = bytes[s + 4], shndx = u16(s + 6);
        if (nameOff === 0 || shndx === 0 || nameOff >= strSize) continue;
        let end = strOff + nameOff;
        while (end < strOff + strSize && bytes[end] !== 0) end++;
        const nm = new TextDecoder().decode(bytes.subarray(strOff + nameOff, end));
        out.push({ name: nm, value: dv.getBigUint64(s + 8, true), size: u64n(s + 16), type: info & 0xf });
      }
    }
    return out;
  }
}

const SHT_NOBITS = 8;

/**
 * The contents of the sections of an ELF file by name (sections without file data are left out). Used by the DWARF
 * reader; throws LoadError when the section headers or the section name table are malformed.
 */
export function elfSections(bytes: Uint8Array, name = 'image'): Map<string, Uint8Array> {
  const fail = (why: string): never => { throw new LoadError(`${name}: ${why}`); };
  if (!isElf(bytes) || bytes.length < 64) fail('not an ELF file');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const num = (o: number) => {
    const v = dv.getBigUint64(o, true);
    return v > BigInt(bytes.length) ? Infinity : Number(v);
  };
  const shoff = num(40), shentsize = dv.getUint16(58, true), shnum = dv.getUint16(60, true), shstrndx = dv.getUint16(62, true);
  const out = new Map<string, Uint8Array>();
  if (shnum === 0 || shoff === 0) return out;
  if (shentsize < 64 || shoff + shnum * shentsize > bytes.length) fail('truncated: section headers lie beyond the end of the file');
  if (shstrndx >= shnum) fail('the section name table index is out of range');
  const header = (i: number) => {
    const o = shoff + i * shentsize;
    return { nameOff: dv.getUint32(o, true), type: dv.getUint32(o + 4, true), off: num(o + 24), size: num(o + 32) };
  };
  const strtab = header(shstrndx);
  if (strtab.off + strtab.size > bytes.length) fail('truncated: the section name table lies beyond the end of the file');
  for (let i = 1; i < shnum; i++) {
    const h = header(i);
    if (h.type === SHT_NOBITS || h.nameOff >= strtab.size) continue;
    if (h.off + h.size > bytes.length) fail(`truncated: section ${i} lies beyond the end of the file`);
    let end = strtab.off + h.nameOff;
    while (end < strtab.off + strtab.size && bytes[end] !== 0) end++;
    const nm = new TextDecoder().decode(bytes.subarray(strtab.off + h.nameOff, end));
    if (!out.has(nm)) out.set(nm, bytes.subarray(h.off, h.off + h.size));
  }
  return out;
}
