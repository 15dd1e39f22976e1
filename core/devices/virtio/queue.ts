// Split virtqueues, device side (virtio 1.x "Split Virtqueues"): the available ring, descriptor chains (direct and
// indirect) gathered into readable/writable segments, the used ring, and used-buffer notification suppression.

import type { DmaPort } from '../dma';

/** Descriptor flags (virtq_desc.flags). */
export const VIRTQ_DESC_F_NEXT = 1, VIRTQ_DESC_F_WRITE = 2, VIRTQ_DESC_F_INDIRECT = 4;
/** Available ring flag: the driver does not want used-buffer notifications (ignored under EVENT_IDX). */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
/** Largest queue size the split format allows. */
export const VIRTQ_MAX_SIZE = 32768;
/**
 * Most data segments one chain may carry, direct and indirect descriptors together ("Message Framing": the device MAY
 * limit the descriptors it allows in a chain). A longer chain is a driver error.
 */
export const MAX_CHAIN_SEGMENTS = 1024;

const TWO32 = 4294967296;
const DESC_SIZE = 16;

/** Result of taking the next chain off the available ring. */
export const enum PopStatus {
  /** A chain was gathered into the DescChain. */
  OK = 0,
  /** Nothing new in the available ring (or the queue is not ready). */
  EMPTY = 1,
  /** The driver broke the ring protocol; `Virtqueue.error` says how. The device should set DEVICE_NEEDS_RESET. */
  ERROR = 2,
}

/**
 * One descriptor chain gathered into segments: device-readable ones first, then device-writable ones (the order the
 * spec requires of the driver). Zero-length descriptors are accepted and dropped. One DescChain is reused for every
 * request a device handles.
 */
export class DescChain {
  /** Descriptor index of the chain head (the id the used ring reports). */
  head = 0;
  /** Number of segments. */
  count = 0;
  /** Segments [0, readableCount) are device-readable, the rest device-writable. */
  readableCount = 0;
  /** Total bytes of the readable and of the writable segments. */
  readableLen = 0;
  writableLen = 0;
  readonly addr = new Float64Array(MAX_CHAIN_SEGMENTS);
  readonly len = new Uint32Array(MAX_CHAIN_SEGMENTS);

  clear(head: number): void {
    this.head = head;
    this.count = this.readableCount = this.readableLen = this.writableLen = 0;
  }

  /**
   * Copies dst.length bytes of the readable part, starting at byte `offset` of it, into dst. False when the readable
   * part is too short or a segment lies outside what the DMA port reaches.
   */
  read(dma: DmaPort, offset: number, dst: Uint8Array): boolean {
    if (offset + dst.length > this.readableLen) return false;
    return this.copy(dma, 0, this.readableCount, offset, dst, false);
  }

  /**
   * Copies src into the writable part starting at byte `offset` of it. False when the writable part is too short or a
   * segment lies outside what the DMA port reaches (earlier segments may then have been written).
   */
  write(dma: DmaPort, offset: number, src: Uint8Array): boolean {
    if (offset + src.length > this.writableLen) return false;
    return this.copy(dma, this.readableCount, this.count, offset, src, true);
  }

  private copy(dma: DmaPort, first: number, end: number, offset: number, buf: Uint8Array, toGuest: boolean): boolean {
    let done = 0;
    for (let i = first; i < end && done < buf.length; i++) {
      const segLen = this.len[i];
      if (offset >= segLen) { offset -= segLen; continue; }
      const n = Math.min(segLen - offset, buf.length - done);
      const part = buf.subarray(done, done + n);
      const addr = this.addr[i] + offset;
      if (!(toGuest ? dma.write(addr, part) : dma.read(addr, part))) return false;
      done += n;
      offset = 0;
    }
    return done === buf.length;
  }

  /** Appends a segment; false when the chain already holds MAX_CHAIN_SEGMENTS. */
  push(addr: number, len: number, writable: boolean): boolean {
    if (this.count >= MAX_CHAIN_SEGMENTS) return false;
    this.addr[this.count] = addr;
    this.len[this.count] = len;
    this.count++;
    if (writable) this.writableLen += len;
    else { this.readableCount++; this.readableLen += len; }
    return true;
  }
}

