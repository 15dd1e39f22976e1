// The RISC-V IOMMU (riscv-iommu spec v1.0): the 4 KiB register file, DMA ports that translate device accesses through
// the device/process directories and both translation stages (the hart's walker), the IOTLB and directory caches,
// command processing and fault reporting. Inspection (translateDebug, decoded contexts) is in inspect.ts.

import type { Bus } from '../devices/bus';
import type { MmioDevice } from '../devices/device';
import type { DmaPort } from '../devices/dma';
import type { Ram } from '../devices/ram';
import { BusPtePort } from '../cpu/ptePort';
import { Access, PTE_G, WalkStatus } from '../mmu/walk';
import { GuestFault, TwoStageRequest, TwoStageResult, TwoStageWalker } from '../mmu/twoStage';
import {
  DeviceContext, ProcessContext, deviceIdTooWide, guestPageCause, locateDeviceContext, locateProcessContext,
  processIdTooWide,
} from './contexts';
import { Iotlb, type IotlbEntryView, gTagOf, pTagOf } from './iotlb';
import { isMsiPage, translateMsi } from './msi';
import { CommandQueue, FaultQueue, FqOutcome } from './queues';
import {
  CAPH_PD17, CAPH_PD20, CAPH_PD8, CAP_AMO_HWAD, CAP_IGS_WSI, CAP_MSI_FLAT, CAP_SV39, CAP_SV39X4, CAP_SV48,
  CAP_SV48X4, CAUSE_NAMES, CQCSR_CIE, CQCSR_CMD_ILL, CQCSR_CQMF, CQCSR_FENCE_W_IP, CQCSR_STOP, Cause, DdtMode,
  FCTL_WSI, FQCSR_FIE, FQCSR_FQMF, FQCSR_FQOF, FUNC3_FENCE_C, FUNC3_INVAL_DDT, FUNC3_INVAL_PDT, Func3, IOMMU_VERSION, IPSR_CIP, IPSR_FIP, Opcode, PdtMode, Reg,
  DDT_MODE_NAMES, Ttyp, field64, hi32, lo32, reportedWithDtf,
} from './registers';
import {
  type DeviceContextView, type IommuTranslateOptions, type IommuTranslation, type MsiTranslation, type ProcessContextView,
  deviceContexts, msiTranslate, processContexts, translateDebug,
} from './inspect';

/** A fault as the model reports it (fault queue record fields, decoded, plus what became of the record). */
export interface IommuFault {
  /** Sequence number since reset. */
  seq: number;
  cause: number;
  causeName: string;
  /** TTYP: 1 read-for-execute, 2 read, 3 write (untranslated requests); 0 for faults not caused by a transaction. */
  ttyp: number;
  deviceId: number;
  /** process_id, or -1 when the request had none (PV = 0). */
  processId: number;
  /** PRIV: the request had a process_id and asked for supervisor privilege. */
  supervisor: boolean;
  /** iotval: the IOVA of the faulting access. */
  iotval: number;
  /** iotval2: guest-page faults: guest physical address bits 63:2, bit 0 = implicit access, bit 1 = implicit write. */
  iotval2: number;
  /** Why, in words. */
  reason: string;
  /** 'queued' (written to the fault queue), 'dtf' (suppressed by DC.tc.DTF), 'off', 'overflow', 'memory-fault',
   *  'discarded' (fqof/fqmf already set). */
  record: 'queued' | 'dtf' | 'off' | 'overflow' | 'memory-fault' | 'discarded';
}

/** Counters (plain numbers; reset() zeroes them). */
export interface IommuStats {
  dmaReads: number; dmaWrites: number; dmaBytes: number;
  /** Pages translated for DMA (IOTLB hits + misses + untranslated pages in Bare / both-stages-Bare contexts). */
  translations: number;
  iotlbHits: number; iotlbMisses: number;
  faults: number;
  ddtWalks: number; pdtWalks: number;
  msiTranslations: number;
  commands: number;
}

/** Options of the IOMMU. */
export interface IommuOptions {
  /** capabilities.PAS (default 56). */
  pas?: number;
  /** Number of interrupt wires (a power of two up to 16; default 4): icvec fields keep log2(wires) bits. */
  wires?: number;
  /** Entries of the in-model fault log (default 1024). */
  faultLogSize?: number;
}

const TWO_32 = 4294967296;
const FAULT_LOG_SIZE = 1024;

