// A DMA copy engine: the board's assignable test device. Software writes a source, a destination and a length,
// rings the doorbell, and the engine copies through its bus-master port — straight to RAM, or through the IOMMU,
// which translates and confines what the device may reach (it has a device id of its own). Completion and error
// raise its interrupt line. docs/iommu.md describes how a VM owns it.
//
// Register map (32-bit registers; 64-bit addresses as low/high pairs):
//   0x00 MAGIC      RO  0x45434d56 ("VMCE")
//   0x04 VERSION    RO  1
//   0x08 SRC_LO     RW  source address (IO-virtual, guest-physical or physical: whatever the port translates)
//   0x0c SRC_HI     RW
//   0x10 DST_LO     RW  destination address
//   0x14 DST_HI     RW
//   0x18 LEN        RW  bytes to copy (at most MAX_LEN; larger values are an error at the doorbell)
//   0x1c PROCESS    RW  bit 31: tag transfers with a process id (PASID), bits 19:0 the id
//   0x20 DOORBELL   WO  write 1: start the transfer (it completes before the write returns)
//   0x24 STATUS     RO  bit 1 DONE, bit 2 ERROR (of the last transfer; BUSY, bit 0, is never seen)
//   0x28 IRQ_ENABLE RW  bit 0 completion, bit 1 error
//   0x2c IRQ_STATUS W1C bit 0 completion, bit 1 error; the line is high while (IRQ_STATUS & IRQ_ENABLE) != 0
//   0x30 DONE_BYTES RO  bytes the last transfer moved
//   0x34 FAULT_LO   RO  the address (source or destination) whose access failed
//   0x38 FAULT_HI   RO
//   0x3c COMPLETED  RO  transfers completed without error since reset

import type { MmioDevice } from './device';
import type { DmaPort } from './dma';

export const COPY_ENGINE_BASE = 0x1001_0000;
export const COPY_ENGINE_SIZE = 0x1000;
export const COPY_ENGINE_IRQ = 12;
/** The engine's device id at the IOMMU. */
export const COPY_ENGINE_DEVICE_ID = 0x20;
export const COPY_ENGINE_MAGIC = 0x45434d56;
/** Largest single transfer (16 MiB). */
export const COPY_ENGINE_MAX_LEN = 16 * 1024 * 1024;

export const CE = {
  MAGIC: 0x00, VERSION: 0x04, SRC_LO: 0x08, SRC_HI: 0x0c, DST_LO: 0x10, DST_HI: 0x14, LEN: 0x18, PROCESS: 0x1c,
  DOORBELL: 0x20, STATUS: 0x24, IRQ_ENABLE: 0x28, IRQ_STATUS: 0x2c, DONE_BYTES: 0x30, FAULT_LO: 0x34, FAULT_HI: 0x38,
  COMPLETED: 0x3c,
} as const;
export const CE_STATUS_DONE = 2, CE_STATUS_ERROR = 4;
export const CE_IRQ_DONE = 1, CE_IRQ_ERROR = 2;

/** Where the engine's DMA goes: a port per process id (-1 = untagged). */
export type CopyEnginePorts = (processId: number) => DmaPort;

export class CopyEngine implements MmioDevice {
  readonly name = 'copy-engine';
  /** Interrupt line (the board's PLIC, or the owning VM's virtual PLIC). */
  irqLine: ((level: boolean) => void) | null = null;
  /** Bytes moved and transfers started since reset (for the debugger and benchmarks). */
  bytesCopied = 0;
  transfers = 0;
  private src = 0;
  private dst = 0;
  private len = 0;
  private process = 0;
  private status = 0;
  private irqEnable = 0;
  private irqStatus = 0;
  private doneBytes = 0;
  private faultAddr = 0;
  private completed = 0;
  private line = false;
  /** Bounce buffer: a transfer moves at most one page of either side at a time. */
  private readonly buf = new Uint8Array(4096);

  constructor(private ports: CopyEnginePorts) {}

