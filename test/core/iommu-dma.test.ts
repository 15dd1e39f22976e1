// RISC-V IOMMU DMA translation: first stage (iosatp / process contexts) over the G stage (iohgatp) through the hart's
// walker, superpages, guest-page fault records (iotval2), A/D with and without SADE/GADE, all-or-nothing DMA,
// IOTLB invalidation scoping, PDT modes, MSI page tables, and side-effect-free translateDebug.
import { strict as assert } from 'node:assert';
import { Bus } from '../../core/devices/bus';
import { PAGE_CODE, Ram } from '../../core/devices/ram';
import { Iommu, type IommuFault } from '../../core/iommu/iommu';
import { IommuDriver, iotinval } from '../../core/iommu/driver';
import { PTE_A, PTE_D, PTE_G, PTE_U } from '../../core/mmu/walk';
import { LEAF, PageTables, type TableMemory } from '../support/pagetables';

const RAM_BASE = 0x8000_0000, IOMMU_BASE = 0x0300_0000;
/** Guest physical 0 is host physical GUEST_BASE (the VM's memory). */
const GUEST_BASE = 0x8200_0000;
const GLEAF = LEAF | PTE_U;
/** First-stage leaves of requests without a process_id need U = 1: such requests are user-privilege. */
const ULEAF = LEAF | PTE_U;

class RamTables implements TableMemory {
  constructor(readonly ram: Ram, readonly offset: number) {}
  get(pa: number): bigint {
    const i = (pa + this.offset - RAM_BASE) >>> 2;
    return (BigInt(this.ram.i32[i + 1] >>> 0) << 32n) | BigInt(this.ram.i32[i] >>> 0);
  }
  set(pa: number, v: bigint): void {
    const i = (pa + this.offset - RAM_BASE) >>> 2;
    this.ram.i32[i] = Number(v & 0xffffffffn) | 0; this.ram.i32[i + 1] = Number(v >> 32n) | 0;
  }
}

function rig() {
  const ram = new Ram(RAM_BASE, 64 << 20);
  const bus = new Bus(ram);
  const iommu = new Iommu(bus);
  bus.addDevice(IOMMU_BASE, 0x1000, iommu);
  let next = RAM_BASE + (16 << 20);
  const alloc = () => { const p = next; next += 4096; return p; };
  const drv = new IommuDriver(bus, IOMMU_BASE, alloc);
  drv.init({ mode: '2LVL', cqEntries: 16, fqEntries: 16 });
  const faults: IommuFault[] = [];
  iommu.onFault = (f) => faults.push(f);
  const host = new RamTables(ram, 0);
  const guest = new RamTables(ram, GUEST_BASE);
  let gFrame = 0x80400n;
  /** A G-stage (Sv39x4 or Sv48x4) table set in host memory mapping guest frames one to one onto GUEST_BASE. */
  const gTables = (levels = 3) => { const t = new PageTables(host, levels, true, gFrame); gFrame += 0x100n; return t; };
  let vFrame = 0x100n, hFrame = 0x81800n;
  /** First-stage tables in guest memory (frames from guest page 0x100) or, for host address spaces, in RAM. */
  const vsTables = (levels = 3, mem: TableMemory = guest) => {
    const inHost = mem === host;
    const t = new PageTables(mem, levels, false, inHost ? hFrame : vFrame);
    if (inHost) hFrame += 0x40n; else vFrame += 0x40n;
    return t;
  };
  const mapVsFrames = (g: PageTables<TableMemory>, vs: PageTables<TableMemory>) => { for (const f of vs.frames) g.map(f * 4096n, BigInt(GUEST_BASE) + f * 4096n, 0, GLEAF); };
  const hostByte = (pa: number) => ram.u8[pa - RAM_BASE];
  return { ram, bus, iommu, drv, faults, alloc, host, guest, gTables, vsTables, mapVsFrames, hostByte };
}

const IOVA = 0x4000_1000, GPA = 0x20_3000, HPA = GUEST_BASE + GPA;

