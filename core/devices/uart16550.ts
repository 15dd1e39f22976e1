// NS16550A-compatible UART (the virt board's console at 0x1000_0000): registers, a receive FIFO,
// THR-empty / receive-data interrupts and the divisor latch. Transmit is instantaneous.

import type { MmioDevice } from './device';

export const UART_BASE = 0x1000_0000;
export const UART_SIZE = 0x100;
/** PLIC interrupt source of the UART on the virt board. */
export const UART_IRQ = 10;

const RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
const IER_ERBFI = 1, IER_ETBEI = 2;
const LSR_DR = 1, LSR_THRE = 0x20, LSR_TEMT = 0x40;
const LCR_DLAB = 0x80;
const IIR_NONE = 1, IIR_THRE = 2, IIR_RDA = 4;
const MCR_LOOP = 0x10;
/** Receive buffer size: bytes typed or piped beyond this wait in the host queue (nothing is dropped). */
const RX_CAPACITY = 4096;

export class Uart16550 implements MmioDevice {
  readonly name = 'uart16550';
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private fcr = 0;
  private dll = 0;
  private dlm = 0;
  /** THR-empty interrupt pending (set when THR empties with ETBEI on, cleared by reading IIR or writing THR). */
  private thrIpending = true;
  private readonly rx = new Uint8Array(RX_CAPACITY);
  private rxHead = 0;
  private rxCount = 0;
  private readonly pending: number[] = [];
  private readonly tx = new Uint8Array(4096);
  private txLen = 0;
  /** Interrupt line level changes go here (the PLIC, when present). */
  irqLine: ((level: boolean) => void) | null = null;
  private irqLevel = false;

  constructor(private readonly output: (bytes: Uint8Array) => void) {}

  /** Queues input bytes from the host (keyboard or pipe). */
  pushInput(bytes: Uint8Array | number[]): void {
    for (const b of bytes) {
      if (this.rxCount < RX_CAPACITY && this.pending.length === 0) this.rxPush(b);
      else this.pending.push(b);
    }
    this.updateIrq();
  }

  /** Bytes waiting for the guest to read. */
  get inputQueued(): number { return this.rxCount + this.pending.length; }

  /** Sends buffered output to the host. */
  flush(): void {
    if (this.txLen === 0) return;
    this.output(this.tx.slice(0, this.txLen));
    this.txLen = 0;
  }

  reset(): void {
    this.ier = 0; this.lcr = 0; this.mcr = 0; this.scr = 0; this.fcr = 0; this.dll = 0; this.dlm = 0;
    this.thrIpending = true; this.rxHead = 0; this.rxCount = 0; this.pending.length = 0;
    this.flush();
    this.updateIrq();
  }

  read(offset: number, _size?: number): number {
    switch (offset) {
      case RBR_THR:
        if ((this.lcr & LCR_DLAB) !== 0) return this.dll;
        return this.rxPop();
      case IER:
        return (this.lcr & LCR_DLAB) !== 0 ? this.dlm : this.ier;
      case IIR_FCR: {
        const id = this.interruptId();
        if (id === IIR_THRE) { this.thrIpending = false; this.updateIrq(); }
        return id | ((this.fcr & 1) !== 0 ? 0xc0 : 0);
      }
      case LCR: return this.lcr;
      case MCR: return this.mcr;
      case LSR: return (this.rxCount > 0 ? LSR_DR : 0) | LSR_THRE | LSR_TEMT;
      case MSR: return (this.mcr & MCR_LOOP) !== 0 ? ((this.mcr & 0xf) << 4) : 0xb0;   // CTS, DSR, DCD asserted
      case SCR: return this.scr;
      default: return 0;
    }
  }

  write(offset: number, _size: number, value: number): void {
    const v = value & 0xff;
    switch (offset) {
      case RBR_THR:
        if ((this.lcr & LCR_DLAB) !== 0) { this.dll = v; return; }
        if ((this.mcr & MCR_LOOP) !== 0) this.rxPush(v);
        else this.transmit(v);
        // The byte leaves at once, so THR is empty again: raise THRE if enabled.
        this.thrIpending = true;
        break;
      case IER:
        if ((this.lcr & LCR_DLAB) !== 0) { this.dlm = v; return; }
        // Enabling ETBEI while THR is empty raises the THRE interrupt (16550 datasheet behaviour).
        if ((v & IER_ETBEI) !== 0 && (this.ier & IER_ETBEI) === 0) this.thrIpending = true;
        this.ier = v & 0x0f;
        break;
      case IIR_FCR:
        this.fcr = v & 0xc9;
        if ((v & 2) !== 0) { this.rxHead = 0; this.rxCount = 0; this.refill(); }
        break;
      case LCR: this.lcr = v; break;
      case MCR: this.mcr = v & 0x1f; break;
      case SCR: this.scr = v; break;
      default: break;
    }
    this.updateIrq();
  }

  private transmit(b: number): void {
    this.tx[this.txLen++] = b;
    if (this.txLen === this.tx.length || b === 10) this.flush();
  }

  private rxPush(b: number): void {
    this.rx[(this.rxHead + this.rxCount) % RX_CAPACITY] = b;
    this.rxCount++;
  }

  private rxPop(): number {
    if (this.rxCount === 0) return 0;
    const b = this.rx[this.rxHead];
    this.rxHead = (this.rxHead + 1) % RX_CAPACITY;
    this.rxCount--;
    this.refill();
    this.updateIrq();
    return b;
  }

  private refill(): void {
    while (this.pending.length > 0 && this.rxCount < RX_CAPACITY) this.rxPush(this.pending.shift()!);
  }

  private interruptId(): number {
    if ((this.ier & IER_ERBFI) !== 0 && this.rxCount > 0) return IIR_RDA;
    if ((this.ier & IER_ETBEI) !== 0 && this.thrIpending) return IIR_THRE;
    return IIR_NONE;
  }

  private updateIrq(): void {
    const level = this.interruptId() !== IIR_NONE;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      if (this.irqLine !== null) this.irqLine(level);
    }
  }
}
