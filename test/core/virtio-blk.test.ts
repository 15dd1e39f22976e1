// virtio-blk through the fake guest driver: configuration, IN/OUT/FLUSH/GET_ID, status codes, read-only disks,
// request layouts (split, merged, indirect, large), malformed requests, and the memory and overlay backends.
import { strict as assert } from 'node:assert';
import { RamDma } from '../../core/devices/dma';
import { Ram } from '../../core/devices/ram';
import {
  MemoryBlockBackend, OverlayBlockBackend, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_RO,
  VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP, VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VirtioBlk, type BlockBackend,
} from '../../core/devices/virtio/blk';
import {
  STATUS_DEVICE_NEEDS_RESET, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_VERSION_1, VirtioMmioReg as R,
} from '../../core/devices/virtio/mmio';
import { FakeDriver, type Buf } from './virtio.test';

const SECTOR = 512;
const bit = (n: number): bigint => 1n << BigInt(n);

/** A backend that records calls (and can be told to fail). */
class SpyBackend implements BlockBackend {
  readonly inner: MemoryBlockBackend;
  readonly calls: string[] = [];
  failNext = false;
  constructor(size: number, readonly readOnly = false) { this.inner = new MemoryBlockBackend(new Uint8Array(size), false); }
  get size(): number { return this.inner.size; }
  read(offset: number, dst: Uint8Array): void { this.maybeFail(); this.calls.push(`read ${offset} ${dst.length}`); this.inner.read(offset, dst); }
  write(offset: number, src: Uint8Array): void {
    this.maybeFail();
    if (this.readOnly) throw new Error('read-only');
    this.calls.push(`write ${offset} ${src.length}`);
    this.inner.write(offset, src);
  }
  flush(): void { this.maybeFail(); this.calls.push('flush'); }
  private maybeFail(): void { if (this.failNext) { this.failNext = false; throw new Error('host I/O error'); } }
}

function pattern(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 31 + seed * 17 + (i >>> 9)) & 0xff;
  return b;
}

class BlkDriver {
  readonly d: FakeDriver;
  readonly blk: VirtioBlk;
  constructor(readonly backend: BlockBackend, extra: bigint[] = [], index = 0) {
    this.blk = new VirtioBlk(backend, index);
    this.d = new FakeDriver(this.blk);
    this.d.init(extra, 1, 16);
  }

  /** Builds header + data + status buffers; returns their addresses. */
  request(type: number, sector: number, dataLen: number): { hdr: number; data: number; st: number } {
    const d = this.d;
    const hdr = d.alloc(16), data = d.alloc(Math.max(dataLen, 1), 512), st = d.alloc(1, 1);
    d.w32(hdr, type); d.w32(hdr + 4, 0); d.w64(hdr + 8, sector);
    d.w8(st, 0xff);
    return { hdr, data, st };
  }

  /** Runs one request with the usual three-descriptor layout; returns [status, used len]. */
  run(type: number, sector: number, data: Uint8Array | number, opts: { indirect?: boolean } = {}): { status: number; len: number; data: number } {
    const d = this.d;
    const isOut = typeof data !== 'number';
    const dataLen = isOut ? data.length : data;
    const r = this.request(type, sector, dataLen);
    if (isOut) d.put(r.data, data);
    const bufs: Buf[] = [{ addr: r.hdr, len: 16 }];
    if (dataLen > 0) bufs.push({ addr: r.data, len: dataLen, write: !isOut });
    bufs.push({ addr: r.st, len: 1, write: true });
    const head = d.submit(0, bufs, opts.indirect);
    const used = d.used(0);
    assert.equal(used.length, 1);
    assert.equal(used[0].id, head);
    return { status: d.bytes(r.st, 1)[0], len: used[0].len, data: r.data };
  }
}