/** A DMA port of one (device_id, process_id) pair; created once by Iommu.port and reused. */
export class IommuPort implements DmaPort {
  /** Directory generation the resolved fields below belong to (-1: resolve on next use). */
  gen = -1;
  dc: DeviceContext | null = null;
  pc: ProcessContext | null = null;
  fsMode = 0; fsPpn = 0; gMode = 0; gPpn = 0; sade = false; gade = false; dtf = false;
  priv = 0; sum = false;
  gTag = -1; pTag = -1; modeBits = 0;
  /** DC whose MSI page table applies (msiptp.MODE = Flat), else null. */
  msiDc: DeviceContext | null = null;

  constructor(private readonly iommu: Iommu, readonly deviceId: number, readonly processId: number,
    readonly supervisor: boolean) {}

  read(addr: number, dst: Uint8Array): boolean { return this.iommu.dma(this, addr, dst, false); }
  write(addr: number, src: Uint8Array): boolean { return this.iommu.dma(this, addr, src, true); }
}

/** The IOMMU register file and translation engine. */
export class Iommu implements MmioDevice {
  readonly name = 'iommu';
  /** Fault event (the hypervisor's or debugger's hook); called for every fault, reported or not. */
  onFault: ((f: IommuFault) => void) | null = null;
  /** Wired interrupt output: vector (wire) and its new level. */
  irq: ((vector: number, level: boolean) => void) | null = null;

  readonly ram: Ram;
  readonly capLo: number;
  readonly capHi: number;
  readonly wires: number;
  ddtMode = DdtMode.OFF;
  ddtPpn = 0;
  readonly cq = new CommandQueue();
  readonly fq = new FaultQueue();
  ipsr = 0;
  icvec = 0;
  /** Directory caches (DDT by device_id; PDT by device_id · 2^20 + process_id) and the IOTLB. */
  readonly ddtCache = new Map<number, DeviceContext>();
  readonly pdtCache = new Map<number, ProcessContext>();
  readonly iotlb = new Iotlb();
  /** Bumped whenever a directory cache entry or ddtp changes: ports re-resolve their contexts. */
  dirGen = 0;
  readonly stats: IommuStats = freshStats();
  private readonly log: IommuFault[] = [];
  private readonly logSize: number;
  private seq = 0;
  private wireLevel = 0;
  private readonly ports = new Map<string, IommuPort>();
  readonly ptePort: BusPtePort;
  private readonly walker: TwoStageWalker;
  private readonly req = new TwoStageRequest();
  private readonly res = new TwoStageResult();
  /** Scratch of dma(): RAM offset of each page of the current request (grown on demand). */
  private offs = new Float64Array(16);
  /** Fault details of the last failed translatePage / resolve. */
  private fCause = 0;
  private fIotval2 = 0;
  private fWhy = '';
  private readonly cmd = new Int32Array(4);
  private readonly rec = new Int32Array(8);

  constructor(readonly bus: Bus, opts: IommuOptions = {}) {
    this.ram = bus.ram;
    this.ptePort = new BusPtePort(bus);
    this.walker = new TwoStageWalker(this.ptePort, null);
    const pas = opts.pas ?? 56;
    const wires = opts.wires ?? 4;
    if (wires < 1 || wires > 16 || (wires & (wires - 1)) !== 0) throw new RangeError('IOMMU wires must be a power of two from 1 to 16');
    this.wires = wires;
    this.logSize = opts.faultLogSize ?? FAULT_LOG_SIZE;
    this.capLo = (IOMMU_VERSION | CAP_SV39 | CAP_SV48 | CAP_SV39X4 | CAP_SV48X4 | CAP_MSI_FLAT | CAP_AMO_HWAD | CAP_IGS_WSI) >>> 0;
    this.capHi = ((pas & 0x3f) | CAPH_PD8 | CAPH_PD17 | CAPH_PD20) >>> 0;
  }

  // ---- register file ----

  read(offset: number, size: 1 | 2 | 4): number {
    const word = this.readWord(offset & ~3);
    if (size === 4) return word >>> 0;
    const shift = (offset & 3) * 8;
    return (word >>> shift) & (size === 1 ? 0xff : 0xffff);
  }

