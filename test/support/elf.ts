// Builds small ELF64 RISC-V executables in memory for loader and board tests.

export interface SegmentSpec { paddr: number; data: Uint8Array; memsz?: number }
export interface SymbolSpec { name: string; value: number; type?: number; size?: number }

export function makeElf(entry: number, segments: SegmentSpec[], symbols: SymbolSpec[] = []): Uint8Array {
  const ehsize = 64, phentsize = 56, shentsize = 64;
  const phoff = ehsize;
  let off = phoff + phentsize * segments.length;
  const segOffsets = segments.map((s) => { const o = off; off += s.data.length; return o; });
  // string table then symbol table
  const strtab: number[] = [0];
  const nameOffs = symbols.map((s) => { const o = strtab.length; for (const c of Buffer.from(s.name)) strtab.push(c); strtab.push(0); return o; });
  const strOff = off; off += strtab.length;
  off = (off + 7) & ~7;
  const symOff = off; off += 24 * (symbols.length + 1);
  const shstr = [0, ...Buffer.from('.symtab\0.strtab\0')];
  const shstrOff = off; off += shstr.length;
  off = (off + 7) & ~7;
  const shoff = off; off += shentsize * 4;
  const b = new Uint8Array(off);
  const dv = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  dv.setUint16(16, 2, true); dv.setUint16(18, 243, true); dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(entry), true); dv.setBigUint64(32, BigInt(phoff), true); dv.setBigUint64(40, BigInt(shoff), true);
  dv.setUint16(52, ehsize, true); dv.setUint16(54, phentsize, true); dv.setUint16(56, segments.length, true);
  dv.setUint16(58, shentsize, true); dv.setUint16(60, 4, true); dv.setUint16(62, 3, true);
  segments.forEach((s, i) => {
    const o = phoff + i * phentsize;
    dv.setUint32(o, 1, true); dv.setUint32(o + 4, 7, true);
    dv.setBigUint64(o + 8, BigInt(segOffsets[i]), true);
    dv.setBigUint64(o + 16, BigInt(s.paddr), true); dv.setBigUint64(o + 24, BigInt(s.paddr), true);
    dv.setBigUint64(o + 32, BigInt(s.data.length), true); dv.setBigUint64(o + 40, BigInt(s.memsz ?? s.data.length), true);
    b.set(s.data, segOffsets[i]);
  });
  b.set(strtab, strOff);
  symbols.forEach((s, i) => {
    const o = symOff + 24 * (i + 1);
    dv.setUint32(o, nameOffs[i], true); b[o + 4] = (1 << 4) | (s.type ?? 2); dv.setUint16(o + 6, 1, true);
    dv.setBigUint64(o + 8, BigInt(s.value), true); dv.setBigUint64(o + 16, BigInt(s.size ?? 0), true);
  });
  b.set(shstr, shstrOff);
  const sh = (i: number, name: number, type: number, o: number, size: number, link: number, entsize: number) => {
    const p = shoff + i * shentsize;
    dv.setUint32(p, name, true); dv.setUint32(p + 4, type, true);
    dv.setBigUint64(p + 24, BigInt(o), true); dv.setBigUint64(p + 32, BigInt(size), true);
    dv.setUint32(p + 40, link, true); dv.setBigUint64(p + 56, BigInt(entsize), true);
  };
  sh(1, 1, 2, symOff, 24 * (symbols.length + 1), 2, 24);
  sh(2, 9, 3, strOff, strtab.length, 0, 0);
  sh(3, 0, 3, shstrOff, shstr.length, 0, 0);
  return b;
}

/** Little-endian bytes of 32-bit instruction words. */
export function words(ws: number[]): Uint8Array {
  const b = new Uint8Array(4 * ws.length);
  const dv = new DataView(b.buffer);
  ws.forEach((w, i) => dv.setUint32(4 * i, w >>> 0, true));
  return b;
}
