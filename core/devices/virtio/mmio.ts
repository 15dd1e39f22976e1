// The virtio-mmio transport, version 2 (virtio 1.x "Virtio Over MMIO"): the register file, feature negotiation,
// device status, queue setup and the interrupt line; device types plug in through VirtioDevice.

import type { MmioDevice } from '../device';
import type { DmaPort } from '../dma';
import { DescChain, PopStatus, Virtqueue } from './queue';

/** virt-board placement: slot n at VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_STRIDE, PLIC source VIRTIO_MMIO_IRQ + n. */
export const VIRTIO_MMIO_BASE = 0x1000_1000;
export const VIRTIO_MMIO_STRIDE = 0x1000;
export const VIRTIO_MMIO_SLOTS = 8;
export const VIRTIO_MMIO_IRQ = 1;
/** Size of one device's register window (registers plus configuration space). */
export const VIRTIO_MMIO_SIZE = 0x200;

export const VIRTIO_MMIO_MAGIC = 0x74726976; // "virt"
export const VIRTIO_MMIO_VENDOR = 0x554d4551; // "QEMU", the vendor Linux and firmware expect on virt

/** Register offsets ("MMIO Device Register Layout"). */
export const enum VirtioMmioReg {
  MagicValue = 0x000, Version = 0x004, DeviceID = 0x008, VendorID = 0x00c,
  DeviceFeatures = 0x010, DeviceFeaturesSel = 0x014, DriverFeatures = 0x020, DriverFeaturesSel = 0x024,
  QueueSel = 0x030, QueueNumMax = 0x034, QueueNum = 0x038, QueueReady = 0x044, QueueNotify = 0x050,
  InterruptStatus = 0x060, InterruptACK = 0x064, Status = 0x070,
  QueueDescLow = 0x080, QueueDescHigh = 0x084, QueueDriverLow = 0x090, QueueDriverHigh = 0x094,
  QueueDeviceLow = 0x0a0, QueueDeviceHigh = 0x0a4, SHMSel = 0x0ac, SHMLenLow = 0x0b0, SHMLenHigh = 0x0b4,
  SHMBaseLow = 0x0b8, SHMBaseHigh = 0x0bc, QueueReset = 0x0c0, ConfigGeneration = 0x0fc, Config = 0x100,
}

/** Device status bits ("Device Status Field"). */
export const STATUS_ACKNOWLEDGE = 1, STATUS_DRIVER = 2, STATUS_DRIVER_OK = 4, STATUS_FEATURES_OK = 8;
export const STATUS_DEVICE_NEEDS_RESET = 0x40, STATUS_FAILED = 0x80;
/** InterruptStatus bits. */
export const INT_USED_BUFFER = 1, INT_CONFIG_CHANGE = 2;

/** Transport feature bits ("Reserved Feature Bits") this transport offers to every device. */
export const VIRTIO_F_INDIRECT_DESC = 28, VIRTIO_F_EVENT_IDX = 29, VIRTIO_F_VERSION_1 = 32;

/** A virtio device type (block, console, entropy, ...) behind a transport. */
export interface VirtioDevice {
  /** Virtio device ID ("Device Types"): 2 block, 3 console, 4 entropy. */
  readonly deviceId: number;
  /** Device-type feature bits offered (below bit 24); the transport adds its own. */
  readonly features: bigint;
  readonly queueCount: number;
  /** QueueSizeMax of every queue. */
  readonly queueSizeMax: number;
  /** Called once by the transport that owns the device. */
  attach(transport: VirtioTransport): void;
  /** Device-specific configuration space (offset from 0x100), little-endian. Unknown bytes read 0. */
  readConfig(offset: number, size: 1 | 2 | 4): number;
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void;
  /** The driver made buffers available in queue q; only called while the transport is live and q is ready. */
  queueNotify(q: number): void;
  /** Device reset (the driver wrote 0 to Status, or the machine reset): forget in-flight requests. */
  reset(): void;
  /** DRIVER_OK was just set: the device may start using buffers (e.g. deliver input that arrived earlier). */
  start?(): void;
  /** The whole machine reset (after reset()): return to the power-on state. */
  machineReset?(): void;
}

