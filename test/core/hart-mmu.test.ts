// The hart's memory path under Sv39: translations through the L1 and architectural TLBs, page-fault causes and
// stval, A/D per Svadu vs Svade, the U-bit/SUM rules, and sfence.vma scoping by ASID.
import { strict as assert } from 'node:assert';
import * as A from '../support/asm';
import { BASE, machineWith, runTo } from '../support/machine';
import { Csr } from '../../core/cpu/csrNumbers';
import type { Machine } from '../../core/machine';

const at = (i: number) => BASE + 4 * i;
const ROOT = 0x8001_0000, L1 = 0x8001_1000, L0 = 0x8001_2000;
const PAGE_A = 0x8002_0000, PAGE_B = 0x8002_1000;
const VA = 0x4000_0000;
const V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, AB = 64, DB = 128;
const pte = (pa: number, flags: number) => BigInt(pa / 4096) << 10n | BigInt(flags);
const S_CODE = 64, HANDLER = 120;

/** M-mode prologue: PMP open, mtvec = HANDLER, satp = Sv39 ASID 1, MPP = S, then mret into S_CODE. */
function program(sCode: number[], opts: { sum?: boolean } = {}): number[] {
  const p: number[] = [];
  p.push(...A.li32('t0', at(HANDLER)), A.csrw(Csr.MTVEC, 't0'));
  p.push(...A.li32('t0', (8 << 28) | (1 << 12)), A.slli('t0', 't0', 32), ...A.li32('t1', ROOT / 4096), A.or('t0', 't0', 't1'));
  p.push(A.csrw(Csr.SATP, 't0'));
  p.push(...A.li32('t0', 0x800 | (opts.sum ? 1 << 18 : 0)), A.csrw(Csr.MSTATUS, 't0'));
  p.push(...A.li32('t0', at(S_CODE)), A.csrw(Csr.MEPC, 't0'));
  p.push(A.addi('t1', 'zero', 2), A.addi('t2', 'zero', 1));     // ASIDs used by the sfence tests
  p.push(A.mret());
  A.padTo(p, S_CODE);
  p.push(...sCode);
  A.padTo(p, HANDLER);
  p.push(A.self());
  return p;
}

function setup(sCode: number[], leaf: bigint, opts: { sum?: boolean; adue?: boolean } = {}): Machine {
  const m = machineWith(program(sCode, opts));
  const h = m.harts[0];
  h.pmp.writeAddr(0, 2 ** 54 - 1);
  h.pmp.writeCfg(0, 0x1f, 0);
  if (opts.adue) h.menvcfgHi |= 1 << 29;
  // code: 2 MiB megapage identity map of 0x80000000 (root[2] → L1[0])
  m.writePhys64(ROOT + 8 * 2, pte(L1, V));
  m.writePhys64(L1 + 8 * 0, pte(0x8000_0000, V | R | W | X | AB | DB));
  // data: VA 0x40000000 → L0[0] (root[1] → L0 table via L1 page at L0 - reuse: root[1] → L0dir)
  m.writePhys64(ROOT + 8 * 1, pte(L0 + 0x1000, V));
  m.writePhys64(L0 + 0x1000, pte(L0, V));
  m.writePhys64(L0, leaf);
  m.writePhys64(PAGE_A, 0x1111_1111_aaaa_aaaan);
  m.writePhys64(PAGE_B, 0x2222_2222_bbbb_bbbbn);
  return m;
}

const lea = [A.lui('s0', VA >>> 12)];

