// RISC-V IOMMU register file, device directory, command queue, fault queue and interrupts (riscv-iommu spec):
// capabilities honesty, ddtp modes, DC misconfiguration causes, the DDT cache until IODIR.INVAL_DDT, queue
// wrap-around, illegal commands, IOFENCE.C, fault-queue overflow, icvec wires, DTF.
import { strict as assert } from 'node:assert';
import { Bus } from '../../core/devices/bus';
import { Ram } from '../../core/devices/ram';
import { Iommu, type IommuFault } from '../../core/iommu/iommu';
import { IommuDriver, iodir, iotinval } from '../../core/iommu/driver';
import { Reg } from '../../core/iommu/registers';

const RAM_BASE = 0x8000_0000, IOMMU_BASE = 0x0300_0000;

interface Rig { ram: Ram; bus: Bus; iommu: Iommu; drv: IommuDriver; faults: IommuFault[]; irqs: [number, boolean][]; alloc: () => number }

function rig(mode: '1LVL' | '2LVL' | '3LVL' = '3LVL', opts: { cq?: number; fq?: number; init?: boolean } = {}): Rig {
  const ram = new Ram(RAM_BASE, 32 << 20);
  const bus = new Bus(ram);
  const iommu = new Iommu(bus);
  bus.addDevice(IOMMU_BASE, 0x1000, iommu);
  let next = RAM_BASE + (16 << 20);
  const alloc = () => { const p = next; next += 4096; return p; };
  const drv = new IommuDriver(bus, IOMMU_BASE, alloc);
  const faults: IommuFault[] = [];
  const irqs: [number, boolean][] = [];
  iommu.onFault = (f) => faults.push(f);
  iommu.irq = (v, l) => irqs.push([v, l]);
  if (opts.init !== false) drv.init({ mode, cqEntries: opts.cq ?? 8, fqEntries: opts.fq ?? 8 });
  return { ram, bus, iommu, drv, faults, irqs, alloc };
}

const r32 = (r: Rig, off: number) => r.iommu.read(off, 4);
const w32 = (r: Rig, off: number, v: number) => r.iommu.write(off, 4, v);
const DATA = RAM_BASE + 0x10_0000;