/** What a device sees of its transport. */
export interface VirtioTransport {
  readonly dma: DmaPort;
  /** DRIVER_OK set and DEVICE_NEEDS_RESET clear: the device may consume buffers. */
  readonly live: boolean;
  queue(q: number): Virtqueue;
  /** A negotiated feature bit (0..63). */
  hasFeature(bit: number): boolean;
  /**
   * Pops every available chain of queue q through handle(chain) → bytes written to the chain (or -1: the driver
   * broke the protocol), pushes each to the used ring and raises the used-buffer interrupt if the driver wants it.
   */
  drain(q: number, handle: (chain: DescChain) => number): void;
  /** Raises the used-buffer interrupt if pushes on vq asked for a notification. */
  signalUsed(vq: Virtqueue): void;
  /** The driver broke the protocol: set DEVICE_NEEDS_RESET and, once DRIVER_OK, send a configuration change. */
  deviceError(reason: string): void;
  /** The device changed its configuration space. */
  configChanged(): void;
}

/** Reads `size` little-endian bytes at `offset` of a configuration-space image; bytes past its end read 0. */
export function configRead(bytes: Uint8Array, offset: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) {
    const o = offset + i;
    v = v * 256 + (o >= 0 && o < bytes.length ? bytes[o] : 0);
  }
  return v;
}

/** One virtio-mmio slot. With `device` null the slot is empty: DeviceID reads 0, the driver must skip it. */
export class VirtioMmio implements MmioDevice, VirtioTransport {
  readonly name: string;
  /** Interrupt line (to the PLIC); called when the level changes. */
  irq: ((level: boolean) => void) | null = null;
  /** Why DEVICE_NEEDS_RESET was last set (diagnostics). */
  lastError = '';
  private irqLevel = false;
  private status = 0;
  private intStatus = 0;
  private configGeneration = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  /** Offered and driver-accepted feature bits as two 32-bit words (bits 0..31, 32..63). */
  private readonly offered = new Uint32Array(2);
  private readonly driverFeatures = new Uint32Array(2);
  private queueSel = 0;
  private shmSel = 0;
  private readonly queues: Virtqueue[] = [];
  /** Notifications that arrived before DRIVER_OK, replayed when it is set. */
  private readonly notifyPending: boolean[] = [];
  private readonly chain = new DescChain();

  constructor(readonly dma: DmaPort, readonly device: VirtioDevice | null, name?: string) {
    this.name = name ?? `virtio-mmio${device === null ? '' : `-${device.deviceId}`}`;
    let lo = 0, hi = 0;
    if (device !== null) {
      const f = BigInt.asUintN(64, device.features);
      lo = Number(f & 0xffffffffn) & 0x00ffffff; // device-type bits live below 24 (higher ones are not understood)
      hi = Number(f >> 32n) & ~0x1ff; // 32..40 are transport bits
      lo |= (1 << VIRTIO_F_INDIRECT_DESC) | (1 << VIRTIO_F_EVENT_IDX);
      hi |= 1 << (VIRTIO_F_VERSION_1 - 32);
      for (let q = 0; q < device.queueCount; q++) {
        this.queues.push(new Virtqueue(q, device.queueSizeMax, dma));
        this.notifyPending.push(false);
      }
    }
    this.offered[0] = lo;
    this.offered[1] = hi;
    device?.attach(this);
  }

  // ---- VirtioTransport ----

  get live(): boolean {
    return (this.status & (STATUS_DRIVER_OK | STATUS_DEVICE_NEEDS_RESET)) === STATUS_DRIVER_OK;
  }

  queue(q: number): Virtqueue { return this.queues[q]; }

