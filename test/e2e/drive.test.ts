// `vmscope run --drive` end to end: the bundled virtio-blk driver guest (examples/virtio/blktest.c) against raw
// images, compared with QEMU's virt board where it is installed; readonly=on, snapshot=on, bad --drive arguments,
// and the virtio-mmio nodes of the device tree.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CLI, QEMU_VIRT } from '../support/run';
import { VirtBoard } from '../../core/board/virt';
import { openDrive } from '../../cli/fileDisk';

const root = path.resolve(__dirname, '..', '..');
const guest = path.join(root, 'examples', 'build', 'virtio-blk.elf');
const SECTOR = 512;
const IMAGE_BYTES = 64 * 1024;

const hasQemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;
const hasDtc = spawnSync('dtc', ['--version']).status === 0;

interface Run { status: number | null; stdout: string; stderr: string }

function vmscope(args: string[]): Run {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface QemuDrive { file: string; readOnly?: boolean }

/** The guest on QEMU's virt board with modern (version 2) virtio-mmio; drive n gets the serial vmscope gives disk n. */
function qemu(drives: QemuDrive[]): Run {
  const args = [...QEMU_VIRT, '-bios', 'none',
    '-global', 'virtio-mmio.force-legacy=false'];
  drives.forEach((d, n) => {
    args.push('-drive', `file=${d.file},if=none,format=raw,id=d${n}${d.readOnly === true ? ',readonly=on' : ''}`,
      '-device', `virtio-blk-device,drive=d${n},serial=vmscope-blk${n}`);
  });
  args.push('-kernel', guest);
  const r = spawnSync('qemu-system-riscv64', args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Deterministic image contents: every byte depends on its offset and its sector, so sectors differ. */
function makeImage(bytes: number, salt: number): Buffer {
  const b = Buffer.alloc(bytes);
  let x = 0x1234_5678 ^ salt;
  for (let i = 0; i < bytes; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = (x >>> 24) ^ (i >>> 9);
  }
  return b;
}

/** FNV-1a over one buffer, as the guest computes it. */
function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const v of b) h = Math.imul(h ^ v, 0x01000193) >>> 0;
  return h;
}

/** The sector-2 pattern the guest writes: an LCG seeded with sector 0's checksum, top byte of each state. */
function pattern(seed: number): Buffer {
  const p = Buffer.alloc(SECTOR);
  let x = seed;
  for (let i = 0; i < SECTOR; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    p[i] = x >>> 24;
  }
  return p;
}

const hex8 = (v: number): string => '0x' + v.toString(16).padStart(8, '0');

/** What the guest must print about an image: checksums of sectors 0..3, the start of sector 0, the pattern. */
function checkReport(out: string, img: Buffer, id: string, readOnly: boolean): void {
  const sums = [0, 1, 2, 3].map((s) => fnv1a(img.subarray(s * SECTOR, (s + 1) * SECTOR)));
  sums.forEach((c, s) => assert.ok(out.includes(`  sector ${s}: checksum ${hex8(c)}\n`), `sector ${s} checksum ${hex8(c)} missing:\n${out}`));
  const head = [...img.subarray(0, 16)].map((v) => v.toString(16).padStart(2, '0')).join(' ');
  assert.ok(out.includes(`  sector 0 starts: ${head}\n`), `sector 0 head missing:\n${out}`);
  assert.ok(out.includes(`  capacity: ${img.length / SECTOR} sectors (${img.length} bytes)\n`), out);
  assert.ok(out.includes(`  id: "${id}"\n`), out);
  assert.ok(out.includes(`  features: VERSION_1 INDIRECT_DESC${readOnly ? ' RO' : ''} BLK_SIZE FLUSH\n`), out);
  assert.ok(out.includes('  indirect read sectors 0-3: status 0, same data\n'), out);
  const p = pattern(sums[0]);
  assert.ok(out.includes(`  pattern for sector 2: seed ${hex8(sums[0])} checksum ${hex8(fnv1a(p))}\n`), out);
  if (readOnly) {
    assert.ok(out.includes('  write sector 2 (read-only disk): status 1\n'), `no IOERR for the read-only write:\n${out}`);
    assert.ok(out.includes(`  read back sector 2: checksum ${hex8(sums[2])}, unchanged, OK\n`), out);
  } else {
    assert.ok(out.includes('  write sector 2: status 0\n  flush: status 0\n'), out);
    assert.ok(out.includes(`  read back sector 2: checksum ${hex8(fnv1a(p))}, matches the pattern, OK\n`), out);
  }
}

/** The image after the guest's write: sector 2 replaced by the pattern. */
function written(img: Buffer): Buffer {
  const w = Buffer.from(img);
  pattern(fnv1a(img.subarray(0, SECTOR))).copy(w, 2 * SECTOR);
  return w;
}

describe('vmscope run --drive (virtio-blk guest)', function () {
  this.timeout(120_000);
  let tmp = '';
  const image = makeImage(IMAGE_BYTES, 0);
  const image2 = makeImage(IMAGE_BYTES / 2, 0x5a5a);

  before(function () {
    if (!existsSync(guest)) this.skip();
    tmp = mkdtempSync(path.join(tmpdir(), 'vmscope-drive-'));
  });
  after(() => { if (tmp !== '') rmSync(tmp, { recursive: true, force: true }); });

  /** A fresh copy of an image in the temp directory. */
  function copyOf(img: Buffer, name: string): string {
    const f = path.join(tmp, name);
    writeFileSync(f, img);
    return f;
  }

  it('reads, identifies, writes, flushes and reads back a disk; the write reaches the file', () => {
    const f = copyOf(image, 'rw.img');
    const r = vmscope(['run', '--drive', f, guest]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^virtio-blk driver test\nvirtio-mmio: 8 slots, device ids \(sorted\): 0 0 0 0 0 0 0 2\n/);
    checkReport(r.stdout, image, 'vmscope-blk0', false);
    assert.ok(r.stdout.includes('  read past the end: status 1\n  unknown request type: status 2\n'), r.stdout);
    assert.ok(r.stdout.endsWith('1 blk device, 0 failures\n'), r.stdout);
    assert.ok(readFileSync(f).equals(written(image)), 'image file differs from the original with sector 2 rewritten');
  });

  it('same console output and resulting image as QEMU', function () {
    if (!hasQemu) this.skip();
    const v = copyOf(image, 'v.img'), q = copyOf(image, 'q.img');
    const rv = vmscope(['run', '--drive', v, guest]);
    const rq = qemu([{ file: q }]);
    assert.equal(rq.status, 0, `QEMU: ${rq.stdout}${rq.stderr}`);
    assert.equal(rv.status, 0, rv.stderr);
    assert.equal(rv.stdout, rq.stdout);
    assert.ok(readFileSync(v).equals(readFileSync(q)), 'images differ after the run');
  });

  it('same as QEMU with a read-only disk and with two disks', function () {
    if (!hasQemu) this.skip();
    const cases: { vm: string[]; q: QemuDrive[]; files: [string, string][] }[] = [];
    {
      const v = copyOf(image, 'ro-v.img'), q = copyOf(image, 'ro-q.img');
      cases.push({ vm: ['--drive', `${v},readonly=on`], q: [{ file: q, readOnly: true }], files: [[v, q]] });
    }
    {
      const v0 = copyOf(image, 'two0-v.img'), q0 = copyOf(image, 'two0-q.img');
      const v1 = copyOf(image2, 'two1-v.img'), q1 = copyOf(image2, 'two1-q.img');
      cases.push({ vm: ['--drive', v0, '--drive', `${v1},readonly=on`], q: [{ file: q0 }, { file: q1, readOnly: true }],
        files: [[v0, q0], [v1, q1]] });
    }
    for (const c of cases) {
      const rv = vmscope(['run', ...c.vm, guest]);
      const rq = qemu(c.q);
      assert.equal(rq.status, 0, `QEMU: ${rq.stdout}${rq.stderr}`);
      assert.equal(rv.status, 0, rv.stderr);
      assert.equal(rv.stdout, rq.stdout, c.vm.join(' '));
      for (const [v, q] of c.files) assert.ok(readFileSync(v).equals(readFileSync(q)), `${v} and ${q} differ`);
    }
  });

  it('readonly=on: the guest sees VIRTIO_BLK_F_RO, its write fails with IOERR and the file is untouched', () => {
    const f = copyOf(image, 'ro.img');
    const before = statSync(f).mtimeMs;
    const r = vmscope(['run', '--drive', `${f},readonly=on`, guest]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    checkReport(r.stdout, image, 'vmscope-blk0', true);
    assert.ok(readFileSync(f).equals(image), 'read-only image changed');
    assert.equal(statSync(f).mtimeMs, before, 'read-only image was written to');
  });

  it('snapshot=on: the guest reads its own write back, the file is untouched', () => {
    const f = copyOf(image, 'snap.img');
    const r = vmscope(['run', '--drive', `${f},snapshot=on`, guest]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    checkReport(r.stdout, image, 'vmscope-blk0', false);
    assert.ok(readFileSync(f).equals(image), 'snapshot image changed');
  });

  it('several drives fill the slots in order; each keeps its own contents and id', () => {
    const f0 = copyOf(image, 'multi0.img'), f1 = copyOf(image2, 'multi1.img'), f2 = copyOf(image, 'multi2.img');
    const r = vmscope(['run', '--drive', f0, '--drive', `${f1},readonly=on`, '--drive', `${f2},snapshot=on`, guest]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /device ids \(sorted\): 0 0 0 0 0 2 2 2\n/);
    const parts = r.stdout.split('blk device found');
    assert.equal(parts.length, 4, r.stdout);
    checkReport(parts[1], image, 'vmscope-blk0', false);
    checkReport(parts[2], image2, 'vmscope-blk1', true);
    checkReport(parts[3], image, 'vmscope-blk2', false);
    assert.ok(r.stdout.endsWith('3 blk devices, 0 failures\n'), r.stdout);
    assert.ok(readFileSync(f0).equals(written(image)));
    assert.ok(readFileSync(f1).equals(image2));
    assert.ok(readFileSync(f2).equals(image));
  });

  it('a guest FLUSH makes its writes reach the file before the run ends', () => {
    const f = copyOf(image, 'flush.img');
    const drive = openDrive({ file: f, readOnly: false, snapshot: false });
    let out = '';
    try {
      const board = new VirtBoard({ memorySize: 128 << 20, harts: 1, drives: [drive.backend],
        host: { consoleWrite: (b) => { out += Buffer.from(b).toString('latin1'); } } });
      board.load({ kernel: { name: guest, bytes: new Uint8Array(readFileSync(guest)) } });
      const r = board.machine.run(50_000_000);
      board.uart.flush();
      assert.equal(r.reason, 'exit', out);
      assert.equal(r.exitCode, 0, out);
      // the run is over but the drive is not closed yet: only the guest's FLUSH can have written the file
      assert.ok(readFileSync(f).equals(written(image)), 'the flushed write is not in the file');
    } finally {
      drive.finish();
    }
    checkReport(out, image, 'vmscope-blk0', false);
  });

  it('without a drive every slot reads device id 0', () => {
    const r = vmscope(['run', guest]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'virtio-blk driver test\nvirtio-mmio: 8 slots, device ids (sorted): 0 0 0 0 0 0 0 0\nno virtio-blk device\n');
  });

  it('a trailing partial sector is not part of the disk', () => {
    const img = Buffer.concat([image.subarray(0, 8 * SECTOR), Buffer.alloc(100, 0xee)]);
    const f = copyOf(img, 'partial.img');
    const r = vmscope(['run', '--drive', f, guest]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes('  capacity: 8 sectors (4096 bytes)\n'), r.stdout);
    const want = Buffer.concat([written(image.subarray(0, 8 * SECTOR)), Buffer.alloc(100, 0xee)]);
    assert.ok(readFileSync(f).equals(want), 'partial image not as expected');
  });

  it('bad --drive arguments: exit code 2 and a message naming the problem', () => {
    const ok = copyOf(image, 'args.img');
    const tiny = copyOf(Buffer.alloc(100), 'tiny.img');
    const cases: [string, RegExp][] = [
      [path.join(tmp, 'missing.img'), /--drive: cannot open .*missing\.img: ENOENT/],
      [`${ok},cache=none`, /--drive: unknown option 'cache'/],
      [`${ok},format=qcow2`, /--drive: format=qcow2 is not supported \(raw images only\)/],
      [`${ok},readonly=maybe`, /--drive: readonly=maybe: use on or off/],
      [`${ok},if=ide`, /--drive: if=ide is not supported/],
      ['readonly=on', /--drive: no file given/],
      [tiny, /--drive: .*tiny\.img is smaller than one 512-byte sector/],
      [`${tmp},readonly=on`, /--drive: .* is not a regular file or block device/],
      [`${tmp},snapshot=on`, /--drive: .* is not a regular file or block device/],
    ];
    for (const [spec, re] of cases) {
      const r = vmscope(['run', '--drive', spec, guest]);
      assert.equal(r.status, 2, `${spec}: ${r.stderr}`);
      assert.match(r.stderr, re, spec);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'stack trace printed');
      assert.equal(r.stdout, '', `${spec}: the guest ran`);
    }
    const nine = Array.from({ length: 9 }, () => ['--drive', ok]).flat();
    const r = vmscope(['run', ...nine, guest]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /at most 8 drives/);
    assert.ok(readFileSync(ok).equals(image), 'a rejected run touched the image');
  });
});

describe('vmscope dumpdtb: virtio-mmio nodes', function () {
  this.timeout(60_000);

  it('lists 8 virtio,mmio nodes with interrupts 1..8 routed to the PLIC', function () {
    if (!hasDtc) this.skip();
    const tmp = mkdtempSync(path.join(tmpdir(), 'vmscope-dtb-'));
    try {
      const dtb = path.join(tmp, 'virt.dtb');
      const r = vmscope(['dumpdtb', dtb]);
      assert.equal(r.status, 0, r.stderr);
      const d = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', dtb], { encoding: 'utf8' });
      assert.equal(d.status, 0, d.stderr);
      const dts = d.stdout;
      const plic = /\n\s*(?:plic|interrupt-controller)@c000000 \{([^}]*)\}/.exec(dts);
      assert.ok(plic !== null, 'no PLIC node');
      assert.match(plic[1], /compatible = "[^"]*riscv,plic0/);
      const phandle = /phandle = <(0x[0-9a-f]+)>/.exec(plic[1]);
      assert.ok(phandle !== null, 'PLIC has no phandle');
      const nodes = [...dts.matchAll(/\n\s*virtio_mmio@([0-9a-f]+) \{([^}]*)\}/g)];
      assert.equal(nodes.length, 8, `expected 8 virtio_mmio nodes, found ${nodes.length}`);
      const seen = new Set<number>();
      for (const [, unit, body] of nodes) {
        const addr = parseInt(unit, 16);
        const n = (addr - 0x1000_1000) / 0x1000;
        assert.ok(Number.isInteger(n) && n >= 0 && n < 8, `node at ${unit}`);
        seen.add(n);
        assert.match(body, /compatible = "virtio,mmio"/);
        assert.match(body, new RegExp(`reg = <0x00 0x${addr.toString(16)} 0x00 0x[0-9a-f]+>`));
        const irq = /\binterrupts = <(0x[0-9a-f]+)>/.exec(body);
        assert.ok(irq !== null, `${unit}: no interrupts`);
        assert.equal(Number(irq[1]), n + 1, `${unit}: interrupt`);
        const parent = /interrupt-parent = <(0x[0-9a-f]+)>/.exec(body);
        assert.ok(parent !== null, `${unit}: no interrupt-parent`);
        assert.equal(Number(parent[1]), Number(phandle[1]), `${unit}: interrupt-parent is not the PLIC`);
      }
      assert.equal(seen.size, 8, 'virtio_mmio nodes are not the 8 distinct slots');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
