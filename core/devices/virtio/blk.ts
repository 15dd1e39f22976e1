// virtio-blk (virtio 1.x "Block Device", device ID 2): one request queue serving IN, OUT, FLUSH and GET_ID over a
// host-supplied BlockBackend, plus in-memory and copy-on-write backends.

import type { DescChain } from './queue';
import { configRead, type VirtioDevice, type VirtioTransport } from './mmio';

export const VIRTIO_ID_BLOCK = 2;

/** Feature bits ("Block Device / Feature bits"). */
export const VIRTIO_BLK_F_SIZE_MAX = 1, VIRTIO_BLK_F_SEG_MAX = 2, VIRTIO_BLK_F_RO = 5, VIRTIO_BLK_F_BLK_SIZE = 6;
export const VIRTIO_BLK_F_FLUSH = 9;
/** Request types and status values ("Block Device / Device Operation"). */
export const VIRTIO_BLK_T_IN = 0, VIRTIO_BLK_T_OUT = 1, VIRTIO_BLK_T_FLUSH = 4, VIRTIO_BLK_T_GET_ID = 8;
export const VIRTIO_BLK_S_OK = 0, VIRTIO_BLK_S_IOERR = 1, VIRTIO_BLK_S_UNSUPP = 2;

export const SECTOR_SIZE = 512;
const QUEUE_SIZE = 256;
/** Longest device ID string (GET_ID), NUL-padded, no terminator at full length. */
const ID_BYTES = 20;
/** Data moves between guest memory and the backend through a buffer of this size, whatever the request size. */
const CHUNK = 64 * 1024;
const REQ_HEADER = 16;

/**
 * Storage behind a block device, in bytes. Offsets and lengths the device passes are whole 512-byte sectors inside
 * `size`. Methods may throw on host I/O failure; the device turns that into VIRTIO_BLK_S_IOERR.
 */
export interface BlockBackend {
  readonly size: number;
  readonly readOnly: boolean;
  read(offset: number, dst: Uint8Array): void;
  write(offset: number, src: Uint8Array): void;
  /** Makes completed writes durable. */
  flush(): void;
}

