// The vmscope command end to end: exit codes, error messages, limits, traces, the demo and dumpdtb.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CLI } from '../support/run';
import { makeElf, words } from '../support/elf';
import * as A from '../support/asm';

/** A guest that echoes UART input until it reads 'q', then powers off with exit code 0. */
function echoElf(): Uint8Array {
  const p = [
    A.lui('t0', 0x10000),                                        // 0: t0 = UART
    A.lbu('t1', 't0', 5), A.I(0x13, 7, 't1', 't1', 1), A.beq('t1', 'zero', -8),   // 1-3: wait for data ready
    A.lbu('a0', 't0', 0), A.addi('t2', 'zero', 0x71), A.beq('a0', 't2', 12),      // 4-6: 'q' → done
    A.sb('a0', 't0', 0), A.jal('zero', -28),                     // 7-8: echo, loop
    A.lui('t3', 0x100), A.lui('t4', 0x5), A.addi('t4', 't4', 0x555), A.sw('t4', 't3', 0), A.self(),   // 9-13: finisher
  ];
  return makeElf(0x8000_0000, [{ paddr: 0x8000_0000, data: words(p) }]);
}

const root = path.resolve(__dirname, '..', '..');
const build = path.join(root, 'examples', 'build');
const tmp = mkdtempSync(path.join(tmpdir(), 'vmscope-cli-'));

