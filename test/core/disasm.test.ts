// Golden test: the disassembler against GNU objdump 2.40 output for test/fixtures/disasm/golden.S
// (regenerate golden.txt with scripts/gen-disasm-golden.sh).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { disassemble, mnemonicOf } from '../../core/isa/disasm';
import { CSR_NAMES, csrName, csrNumber } from '../../core/isa/csrNames';

interface GoldenLine { word: number; pc: bigint; text: string; line: number }

function loadGolden(): GoldenLine[] {
  const file = path.join(__dirname, '..', 'fixtures', 'disasm', 'golden.txt');
  const out: GoldenLine[] = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((l, i) => {
    if (l === '') return;
    const a = l.indexOf('\t'), b = l.indexOf('\t', a + 1);
    out.push({ word: parseInt(l.slice(0, a), 16), pc: BigInt(`0x${l.slice(a + 1, b)}`), text: l.slice(b + 1), line: i + 1 });
  });
  return out;
}

describe('disassembler (golden, objdump 2.40 syntax)', () => {
  const golden = loadGolden();

  it('has a golden file covering the instruction set', () => {
    assert.ok(golden.length > 900, `only ${golden.length} golden lines`);
  });

  it('matches every golden line', () => {
    const bad: string[] = [];
    for (const g of golden) {
      const got = disassemble(g.word, g.pc);
      if (got !== g.text) bad.push(`line ${g.line} ${g.word.toString(16)}: want "${g.text}" got "${got}"`);
    }
    assert.deepStrictEqual(bad, []);
  });

  it('mnemonicOf returns the text before the operands', () => {
    for (const g of golden) {
      const tab = g.text.indexOf('\t');
      assert.strictEqual(mnemonicOf(g.word), tab < 0 ? g.text : g.text.slice(0, tab));
    }
  });

  it('prints branch targets relative to the given pc, wrapping at 2^64', () => {
    assert.strictEqual(disassemble(0xff5ff06f, 0n), 'j\tfffffffffffffff4');     // jal x0,-12
    assert.strictEqual(disassemble(0x0000006f, 0xffffffffffff0000n), 'j\tffffffffffff0000');
  });
});

describe('CSR names', () => {
  it('names the privileged, hypervisor, counter and PMP CSRs and round-trips', () => {
    const expect: [number, string][] = [
      [0x300, 'mstatus'], [0x180, 'satp'], [0x600, 'hstatus'], [0x680, 'hgatp'], [0x280, 'vsatp'], [0x14d, 'stimecmp'],
      [0x30a, 'menvcfg'], [0x10a, 'senvcfg'], [0xf15, 'mconfigptr'], [0x747, 'mseccfg'], [0x3af, 'pmpcfg15'],
      [0x3ef, 'pmpaddr63'], [0xc1f, 'hpmcounter31'], [0xb03, 'mhpmcounter3'], [0x33f, 'mhpmevent31'], [0x003, 'fcsr'],
      [0xc01, 'time'], [0x64a, 'htinst'], [0x643, 'htval'], [0x24d, 'vstimecmp'],
    ];
    for (const [n, name] of expect) {
      assert.strictEqual(csrName(n), name);
      assert.strictEqual(csrNumber(name), n);
    }
    assert.strictEqual(csrName(0x7c0), '0x7c0');
    assert.strictEqual(csrName(0x010), '0x010');
    assert.strictEqual(csrNumber('0x7c0'), 0x7c0);
    assert.strictEqual(csrNumber('nosuchcsr'), undefined);
    for (const [n, name] of CSR_NAMES) assert.strictEqual(csrNumber(name), n, name);
  });
});