describe('IOMMU registers', () => {
  it('capabilities advertise exactly what is implemented; fctl is WSI-only little-endian', () => {
    const r = rig('1LVL', { init: false });
    const lo = r32(r, Reg.CAPABILITIES), hi = r32(r, Reg.CAPABILITIES + 4);
    assert.equal(lo & 0xff, 0x10, 'version 1.0');
    const bit = (n: number) => (n < 32 ? (lo >>> n) & 1 : (hi >>> (n - 32)) & 1);
    const yes = { Sv39: 9, Sv48: 10, Sv39x4: 17, Sv48x4: 18, MSI_FLAT: 22, AMO_HWAD: 24, PD8: 38, PD17: 39, PD20: 40 };
    const no = { Sv32: 8, Sv57: 11, Svrsw: 14, Svpbmt: 15, Sv32x4: 16, Sv57x4: 19, AMO_MRIF: 21, MSI_MRIF: 23, ATS: 25,
      T2GPA: 26, END: 27, HPM: 30, DBG: 31, QOSID: 41, NL: 42, S: 43 };
    for (const [name, b] of Object.entries(yes)) assert.equal(bit(b), 1, name);
    for (const [name, b] of Object.entries(no)) assert.equal(bit(b), 0, name);
    assert.equal((lo >>> 28) & 3, 1, 'IGS = WSI');
    assert.equal(hi & 0x3f, 56, 'PAS');
    assert.equal(hi >>> 12, 0, 'reserved and custom bits');
    w32(r, Reg.CAPABILITIES, 0); assert.equal(r32(r, Reg.CAPABILITIES), lo, 'read-only');
    assert.equal(r32(r, Reg.FCTL), 2);
    w32(r, Reg.FCTL, 1); assert.equal(r32(r, Reg.FCTL), 2, 'BE stays 0, WSI stays 1');
    // Page-request queue (ATS = 0), HPM (HPM = 0), debug interface (DBG = 0): read zero, writes ignored.
    for (const off of [Reg.PQB, Reg.PQB + 4, Reg.PQH, Reg.PQT, Reg.PQCSR, 88, 96, 600, 608, 616, 768]) {
      w32(r, off, 0xffffffff);
      assert.equal(r32(r, off), 0, `offset ${off}`);
    }
  });

  it('ddtp: reset Off, modes Off/Bare/1-3LVL, reserved modes keep the old one, busy reads 0, PPN from both halves', () => {
    const r = rig('1LVL', { init: false });
    assert.equal(r32(r, Reg.DDTP) & 0xf, 0, 'reset mode is Off');
    r.bus.write(IOMMU_BASE + Reg.DDTP, 8, (0x12345 << 10) | 4, 0x3);
    assert.equal(r32(r, Reg.DDTP), ((0x12345 << 10) | 4) >>> 0);
    assert.equal(r32(r, Reg.DDTP + 4), 3);
    assert.equal(r.iommu.ddtPpn, 0x3 * 4194304 + 0x12345);
    w32(r, Reg.DDTP, 7 | (1 << 4));
    assert.equal(r32(r, Reg.DDTP) & 0x1f, 4, 'mode 7 is reserved (WARL), busy is read-only 0');
    for (const m of [0, 1, 2, 3]) { w32(r, Reg.DDTP, m); assert.equal(r32(r, Reg.DDTP) & 0xf, m); }
  });

  it('8-byte registers split by the bus (low word first) and 1/2-byte reads of a word', () => {
    const r = rig('1LVL', { init: false });
    r.bus.write(IOMMU_BASE + Reg.CQB, 8, (0x80100 << 10) | 3, 0);
    assert.equal(r.bus.read(IOMMU_BASE + Reg.CQB, 8), 0);
    assert.equal(r.bus.lo >>> 0, ((0x80100 << 10) | 3) >>> 0);
    assert.equal(r.iommu.read(Reg.CQB, 1), 3);
    assert.equal(r.iommu.read(Reg.CQB + 2, 2), ((0x80100 << 10) >>> 16) & 0xffff);
    w32(r, Reg.CQT, 0xffff_ffff);
    assert.equal(r32(r, Reg.CQT), 15, 'only LOG2SZ-1:0 of cqt are writable (16 entries)');
    w32(r, Reg.CQH, 5); assert.equal(r32(r, Reg.CQH), 0, 'cqh is read-only');
  });
});