  hasFeature(bit: number): boolean {
    if ((this.status & STATUS_FEATURES_OK) === 0 || bit < 0 || bit > 63) return false;
    return ((this.driverFeatures[bit >>> 5] >>> (bit & 31)) & 1) !== 0;
  }

  drain(q: number, handle: (chain: DescChain) => number): void {
    const vq = this.queues[q];
    if (vq === undefined) return;
    const chain = this.chain;
    while (this.live && vq.ready) {
      const st = vq.pop(chain);
      if (st === PopStatus.EMPTY) break;
      if (st === PopStatus.ERROR) { this.deviceError(vq.error); break; }
      const written = handle(chain);
      if (written < 0) { this.deviceError(`queue ${q}: malformed request at descriptor ${chain.head}`); break; }
      if (!vq.push(chain.head, written)) { this.deviceError(vq.error); break; }
    }
    this.signalUsed(vq);
  }

  signalUsed(vq: Virtqueue): void {
    if (vq.takeNotify()) this.raise(INT_USED_BUFFER);
  }

  deviceError(reason: string): void {
    if ((this.status & STATUS_DEVICE_NEEDS_RESET) !== 0) return;
    this.lastError = reason;
    this.status |= STATUS_DEVICE_NEEDS_RESET;
    // "Device Status Field": once DRIVER_OK is set, DEVICE_NEEDS_RESET comes with a configuration change notification.
    if ((this.status & STATUS_DRIVER_OK) !== 0) this.raise(INT_CONFIG_CHANGE);
  }

  configChanged(): void {
    this.configGeneration = (this.configGeneration + 1) >>> 0;
    if ((this.status & STATUS_DRIVER_OK) !== 0) this.raise(INT_CONFIG_CHANGE);
  }