describe('virtio-blk', () => {
  it('offers SEG_MAX, BLK_SIZE and FLUSH (RO when read-only) and reports capacity, seg_max and blk_size', () => {
    const b = new BlkDriver(new MemoryBlockBackend(new Uint8Array(3 * 1024 * 1024)));
    const f = b.d.deviceFeatures();
    const dev = bit(VIRTIO_BLK_F_SEG_MAX) | bit(VIRTIO_BLK_F_BLK_SIZE) | bit(VIRTIO_BLK_F_FLUSH);
    assert.equal(f & 0xffffffn, dev);
    assert.ok((f & bit(VIRTIO_F_VERSION_1)) !== 0n);
    assert.equal(b.d.reg(R.DeviceID), 2);
    assert.equal(b.d.reg(0x100), 6144);                          // capacity low
    assert.equal(b.d.reg(0x104), 0);                             // capacity high
    assert.equal(b.d.reg(0x10c), 254);                           // seg_max
    assert.equal(b.d.reg(0x114), 512);                           // blk_size
    assert.equal(b.d.mmio.read(0x101, 1), 0x18);                 // byte access to config space
    const ro = new BlkDriver(new MemoryBlockBackend(new Uint8Array(4096), true));
    assert.equal(ro.d.deviceFeatures() & 0xffffffn, dev | bit(VIRTIO_BLK_F_RO));
  });

  it('writes and reads back sectors; the data lands in the backend', () => {
    const mem = new MemoryBlockBackend(new Uint8Array(64 * SECTOR));
    const b = new BlkDriver(mem);
    const data = pattern(3 * SECTOR, 1);
    const w = b.run(VIRTIO_BLK_T_OUT, 5, data);
    assert.deepEqual([w.status, w.len], [VIRTIO_BLK_S_OK, 1]);
    assert.deepEqual(mem.data.subarray(5 * SECTOR, 8 * SECTOR), data);
    const r = b.run(VIRTIO_BLK_T_IN, 5, 3 * SECTOR);
    assert.deepEqual([r.status, r.len], [VIRTIO_BLK_S_OK, 3 * SECTOR + 1]);
    assert.deepEqual(b.d.bytes(r.data, 3 * SECTOR), data);
    // The last sector of the disk is reachable; one past it is not.
    assert.equal(b.run(VIRTIO_BLK_T_IN, 63, SECTOR).status, VIRTIO_BLK_S_OK);
    assert.equal(b.run(VIRTIO_BLK_T_IN, 63, 2 * SECTOR).status, VIRTIO_BLK_S_IOERR);
  });

  it('accepts any layout: header and data in one descriptor, data in many small pieces, indirect tables', () => {
    const mem = new MemoryBlockBackend(new Uint8Array(64 * SECTOR));
    const b = new BlkDriver(mem, [bit(VIRTIO_F_INDIRECT_DESC)]);
    const d = b.d;
    // OUT with header and data adjacent in a single readable descriptor.
    const data = pattern(2 * SECTOR, 2);
    const buf = d.alloc(16 + data.length), st = d.alloc(1);
    d.w32(buf, VIRTIO_BLK_T_OUT); d.w64(buf + 8, 10); d.put(buf + 16, data);
    d.submit(0, [{ addr: buf, len: 16 + data.length }, { addr: st, len: 1, write: true }]);
    assert.equal(d.bytes(st, 1)[0], VIRTIO_BLK_S_OK);
    assert.deepEqual(mem.data.subarray(10 * SECTOR, 12 * SECTOR), data);
    d.used(0);
    // IN into 7 uneven pieces with the status byte sharing the last writable descriptor, through an indirect table.
    const hdr = d.alloc(16);
    d.w32(hdr, VIRTIO_BLK_T_IN); d.w64(hdr + 8, 10);
    const sizes = [1, 100, 411, 300, 200, 11];
    const pieces = sizes.map((n) => ({ addr: d.alloc(n, 1), len: n, write: true }));
    const tail = d.alloc(1 + 1, 1);                             // last data byte + status
    const head = d.submit(0, [{ addr: hdr, len: 16 }, ...pieces, { addr: tail, len: 2, write: true }], true);
    assert.deepEqual(d.used(0), [{ id: head, len: 2 * SECTOR + 1 }]);
    const got = [...pieces.flatMap((p) => [...d.bytes(p.addr, p.len)]), d.bytes(tail, 1)[0]];
    assert.deepEqual(got, [...data]);
    assert.equal(d.bytes(tail + 1, 1)[0], VIRTIO_BLK_S_OK);
  });

  it('moves requests larger than its copy buffer', () => {
    const mem = new MemoryBlockBackend(new Uint8Array(1024 * SECTOR));
    const b = new BlkDriver(mem);
    const data = pattern(400 * SECTOR, 3);
    assert.equal(b.run(VIRTIO_BLK_T_OUT, 100, data).status, VIRTIO_BLK_S_OK);
    const r = b.run(VIRTIO_BLK_T_IN, 100, data.length);
    assert.equal(r.status, VIRTIO_BLK_S_OK);
    assert.deepEqual(b.d.bytes(r.data, data.length), data);
  });

  it('FLUSH flushes the backend; GET_ID returns the NUL-padded serial; unknown types are UNSUPP', () => {
    const spy = new SpyBackend(16 * SECTOR);
    const b = new BlkDriver(spy, [], 1);
    assert.equal(b.run(VIRTIO_BLK_T_FLUSH, 0, 0).status, VIRTIO_BLK_S_OK);
    assert.deepEqual(spy.calls, ['flush']);
    const id = b.run(VIRTIO_BLK_T_GET_ID, 0, 20);
    assert.deepEqual([id.status, id.len], [VIRTIO_BLK_S_OK, 21]);
    const serial = b.d.bytes(id.data, 20);
    assert.equal(Buffer.from(serial.subarray(0, 12)).toString(), 'vmscope-blk1');
    assert.deepEqual([...serial.subarray(12)], new Array(8).fill(0));
    for (const t of [2, 11, 13, 0x80000000]) assert.equal(b.run(t, 0, 0).status, VIRTIO_BLK_S_UNSUPP);
  });

  it('IOERR: sectors out of range, partial sectors, huge lengths, unreachable data, backend failures', () => {
    const spy = new SpyBackend(16 * SECTOR);
    const b = new BlkDriver(spy);
    const d = b.d;
    assert.equal(b.run(VIRTIO_BLK_T_IN, 16, SECTOR).status, VIRTIO_BLK_S_IOERR);
    assert.equal(b.run(VIRTIO_BLK_T_IN, 2 ** 40, SECTOR).status, VIRTIO_BLK_S_IOERR);
    assert.equal(b.run(VIRTIO_BLK_T_OUT, 2 ** 52, pattern(SECTOR, 0)).status, VIRTIO_BLK_S_IOERR);
    assert.equal(b.run(VIRTIO_BLK_T_IN, 0, 100).status, VIRTIO_BLK_S_IOERR);
    assert.equal(b.run(VIRTIO_BLK_T_OUT, 0, pattern(SECTOR + 1, 0)).status, VIRTIO_BLK_S_IOERR);
    // A 4 GiB - 512 data descriptor.
    const r = b.request(VIRTIO_BLK_T_IN, 0, 16);
    d.submit(0, [{ addr: r.hdr, len: 16 }, { addr: r.data, len: 0xfffffe00, write: true }, { addr: r.st, len: 1, write: true }]);
    assert.equal(d.bytes(r.st, 1)[0], VIRTIO_BLK_S_IOERR);
    d.used(0);
    // Data buffer outside memory.
    const r2 = b.request(VIRTIO_BLK_T_IN, 0, 0);
    d.submit(0, [{ addr: r2.hdr, len: 16 }, { addr: 0x2000, len: SECTOR, write: true }, { addr: r2.st, len: 1, write: true }]);
    assert.equal(d.bytes(r2.st, 1)[0], VIRTIO_BLK_S_IOERR);
    d.used(0);
    // A short header.
    const r3 = b.request(VIRTIO_BLK_T_IN, 0, 0);
    d.submit(0, [{ addr: r3.hdr, len: 8 }, { addr: r3.st, len: 1, write: true }]);
    assert.equal(d.bytes(r3.st, 1)[0], VIRTIO_BLK_S_IOERR);
    d.used(0);
    spy.failNext = true;
    assert.equal(b.run(VIRTIO_BLK_T_IN, 0, SECTOR).status, VIRTIO_BLK_S_IOERR);
    spy.failNext = true;
    assert.equal(b.run(VIRTIO_BLK_T_FLUSH, 0, 0).status, VIRTIO_BLK_S_IOERR);
    assert.equal(d.status & STATUS_DEVICE_NEEDS_RESET, 0);
    assert.equal(b.run(VIRTIO_BLK_T_IN, 0, SECTOR).status, VIRTIO_BLK_S_OK);
  });

  it('a read-only disk fails writes with IOERR and writes nothing; reads still work', () => {
    const spy = new SpyBackend(16 * SECTOR, true);
    spy.inner.data.set(pattern(SECTOR, 9), 0);
    const b = new BlkDriver(spy);
    assert.equal(b.run(VIRTIO_BLK_T_OUT, 0, pattern(SECTOR, 4)).status, VIRTIO_BLK_S_IOERR);
    assert.ok(!spy.calls.some((c) => c.startsWith('write')));
    assert.deepEqual(spy.inner.data.subarray(0, SECTOR), pattern(SECTOR, 9));
    const r = b.run(VIRTIO_BLK_T_IN, 0, SECTOR);
    assert.equal(r.status, VIRTIO_BLK_S_OK);
    assert.deepEqual(b.d.bytes(r.data, SECTOR), pattern(SECTOR, 9));
  });

  it('a request without a writable status byte, or with an unreachable one, sets DEVICE_NEEDS_RESET', () => {
    const b = new BlkDriver(new MemoryBlockBackend(new Uint8Array(16 * SECTOR)));
    const r = b.request(VIRTIO_BLK_T_IN, 0, 0);
    b.d.submit(0, [{ addr: r.hdr, len: 16 }]);
    assert.equal(b.d.status & STATUS_DEVICE_NEEDS_RESET, STATUS_DEVICE_NEEDS_RESET);
    assert.deepEqual(b.d.used(0), []);

    const b2 = new BlkDriver(new MemoryBlockBackend(new Uint8Array(16 * SECTOR)));
    const r2 = b2.request(VIRTIO_BLK_T_FLUSH, 0, 0);
    b2.d.submit(0, [{ addr: r2.hdr, len: 16 }, { addr: 0x10, len: 1, write: true }]);
    assert.equal(b2.d.status & STATUS_DEVICE_NEEDS_RESET, STATUS_DEVICE_NEEDS_RESET);
    // Reset and re-initialize: the device works again.
    b2.d.init([], 1, 16);
    assert.equal(b2.run(VIRTIO_BLK_T_FLUSH, 0, 0).status, VIRTIO_BLK_S_OK);
  });

  it('completes a batch of requests with one interrupt under EVENT_IDX', () => {
    const b = new BlkDriver(new MemoryBlockBackend(new Uint8Array(16 * SECTOR)), [bit(VIRTIO_F_EVENT_IDX)]);
    const d = b.d;
    d.setUsedEvent(0, 3);
    const levels = d.irqLevels.length;
    for (let i = 0; i < 4; i++) {
      const r = b.request(VIRTIO_BLK_T_IN, i, SECTOR);
      d.publish(0, d.place(0, [{ addr: r.hdr, len: 16 }, { addr: r.data, len: SECTOR, write: true }, { addr: r.st, len: 1, write: true }]));
    }
    d.notify(0);
    assert.equal(d.used(0).length, 4);
    assert.deepEqual(d.irqLevels.slice(levels), [true]);
  });
});

