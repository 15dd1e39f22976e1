// The language server's building blocks without the protocol: the line parser, expression evaluation,
// numeric label resolution, hovers, completion contexts and the outline.

import { strict as assert } from 'node:assert';
import { analyse } from '../../language-server/analysis';
import { completeAt } from '../../language-server/completion';
import { encodingPattern, hoverAt } from '../../language-server/hover';
import { lookupMnemonic } from '../../language-server/mnemonics';
import { definitionAt, documentSymbols, referencesAt } from '../../language-server/navigation';
import { evaluate } from '../../language-server/operands';
import { parseDocument } from '../../language-server/parser';

describe('assembly line parser', () => {
  it('splits labels, mnemonic and operands, respecting parentheses, strings and comments', () => {
    const d = parseDocument('a: b: sd x1, %lo(sym)(t6) # comment, here\n  .ascii "a,b;c", "d" ; nop /* x; y */');
    const [s1, s2, s3] = d.statements;
    assert.deepEqual(s1.labels.map((l) => l.text), ['a', 'b']);
    assert.equal(s1.op?.text, 'sd');
    assert.deepEqual(s1.operands.map((o) => o.text), ['x1', '%lo(sym)(t6)']);
    assert.equal(s1.operands[1].start, 13);
    assert.deepEqual(s2.operands.map((o) => o.text), ['"a,b;c"', '"d"']);
    assert.equal(s3.op?.text, 'nop');
    assert.equal(d.statements.length, 3);
  });

  it('tells preprocessor lines from # comments and follows continuations and block comments', () => {
    const d = parseDocument('#include "x.h"\n# just a comment\n#define F(a, b) \\\n  add a, a, b\n/* li a0,\n 1 */ li a1, 2');
    assert.deepEqual(d.preprocessor.map((p) => [p.directive, p.include ?? p.name?.text]), [['include', 'x.h'], ['define', 'F']]);
    assert.deepEqual(d.preprocessor[1].params, ['a', 'b']);
    assert.equal(d.preprocessor[1].endLine, 3);
    assert.deepEqual(d.statements.map((s) => s.op?.text), ['li']);
  });

  it('evaluates constant expressions as GNU as does and leaves symbols alone', () => {
    assert.equal(evaluate('(1 << 13) | 5'), 8197n);
    assert.equal(evaluate('-0x10 + 2 * 3'), -10n);
    assert.equal(evaluate("'A'"), 65n);
    assert.equal(evaluate('010'), 8n);
    assert.equal(evaluate('N + 1'), undefined);
    assert.equal(evaluate('1f'), undefined);
  });
});

describe('assembly language features', () => {
  const src = [
    '  .globl main',       // 0
    '  .type main, @function',
    'main:',               // 2
    '1: addi a0, a0, -1',  // 3
    '  bnez a0, 1b',       // 4
    '  beqz a1, 1f',       // 5
    '1: csrw satp, t0',    // 6
    '  fadd.d fa0, fa1, fa2, rne',
    '  j main',            // 8
    '  .equ LIMIT, 10',
  ].join('\n');
  const a = analyse('file:///t.S', src);

  it('resolves 1b and 1f to the nearest definition in the right direction', () => {
    assert.equal(definitionAt(a, 4, 12)[0].span.line, 3);
    assert.equal(definitionAt(a, 5, 12)[0].span.line, 6);
    assert.deepEqual(referencesAt(a, 6, 0, false).map((p) => p.span.line), [5]);
    assert.deepEqual(referencesAt(a, 2, 1, true).map((p) => p.span.line), [2, 0, 1, 8]);
  });

  it('hovers mnemonics, pseudo-instructions, registers, CSR fields, directives and numbers', () => {
    assert.match(hoverAt(a, 3, 4)!.markdown, /Extension: RV64I base integer · format I · 32-bit/);
    assert.match(hoverAt(a, 4, 3)!.markdown, /Pseudo-instruction .* `bne rs, zero, offset`/);
    assert.match(hoverAt(a, 3, 9)!.markdown, /a0.*x10.*function argument \/ return value/s);
    const satp = hoverAt(a, 6, 9)!.markdown;
    assert.match(satp, /\*\*satp\*\* \(CSR 0x180\)/);
    assert.match(satp, /S-mode and above · read\/write/);
    assert.match(satp, /\| 63:60 \| MODE \|/);
    assert.match(hoverAt(a, 7, 25)!.markdown, /round to nearest, ties to even/);
    assert.match(hoverAt(a, 0, 3)!.markdown, /make a symbol global/);
    assert.match(hoverAt(a, 3, 17)!.markdown, /-1 = 0xffffffffffffffff/);
    assert.match(hoverAt(a, 8, 5)!.markdown, /\*\*main\*\* — global function/);
    assert.match(hoverAt(analyse('u', '  csrr a0, hstatus'), 0, 12)!.markdown, /\| 7 \| SPV \|/);
    assert.match(hoverAt(analyse('u', '  csrr a0, cycle'), 0, 12)!.markdown, /read-only/);
  });

  it('shows an encoding as fixed bits with - for operand fields', () => {
    const s = lookupMnemonic('hfence.gvma')!.spec!;
    assert.equal(encodingPattern(s.match, s.mask, 4), '0110001----------000000001110011');
  });

  it('completes by context', () => {
    const labels = (line: string, ch = line.length) => completeAt(analyse('u', `${line}\nfoo: nop`), 0, ch).map((c) => c.label);
    assert.ok(labels('  csrr a0, ').includes('vsatp'));
    assert.ok(!labels('  csrr a0, ').includes('a0'));
    assert.ok(labels('  csrr ').includes('a0'));
    assert.ok(labels('  fadd.s fa0, fa1, fa2, ').includes('rtz'));
    assert.ok(labels('  fadd.s ').includes('ft0') && !labels('  fadd.s ').includes('t0'));
    assert.ok(labels('  j ').includes('foo'));
    assert.ok(labels('  .sec').includes('.section'));
    assert.ok(labels('  lui a0, %').includes('pcrel_hi'));
    assert.ok(labels('  ad').includes('add.uw'));
    assert.deepEqual(labels('  nop # a'), []);
  });

  it('outlines labels, functions and constants', () => {
    const syms = documentSymbols(a).map((s) => `${s.kind} ${s.name} ${s.range.startLine}-${s.range.endLine}`);
    assert.deepEqual(syms, ['function main 2-9', 'constant LIMIT 9-9']);
  });
});
