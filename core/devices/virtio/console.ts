// virtio-console (virtio 1.x "Console Device", device ID 3) with a single port: receiveq 0 carries host input to the
// guest, transmitq 1 carries guest output to the host. Emergency write is offered for early output.

import { DescChain, PopStatus } from './queue';
import { configRead, type VirtioDevice, type VirtioTransport } from './mmio';

export const VIRTIO_ID_CONSOLE = 3;
/** Feature bits ("Console Device / Feature bits"); only EMERG_WRITE is offered (no SIZE, no MULTIPORT). */
export const VIRTIO_CONSOLE_F_SIZE = 0, VIRTIO_CONSOLE_F_MULTIPORT = 1, VIRTIO_CONSOLE_F_EMERG_WRITE = 2;

const RECEIVEQ = 0, TRANSMITQ = 1;
const QUEUE_SIZE = 128;
/** virtio_console_config: cols @0, rows @2, max_nr_ports @4, emerg_wr @8. */
const CONFIG_SIZE = 12, EMERG_WR = 8;
/** Output and input move through a buffer of this size. */
const CHUNK = 4096;

export class VirtioConsole implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly queueCount = 2;
  readonly queueSizeMax = QUEUE_SIZE;
  readonly features = 1n << BigInt(VIRTIO_CONSOLE_F_EMERG_WRITE);
  private readonly config = new Uint8Array(CONFIG_SIZE);
  private readonly scratch = new Uint8Array(CHUNK);
  /** Host input not yet delivered, oldest first; nothing is dropped. */
  private pending: number[] = [];
  private pendingHead = 0;
  private readonly rxChain = new DescChain();
  private t!: VirtioTransport;
  private readonly transmitHandler = (chain: DescChain): number => this.transmit(chain);

  /** @param output receives the bytes the guest writes (a fresh array each call). */
  constructor(private readonly output: (bytes: Uint8Array) => void) {}

  attach(transport: VirtioTransport): void { this.t = transport; }

  /** Queues input bytes from the host and hands as many as fit to the guest's receive buffers. */
  pushInput(bytes: Uint8Array | number[]): void {
    for (const b of bytes) this.pending.push(b & 0xff);
    this.deliver();
  }

  /** Input bytes waiting for receive buffers. */
  get inputQueued(): number { return this.pending.length - this.pendingHead; }

  readConfig(offset: number, size: 1 | 2 | 4): number { return configRead(this.config, offset, size); }

  /** emerg_wr: the low byte goes straight to the output, even before the device is set up. */
  writeConfig(offset: number, _size: 1 | 2 | 4, value: number): void {
    if (offset === EMERG_WR) this.output(Uint8Array.of(value & 0xff));
  }

  queueNotify(q: number): void {
    if (q === RECEIVEQ) this.deliver();
    else if (q === TRANSMITQ) this.t.drain(TRANSMITQ, this.transmitHandler);
  }

  start(): void { this.deliver(); }

  /** Pending host input survives a device reset: it was typed for whoever drives the console next. */
  reset(): void { /* nothing in flight */ }

  machineReset(): void {
    this.pending = [];
    this.pendingHead = 0;
  }

  /** Guest output: every device-readable byte of the chain, in order. Returns 0 (nothing written to the guest). */
  private transmit(chain: DescChain): number {
    const dma = this.t.dma;
    for (let done = 0; done < chain.readableLen;) {
      const part = this.scratch.subarray(0, Math.min(CHUNK, chain.readableLen - done));
      if (!chain.read(dma, done, part)) break; // unreachable buffer: the rest of this chain is dropped
      this.output(part.slice());
      done += part.length;
    }
    return 0;
  }

  /** Fills receive buffers with pending input while there is both. */
  private deliver(): void {
    const t = this.t;
    if (t === undefined || !t.live) return;
    const vq = t.queue(RECEIVEQ);
    const chain = this.rxChain;
    while (this.inputQueued > 0 && vq.ready) {
      const st = vq.pop(chain);
      if (st === PopStatus.EMPTY) break;
      if (st === PopStatus.ERROR) { t.deviceError(vq.error); break; }
      const n = Math.min(chain.writableLen, this.inputQueued, CHUNK);
      const part = this.scratch.subarray(0, n);
      for (let i = 0; i < n; i++) part[i] = this.pending[this.pendingHead + i];
      const ok = chain.write(t.dma, 0, part);
      if (ok) this.consume(n);
      if (!vq.push(chain.head, ok ? n : 0)) { t.deviceError(vq.error); break; }
    }
    t.signalUsed(vq);
  }

  private consume(n: number): void {
    this.pendingHead += n;
    if (this.pendingHead === this.pending.length) { this.pending = []; this.pendingHead = 0; }
    else if (this.pendingHead > 4096 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }
}