describe('block backends', () => {
  it('MemoryBlockBackend reads, writes, refuses writes when read-only and accesses beyond its end', () => {
    const m = new MemoryBlockBackend(new Uint8Array(1024));
    m.write(512, pattern(512, 1));
    const out = new Uint8Array(512);
    m.read(512, out);
    assert.deepEqual(out, pattern(512, 1));
    assert.throws(() => m.read(1000, new Uint8Array(512)), RangeError);
    assert.throws(() => new MemoryBlockBackend(new Uint8Array(512), true).write(0, new Uint8Array(1)));
  });

  it('OverlayBlockBackend keeps writes in memory until flush, then writes them through in order', () => {
    const spy = new SpyBackend(16 * SECTOR);
    spy.inner.data.set(pattern(16 * SECTOR, 5));
    const o = new OverlayBlockBackend(spy);
    o.write(2 * SECTOR, pattern(2 * SECTOR, 6));
    o.write(9 * SECTOR + 100, Uint8Array.of(1, 2, 3));            // partial sector: read-modify-write
    assert.ok(!spy.calls.some((c) => c.startsWith('write')));
    assert.equal(o.dirtySectors, 3);
    const all = new Uint8Array(16 * SECTOR);
    o.read(0, all);
    const expect = pattern(16 * SECTOR, 5);
    expect.set(pattern(2 * SECTOR, 6), 2 * SECTOR);
    expect.set([1, 2, 3], 9 * SECTOR + 100);
    assert.deepEqual(all, expect);
    assert.deepEqual(spy.inner.data, pattern(16 * SECTOR, 5));    // base untouched so far
    spy.calls.length = 0;
    o.flush();
    assert.deepEqual(spy.calls, [`write ${2 * SECTOR} 512`, `write ${3 * SECTOR} 512`, `write ${9 * SECTOR} 512`, 'flush']);
    assert.deepEqual(spy.inner.data, expect);
    assert.equal(o.dirtySectors, 0);
  });

  it('OverlayBlockBackend over a read-only base never writes it, even on flush', () => {
    const spy = new SpyBackend(8 * SECTOR, true);
    const o = new OverlayBlockBackend(spy);
    assert.equal(o.readOnly, false);
    o.write(0, pattern(SECTOR, 1));
    o.flush();
    assert.ok(!spy.calls.some((c) => c.startsWith('write') || c === 'flush'));
    const out = new Uint8Array(SECTOR);
    o.read(0, out);
    assert.deepEqual(out, pattern(SECTOR, 1));
  });

  it('virtio-blk over an overlay: guest writes reach the base only when the guest flushes', () => {
    const spy = new SpyBackend(32 * SECTOR);
    const b = new BlkDriver(new OverlayBlockBackend(spy));
    assert.equal(b.run(VIRTIO_BLK_T_OUT, 4, pattern(4 * SECTOR, 7)).status, VIRTIO_BLK_S_OK);
    const r = b.run(VIRTIO_BLK_T_IN, 3, 6 * SECTOR);
    const expect = new Uint8Array(6 * SECTOR);
    expect.set(pattern(4 * SECTOR, 7), SECTOR);
    assert.deepEqual(b.d.bytes(r.data, 6 * SECTOR), expect);
    assert.ok(!spy.calls.some((c) => c.startsWith('write')));
    assert.equal(b.run(VIRTIO_BLK_T_FLUSH, 0, 0).status, VIRTIO_BLK_S_OK);
    assert.deepEqual(spy.inner.data.subarray(4 * SECTOR, 8 * SECTOR), pattern(4 * SECTOR, 7));
  });
});

describe('RamDma', () => {
  it('reaches RAM only, all or nothing, and reports writes', () => {
    const ram = new Ram(0x8000_0000, 8192);
    const seen: [number, number][] = [];
    const dma = new RamDma(ram, (o, l) => seen.push([o, l]));
    assert.equal(dma.write(0x8000_0010, Uint8Array.of(1, 2, 3)), true);
    assert.deepEqual(seen, [[0x10, 3]]);
    const out = new Uint8Array(3);
    assert.equal(dma.read(0x8000_0010, out), true);
    assert.deepEqual([...out], [1, 2, 3]);
    assert.equal(dma.write(0x8000_1fff, Uint8Array.of(9, 9)), false);   // straddles the end
    assert.equal(ram.u8[0x1fff], 0);
    assert.equal(dma.read(0x7fff_ffff, out), false);
    assert.equal(dma.read(2 ** 64, out), false);
    assert.equal(dma.read(NaN, out), false);
    assert.equal(seen.length, 1);
  });
});
