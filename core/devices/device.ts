// The contract between the bus and a memory-mapped device.

/**
 * A memory-mapped device. Offsets are relative to the device's base. Accesses are 1, 2 or 4 bytes,
 * naturally aligned; the bus splits an 8-byte access into two 4-byte accesses (low word first).
 * Reads return the value zero-extended in a JS number (0..2^32-1 is fine, so is an int32).
 * A device never throws for guest behaviour: it ignores what it does not understand.
 */
export interface MmioDevice {
  readonly name: string;
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
  /** Optional: called when the machine resets. */
  reset?(): void;
}

/** Host services the core may use; the CLI and the debug adapter supply them. */
export interface Host {
  /** Bytes the guest's console (UART) writes. */
  consoleWrite(bytes: Uint8Array): void;
}