/** A 64-bit guest-physical address from its two 32-bit halves (exact below 2^53; beyond, no DMA port reaches it). */
export function addr64(lo: number, hi: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}

/** Device-side state of one split virtqueue. Register values are set by the transport. */
export class Virtqueue {
  /** Queue size chosen by the driver (QueueSize register). */
  num: number;
  ready = false;
  /** Descriptor Area, Driver Area (available ring) and Device Area (used ring), as 32-bit halves. */
  descLo = 0; descHi = 0;
  driverLo = 0; driverHi = 0;
  deviceLo = 0; deviceHi = 0;
  /** VIRTIO_F_EVENT_IDX / VIRTIO_F_INDIRECT_DESC negotiated. */
  eventIdx = false;
  indirect = false;
  /** Free-running index of the next available-ring entry the device will take. */
  lastAvail = 0;
  /** Free-running used-ring index the device has published. */
  usedIdx = 0;
  /** Why the last ERROR happened (for diagnostics). */
  error = '';
  private notifyPending = false;
  private readonly buf = new Uint8Array(DESC_SIZE);
  private readonly view = new DataView(this.buf.buffer);
  private readonly buf2 = this.buf.subarray(0, 2);
  private readonly buf8 = this.buf.subarray(0, 8);

  constructor(readonly index: number, readonly maxSize: number, private readonly dma: DmaPort) {
    this.num = maxSize;
  }

  /** Back to the reset state (QueueReady 0, sizes at maximum, addresses 0). */
  reset(): void {
    this.num = this.maxSize;
    this.ready = false;
    this.descLo = this.descHi = this.driverLo = this.driverHi = this.deviceLo = this.deviceHi = 0;
    this.eventIdx = this.indirect = false;
    this.lastAvail = this.usedIdx = 0;
    this.error = '';
    this.notifyPending = false;
  }

  /** True when QueueSize is usable: a power of two no larger than QueueSizeMax ("Split Virtqueues"). */
  sizeValid(): boolean {
    const n = this.num;
    return n >= 1 && n <= this.maxSize && n <= VIRTQ_MAX_SIZE && (n & (n - 1)) === 0;
  }

  get descAddr(): number { return addr64(this.descLo, this.descHi); }
  get driverAddr(): number { return addr64(this.driverLo, this.driverHi); }
  get deviceAddr(): number { return addr64(this.deviceLo, this.deviceHi); }

  /**
   * Takes the next available chain and gathers it into `chain`. On EMPTY with EVENT_IDX the device publishes
   * avail_event = the next index it wants to hear about ("Available Buffer Notification Suppression").
   */
  pop(chain: DescChain): PopStatus {
    if (!this.ready) return PopStatus.EMPTY;
    const driver = this.driverAddr;
    if (!this.read16(driver + 2)) return this.fail('available ring unreachable');
    const availIdx = this.view.getUint16(0, true);
    const pending = (availIdx - this.lastAvail) & 0xffff;
    if (pending === 0) {
      if (this.eventIdx && !this.write16(this.deviceAddr + 4 + 8 * this.num, this.lastAvail)) {
        return this.fail('used ring unreachable');
      }
      return PopStatus.EMPTY;
    }
    // The ring holds at most num entries, so a larger gap means the driver corrupted idx.
    if (pending > this.num) return this.fail(`available idx ${availIdx} is ${pending} ahead of the device (queue size ${this.num})`);
    if (!this.read16(driver + 4 + 2 * (this.lastAvail % this.num))) return this.fail('available ring unreachable');
    const head = this.view.getUint16(0, true);
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    return this.walk(head, chain);
  }

