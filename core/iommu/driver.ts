// A small software driver for the IOMMU, as a hypervisor would write it (iommu_sw_guidelines.adoc): it programs the
// IOMMU only through its registers and in-memory structures on the bus, and every invalidation goes through the
// command queue. Used by the built-in VMM and by tests.

import { BusStatus, type Bus } from '../devices/bus';
import type { IommuFault } from './iommu';
import { CAUSE_NAMES, CQCSR_CIE, CQCSR_CQEN, CQCSR_CQON, CQCSR_STOP, FQCSR_FIE, FQCSR_FQEN, FQCSR_FQON, Reg, field64 } from './registers';

/** Device context settings (extended format). PPNs are page numbers; addresses in DC fields are as the spec says
 *  (guest physical for iosatp/pdtp when iohgatp is not Bare). */
export interface DeviceContextConfig {
  iohgatp?: { mode: 'bare' | 'sv39x4' | 'sv48x4'; rootPpn: number; gscid: number };
  iosatp?: { mode: 'bare' | 'sv39' | 'sv48'; rootPpn: number };
  /** Instead of iosatp: a process directory (tc.PDTV = 1). */
  pdtp?: { mode: 'bare' | 'pd8' | 'pd17' | 'pd20'; rootPpn: number };
  pscid?: number;
  /** Hardware A/D updating in first-stage (SADE) and G-stage (GADE) tables. */
  sade?: boolean;
  gade?: boolean;
  /** Disable translation-fault reporting. */
  dtf?: boolean;
  /** process_id 0 for requests without one (needs pdtp). */
  dpe?: boolean;
  /** MSI page table (flat) and the MSI address mask/pattern (page numbers). */
  msi?: { ptPpn: number; addrMask: number; addrPattern: number };
}

/** Process context settings (for PDTs in host physical memory, i.e. devices whose iohgatp is Bare). */
export interface ProcessContextConfig {
  iosatp: { mode: 'bare' | 'sv39' | 'sv48'; rootPpn: number };
  pscid: number;
  ens?: boolean;
  sum?: boolean;
}

/** A fault record read back from the fault queue: the fields the IOMMU reports (IommuFault) that the record holds. */
export type FaultRecord = Pick<IommuFault, 'cause' | 'causeName' | 'ttyp' | 'deviceId' | 'processId' | 'supervisor' | 'iotval' | 'iotval2'>;

const S_MODE = { bare: 0, sv39: 8, sv48: 9 } as const;
const G_MODE = { bare: 0, sv39x4: 8, sv48x4: 9 } as const;
const PD_MODE = { bare: 0, pd8: 1, pd17: 2, pd20: 3 } as const;
const DDT_MODE = { '1LVL': 2, '2LVL': 3, '3LVL': 4 } as const;
const TWO_32 = 4294967296;
const lo = (v: number): number => (v % TWO_32) >>> 0;
const hi = (v: number): number => Math.floor(v / TWO_32) >>> 0;

export class IommuDriver {
  private levels = 0;
  private ddtRoot = 0;
  private cqBase = 0;
  private cqEntries = 0;
  private fqBase = 0;
  private fqEntries = 0;
  private fenceAddr = 0;
  private fenceSeq = 0;
  /** Commands submitted since init. */
  commands = 0;

  /**
   * @param base physical address of the IOMMU's register page on the bus
   * @param allocPage returns the host physical address of a zeroed, 4 KiB-aligned page of RAM
   */
  constructor(private readonly bus: Bus, private readonly base: number, private readonly allocPage: () => number) {}

  private reg32(off: number): number {
    if (this.bus.read(this.base + off, 4) !== BusStatus.OK) throw new Error(`IOMMU register 0x${off.toString(16)} cannot be read`);
    return this.bus.lo >>> 0;
  }
  private setReg32(off: number, v: number): void { this.bus.write(this.base + off, 4, v | 0, 0); }
  private setReg64(off: number, v: number): void { this.bus.write(this.base + off, 8, lo(v) | 0, hi(v) | 0); }
  private read64(pa: number): number {
    if (this.bus.read(pa, 8) !== BusStatus.OK) throw new Error(`0x${pa.toString(16)} cannot be read`);
    return num(this.bus.lo, this.bus.hi);
  }
  private readWords(pa: number): [number, number] {
    if (this.bus.read(pa, 8) !== BusStatus.OK) throw new Error(`0x${pa.toString(16)} cannot be read`);
    return [this.bus.lo, this.bus.hi];
  }
  private write64(pa: number, l: number, h: number): void {
    if (this.bus.write(pa, 8, l | 0, h | 0) !== BusStatus.OK) throw new Error(`0x${pa.toString(16)} cannot be written`);
  }

