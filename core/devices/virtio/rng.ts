// virtio-entropy (virtio 1.x "Entropy Device", device ID 4): fills the guest's buffers from a seeded PRNG, so that
// two runs with the same seed see the same "random" bytes.

import type { DescChain } from './queue';
import type { VirtioDevice, VirtioTransport } from './mmio';

export const VIRTIO_ID_ENTROPY = 4;

const QUEUE_SIZE = 64;
/** Most bytes given per request ("Device Operation": the device MAY use less than the whole buffer). */
const MAX_PER_REQUEST = 64 * 1024;
const CHUNK = 4096;

/**
 * xoshiro128** over four 32-bit words, seeded through splitmix32: fast, small state, and the same sequence on every
 * host. Not cryptographic, which a reproducible emulator does not need.
 */
export class SeededRandom {
  private s0 = 0; private s1 = 0; private s2 = 0; private s3 = 0;

  constructor(seed: number) { this.seed(seed); }

  /** Restarts the sequence; the low 64 bits of the integer part of `seed` matter. */
  seed(seed: number): void {
    let x = (Math.trunc(seed) >>> 0) ^ Math.imul(Math.floor(Math.trunc(seed) / 4294967296) >>> 0, 0x85ebca6b);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** Next 32 random bits as an unsigned number. */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** Fills dst with random bytes. */
  fill(dst: Uint8Array): void {
    let i = 0;
    for (; i + 4 <= dst.length; i += 4) {
      const r = this.nextU32();
      dst[i] = r; dst[i + 1] = r >>> 8; dst[i + 2] = r >>> 16; dst[i + 3] = r >>> 24;
    }
    if (i < dst.length) {
      let r = this.nextU32();
      for (; i < dst.length; i++, r >>>= 8) dst[i] = r;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class VirtioRng implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_ENTROPY;
  readonly queueCount = 1;
  readonly queueSizeMax = QUEUE_SIZE;
  readonly features = 0n;
  private readonly rng: SeededRandom;
  private readonly scratch = new Uint8Array(CHUNK);
  private t!: VirtioTransport;
  private readonly handler = (chain: DescChain): number => this.fillChain(chain);

  /** @param seed the same seed gives the same byte stream (from power-on or machine reset). */
  constructor(readonly seed = 0) {
    this.rng = new SeededRandom(seed);
  }

  attach(transport: VirtioTransport): void { this.t = transport; }

  readConfig(): number { return 0; }

  writeConfig(): void { /* no configuration space */ }

  queueNotify(q: number): void {
    if (q === 0) this.t.drain(0, this.handler);
  }

  /** The byte stream continues across a device reset; only a machine reset replays it from the seed. */
  reset(): void { /* nothing in flight */ }

  machineReset(): void { this.rng.seed(this.seed); }

  /** Fills the writable part (up to MAX_PER_REQUEST bytes); returns the bytes written. */
  private fillChain(chain: DescChain): number {
    const total = Math.min(chain.writableLen, MAX_PER_REQUEST);
    let done = 0;
    while (done < total) {
      const part = this.scratch.subarray(0, Math.min(CHUNK, total - done));
      this.rng.fill(part);
      if (!chain.write(this.t.dma, done, part)) break;
      done += part.length;
    }
    return done;
  }
}