/** Device 1: Sv39 first stage (PSCID 5) over Sv39x4 (GSCID 7): IOVA → GPA → HPA. */
function nested(opts: { vsLeaf?: number; gLeaf?: number; sade?: boolean; gade?: boolean } = {}) {
  const t = rig();
  const g = t.gTables(), vs = t.vsTables();
  vs.map(BigInt(IOVA), BigInt(GPA), 0, opts.vsLeaf ?? ULEAF);
  t.mapVsFrames(g, vs);
  const gLeafAddr = g.map(BigInt(GPA), BigInt(HPA), 0, opts.gLeaf ?? GLEAF);
  t.drv.setDeviceContext(1, {
    iohgatp: { mode: 'sv39x4', rootPpn: Number(g.root), gscid: 7 }, iosatp: { mode: 'sv39', rootPpn: Number(vs.root) },
    pscid: 5, sade: opts.sade, gade: opts.gade,
  });
  return { ...t, g, vs, gLeafAddr };
}

describe('IOMMU DMA translation', () => {
  it('two stages: data lands at the hPA; the first access walks, the next hits the IOTLB; writes drop decoded code', () => {
    const t = nested();
    const port = t.iommu.port(1);
    let codeWrites = 0;
    t.bus.onCodeWrite = () => codeWrites++;
    t.ram.codePage[(HPA - RAM_BASE) >>> 12] = PAGE_CODE;
    assert.equal(port.write(IOVA + 0x10, new Uint8Array([0xaa, 0xbb])), true);
    assert.equal(t.hostByte(HPA + 0x10), 0xaa);
    assert.equal(t.hostByte(HPA + 0x11), 0xbb);
    assert.equal(codeWrites, 1, 'bus.noteRamWrite was called');
    const back = new Uint8Array(2);
    assert.equal(port.read(IOVA + 0x10, back), true);
    assert.deepEqual(Array.from(back), [0xaa, 0xbb]);
    const s = t.iommu.stats;
    assert.equal(s.iotlbMisses, 2, 'write and read each walk once (a read-filled entry is not a write permission)');
    assert.equal(port.read(IOVA + 0x20, back), true);
    assert.equal(s.iotlbHits, 1);
    const e = t.iommu.iotlbEntries();
    assert.equal(e.length, 1);
    assert.deepEqual({ iova: e[0].iova, spa: e[0].spa, gpa: e[0].gpa, gscid: e[0].gscid, pscid: e[0].pscid, perms: e[0].perms },
      { iova: IOVA, spa: HPA, gpa: GPA, gscid: 7, pscid: 5, perms: 'rw' });
  });

  it('superpages in both stages: a 2 MiB guest page over a 1 GiB G-stage page; Sv48 over Sv48x4', () => {
    const t = rig();
    const g = t.gTables(), vs = t.vsTables();
    vs.map(0x4000_0000n, 0x4020_0000n, 1, ULEAF);            // 2 MiB
    t.mapVsFrames(g, vs);
    // gpa 1..2 GiB → host 0x8000_0000 (a 1 GiB G-stage leaf)
    g.map(0x4000_0000n, 0x8000_0000n, 2, GLEAF);
    t.drv.setDeviceContext(2, { iohgatp: { mode: 'sv39x4', rootPpn: Number(g.root), gscid: 1 }, iosatp: { mode: 'sv39', rootPpn: Number(vs.root) }, pscid: 1 });
    assert.equal(t.iommu.port(2).write(0x4000_0000 + 0x12_3456, new Uint8Array([7])), true, t.faults.at(-1)?.reason + JSON.stringify(t.iommu.translateDebug(2, 0x4000_0000 + 0x12_3456), (_k, v) => typeof v === 'bigint' ? v.toString(16) : v));
    assert.equal(t.hostByte(0x8000_0000 + 0x32_3456), 7);
    assert.equal(t.iommu.iotlbEntries()[0].vsLevel, 1);
    assert.equal(t.iommu.iotlbEntries()[0].gLevel, 2);
    const t4 = rig();
    const g4 = t4.gTables(4), vs4 = t4.vsTables(4);
    vs4.map(0x7f_0000_0000n, BigInt(GPA), 0, ULEAF);
    t4.mapVsFrames(g4, vs4);
    g4.map(BigInt(GPA), BigInt(HPA), 0, GLEAF);
    t4.drv.setDeviceContext(3, { iohgatp: { mode: 'sv48x4', rootPpn: Number(g4.root), gscid: 2 }, iosatp: { mode: 'sv48', rootPpn: Number(vs4.root) } });
    assert.equal(t4.iommu.port(3).write(0x7f_0000_0004, new Uint8Array([5])), true);
    assert.equal(t4.hostByte(HPA + 4), 5);
  });

  it('guest-page faults: the final GPA (iotval2 = GPA bits 63:2) and an implicit PTE access (bit 0 set)', () => {
    const t = nested();
    t.host.set(t.gLeafAddr, 0n);
    assert.equal(t.iommu.port(1).write(IOVA + 0x7, new Uint8Array([1])), false);
    let f = t.drv.drainFaults()[0];
    assert.equal(f.cause, 23);
    assert.equal(f.iotval, IOVA + 7);
    assert.equal(f.iotval2, GPA + 4, 'GPA with bits 1:0 replaced by the implicit flags (0)');
    // Unmap the VS root in the G stage: the first PTE read faults.
    const t2 = nested();
    t2.host.set(t2.g.slot(t2.vs.root * 4096n, 0), 0n);
    assert.equal(t2.iommu.port(1).read(IOVA, new Uint8Array(1)), false);
    f = t2.drv.drainFaults()[0];
    assert.equal(f.cause, 21);
    assert.equal(f.iotval2 & 3, 1, 'implicit read');
    assert.equal(Math.floor(f.iotval2 / 4096), Number(t2.vs.root));
  });

  it('A/D: without SADE/GADE a clear A (or D for a store) faults; with them the IOMMU sets the bits', () => {
    const noA = ULEAF & ~(PTE_A | PTE_D);
    const t = nested({ vsLeaf: noA });
    assert.equal(t.iommu.port(1).read(IOVA, new Uint8Array(1)), false);
    assert.equal(t.faults.at(-1)?.cause, 13);
    const t2 = nested({ vsLeaf: noA, sade: true });
    assert.equal(t2.iommu.port(1).read(IOVA, new Uint8Array(1)), true);
    const leaf = t2.vs.slot(BigInt(IOVA), 0);
    assert.equal(t2.guest.get(leaf) & BigInt(PTE_A | PTE_D), BigInt(PTE_A));
    assert.equal(t2.iommu.port(1).write(IOVA, new Uint8Array(1)), true);
    assert.equal(t2.guest.get(leaf) & BigInt(PTE_D), BigInt(PTE_D), 'the store re-walks and sets D');
    const t3 = nested({ gLeaf: GLEAF & ~PTE_D });
    assert.equal(t3.iommu.port(1).read(IOVA, new Uint8Array(1)), true, 'reads need only A');
    assert.equal(t3.iommu.port(1).write(IOVA, new Uint8Array(1)), false);
    assert.equal(t3.faults.at(-1)?.cause, 23);
    const t4 = nested({ gLeaf: GLEAF & ~PTE_D, gade: true });
    assert.equal(t4.iommu.port(1).write(IOVA, new Uint8Array(1)), true);
    assert.equal(t4.host.get(t4.gLeafAddr) & BigInt(PTE_D), BigInt(PTE_D));
  });

  it('all or nothing: a write across a page boundary whose second page faults writes nothing', () => {
    const t = nested();
    const buf = new Uint8Array(16).fill(0x5a);
    assert.equal(t.iommu.port(1).write(IOVA + 4096 - 8, buf), false);
    assert.equal(t.hostByte(HPA + 4096 - 8), 0, 'first page untouched');
    assert.equal(t.faults.length, 1);
    assert.equal(t.faults[0].cause, 15);
    assert.equal(t.faults[0].iotval, IOVA + 4096);
    assert.equal(t.iommu.port(1).write(IOVA + 4096 - 16, buf), true, 'the same write inside the page works');
  });

  it('IOTLB scoping: stale entries survive unrelated invalidations and die on matching ones', () => {
    const t = rig();
    // Device 1: VM with GSCID 1 (G stage only); device 2: VM with GSCID 2; device 3: host space PSCID 9.
    const g1 = t.gTables(), g2 = t.gTables(), vs3 = t.vsTables(3, t.host);
    const A = RAM_BASE + 0x50_0000, B = RAM_BASE + 0x60_0000;
    for (const g of [g1, g2]) { g.map(0x1000n, BigInt(A), 0, GLEAF); g.map(0x2000n, BigInt(A + 4096), 0, GLEAF); }
    const glob = vs3.map(0x1000n, BigInt(A), 0, ULEAF | PTE_G);
    vs3.map(0x2000n, BigInt(A + 4096), 0, ULEAF);
    t.drv.setDeviceContext(1, { iohgatp: { mode: 'sv39x4', rootPpn: Number(g1.root), gscid: 1 } });
    t.drv.setDeviceContext(2, { iohgatp: { mode: 'sv39x4', rootPpn: Number(g2.root), gscid: 2 } });
    t.drv.setDeviceContext(3, { iosatp: { mode: 'sv39', rootPpn: Number(vs3.root) }, pscid: 9 });
    const p = [1, 2, 3].map((d) => t.iommu.port(d));
    const spaOf = (port: number, iova: number) => {
      const b = new Uint8Array(1);
      assert.equal(p[port - 1].read(iova, b), true, `${port} ${iova} ${t.faults.at(-1)?.reason}`);
      return t.iommu.translateDebug(port, iova).iotlbSpa;
    };
    for (const d of [1, 2, 3]) for (const a of [0x1000, 0x2000]) spaOf(d, a);
    assert.equal(t.iommu.iotlbEntries().length, 6);
    // Remap everything to B in memory: nothing changes until invalidated.
    for (const g of [g1, g2]) { g.map(0x1000n, BigInt(B), 0, GLEAF); g.map(0x2000n, BigInt(B + 4096), 0, GLEAF); }
    t.host.set(glob, (BigInt(B) >> 12n << 10n) | BigInt(ULEAF | PTE_G));
    vs3.map(0x2000n, BigInt(B + 4096), 0, ULEAF);
    const stale = () => [1, 2, 3].map((d) => [0x1000, 0x2000].map((a) => spaOf(d, a) === (a === 0x1000 ? A : A + 4096)));
    assert.deepEqual(stale(), [[true, true], [true, true], [true, true]]);
    t.drv.submit(iotinval(1, { gscid: 2, addr: 0x2000 })); t.drv.fence();    // GVMA GSCID 2, one GPA
    assert.deepEqual(stale(), [[true, true], [true, false], [true, true]]);
    t.drv.submit(iotinval(0, { pscid: 9, addr: 0x5000 })); t.drv.fence();    // VMA host PSCID 9, an unrelated page
    assert.deepEqual(stale(), [[true, true], [true, false], [true, true]]);
    t.drv.submit(iotinval(0, { pscid: 9 })); t.drv.fence();                  // PSCID 9: spares the global mapping
    assert.deepEqual(stale(), [[true, true], [true, false], [true, false]]);
    t.drv.submit(iotinval(0, { pscid: 8 })); t.drv.submit(iotinval(1, { gscid: 3 })); t.drv.fence();
    assert.deepEqual(stale(), [[true, true], [true, false], [true, false]], 'other IDs touch nothing');
    t.drv.invalidateGscid(1);
    assert.deepEqual(stale(), [[false, false], [true, false], [true, false]]);
    t.drv.submit(iotinval(0, {})); t.drv.fence();                             // all host spaces, globals included
    assert.deepEqual(stale(), [[false, false], [true, false], [false, false]]);
    t.drv.submit(iotinval(1, {})); t.drv.fence();                             // GVMA GV = 0: every VM
    assert.deepEqual(stale(), [[false, false], [false, false], [false, false]]);
  });

  it('process contexts: PD8/PD17/PD20 by process_id, ENS for supervisor requests, DPE, PDT faults 265/266/267', () => {
    for (const mode of ['pd8', 'pd17', 'pd20'] as const) {
      const t = rig();
      const vs = t.vsTables(3, t.host);
      vs.map(0x9000n, BigInt(RAM_BASE + 0x70_0000), 0, LEAF | PTE_U);
      const pdt = t.alloc();
      t.drv.setDeviceContext(4, { pdtp: { mode, rootPpn: pdt / 4096 }, dpe: true });
      const pid = mode === 'pd8' ? 0xab : mode === 'pd17' ? 0x1abcd : 0xfabcd;
      t.drv.setProcessContext(4, pid, { iosatp: { mode: 'sv39', rootPpn: Number(vs.root) }, pscid: 3, ens: false });
      assert.equal(t.iommu.port(4, pid).write(0x9004, new Uint8Array([3])), true, mode + t.faults.at(-1)?.reason);
      assert.equal(t.hostByte(RAM_BASE + 0x70_0004), 3);
      assert.equal(t.iommu.port(4, pid, true).read(0x9004, new Uint8Array(1)), false);
      assert.equal(t.faults.at(-1)?.cause, 260, 'ENS = 0');
      assert.equal(t.iommu.port(4, pid ^ 1).read(0x9004, new Uint8Array(1)), false);
      assert.equal(t.faults.at(-1)?.cause, 266);
      assert.equal(t.iommu.port(4).read(0x9004, new Uint8Array(1)), false, 'DPE: process 0, which has no PC');
      assert.equal(t.faults.at(-1)?.cause, 266);
      if (mode !== 'pd20') {
        assert.equal(t.iommu.port(4, 1 << (mode === 'pd8' ? 8 : 17)).read(0x9004, new Uint8Array(1)), false);
        assert.equal(t.faults.at(-1)?.cause, 260, 'process_id too wide');
      }
      assert.equal(t.iommu.processContexts(4).map((c) => c.processId).join(), String(pid));
      assert.equal(t.drv.drainFaults().at(-1)?.processId, mode === 'pd20' ? -1 : 1 << (mode === 'pd8' ? 8 : 17), 'PV = 0 for the DPE request');
    }
    const t = rig();
    const pdt = t.alloc();
    t.drv.setDeviceContext(5, { pdtp: { mode: 'pd8', rootPpn: pdt / 4096 } });
    const pc = (pdt - RAM_BASE + 7 * 16) >>> 2;
    t.ram.i32[pc] = 1 | (1 << 5);            // reserved ta bit
    assert.equal(t.iommu.port(5, 7).read(0, new Uint8Array(1)), false);
    assert.equal(t.faults.at(-1)?.cause, 267);
    t.ram.i32[pc] = 1; t.ram.i32[pc + 3] = 3 << 28;   // fsc.MODE 3 reserved
    t.drv.submit([0x3 | (1 << 7) | (7 << 12), 2 | (5 << 8), 0, 0]); t.drv.fence();
    assert.equal(t.iommu.port(5, 7).read(0, new Uint8Array(1)), false);
    assert.equal(t.faults.at(-1)?.cause, 267);
    t.drv.setDeviceContext(6, { pdtp: { mode: 'pd17', rootPpn: 0x100 } });   // PDT root outside RAM
    assert.equal(t.iommu.port(6, 1).read(0, new Uint8Array(1)), false);
    assert.equal(t.faults.at(-1)?.cause, 265);
  });

  it('MSI pages: a write to a virtual interrupt file is redirected by the flat MSI page table; 261/262/263', () => {
    const t = nested();
    const msiPt = t.alloc();
    const FILE_GPA = 0x2800_0000, FILE_HPA = RAM_BASE + 0x80_0000;
    // Interrupt files at guest pages 0x28000 + I, I in 0..3 (mask 3).
    t.drv.setDeviceContext(1, {
      iohgatp: { mode: 'sv39x4', rootPpn: Number(t.g.root), gscid: 7 }, iosatp: { mode: 'bare', rootPpn: 0 },
      msi: { ptPpn: msiPt / 4096, addrMask: 3, addrPattern: FILE_GPA / 4096 },
    });
    const pte = (i: number, lo: number, hi = 0) => { t.ram.i32[(msiPt - RAM_BASE + i * 16) >>> 2] = lo; t.ram.i32[((msiPt - RAM_BASE + i * 16) >>> 2) + 1] = hi; };
    pte(2, ((FILE_HPA / 4096) * 1024 + 7) >>> 0);     // V, M = 3
    const port = t.iommu.port(1);
    assert.equal(port.write(FILE_GPA + 2 * 4096, new Uint8Array([0x2a, 0, 0, 0])), true);
    assert.equal(t.hostByte(FILE_HPA), 0x2a);
    const m = t.iommu.translateMsi(1, FILE_GPA + 2 * 4096 + 4);
    assert.deepEqual([m.isMsi, m.ok, m.spa, m.file], [true, true, FILE_HPA + 4, 2]);
    assert.equal(t.iommu.translateMsi(1, GPA).isMsi, false);
    assert.equal(port.write(GPA, new Uint8Array([1])), true, 'other pages take the G stage');
    assert.equal(t.hostByte(HPA), 1);
    assert.equal(port.write(FILE_GPA + 1 * 4096, new Uint8Array(4)), false);
    assert.equal(t.faults.at(-1)?.cause, 262, 'V = 0');
    pte(1, 3);                                       // M = 1: MRIF, not supported
    assert.equal(port.write(FILE_GPA + 4096, new Uint8Array(4)), false);
    assert.equal(t.faults.at(-1)?.cause, 263);
    pte(1, 7 | 8);                                   // reserved bit 3
    assert.equal(t.iommu.translateMsi(1, FILE_GPA + 4096).cause, 263);
    pte(3, (((RAM_BASE + 0x80_0000) / 4096) * 1024 + 7) >>> 0, 1 << 31);   // C = 1
    assert.equal(t.iommu.translateMsi(1, FILE_GPA + 3 * 4096).cause, 263);
    pte(0, ((0x1000_0000 / 4096) * 1024 + 7) >>> 0);  // translates to MMIO: not RAM
    assert.equal(port.write(FILE_GPA, new Uint8Array(4)), false);
    assert.equal(t.faults.at(-1)?.cause, 7);
    t.drv.setDeviceContext(1, {
      iohgatp: { mode: 'sv39x4', rootPpn: Number(t.g.root), gscid: 7 },
      msi: { ptPpn: 0x100, addrMask: 3, addrPattern: FILE_GPA / 4096 },
    });
    assert.equal(port.write(FILE_GPA, new Uint8Array(4)), false);
    assert.equal(t.faults.at(-1)?.cause, 261, 'MSI page table outside RAM');
  });

  it('translateDebug reports every reference and the outcome without A/D writes, IOTLB fills or fault records', () => {
    const t = nested({ vsLeaf: ULEAF & ~(PTE_A | PTE_D), sade: true });
    const leaf = t.vs.slot(BigInt(IOVA), 0);
    const before = t.guest.get(leaf);
    const r = t.iommu.translateDebug(1, IOVA + 0x44, { access: 'write' });
    assert.equal(r.ok, true);
    assert.equal(r.spa, HPA + 0x44);
    assert.equal(r.gpa, GPA + 0x44);
    assert.equal(r.dcSource, 'memory', 'setDeviceContext invalidated the DDT cache and no DMA has run since');
    assert.deepEqual(r.steps.map((s) => s.kind), ['DDT', 'DDT', ...'GGGVGGGVGGGVGGG'.split('').map((c) => (c === 'G' ? 'S2' : 'S1'))]);
    assert.equal(r.wouldSetA, true);
    assert.equal(r.wouldSetD, true);
    assert.equal(t.guest.get(leaf), before, 'no A/D write');
    assert.equal(t.iommu.iotlbEntries().length, 0);
    assert.equal(t.iommu.faultLog().length, 0);
    t.host.set(t.gLeafAddr, 0n);
    const bad = t.iommu.translateDebug(1, IOVA, { access: 'read' });
    assert.equal(bad.ok, false);
    assert.equal(bad.cause, 21);
    assert.equal(bad.iotval2, GPA);
    assert.match(bad.reason, /G stage/);
    assert.equal(t.iommu.faultLog().length, 0);
    const off = t.iommu.translateDebug(9, IOVA);
    assert.equal(off.cause, 258);
    assert.equal(off.steps[0].kind, 'DDT');
    assert.equal(t.iommu.stats.faults, 0);
  });
});
