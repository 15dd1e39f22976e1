// Flattened device tree (DTB) writer, format version 17 (Devicetree Specification, chapter 5 "Flattened
// Devicetree (DTB) Format"): header, memory reservation block, structure block and strings block.

const FDT_MAGIC = 0xd00dfeed, FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_END = 9;

export type PropValue = string | string[] | number | number[] | bigint | Uint8Array | null;

export class FdtWriter {
  private struct: number[] = [];
  private readonly strings: number[] = [];
  private readonly stringOffsets = new Map<string, number>();
  private depth = 0;

  beginNode(name: string): this {
    this.word(FDT_BEGIN_NODE);
    this.bytes(new TextEncoder().encode(name + '\0'));
    this.depth++;
    return this;
  }

  endNode(): this {
    if (this.depth === 0) throw new Error('FdtWriter: endNode without beginNode');
    this.word(FDT_END_NODE);
    this.depth--;
    return this;
  }

  /**
   * Adds a property: string → NUL-terminated string; string[] → string list; number / number[] → 32-bit cells;
   * bigint → one 64-bit value (two cells); Uint8Array → raw bytes; null → empty (boolean) property.
   */
  prop(name: string, value: PropValue): this {
    const data = encode(value);
    this.word(FDT_PROP);
    this.word(data.length);
    this.word(this.stringOffset(name));
    this.bytes(data);
    return this;
  }

  /** Finishes the tree and returns the blob. */
  finish(bootCpu = 0): Uint8Array {
    if (this.depth !== 0) throw new Error('FdtWriter: unbalanced nodes');
    this.word(FDT_END);
    const rsvmap = new Uint8Array(16);   // empty reservation list (one terminating entry)
    const headerSize = 40;
    const offRsv = headerSize, offStruct = offRsv + rsvmap.length, offStrings = offStruct + this.struct.length;
    const total = align4(offStrings + this.strings.length);
    const out = new Uint8Array(total);
    const dv = new DataView(out.buffer);
    const hdr = [FDT_MAGIC, total, offStruct, offStrings, offRsv, 17, 16, bootCpu, this.strings.length, this.struct.length];
    hdr.forEach((v, i) => dv.setUint32(4 * i, v));
    out.set(this.struct, offStruct);
    out.set(this.strings, offStrings);
    return out;
  }

  private stringOffset(name: string): number {
    let off = this.stringOffsets.get(name);
    if (off === undefined) {
      off = this.strings.length;
      this.stringOffsets.set(name, off);
      for (const b of new TextEncoder().encode(name)) this.strings.push(b);
      this.strings.push(0);
    }
    return off;
  }

  private word(v: number): void {
    this.struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }

  private bytes(b: Uint8Array): void {
    for (const x of b) this.struct.push(x);
    while (this.struct.length % 4 !== 0) this.struct.push(0);
  }
}

function align4(n: number): number { return (n + 3) & ~3; }

function encode(v: PropValue): Uint8Array {
  if (v === null) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new TextEncoder().encode(v + '\0');
  if (typeof v === 'bigint') return cells([Number(v >> 32n), Number(v & 0xffffffffn)]);
  if (typeof v === 'number') return cells([v]);
  if (v.length > 0 && typeof v[0] === 'string') return new TextEncoder().encode((v as string[]).join('\0') + '\0');
  return cells(v as number[]);
}

function cells(a: number[]): Uint8Array {
  const out = new Uint8Array(4 * a.length);
  const dv = new DataView(out.buffer);
  a.forEach((c, i) => dv.setUint32(4 * i, c >>> 0));
  return out;
}