  /** Returns the chain to the driver through the used ring; false (after setting `error`) when the ring is unreachable. */
  push(head: number, written: number): boolean {
    const device = this.deviceAddr;
    const v = this.view;
    v.setUint32(0, head, true);
    v.setUint32(4, written >>> 0, true);
    if (!this.dma.write(device + 4 + 8 * (this.usedIdx % this.num), this.buf8)) {
      this.fail('used ring unreachable');
      return false;
    }
    const old = this.usedIdx;
    this.usedIdx = (old + 1) & 0xffff;
    if (!this.write16(device + 2, this.usedIdx)) {
      this.fail('used ring unreachable');
      return false;
    }
    if (this.eventIdx) {
      // "Used Buffer Notification Suppression": notify when the entry just written sits at index used_event.
      if (!this.read16(this.driverAddr + 4 + 2 * this.num)) { this.fail('available ring unreachable'); return false; }
      const usedEvent = v.getUint16(0, true);
      if (((this.usedIdx - usedEvent - 1) & 0xffff) < ((this.usedIdx - old) & 0xffff)) this.notifyPending = true;
    } else {
      if (!this.read16(this.driverAddr)) { this.fail('available ring unreachable'); return false; }
      if ((v.getUint16(0, true) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0) this.notifyPending = true;
    }
    return true;
  }

  /** True (once) when used buffers were added since the last call and the driver wants to be told. */
  takeNotify(): boolean {
    const n = this.notifyPending;
    this.notifyPending = false;
    return n;
  }

  /**
   * Walks the chain starting at descriptor `head` ("The Virtqueue Descriptor Table", "Indirect Descriptors"). A chain
   * may be zero or more direct descriptors followed by one INDIRECT descriptor whose table is walked in turn. Loops
   * are caught by counting: no table yields more descriptors than it holds.
   */
  private walk(head: number, chain: DescChain): PopStatus {
    chain.clear(head);
    const num = this.num;
    if (head >= num) return this.fail(`chain head ${head} out of range (queue size ${num})`);
    let table = this.descAddr;
    let tableSize = num;
    let inIndirect = false;
    let steps = 0;
    let idx = head;
    let total = 0;
    let seenWritable = false;
    const v = this.view;
    for (;;) {
      if (++steps > tableSize) return this.fail(`descriptor chain from ${head} loops`);
      if (!this.dma.read(table + DESC_SIZE * idx, this.buf)) return this.fail(`descriptor ${idx} unreachable`);
      const addr = addr64(v.getUint32(0, true), v.getUint32(4, true));
      const len = v.getUint32(8, true);
      const flags = v.getUint16(12, true);
      const next = v.getUint16(14, true);
      if ((flags & VIRTQ_DESC_F_INDIRECT) !== 0) {
        // Driver rules: only with INDIRECT_DESC negotiated, never inside an indirect table, never with NEXT;
        // the table is whole descriptors. The WRITE flag of this descriptor is ignored.
        if (!this.indirect) return this.fail('indirect descriptor without VIRTIO_F_INDIRECT_DESC');
        if (inIndirect) return this.fail('indirect descriptor inside an indirect table');
        if ((flags & VIRTQ_DESC_F_NEXT) !== 0) return this.fail('indirect descriptor with NEXT');
        if (len === 0 || len % DESC_SIZE !== 0) return this.fail(`indirect table length ${len} is not a multiple of 16`);
        if (len / DESC_SIZE > MAX_CHAIN_SEGMENTS) return this.fail(`indirect table of ${len / DESC_SIZE} descriptors`);
        table = addr;
        tableSize = len / DESC_SIZE;
        inIndirect = true;
        steps = 0;
        idx = 0;
        continue;
      }
      const writable = (flags & VIRTQ_DESC_F_WRITE) !== 0;
      if (!writable && seenWritable) return this.fail('device-readable descriptor after a device-writable one');
      seenWritable ||= writable;
      total += len;
      // Drivers must not build chains longer than 2^32 bytes.
      if (total > TWO32) return this.fail('descriptor chain longer than 4 GiB');
      if (len > 0 && !chain.push(addr, len, writable)) return this.fail(`chain longer than ${MAX_CHAIN_SEGMENTS} segments`);
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) return PopStatus.OK;
      if (next >= tableSize) return this.fail(`next index ${next} out of range (table of ${tableSize})`);
      idx = next;
    }
  }

  private fail(why: string): PopStatus.ERROR {
    this.error = `queue ${this.index}: ${why}`;
    return PopStatus.ERROR;
  }

  private read16(addr: number): boolean {
    return this.dma.read(addr, this.buf2);
  }

  private write16(addr: number, value: number): boolean {
    this.view.setUint16(0, value, true);
    return this.dma.write(addr, this.buf2);
  }
}
