// Relocation functions of RISC-V assembly operands (%hi(sym), %pcrel_lo(label), ...) and where each may
// appear (RISC-V psABI, "Assembler Relocation Functions").

/** What an operand holding the function must be: the U-type 20-bit field, the I/S-type 12-bit field, or add's fourth operand. */
export type RelocSlot = 'hi20' | 'lo12' | 'tprel_add';

/** Relocation function (without %) → [slot, description]. */
export const RELOCATIONS: ReadonlyMap<string, readonly [RelocSlot, string]> = new Map<string, [RelocSlot, string]>([
  ['hi', ['hi20', 'upper 20 bits of an absolute address (lui), rounded for the %lo part']],
  ['lo', ['lo12', 'lower 12 bits of an absolute address (addi/load/store)']],
  ['pcrel_hi', ['hi20', 'upper 20 bits of a pc-relative offset (auipc)']],
  ['pcrel_lo', ['lo12', 'lower 12 bits of the pc-relative offset computed by the auipc at the given label']],
  ['tprel_hi', ['hi20', 'upper 20 bits of a thread-pointer offset (TLS local-exec)']],
  ['tprel_lo', ['lo12', 'lower 12 bits of a thread-pointer offset (TLS local-exec)']],
  ['tprel_add', ['tprel_add', 'marks the add of tp in a TLS local-exec sequence']],
  ['got_pcrel_hi', ['hi20', 'upper 20 bits of the pc-relative offset of the GOT entry (auipc)']],
  ['tls_ie_pcrel_hi', ['hi20', 'upper 20 bits of the pc-relative offset of the TLS initial-exec GOT entry']],
  ['tls_gd_pcrel_hi', ['hi20', 'upper 20 bits of the pc-relative offset of the TLS global-dynamic GOT entry']],
]);
