// Firmware boot: OpenSBI's generic fw_dynamic (Debian's opensbi package, never shipped here) runs in M-mode, finds
// the kernel through the fw_dynamic_info block in a2, and enters it in S-mode; the kernel uses SBI calls to print and
// to power off. Compared with QEMU running the same firmware and kernel.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as A from '../support/asm';
import { makeElf, words } from '../support/elf';
import { CLI, QEMU_VIRT } from '../support/run';

const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
const root = path.resolve(__dirname, '..', '..');

/** An S-mode kernel at 0x80200000: prints "hi from S-mode, hart <a0>" with the legacy SBI putchar, then SRST shutdown. */
function kernel(): Uint8Array {
  const p: number[] = [A.addi('s0', 'a0', 0x30)];        // '0' + hart id
  for (const c of 'hi from S-mode, hart ') p.push(A.addi('a0', 'zero', c.charCodeAt(0)), A.addi('a7', 'zero', 1), A.ecall());
  p.push(A.addi('a0', 's0', 0), A.addi('a7', 'zero', 1), A.ecall(), A.addi('a0', 'zero', 10), A.addi('a7', 'zero', 1), A.ecall());
  // SRST (EID "SRST"), FID 0: shutdown, no reason
  p.push(A.lui('a7', 0x53525), A.addi('a7', 'a7', 0x354), A.addi('a6', 'zero', 0), A.addi('a0', 'zero', 0), A.addi('a1', 'zero', 0),
    A.ecall(), A.self());
  return makeElf(0x8020_0000, [{ paddr: 0x8020_0000, data: words(p) }]);
}

describe('firmware boot (--bios default: OpenSBI fw_dynamic)', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'vmscope-sbi-'));
  const k = path.join(dir, 'kernel.elf');

  before(function () {
    if (!existsSync(FW)) { console.warn('      opensbi is not installed (apt-get install opensbi): skipped'); this.skip(); }
    writeFileSync(k, kernel());
  });

  it('boots OpenSBI, which enters the kernel in S-mode; SBI console and SRST shutdown work', () => {
    const r = spawnSync(process.execPath, [...CLI, 'run', '--bios', 'default', '--kernel', k, '--timeout', '60'],
      { cwd: root, encoding: 'utf8', input: '' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /OpenSBI v\d/);
    assert.match(r.stdout, /Domain0 Next Address\s+: 0x0000000080200000/);
    assert.match(r.stdout, /Domain0 Next Mode\s+: S-mode/);
    assert.match(r.stdout, /hi from S-mode, hart 0\r?\n/);
  });

  it('prints what QEMU prints after the firmware banner', function () {
    if (spawnSync('qemu-system-riscv64', ['--version']).status !== 0) this.skip();
    const q = spawnSync('qemu-system-riscv64', [...QEMU_VIRT, '-bios', FW,
      '-kernel', k], { encoding: 'utf8', timeout: 60_000 });
    const v = spawnSync(process.execPath, [...CLI, 'run', '--bios', 'default', '--kernel', k], { cwd: root, encoding: 'utf8', input: '' });
    const tail = (s: string) => s.slice(s.indexOf('Boot HART MEDELEG')).split('\n').slice(1).join('\n');
    assert.equal(q.status, 0);
    assert.equal(tail(v.stdout), tail(q.stdout));
  });

  it('--bios default without OpenSBI installed names the places it looked and exits 2', () => {
    const r = spawnSync(process.execPath, [...CLI, 'run', '--bios', 'default', '--kernel', k],
      { cwd: root, encoding: 'utf8', input: '', env: { ...process.env, VMSCOPE_OPENSBI: path.join(dir, 'missing.bin') } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--bios: file not found: .*missing\.bin/);
  });
});
