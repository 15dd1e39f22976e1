// --drive backends: guest writes stay in memory until a flush or the end of the run, and never reach read-only or
// snapshot images.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openDrive } from '../../cli/fileDisk';

describe('--drive file backends', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmscope-disk-'));
  const image = () => { const f = path.join(dir, `d${Math.random().toString(36).slice(2)}.img`); writeFileSync(f, Buffer.alloc(4096, 1)); return f; };
  const sector = Buffer.alloc(512, 0xee);

  it('writable: unflushed writes reach the file only when the run ends', () => {
    const f = image();
    const d = openDrive({ file: f, readOnly: false, snapshot: false });
    d.backend.write(512, sector);
    const back = new Uint8Array(512);
    d.backend.read(512, back);
    assert.deepEqual(Buffer.from(back), sector, 'the guest reads its write back');
    assert.equal(readFileSync(f)[512], 1, 'not in the file before flush/exit');
    d.finish();
    assert.equal(readFileSync(f)[512], 0xee, 'in the file after the run');
  });

  it('writable: a guest flush writes through at once', () => {
    const f = image();
    const d = openDrive({ file: f, readOnly: false, snapshot: false });
    d.backend.write(0, sector);
    d.backend.flush();
    assert.equal(readFileSync(f)[0], 0xee);
    d.finish();
  });

  it('readonly=on: the disk is read-only and the file is never written', () => {
    const f = image();
    const d = openDrive({ file: f, readOnly: true, snapshot: false });
    assert.equal(d.backend.readOnly, true);
    assert.throws(() => d.backend.write(0, sector));
    d.finish();
    assert.ok(readFileSync(f).equals(Buffer.alloc(4096, 1)));
  });

  it('snapshot=on: writes are seen by the guest and dropped at the end', () => {
    const f = image();
    const d = openDrive({ file: f, readOnly: false, snapshot: true });
    d.backend.write(1024, sector);
    d.backend.flush();
    const back = new Uint8Array(512);
    d.backend.read(1024, back);
    assert.deepEqual(Buffer.from(back), sector);
    d.finish();
    assert.ok(readFileSync(f).equals(Buffer.alloc(4096, 1)));
  });
});