  /** Reconnects the bus-master port (the board puts the IOMMU in front of it). */
  setPorts(ports: CopyEnginePorts): void { this.ports = ports; }

  read(offset: number, _size: 1 | 2 | 4): number {
    switch (offset) {
      case CE.MAGIC: return COPY_ENGINE_MAGIC;
      case CE.VERSION: return 1;
      case CE.SRC_LO: return this.src % 4294967296;
      case CE.SRC_HI: return Math.floor(this.src / 4294967296);
      case CE.DST_LO: return this.dst % 4294967296;
      case CE.DST_HI: return Math.floor(this.dst / 4294967296);
      case CE.LEN: return this.len;
      case CE.PROCESS: return this.process;
      case CE.STATUS: return this.status;
      case CE.IRQ_ENABLE: return this.irqEnable;
      case CE.IRQ_STATUS: return this.irqStatus;
      case CE.DONE_BYTES: return this.doneBytes;
      case CE.FAULT_LO: return this.faultAddr % 4294967296;
      case CE.FAULT_HI: return Math.floor(this.faultAddr / 4294967296);
      case CE.COMPLETED: return this.completed;
      default: return 0;
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const v = value >>> 0;
    switch (offset) {
      // Addresses are kept as Numbers; the high words keep 21 bits, beyond any address the board decodes.
      case CE.SRC_LO: this.src = Math.floor(this.src / 4294967296) * 4294967296 + v; break;
      case CE.SRC_HI: this.src = (v & 0x1fffff) * 4294967296 + this.src % 4294967296; break;
      case CE.DST_LO: this.dst = Math.floor(this.dst / 4294967296) * 4294967296 + v; break;
      case CE.DST_HI: this.dst = (v & 0x1fffff) * 4294967296 + this.dst % 4294967296; break;
      case CE.LEN: this.len = v; break;
      case CE.PROCESS: this.process = v & 0x800f_ffff; break;
      case CE.DOORBELL: if ((v & 1) !== 0) this.start(); break;
      case CE.IRQ_ENABLE: this.irqEnable = v & 3; this.updateLine(); break;
      case CE.IRQ_STATUS: this.irqStatus &= ~v; this.updateLine(); break;
      default: break;
    }
  }

  reset(): void {
    this.src = this.dst = this.len = this.process = this.status = this.irqEnable = this.irqStatus = 0;
    this.doneBytes = this.faultAddr = this.completed = 0;
    this.bytesCopied = this.transfers = 0;
    this.updateLine();
  }

  /** Runs one transfer: page-sized pieces, each read whole and written whole; the first failure ends it. */
  private start(): void {
    this.transfers++;
    this.doneBytes = 0;
    const pid = (this.process & 0x8000_0000) !== 0 ? this.process & 0xf_ffff : -1;
    const port = this.ports(pid);
    let ok = this.len <= COPY_ENGINE_MAX_LEN;
    if (!ok) this.faultAddr = this.src;
    let done = 0;
    while (ok && done < this.len) {
      const s = this.src + done, d = this.dst + done;
      const n = Math.min(this.len - done, 4096 - (s % 4096), 4096 - (d % 4096));
      const chunk = n === 4096 ? this.buf : this.buf.subarray(0, n);
      if (!port.read(s, chunk)) { this.faultAddr = s; ok = false; break; }
      if (!port.write(d, chunk)) { this.faultAddr = d; ok = false; break; }
      done += n;
    }
    this.doneBytes = done;
    this.bytesCopied += done;
    if (ok) { this.status = CE_STATUS_DONE; this.completed++; this.irqStatus |= CE_IRQ_DONE; }
    else { this.status = CE_STATUS_ERROR; this.irqStatus |= CE_IRQ_ERROR; }
    this.updateLine();
  }

  private updateLine(): void {
    const level = (this.irqStatus & this.irqEnable) !== 0;
    if (level !== this.line) { this.line = level; this.irqLine?.(level); }
  }
}