  // ---- MmioDevice ----

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset >= VirtioMmioReg.Config) {
      return this.device === null ? 0 : this.device.readConfig(offset - VirtioMmioReg.Config, size) >>> 0;
    }
    // Registers are 32-bit; narrower reads see the matching bytes of the word.
    const word = this.readRegister(offset & ~3);
    if (size === 4) return word >>> 0;
    return (word >>> ((offset & 3) * 8)) & (size === 1 ? 0xff : 0xffff);
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (this.device === null) return;
    if (offset >= VirtioMmioReg.Config) { this.device.writeConfig(offset - VirtioMmioReg.Config, size, value); return; }
    if (size !== 4 || (offset & 3) !== 0) return; // drivers use 32-bit aligned register accesses only
    this.writeRegister(offset, value >>> 0);
  }

  reset(): void {
    this.resetDevice();
    this.device?.machineReset?.();
  }

  /** Snapshot of the transport state for the debugger; no side effects. */
  inspect(): {
    deviceId: number; status: number; interruptStatus: number; deviceFeatures: bigint; driverFeatures: bigint;
    lastError: string; queues: { index: number; ready: boolean; num: number; desc: number; driver: number; device: number;
      lastAvail: number; usedIdx: number; }[];
  } {
    const big = (w: Uint32Array): bigint => (BigInt(w[1]) << 32n) | BigInt(w[0]);
    return {
      deviceId: this.device?.deviceId ?? 0, status: this.status, interruptStatus: this.intStatus,
      deviceFeatures: big(this.offered), driverFeatures: big(this.driverFeatures), lastError: this.lastError,
      queues: this.queues.map((q) => ({
        index: q.index, ready: q.ready, num: q.num, desc: q.descAddr, driver: q.driverAddr, device: q.deviceAddr,
        lastAvail: q.lastAvail, usedIdx: q.usedIdx,
      })),
    };
  }

  // ---- registers ----

  private readRegister(off: number): number {
    if (off === VirtioMmioReg.MagicValue) return VIRTIO_MMIO_MAGIC;
    if (off === VirtioMmioReg.Version) return 2;
    const dev = this.device;
    if (dev === null) return 0; // empty slot: DeviceID and everything else read 0
    const q = this.queues[this.queueSel];
    switch (off) {
      case VirtioMmioReg.DeviceID: return dev.deviceId;
      case VirtioMmioReg.VendorID: return VIRTIO_MMIO_VENDOR;
      case VirtioMmioReg.DeviceFeatures: return this.deviceFeaturesSel < 2 ? this.offered[this.deviceFeaturesSel] : 0;
      case VirtioMmioReg.DeviceFeaturesSel: return this.deviceFeaturesSel;
      case VirtioMmioReg.DriverFeatures: return this.driverFeaturesSel < 2 ? this.driverFeatures[this.driverFeaturesSel] : 0;
      case VirtioMmioReg.DriverFeaturesSel: return this.driverFeaturesSel;
      case VirtioMmioReg.QueueSel: return this.queueSel;
      case VirtioMmioReg.QueueNumMax: return q === undefined ? 0 : q.maxSize;
      case VirtioMmioReg.QueueNum: return q === undefined ? 0 : q.num;
      case VirtioMmioReg.QueueReady: return q !== undefined && q.ready ? 1 : 0;
      case VirtioMmioReg.InterruptStatus: return this.intStatus;
      case VirtioMmioReg.Status: return this.status;
      case VirtioMmioReg.QueueDescLow: return q === undefined ? 0 : q.descLo;
      case VirtioMmioReg.QueueDescHigh: return q === undefined ? 0 : q.descHi;
      case VirtioMmioReg.QueueDriverLow: return q === undefined ? 0 : q.driverLo;
      case VirtioMmioReg.QueueDriverHigh: return q === undefined ? 0 : q.driverHi;
      case VirtioMmioReg.QueueDeviceLow: return q === undefined ? 0 : q.deviceLo;
      case VirtioMmioReg.QueueDeviceHigh: return q === undefined ? 0 : q.deviceHi;
      case VirtioMmioReg.SHMSel: return this.shmSel;
      // No shared memory regions: every region reads length -1 and base ~0 ("SHMLenLow/High", "SHMBaseLow/High").
      case VirtioMmioReg.SHMLenLow: case VirtioMmioReg.SHMLenHigh:
      case VirtioMmioReg.SHMBaseLow: case VirtioMmioReg.SHMBaseHigh: return 0xffffffff;
      case VirtioMmioReg.QueueReset: return 0; // VIRTIO_F_RING_RESET is not offered
      case VirtioMmioReg.ConfigGeneration: return this.configGeneration;
      default: return 0;
    }
  }

  private writeRegister(off: number, v: number): void {
    const q = this.queues[this.queueSel];
    // Queue layout registers are frozen while the queue is ready ("MMIO Device Register Layout", driver rules).
    const qSetup = q !== undefined && !q.ready;
    switch (off) {
      case VirtioMmioReg.DeviceFeaturesSel: this.deviceFeaturesSel = v; break;
      case VirtioMmioReg.DriverFeaturesSel: this.driverFeaturesSel = v; break;
      case VirtioMmioReg.DriverFeatures:
        // Features are fixed once FEATURES_OK is accepted; renegotiation needs a reset.
        if (this.driverFeaturesSel < 2 && (this.status & STATUS_FEATURES_OK) === 0) this.driverFeatures[this.driverFeaturesSel] = v;
        break;
      case VirtioMmioReg.QueueSel: this.queueSel = v; break;
      case VirtioMmioReg.QueueNum: if (qSetup) q.num = v; break;
      case VirtioMmioReg.QueueReady: if (q !== undefined) this.setQueueReady(q, v); break;
      case VirtioMmioReg.QueueNotify: this.notify(v & 0xffff); break;
      case VirtioMmioReg.InterruptACK: this.intStatus &= ~v; this.updateIrq(); break;
      case VirtioMmioReg.Status: this.writeStatus(v); break;
      case VirtioMmioReg.QueueDescLow: if (qSetup) q.descLo = v; break;
      case VirtioMmioReg.QueueDescHigh: if (qSetup) q.descHi = v; break;
      case VirtioMmioReg.QueueDriverLow: if (qSetup) q.driverLo = v; break;
      case VirtioMmioReg.QueueDriverHigh: if (qSetup) q.driverHi = v; break;
      case VirtioMmioReg.QueueDeviceLow: if (qSetup) q.deviceLo = v; break;
      case VirtioMmioReg.QueueDeviceHigh: if (qSetup) q.deviceHi = v; break;
      case VirtioMmioReg.SHMSel: this.shmSel = v; break;
      default: break; // read-only or unknown: ignored
    }
  }

  private setQueueReady(q: Virtqueue, v: number): void {
    if ((v & 1) === 0) { q.ready = false; return; }
    if (q.ready) return;
    // A queue size that is not a power of two no larger than QueueSizeMax cannot be used: QueueReady stays 0.
    if (!q.sizeValid()) return;
    q.eventIdx = this.hasFeature(VIRTIO_F_EVENT_IDX);
    q.indirect = this.hasFeature(VIRTIO_F_INDIRECT_DESC);
    q.lastAvail = q.usedIdx = 0;
    q.ready = true;
  }

  private writeStatus(v: number): void {
    if (v === 0) { this.resetDevice(); return; }
    let next = v & 0xff & ~STATUS_DEVICE_NEEDS_RESET;
    // FEATURES_OK is refused (left clear) unless the driver accepted VERSION_1 and only offered bits
    // ("Feature Bits", device rules; "Reserved Feature Bits": a device MAY fail if VERSION_1 is not accepted).
    if ((next & STATUS_FEATURES_OK) !== 0 && (this.status & STATUS_FEATURES_OK) === 0 && !this.featuresAcceptable()) {
      next &= ~STATUS_FEATURES_OK;
    }
    // The driver never clears bits; the device-owned DEVICE_NEEDS_RESET stays until reset.
    next |= this.status & (STATUS_DEVICE_NEEDS_RESET | STATUS_FEATURES_OK);
    const wasOk = (this.status & STATUS_DRIVER_OK) !== 0;
    this.status = next;
    if ((next & STATUS_FEATURES_OK) !== 0) {
      for (const q of this.queues) {
        q.eventIdx = this.hasFeature(VIRTIO_F_EVENT_IDX);
        q.indirect = this.hasFeature(VIRTIO_F_INDIRECT_DESC);
      }
    }
    if (!wasOk && (next & STATUS_DRIVER_OK) !== 0 && this.device !== null) {
      this.device.start?.();
      for (let i = 0; i < this.notifyPending.length; i++) {
        if (this.notifyPending[i]) { this.notifyPending[i] = false; this.notify(i); }
      }
    }
  }

  private featuresAcceptable(): boolean {
    const d = this.driverFeatures, o = this.offered;
    if (((d[0] & ~o[0]) | (d[1] & ~o[1])) !== 0) return false;
    return (d[1] & (1 << (VIRTIO_F_VERSION_1 - 32))) !== 0;
  }

  private notify(qi: number): void {
    const q = this.queues[qi];
    if (q === undefined || !q.ready || this.device === null) return;
    if ((this.status & STATUS_DRIVER_OK) === 0) { this.notifyPending[qi] = true; return; }
    if (!this.live) return;
    this.device.queueNotify(qi);
  }

  private resetDevice(): void {
    this.status = 0;
    this.intStatus = 0;
    this.deviceFeaturesSel = this.driverFeaturesSel = 0;
    this.driverFeatures.fill(0);
    this.queueSel = 0;
    this.shmSel = 0;
    this.lastError = '';
    for (const q of this.queues) q.reset();
    this.notifyPending.fill(false);
    this.device?.reset();
    this.updateIrq();
  }

  private raise(bits: number): void {
    this.intStatus |= bits;
    this.updateIrq();
  }

  private updateIrq(): void {
    const level = this.intStatus !== 0;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    if (this.irq !== null) this.irq(level);
  }
}
