// Diagnostics of the language server: no error on any of the repository's own assembly sources (their
// #include'd headers are read, as the server does for file documents), and the errors it must find.

import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { analyse, IncludeReader } from '../../language-server/analysis';
import { diagnose, Finding } from '../../language-server/diagnostics';

const ROOT = join(__dirname, '..', '..');

const readInclude: IncludeReader = (from, name) => {
  const p = join(from !== undefined ? dirname(from) : ROOT, name);
  return existsSync(p) ? { path: p, text: readFileSync(p, 'utf8') } : undefined;
};

/** Every .S/.s/.asm file under examples/, without build output (out/, build/ trees are generated). */
function assemblySources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      if (e !== 'out' && e !== 'build' && e !== 'node_modules') out.push(...assemblySources(p));
    } else if (/\.(S|s|asm)$/.test(e)) {
      out.push(p);
    }
  }
  return out;
}

function check(text: string): Finding[] {
  return diagnose(analyse('file:///virtual.S', text));
}

function errorsOf(text: string): string[] {
  return check(text).filter((f) => f.severity === 'error').map((f) => f.message);
}

describe('assembly diagnostics', () => {
  it('finds no error in any examples/**/*.S file', () => {
    const files = assemblySources(join(ROOT, 'examples'));
    assert.ok(files.length >= 20, `found ${files.length} assembly files`);
    const errors: string[] = [];
    for (const path of files) {
      const a = analyse(`file://${path}`, readFileSync(path, 'utf8'), readInclude, path);
      for (const f of diagnose(a)) {
        if (f.severity === 'error') errors.push(`${relative(ROOT, path)}:${f.line + 1}:${f.start + 1}: ${f.message}`);
      }
    }
    assert.deepEqual(errors, []);
  });

  it('understands pseudo-instructions, relocations, aliases and suffixes', () => {
    assert.deepEqual(errorsOf([
      '  li a0, 0xffffffffffffffff', '  la a1, sym', '  mv a2, a1', '  not a2, a2', '  neg a3, a3', '  j 1f',
      '1: jr ra', '  ret', '  call foo', '  tail bar', '  nop', '  beqz a0, 1b', '  bnez a0, 1b', '  seqz a0, a1',
      '  snez a0, a1', '  sext.w a0, a1', '  csrr a0, sstatus', '  csrw stvec, a0', '  csrs sie, 2', '  csrc sip, a1',
      '  csrwi sscratch, 31', '  fence', '  fence rw, w', '  fence.i', '  fence.tso', '  fmv.s fa0, fa1', '  fmv.d fa0, fa1',
      '  lui a0, %hi(sym)', '  addi a0, a0, %lo(sym)', '2: auipc a0, %pcrel_hi(sym)', '  addi a0, a0, %pcrel_lo(2b)',
      '  lui a0, %tprel_hi(tv)', '  add a0, a0, tp, %tprel_add(tv)', '  sw a1, %tprel_lo(tv)(a0)',
      '  auipc a0, %got_pcrel_hi(g)', '  ld a0, %pcrel_lo(2b)(a0)', '  amoswap.w.aqrl a0, a1, (a2)', '  lr.d.aq a0, (a1)',
      '  sc.d.rl a0, a1, 0(a2)', '  add a0, a0, 1', '  and a0, a0, 0xff', '  srl a0, a0, 3', '  fadd.d fa0, fa1, fa2, rtz',
      '  fcvt.w.s a0, fa0, rtz', '  sfence.vma', '  sfence.vma a0', '  hfence.gvma zero, a1', '  hlv.d a0, (a1)',
      '  ld a0, sym', '  sd a0, sym, t0', '  jalr a0', '  jalr ra, 0(a0)', '  c.addi4spn a0, sp, 16', '  c.nop',
      '  li a0, (1 << 13) | 5', "  li a0, 'A'", '  csrr a0, 0x7c0', '  csrr a0, hgatp', '  csrr a0, vsatp',
      'sym: .dword 0', '  .equ N, 3', '  li a0, N', 'X = 4', '  addi a0, a0, X * 2',
    ].join('\n')), []);
  });

  it('reports unknown mnemonics, wrong operand counts and kinds', () => {
    assert.deepEqual(errorsOf('  frobnicate a0'), ["unknown mnemonic 'frobnicate'"]);
    assert.match(errorsOf('  addi a0, a1')[0], /'addi' takes 3 operands, found 2/);
    assert.match(errorsOf('  ret a0')[0], /'ret' takes 0 operands/);
    assert.deepEqual(errorsOf('  addi a0, fa1, 1'), ['expected an integer register, found floating-point register fa1']);
    assert.deepEqual(errorsOf('  fadd.s a0, fa1, fa2'), ['expected a floating-point register, found integer register a0']);
    assert.deepEqual(errorsOf('  ld a0, a1'), ['expected a memory operand offset(reg), found register a1']);
    assert.deepEqual(errorsOf('  ld a0, 16'), ['expected a memory operand offset(reg), found the number 16']);
    assert.deepEqual(errorsOf('  ld a0, 8(fa0)'), ['expected an integer base register, found fa0']);
    assert.deepEqual(errorsOf('  addi a0, a1, a2'), ['expected an immediate, found register a2']);
    assert.deepEqual(errorsOf('  addi a0, a1, 8(a2)'), ['expected an immediate, found a memory operand']);
    assert.deepEqual(errorsOf('  amoadd.w a0, a1, 4(a2)'), ['expected an address operand (reg): only a zero offset is allowed']);
    assert.deepEqual(errorsOf('  fadd.d fa0, fa1, fa2, rxx'), ["unknown rounding mode 'rxx' (rne, rtz, rdn, rup, rmm, dyn)"]);
    assert.deepEqual(errorsOf('  fence rw, q'), ["expected a fence set such as rw or iorw, found 'q'"]);
    assert.deepEqual(errorsOf('  addi a0, a0, %foo(x)'), ['unknown relocation function %foo']);
    assert.deepEqual(errorsOf('  addi a0, a0, %hi(x)'), ['%hi gives a 20-bit upper part; use %lo, %pcrel_lo or %tprel_lo here']);
    assert.deepEqual(errorsOf('  c.addi16sp a0, 16'), ['expected sp, found a0']);
  });

  it('checks immediate ranges: 12-bit, shifts, 20-bit upper, CSR immediates, branch and jump offsets', () => {
    assert.deepEqual(errorsOf('  addi a0, a0, 2047\n  addi a0, a0, -2048'), []);
    assert.deepEqual(errorsOf('  addi a0, a0, 2048'), ['2048 is out of range: expected a signed 12-bit immediate (-2048..2047)']);
    assert.deepEqual(errorsOf('  sd a0, -2049(sp)'), ['-2049 is out of range: expected a signed 12-bit immediate (-2048..2047)']);
    assert.deepEqual(errorsOf('  slli a0, a0, 63\n  slliw a0, a0, 31'), []);
    assert.deepEqual(errorsOf('  slli a0, a0, 64'), ['64 is out of range: expected a shift amount 0..63']);
    assert.deepEqual(errorsOf('  sraiw a0, a0, 32'), ['32 is out of range: expected a shift amount 0..31']);
    assert.deepEqual(errorsOf('  lui a0, 0xfffff'), []);
    assert.deepEqual(errorsOf('  lui a0, 0x100000'), ['1048576 is out of range: expected an unsigned 20-bit immediate (0..0xfffff)']);
    assert.deepEqual(errorsOf('  csrwi mstatus, 32'), ['32 is out of range: expected an unsigned 5-bit immediate (0..31)']);
    assert.deepEqual(errorsOf('  csrw mstatus, 32'), ['32 is out of range: expected an unsigned 5-bit immediate (0..31)']);
    assert.deepEqual(errorsOf('  beq a0, a1, 4094\n  beq a0, a1, -4096'), []);
    assert.deepEqual(errorsOf('  beq a0, a1, 4096'), ['4096 is out of range: expected a branch offset (-4096..4094, even)']);
    assert.deepEqual(errorsOf('  bnez a0, 3'), ['branch offset 3 is odd']);
    assert.deepEqual(errorsOf('  j 0x100000'), ['1048576 is out of range: expected a jump offset (-1 MiB..1 MiB-2, even)']);
    assert.deepEqual(errorsOf('  li a0, 0x10000000000000000'), ['18446744073709551616 is out of range: expected a 64-bit value']);
  });

  it('reports unknown CSR names, including H-extension names misspelt', () => {
    assert.deepEqual(errorsOf('  csrr a0, hgatpp'), ["unknown CSR 'hgatpp'"]);
    assert.deepEqual(errorsOf('  csrrw a0, nosuch, a1'), ["unknown CSR 'nosuch'"]);
    assert.deepEqual(errorsOf('  csrr a0, 0x1000'), ['CSR number 0x1000 is out of range (0..0xfff)']);
  });

  it('accepts macros: .macro in the file, #define names, \\params; unreadable includes only warn', () => {
    assert.deepEqual(errorsOf([
      '.macro save reg, off', '  sd \\reg, \\off(sp)', '.endm', '  save ra, 8',
      '#define TESTNUM gp', '#define CHECK(n, r) li TESTNUM, n; bne r, t6, fail', '  li TESTNUM, 3', '  CHECK(1, a0)',
      '#define MULTI \\', '  li a0, 1; \\', '  li a1, 2', '  MULTI',
    ].join('\n')), []);
    const f = check('#include "missing.h"\n  FOO a0, a1\n  bar a0');
    assert.deepEqual(f.map((x) => x.severity), ['warning', 'warning']);
    assert.match(f[0].message, /may be a macro from missing.h/);
  });

  it('resolves numeric labels written inside macro arguments and warns about missing ones', () => {
    assert.deepEqual(check('#define RUN(n, code) code\n  RUN(1, 7: ecall)\n  la a0, 7b'), []);
    const f = check('  j 3f');
    assert.deepEqual(f.map((x) => [x.severity, x.message]), [['warning', 'no local label 3: after this line']]);
  });
});