/** The virtio block device. */
export class VirtioBlk implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly queueCount = 1;
  readonly queueSizeMax = QUEUE_SIZE;
  /**
   * SEG_MAX (the ring size bounds a chain anyway), BLK_SIZE, FLUSH, and RO for read-only backends. SIZE_MAX is not
   * offered: data is copied through a fixed buffer, so segments may be of any size.
   */
  readonly features: bigint;
  /** Capacity in 512-byte sectors. */
  readonly capacity: number;
  private readonly config = new Uint8Array(24);
  private readonly id = new Uint8Array(ID_BYTES);
  private readonly header = new Uint8Array(REQ_HEADER);
  private readonly headerView = new DataView(this.header.buffer);
  private readonly scratch = new Uint8Array(CHUNK);
  private readonly statusByte = new Uint8Array(1);
  private t!: VirtioTransport;
  private readonly handler = (chain: DescChain): number => this.handle(chain);

  /**
   * @param backend the storage
   * @param index the disk number, used in the serial "vmscope-blk<index>" that GET_ID returns
   */
  constructor(readonly backend: BlockBackend, readonly index = 0) {
    let f = (1n << BigInt(VIRTIO_BLK_F_SEG_MAX)) | (1n << BigInt(VIRTIO_BLK_F_BLK_SIZE)) | (1n << BigInt(VIRTIO_BLK_F_FLUSH));
    if (backend.readOnly) f |= 1n << BigInt(VIRTIO_BLK_F_RO);
    this.features = f;
    this.capacity = Math.floor(backend.size / SECTOR_SIZE);
    // virtio_blk_config: capacity (le64) @0, size_max @8, seg_max @12, geometry @16, blk_size @20.
    const v = new DataView(this.config.buffer);
    v.setUint32(0, this.capacity % 4294967296, true);
    v.setUint32(4, Math.floor(this.capacity / 4294967296), true);
    v.setUint32(12, QUEUE_SIZE - 2, true); // header and status take two descriptors of a direct chain
    v.setUint32(20, SECTOR_SIZE, true);
    const serial = `vmscope-blk${index}`;
    for (let i = 0; i < serial.length && i < ID_BYTES; i++) this.id[i] = serial.charCodeAt(i) & 0x7f;
  }

  attach(transport: VirtioTransport): void { this.t = transport; }

  readConfig(offset: number, size: 1 | 2 | 4): number { return configRead(this.config, offset, size); }

  writeConfig(): void { /* no writable fields (CONFIG_WCE is not offered) */ }

  queueNotify(q: number): void {
    if (q === 0) this.t.drain(0, this.handler);
  }

  reset(): void { /* requests complete synchronously: nothing in flight */ }

  /**
   * One request: virtio_blk_req { le32 type; le32 reserved; le64 sector; u8 data[]; u8 status; }, laid out over the
   * chain in any arrangement ("Message Framing"). Returns the bytes written (data + status), or -1 when the status
   * byte itself cannot be written (the driver gave no device-writable byte, or an unreachable one).
   */
  private handle(chain: DescChain): number {
    const wlen = chain.writableLen;
    if (wlen < 1) return -1;
    const dma = this.t.dma;
    let status = VIRTIO_BLK_S_IOERR;
    let written = 0;
    if (chain.read(dma, 0, this.header)) {
      const hv = this.headerView;
      const type = hv.getUint32(0, true);
      const sector = hv.getUint32(8, true) + hv.getUint32(12, true) * 4294967296;
      switch (type) {
        case VIRTIO_BLK_T_IN: {
          const len = wlen - 1;
          if (this.inRange(sector, len)) {
            written = this.readIn(chain, sector * SECTOR_SIZE, len);
            if (written === len) status = VIRTIO_BLK_S_OK;
          }
          break;
        }
        case VIRTIO_BLK_T_OUT: {
          // A read-only device fails every write and writes nothing ("Device Operation", device rules).
          const len = chain.readableLen - REQ_HEADER;
          if (!this.backend.readOnly && this.inRange(sector, len) && this.writeOut(chain, sector * SECTOR_SIZE, len)) {
            status = VIRTIO_BLK_S_OK;
          }
          break;
        }
        case VIRTIO_BLK_T_FLUSH:
          status = this.guard(() => this.backend.flush()) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
          break;
        case VIRTIO_BLK_T_GET_ID: {
          const n = Math.min(ID_BYTES, wlen - 1);
          if (chain.write(dma, 0, this.id.subarray(0, n))) { written = n; status = VIRTIO_BLK_S_OK; }
          break;
        }
        default:
          status = VIRTIO_BLK_S_UNSUPP;
      }
    }
    this.statusByte[0] = status;
    if (!chain.write(dma, wlen - 1, this.statusByte)) return -1;
    return written + 1;
  }

  /** Whole sectors, all inside the disk. */
  private inRange(sector: number, len: number): boolean {
    return len >= 0 && len % SECTOR_SIZE === 0 && sector <= this.capacity && sector + len / SECTOR_SIZE <= this.capacity;
  }

  /** Backend → guest, chunk by chunk; returns the bytes delivered (short on a backend or DMA failure). */
  private readIn(chain: DescChain, base: number, len: number): number {
    const dma = this.t.dma;
    let done = 0;
    while (done < len) {
      const part = this.scratch.subarray(0, Math.min(CHUNK, len - done));
      if (!this.guard(() => this.backend.read(base + done, part))) break;
      if (!chain.write(dma, done, part)) break;
      done += part.length;
    }
    return done;
  }

  /** Guest → backend, chunk by chunk; false on a backend or DMA failure. */
  private writeOut(chain: DescChain, base: number, len: number): boolean {
    const dma = this.t.dma;
    for (let done = 0; done < len;) {
      const part = this.scratch.subarray(0, Math.min(CHUNK, len - done));
      if (!chain.read(dma, REQ_HEADER + done, part)) return false;
      if (!this.guard(() => this.backend.write(base + done, part))) return false;
      done += part.length;
    }
    return true;
  }

  /** Runs a backend call; a host failure becomes a failed request instead of an exception in the machine. */
  private guard(fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch {
      return false;
    }
  }
}

