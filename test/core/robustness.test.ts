// The emulator never throws on guest behaviour: random instruction streams (32-bit and compressed, with random
// CSR accesses, traps, privilege changes and paging turned on with garbage page tables) run to their budget.
import { strict as assert } from 'node:assert';
import { Machine } from '../../core/machine';

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

describe('robustness: random guest code', function () {
  this.timeout(60_000);
  for (let seed = 1; seed <= 24; seed++) {
    it(`seed ${seed}: runs without a host exception`, () => {
      const rnd = xorshift(seed * 7919);
      const m = new Machine({ memorySize: 1 << 20, harts: seed % 3 === 0 ? 2 : 1, host: { consoleWrite: () => undefined } });
      const words = new Uint32Array(16384);
      for (let i = 0; i < words.length; i++) {
        const r = rnd();
        // bias towards real opcodes: system (CSR) instructions, loads/stores near RAM, AMOs, FP
        const kind = r & 7;
        if (kind === 0) words[i] = (rnd() & 0xfff0_7f80) | 0x73;                     // SYSTEM: csr*, ecall, mret, sret, wfi, sfence
        else if (kind === 1) words[i] = (rnd() & 0xffff_f07f & ~0x7f) | 0x03;         // loads
        else if (kind === 2) words[i] = (rnd() & ~0x7f) | 0x2f;                      // AMOs
        else if (kind === 3) words[i] = (rnd() & ~0x7f) | [0x53, 0x43, 0x07, 0x27][r >>> 30];  // FP
        else words[i] = rnd();
      }
      m.writePhys(0x8000_0000, new Uint8Array(words.buffer));
      for (const h of m.harts) {
        for (let x = 1; x < 32; x++) h.setX(x, BigInt(rnd()) << 32n | BigInt(rnd()));
        h.setX(2, 0x8000_8000n);
      }
      // let the harts find RAM again after traps, and make S/U code possible
      m.harts[0].mtvecLo = 0x8000_0000 | 0;
      m.harts[0].pmp.writeAddr(0, 2 ** 54 - 1);
      m.harts[0].pmp.writeCfg(0, 0x1f, 0);
      const r = m.run(300_000);
      assert.ok(['limit', 'halted', 'exit'].includes(r.reason));
      for (const h of m.harts) assert.ok(h.priv === 0 || h.priv === 1 || h.priv === 3);
    });
  }
});