describe('hart: Sv39 translation', () => {
  it('loads through the page table; stale TLB entries survive until sfence.vma of the right ASID', () => {
    const code = [...lea, A.ld('a0', 's0', 0), A.ld('a1', 's0', 0), A.sfenceVma('zero', 't1'), A.ld('a2', 's0', 0),
      A.sfenceVma('zero', 't2'), A.ld('a3', 's0', 0), A.self()];
    const m = setup(code, pte(PAGE_A, V | R | W | AB | DB));
    runTo(m, at(S_CODE + 2));                   // after the first load
    m.writePhys64(L0, pte(PAGE_B, V | R | W | AB | DB));   // remap without telling the hart
    runTo(m, at(S_CODE + code.length - 1));
    const h = m.harts[0];
    assert.equal(h.getX(10), 0x1111_1111_aaaa_aaaan);
    assert.equal(h.getX(11), 0x1111_1111_aaaa_aaaan, 'no sfence: the old translation is still cached');
    assert.equal(h.getX(12), 0x1111_1111_aaaa_aaaan, 'sfence for ASID 2 does not flush ASID 1 entries');
    assert.equal(h.getX(13), 0x2222_2222_bbbb_bbbbn, 'sfence for ASID 1 does');
  });

  it('a global mapping survives an ASID-scoped sfence but not an address-scoped one', () => {
    const code = [...lea, A.ld('a0', 's0', 0), A.sfenceVma('zero', 't2'), A.ld('a1', 's0', 0), A.sfenceVma('s0', 'zero'),
      A.ld('a2', 's0', 0), A.self()];
    const m = setup(code, pte(PAGE_A, V | R | G | AB | DB));
    runTo(m, at(S_CODE + 2));
    m.writePhys64(L0, pte(PAGE_B, V | R | G | AB | DB));
    runTo(m, at(S_CODE + code.length - 1));
    const h = m.harts[0];
    assert.equal(h.getX(11), 0x1111_1111_aaaa_aaaan);
    assert.equal(h.getX(12), 0x2222_2222_bbbb_bbbbn);
  });

  const faults: [string, bigint, number[], number, { sum?: boolean; adue?: boolean }][] = [
    ['invalid PTE → load page fault', pte(PAGE_A, R | AB), [A.ld('a0', 's0', 8)], 13, {}],
    ['store to a read-only page → store page fault', pte(PAGE_A, V | R | AB | DB), [A.sd('a0', 's0', 16)], 15, {}],
    ['fetch from a non-executable page → instruction page fault', pte(PAGE_A, V | R | AB), [A.jalr('zero', 's0', 0)], 12, {}],
    ['S-mode load from a U page without SUM → load page fault', pte(PAGE_A, V | R | U | AB), [A.ld('a0', 's0', 0)], 13, {}],
    ['A = 0 with Svade (menvcfg.ADUE = 0) → load page fault', pte(PAGE_A, V | R), [A.ld('a0', 's0', 0)], 13, {}],
    ['D = 0 with Svade → store page fault', pte(PAGE_A, V | R | W | AB), [A.sd('a0', 's0', 0)], 15, {}],
  ];
  for (const [name, leaf, op, cause, opts] of faults) {
    it(name, () => {
      const m = setup([...lea, ...op, A.self()], leaf, opts);
      runTo(m, at(HANDLER));
      const h = m.harts[0];
      assert.equal(h.mcauseLo, cause);
      const off = op[0] === A.ld('a0', 's0', 8) ? 8 : op[0] === A.sd('a0', 's0', 16) ? 16 : 0;
      assert.equal(BigInt(h.mtvalLo >>> 0), BigInt(VA + off), 'mtval = faulting virtual address');
      // a fetch fault is taken at the target; a load/store fault at the instruction
      assert.equal(h.mepcLo >>> 0, cause === 12 ? VA : at(S_CODE + 1));
    });
  }

  it('with SUM, S-mode may load from U pages', () => {
    const m = setup([...lea, A.ld('a0', 's0', 0), A.self()], pte(PAGE_A, V | R | U | AB), { sum: true });
    runTo(m, at(S_CODE + 2));
    assert.equal(m.harts[0].getX(10), 0x1111_1111_aaaa_aaaan);
  });

  it('with Svadu (menvcfg.ADUE = 1) the hart sets A on a load and D on a store', () => {
    const m = setup([...lea, A.ld('a0', 's0', 0), A.self(), A.sd('a0', 's0', 8), A.self()], pte(PAGE_A, V | R | W), { adue: true });
    runTo(m, at(S_CODE + 2));
    assert.equal(m.readPhys64(L0) & 0xffn, BigInt(V | R | W | AB));
    const h = m.harts[0];
    h.setPc(BigInt(at(S_CODE + 3)));
    runTo(m, at(S_CODE + 4));
    assert.equal(m.readPhys64(L0) & 0xffn, BigInt(V | R | W | AB | DB));
    assert.equal(m.readPhys64(PAGE_A + 8), 0x1111_1111_aaaa_aaaan);
  });
});
