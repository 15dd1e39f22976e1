// virtio-mmio transport and split virtqueues, driven by a small fake guest driver: registers, feature negotiation,
// status and reset, interrupts, EVENT_IDX and NO_INTERRUPT suppression, indirect tables, the console and entropy
// devices, and malformed rings that must end in DEVICE_NEEDS_RESET rather than an exception or a hang.
import { strict as assert } from 'node:assert';
import { RamDma } from '../../core/devices/dma';
import { Ram } from '../../core/devices/ram';
import { VirtioConsole } from '../../core/devices/virtio/console';
import {
  INT_CONFIG_CHANGE, INT_USED_BUFFER, STATUS_ACKNOWLEDGE, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER, STATUS_DRIVER_OK,
  STATUS_FAILED, STATUS_FEATURES_OK, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_VERSION_1, VIRTIO_MMIO_MAGIC,
  VIRTIO_MMIO_VENDOR, VirtioMmio, VirtioMmioReg as R, type VirtioDevice,
} from '../../core/devices/virtio/mmio';
import { SeededRandom, VirtioRng } from '../../core/devices/virtio/rng';

const RAM_BASE = 0x8000_0000;
const F_NEXT = 1, F_WRITE = 2, F_INDIRECT = 4;

/** One buffer element of a request: guest address, length, device-writable or not. */
export interface Buf { addr: number; len: number; write?: boolean }
interface DriverQueue { size: number; desc: number; avail: number; used: number; nextDesc: number; availIdx: number; lastUsed: number }

/** A minimal virtio-mmio guest driver: rings in a Ram, registers through the MmioDevice interface. */
export class FakeDriver {
  readonly ram = new Ram(RAM_BASE, 4 * 1024 * 1024);
  readonly dmaWrites: [number, number][] = [];
  readonly dma = new RamDma(this.ram, (off, len) => this.dmaWrites.push([off, len]));
  readonly mmio: VirtioMmio;
  readonly irqLevels: boolean[] = [];
  private heap = RAM_BASE + 0x1000;
  private readonly queues: DriverQueue[] = [];

  constructor(device: VirtioDevice | null) {
    this.mmio = new VirtioMmio(this.dma, device);
    this.mmio.irq = (level) => this.irqLevels.push(level);
  }

  get irq(): boolean { return this.irqLevels.length > 0 && this.irqLevels[this.irqLevels.length - 1]; }

  reg(off: number): number { return this.mmio.read(off, 4); }
  setReg(off: number, v: number): void { this.mmio.write(off, 4, v >>> 0); }
  get status(): number { return this.reg(R.Status); }

  alloc(size: number, align = 16): number {
    this.heap = Math.ceil(this.heap / align) * align;
    const a = this.heap;
    this.heap += size;
    assert.ok(this.heap <= RAM_BASE + this.ram.size, 'test RAM exhausted');
    return a;
  }

  off(pa: number): number { return pa - RAM_BASE; }
  w8(pa: number, v: number): void { this.ram.u8[this.off(pa)] = v; }
  w16(pa: number, v: number): void { new DataView(this.ram.buffer).setUint16(this.off(pa), v, true); }
  w32(pa: number, v: number): void { new DataView(this.ram.buffer).setUint32(this.off(pa), v >>> 0, true); }
  w64(pa: number, v: number): void { this.w32(pa, v % 2 ** 32); this.w32(pa + 4, Math.floor(v / 2 ** 32)); }
  r16(pa: number): number { return new DataView(this.ram.buffer).getUint16(this.off(pa), true); }
  r32(pa: number): number { return new DataView(this.ram.buffer).getUint32(this.off(pa), true); }
  bytes(pa: number, len: number): Uint8Array { return this.ram.u8.slice(this.off(pa), this.off(pa) + len); }
  put(pa: number, data: ArrayLike<number>): void { this.ram.u8.set(data, this.off(pa)); }

  deviceFeatures(): bigint {
    this.setReg(R.DeviceFeaturesSel, 0);
    const lo = this.reg(R.DeviceFeatures);
    this.setReg(R.DeviceFeaturesSel, 1);
    return (BigInt(this.reg(R.DeviceFeatures)) << 32n) | BigInt(lo);
  }

