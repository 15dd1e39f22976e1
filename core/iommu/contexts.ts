// Device and process directories (iommu_data_structures.adoc): locating a device context by device_id ("Process to
// locate the Device-context") and a process context by process_id ("Process to locate the Process-context"), decoding
// them and checking them for misconfiguration. These walks run only on directory-cache misses and for the debugger.

import type { Ram } from '../devices/ram';
import { Access, type PtePort, WalkRequest, WalkResult, WalkStatus, pagingLevels, walk } from '../mmu/walk';
import { Cause, DdtMode, MsiMode, PdtMode, field64 } from './registers';

/** Size of the extended-format device context: this IOMMU advertises MSI_FLAT, so DCs are 64 bytes. */
export const DC_SIZE = 64;
/** Widest device_id (24 bits) and process_id (20 bits). */
export const DEVICE_ID_BITS = 24, PROCESS_ID_BITS = 20;
/** MGPAW: Sv48x4 is the widest G-stage mode, so guest physical addresses have 50 bits (MSI mask/pattern bits
 *  51:38 are reserved; iommu_data_structures.adoc "MSI address mask and pattern"). */
export const MSI_PPN_BITS = 50 - 12;

/** One directory read: which table, its level, the supervisor physical address read, and the doubleword(s). */
export interface DirStep {
  table: 'DDT' | 'PDT';
  level: number;
  /** Supervisor physical address read. */
  addr: number;
  /** For a PDT whose addresses are guest physical: the guest physical address of the entry. */
  gpa?: number;
  /** The doublewords read (one for a non-leaf entry, 8 for a DC, 2 for a PC), low words first. */
  words: number[];
}

/** A located, decoded device context (extended format). Raw words are kept for the debugger. */
export class DeviceContext {
  readonly tcLo: number;
  readonly valid: boolean;
  readonly enAts: boolean; readonly enPri: boolean; readonly t2gpa: boolean; readonly dtf: boolean;
  readonly pdtv: boolean; readonly prpr: boolean; readonly gade: boolean; readonly sade: boolean;
  readonly dpe: boolean; readonly sbe: boolean; readonly sxl: boolean;
  /** iohgatp. */
  readonly gMode: number; readonly gscid: number; readonly gRootPpn: number;
  /** ta.PSCID. */
  readonly pscid: number;
  /** fsc: iosatp (pdtv = false) or pdtp (pdtv = true). */
  readonly fscMode: number; readonly fscPpn: number;
  /** msiptp, msi_addr_mask, msi_addr_pattern (page numbers, bits 51:0). */
  readonly msiMode: number; readonly msiPpn: number; readonly msiMask: number; readonly msiPattern: number;

  /** @param w the 16 words of the 64-byte DC (doubleword i = w[2i] low, w[2i+1] high). */
  constructor(readonly deviceId: number, readonly w: Int32Array) {
    const tc = w[0];
    this.tcLo = tc;
    this.valid = (tc & 1) !== 0;
    this.enAts = (tc & 2) !== 0; this.enPri = (tc & 4) !== 0; this.t2gpa = (tc & 8) !== 0; this.dtf = (tc & 16) !== 0;
    this.pdtv = (tc & 32) !== 0; this.prpr = (tc & 64) !== 0; this.gade = (tc & 128) !== 0; this.sade = (tc & 256) !== 0;
    this.dpe = (tc & 512) !== 0; this.sbe = (tc & 1024) !== 0; this.sxl = (tc & 2048) !== 0;
    this.gRootPpn = field64(w[2], w[3], 43, 0); this.gscid = field64(w[2], w[3], 59, 44); this.gMode = w[3] >>> 28;
    this.pscid = field64(w[4], w[5], 31, 12);
    this.fscPpn = field64(w[6], w[7], 43, 0); this.fscMode = w[7] >>> 28;
    this.msiPpn = field64(w[8], w[9], 43, 0); this.msiMode = w[9] >>> 28;
    this.msiMask = field64(w[10], w[11], 51, 0);
    this.msiPattern = field64(w[12], w[13], 51, 0);
  }

