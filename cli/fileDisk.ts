// Disk images for --drive: a file-backed block backend, wrapped in a copy-on-write overlay so that guest writes
// reach the file only when the guest flushes or the run ends (never for read-only or snapshot drives).

import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { BlockBackend, OverlayBlockBackend } from '../core';
import { UsageError } from './options';

export interface DriveSpec { file: string; readOnly: boolean; snapshot: boolean }

class FileBlockBackend implements BlockBackend {
  readonly size: number;
  constructor(private readonly fd: number, readonly readOnly: boolean, bytes: number) {
    this.size = bytes - (bytes % 512);     // a trailing partial sector is not addressable
  }
  read(offset: number, dst: Uint8Array): void {
    let done = 0;
    while (done < dst.length) {
      const n = readSync(this.fd, dst, done, dst.length - done, offset + done);
      if (n === 0) { dst.fill(0, done); return; }
      done += n;
    }
  }
  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new Error('read-only image');
    let done = 0;
    while (done < src.length) done += writeSync(this.fd, src, done, src.length - done, offset + done);
  }
  flush(): void { if (!this.readOnly) fsyncSync(this.fd); }
  close(): void { closeSync(this.fd); }
}

/** An opened drive: what the board gets, and what the CLI calls when the run ends. */
export interface OpenDrive { backend: BlockBackend; finish(): void }

export function openDrive(d: DriveSpec): OpenDrive {
  const writable = !d.readOnly && !d.snapshot;
  let fd: number;
  try {
    fd = openSync(d.file, writable ? 'r+' : 'r');
  } catch (e) {
    throw new UsageError(`--drive: cannot open ${d.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const st = fstatSync(fd);
  if (!st.isFile() && !st.isBlockDevice()) {
    closeSync(fd);
    throw new UsageError(`--drive: ${d.file} is not a regular file or block device`);
  }
  const bytes = st.size;
  if (bytes < 512) { closeSync(fd); throw new UsageError(`--drive: ${d.file} is smaller than one 512-byte sector`); }
  const file = new FileBlockBackend(fd, !writable, bytes);
  if (d.readOnly) {
    // The guest sees a read-only disk (VIRTIO_BLK_F_RO) and nothing is ever written.
    return { backend: file, finish: () => file.close() };
  }
  // snapshot=on: writes stay in memory for the run (the base is opened read-only, so flush keeps them).
  const overlay = new OverlayBlockBackend(file);
  return {
    backend: overlay,
    finish: () => {
      try { overlay.flush(); } finally { file.close(); }
    },
  };
}