  /**
   * iommu_sw_guidelines.adoc "Guidelines for initialization": checks capabilities, programs the command queue and
   * the fault queue (one page each: at most 256 commands and 128 fault records), then ddtp.
   */
  init(opts: { mode: '1LVL' | '2LVL' | '3LVL'; cqEntries?: number; fqEntries?: number }): void {
    const caps = this.reg32(Reg.CAPABILITIES);
    if ((caps & 0xf0) !== 0x10) throw new Error(`IOMMU version 0x${(caps & 0xff).toString(16)} is not supported`);
    if ((caps & (1 << 22)) === 0) throw new Error('this driver uses extended-format device contexts (MSI_FLAT)');
    const cqN = opts.cqEntries ?? 64, fqN = opts.fqEntries ?? 64;
    if (!isPow2(cqN) || cqN < 2 || cqN > 256) throw new RangeError('cqEntries must be a power of two from 2 to 256');
    if (!isPow2(fqN) || fqN < 2 || fqN > 128) throw new RangeError('fqEntries must be a power of two from 2 to 128');
    // Command queue: cqb, cqt = 0, cqen (and cie), wait for cqon.
    this.setReg32(Reg.CQCSR, 0);
    this.cqBase = this.allocPage(); this.cqEntries = cqN;
    this.setReg64(Reg.CQB, (this.cqBase / 4096) * 1024 + (Math.log2(cqN) - 1));
    this.setReg32(Reg.CQT, 0);
    this.setReg32(Reg.CQCSR, CQCSR_CQEN | CQCSR_CIE);
    if ((this.reg32(Reg.CQCSR) & CQCSR_CQON) === 0) throw new Error('command queue did not turn on');
    // Fault queue: fqb, fqh = 0, fqen (and fie), wait for fqon.
    this.setReg32(Reg.FQCSR, 0);
    this.fqBase = this.allocPage(); this.fqEntries = fqN;
    this.setReg64(Reg.FQB, (this.fqBase / 4096) * 1024 + (Math.log2(fqN) - 1));
    this.setReg32(Reg.FQH, 0);
    this.setReg32(Reg.FQCSR, FQCSR_FQEN | FQCSR_FIE);
    if ((this.reg32(Reg.FQCSR) & FQCSR_FQON) === 0) throw new Error('fault queue did not turn on');
    this.fenceAddr = this.allocPage();
    // The device directory: a zeroed root page, then ddtp (Off first: the level count may change only from Off/Bare).
    this.ddtRoot = this.allocPage();
    this.levels = DDT_MODE[opts.mode] - 1;
    this.setReg64(Reg.DDTP, 0);
    this.setReg64(Reg.DDTP, (this.ddtRoot / 4096) * 1024 + DDT_MODE[opts.mode]);
  }

  /** Address of deviceId's DC, creating the non-leaf DDT pages on the way (extended format: DDI 6/9/9 bits). */
  private dcAddr(deviceId: number): number {
    const widths = [6, 15, 24];
    if (deviceId < 0 || deviceId >= 2 ** widths[this.levels - 1]) throw new RangeError(`device_id ${deviceId} is too wide for this DDT`);
    let table = this.ddtRoot;
    for (let i = this.levels - 1; i > 0; i--) table = this.nextLevel(table + (i === 2 ? (deviceId >>> 15) & 0x1ff : (deviceId >>> 6) & 0x1ff) * 8);
    return table + (deviceId & 0x3f) * 64;
  }

  /** The directory page a non-leaf DDT/PDT entry at pa names, allocating and linking one if it is not valid yet. */
  private nextLevel(pa: number): number {
    const [l, h] = this.readWords(pa);
    if ((l & 1) !== 0) return field64(l, h, 53, 10) * 4096;
    const page = this.allocPage();
    const e = (page / 4096) * 1024 + 1;
    this.write64(pa, lo(e), hi(e));
    return page;
  }

