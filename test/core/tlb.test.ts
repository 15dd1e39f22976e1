// Second-level TLB: page sizes, ASID/VMID tagging, global entries, SFENCE.VMA flush scopes, no aliasing.
import { strict as assert } from 'node:assert';
import { Tlb } from '../../core/mmu/tlb';

const lo = (va: bigint) => Number(BigInt.asUintN(32, va)) | 0;
const hi = (va: bigint) => Number(BigInt.asUintN(64, va) >> 32n) | 0;
const sext = (v: bigint, bits: number) => BigInt.asUintN(64, BigInt.asIntN(bits, v));

function insert(t: Tlb, va: bigint, pa: bigint,
  o: { level?: number; asid?: number; vmid?: number; global?: boolean; pte?: number; pageLevel?: number } = {}): void {
  t.insert(lo(va), hi(va), o.asid ?? 1, o.vmid ?? 0, o.global ?? false, Number(pa >> 12n), o.level ?? 0, o.pte ?? 0xcf, o.pageLevel);
}
const find = (t: Tlb, va: bigint, asid = 1, vmid = 0) => t.lookup(lo(va), hi(va), asid, vmid);
/** Translated physical address through the TLB, or -1n. */
function pa(t: Tlb, va: bigint, asid = 1, vmid = 0): bigint {
  const e = find(t, va, asid, vmid);
  return e < 0 ? -1n : BigInt(t.ppnFor(e, lo(va), hi(va))) * 4096n + (va & 0xfffn);
}

