// The minikernel example (examples/minikernel/): an S-mode teaching kernel booted by OpenSBI (--bios default) with
// Sv39 address spaces, three user processes, a timer-driven round-robin scheduler and a polled virtio-blk driver.
// Runs it on vmscope without and with a disk, and compares the kernel's transcript with QEMU's where QEMU is installed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CLI, QEMU_VIRT } from '../support/run';

const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
const root = path.resolve(__dirname, '..', '..');
const kernel = path.join(root, 'examples', 'build', 'minikernel.elf');
const hasQemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;

interface Run { status: number | null; stdout: string; stderr: string }

function vmscope(disk?: string, extra: string[] = []): Run {
  const args = [...CLI, 'run', '--bios', 'default', '--kernel', kernel, '--timeout', '120', ...extra];
  if (disk !== undefined) args.push('--drive', disk);
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', input: '', timeout: 150_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function qemu(disk?: string): Run {
  const args = [...QEMU_VIRT, '-bios', FW, '-kernel', kernel];
  if (disk !== undefined) {
    args.push('-global', 'virtio-mmio.force-legacy=false', '-drive', `file=${disk},if=none,format=raw,id=d0`,
      '-device', 'virtio-blk-device,drive=d0');
  }
  const r = spawnSync('qemu-system-riscv64', args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What the kernel printed: everything after OpenSBI's last banner line, with CR LF as LF. */
function transcript(stdout: string): string {
  const at = stdout.indexOf('Boot HART MEDELEG');
  assert.ok(at >= 0, `no OpenSBI banner in:\n${stdout}`);
  return stdout.slice(at).split('\n').slice(1).join('\n').replace(/\r\n/g, '\n');
}

/** The user processes' lines, in the order they must appear whatever the timer does. */
const PROCESS_LINES = [
  '[primes pid 1] step 1: 168 primes below 1000',
  '[collatz pid 2] below 1500: 1161 takes 181 steps',
  /^\[disk pid 3\] (no disk|sector 0: .*)$/,
  '[primes pid 1] step 2: 303 primes below 2000',
  '[collatz pid 2] below 3000: 2919 takes 216 steps',
  '[disk pid 3] write from kernel address 0x80200000 returns -1',
  '[primes pid 1] step 3: 430 primes below 3000',
  '[collatz pid 2] below 6000: 3711 takes 237 steps',
  'minikernel: pid 3 "disk" exited with status 0',
  '[primes pid 1] step 4: 550 primes below 4000',
  'minikernel: pid 2 "collatz" exited with status 91',
  'minikernel: pid 1 "primes" exited with status 0',
  'minikernel: all processes exited',
];

function checkTranscript(t: string): string[] {
  const lines = t.split('\n');
  assert.ok(lines.includes('minikernel: hello from S-mode on hart 0, device tree at 0x87e00000'), t);
  assert.ok(lines.some((l) => /^minikernel: SBI specification v\d+\.\d+, TIME extension yes, SRST extension yes$/.test(l)), t);
  assert.ok(lines.some((l) => l.startsWith('minikernel: Sv39 paging on, kernel root table 0x')), t);
  assert.ok(lines.includes('minikernel: starting 3 processes'), t);
  const start = lines.indexOf('minikernel: starting 3 processes');
  const rest = lines.slice(start + 1).filter((l) => l !== '');
  assert.equal(rest.length, PROCESS_LINES.length, t);
  PROCESS_LINES.forEach((want, i) => {
    if (typeof want === 'string') assert.equal(rest[i], want);
    else assert.match(rest[i], want);
  });
  return lines;
}

describe('examples/minikernel (S-mode kernel under OpenSBI)', function () {
  this.timeout(300_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'vmscope-minikernel-'));
  const disk = path.join(dir, 'disk.img');

  before(function () {
    if (!existsSync(FW)) { console.warn('      opensbi is not installed (apt-get install opensbi): skipped'); this.skip(); }
    // 1 MiB: sector 0 holds a byte ramp and the 0x55 0xaa boot signature.
    const img = Buffer.alloc(1 << 20);
    for (let i = 0; i < 510; i++) img[i] = (i * 7 + 3) & 0xff;
    img[510] = 0x55;
    img[511] = 0xaa;
    writeFileSync(disk, img);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('without a disk: boots, pages, runs three processes in a fixed order, prints "no disk" and shuts down with 0', () => {
    const r = vmscope();
    assert.equal(r.status, 0, r.stderr);
    const lines = checkTranscript(transcript(r.stdout));
    assert.ok(lines.includes('minikernel: no disk'));
    assert.ok(lines.includes('[disk pid 3] no disk'));
  });

  it('with a disk: the kernel and the disk process read sector 0', () => {
    const r = vmscope(disk);
    assert.equal(r.status, 0, r.stderr);
    const lines = checkTranscript(transcript(r.stdout));
    assert.ok(lines.includes('minikernel: virtio-blk disk, 2048 sectors; sector 0 fnv1a 0x2c4fb0e3, starts 03 0a 11 18 1f 26 2d 34'),
      lines.join('\n'));
    assert.ok(lines.some((l) => /^\[disk pid 3\] sector 0: bytes 510-511 = 0x55aa, checksum 0x[0-9a-f]+$/.test(l)), lines.join('\n'));
  });

  it('with two harts: only the boot hart runs the kernel, and the transcript is the same as with one', () => {
    const one = vmscope();
    const two = vmscope(undefined, ['--smp', '2']);
    assert.equal(two.status, 0, two.stderr);
    assert.equal(transcript(two.stdout), transcript(one.stdout));
  });

  for (const withDisk of [false, true]) {
    it(`prints exactly what QEMU prints after the firmware banner (${withDisk ? 'with' : 'without'} a disk)`, function () {
      if (!hasQemu) this.skip();
      const q = qemu(withDisk ? disk : undefined);
      assert.equal(q.status, 0, q.stderr);
      const v = vmscope(withDisk ? disk : undefined);
      assert.equal(v.status, 0, v.stderr);
      assert.equal(transcript(v.stdout), transcript(q.stdout));
    });
  }
});

describe('examples/minikernel under the built-in SBI (--bios builtin, no firmware image)', function () {
  this.timeout(300_000);

  function builtin(extra: string[] = []): Run {
    const r = spawnSync(process.execPath, [...CLI, 'run', '--bios', 'builtin', '--kernel', kernel, '--timeout', '120', ...extra],
      { cwd: root, encoding: 'utf8', input: '', timeout: 150_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('boots, runs the three processes in order and powers off with 0 (needs no OpenSBI)', () => {
    const r = builtin();
    assert.equal(r.status, 0, r.stderr);
    const lines = checkTranscript(r.stdout.replace(/\r\n/g, '\n'));
    assert.ok(lines.includes('minikernel: SBI specification v1.0, TIME extension yes, SRST extension yes'));
  });

  it('prints the same transcript as under OpenSBI, with 1 and 2 harts', function () {
    if (!existsSync(FW)) this.skip();
    const want = transcript(vmscope().stdout);
    for (const harts of ['1', '2']) {
      const r = builtin(['--smp', harts]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal('\n' + r.stdout.replace(/\r\n/g, '\n').replace(/^\n+/, ''), '\n' + want.replace(/^\n+/, ''));
    }
  });

  it('rejects --bios builtin without a kernel', () => {
    const r = spawnSync(process.execPath, [...CLI, 'run', '--bios', 'builtin'], { cwd: root, encoding: 'utf8', input: '' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /give a program|built-in SBI runs a kernel/);
  });
});