/** A disk image held in memory. */
export class MemoryBlockBackend implements BlockBackend {
  constructor(readonly data: Uint8Array, readonly readOnly = false) {}

  get size(): number { return this.data.length; }

  read(offset: number, dst: Uint8Array): void {
    this.check(offset, dst.length);
    dst.set(this.data.subarray(offset, offset + dst.length));
  }

  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new Error('write to a read-only disk image');
    this.check(offset, src.length);
    this.data.set(src, offset);
  }

  flush(): void { /* memory is as durable as it gets */ }

  private check(offset: number, len: number): void {
    if (offset < 0 || offset + len > this.data.length) throw new RangeError(`disk access [${offset}, +${len}) beyond ${this.data.length} bytes`);
  }
}

/**
 * Copy-on-write layer: writes land in memory, sector by sector; flush() writes them through to the underlying
 * backend and flushes it, unless that backend is read-only, in which case they stay in memory for the whole run
 * (a scratch disk over a read-only image). The overlay itself always accepts writes.
 */
export class OverlayBlockBackend implements BlockBackend {
  readonly readOnly = false;
  private readonly dirty = new Map<number, Uint8Array>();

  constructor(readonly base: BlockBackend) {}

  get size(): number { return this.base.size; }

  /** Sectors written since the last flush (all writes, when the base is read-only). */
  get dirtySectors(): number { return this.dirty.size; }

  read(offset: number, dst: Uint8Array): void {
    if (this.dirty.size === 0) { this.base.read(offset, dst); return; }
    let pos = 0;
    while (pos < dst.length) {
      const at = offset + pos;
      const sector = Math.floor(at / SECTOR_SIZE);
      const within = at - sector * SECTOR_SIZE;
      const d = this.dirty.get(sector);
      if (d !== undefined) {
        const n = Math.min(d.length - within, dst.length - pos);
        dst.set(d.subarray(within, within + n), pos);
        pos += n;
        continue;
      }
      // Read the whole run of clean sectors in one backend call.
      let end = (sector + 1) * SECTOR_SIZE;
      while (end < offset + dst.length && !this.dirty.has(end / SECTOR_SIZE)) end += SECTOR_SIZE;
      const n = Math.min(end, offset + dst.length) - at;
      this.base.read(at, dst.subarray(pos, pos + n));
      pos += n;
    }
  }

  write(offset: number, src: Uint8Array): void {
    if (offset < 0 || offset + src.length > this.size) throw new RangeError(`disk write [${offset}, +${src.length}) beyond ${this.size} bytes`);
    let pos = 0;
    while (pos < src.length) {
      const at = offset + pos;
      const sector = Math.floor(at / SECTOR_SIZE);
      const within = at - sector * SECTOR_SIZE;
      let d = this.dirty.get(sector);
      const secLen = Math.min(SECTOR_SIZE, this.size - sector * SECTOR_SIZE);
      const n = Math.min(secLen - within, src.length - pos);
      if (d === undefined) {
        d = new Uint8Array(secLen);
        if (n < secLen) this.base.read(sector * SECTOR_SIZE, d); // partial sector: start from its current contents
        this.dirty.set(sector, d);
      }
      d.set(src.subarray(pos, pos + n), within);
      pos += n;
    }
  }

  flush(): void {
    if (this.base.readOnly) return;
    const sectors = [...this.dirty.keys()].sort((a, b) => a - b);
    for (const s of sectors) this.base.write(s * SECTOR_SIZE, this.dirty.get(s) as Uint8Array);
    this.base.flush();
    this.dirty.clear();
  }
}
