// The built-in SBI firmware, driven by a small S-mode kernel: BASE probe, DBCN console write, HSM hart_start and
// status of a second hart (with a0 = hart id, a1 = opaque at its entry), IPI as sip.SSIP, and SRST shutdown.
import { strict as assert } from 'node:assert';
import * as A from '../support/asm';
import { makeElf, words } from '../support/elf';
import { VirtBoard } from '../../core/board/virt';

const BASE = 0x8020_0000;
const at = (i: number) => BASE + 4 * i;
const EID_BASE = 0x10, EID_DBCN = 0x4442434e, EID_HSM = 0x48534d, EID_IPI = 0x735049, EID_SRST = 0x53525354;
const HART1 = 80, MSG = 120, DATA = 140;          // word indexes: hart 1 entry, message, result area (zeroed)
const MESSAGE = 'dbcn ok\n';

function sbi(eid: number, fid: number, args: number[][]): number[] {
  const p: number[] = [];
  args.forEach((a, i) => p.push(...a.length === 1 ? [A.addi(`a${i}`, 'zero', a[0])] : A.li32(`a${i}`, a[1])));
  p.push(...A.li32('a7', eid), A.addi('a6', 'zero', fid), A.ecall());
  return p;
}

function kernel(): Uint8Array {
  const p: number[] = [];
  p.push(...A.li32('s0', at(DATA)));
  p.push(...sbi(EID_BASE, 3, [[0, EID_DBCN]]), A.sd('a1', 's0', 0));                 // probe DBCN → [DATA+0]
  p.push(...sbi(EID_DBCN, 0, [[MESSAGE.length], [0, at(MSG)], [0]]), A.sd('a0', 's0', 8));   // write → error code
  p.push(...sbi(EID_HSM, 0, [[1], [0, at(HART1)], [0x123]]), A.sd('a0', 's0', 16));  // hart_start(1, HART1, 0x123)
  // wait until hart 1 has written its a0 (hart id) at [DATA+24]
  p.push(A.ld('t0', 's0', 24), A.beq('t0', 'zero', -4));
  p.push(...sbi(EID_HSM, 2, [[1]]), A.sd('a1', 's0', 40));                            // hart_get_status(1) → 0 started
  p.push(...sbi(EID_IPI, 0, [[2], [0]]), A.sd('a0', 's0', 48));                       // IPI to hart 1 (mask 0b10)
  p.push(...sbi(EID_SRST, 0, [[0], [0]]), A.self());
  A.padTo(p, HART1);
  p.push(...A.li32('s0', at(DATA)), A.sd('a1', 's0', 32), A.sd('a0', 's0', 24), A.self());   // hart 1: a1, then a0
  A.padTo(p, MSG);
  const msg = Buffer.from(MESSAGE.padEnd(Math.ceil(MESSAGE.length / 4) * 4, '\0'));
  for (let i = 0; i < msg.length; i += 4) p.push(msg.readUInt32LE(i));
  return makeElf(BASE, [{ paddr: BASE, data: words(p), memsz: 4 * (DATA + 16) }]);
}

describe('built-in SBI', () => {
  it('serves BASE, DBCN, HSM, IPI and SRST to an S-mode kernel', () => {
    let out = '';
    const b = new VirtBoard({ memorySize: 16 << 20, harts: 2, host: { consoleWrite: (x) => { out += Buffer.from(x).toString(); } } });
    b.load({ kernel: { name: 'k.elf', bytes: kernel() }, builtinSbi: true });
    const h0 = b.machine.harts[0], h1 = b.machine.harts[1];
    assert.equal(h0.priv, 1, 'hart 0 starts in S-mode');
    assert.equal(h1.waiting, true, 'hart 1 waits for hart_start');
    const r = b.machine.run(2_000_000);
    assert.equal(r.reason, 'exit');
    assert.equal(r.exitCode, 0);
    assert.equal(out, MESSAGE);
    const rd = (o: number) => b.machine.readPhys64(at(DATA) + o);
    assert.equal(rd(0), 1n, 'DBCN probed as present');
    assert.equal(rd(8), 0n, 'DBCN write succeeded');
    assert.equal(rd(16), 0n, 'hart_start succeeded');
    assert.equal(rd(24), 1n, 'hart 1 entered with a0 = its hart id');
    assert.equal(rd(32), 0x123n, 'and a1 = opaque');
    assert.equal(rd(40), 0n, 'hart_get_status: started');
    assert.equal(rd(48), 0n, 'send_ipi succeeded');
    assert.equal(h1.priv, 1, 'hart 1 runs in S-mode');
    assert.notEqual(h1.mip() & 2, 0, 'the IPI is pending as sip.SSIP on hart 1');
  });
});