  /** Writes deviceId's DC (tc last, so the IOMMU never sees a half-written valid DC) and invalidates what the old
   *  one may have left in the IOMMU's caches (iommu_sw_guidelines.adoc "Changing device directory table entry"). */
  setDeviceContext(deviceId: number, cfg: DeviceContextConfig): void {
    const pa = this.dcAddr(deviceId);
    const old = this.readDc(pa);
    const g = cfg.iohgatp, s = cfg.iosatp, pd = cfg.pdtp, m = cfg.msi;
    const tc = 1 | (cfg.dtf ? 16 : 0) | (pd !== undefined ? 32 : 0) | (cfg.gade ? 128 : 0) | (cfg.sade ? 256 : 0) | (cfg.dpe ? 512 : 0);
    const fsMode = pd !== undefined ? PD_MODE[pd.mode] : s !== undefined ? S_MODE[s.mode] : 0;
    const fsPpn = pd !== undefined ? pd.rootPpn : s !== undefined ? s.rootPpn : 0;
    // MODE nibbles go into the high words directly (the doublewords do not fit in a Number).
    const words: [number, number][] = [
      [tc, 0],
      g === undefined ? [0, 0] : iohgatpWords(G_MODE[g.mode], g.gscid, g.rootPpn),
      [((cfg.pscid ?? 0) << 12) >>> 0, 0],
      [lo(fsPpn), (hi(fsPpn) | (fsMode << 28)) >>> 0],
      [lo(m?.ptPpn ?? 0), (hi(m?.ptPpn ?? 0) | ((m === undefined ? 0 : 1) << 28)) >>> 0],
      [lo(m?.addrMask ?? 0), hi(m?.addrMask ?? 0)],
      [lo(m?.addrPattern ?? 0), hi(m?.addrPattern ?? 0)],
      [0, 0],
    ];
    this.write64(pa, 0, 0);
    for (let i = 1; i < 8; i++) this.write64(pa + i * 8, words[i][0], words[i][1]);
    this.write64(pa, words[0][0], words[0][1]);
    this.invalidateAfterDcChange(deviceId, old);
  }

  /** Marks deviceId's DC invalid and invalidates the IOMMU's copies. */
  clearDeviceContext(deviceId: number): void {
    const pa = this.dcAddr(deviceId);
    const old = this.readDc(pa);
    this.write64(pa, 0, 0);
    this.invalidateAfterDcChange(deviceId, old);
  }

  private readDc(pa: number): number[] {
    const w: number[] = [];
    for (let i = 0; i < 8; i++) { const [l, h] = this.readWords(pa + i * 8); w.push(l, h); }
    return w;
  }

  private invalidateAfterDcChange(deviceId: number, old: number[]): void {
    this.submit(iodir(0, true, deviceId, 0));
    if ((old[0] & 1) !== 0) {
      const gMode = old[3] >>> 28, gscid = field64(old[2], old[3], 59, 44);
      if (gMode !== 0) {
        this.submit(iotinval(0, { gscid }));
        this.submit(iotinval(1, { gscid }));
      } else if ((old[0] & 32) !== 0) {
        this.submit(iotinval(0, {}));
      } else if ((old[7] >>> 28) !== 0) {
        this.submit(iotinval(0, { pscid: field64(old[4], old[5], 31, 12) }));
      }
    }
    this.fence();
  }

  /** Writes a process context into deviceId's PDT (which must be in host physical memory: iohgatp Bare), creating
   *  PDT pages on the way, then IODIR.INVAL_PDT and IOTINVAL.VMA for the old PSCID. */
  setProcessContext(deviceId: number, processId: number, cfg: ProcessContextConfig): void {
    const dc = this.readDc(this.dcAddr(deviceId));
    if ((dc[0] & 33) !== 33) throw new Error(`device ${deviceId} has no valid DC with a PDT`);
    if ((dc[3] >>> 28) !== 0) throw new Error('setProcessContext needs iohgatp Bare (the PDT is then host physical)');
    const mode = dc[7] >>> 28;
    if (mode < 1 || mode > 3) throw new Error(`pdtp.MODE ${mode} has no directory`);
    let table = field64(dc[6], dc[7], 43, 0) * 4096;
    for (let i = mode - 1; i > 0; i--) table = this.nextLevel(table + (i === 2 ? (processId >>> 17) & 7 : (processId >>> 8) & 0x1ff) * 8);
    const pa = table + (processId & 0xff) * 16;
    const [oldTa] = this.readWords(pa);
    const ta = 1 | (cfg.ens ? 2 : 0) | (cfg.sum ? 4 : 0) | (cfg.pscid << 12);
    this.write64(pa, 0, 0);
    this.write64(pa + 8, lo(cfg.iosatp.rootPpn), (hi(cfg.iosatp.rootPpn) | (S_MODE[cfg.iosatp.mode] << 28)) >>> 0);
    this.write64(pa, ta >>> 0, 0);
    this.submit(iodir(1, true, deviceId, processId));
    if ((oldTa & 1) !== 0) this.submit(iotinval(0, { pscid: (oldTa >>> 12) & 0xfffff }));
    this.fence();
  }

  /** IODIR.INVAL_DDT for deviceId, then a fence. */
  invalidateDevice(deviceId: number): void { this.submit(iodir(0, true, deviceId, 0)); this.fence(); }

  /** Everything cached for a VM: IOTINVAL.VMA and IOTINVAL.GVMA with GV = 1, then a fence. */
  invalidateGscid(gscid: number): void {
    this.submit(iotinval(0, { gscid }));
    this.submit(iotinval(1, { gscid }));
    this.fence();
  }

