// A read-only memory region (the virt board's mask ROM at 0x1000): guest reads see its bytes, writes are ignored.

import type { MmioDevice } from './device';

export class Rom implements MmioDevice {
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(readonly name: string, size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset + size > this.bytes.length) return 0;
    return size === 1 ? this.bytes[offset] : size === 2 ? this.view.getUint16(offset, true) : this.view.getUint32(offset, true);
  }

  write(): void { /* read-only */ }
}