  /** Why this DC (V = 1) is misconfigured (iommu_data_structures.adoc "Device-context configuration checks"), or
   *  null. Checks follow the capabilities this model advertises. */
  misconfiguration(): string | null {
    const w = this.w;
    // tc bits 23:12 and 63:32 are reserved (31:24 are for custom use and ignored).
    if ((this.tcLo & 0x00fff000) !== 0 || w[1] !== 0) return 'tc has reserved bits set';
    // capabilities.ATS = 0: EN_ATS, EN_PRI and PRPR must be 0; T2GPA needs EN_ATS (and capabilities.T2GPA = 0).
    if (this.enAts) return 'tc.EN_ATS = 1 but ATS is not supported';
    if (this.enPri) return 'tc.EN_PRI = 1 but ATS/PRI is not supported';
    if (this.prpr) return 'tc.PRPR = 1 but ATS/PRI is not supported';
    if (this.t2gpa) return 'tc.T2GPA = 1 but T2GPA is not supported';
    if (this.pdtv) {
      if (this.fscMode > PdtMode.PD20) return `fsc.pdtp.MODE ${this.fscMode} is reserved`;
    } else {
      if (this.fscMode !== 0 && pagingLevels(this.fscMode) === 0) return `fsc.iosatp.MODE ${this.fscMode} is reserved`;
      if (this.fscMode === 10) return 'fsc.iosatp.MODE Sv57 is not supported';
      if (this.dpe) return 'tc.DPE = 1 needs tc.PDTV = 1';
    }
    // fsc bits 59:44 are reserved in both iosatp and pdtp.
    if (field64(w[6], w[7], 59, 44) !== 0) return 'fsc has reserved bits 59:44 set';
    if (this.gMode !== 0 && this.gMode !== 8 && this.gMode !== 9) {
      return this.gMode === 10 ? 'iohgatp.MODE Sv57x4 is not supported' : `iohgatp.MODE ${this.gMode} is reserved`;
    }
    if (this.gMode !== 0 && (this.gRootPpn & 3) !== 0) return 'iohgatp.PPN is not 16 KiB aligned';
    // ta: bits 11:0 and 39:32 reserved; RCID/MCID (63:40) reserved because capabilities.QOSID = 0.
    if ((w[4] & 0xfff) !== 0 || w[5] !== 0) return 'ta has reserved bits set';
    if (this.msiMode !== MsiMode.OFF && this.msiMode !== MsiMode.FLAT) return `msiptp.MODE ${this.msiMode} is reserved`;
    if (field64(w[8], w[9], 59, 44) !== 0) return 'msiptp has reserved bits 59:44 set';
    if (this.gMode === 0 && this.msiMode !== MsiMode.OFF) return 'msiptp.MODE must be Off when iohgatp.MODE is Bare';
    if (w[11] >>> (MSI_PPN_BITS - 32) !== 0) return 'msi_addr_mask has reserved bits set (above MGPAW)';
    if (w[13] >>> (MSI_PPN_BITS - 32) !== 0) return 'msi_addr_pattern has reserved bits set (above MGPAW)';
    if (w[14] !== 0 || w[15] !== 0) return 'DC doubleword 7 is reserved';
    // SADE/GADE are supported (AMO_HWAD = 1); SBE must equal fctl.BE = 0 (END = 0); SXL must be 0 (GXL = 0).
    if (this.sbe) return 'tc.SBE = 1 but only little-endian is supported';
    if (this.sxl) return 'tc.SXL = 1 but fctl.GXL = 0 and is not writable';
    return null;
  }
}

/** A located, decoded process context. */
export class ProcessContext {
  readonly valid: boolean; readonly ens: boolean; readonly sum: boolean;
  readonly pscid: number; readonly fscMode: number; readonly fscPpn: number;
  constructor(readonly deviceId: number, readonly processId: number, readonly w: Int32Array) {
    this.valid = (w[0] & 1) !== 0; this.ens = (w[0] & 2) !== 0; this.sum = (w[0] & 4) !== 0;
    this.pscid = field64(w[0], w[1], 31, 12);
    this.fscPpn = field64(w[2], w[3], 43, 0); this.fscMode = w[3] >>> 28;
  }

  /** iommu_data_structures.adoc "Process-context configuration checks". */
  misconfiguration(): string | null {
    const w = this.w;
    if ((w[0] & 0xff8) !== 0 || w[1] !== 0) return 'ta has reserved bits set';
    if (field64(w[2], w[3], 59, 44) !== 0) return 'fsc has reserved bits 59:44 set';
    if (this.fscMode !== 0 && pagingLevels(this.fscMode) === 0) return `fsc.MODE ${this.fscMode} is reserved`;
    if (this.fscMode === 10) return 'fsc.MODE Sv57 is not supported';
    return null;
  }
}