  /** IOTINVAL.VMA for one address space (host when gscid is undefined), optionally one page; then a fence. */
  invalidatePscid(pscid: number, opts: { gscid?: number; iova?: number } = {}): void {
    this.submit(iotinval(0, { pscid, gscid: opts.gscid, addr: opts.iova }));
    this.fence();
  }

  /**
   * IOFENCE.C with AV = 1: the IOMMU stores a sequence number when every earlier command has completed. Throws when
   * the command queue stopped (cmd_ill, cqmf) or the store did not happen.
   */
  fence(): void {
    const seq = (++this.fenceSeq) >>> 0;
    const a = this.fenceAddr / 4;
    this.submit([0x2 | (1 << 10), seq, lo(a), hi(a) & 0x3fffffff]);
    if (this.bus.read(this.fenceAddr, 4) !== BusStatus.OK || (this.bus.lo >>> 0) !== seq) {
      throw new Error(`IOFENCE.C did not complete (cqcsr 0x${this.reg32(Reg.CQCSR).toString(16)})`);
    }
  }

  /** Raw command submission: 4 words (doubleword 0 low/high, doubleword 1 low/high); throws if the queue stops. */
  submit(cmd: number[]): void {
    const tail = this.reg32(Reg.CQT);
    if (((tail + 1) & (this.cqEntries - 1)) === this.reg32(Reg.CQH)) throw new Error('command queue full');
    const pa = this.cqBase + tail * 16;
    this.write64(pa, cmd[0], cmd[1]);
    this.write64(pa + 8, cmd[2], cmd[3]);
    this.setReg32(Reg.CQT, (tail + 1) & (this.cqEntries - 1));
    this.commands++;
    const csr = this.reg32(Reg.CQCSR);
    if ((csr & CQCSR_STOP) !== 0) throw new Error(`IOMMU command queue stopped (cqcsr 0x${csr.toString(16)})`);
  }

  /** Reads and consumes every record in the fault queue (fqh → fqt), then advances fqh. */
  drainFaults(): FaultRecord[] {
    const out: FaultRecord[] = [];
    let h = this.reg32(Reg.FQH);
    const t = this.reg32(Reg.FQT);
    while (h !== t) {
      const pa = this.fqBase + h * 32;
      const [l0, h0] = this.readWords(pa);
      const pv = (h0 & 1) !== 0;
      const cause = l0 & 0xfff;
      out.push({
        cause, causeName: CAUSE_NAMES[cause] ?? `cause ${cause}`, ttyp: (h0 >>> 2) & 0x3f, deviceId: h0 >>> 8,
        processId: pv ? (l0 >>> 12) & 0xfffff : -1, supervisor: (h0 & 2) !== 0,
        iotval: this.read64(pa + 16), iotval2: this.read64(pa + 24),
      });
      h = (h + 1) & (this.fqEntries - 1);
    }
    this.setReg32(Reg.FQH, h);
    return out;
  }
}

function isPow2(n: number): boolean { return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0; }
function num(l: number, h: number): number { return (h >>> 0) * TWO_32 + (l >>> 0); }

/** iohgatp as two words: PPN 43:0, GSCID 59:44, MODE 63:60. */
function iohgatpWords(mode: number, gscid: number, ppn: number): [number, number] {
  return [lo(ppn), ((hi(ppn) & 0xfff) | ((gscid & 0xffff) << 12) | (mode << 28)) >>> 0];
}

/** IOTINVAL.VMA (func 0) / GVMA (func 1) with GV/PSCV/AV set by the fields given. */
export function iotinval(func: 0 | 1, o: { gscid?: number; pscid?: number; addr?: number }): number[] {
  const av = o.addr !== undefined, pscv = o.pscid !== undefined, gv = o.gscid !== undefined;
  const w0 = 0x1 | (func << 7) | (av ? 1 << 10 : 0) | ((o.pscid ?? 0) << 12);
  const w1 = (pscv ? 1 : 0) | (gv ? 2 : 0) | ((o.gscid ?? 0) << 12);
  const frame = av ? Math.floor((o.addr as number) / 4096) : 0;
  // ADDR[63:12] goes to doubleword 1 bits 61:10.
  return [w0 >>> 0, w1 >>> 0, lo(frame * 1024), hi(frame * 1024) & 0x3fffffff];
}

/** IODIR.INVAL_DDT (func 0) / INVAL_PDT (func 1). */
export function iodir(func: 0 | 1, dv: boolean, did: number, pid: number): number[] {
  return [(0x3 | (func << 7) | (pid << 12)) >>> 0, ((dv ? 2 : 0) | (did << 8)) >>> 0, 0, 0];
}