describe('tlb', () => {
  it('caches 4 KiB pages with their PTE and level', () => {
    const t = new Tlb(64);
    insert(t, 0x4000_3000n, 0x8000_7000n, { pte: 0xdf });
    const e = find(t, 0x4000_3abcn);
    assert.ok(e >= 0);
    assert.equal(t.pteLo(e), 0xdf);
    assert.equal(t.levelOf(e), 0);
    assert.equal(pa(t, 0x4000_3abcn), 0x8000_7abcn);
    assert.equal(find(t, 0x4000_4000n), -1);
    assert.equal(find(t, 0x4000_2fffn), -1);
  });

  it('finds every page size from any address inside it, and maps the offset', () => {
    for (let level = 1; level <= 4; level++) {
      const t = new Tlb(64);
      const bits = BigInt(12 + 9 * level);
      const va = sext((5n << bits) | 0x1234_5678n, 57);
      const pageVa = va & ~((1n << bits) - 1n);
      const base = 3n << bits;
      // Insert as a walk would: ppn = the frame of the va that missed.
      insert(t, va, base + (va & ((1n << bits) - 1n)), { level });
      for (const off of [0n, 0x1000n, (1n << bits) - 1n, (1n << bits) / 2n + 0x777n]) {
        assert.equal(pa(t, pageVa + off), base + off, `level ${level} offset ${off.toString(16)}`);
        assert.equal(t.levelOf(find(t, pageVa + off)), level);
      }
      assert.equal(find(t, pageVa + (1n << bits)), -1, `level ${level}: next page`);
      assert.equal(find(t, pageVa - 1n), -1, `level ${level}: previous page`);
    }
  });

  it('keeps different page sizes side by side; the smaller page wins where both match', () => {
    const t = new Tlb(16);
    insert(t, 0x4000_0000n, 0x1_0000_0000n, { level: 2 });
    insert(t, 0x4000_5000n, 0x9000_0000n, { level: 0 });
    assert.equal(pa(t, 0x4000_5008n), 0x9000_0008n);
    assert.equal(pa(t, 0x4000_6008n), 0x1_0000_6008n);
    assert.equal(t.count(), 2);
  });

  it('tags entries with the ASID (global entries match any ASID) and the VMID', () => {
    const t = new Tlb(64);
    insert(t, 0x1000n, 0x8000_1000n, { asid: 1 });
    insert(t, 0x2000n, 0x8000_2000n, { asid: 1, global: true });
    insert(t, 0x3000n, 0x8000_3000n, { asid: 1, vmid: 7 });
    assert.ok(find(t, 0x1000n, 1) >= 0);
    assert.equal(find(t, 0x1000n, 2), -1);
    assert.ok(find(t, 0x2000n, 2) >= 0);
    assert.ok(find(t, 0x2000n, 0xffff) >= 0);
    assert.equal(find(t, 0x2000n, 1, 3), -1, 'global entries are still per VMID');
    assert.equal(find(t, 0x3000n, 1, 0), -1);
    assert.ok(find(t, 0x3000n, 1, 7) >= 0);
  });

  it('never aliases addresses that differ only in high bits', () => {
    for (let level = 0; level <= 4; level++) {
      const t = new Tlb(8);
      const bits = BigInt(12 + 9 * level);
      const va = 1n << bits;
      insert(t, va, 0n, { level });
      assert.ok(find(t, va) >= 0);
      for (const b of [39n, 47n, 48n, 56n, 57n, 60n, 63n]) {
        if (b < bits) continue;
        assert.equal(find(t, va ^ (1n << b)), -1, `level ${level} bit ${b}`);
      }
      // Same slot index, different tag: a non-canonical va that differs only above bit 38.
      assert.equal(find(t, va | (0xffn << 56n)), -1);
    }
  });

  it('2-way sets: same page re-inserted in place, two address spaces share a va, the older way is replaced', () => {
    const t = new Tlb(4);                    // 2 sets × 2 ways per page size
    insert(t, 0x1000n, 0xa000n);
    insert(t, 0x1000n, 0xc000n);             // same page, same ASID: updated in place
    assert.equal(t.count(), 1);
    assert.equal(pa(t, 0x1004n), 0xc004n);
    insert(t, 0x1000n, 0xd000n, { asid: 2 });
    assert.equal(pa(t, 0x1004n, 1), 0xc004n);
    assert.equal(pa(t, 0x1004n, 2), 0xd004n);
    insert(t, 0x3000n, 0xb000n);             // same set: replaces the older way (asid 1's 0x1000)
    assert.equal(find(t, 0x1000n, 1), -1);
    assert.equal(pa(t, 0x1004n, 2), 0xd004n);
    assert.equal(pa(t, 0x3004n), 0xb004n);
    insert(t, 0x5000n, 0xe000n);             // now asid 2's 0x1000 is the older
    assert.equal(find(t, 0x1000n, 2), -1);
    assert.ok(find(t, 0x3000n) >= 0 && find(t, 0x5000n) >= 0);
    assert.equal(t.count(), 2);
  });

  describe('flush (SFENCE.VMA)', () => {
    /** A populated TLB: asid 1 and 2, a global page, superpages, and another VMID. */
    function populated(): Tlb {
      const t = new Tlb(64);
      insert(t, 0x1000n, 0x8000_1000n, { asid: 1 });
      insert(t, 0x5000n, 0x8000_2000n, { asid: 2 });
      insert(t, 0x2000n, 0x8000_3000n, { asid: 2 });
      insert(t, 0x3000n, 0x8000_4000n, { asid: 1, global: true });
      insert(t, 0x4020_0000n, 0x9000_0000n, { asid: 1, level: 1 });          // 2 MiB
      insert(t, 0x8000_0000n, 0x1_0000_0000n, { asid: 2, level: 2, global: true });  // 1 GiB global
      insert(t, 0x1000n, 0x8000_5000n, { asid: 1, vmid: 9 });
      return t;
    }
    const present = (t: Tlb) => [
      find(t, 0x1000n, 1) >= 0, find(t, 0x5000n, 2) >= 0, find(t, 0x2000n, 2) >= 0, find(t, 0x3000n, 5) >= 0,
      find(t, 0x4020_0000n, 1) >= 0, find(t, 0x8000_0000n, 5) >= 0, find(t, 0x1000n, 1, 9) >= 0,
    ].map((b) => (b ? 1 : 0)).join('');

    it('populates as expected', () => {
      assert.equal(present(populated()), '1111111');
    });

    it('rs1=x0, rs2=x0: everything of the VMID', () => {
      const t = populated();
      t.flush(0, 0, false, 0, false, 0);
      assert.equal(present(t), '0000001');
      t.flush(0, 0, false, 0, false, 9);
      assert.equal(present(t), '0000000');
      assert.equal(t.count(), 0);
    });

    it('va only: every entry holding va, any ASID, global too, superpages too', () => {
      const t = populated();
      t.flush(lo(0x3004n), hi(0x3004n), true, 0, false, 0);
      assert.equal(present(t), '1110111');
      t.flush(lo(0x4033_3333n), hi(0x4033_3333n), true, 0, false, 0);
      assert.equal(present(t), '1110011');
      t.flush(lo(0xbfff_fff8n), hi(0xbfff_fff8n), true, 0, false, 0);
      assert.equal(present(t), '1110001');
      t.flush(lo(0x1000n), hi(0x1000n), true, 0, false, 0);
      assert.equal(present(t), '0110001', 'the same va in another VMID stays');
    });

    it('asid only: the non-global entries of that ASID', () => {
      const t = populated();
      t.flush(0, 0, false, 1, true, 0);
      assert.equal(present(t), '0111011');
      t.flush(0, 0, false, 2, true, 0);
      assert.equal(present(t), '0001011');
    });

    it('va and asid: the non-global entries of that ASID holding va', () => {
      const t = populated();
      t.flush(lo(0x3000n), hi(0x3000n), true, 1, true, 0);                  // global: stays
      assert.equal(present(t), '1111111');
      t.flush(lo(0x2000n), hi(0x2000n), true, 1, true, 0);                  // asid 2's page: stays
      assert.equal(present(t), '1111111');
      t.flush(lo(0x2000n), hi(0x2000n), true, 2, true, 0);
      assert.equal(present(t), '1101111');
      t.flush(lo(0x4030_0000n), hi(0x4030_0000n), true, 1, true, 0);       // inside the 2 MiB page
      assert.equal(present(t), '1101011');
      t.flush(lo(0x8000_0000n), hi(0x8000_0000n), true, 2, true, 0);       // global 1 GiB: stays
      assert.equal(present(t), '1101011');
    });

    it('flushVmid and flushAll', () => {
      const t = populated();
      t.flushVmid(9);
      assert.equal(present(t), '1111110');
      t.flushAll();
      assert.equal(present(t), '0000000');
      assert.equal(t.count(), 0);
      assert.deepEqual(t.entries(), []);
    });
  });

  it('lists entries for the debugger', () => {
    const t = new Tlb(16);
    insert(t, 0xffff_ffff_c020_0000n, 0x8040_0000n, { level: 1, asid: 3, vmid: 2, global: true, pte: 0xef });
    insert(t, 0x7000n, 0x8000_9000n, { asid: 4 });
    const list = t.entries().sort((a, b) => a.level - b.level);
    assert.deepEqual(list, [
      { va: 0x7000n, pa: 0x8000_9000n, level: 0, asid: 4, vmid: 0, stage: 'host', global: false, pte: 0xcf, fill: 2, filledBy: 'load' },
      // tag 2 is a guest entry of hgatp.VMID 1
      { va: 0xffff_ffff_c020_0000n, pa: 0x8040_0000n, level: 1, asid: 3, vmid: 1, stage: 'guest', global: true, pte: 0xef, fill: 1, filledBy: 'load' },
    ]);
  });

  it('pieces of a larger page (a guest 2 MiB page over 4 KiB G-stage pages) all go with a fence of any address in it', () => {
    const t = new Tlb(64);
    insert(t, 0x4000_1000n, 0x9000_1000n, { vmid: 2, pageLevel: 1 });
    insert(t, 0x4010_0000n, 0x9010_0000n, { vmid: 2, pageLevel: 1 });
    insert(t, 0x4020_0000n, 0x9020_0000n, { vmid: 2, pageLevel: 1 });   // the next 2 MiB page
    insert(t, 0x4000_3000n, 0x9000_3000n, { vmid: 2 });                 // an ordinary 4 KiB page in the same range
    t.flush(lo(0x4000_7000n), hi(0x4000_7000n), true, 0, false, 2);      // an address no entry holds, in the first 2 MiB
    assert.equal(pa(t, 0x4000_1000n, 1, 2), -1n);
    assert.equal(pa(t, 0x4010_0000n, 1, 2), -1n);
    assert.equal(pa(t, 0x4020_0000n, 1, 2), 0x9020_0000n, 'another large page keeps its pieces');
    assert.equal(pa(t, 0x4000_3000n, 1, 2), 0x9000_3000n, 'a real 4 KiB page is not a piece');
    t.flush(lo(0x4020_0000n), hi(0x4020_0000n), true, 0, false, 3);      // another VMID: nothing
    assert.equal(pa(t, 0x4020_0000n, 1, 2), 0x9020_0000n);
  });

  it('counts hits and misses as public fields', () => {
    const t = new Tlb(8);
    t.hits++; t.misses += 2;
    assert.equal(t.hits, 1);
    assert.equal(t.misses, 2);
  });
});