/** Outcome of a directory walk. */
export interface DirResult<T> {
  /** 0 on success, else the fault cause. */
  cause: number;
  ctx: T | null;
  /** Why it failed, for logs and the debugger. */
  why: string;
  /** Guest-page faults of the PDT walk: the iotval2 value (GPA bits 63:2, bit 0 = implicit access). */
  iotval2: number;
}

function fail<T>(cause: number, why: string, iotval2 = 0): DirResult<T> { return { cause, ctx: null, why, iotval2 }; }

/** Reads n doublewords of RAM at pa into words (2n entries); false when not all of it is RAM (an access fault). */
export function readWords(ram: Ram, pa: number, n: number, out: Int32Array): boolean {
  const off = ram.offsetOf(pa, n * 8);
  if (off < 0 || (off & 7) !== 0) return false;
  for (let i = 0; i < 2 * n; i++) out[i] = ram.i32[(off >>> 2) + i];
  return true;
}

/** device_id too wide for the DDT mode (step 5 of "Process to translate an IOVA"): extended-format DDI widths 6/9/9. */
export function deviceIdTooWide(mode: number, deviceId: number): boolean {
  const bits = mode === DdtMode.LVL1 ? 6 : mode === DdtMode.LVL2 ? 15 : DEVICE_ID_BITS;
  return deviceId < 0 || deviceId >= Math.pow(2, bits);
}

/** DDI[i] of a device_id (extended format: bits 5:0, 14:6, 23:15). */
function ddi(deviceId: number, i: number): number {
  return i === 0 ? deviceId & 0x3f : i === 1 ? (deviceId >>> 6) & 0x1ff : (deviceId >>> 15) & 0x1ff;
}

/** Walks the DDT for deviceId (iommu_data_structures.adoc "Process to locate the Device-context"). */
export function locateDeviceContext(ram: Ram, mode: number, rootPpn: number, deviceId: number,
  log: DirStep[] | null): DirResult<DeviceContext> {
  const levels = mode === DdtMode.LVL3 ? 3 : mode === DdtMode.LVL2 ? 2 : 1;
  let a = rootPpn * 4096;
  const buf = new Int32Array(16);
  // Steps 2-7: the non-leaf levels.
  for (let i = levels - 1; i > 0; i--) {
    const pa = a + ddi(deviceId, i) * 8;
    if (!readWords(ram, pa, 1, buf)) return fail(Cause.DDT_LOAD_ACCESS, `DDT level ${i} entry at 0x${pa.toString(16)} is not in memory`);
    log?.push({ table: 'DDT', level: i, addr: pa, words: [buf[0], buf[1]] });
    if ((buf[0] & 1) === 0) return fail(Cause.DDT_INVALID, `DDT level ${i} entry at 0x${pa.toString(16)} is not valid`);
    // Non-leaf DDT entry: bits 9:1 and 63:54 are reserved.
    if ((buf[0] & 0x3fe) !== 0 || (buf[1] >>> 22) !== 0) {
      return fail(Cause.DDT_MISCONFIGURED, `DDT level ${i} entry at 0x${pa.toString(16)} has reserved bits set`);
    }
    a = field64(buf[0], buf[1], 53, 10) * 4096;
  }
  // Steps 8-10: the DC itself.
  const pa = a + ddi(deviceId, 0) * DC_SIZE;
  if (!readWords(ram, pa, 8, buf)) return fail(Cause.DDT_LOAD_ACCESS, `DC at 0x${pa.toString(16)} is not in memory`);
  log?.push({ table: 'DDT', level: 0, addr: pa, words: Array.from(buf) });
  const dc = new DeviceContext(deviceId, buf);
  if (!dc.valid) return fail(Cause.DDT_INVALID, `DC of device ${deviceId} at 0x${pa.toString(16)} is not valid (tc.V = 0)`);
  const bad = dc.misconfiguration();
  if (bad !== null) return fail(Cause.DDT_MISCONFIGURED, `DC of device ${deviceId}: ${bad}`);
  return { cause: 0, ctx: dc, why: '', iotval2: 0 };
}

/** process_id too wide for pdtp.MODE. */
export function processIdTooWide(pdtMode: number, processId: number): boolean {
  const bits = pdtMode === PdtMode.PD8 ? 8 : pdtMode === PdtMode.PD17 ? 17 : PROCESS_ID_BITS;
  return processId >= Math.pow(2, bits);
}

