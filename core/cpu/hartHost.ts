// What a hart needs from the machine around it: time, code-cache services and trace hooks.

import type { Hart } from './hart';

export interface HartHost {
  /** Current mtime value (10 MHz ticks) as a Number. */
  mtime(): number;
  /** Called after every trap entry when tracing or debugging wants it, else null. */
  onTrap: ((h: Hart) => void) | null;
  /** Firmware written in TypeScript (the built-in SBI): called after every trap into M-mode, else null. */
  firmware: ((h: Hart) => void) | null;
  /** A hypervisor written in TypeScript (the built-in VMM): called after every trap into HS-mode, else null. */
  hypervisor: ((h: Hart) => void) | null;
  /** Called after a trap takes the hart out of a guest (V=1 to HS or M): VM-exit recording. */
  onGuestExit: ((h: Hart) => void) | null;
  /** Called when the hart enters a guest (V becomes 1). */
  onGuestEntry: ((h: Hart) => void) | null;
  /** Called after every page walk when MMU tracing is on, else null. */
  onWalk: ((h: Hart, vaLo: number, vaHi: number, access: number, ok: boolean, pa: number, level: number, fault: number) => void) | null;
  /** Marks a RAM page (offset) as holding decoded code and returns nothing. */
  markCodePage(pageOff: number): void;
  /** stimecmp or menvcfg.STCE changed: the machine recomputes timer deadlines. */
  onStimecmpChange(h: Hart): void;
}
