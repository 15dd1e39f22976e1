// Self-checking programs whose checks follow the specification where QEMU 7.2 does not (examples/build/spec-*.elf,
// e.g. the two-stage translation rules QEMU gets wrong, listed at the top of examples/isa/hyp-mem.S): vmscope must
// pass every check; they are not compared with QEMU.
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { runElf } from '../support/run';

const dir = path.resolve(__dirname, '..', '..', 'examples', 'build');

describe('spec-only self-checking programs', () => {
  const files = readdirSync(dir).filter((f) => f.startsWith('spec-') && f.endsWith('.elf')).sort();
  it('exist', () => assert.ok(files.length > 0));
  for (const f of files) {
    it(`${f} passes every check`, () => {
      const r = runElf(path.join(dir, f), { maxInsns: 50_000_000 });
      assert.equal(r.exitCode, 0, `case ${r.exitCode} failed; output:\n${r.output}`);
    });
  }
});
