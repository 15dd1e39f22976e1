// The 16550 UART a VM sees at 0x1000_0000, emulated by the VMM on guest-page faults: transmit goes to the VM's
// console, the line status always says "transmitter empty", no receive and no interrupts (yet).

const THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
/** LSR: THR empty and transmitter empty. */
const LSR_IDLE = 0x60;

export class VirtUart {
  private readonly regs = new Uint8Array(8);
  /** Bytes the guest wrote. */
  written = 0;

  constructor(private readonly out: (bytes: Uint8Array) => void) {}

  read(off: number): number {
    const dlab = (this.regs[LCR] & 0x80) !== 0;
    switch (off) {
      case THR: return dlab ? this.regs[THR] : 0;          // receive buffer: empty
      case IER: return this.regs[IER];
      case IIR_FCR: return 0xc1;                            // FIFOs enabled, no interrupt pending
      case LCR: case MCR: case SCR: return this.regs[off];
      case LSR: return LSR_IDLE;
      case MSR: return 0xb0;                                // CTS, DSR, DCD
      default: return 0;
    }
  }

  /** Console output that does not go through the registers (SBI console calls). */
  writeBytes(bytes: Uint8Array): void {
    this.written += bytes.length;
    this.out(bytes);
  }

  write(off: number, value: number): void {
    const v = value & 0xff;
    if (off === THR && (this.regs[LCR] & 0x80) === 0) {
      this.written++;
      this.out(Uint8Array.of(v));
      return;
    }
    if (off < 8) this.regs[off] = v;
  }
}
