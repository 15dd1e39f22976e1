// Goldfish RTC (the virt board's real-time clock at 0x10_1000, Linux driver rtc-goldfish): nanoseconds since the
// epoch, derived from the machine's deterministic time plus the epoch at power-on, and a one-shot alarm interrupt.

import type { MmioDevice } from './device';

export const RTC_BASE = 0x10_1000;
export const RTC_SIZE = 0x1000;
export const RTC_IRQ = 11;

const TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c, IRQ_ENABLED = 0x10;
const CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c;

export class GoldfishRtc implements MmioDevice {
  readonly name = 'goldfish-rtc';
  /** Interrupt line (to the PLIC). */
  irqLine: ((level: boolean) => void) | null = null;
  private latchedHigh = 0;
  private alarmLow = 0;
  private alarmNs = -1n;
  private irqEnabled = false;
  private irqPending = false;
  private lineLevel = false;
  /** Offset added to the machine's clock: lets the guest set the time (TIME_LOW/HIGH writes). */
  private adjustNs = 0n;

  /**
   * @param epochNs wall-clock time at power-on, in ns since 1970 (fixed values give repeatable runs)
   * @param nowNs the machine's elapsed guest time in ns
   */
  constructor(private readonly epochNs: bigint, private readonly nowNs: () => bigint) {}

  private time(): bigint { return this.epochNs + this.adjustNs + this.nowNs(); }

  read(offset: number): number {
    this.poll();
    switch (offset) {
      case TIME_LOW: {
        // Reading the low word latches the high word, so the pair is consistent (driver reads low first).
        const t = this.time();
        this.latchedHigh = Number((t >> 32n) & 0xffff_ffffn);
        return Number(t & 0xffff_ffffn);
      }
      case TIME_HIGH: return this.latchedHigh;
      case ALARM_STATUS: return this.alarmNs >= 0n ? 1 : 0;
      case IRQ_ENABLED: return this.irqEnabled ? 1 : 0;
      default: return 0;
    }
  }

  write(offset: number, _size: number, value: number): void {
    switch (offset) {
      case TIME_LOW: {
        const want = (BigInt(this.latchedHigh) << 32n) | BigInt(value >>> 0);
        this.adjustNs += want - this.time();
        break;
      }
      case TIME_HIGH: this.latchedHigh = value >>> 0; break;
      case ALARM_LOW: this.alarmLow = value >>> 0; break;
      // Writing ALARM_HIGH arms the alarm with the pair (high, low), as the Linux driver does last.
      case ALARM_HIGH: this.alarmNs = (BigInt(value >>> 0) << 32n) | BigInt(this.alarmLow); break;
      case IRQ_ENABLED: this.irqEnabled = (value & 1) !== 0; break;
      case CLEAR_ALARM: this.alarmNs = -1n; break;
      case CLEAR_INTERRUPT: this.irqPending = false; break;
      default: break;
    }
    this.poll();
  }

  /** Fires the alarm when its time has come (called on access and periodically by the board). */
  poll(): void {
    if (this.alarmNs >= 0n && this.time() >= this.alarmNs) {
      this.alarmNs = -1n;
      this.irqPending = true;
    }
    this.setLine(this.irqPending && this.irqEnabled);
  }

  private setLine(level: boolean): void {
    if (level === this.lineLevel) return;
    this.lineLevel = level;
    if (this.irqLine !== null) this.irqLine(level);
  }

  reset(): void {
    this.alarmNs = -1n; this.irqEnabled = false; this.irqPending = false; this.adjustNs = 0n;
    this.setLine(false);
  }
}