function vmscope(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: root, input, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same echo, driven by interrupts: the guest sleeps in WFI until the UART's PLIC interrupt arrives. */
function irqEchoElf(): Uint8Array {
  const MTVEC = 0x305, MIE = 0x304, MSTATUS = 0x300, HANDLER = 24;
  const p = [
    A.lui('t0', 0x10000), A.addi('t1', 'zero', 1), A.sb('t1', 't0', 1),           // UART IER = received data
    A.lui('t2', 0x0c000), A.sw('t1', 't2', 40),                                     // PLIC priority[10] = 1
    A.lui('t3', 0x2), A.addi('t4', 'zero', 1024), A.add('t3', 't3', 't2'), A.sw('t4', 't3', 0),   // enable 10, context 0
    ...A.li32('t5', 0x8000_0000 + 4 * HANDLER), A.csrw(MTVEC, 't5'),
    A.lui('t6', 1), A.srli('t6', 't6', 1), A.csrw(MIE, 't6'),                     // MEIE
    A.I(0x73, 6, 'zero', 8, MSTATUS),                                               // csrsi mstatus, MIE
    A.wfi(), A.jal('zero', -4),
  ];
  A.padTo(p, HANDLER);
  p.push(A.lui('t3', 0x0c200), A.lw('a1', 't3', 4),                               // claim
    A.lbu('a0', 't0', 0), A.addi('s1', 'zero', 0x71), A.beq('a0', 's1', 16),
    A.sb('a0', 't0', 0), A.sw('a1', 't3', 4), A.mret(),                            // echo, complete, return
    A.lui('t3', 0x100), A.lui('t4', 0x5), A.addi('t4', 't4', 0x555), A.sw('t4', 't3', 0), A.self());
  return makeElf(0x8000_0000, [{ paddr: 0x8000_0000, data: words(p) }]);
}

describe('vmscope CLI', function () {
  this.timeout(120_000);

  it('--help documents every option', () => {
    const r = vmscope(['--help']);
    assert.equal(r.status, 0);
    for (const o of ['--bios', '--kernel', '--append', '--initrd', '--drive', '-m SIZE', '--smp', '--max-insns', '--timeout',
      '--trace', '--trace-file', '--stats', 'Ctrl-A X', 'dumpdtb', 'demo']) assert.ok(r.stdout.includes(o), `help lacks ${o}`);
  });

  it('bad input: a clear message and exit code 2, never a stack trace', () => {
    const notElf = path.join(tmp, 'script.elf');
    writeFileSync(notElf, '#!/bin/sh\n');
    const elf32 = path.join(tmp, 'elf32.elf');
    const e32 = makeElf(0x8000_0000, [{ paddr: 0x8000_0000, data: words([0x6f]) }]);
    e32[4] = 1;
    writeFileSync(elf32, e32);
    const outside = path.join(tmp, 'outside.elf');
    writeFileSync(outside, makeElf(0x9000_0000, [{ paddr: 0x9000_0000, data: words([0x6f]) }]));
    const cases: [string[], RegExp][] = [
      [['run', path.join(tmp, 'missing.elf')], /program: file not found/],
      [['run', notElf], /script\.elf: not an ELF file/],
      [['run', '--kernel', elf32], /32-bit ELF/],
      [['run', outside, '-m', '64M'], /segment 0 \[0x90000000, 0x90000004\) is outside RAM/],
      [['run', outside, '-m', 'huge'], /-m: 'huge' is not a size/],
      [['run'], /give a program/],
    ];
    for (const [args, re] of cases) {
      const r = vmscope(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'stack trace printed');
    }
  });

  it('--max-insns stops a spinning guest with exit code 124 and says where it was; EOF on a pipe is not an exit', () => {
    const spin = path.join(tmp, 'spin.elf');
    // 0x80000000: nop; 0x80000004: j .   (symbol spin_here at the loop)
    writeFileSync(spin, makeElf(0x8000_0000, [{ paddr: 0x8000_0000, data: words([0x13, 0x6f]) }],
      [{ name: 'spin_here', value: 0x8000_0004, size: 4 }]));
    const r = vmscope(['run', spin, '--max-insns', '200000'], '');
    assert.equal(r.status, 124, r.stderr);
    assert.match(r.stderr, /instruction limit \(200000\) reached/);
    assert.match(r.stderr, /hart 0: pc 0x0000000080000004 <spin_here> in M-mode/);
    const t = vmscope(['run', spin, '--timeout', '0.5']);
    assert.equal(t.status, 124);
    assert.match(t.stderr, /timeout \(0.5 s\) reached/);
  });

  it('console: piped input reaches the guest; end of input is not an exit', () => {
    const echo = path.join(tmp, 'echo.elf');
    writeFileSync(echo, echoElf());
    const r = vmscope(['run', echo], 'hello\nq');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'hello\n');
    const t = vmscope(['run', echo, '--timeout', '1'], 'hi');
    assert.equal(t.status, 124, 'EOF on stdin must not end the run');
    assert.equal(t.stdout, 'hi');
  });

  it('console: interrupt-driven input (UART → PLIC → MEIP, WFI) wakes a waiting guest', () => {
    const f = path.join(tmp, 'irq-echo.elf');
    writeFileSync(f, irqEchoElf());
    const trace = path.join(tmp, 'irq.trace');
    const r = vmscope(['run', f, '--trace', 'trap', '--trace-file', trace], 'interrupts\nq');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'interrupts\n');
    assert.match(readFileSync(trace, 'utf8'), /^0 trap interrupt cause=11 \(machine external interrupt\) epc=0x[0-9a-f]{16} /m);
  });

  it('console on a terminal: raw input, Ctrl-A X quits', function () {
    if (spawnSync('script', ['--version']).status !== 0) this.skip();
    const echo = path.join(tmp, 'echo-tty.elf');
    writeFileSync(echo, echoElf());
    const cmd = [process.execPath, ...CLI, 'run', echo].map((a) => `'${a}'`).join(' ');
    // script gives the CLI a pseudo-terminal; keys arrive after a pause so raw mode is already on
    const r = spawnSync('sh', ['-c', `(sleep 2; printf 'ab'; sleep 1; printf '\\001x') | script -qec "${cmd}" /dev/null`],
      { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ab/);
    assert.match(r.stdout, /terminated \(Ctrl-A X\)/);
  });

  it('runs a self-checking test to exit code 0 and writes insn/trap traces', function () {
    const isa = path.join(build, 'isa-rv64ui.elf');
    if (!existsSync(isa)) this.skip();
    const trace = path.join(tmp, 'trace.log');
    const r = vmscope(['run', isa, '--trace', 'insn,trap', '--trace-file', trace, '--stats']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /instructions: [\d,]+ in/);
    const lines = readFileSync(trace, 'utf8').split('\n');
    assert.match(lines[0], /^0 M 0x0000000080000000 [0-9a-f]{4,8}\s+\S+/);
    assert.ok(lines.length > 100);
  });

  it('demo boots the example kernel under the built-in SBI and prints its console and a summary', function () {
    if (!existsSync(path.join(build, 'minikernel.elf'))) this.skip();
    const r = vmscope(['demo']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /minikernel: all processes exited/);
    assert.match(r.stderr, /instructions: [\d,]+ in [\d.]+ s \([\d.]+ MIPS[;)]/);
    assert.match(r.stderr, /traps: \d+ exceptions, \d+ interrupts/);
    assert.match(r.stderr, /TLB: [\d.]+% hits/);
  });

  it('dumpdtb writes the device tree of the configured board', () => {
    const f = path.join(tmp, 'virt.dtb');
    const r = vmscope(['dumpdtb', f, '--smp', '2', '-m', '256M', '--append', 'console=ttyS0']);
    assert.equal(r.status, 0, r.stderr);
    const b = readFileSync(f);
    assert.equal(b.readUInt32BE(0), 0xd00dfeed);
    assert.ok(b.toString('latin1').includes('console=ttyS0'));
  });

  it('--mode vm runs the example kernel as a guest (nested and shadow) with the transcript of a bare run and a VMM summary', function () {
    this.timeout(120_000);
    const kernel = path.join(build, 'minikernel.elf');
    const bare = vmscope(['run', '--bios', 'builtin', '--kernel', kernel]);
    assert.equal(bare.status, 0, bare.stderr);
    for (const mmu of ['nested', 'shadow']) {
      const r = vmscope(['run', '--mode', 'vm', '--mmu', mmu, '--kernel', kernel, '--stats']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, bare.stdout);
      assert.match(r.stderr, /VM exits: \d+ \(.*MMIO/);
      assert.match(r.stderr, new RegExp(`vm0: ${mmu} paging, \\d+ guest pages backed`));
    }
    const two = vmscope(['run', '--mode', 'vm', '--vms', '2', '--kernel', kernel]);
    assert.equal(two.status, 0, two.stderr);
    assert.ok(two.stdout.split('\n').filter((l) => l.startsWith('vm1| ')).length > 10, 'each VM\'s lines carry its name');
  });

  it('compare runs bare, nested and shadow and prints one table', function () {
    this.timeout(120_000);
    const r = vmscope(['compare', path.join(build, 'minikernel.elf')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\s+bare\s+nested\s+shadow$/m);
    assert.match(r.stdout, /^guest instructions\s+[\d,]+\s+[\d,]+\s+[\d,]+$/m);
    assert.match(r.stdout, /^  shadowFault\s+0\s+0\s+[1-9][\d,]*$/m);
    assert.match(r.stdout, /guest console output: identical in all configurations/);
    const bad = vmscope(['compare', '--mode', 'vm', path.join(build, 'minikernel.elf')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /compare: it chooses the configurations itself/);
  });
});
