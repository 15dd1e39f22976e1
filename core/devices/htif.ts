// HTIF (host-target interface) as test programs and proxy kernels use it: a `tohost` doubleword in RAM that the
// guest writes, answered through `fromhost`. Supports the riscv-tests exit convention, the console device and the
// write/exit system calls of the proxy-kernel "magic memory" protocol.

import type { Ram } from './ram';

const SYS_WRITE = 64n, SYS_EXIT = 93n;

export interface HtifHost {
  consoleWrite(bytes: Uint8Array): void;
  /** The guest finished: code 0 = pass, n = failing test n (riscv-tests: tohost = (n << 1) | 1). */
  exit(code: number): void;
}

export class Htif {
  private readonly view: DataView;

  /** tohost / fromhost are RAM offsets (fromhost may be -1 when the program has none). */
  constructor(private readonly ram: Ram, private readonly tohostOff: number, private readonly fromhostOff: number,
    private readonly host: HtifHost) {
    this.view = new DataView(ram.buffer);
  }

  /** Called after any store that touched tohost. */
  poll(): void {
    const v = this.view.getBigUint64(this.tohostOff, true);
    if (v === 0n) return;
    this.view.setBigUint64(this.tohostOff, 0n, true);
    const device = Number(v >> 56n), cmd = Number((v >> 48n) & 0xffn), payload = v & 0xffff_ffff_ffffn;
    if (device === 0 && cmd === 0) {
      if ((payload & 1n) !== 0n) { this.host.exit(Number(payload >> 1n)); return; }
      this.syscall(payload);
      return;
    }
    if (device === 1 && cmd === 1) {
      this.host.consoleWrite(Uint8Array.of(Number(payload & 0xffn)));
      this.respond((1n << 56n) | (1n << 48n));
    }
    // Other devices and commands (console read, block devices) are not provided; they are ignored.
  }

  /** Proxy-kernel syscall: payload is the physical address of eight doublewords (number, args...). */
  private syscall(addr: bigint): void {
    const off = Number(addr) - this.ram.base;
    if (off < 0 || off + 64 > this.ram.size) return;
    const arg = (i: number) => this.view.getBigUint64(off + 8 * i, true);
    const num = arg(0);
    let ret = -38n;   // -ENOSYS
    if (num === SYS_WRITE) {
      const buf = Number(arg(2)) - this.ram.base, len = Number(arg(3));
      if (buf >= 0 && len >= 0 && buf + len <= this.ram.size) {
        this.host.consoleWrite(this.ram.u8.slice(buf, buf + len));
        ret = BigInt(len);
      } else ret = -14n;   // -EFAULT
    } else if (num === SYS_EXIT) {
      this.host.exit(Number(arg(1) & 0xffn));
      return;
    }
    this.view.setBigUint64(off, BigInt.asUintN(64, ret), true);
    this.respond(1n);
  }

  private respond(v: bigint): void {
    if (this.fromhostOff >= 0) this.view.setBigUint64(this.fromhostOff, v, true);
  }
}
