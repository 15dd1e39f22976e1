// SiFive test finisher / syscon (virt board, 0x10_0000): a guest writes a status word to end the run.

import type { MmioDevice } from './device';

export const FINISHER_BASE = 0x10_0000;
export const FINISHER_SIZE = 0x1000;

const FINISHER_FAIL = 0x3333, FINISHER_PASS = 0x5555, FINISHER_RESET = 0x7777;

/** What the guest asked for: power off with an exit code, or a reset. */
export type FinishRequest = { kind: 'exit'; code: number } | { kind: 'reset' };

export class TestFinisher implements MmioDevice {
  readonly name = 'test-finisher';
  constructor(private readonly onFinish: (req: FinishRequest) => void) {}

  read(): number { return 0; }

  write(offset: number, size: number, value: number): void {
    // 16- and 32-bit writes both count (OpenSBI's driver uses a 16-bit store; QEMU accepts 2..4 bytes).
    if (offset !== 0 || size === 1) return;
    const status = value & 0xffff;
    if (status === FINISHER_PASS) this.onFinish({ kind: 'exit', code: 0 });
    else if (status === FINISHER_FAIL) this.onFinish({ kind: 'exit', code: value >>> 16 });
    else if (status === FINISHER_RESET) this.onFinish({ kind: 'reset' });
  }
}