  private readWord(off: number): number {
    switch (off) {
      case Reg.CAPABILITIES: return this.capLo;
      case Reg.CAPABILITIES + 4: return this.capHi;
      case Reg.FCTL: return FCTL_WSI;
      case Reg.DDTP: return ((this.ddtMode | ((this.ddtPpn % 4194304) * 1024)) >>> 0);
      case Reg.DDTP + 4: return Math.floor(this.ddtPpn / 4194304) >>> 0;
      case Reg.CQB: return this.cq.base.lo;
      case Reg.CQB + 4: return this.cq.base.hi;
      case Reg.CQH: return this.cq.head;
      case Reg.CQT: return this.cq.tail;
      case Reg.FQB: return this.fq.base.lo;
      case Reg.FQB + 4: return this.fq.base.hi;
      case Reg.FQH: return this.fq.head;
      case Reg.FQT: return this.fq.tail;
      case Reg.CQCSR: return this.cq.csr;
      case Reg.FQCSR: return this.fq.csr;
      case Reg.IPSR: return this.ipsr;
      case Reg.ICVEC: return this.icvec;
      // pqb/pqh/pqt/pqcsr (capabilities.ATS = 0), HPM (HPM = 0), the debug interface (DBG = 0), iommu_qosid
      // (QOSID = 0), msi_cfg_tbl (IGS = WSI), custom and reserved space: read zero, writes ignored.
      default: return 0;
    }
  }