describe('IOMMU device directory', () => {
  it('Off blocks every DMA (cause 256); Bare passes addresses through; DMA reaches RAM only', () => {
    const r = rig('1LVL', { init: false });
    const buf = new Uint8Array([1, 2, 3, 4]);
    const port = r.iommu.port(5);
    assert.equal(port.write(DATA, buf), false);
    assert.equal(r.faults[0].cause, 256);
    assert.equal(r.faults[0].ttyp, 3);
    assert.equal(r.ram.u8[DATA - RAM_BASE], 0, 'nothing written');
    w32(r, Reg.DDTP, 1);
    assert.equal(port.write(DATA, buf), true);
    assert.deepEqual(Array.from(r.ram.u8.subarray(DATA - RAM_BASE, DATA - RAM_BASE + 4)), [1, 2, 3, 4]);
    const back = new Uint8Array(4);
    assert.equal(port.read(DATA, back), true);
    assert.deepEqual(Array.from(back), [1, 2, 3, 4]);
    assert.equal(port.read(IOMMU_BASE, back), false, 'MMIO is not reachable by DMA');
    assert.equal(r.faults[1].cause, 5);
    assert.equal(r.iommu.port(5), port, 'ports are cached');
  });

  for (const [mode, did] of [['1LVL', 63], ['2LVL', 0x7fff], ['3LVL', 0xabcdef]] as const) {
    it(`${mode}: the DC of device ${did} is found; one bit wider is "transaction type disallowed" (260)`, () => {
      const r = rig(mode);
      r.drv.setDeviceContext(did, {});
      const buf = new Uint8Array([9]);
      assert.equal(r.iommu.port(did).write(DATA, buf), true);
      assert.equal(r.ram.u8[DATA - RAM_BASE], 9);
      const wide = mode === '3LVL' ? 1 << 24 : did + 1;
      assert.equal(r.iommu.port(wide).write(DATA, buf), false);
      assert.equal(r.faults.at(-1)?.cause, 260);
      assert.equal(r.iommu.port(did + (mode === '3LVL' ? 1 : -1)).write(DATA, buf), false, 'a neighbour without a DC');
      assert.equal(r.faults.at(-1)?.cause, 258);
      const queued = r.drv.drainFaults();
      assert.deepEqual(queued.map((f) => f.cause), [260, 258]);
      assert.equal(queued[1].iotval, DATA);
      assert.equal(queued[1].ttyp, 3);
    });
  }

  it('each DC misconfiguration is cause 259; a non-leaf V=0 is 258; a DDT outside RAM is 257', () => {
    const r = rig('2LVL');
    r.drv.setDeviceContext(1, {});
    const dcAddr = r.iommu.deviceContexts().find((d) => d.deviceId === 1)?.addr as number;
    const off = dcAddr - RAM_BASE;
    const cases: [string, (i32: Int32Array) => void][] = [
      ['EN_ATS', (w) => { w[0] |= 2; }],
      ['EN_PRI', (w) => { w[0] |= 4; }],
      ['T2GPA', (w) => { w[0] |= 8; }],
      ['DPE without PDTV', (w) => { w[0] |= 512; }],
      ['SBE', (w) => { w[0] |= 1024; }],
      ['SXL', (w) => { w[0] |= 2048; }],
      ['tc reserved bit 12', (w) => { w[0] |= 1 << 12; }],
      ['iohgatp Sv57x4', (w) => { w[3] = 10 << 28; }],
      ['iohgatp reserved mode', (w) => { w[3] = 3 << 28; }],
      ['iohgatp root not 16 KiB aligned', (w) => { w[3] = 8 << 28; w[2] = 0x80201; }],
      ['iosatp Sv57', (w) => { w[7] = 10 << 28; }],
      ['iosatp reserved mode', (w) => { w[7] = 5 << 28; }],
      ['msiptp Flat with iohgatp Bare', (w) => { w[9] = 1 << 28; }],
      ['msiptp reserved mode', (w) => { w[9] = 2 << 28; }],
      ['ta RCID (QOSID = 0)', (w) => { w[5] = 1 << 8; }],
      ['pdtp reserved mode', (w) => { w[0] |= 32; w[7] = 4 << 28; }],
      ['DC doubleword 7', (w) => { w[14] = 1; }],
    ];
    for (const [name, poke] of cases) {
      const w = new Int32Array(16);
      w[0] = 1;
      poke(w);
      r.ram.i32.set(w, off >>> 2);
      r.drv.invalidateDevice(1);
      assert.equal(r.iommu.port(1).read(DATA, new Uint8Array(1)), false, name);
      assert.equal(r.faults.at(-1)?.cause, 259, name);
    }
    r.ram.i32.fill(0, off >>> 2, (off >>> 2) + 16);
    r.ram.i32[off >>> 2] = 1;
    r.drv.invalidateDevice(1);
    assert.equal(r.iommu.port(1).read(DATA, new Uint8Array(1)), true, 'the minimal valid DC');
    assert.equal(r.iommu.port(1, 3).read(DATA, new Uint8Array(1)), false);
    assert.equal(r.faults.at(-1)?.cause, 260, 'a process_id without a PDT');
    // Non-leaf entry of device 1 (DDI[1] = 0): V = 0, then reserved bits, then a PPN outside RAM.
    const root = r.iommu.ddtPpn * 4096 - RAM_BASE;
    const saved = [r.ram.i32[root >>> 2], r.ram.i32[(root >>> 2) + 1]];
    for (const [lo, hi, cause] of [[saved[0] & ~1, saved[1], 258], [saved[0] | 2, saved[1], 259], [(0x100 << 10) | 1, 0, 257]]) {
      r.ram.i32[root >>> 2] = lo; r.ram.i32[(root >>> 2) + 1] = hi;
      r.drv.invalidateDevice(1);
      assert.equal(r.iommu.port(1).read(DATA, new Uint8Array(1)), false);
      assert.equal(r.faults.at(-1)?.cause, cause);
    }
  });

  it('the DDT cache keeps a DC until IODIR.INVAL_DDT for that device (DV=0 drops all)', () => {
    const r = rig('1LVL');
    r.drv.setDeviceContext(2, {});
    r.drv.setDeviceContext(3, {});
    const port2 = r.iommu.port(2), port3 = r.iommu.port(3);
    assert.equal(port2.read(DATA, new Uint8Array(1)), true);
    assert.equal(port3.read(DATA, new Uint8Array(1)), true);
    const walks = r.iommu.stats.ddtWalks;
    for (const d of r.iommu.deviceContexts()) r.ram.i32[(d.addr - RAM_BASE) >>> 2] = 0;   // V = 0 behind the IOMMU's back
    assert.equal(port2.read(DATA, new Uint8Array(1)), true, 'stale DC still used');
    assert.equal(r.iommu.deviceContexts().length, 2 - 2 + 2, 'views list the cached DCs as stale');
    assert.ok(r.iommu.deviceContexts().every((d) => d.stale));
    r.drv.submit(iodir(0, true, 3, 0)); r.drv.fence();
    assert.equal(port2.read(DATA, new Uint8Array(1)), true, 'device 2 not invalidated');
    assert.equal(port3.read(DATA, new Uint8Array(1)), false, 'device 3 re-read: V = 0');
    assert.equal(r.faults.at(-1)?.cause, 258);
    r.drv.submit(iodir(0, false, 0, 0)); r.drv.fence();
    assert.equal(port2.read(DATA, new Uint8Array(1)), false);
    assert.equal(r.iommu.stats.ddtWalks, walks + 2);
  });

  it('DTF suppresses translation faults in the queue but not "DDT entry not valid"', () => {
    const r = rig('1LVL');
    r.drv.setDeviceContext(4, { dtf: true, iohgatp: { mode: 'sv39x4', rootPpn: r.alloc() / 4096 + 3 & ~3, gscid: 1 } });
    assert.equal(r.iommu.port(4).read(0x1000, new Uint8Array(1)), false);
    assert.equal(r.faults.at(-1)?.cause, 21);
    assert.equal(r.faults.at(-1)?.record, 'dtf');
    assert.equal(r.iommu.port(5).read(0x1000, new Uint8Array(1)), false);
    assert.deepEqual(r.drv.drainFaults().map((f) => f.cause), [258]);
  });
});

