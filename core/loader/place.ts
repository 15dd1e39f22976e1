// Puts a kernel or firmware image into a physical memory: an ELF at its segments' physical addresses, a raw
// image at a given base, with a clear error when it does not fit. Shared by the board and the VMM (which
// writes into a VM's guest physical memory).

import { type ElfImage, LoadError, isElf, parseElf } from './elf';

/** A file given to a loader: its name (for messages) and contents. */
export interface ImageFile { name: string; bytes: Uint8Array }

/** Where an image landed. */
export interface Placed { start: number; end: number; entry: bigint; elf?: ElfImage }

/**
 * Writes `file` into memory [ramBase, ramEnd) through `write` (which must also zero-fill when given zeros):
 * ELF segments at their physical addresses (bss zeroed), a raw image at rawBase.
 */
export function placeImage(file: ImageFile, rawBase: number, ramBase: number, ramEnd: number,
  write: (pa: number, bytes: Uint8Array) => void): Placed {
  const bytes = file.bytes;
  if (bytes.length === 0) throw new LoadError(`${file.name}: file is empty`);
  if (isElf(bytes)) {
    const elf = parseElf(bytes, file.name);
    let start = Infinity, end = 0;
    for (const [i, s] of elf.segments.entries()) {
      if (s.paddr < ramBase || s.paddr + s.memsz > ramEnd) {
        throw new LoadError(`${file.name}: segment ${i} [0x${s.paddr.toString(16)}, 0x${(s.paddr + s.memsz).toString(16)}) ` +
          `is outside RAM [0x${ramBase.toString(16)}, 0x${ramEnd.toString(16)}) — try a larger -m`);
      }
      start = Math.min(start, s.paddr);
      end = Math.max(end, s.paddr + s.memsz);
    }
    for (const s of elf.segments) {
      write(s.paddr, s.data);
      if (s.memsz > s.data.length) write(s.paddr + s.data.length, new Uint8Array(s.memsz - s.data.length));
    }
    return { start, end, entry: elf.entry, elf };
  }
  if (rawBase + bytes.length > ramEnd) {
    throw new LoadError(`${file.name}: raw image of ${bytes.length} bytes at 0x${rawBase.toString(16)} does not fit in RAM ` +
      `(ends at 0x${ramEnd.toString(16)}) — try a larger -m`);
  }
  write(rawBase, bytes);
  return { start: rawBase, end: rawBase + bytes.length, entry: BigInt(rawBase) };
}