  /** Steps 1-6 of device initialization; returns whether FEATURES_OK stuck. */
  negotiate(features: bigint): boolean {
    this.setReg(R.Status, 0);
    this.setReg(R.Status, STATUS_ACKNOWLEDGE);
    this.setReg(R.Status, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    this.setReg(R.DriverFeaturesSel, 0);
    this.setReg(R.DriverFeatures, Number(features & 0xffffffffn));
    this.setReg(R.DriverFeaturesSel, 1);
    this.setReg(R.DriverFeatures, Number(features >> 32n));
    this.setReg(R.Status, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    return (this.status & STATUS_FEATURES_OK) !== 0;
  }

  /** Full bring-up: negotiate (VERSION_1 + `extra` bits), set up `queueCount` queues of `size`, DRIVER_OK. */
  init(extra: bigint[] = [], queueCount = 1, size = 16): void {
    let f = 1n << BigInt(VIRTIO_F_VERSION_1);
    for (const b of extra) f |= b;
    assert.ok(this.negotiate(f), 'FEATURES_OK refused');
    for (let q = 0; q < queueCount; q++) this.setupQueue(q, size);
    this.setReg(R.Status, this.status | STATUS_DRIVER_OK);
  }

  setupQueue(q: number, size: number): void {
    this.setReg(R.QueueSel, q);
    assert.equal(this.reg(R.QueueReady), 0);
    assert.ok(this.reg(R.QueueNumMax) >= size);
    const dq: DriverQueue = {
      size, desc: this.alloc(16 * size, 16), avail: this.alloc(6 + 2 * size, 2), used: this.alloc(6 + 8 * size, 4),
      nextDesc: 0, availIdx: 0, lastUsed: 0,
    };
    this.setReg(R.QueueNum, size);
    this.setReg(R.QueueDescLow, dq.desc); this.setReg(R.QueueDescHigh, 0);
    this.setReg(R.QueueDriverLow, dq.avail); this.setReg(R.QueueDriverHigh, 0);
    this.setReg(R.QueueDeviceLow, dq.used); this.setReg(R.QueueDeviceHigh, 0);
    this.setReg(R.QueueReady, 1);
    assert.equal(this.reg(R.QueueReady), 1);
    this.queues[q] = dq;
  }

  q(q: number): DriverQueue { return this.queues[q]; }

  /** Writes descriptor `i` of queue q's table. */
  writeDesc(table: number, i: number, addr: number, len: number, flags: number, next: number): void {
    const d = table + 16 * i;
    this.w64(d, addr); this.w32(d + 8, len); this.w16(d + 12, flags); this.w16(d + 14, next);
  }

  /** Places a chain of bufs in queue q (directly, or as one indirect table) without publishing it; returns the head. */
  place(q: number, bufs: Buf[], indirect = false): number {
    if (indirect) {
      const table = this.alloc(16 * bufs.length, 16);
      bufs.forEach((b, i) => this.writeDesc(table, i, b.addr, b.len, (b.write ? F_WRITE : 0) | (i + 1 < bufs.length ? F_NEXT : 0), i + 1));
      return this.placeRaw(q, [{ addr: table, len: 16 * bufs.length, flags: F_INDIRECT }]);
    }
    return this.placeRaw(q, bufs.map((b, i) => ({ addr: b.addr, len: b.len, flags: (b.write ? F_WRITE : 0) | (i + 1 < bufs.length ? F_NEXT : 0) })));
  }

  /** Places descriptors with explicit flags, chained through consecutive indices (NEXT must be set by the caller). */
  placeRaw(q: number, descs: { addr: number; len: number; flags: number; next?: number }[]): number {
    const dq = this.queues[q];
    const head = dq.nextDesc;
    descs.forEach((d, i) => {
      const idx = (head + i) % dq.size;
      this.writeDesc(dq.desc, idx, d.addr, d.len, d.flags, d.next ?? (idx + 1) % dq.size);
    });
    dq.nextDesc = (head + descs.length) % dq.size;
    return head;
  }

  /** Publishes head in the available ring (no notification). */
  publish(q: number, head: number): void {
    const dq = this.queues[q];
    this.w16(dq.avail + 4 + 2 * (dq.availIdx % dq.size), head);
    dq.availIdx = (dq.availIdx + 1) & 0xffff;
    this.w16(dq.avail + 2, dq.availIdx);
  }

  notify(q: number): void { this.setReg(R.QueueNotify, q); }

  /** place + publish + notify; returns the head. */
  submit(q: number, bufs: Buf[], indirect = false): number {
    const head = this.place(q, bufs, indirect);
    this.publish(q, head);
    this.notify(q);
    return head;
  }

  /** New used-ring entries since the last call. */
  used(q: number): { id: number; len: number }[] {
    const dq = this.queues[q];
    const out: { id: number; len: number }[] = [];
    const idx = this.r16(dq.used + 2);
    while (dq.lastUsed !== idx) {
      const e = dq.used + 4 + 8 * (dq.lastUsed % dq.size);
      out.push({ id: this.r32(e), len: this.r32(e + 4) });
      dq.lastUsed = (dq.lastUsed + 1) & 0xffff;
    }
    return out;
  }

  setUsedEvent(q: number, v: number): void { const dq = this.queues[q]; this.w16(dq.avail + 4 + 2 * dq.size, v); }
  availEvent(q: number): number { const dq = this.queues[q]; return this.r16(dq.used + 4 + 8 * dq.size); }
  setAvailFlags(q: number, v: number): void { this.w16(this.queues[q].avail, v); }

  ack(): number {
    const s = this.reg(R.InterruptStatus);
    this.setReg(R.InterruptACK, s);
    return s;
  }
}

const bit = (n: number): bigint => 1n << BigInt(n);

function consoleDriver(extra: bigint[] = []): { d: FakeDriver; con: VirtioConsole; out: number[] } {
  const out: number[] = [];
  const con = new VirtioConsole((b) => out.push(...b));
  const d = new FakeDriver(con);
  d.init(extra, 2, 8);
  return { d, con, out };
}

function rngDriver(seed = 1, extra: bigint[] = [], size = 8): { d: FakeDriver; rng: VirtioRng } {
  const rng = new VirtioRng(seed);
  const d = new FakeDriver(rng);
  d.init(extra, 1, size);
  return { d, rng };
}

describe('virtio-mmio registers and status', () => {
  it('identifies itself and offers VERSION_1, INDIRECT_DESC and EVENT_IDX with the device bits', () => {
    const d = new FakeDriver(new VirtioConsole(() => undefined));
    assert.equal(d.reg(R.MagicValue), VIRTIO_MMIO_MAGIC);
    assert.equal(d.reg(R.Version), 2);
    assert.equal(d.reg(R.DeviceID), 3);
    assert.equal(d.reg(R.VendorID), VIRTIO_MMIO_VENDOR);
    const f = d.deviceFeatures();
    assert.equal(f, bit(VIRTIO_F_VERSION_1) | bit(VIRTIO_F_INDIRECT_DESC) | bit(VIRTIO_F_EVENT_IDX) | bit(2));
    d.setReg(R.DeviceFeaturesSel, 2);
    assert.equal(d.reg(R.DeviceFeatures), 0);
    d.setReg(R.QueueSel, 0);
    assert.equal(d.reg(R.QueueNumMax), 128);
    d.setReg(R.QueueSel, 2);
    assert.equal(d.reg(R.QueueNumMax), 0);                     // no such queue
    assert.equal(d.reg(R.SHMLenLow), 0xffffffff);              // no shared memory regions
    assert.equal(d.reg(R.SHMBaseHigh), 0xffffffff);
    assert.equal(d.reg(R.QueueReset), 0);
    assert.equal(d.mmio.read(R.MagicValue, 1), 0x76);         // 'v': narrow reads see the word's bytes
    assert.equal(d.mmio.read(R.MagicValue + 2, 2), 0x7472);
  });

  it('an empty slot reads DeviceID 0 and zero everywhere but MagicValue/Version, and ignores writes', () => {
    const d = new FakeDriver(null);
    assert.equal(d.reg(R.MagicValue), VIRTIO_MMIO_MAGIC);
    assert.equal(d.reg(R.Version), 2);
    for (let off = 8; off < 0x200; off += 4) assert.equal(d.reg(off), 0, `offset 0x${off.toString(16)}`);
    d.setReg(R.Status, 1);
    d.setReg(R.QueueNotify, 0);
    assert.equal(d.reg(R.Status), 0);
  });

  it('refuses FEATURES_OK without VERSION_1 or with bits it did not offer', () => {
    const d = new FakeDriver(new VirtioRng(0));
    assert.equal(d.negotiate(0n), false);                        // legacy driver
    assert.equal(d.negotiate(bit(VIRTIO_F_VERSION_1) | bit(3)), false); // not offered
    assert.equal(d.negotiate(bit(VIRTIO_F_VERSION_1) | bit(40)), false);
    assert.equal(d.negotiate(bit(VIRTIO_F_VERSION_1) | bit(VIRTIO_F_EVENT_IDX)), true);
    // Features are frozen once accepted.
    d.setReg(R.DriverFeaturesSel, 0);
    d.setReg(R.DriverFeatures, 0);
    assert.equal(d.reg(R.DriverFeatures), 1 << VIRTIO_F_EVENT_IDX);
    assert.equal(d.mmio.hasFeature(VIRTIO_F_EVENT_IDX), true);
    assert.equal(d.mmio.hasFeature(VIRTIO_F_INDIRECT_DESC), false);
  });

  it('keeps QueueReady 0 for a queue size that is not a power of two or above the maximum', () => {
    const d = new FakeDriver(new VirtioRng(0));
    assert.ok(d.negotiate(bit(VIRTIO_F_VERSION_1)));
    d.setReg(R.QueueSel, 0);
    for (const n of [0, 3, 12, 128]) {
      d.setReg(R.QueueNum, n);
      d.setReg(R.QueueReady, 1);
      assert.equal(d.reg(R.QueueReady), 0, `size ${n}`);
    }
    d.setReg(R.QueueNum, 64);
    d.setReg(R.QueueReady, 1);
    assert.equal(d.reg(R.QueueReady), 1);
    d.setReg(R.QueueNum, 8);                                     // frozen while ready
    assert.equal(d.reg(R.QueueNum), 64);
  });

  it('writing 0 to Status resets the device: status, features, queues and interrupts', () => {
    const { d } = consoleDriver();
    const out = d.alloc(4);
    d.put(out, [1, 2, 3, 4]);
    d.submit(1, [{ addr: out, len: 4 }]);
    assert.equal(d.irq, true);
    d.setReg(R.Status, 0);
    assert.equal(d.status, 0);
    assert.equal(d.irq, false);
    assert.equal(d.reg(R.InterruptStatus), 0);
    d.setReg(R.DriverFeaturesSel, 1);
    assert.equal(d.reg(R.DriverFeatures), 0);
    assert.equal(d.reg(R.QueueSel), 0);
    for (const q of [0, 1]) { d.setReg(R.QueueSel, q); assert.equal(d.reg(R.QueueReady), 0); assert.equal(d.reg(R.QueueNum), 128); }
  });

  it('holds notifications that arrive before DRIVER_OK and processes them when it is set', () => {
    const out: number[] = [];
    const d = new FakeDriver(new VirtioConsole((b) => out.push(...b)));
    assert.ok(d.negotiate(bit(VIRTIO_F_VERSION_1)));
    d.setupQueue(0, 8); d.setupQueue(1, 8);
    const buf = d.alloc(2);
    d.put(buf, [0x6f, 0x6b]);
    d.submit(1, [{ addr: buf, len: 2 }]);
    assert.deepEqual(out, []);                                  // no buffer is used before DRIVER_OK
    d.setReg(R.Status, d.status | STATUS_DRIVER_OK);
    assert.deepEqual(out, [0x6f, 0x6b]);
  });

  it('the machine reset hook resets the transport and replays the entropy stream', () => {
    const { d } = rngDriver(7);
    const b = d.alloc(16);
    d.submit(0, [{ addr: b, len: 16, write: true }]);
    const first = d.bytes(b, 16);
    d.mmio.reset();
    assert.equal(d.status, 0);
    d.init([], 1, 8);
    const b2 = d.alloc(16);
    d.submit(0, [{ addr: b2, len: 16, write: true }]);
    assert.deepEqual(d.bytes(b2, 16), first);
  });
});

describe('virtio-console', () => {
  it('transmits chains to the output callback, returns them with len 0 and raises the used-buffer interrupt', () => {
    const { d, out } = consoleDriver();
    const a = d.alloc(6), b = d.alloc(6);
    d.put(a, Buffer.from('hello '));
    d.put(b, Buffer.from('world!'));
    const head = d.submit(1, [{ addr: a, len: 6 }, { addr: b, len: 6 }]);
    assert.equal(Buffer.from(out).toString(), 'hello world!');
    assert.deepEqual(d.used(1), [{ id: head, len: 0 }]);
    assert.equal(d.irq, true);
    assert.equal(d.ack(), INT_USED_BUFFER);
    assert.equal(d.irq, false);
  });

  it('delivers input into receive buffers, keeping what does not fit for the next buffer', () => {
    const { d, con } = consoleDriver();
    con.pushInput(Buffer.from('abcdefgh'));                        // before any receive buffer
    assert.equal(con.inputQueued, 8);
    const r1 = d.alloc(5), r2 = d.alloc(16);
    const h1 = d.submit(0, [{ addr: r1, len: 5, write: true }]);
    assert.deepEqual(d.used(0), [{ id: h1, len: 5 }]);
    assert.equal(Buffer.from(d.bytes(r1, 5)).toString(), 'abcde');
    assert.equal(con.inputQueued, 3);
    d.ack();
    const h2 = d.submit(0, [{ addr: r2, len: 16, write: true }]);
    assert.deepEqual(d.used(0), [{ id: h2, len: 3 }]);
    assert.equal(Buffer.from(d.bytes(r2, 3)).toString(), 'fgh');
    d.ack();
    // A buffer waiting in the ring is filled as soon as input arrives.
    const r3 = d.alloc(8);
    const h3 = d.place(0, [{ addr: r3, len: 8, write: true }]);
    d.publish(0, h3); d.notify(0);
    assert.deepEqual(d.used(0), []);
    assert.equal(d.irq, false);
    con.pushInput([0x78]);
    assert.deepEqual(d.used(0), [{ id: h3, len: 1 }]);
    assert.equal(d.irq, true);
    assert.equal(d.bytes(r3, 1)[0], 0x78);
  });

  it('keeps a lot of input in order across many buffers', () => {
    const { d, con } = consoleDriver();
    const data = Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);
    con.pushInput(data);
    const got: number[] = [];
    while (con.inputQueued > 0) {
      const r = d.alloc(100);
      d.submit(0, [{ addr: r, len: 100, write: true }]);
      for (const u of d.used(0)) got.push(...d.bytes(r, u.len));
    }
    assert.deepEqual(got, data);
  });

  it('emergency write outputs a byte even before initialization', () => {
    const out: number[] = [];
    const d = new FakeDriver(new VirtioConsole((b) => out.push(...b)));
    d.mmio.write(0x100 + 8, 4, 0x41);
    assert.deepEqual(out, [0x41]);
  });
});

describe('virtio-entropy', () => {
  it('fills writable buffers deterministically: same seed, same bytes; another seed, other bytes', () => {
    const run = (seed: number): Uint8Array[] => {
      const { d } = rngDriver(seed);
      const res: Uint8Array[] = [];
      for (const len of [1, 7, 64, 5000]) {
        const b = d.alloc(len);
        const h = d.submit(0, [{ addr: b, len, write: true }]);
        assert.deepEqual(d.used(0), [{ id: h, len }]);
        res.push(d.bytes(b, len));
      }
      return res;
    };
    const a = run(42), b = run(42), c = run(43);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const ones = a[3].reduce((n, x) => n + x.toString(2).replace(/0/g, '').length, 0);
    assert.ok(Math.abs(ones / (5000 * 8) - 0.5) < 0.02, 'bytes look random');
  });

  it('ring indexes wrap at 2^16: requests keep being served across the wrap, in both rings', () => {
    const { d } = rngDriver(5, [], 4);
    const b = d.alloc(4);
    let served = 0;
    for (let i = 0; i < 65536 + 100; i++) {
      const h = d.submit(0, [{ addr: b, len: 4, write: true }]);
      const u = d.used(0);
      assert.equal(u.length, 1, `request ${i} not served`);
      assert.deepEqual(u[0], { id: h, len: 4 });
      served++;
    }
    assert.equal(served, 65636);
    assert.equal(d.r16(d.q(0).used + 2), 65636 & 0xffff, 'used.idx wrapped');
    assert.equal(d.status & 0x40, 0, 'no DEVICE_NEEDS_RESET across the wrap');
  });

  it('SeededRandom.fill is the nextU32 stream in little-endian bytes', () => {
    const r1 = new SeededRandom(5), r2 = new SeededRandom(5);
    const buf = new Uint8Array(6);
    r1.fill(buf);
    const w0 = r2.nextU32(), w1 = r2.nextU32();
    assert.deepEqual([...buf], [w0 & 0xff, (w0 >>> 8) & 0xff, (w0 >>> 16) & 0xff, w0 >>> 24, w1 & 0xff, (w1 >>> 8) & 0xff]);
  });

  it('fills buffers given through an indirect table', () => {
    const { d } = rngDriver(1, [bit(VIRTIO_F_INDIRECT_DESC)]);
    const a = d.alloc(10), b = d.alloc(30);
    const h = d.submit(0, [{ addr: a, len: 10, write: true }, { addr: b, len: 30, write: true }], true);
    assert.deepEqual(d.used(0), [{ id: h, len: 40 }]);
    const { d: ref } = rngDriver(1);
    const c = ref.alloc(40);
    ref.submit(0, [{ addr: c, len: 40, write: true }]);
    assert.deepEqual([...d.bytes(a, 10), ...d.bytes(b, 30)], [...ref.bytes(c, 40)]);
  });

  it('accepts zero or more direct descriptors followed by one indirect descriptor', () => {
    const { d } = rngDriver(1, [bit(VIRTIO_F_INDIRECT_DESC)]);
    const a = d.alloc(4), b = d.alloc(4);
    const table = d.alloc(16);
    d.writeDesc(table, 0, b, 4, F_WRITE, 0);
    const h = d.placeRaw(0, [{ addr: a, len: 4, flags: F_WRITE | F_NEXT }, { addr: table, len: 16, flags: F_INDIRECT }]);
    d.publish(0, h); d.notify(0);
    assert.deepEqual(d.used(0), [{ id: h, len: 8 }]);
    assert.equal(d.status & STATUS_DEVICE_NEEDS_RESET, 0);
  });
});

describe('used-buffer notification suppression', () => {
  it('EVENT_IDX: interrupts only when the used index passes used_event; avail_event follows the device', () => {
    const { d } = rngDriver(1, [bit(VIRTIO_F_EVENT_IDX)]);
    d.setUsedEvent(0, 2);                                       // tell me when entry 2 is used
    const b = d.alloc(4);
    d.submit(0, [{ addr: b, len: 4, write: true }]);
    assert.equal(d.irq, false);
    assert.equal(d.availEvent(0), 1);                           // the device wants to hear of entry 1 next
    d.submit(0, [{ addr: b, len: 4, write: true }]);
    assert.equal(d.irq, false);
    d.submit(0, [{ addr: b, len: 4, write: true }]);
    assert.equal(d.irq, true);                                  // used entry 2 written
    assert.equal(d.used(0).length, 3);
    d.ack();
    d.submit(0, [{ addr: b, len: 4, write: true }]);
    assert.equal(d.irq, false);                                 // used_event still 2: no more interrupts
    // A batch that jumps over used_event interrupts once.
    d.setUsedEvent(0, 5);
    for (let i = 0; i < 3; i++) d.publish(0, d.place(0, [{ addr: b, len: 4, write: true }]));
    d.notify(0);
    assert.equal(d.irq, true);
    assert.equal(d.availEvent(0), 7);
  });

  it('EVENT_IDX ignores the NO_INTERRUPT flag', () => {
    const { d } = rngDriver(1, [bit(VIRTIO_F_EVENT_IDX)]);
    d.setAvailFlags(0, 1);
    const b = d.alloc(4);
    d.submit(0, [{ addr: b, len: 4, write: true }]);            // used_event 0: the first entry interrupts
    assert.equal(d.irq, true);
  });

  it('without EVENT_IDX, VIRTQ_AVAIL_F_NO_INTERRUPT suppresses the interrupt', () => {
    const { d } = rngDriver(1);
    d.setAvailFlags(0, 1);
    const b = d.alloc(4);
    d.submit(0, [{ addr: b, len: 4, write: true }]);
    assert.equal(d.used(0).length, 1);
    assert.equal(d.irq, false);
    d.setAvailFlags(0, 0);
    d.submit(0, [{ addr: b, len: 4, write: true }]);
    assert.equal(d.irq, true);
  });
});

describe('malformed rings', () => {
  /** Submits raw descriptors on the rng and checks DEVICE_NEEDS_RESET with a config-change interrupt. */
  function expectNeedsReset(d: FakeDriver, why: RegExp): void {
    assert.equal(d.status & STATUS_DEVICE_NEEDS_RESET, STATUS_DEVICE_NEEDS_RESET, 'DEVICE_NEEDS_RESET');
    assert.equal(d.reg(R.InterruptStatus) & INT_CONFIG_CHANGE, INT_CONFIG_CHANGE);
    assert.equal(d.irq, true);
    assert.match(d.mmio.lastError, why);
  }

  function raw(descs: { addr: number; len: number; flags: number; next?: number }[], extra: bigint[] = []): FakeDriver {
    const { d } = rngDriver(1, extra);
    const h = d.placeRaw(0, descs);
    d.publish(0, h);
    d.notify(0);
    return d;
  }

  it('a descriptor loop', () => {
    const d = raw([{ addr: RAM_BASE, len: 4, flags: F_WRITE | F_NEXT, next: 1 }, { addr: RAM_BASE, len: 4, flags: F_WRITE | F_NEXT, next: 0 }]);
    expectNeedsReset(d, /loops/);
    assert.deepEqual(d.used(0), []);
  });

  it('a next index beyond the queue, and a head index beyond the queue', () => {
    expectNeedsReset(raw([{ addr: RAM_BASE, len: 4, flags: F_WRITE | F_NEXT, next: 99 }]), /out of range/);
    const { d } = rngDriver(1);
    d.publish(0, 40);
    d.notify(0);
    expectNeedsReset(d, /head 40/);
  });

  it('an available index more than the queue size ahead', () => {
    const { d } = rngDriver(1);
    d.w16(d.q(0).avail + 2, 100);
    d.notify(0);
    expectNeedsReset(d, /ahead/);
  });

  it('rings or descriptor tables outside memory', () => {
    const { d } = rngDriver(1);
    d.setReg(R.Status, 0);
    assert.ok(d.negotiate(bit(VIRTIO_F_VERSION_1)));
    d.setReg(R.QueueSel, 0);
    d.setReg(R.QueueNum, 8);
    d.setReg(R.QueueDescLow, 0x1000);                           // not RAM
    d.setReg(R.QueueDriverLow, d.q(0).avail);
    d.setReg(R.QueueDeviceLow, d.q(0).used);
    d.setReg(R.QueueReady, 1);
    d.setReg(R.Status, d.status | STATUS_DRIVER_OK);
    d.w16(d.q(0).avail + 2, 1);
    d.notify(0);
    expectNeedsReset(d, /descriptor 0 unreachable/);

    const { d: d2 } = rngDriver(1);
    d2.setReg(R.Status, 0);
    assert.ok(d2.negotiate(bit(VIRTIO_F_VERSION_1)));
    d2.setReg(R.QueueSel, 0);
    d2.setReg(R.QueueNum, 8);
    d2.setReg(R.QueueDescLow, d2.q(0).desc);
    d2.setReg(R.QueueDriverLow, d2.q(0).avail);
    d2.setReg(R.QueueDeviceLow, 0xffff_fff0); d2.setReg(R.QueueDeviceHigh, 0xffff_ffff);
    d2.setReg(R.QueueReady, 1);
    d2.setReg(R.Status, d2.status | STATUS_DRIVER_OK);
    const b = d2.alloc(4);
    d2.writeDesc(d2.q(0).desc, 0, b, 4, F_WRITE, 0);
    d2.w16(d2.q(0).avail + 4, 0);
    d2.w16(d2.q(0).avail + 2, 1);
    d2.notify(0);
    expectNeedsReset(d2, /used ring unreachable/);
  });

  it('indirect descriptors: inside an indirect table, not negotiated, with NEXT, bad table length', () => {
    const { d } = rngDriver(1, [bit(VIRTIO_F_INDIRECT_DESC)]);
    const inner = d.alloc(16), outer = d.alloc(16);
    d.writeDesc(inner, 0, RAM_BASE, 4, F_WRITE, 0);
    d.writeDesc(outer, 0, inner, 16, F_INDIRECT, 0);
    d.publish(0, d.placeRaw(0, [{ addr: outer, len: 16, flags: F_INDIRECT }]));
    d.notify(0);
    expectNeedsReset(d, /inside an indirect table/);

    expectNeedsReset(raw([{ addr: inner, len: 16, flags: F_INDIRECT }]), /without VIRTIO_F_INDIRECT_DESC/);
    expectNeedsReset(raw([{ addr: inner, len: 16, flags: F_INDIRECT | F_NEXT, next: 1 }], [bit(VIRTIO_F_INDIRECT_DESC)]), /with NEXT/);
    expectNeedsReset(raw([{ addr: inner, len: 20, flags: F_INDIRECT }], [bit(VIRTIO_F_INDIRECT_DESC)]), /multiple of 16/);
    expectNeedsReset(raw([{ addr: inner, len: 0, flags: F_INDIRECT }], [bit(VIRTIO_F_INDIRECT_DESC)]), /multiple of 16/);
  });

  it('a loop inside an indirect table', () => {
    const { d } = rngDriver(1, [bit(VIRTIO_F_INDIRECT_DESC)]);
    const table = d.alloc(32);
    d.writeDesc(table, 0, RAM_BASE, 4, F_WRITE | F_NEXT, 1);
    d.writeDesc(table, 1, RAM_BASE, 4, F_WRITE | F_NEXT, 0);
    d.publish(0, d.placeRaw(0, [{ addr: table, len: 32, flags: F_INDIRECT }]));
    d.notify(0);
    expectNeedsReset(d, /loops/);
  });

  it('a chain longer than 4 GiB, and a readable descriptor after a writable one', () => {
    expectNeedsReset(raw([
      { addr: RAM_BASE, len: 0xffffffff, flags: F_WRITE | F_NEXT }, { addr: RAM_BASE, len: 0xffffffff, flags: F_WRITE },
    ]), /4 GiB/);
    expectNeedsReset(raw([{ addr: RAM_BASE, len: 4, flags: F_WRITE | F_NEXT }, { addr: RAM_BASE, len: 4, flags: 0 }]), /readable descriptor after/);
  });

  it('a huge buffer is served partly; a buffer outside memory is returned unfilled', () => {
    const { d } = rngDriver(1);
    const h = d.submit(0, [{ addr: RAM_BASE + 0x200000, len: 0xffffffff, write: true }]);
    assert.deepEqual(d.used(0), [{ id: h, len: 65536 }]);
    const h2 = d.submit(0, [{ addr: 0x1000, len: 16, write: true }]);
    assert.deepEqual(d.used(0), [{ id: h2, len: 0 }]);
    assert.equal(d.status & STATUS_DEVICE_NEEDS_RESET, 0);
  });

  it('after DEVICE_NEEDS_RESET notifications are ignored; a reset brings the device back', () => {
    const d = raw([{ addr: RAM_BASE, len: 4, flags: F_WRITE | F_NEXT, next: 0 }]);
    expectNeedsReset(d, /loops/);
    d.setReg(R.Status, d.status | STATUS_FAILED);          // the driver cannot clear NEEDS_RESET
    assert.equal(d.status & STATUS_DEVICE_NEEDS_RESET, STATUS_DEVICE_NEEDS_RESET);
    const b = d.alloc(4);
    d.submit(0, [{ addr: b, len: 4, write: true }]);
    assert.deepEqual(d.used(0), []);
    d.init([], 1, 8);
    assert.equal(d.status & STATUS_DEVICE_NEEDS_RESET, 0);
    assert.equal(d.mmio.lastError, '');
    const b2 = d.alloc(4);
    const h = d.submit(0, [{ addr: b2, len: 4, write: true }]);
    assert.deepEqual(d.used(0), [{ id: h, len: 4 }]);
  });

  it('random ring garbage never throws and never hangs', () => {
    const rnd = new SeededRandom(99);
    for (let round = 0; round < 200; round++) {
      const { d } = rngDriver(1, [bit(VIRTIO_F_INDIRECT_DESC), bit(VIRTIO_F_EVENT_IDX)]);
      const dq = d.q(0);
      const junk = new Uint8Array(16 * dq.size + 6 + 2 * dq.size);
      rnd.fill(junk);
      // Keep addresses mostly inside RAM so that walks get far.
      for (let i = 0; i < dq.size; i++) {
        junk[16 * i + 3] = 0x80; junk[16 * i + 4] = 0; junk[16 * i + 5] = 0; junk[16 * i + 6] = 0; junk[16 * i + 7] = 0;
        junk[16 * i + 2] &= 0x3f;
        if (round % 2 === 0) { junk[16 * i + 10] = 0; junk[16 * i + 11] = 0; }
      }
      d.put(dq.desc, junk.subarray(0, 16 * dq.size));
      d.put(dq.avail, junk.subarray(16 * dq.size));
      d.notify(0);
      assert.ok(d.r16(dq.used + 2) <= dq.size);
    }
  });

  it('device DMA writes are reported through onWrite (code invalidation)', () => {
    const { d } = rngDriver(1);
    const b = d.alloc(32);
    d.dmaWrites.length = 0;
    d.submit(0, [{ addr: b, len: 32, write: true }]);
    assert.ok(d.dmaWrites.some(([off, len]) => off === b - RAM_BASE && len === 32));
  });
});