describe('IOMMU command queue', () => {
  it('wraps around: 40 commands through an 8-entry queue', () => {
    const r = rig('1LVL');
    for (let i = 0; i < 40; i++) r.drv.submit(iotinval(0, {}));
    assert.equal(r32(r, Reg.CQH), r32(r, Reg.CQT));
    assert.equal(r32(r, Reg.CQT) < 8, true);
    assert.ok(r.iommu.stats.commands >= 40);
  });

  it('an illegal command sets cmd_ill, stops at that command (cqh), raises cip on civ; RW1C resumes', () => {
    const r = rig('1LVL');
    w32(r, Reg.ICVEC, 0x21);     // civ = 1, fiv = 2
    const q = r.iommu.queueStates().cq;
    const put = (i: number, c: number[]) => r.ram.i32.set(c, (q.base + i * 16 - RAM_BASE) >>> 2);
    const head = r32(r, Reg.CQH);
    const fenceAt = RAM_BASE + 0x20_0000;
    const illegal: number[][] = [
      [0x5, 0, 0, 0],                                 // opcode 5: reserved
      [0x4, 0, 0, 0],                                 // ATS: capabilities.ATS = 0
      iotinval(1, { pscid: 3 }),                      // GVMA with PSCV = 1
      [0x1 | (1 << 11), 0, 0, 0],                     // IOTINVAL reserved bit 11
      [0x1, 4, 0, 0],                                 // IOTINVAL NL (capabilities.NL = 0)
      [0x1, 0, 1 << 9, 0],                            // IOTINVAL S (capabilities.S = 0)
      iodir(0, true, 1, 5),                           // INVAL_DDT with a PID
      iodir(1, false, 1, 5),                          // INVAL_PDT without DV
      [0x2 | (1 << 7), 0, 0, 0],                      // IOFENCE func3 1
    ];
    for (const bad of illegal) {
      const h = r32(r, Reg.CQH);
      put(h, bad);
      put((h + 1) & 7, [0x2 | (1 << 10), 0x77, ((fenceAt / 4) >>> 0), 0]);
      w32(r, Reg.CQT, (h + 2) & 7);
      assert.equal(r32(r, Reg.CQH), h, `cqh stays at the bad command ${bad}`);
      assert.ok((r32(r, Reg.CQCSR) & (1 << 10)) !== 0, 'cmd_ill');
      assert.equal(r.ram.i32[(fenceAt - RAM_BASE) >>> 2], 0, 'later commands not executed');
      assert.ok((r32(r, Reg.IPSR) & 1) !== 0, 'cip');
      assert.equal(r.iommu.wireLevels, 1 << 1, 'wire civ = 1 is high');
      put(h, iotinval(0, {}));                         // software fixes the command, clears cmd_ill
      w32(r, Reg.CQCSR, (1 << 10) | 3);
      assert.equal(r32(r, Reg.CQH), (h + 2) & 7, 'processing resumed');
      assert.equal(r.ram.i32[(fenceAt - RAM_BASE) >>> 2], 0x77, 'IOFENCE.C wrote DATA');
      r.ram.i32[(fenceAt - RAM_BASE) >>> 2] = 0;
      w32(r, Reg.IPSR, 1);
      assert.equal(r32(r, Reg.IPSR) & 1, 0);
    }
    assert.deepEqual(r.irqs.slice(0, 2), [[1, true], [1, false]]);
    assert.notEqual(head, undefined);
  });

  it('IOFENCE.C: AV data store after earlier commands, WSI sets fence_w_ip, a store that faults sets cqmf', () => {
    const r = rig('1LVL');
    w32(r, Reg.ICVEC, 0x3);
    const flag = RAM_BASE + 0x30_0000;
    r.drv.submit([0x2 | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13), 0xcafe, (flag / 4) >>> 0, 0]);
    assert.equal(r.ram.i32[(flag - RAM_BASE) >>> 2], 0xcafe);
    assert.ok((r32(r, Reg.CQCSR) & (1 << 11)) !== 0, 'fence_w_ip');
    assert.ok((r32(r, Reg.IPSR) & 1) !== 0);
    assert.deepEqual(r.irqs.at(-1), [3, true]);
    w32(r, Reg.IPSR, 1);
    assert.ok((r32(r, Reg.IPSR) & 1) !== 0, 'cip comes back while fence_w_ip is set');
    w32(r, Reg.CQCSR, (1 << 11) | 3);
    w32(r, Reg.IPSR, 1);
    assert.equal(r32(r, Reg.IPSR) & 1, 0);
    assert.deepEqual(r.irqs.at(-1), [3, false]);
    const h = r32(r, Reg.CQH);
    assert.throws(() => r.drv.submit([0x2 | (1 << 10), 1, (0x1000_0000 / 4) >>> 0, 0]), /stopped/);
    assert.ok((r32(r, Reg.CQCSR) & (1 << 8)) !== 0, 'cqmf');
    assert.equal(r32(r, Reg.CQH), h, 'cqh holds the faulting IOFENCE.C');
    w32(r, Reg.CQCSR, 0);
    assert.equal(r32(r, Reg.CQCSR) & (1 << 16), 0, 'cqon off');
    w32(r, Reg.CQT, 0);
    w32(r, Reg.CQCSR, 1);
    assert.equal(r32(r, Reg.CQH), 0, 'cqen 0→1 clears cqh');
    assert.equal(r32(r, Reg.CQCSR) & 0xf00, 0, 'and the error bits');
  });
});

