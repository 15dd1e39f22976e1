// Reads the few ELF header fields the configuration provider needs to turn an open file into a launch
// configuration (ELF-64 header layout: System V gABI, "ELF Header").

/** A RISC-V ELF-64 file's entry point, or undefined when the bytes are not one. */
export function riscvElfEntry(header: Uint8Array): bigint | undefined {
  if (header.length < 32) return undefined;
  const magic = header[0] === 0x7f && header[1] === 0x45 && header[2] === 0x4c && header[3] === 0x46;
  const elfClass64 = header[4] === 2, littleEndian = header[5] === 1;
  if (!magic || !elfClass64 || !littleEndian) return undefined;
  const dv = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const EM_RISCV = 243;
  if (dv.getUint16(18, true) !== EM_RISCV) return undefined;
  return dv.getBigUint64(24, true);
}

/**
 * Where an S-mode kernel for the virt board starts: OpenSBI's fw_dynamic and vmscope's built-in SBI enter the
 * kernel here, so an ELF with this entry wants firmware; any other entry is run from M-mode as a program.
 */
export const SBI_KERNEL_ENTRY = 0x8020_0000n;
