// Platform-Level Interrupt Controller (RISC-V PLIC specification 1.0.0), laid out as on QEMU's virt board:
// per-source priorities, pending bits, per-context enables, thresholds and claim/complete, with level-triggered
// gateways. Context 2h is hart h's M-mode (MEIP), context 2h+1 its S-mode (SEIP).

import type { MmioDevice } from './device';

export const PLIC_BASE = 0x0c00_0000;
export const PLIC_SIZE = 0x60_0000;
/** Interrupt sources 1..PLIC_SOURCES-1 exist (source 0 means "none"). */
export const PLIC_SOURCES = 96;
/** Priority bits: levels 0 (never interrupts) .. 7. */
const PRIORITY_MASK = 7;

const PENDING = 0x1000, ENABLE = 0x2000, ENABLE_STRIDE = 0x80, CONTEXT = 0x20_0000, CONTEXT_STRIDE = 0x1000;
const WORDS = PLIC_SOURCES / 32;

/** Drives one hart's external-interrupt line for a privilege level (3 = M → MEIP, 1 = S → SEIP). */
export type PlicOutput = (hart: number, priv: 1 | 3, level: boolean) => void;

export class Plic implements MmioDevice {
  readonly name = 'plic';
  private readonly priority = new Uint8Array(PLIC_SOURCES);
  private readonly pending = new Uint32Array(WORDS);
  /** Sources claimed and not yet completed: their gateway holds new requests back. */
  private readonly inFlight = new Uint32Array(WORDS);
  private readonly level = new Uint8Array(PLIC_SOURCES);
  private readonly enable: Uint32Array;
  private readonly threshold: Uint8Array;
  private readonly lineState: Uint8Array;
  readonly contexts: number;

  constructor(readonly harts: number, private readonly output: PlicOutput) {
    this.contexts = 2 * harts;
    this.enable = new Uint32Array(this.contexts * WORDS);
    this.threshold = new Uint8Array(this.contexts);
    this.lineState = new Uint8Array(this.contexts);
  }

  reset(): void {
    this.priority.fill(0); this.pending.fill(0); this.inFlight.fill(0); this.enable.fill(0); this.threshold.fill(0);
    for (let src = 1; src < PLIC_SOURCES; src++) if (this.level[src]) this.setPending(src, true);
    this.update();
  }

  /** A device's interrupt line (level-triggered). */
  setLevel(src: number, level: boolean): void {
    if (src <= 0 || src >= PLIC_SOURCES) return;
    this.level[src] = level ? 1 : 0;
    if (level && !this.bit(this.inFlight, src)) this.setPending(src, true);
    this.update();
  }

  read(offset: number, size: number): number {
    if (size !== 4 || (offset & 3) !== 0) return 0;
    if (offset < PENDING) {
      const src = offset >>> 2;
      return src < PLIC_SOURCES ? this.priority[src] : 0;
    }
    if (offset < ENABLE) {
      const w = (offset - PENDING) >>> 2;
      return w < WORDS ? this.pending[w] : 0;
    }
    if (offset < CONTEXT) {
      const ctx = Math.floor((offset - ENABLE) / ENABLE_STRIDE), w = ((offset - ENABLE) % ENABLE_STRIDE) >>> 2;
      return ctx < this.contexts && w < WORDS ? this.enable[ctx * WORDS + w] : 0;
    }
    const ctx = Math.floor((offset - CONTEXT) / CONTEXT_STRIDE), reg = (offset - CONTEXT) % CONTEXT_STRIDE;
    if (ctx >= this.contexts) return 0;
    if (reg === 0) return this.threshold[ctx];
    if (reg === 4) return this.claim(ctx);
    return 0;
  }

  write(offset: number, size: number, value: number): void {
    if (size !== 4 || (offset & 3) !== 0) return;
    if (offset < PENDING) {
      const src = offset >>> 2;
      if (src > 0 && src < PLIC_SOURCES) this.priority[src] = value & PRIORITY_MASK;
    } else if (offset < ENABLE) {
      return;                                            // pending bits are read-only
    } else if (offset < CONTEXT) {
      const ctx = Math.floor((offset - ENABLE) / ENABLE_STRIDE), w = ((offset - ENABLE) % ENABLE_STRIDE) >>> 2;
      if (ctx < this.contexts && w < WORDS) this.enable[ctx * WORDS + w] = w === 0 ? value & ~1 : value;   // source 0 does not exist
    } else {
      const ctx = Math.floor((offset - CONTEXT) / CONTEXT_STRIDE), reg = (offset - CONTEXT) % CONTEXT_STRIDE;
      if (ctx >= this.contexts) return;
      if (reg === 0) this.threshold[ctx] = value & PRIORITY_MASK;
      else if (reg === 4) this.complete(ctx, value >>> 0);
    }
    this.update();
  }

  /** Claim: the highest-priority pending source enabled for ctx above its threshold (ties: lowest id); 0 if none. */
  private claim(ctx: number): number {
    const src = this.best(ctx);
    if (src !== 0) {
      this.setPending(src, false);
      this.inFlight[src >>> 5] |= 1 << (src & 31);
    }
    this.update();
    return src;
  }

  /** Complete: ignored unless src is enabled for ctx (PLIC spec, "Interrupt Completion"). */
  private complete(ctx: number, src: number): void {
    if (src <= 0 || src >= PLIC_SOURCES || !this.bit(this.enable, src, ctx * WORDS)) return;
    this.inFlight[src >>> 5] &= ~(1 << (src & 31));
    if (this.level[src]) this.setPending(src, true);
  }

  private best(ctx: number): number {
    let best = 0, bestPrio = this.threshold[ctx];
    for (let w = 0; w < WORDS; w++) {
      let bits = this.pending[w] & this.enable[ctx * WORDS + w];
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const src = 32 * w + b, p = this.priority[src];
        if (p > bestPrio) { best = src; bestPrio = p; }
      }
    }
    return best;
  }

  private update(): void {
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      const on = this.best(ctx) !== 0 ? 1 : 0;
      if (on !== this.lineState[ctx]) {
        this.lineState[ctx] = on;
        this.output(ctx >>> 1, (ctx & 1) === 0 ? 3 : 1, on === 1);
      }
    }
  }

  private setPending(src: number, on: boolean): void {
    if (on) this.pending[src >>> 5] |= 1 << (src & 31);
    else this.pending[src >>> 5] &= ~(1 << (src & 31));
  }

  private bit(a: Uint32Array, src: number, base = 0): boolean {
    return ((a[base + (src >>> 5)] >>> (src & 31)) & 1) !== 0;
  }
}
