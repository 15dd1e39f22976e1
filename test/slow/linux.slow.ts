// Slow test (npm run test:linux): Linux 6.1 built by examples/linux/build.sh boots on the virt board under
// OpenSBI (--bios default) with 1 and 4 harts and a virtio disk, reaches the marker its /init prints, and powers off
// with exit code 0; and as the guest of the built-in VMM under nested and shadow paging, with the same output.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'examples', 'linux', 'out');
const cli = existsSync(path.join(root, 'dist', 'cli.js')) ? [path.join(root, 'dist', 'cli.js')] : ['-r', 'tsx/cjs', 'cli/main.ts'];

describe('Linux boots on vmscope (OpenSBI fw_dynamic + Linux 6.1 + initramfs)', function () {
  this.timeout(1_200_000);
  const disk = path.join(mkdtempSync(path.join(tmpdir(), 'vmscope-linux-')), 'disk.img');

  before(() => {
    assert.ok(existsSync(path.join(out, 'Image')), 'run examples/linux/build.sh first (npm run test:linux does)');
    writeFileSync(disk, Buffer.alloc(4 << 20, 0x5a));
  });

  for (const [bios, harts] of [['default', 1], ['default', 4], ['builtin', 4]] as const) {
    it(`${bios === 'default' ? 'OpenSBI' : 'built-in SBI'}, ${harts} hart${harts > 1 ? 's' : ''}: boots to the marker and powers off cleanly`, () => {
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [...cli, 'run', '--bios', bios, '--kernel', path.join(out, 'Image'),
        '--initrd', path.join(out, 'init.cpio'), '--append', 'console=ttyS0', '--smp', String(harts), '--drive', disk,
        '--device', 'virtio-rng', ...(bios === 'builtin' ? ['--device', 'virtio-console'] : []),
        '--stats', '--timeout', '900'], { cwd: root, encoding: 'utf8', input: '', maxBuffer: 64 << 20 });
      const seconds = (Date.now() - t0) / 1000;
      assert.equal(r.status, 0, r.stdout.slice(-3000) + r.stderr);
      assert.match(r.stdout, /vmscope-init: Linux 6\.1\.\d+ riscv64/);
      assert.match(r.stdout, new RegExp(`processor\\s*: ${harts - 1}\\b`));
      assert.match(r.stdout, /vmscope-init: disk vda, 8192 sectors/);
      assert.match(r.stdout, /vmscope-init: hwrng virtio_rng\.0/);
      if (bios === 'builtin') assert.match(r.stdout, /vmscope-init: hello on the virtio console/);
      assert.match(r.stdout, /VMSCOPE-LINUX-BOOT-OK/);
      assert.match(r.stdout, /reboot: Power down/);
      const insns = /instructions: ([\d,]+)/.exec(r.stderr)?.[1] ?? '?';
      console.log(`      ${harts} hart(s): ${insns} instructions, ${seconds.toFixed(1)} s wall clock`);
    });
  }

  it('as the guest of the built-in VMM, 2 vCPUs and virtio devices: nested and shadow paging print the same and retire the same instructions', () => {
    const run = (mmu: string) => spawnSync(process.execPath, [...cli, 'run', '--mode', 'vm', '--mmu', mmu, '--smp', '2',
      '--kernel', path.join(out, 'Image'), '--initrd', path.join(out, 'init.cpio'), '--append', 'console=ttyS0',
      '--drive', `${disk},snapshot=on`, '--device', 'virtio-rng', '--device', 'virtio-console',
      '--stats', '--timeout', '900'], { cwd: root, encoding: 'utf8', input: '', maxBuffer: 64 << 20 });
    const nested = run('nested'), shadow = run('shadow');
    for (const r of [nested, shadow]) {
      assert.equal(r.status, 0, r.stdout.slice(-3000) + r.stderr);
      assert.match(r.stdout, /vmscope-init: Linux 6\.1\.\d+ riscv64/);
      assert.match(r.stdout, /processor\s*: 1\b/);
      assert.match(r.stdout, /vmscope-init: disk vda, 8192 sectors/);
      assert.match(r.stdout, /vmscope-init: hwrng virtio_rng\.0/);
      assert.match(r.stdout, /vmscope-init: hello on the virtio console/);
      assert.match(r.stdout, /VMSCOPE-LINUX-BOOT-OK/);
    }
    assert.equal(shadow.stdout, nested.stdout);
    const insns = (r: typeof nested) => /instructions: ([\d,]+)/.exec(r.stderr)?.[1];
    assert.equal(insns(shadow), insns(nested));
    console.log(`      VMM guest: ${insns(nested)} instructions; ${/VM exits: .*/.exec(nested.stderr)?.[0]} / ${/VM exits: .*/.exec(shadow.stderr)?.[0]}`);
  });
});
