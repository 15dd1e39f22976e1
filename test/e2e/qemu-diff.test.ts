// Differential tests: each guest program in examples/build runs on vmscope and on qemu-system-riscv64 -M virt;
// console output and exit code must be identical. Covers the self-checking ISA tests, the generated F/D and
// integer operation tables (results and fflags for every rounding mode), and the demo.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { QEMU_VIRT, runElf } from '../support/run';

const dir = path.resolve(__dirname, '..', '..', 'examples', 'build');
const qemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;
const programs = existsSync(dir)
  ? readdirSync(dir).filter((f) => f.endsWith('.elf') && (f.startsWith('isa-') || f.endsWith('diff.elf') || f === 'demo.elf')).sort()
  : [];


function runQemu(file: string): { code: number | null; out: string } {
  const r = spawnSync('qemu-system-riscv64', [...QEMU_VIRT, '-bios', 'none', '-kernel', file],
    { encoding: 'latin1', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20 });
  return { code: r.status, out: r.stdout };
}

describe('differential tests against QEMU', function () {
  this.timeout(180_000);
  before(function () {
    if (!qemu) {
      console.warn('      qemu-system-riscv64 is not installed (apt-get install qemu-system-misc): differential tests skipped');
      this.skip();
    }
  });

  it('has programs to compare', () => { assert.ok(programs.length >= 5, `only ${programs.length} programs in ${dir}`); });

  for (const f of programs) {
    it(`${f}: same console output and exit code`, () => {
      const file = path.join(dir, f);
      const q = runQemu(file);
      const v = runElf(file, { maxInsns: 2_000_000_000 });
      assert.equal(v.reason, 'exit', `vmscope did not finish (${v.reason})`);
      const qLines = q.out.split('\n'), vLines = v.output.split('\n');
      const firstDiff = qLines.findIndex((l, i) => l !== vLines[i]);
      if (firstDiff >= 0 || qLines.length !== vLines.length) {
        const i = firstDiff >= 0 ? firstDiff : Math.min(qLines.length, vLines.length);
        assert.fail(`${f}: output differs at line ${i + 1}:\n  qemu:    ${qLines[i]}\n  vmscope: ${vLines[i]}`);
      }
      assert.equal(v.exitCode, q.code, 'exit code');
      if (f.startsWith('isa-')) assert.equal(v.exitCode, 0, 'self-checking test failed');
      // QEMU 7.2 lacks Zicond, so those programs fall back to software there; on vmscope they must not.
      for (const sym of ['zicond_skipped', 'zicond_emulated']) {
        const a = v.board.symbolAddress(sym);
        if (a !== undefined) assert.equal(v.board.machine.readPhys64(Number(a)), 0n, `${sym} is set: Zicond was not executed natively`);
      }
    });
  }
});