  /** Writes: 4-byte accesses (the bus splits 8-byte ones, low word first); 1- and 2-byte writes are ignored. */
  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4 || (offset & 3) !== 0) return;
    const v = value >>> 0;
    switch (offset) {
      case Reg.DDTP: this.writeDdtp(v, Math.floor(this.ddtPpn / 4194304)); break;
      case Reg.DDTP + 4: this.writeDdtpHigh(v); break;
      case Reg.CQB: this.cq.writeBase(false, v); break;
      case Reg.CQB + 4: this.cq.writeBase(true, v); break;
      case Reg.CQT: this.cq.writeTail(v); this.processCommands(); break;
      case Reg.FQB: this.fq.writeBase(false, v); break;
      case Reg.FQB + 4: this.fq.writeBase(true, v); break;
      case Reg.FQH: this.fq.writeHead(v); break;
      case Reg.CQCSR: this.cq.writeCsr(v); this.updateInterrupts(); this.processCommands(); break;
      case Reg.FQCSR: this.fq.writeCsr(v); this.updateInterrupts(); break;
      case Reg.IPSR: this.ipsr &= ~(v & (IPSR_CIP | IPSR_FIP)); this.updateInterrupts(); break;
      case Reg.ICVEC: {
        const m = this.wires - 1;
        this.icvec = ((v & m) | (v & (m << 4)) | (v & (m << 8)) | (v & (m << 12))) >>> 0;
        this.updateInterrupts();
        break;
      }
      default: break;
    }
  }

  /** ddtp bits 31:0: iommu_mode (WARL: reserved modes 5-15 keep the old mode), busy reads 0, PPN[21:0]. */
  private writeDdtp(v: number, ppnHigh: number): void {
    const mode = v & 0xf;
    const newMode = mode <= DdtMode.LVL3 ? mode : this.ddtMode;
    this.setDdtp(newMode, ppnHigh * 4194304 + (v >>> 10));
  }

  private writeDdtpHigh(v: number): void {
    this.setDdtp(this.ddtMode, (v & 0x3fffff) * 4194304 + (this.ddtPpn % 4194304));
  }

  /** A new mode or root empties the directory caches (the spec allows keeping them; this model does not). The
   *  IOTLB is kept: software invalidates it with IOTINVAL. */
  private setDdtp(mode: number, ppn: number): void {
    if (mode === this.ddtMode && ppn === this.ddtPpn) return;
    this.ddtMode = mode;
    this.ddtPpn = ppn;
    this.ddtCache.clear();
    this.pdtCache.clear();
    this.dirGen++;
  }

  /** Reset (iommu_registers.adoc "Reset behavior"): mode Off, queues off, ipsr 0, every cache empty. */
  reset(): void {
    this.ddtMode = DdtMode.OFF; this.ddtPpn = 0;
    this.cq.reset(); this.fq.reset();
    this.ipsr = 0; this.icvec = 0;
    this.ddtCache.clear(); this.pdtCache.clear(); this.iotlb.clear();
    this.dirGen++;
    this.log.length = 0; this.seq = 0;
    Object.assign(this.stats, freshStats());
    this.updateInterrupts();
  }

  // ---- interrupts ----

  /** ipsr.cip / fip follow their persistent conditions (iommu_registers.adoc "ipsr"); each wire is the OR of the
   *  pending bits whose icvec field selects it. */
  private updateInterrupts(): void {
    const cq = this.cq.csr, fq = this.fq.csr;
    if ((cq & CQCSR_CIE) !== 0 && (cq & (CQCSR_STOP | CQCSR_FENCE_W_IP)) !== 0) this.ipsr |= IPSR_CIP;
    if ((fq & FQCSR_FIE) !== 0 && (fq & (FQCSR_FQOF | FQCSR_FQMF)) !== 0) this.ipsr |= IPSR_FIP;
    let level = 0;
    if ((this.ipsr & IPSR_CIP) !== 0) level |= 1 << (this.icvec & 0xf);
    if ((this.ipsr & IPSR_FIP) !== 0) level |= 1 << ((this.icvec >>> 4) & 0xf);
    const changed = level ^ this.wireLevel;
    this.wireLevel = level;
    if (changed === 0 || this.irq === null) return;
    for (let v = 0; v < 16; v++) if ((changed & (1 << v)) !== 0) this.irq(v, (level & (1 << v)) !== 0);
  }

  /** Current level of each wire (bit v = wire v). */
  get wireLevels(): number { return this.wireLevel; }

  // ---- DMA ----

  /**
   * The DMA port of deviceId (and processId, -1 = none; `supervisor` asks for supervisor privilege, which needs a
   * process_id: requests without one are user-privilege, iommu_intro.adoc). Ports are cached per triple.
   */
  port(deviceId: number, processId = -1, supervisor = false): DmaPort {
    const key = `${deviceId}/${processId}/${supervisor && processId >= 0 ? 1 : 0}`;
    let p = this.ports.get(key);
    if (p === undefined) {
      p = new IommuPort(this, deviceId, processId, supervisor && processId >= 0);
      this.ports.set(key, p);
    }
    return p;
  }

  /**
   * Moves buf to or from IOVA addr for port p, all or nothing: every page is translated first; a fault is reported
   * (fault queue, log, onFault) and nothing moves. Allocation-free when contexts are resolved and the IOTLB hits.
   */
  dma(p: IommuPort, addr: number, buf: Uint8Array, write: boolean): boolean {
    const len = buf.length;
    const access = write ? Access.STORE : Access.LOAD;
    if (write) this.stats.dmaWrites++; else this.stats.dmaReads++;
    if (len === 0) return true;
    if (!Number.isSafeInteger(addr) || addr < 0 || addr + len > Number.MAX_SAFE_INTEGER) {
      this.fCause = write ? Cause.WRITE_ACCESS : Cause.READ_ACCESS; this.fIotval2 = 0;
      this.fWhy = 'IOVA outside the addresses this model represents (2^53)';
      this.report(p, access, Math.max(0, Math.floor(addr)) || 0, false);
      return false;
    }
    const mode = this.ddtMode;
    if (mode === DdtMode.OFF) {
      this.fCause = Cause.ALL_DISALLOWED; this.fIotval2 = 0; this.fWhy = 'ddtp.iommu_mode is Off';
      this.report(p, access, addr, false);
      return false;
    }
    if (mode !== DdtMode.BARE && p.gen !== this.dirGen && !this.resolve(p, access)) {
      this.report(p, access, addr, p.dc !== null && p.dtf);
      return false;
    }
    const first = Math.floor(addr / 4096);
    const n = Math.floor((addr + len - 1) / 4096) - first + 1;
    if (this.offs.length < n) this.offs = new Float64Array(n * 2);
    const ram = this.ram;
    let a = addr;
    for (let k = 0; k < n; k++) {
      const chunk = Math.min(4096 - (a & 4095), addr + len - a);
      const spa = mode === DdtMode.BARE ? a : this.translatePage(p, a, access);
      this.stats.translations++;
      if (spa < 0) { this.report(p, access, a, p.dtf); return false; }
      const off = ram.offsetOf(spa, chunk);
      if (off < 0) {
        // The translated address is not RAM (MMIO or nothing): DMA reaches RAM only, reported as an access fault.
        this.fCause = write ? Cause.WRITE_ACCESS : Cause.READ_ACCESS; this.fIotval2 = 0;
        this.fWhy = `translated address 0x${spa.toString(16)} is not RAM`;
        this.report(p, access, a, mode !== DdtMode.BARE && p.dtf);
        return false;
      }
      this.offs[k] = off;
      a += chunk;
    }
    const u8 = ram.u8;
    a = addr;
    let pos = 0;
    for (let k = 0; k < n; k++) {
      const chunk = Math.min(4096 - (a & 4095), addr + len - a);
      const off = this.offs[k];
      // Short pieces byte by byte; longer ones as one block move (a view object per piece: worth it from 64 bytes).
      if (write) {
        if (chunk < 64) for (let i = 0; i < chunk; i++) u8[off + i] = buf[pos + i];
        else u8.set(buf.subarray(pos, pos + chunk), off);
        this.bus.noteRamWrite(off, chunk);
      } else if (chunk < 64) {
        for (let i = 0; i < chunk; i++) buf[pos + i] = u8[off + i];
      } else {
        buf.set(u8.subarray(off, off + chunk), pos);
      }
      pos += chunk; a += chunk;
    }
    this.stats.dmaBytes += len;
    return true;
  }

  /**
   * Resolves p's contexts (iommu_data_structures.adoc "Process to translate an IOVA", steps 3-16) through the
   * directory caches; on failure sets fCause/fWhy/fIotval2 and returns false (nothing is cached).
   */
  resolve(p: IommuPort, access: Access): boolean {
    p.dc = null; p.pc = null; p.dtf = false;
    this.fIotval2 = 0;
    const did = p.deviceId;
    // Step 5: device_id wider than the DDT mode allows.
    if (deviceIdTooWide(this.ddtMode, did)) {
      return this.resolveFail(Cause.TTYP_DISALLOWED, `device_id ${did} is wider than ddtp mode ${DDT_MODE_NAMES[this.ddtMode]} allows`);
    }
    let dc = this.ddtCache.get(did);
    if (dc === undefined) {
      this.stats.ddtWalks++;
      const r = locateDeviceContext(this.ram, this.ddtMode, this.ddtPpn, did, null);
      if (r.ctx === null) return this.resolveFail(r.cause, r.why);
      dc = r.ctx;
      this.ddtCache.set(did, dc);
    }
    p.dc = dc; p.dtf = dc.dtf;
    // Step 7: process_id without a PDT, or wider than pdtp.MODE.
    let pid = p.processId;
    if (pid >= 0 && !dc.pdtv) return this.resolveFail(Cause.TTYP_DISALLOWED, `device ${did} has no PDT (tc.PDTV = 0) but the request has process_id ${pid}`);
    if (pid >= 0 && processIdTooWide(dc.fscMode, pid)) return this.resolveFail(Cause.TTYP_DISALLOWED, `process_id ${pid} is wider than pdtp.MODE allows`);
    p.gMode = dc.gMode; p.gPpn = dc.gRootPpn; p.sade = dc.sade; p.gade = dc.gade;
    p.priv = 0; p.sum = false;
    if (!dc.pdtv) {
      // Step 10: first stage from DC.fsc (iosatp), PSCID from DC.ta.
      p.fsMode = dc.fscMode; p.fsPpn = dc.fscPpn; p.pTag = pTagOf(dc.fscMode, dc.pscid);
    } else {
      // Steps 11-13: the default process_id 0 (DPE), or a Bare first stage.
      if (pid < 0 && dc.dpe) pid = 0;
      if (pid < 0 || dc.fscMode === PdtMode.BARE) {
        p.fsMode = 0; p.fsPpn = 0; p.pTag = -1;
      } else {
        const key = did * 1048576 + pid;
        let pc = this.pdtCache.get(key);
        if (pc === undefined) {
          this.stats.pdtWalks++;
          const r = locateProcessContext(this.ram, this.ptePort, dc, pid, access, false, null);
          if (r.ctx === null) { this.fIotval2 = r.iotval2; return this.resolveFail(r.cause, r.why, r.iotval2); }
          pc = r.ctx;
          this.pdtCache.set(key, pc);
        }
        // Step 15: supervisor requests need PC.ta.ENS.
        if (p.supervisor && !pc.ens) return this.resolveFail(Cause.TTYP_DISALLOWED, `process ${pid} does not allow supervisor requests (ta.ENS = 0)`);
        p.pc = pc;
        p.fsMode = pc.fscMode; p.fsPpn = pc.fscPpn; p.pTag = pTagOf(pc.fscMode, pc.pscid);
        p.priv = p.supervisor ? 1 : 0; p.sum = pc.sum;
      }
    }
    p.gTag = gTagOf(dc.gMode, dc.gscid);
    p.modeBits = p.priv | (p.sum ? 2 : 0);
    p.msiDc = dc.msiMode !== 0 ? dc : null;
    p.gen = this.dirGen;
    return true;
  }

  private resolveFail(cause: number, why: string, iotval2 = 0): boolean {
    this.fCause = cause; this.fWhy = why; this.fIotval2 = iotval2;
    return false;
  }

  /** Translates the page of IOVA addr for p (steps 17-19); returns the supervisor physical address or -1 (fault
   *  details in fCause/fWhy/fIotval2). */
  private translatePage(p: IommuPort, addr: number, access: Access): number {
    if (p.gTag < 0 && p.pTag < 0) return addr;
    const vpn = Math.floor(addr / 4096);
    const hit = this.iotlb.lookup(vpn, p.gTag, p.pTag, p.modeBits, access);
    if (hit >= 0) { this.stats.iotlbHits++; return hit * 4096 + (addr & 4095); }
    this.stats.iotlbMisses++;
    const req = this.req, res = this.res;
    req.vsMode = p.fsMode; req.vsRootPpn = p.fsPpn; req.gMode = p.gMode; req.gRootPpn = p.gPpn;
    req.vaLo = addr % TWO_32 | 0; req.vaHi = Math.floor(addr / TWO_32) | 0;
    req.access = access; req.priv = p.priv; req.sum = p.sum; req.mxrVs = false; req.mxrG = false;
    req.adueVs = p.sade; req.adueG = p.gade; req.debug = false;
    // Step 18: with an MSI page table, stop after the first stage and look at the guest physical address.
    if (p.msiDc !== null) {
      req.vsOnly = true;
      const st = this.walker.translate(req, res);
      req.vsOnly = false;
      if (st !== WalkStatus.OK) return this.walkFault(res, access);
      if (isMsiPage(p.msiDc, res.gpa)) return this.msiPage(p.msiDc, res.gpa, access);
    }
    const st = this.walker.translate(req, res);
    if (st !== WalkStatus.OK) return this.walkFault(res, access);
    const global = p.fsMode !== 0 && (res.vsPteLo & PTE_G) !== 0;
    this.iotlb.fill(vpn, p.gTag, p.pTag, p.modeBits, access, res.ppn, Math.floor(res.gpa / 4096), global,
      res.level, res.vsLevel, res.gLevel, p.deviceId);
    return res.ppn * 4096 + (addr & 4095);
  }

  /** MSI pages are translated on every access (MSI translations are not cached). Reads are allowed (R = W = 1). */
  private msiPage(dc: DeviceContext, gpa: number, access: Access): number {
    this.stats.msiTranslations++;
    if (access === Access.FETCH) return this.walkFailWith(Cause.INSTR_ACCESS, 'read-for-execute of an MSI page', 0);
    const m = translateMsi(this.ram, dc, gpa);
    if (m.cause !== 0) return this.walkFailWith(m.cause, m.why, 0);
    return m.spa;
  }

  private walkFailWith(cause: number, why: string, iotval2: number): number {
    this.fCause = cause; this.fWhy = why; this.fIotval2 = iotval2;
    return -1;
  }

  /** Maps a failed walk onto the fault cause (iommu_data_structures.adoc "Faults from virtual address translation
   *  process"; iotval2 for guest-page faults per iommu_in_memory_queues.adoc "Fault/Event-Queue"). */
  private walkFault(res: TwoStageResult, access: Access): number {
    if (res.fault === GuestFault.GUEST_PAGE) {
      const g = res.faultGpa;
      const iotval2 = g - (g % 4) + (res.implicit ? 1 : 0) + (res.implicit && res.implicitWrite ? 2 : 0);
      return this.walkFailWith(guestPageCause(access), res.implicit
        ? `G-stage translation of a first-stage PTE at guest physical 0x${g.toString(16)} failed`
        : `G stage: guest physical 0x${g.toString(16)} is not mapped for this access`, iotval2);
    }
    if (res.fault === GuestFault.PAGE) {
      const c = access === Access.FETCH ? Cause.INSTR_PAGE : access === Access.LOAD ? Cause.READ_PAGE : Cause.WRITE_PAGE;
      return this.walkFailWith(c, 'first stage: page fault', 0);
    }
    const c = access === Access.FETCH ? Cause.INSTR_ACCESS : access === Access.LOAD ? Cause.READ_ACCESS : Cause.WRITE_ACCESS;
    return this.walkFailWith(c, 'a page-table entry is not in memory', 0);
  }

  // ---- faults ----

  /** Reports the fault in fCause/fWhy/fIotval2 for a request of p. */
  private report(p: IommuPort, access: Access, iova: number, dtf: boolean): void {
    const ttyp = access === Access.FETCH ? Ttyp.UNTRANSLATED_EXEC : access === Access.LOAD ? Ttyp.UNTRANSLATED_READ : Ttyp.UNTRANSLATED_WRITE;
    this.recordFault(this.fCause, ttyp, p.deviceId, p.processId, p.supervisor, iova, this.fIotval2, dtf, this.fWhy);
  }

  /** Records a fault: the fault queue (unless DTF suppresses it), the fault log and onFault. */
  recordFault(cause: number, ttyp: number, deviceId: number, processId: number, supervisor: boolean,
    iotval: number, iotval2: number, dtf: boolean, reason: string): IommuFault {
    this.stats.faults++;
    let record: IommuFault['record'] = 'dtf';
    if (!dtf || reportedWithDtf(cause)) {
      const w = this.rec;
      const pv = processId >= 0 && ttyp !== Ttyp.NONE;
      // Doubleword 0: CAUSE 11:0, PID 31:12, PV 32, PRIV 33, TTYP 39:34, DID 63:40.
      w[0] = (cause & 0xfff) | ((pv ? processId & 0xfffff : 0) << 12);
      w[1] = (pv ? 1 : 0) | (pv && supervisor ? 2 : 0) | ((ttyp & 0x3f) << 2) | ((ttyp === Ttyp.NONE ? 0 : deviceId & 0xffffff) << 8);
      w[2] = 0; w[3] = 0;
      w[4] = lo32(iotval) | 0; w[5] = hi32(iotval) | 0; w[6] = lo32(iotval2) | 0; w[7] = hi32(iotval2) | 0;
      const out = this.fq.push(this.ram, w, (off, len) => this.bus.noteRamWrite(off, len));
      record = out === FqOutcome.QUEUED ? 'queued' : out === FqOutcome.OFF ? 'off' : out === FqOutcome.OVERFLOW ? 'overflow'
        : out === FqOutcome.MEMORY_FAULT ? 'memory-fault' : 'discarded';
      // A new record, or fqof/fqmf becoming set, raises fip when fie is set.
      if (out === FqOutcome.QUEUED && (this.fq.csr & FQCSR_FIE) !== 0) this.ipsr |= IPSR_FIP;
      this.updateInterrupts();
    }
    const f: IommuFault = {
      seq: this.seq++, cause, causeName: CAUSE_NAMES[cause] ?? `cause ${cause}`, ttyp, deviceId, processId,
      supervisor, iotval, iotval2, reason, record,
    };
    if (this.log.length >= this.logSize) this.log.shift();
    this.log.push(f);
    if (this.onFault !== null) this.onFault(f);
    return f;
  }

  /** The in-model fault log, oldest first (bounded). */
  faultLog(): IommuFault[] { return this.log.slice(); }

  // ---- command queue ----

  /** Processes commands from cqh to cqt while the queue is on and no error stops it. */
  private processCommands(): void {
    const cq = this.cq;
    while (cq.pending) {
      if (!cq.fetch(this.ram, this.cmd)) { cq.csr |= CQCSR_CQMF; break; }
      const r = this.execute(this.cmd);
      if (r !== 0) { cq.csr |= r; break; }
      this.stats.commands++;
      cq.advance();
    }
    this.updateInterrupts();
  }

  /** Executes one command (iommu_in_memory_queues.adoc "Command-Queue"); returns 0 or the cqcsr error bit. */
  private execute(c: Int32Array): number {
    const opcode = c[0] & 0x7f, func3 = (c[0] >>> 7) & 7;
    switch (opcode) {
      case Opcode.IOTINVAL: {
        if (func3 > Func3.GVMA) return CQCSR_CMD_ILL;
        // Reserved: bit 11, NL (34; capabilities.NL = 0), 43:35, 63:60; dw1 bits 8:0, S (9; capabilities.S = 0), 63:62.
        if ((c[0] & 0x800) !== 0 || (c[1] & 0xf0000ffc) !== 0 || (c[2] & 0x3ff) !== 0 || (c[3] >>> 30) !== 0) return CQCSR_CMD_ILL;
        const av = (c[0] & 0x400) !== 0, pscid = (c[0] >>> 12) & 0xfffff;
        const pscv = (c[1] & 1) !== 0, gv = (c[1] & 2) !== 0, gscid = (c[1] >>> 12) & 0xffff;
        // ADDR[63:12] in dw1 bits 61:10: the page number.
        const frame = field64(c[2], c[3], 61, 10);
        if (func3 === Func3.VMA) this.iotlb.invalidateVma(gv, gscid, pscv, pscid, av, frame);
        else {
          if (pscv) return CQCSR_CMD_ILL;
          this.iotlb.invalidateGvma(gv, gscid, av, frame);
        }
        return 0;
      }
      case Opcode.IOFENCE: {
        if (func3 !== FUNC3_FENCE_C) return CQCSR_CMD_ILL;
        if ((c[0] >>> 14) !== 0 || (c[3] >>> 30) !== 0) return CQCSR_CMD_ILL;
        // Commands execute in order and at once, so every earlier command has completed; PR/PW need nothing more.
        if ((c[0] & 0x400) !== 0) {
          const addr = field64(c[2], c[3], 61, 0) * 4;
          if (this.bus.write(addr, 4, c[1], 0) !== 0) return CQCSR_CQMF;
        }
        if ((c[0] & 0x800) !== 0) this.cq.csr |= CQCSR_FENCE_W_IP;
        return 0;
      }
      case Opcode.IODIR: {
        if (func3 > FUNC3_INVAL_PDT) return CQCSR_CMD_ILL;
        // Reserved: bits 11:10, 32, 39:34, and all of dw1; PID is reserved for INVAL_DDT; INVAL_PDT needs DV = 1.
        if ((c[0] & 0xc00) !== 0 || (c[1] & 0xfd) !== 0 || c[2] !== 0 || c[3] !== 0) return CQCSR_CMD_ILL;
        const pid = (c[0] >>> 12) & 0xfffff, dv = (c[1] & 2) !== 0, did = c[1] >>> 8;
        if (func3 === FUNC3_INVAL_DDT) {
          if (pid !== 0) return CQCSR_CMD_ILL;
          if (!dv) { this.ddtCache.clear(); this.pdtCache.clear(); } else {
            this.ddtCache.delete(did);
            for (const k of [...this.pdtCache.keys()]) if (Math.floor(k / 1048576) === did) this.pdtCache.delete(k);
          }
        } else {
          if (!dv) return CQCSR_CMD_ILL;
          this.pdtCache.delete(did * 1048576 + pid);
        }
        this.dirGen++;
        return 0;
      }
      default:
        // ATS (capabilities.ATS = 0: unsupported), reserved and custom opcodes.
        return CQCSR_CMD_ILL;
    }
  }

  // ---- state for views (inspect.ts; none of these change any state) ----

  /** Every valid device context in the DDT, decoded, with its cache state. */
  deviceContexts(): DeviceContextView[] { return deviceContexts(this); }
  /** Every valid process context of deviceId's PDT, decoded. */
  processContexts(deviceId: number): ProcessContextView[] { return processContexts(this, deviceId); }
  /** What a one-byte DMA at iova would do, step by step, without doing any of it. */
  translateDebug(deviceId: number, iova: number, opts: IommuTranslateOptions = {}): IommuTranslation {
    return translateDebug(this, deviceId, iova, opts);
  }
  /** MSI translation of guest physical address gpa for deviceId (its DC's MSI page table), without side effects. */
  translateMsi(deviceId: number, gpa: number): MsiTranslation { return msiTranslate(this, deviceId, gpa); }

  iotlbEntries(): IotlbEntryView[] { return this.iotlb.entries(); }

  /** Queue registers, decoded. */
  queueStates(): { cq: QueueState; fq: QueueState; ipsr: number; icvec: number; wires: number } {
    const cq = this.cq, fq = this.fq;
    return {
      cq: {
        base: cq.base.ppn * 4096, entries: cq.base.entries, head: cq.head, tail: cq.tail, csr: cq.csr, on: cq.on,
        errors: csrErrors(cq.csr, [[CQCSR_CQMF, 'cqmf'], [1 << 9, 'cmd_to'], [CQCSR_CMD_ILL, 'cmd_ill'], [CQCSR_FENCE_W_IP, 'fence_w_ip']]),
      },
      fq: {
        base: fq.base.ppn * 4096, entries: fq.base.entries, head: fq.head, tail: fq.tail, csr: fq.csr, on: fq.on,
        errors: csrErrors(fq.csr, [[FQCSR_FQMF, 'fqmf'], [FQCSR_FQOF, 'fqof']]),
      },
      ipsr: this.ipsr, icvec: this.icvec, wires: this.wireLevel,
    };
  }
}

/** A queue's registers, decoded. */
export interface QueueState {
  base: number; entries: number; head: number; tail: number; csr: number; on: boolean; errors: string[];
}

function csrErrors(csr: number, bits: [number, string][]): string[] {
  return bits.filter(([b]) => (csr & b) !== 0).map(([, n]) => n);
}


function freshStats(): IommuStats {
  return {
    dmaReads: 0, dmaWrites: 0, dmaBytes: 0, translations: 0, iotlbHits: 0, iotlbMisses: 0, faults: 0,
    ddtWalks: 0, pdtWalks: 0, msiTranslations: 0, commands: 0,
  };
}

