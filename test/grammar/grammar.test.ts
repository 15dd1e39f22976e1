// Runs the TextMate grammar tests (test/grammar/*.S, vscode-tmgrammar-test assertions) under mocha, checks
// that a wrong scope makes them fail, that every instruction-table and pseudo mnemonic is highlighted, and
// that the committed grammar is what scripts/genAsmGrammar.ts generates.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grammarText } from '../../scripts/genAsmGrammar';
import { INSN_NAMES, PSEUDO_NAMES } from '../../language-server/mnemonics';

const ROOT = join(__dirname, '..', '..');
const GRAMMAR = join(ROOT, 'syntaxes', 'riscv-asm.tmLanguage.json');
const CLI = join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');

/** Runs vscode-tmgrammar-test on `files` (globs); returns exit status and output. */
function runGrammarTests(files: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, '-c', '-g', GRAMMAR, files], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('RISC-V assembly grammar', function () {
  this.timeout(60000);
  let tmp: string;
  before(() => { tmp = mkdtempSync(join(tmpdir(), 'vmscope-grammar-')); });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('passes every assertion in test/grammar/*.S', () => {
    const r = runGrammarTests('test/grammar/*.S');
    assert.equal(r.status, 0, r.out);
  });

  it('fails when an assertion names the wrong scope', () => {
    const file = join(tmp, 'wrong.S');
    writeFileSync(file, [
      '# SYNTAX TEST "source.riscv-asm" "deliberately wrong"',
      '  addi a0, a0, 1',
      '#      ^^ support.constant.csr.riscv-asm',
      '',
    ].join('\n'));
    const r = runGrammarTests(file);
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /missing required scopes/i);
  });

  it('highlights every mnemonic of the instruction table and every pseudo-instruction', () => {
    const lines = ['# SYNTAX TEST "source.riscv-asm" "all mnemonics"'];
    for (const name of INSN_NAMES) {
      lines.push(`  ${name} a0`, `# ${'^'.repeat(name.length)} keyword.other.instruction.riscv-asm`);
    }
    for (const name of PSEUDO_NAMES.filter((n) => !INSN_NAMES.includes(n))) {
      lines.push(`  ${name} a0`, `# ${'^'.repeat(name.length)} keyword.other.instruction.pseudo.riscv-asm`);
    }
    const file = join(tmp, 'mnemonics.S');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = runGrammarTests(file);
    assert.equal(r.status, 0, r.out);
  });

  it('is the output of scripts/genAsmGrammar.ts (run it after changing the tables)', () => {
    assert.equal(readFileSync(GRAMMAR, 'utf8'), grammarText());
  });
});