/** Guest-page fault cause for an access type. */
export function guestPageCause(access: Access): number {
  return access === Access.FETCH ? Cause.INSTR_GUEST_PAGE : access === Access.LOAD ? Cause.READ_GUEST_PAGE : Cause.WRITE_GUEST_PAGE;
}

const gReq = new WalkRequest();
const gRes = new WalkResult();

/**
 * Walks the PDT of dc for processId (iommu_data_structures.adoc "Process to locate the Process-context"). When the
 * G stage is not Bare every PDT address is a guest physical address translated as an implicit read: a guest-page
 * fault is reported with the original access type and iotval2 bit 0 set; a G-stage access fault as cause 265.
 * `debug` walks write nothing (no A/D updates in the G stage).
 */
export function locateProcessContext(ram: Ram, port: PtePort, dc: DeviceContext, processId: number, access: Access,
  debug: boolean, log: DirStep[] | null): DirResult<ProcessContext> {
  const mode = dc.fscMode;
  const levels = mode === PdtMode.PD20 ? 3 : mode === PdtMode.PD17 ? 2 : 1;
  let a = dc.fscPpn * 4096;
  const buf = new Int32Array(4);
  const pdi = (i: number) => (i === 0 ? processId & 0xff : i === 1 ? (processId >>> 8) & 0x1ff : (processId >>> 17) & 7);
  for (let i = levels - 1; ; i--) {
    // Step 2: the entry address (8-byte non-leaf entries, 16-byte process contexts).
    const gpa = i !== 0 ? a + pdi(i) * 8 : a + pdi(0) * 16;
    // Step 3: through the G stage when it is not Bare.
    let pa = gpa;
    if (dc.gMode !== 0) {
      gReq.mode = dc.gMode; gReq.rootPpn = dc.gRootPpn; gReq.gstage = true; gReq.priv = 0; gReq.sum = false;
      gReq.mxr = false; gReq.adue = dc.gade; gReq.debug = debug; gReq.access = Access.LOAD;
      gReq.vaLo = gpa % 4294967296 | 0; gReq.vaHi = Math.floor(gpa / 4294967296) | 0;
      const st = walk(gReq, gRes, port, null);
      if (st === WalkStatus.PAGE_FAULT) {
        return fail(guestPageCause(access), `G-stage translation of PDT entry at guest physical 0x${gpa.toString(16)} failed`,
          gpa - (gpa % 4) + 1);
      }
      if (st !== WalkStatus.OK) return fail(Cause.PDT_LOAD_ACCESS, `G-stage walk for PDT entry at guest physical 0x${gpa.toString(16)} cannot read memory`);
      pa = gRes.ppn * 4096 + (gpa & 4095);
    }
    const where = dc.gMode !== 0 ? `guest physical 0x${gpa.toString(16)}` : `0x${pa.toString(16)}`;
    if (i === 0) {
      // Steps 10-12: the process context.
      if (!readWords(ram, pa, 2, buf)) return fail(Cause.PDT_LOAD_ACCESS, `PC at ${where} is not in memory`);
      log?.push({ table: 'PDT', level: 0, addr: pa, gpa: dc.gMode !== 0 ? gpa : undefined, words: Array.from(buf) });
      const pc = new ProcessContext(dc.deviceId, processId, buf);
      if (!pc.valid) return fail(Cause.PDT_INVALID, `PC of process ${processId} at ${where} is not valid (ta.V = 0)`);
      const bad = pc.misconfiguration();
      if (bad !== null) return fail(Cause.PDT_MISCONFIGURED, `PC of process ${processId}: ${bad}`);
      return { cause: 0, ctx: pc, why: '', iotval2: 0 };
    }
    // Steps 5-9: a non-leaf entry.
    if (!readWords(ram, pa, 1, buf)) return fail(Cause.PDT_LOAD_ACCESS, `PDT level ${i} entry at ${where} is not in memory`);
    log?.push({ table: 'PDT', level: i, addr: pa, gpa: dc.gMode !== 0 ? gpa : undefined, words: [buf[0], buf[1]] });
    if ((buf[0] & 1) === 0) return fail(Cause.PDT_INVALID, `PDT level ${i} entry at ${where} is not valid`);
    if ((buf[0] & 0x3fe) !== 0 || (buf[1] >>> 22) !== 0) return fail(Cause.PDT_MISCONFIGURED, `PDT level ${i} entry at ${where} has reserved bits set`);
    a = field64(buf[0], buf[1], 53, 10) * 4096;
  }
}
