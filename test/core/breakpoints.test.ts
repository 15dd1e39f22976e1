// Debugger breakpoints: the machine stops before an instruction at a breakpoint's virtual address without changing
// guest memory or the guest's instruction count; stepping off it runs the instruction; a breakpoint on a page that
// is not mapped yet takes effect when the hart first runs there.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as A from '../support/asm';
import { BASE, machineWith } from '../support/machine';
import { VirtBoard } from '../../core/board/virt';

describe('breakpoints', () => {
  it('stop before the instruction, leave memory alone, and step off', () => {
    const m = machineWith([A.addi('a0', 'zero', 1), A.addi('a0', 'a0', 1), A.addi('a0', 'a0', 1), A.self()]);
    const before = m.readPhys(BASE, 16);
    m.setBreakpoints([BigInt(BASE + 8)]);
    const r = m.run(100);
    assert.deepEqual(r, { reason: 'breakpoint', hart: 0 });
    const h = m.harts[0];
    assert.equal(h.getPc(), BigInt(BASE + 8));
    assert.equal(h.getX(10), 2n, 'the instruction at the breakpoint has not run');
    assert.equal(h.instret, 2);
    assert.deepEqual(m.readPhys(BASE, 16), before, 'guest memory is unchanged');
    assert.equal(m.run(100).reason, 'breakpoint', 'continuing without stepping off stops again');
    m.stepOverBreakpoint();
    assert.equal(h.getPc(), BigInt(BASE + 12));
    assert.equal(h.getX(10), 3n);
    m.setBreakpoints([]);
    assert.equal(m.run(100).reason, 'limit');
  });

  it('a breakpoint at a kernel address resolves once the kernel runs there (Sv39 kernel under the built-in SBI)', () => {
    const file = path.resolve(__dirname, '..', '..', 'examples', 'build', 'minikernel.elf');
    const run = (bps: bigint[]) => {
      let out = '';
      const board = new VirtBoard({ memorySize: 128 << 20, host: { consoleWrite: (b) => { out += Buffer.from(b).toString('latin1'); } } });
      board.load({ kernel: { name: file, bytes: new Uint8Array(readFileSync(file)) }, builtinSbi: true });
      board.machine.setBreakpoints(bps);
      return { board, out: () => out };
    };
    // The user process entry (va 0x1006c, mapped only when the kernel creates process 1).
    const a = run([0x1006cn]);
    const r = a.board.machine.run(50_000_000);
    assert.equal(r.reason, 'breakpoint');
    const h = a.board.machine.harts[0];
    assert.equal(h.getPc(), 0x1006cn);
    assert.equal(h.priv, 0, 'in U-mode: the first instruction of the primes process');
    // The stop changes nothing the guest can observe: the same instructions retire as without it.
    a.board.machine.stepOverBreakpoint();
    a.board.machine.setBreakpoints([]);
    a.board.machine.run(50_000_000);
    const b = run([]);
    b.board.machine.run(50_000_000);
    assert.equal(a.board.machine.stats().instret, b.board.machine.stats().instret);
  });
});