describe('IOMMU fault queue and interrupts', () => {
  it('records carry CAUSE/TTYP/DID/PV/PID/iotval; a full queue sets fqof and discards; fip follows icvec.fiv', () => {
    const r = rig('1LVL', { fq: 4 });
    w32(r, Reg.ICVEC, 0x20);    // fiv = 2
    r.drv.setDeviceContext(7, { pdtp: { mode: 'pd8', rootPpn: r.alloc() / 4096 } });
    const p = r.iommu.port(7, 9);
    for (let i = 0; i < 5; i++) assert.equal(p.read(DATA + i * 4096, new Uint8Array(1)), false);
    assert.deepEqual(r.faults.map((f) => f.record), ['queued', 'queued', 'queued', 'overflow', 'discarded']);
    assert.ok((r32(r, Reg.FQCSR) & (1 << 9)) !== 0, 'fqof');
    assert.ok((r32(r, Reg.IPSR) & 2) !== 0, 'fip');
    assert.deepEqual(r.irqs, [[2, true]]);
    w32(r, Reg.IPSR, 2);
    assert.ok((r32(r, Reg.IPSR) & 2) !== 0, 'fip is set again while fqof is');
    const recs = r.drv.drainFaults();
    assert.equal(recs.length, 3);
    assert.deepEqual(recs[0], { cause: 266, causeName: 'PDT entry not valid', ttyp: 2, deviceId: 7, processId: 9,
      supervisor: false, iotval: DATA, iotval2: 0 });
    w32(r, Reg.FQCSR, (1 << 9) | 3);
    w32(r, Reg.IPSR, 2);
    assert.equal(r32(r, Reg.IPSR) & 2, 0);
    assert.deepEqual(r.irqs.at(-1), [2, false]);
    assert.equal(p.read(DATA, new Uint8Array(1)), false);
    assert.equal(r.faults.at(-1)?.record, 'queued', 'queue usable after fqof is cleared');
    assert.equal(r.iommu.faultLog().length, 6);
  });

  it('a fault queue outside RAM sets fqmf; a disabled queue drops records but the log keeps them', () => {
    const r = rig('1LVL');
    w32(r, Reg.FQCSR, 0);
    assert.equal(r.iommu.port(1).read(DATA, new Uint8Array(1)), false);
    assert.equal(r.faults.at(-1)?.record, 'off');
    r.bus.write(IOMMU_BASE + Reg.FQB, 8, 1, 0);          // PPN 0: not RAM
    w32(r, Reg.FQCSR, 3);
    assert.equal(r.iommu.port(1).read(DATA, new Uint8Array(1)), false);
    assert.equal(r.faults.at(-1)?.record, 'memory-fault');
    assert.ok((r32(r, Reg.FQCSR) & (1 << 8)) !== 0, 'fqmf');
    assert.equal(r.iommu.faultLog().length, 2);
  });
});
