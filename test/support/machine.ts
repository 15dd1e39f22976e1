// Builds a small machine with a program at the start of RAM, for hart-level tests.
import { Machine } from '../../core/machine';
import { bytes } from './asm';

export const BASE = 0x8000_0000;

export function machineWith(words: number[], opts: { harts?: number; memory?: number } = {}): Machine {
  const m = new Machine({ memorySize: opts.memory ?? 1 << 20, harts: opts.harts ?? 1, host: { consoleWrite: () => undefined } });
  m.writePhys(BASE, bytes(words));
  return m;
}

/** Runs until the hart's pc reaches `stopPc` (a `j .` there) or the budget runs out. */
export function runTo(m: Machine, stopPc: number, budget = 100_000): void {
  const h = m.harts[0];
  for (let i = 0; i < budget; i += 1) {
    if (h.getPc() === BigInt(stopPc)) return;
    m.run(1);
  }
  throw new Error(`pc never reached 0x${stopPc.toString(16)} (at 0x${h.getPc().toString(16)})`);
}
