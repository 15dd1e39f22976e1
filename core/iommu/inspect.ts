// IOMMU inspection for the debugger: decoded device and process contexts, and translateDebug, which follows the same
// steps as a DMA request (iommu_data_structures.adoc "Process to translate an IOVA") without side effects: no A/D
// writes, no cache fills, no fault records. Plain objects; no DAP knowledge.

import { Access, WalkRequest, WalkResult, WalkStatus, pagingLevels, pagingModeName, walk } from '../mmu/walk';
import { GuestFault, Stage, TwoStageRequest, TwoStageResult, TwoStageWalker } from '../mmu/twoStage';
import { stopReason } from '../mmu/debugWalk';
import {
  DC_SIZE, DeviceContext, type DirStep, ProcessContext, deviceIdTooWide, guestPageCause,
  locateDeviceContext, locateProcessContext, processIdTooWide, readWords,
} from './contexts';
import type { Iommu } from './iommu';
import { isMsiPage, translateMsi } from './msi';
import { CAUSE_NAMES, Cause, DDT_MODE_NAMES, DdtMode, PdtMode, field64 } from './registers';

const PD_MODES = ['Bare', 'PD8', 'PD17', 'PD20'];

const dw = (w: ArrayLike<number>, i: number): bigint => (BigInt(w[2 * i + 1] >>> 0) << 32n) | BigInt(w[2 * i] >>> 0);

/** A device context, decoded. */
export interface DeviceContextView {
  deviceId: number;
  /** Supervisor physical address of the DC. */
  addr: number;
  valid: boolean;
  /** The directory cache holds this device's DC; `stale`: the cached copy differs from memory. */
  cached: boolean;
  stale: boolean;
  misconfigured: string | null;
  tc: { enAts: boolean; enPri: boolean; t2gpa: boolean; dtf: boolean; pdtv: boolean; prpr: boolean; gade: boolean;
    sade: boolean; dpe: boolean; sbe: boolean; sxl: boolean };
  iohgatp: { mode: string; gscid: number; rootPpn: number };
  ta: { pscid: number };
  fsc: { kind: 'iosatp' | 'pdtp'; mode: string; ppn: number };
  msi: { mode: string; ppn: number; mask: number; pattern: number };
  /** The eight doublewords. */
  raw: bigint[];
}

/** A process context, decoded. */
export interface ProcessContextView {
  processId: number;
  addr: number;
  valid: boolean;
  cached: boolean;
  misconfigured: string | null;
  ens: boolean; sum: boolean; pscid: number;
  fsc: { mode: string; ppn: number };
  raw: bigint[];
}

function viewDc(dc: DeviceContext, addr: number, cached: DeviceContext | undefined): DeviceContextView {
  return {
    deviceId: dc.deviceId, addr, valid: dc.valid, cached: cached !== undefined,
    stale: cached !== undefined && cached.w.some((x, i) => x !== dc.w[i]),
    misconfigured: dc.valid ? dc.misconfiguration() : null,
    tc: { enAts: dc.enAts, enPri: dc.enPri, t2gpa: dc.t2gpa, dtf: dc.dtf, pdtv: dc.pdtv, prpr: dc.prpr, gade: dc.gade,
      sade: dc.sade, dpe: dc.dpe, sbe: dc.sbe, sxl: dc.sxl },
    iohgatp: { mode: pagingModeName(dc.gMode, true) ?? `reserved (${dc.gMode})`, gscid: dc.gscid, rootPpn: dc.gRootPpn },
    ta: { pscid: dc.pscid },
    fsc: dc.pdtv ? { kind: 'pdtp', mode: PD_MODES[dc.fscMode] ?? `reserved (${dc.fscMode})`, ppn: dc.fscPpn }
      : { kind: 'iosatp', mode: pagingModeName(dc.fscMode) ?? `reserved (${dc.fscMode})`, ppn: dc.fscPpn },
    msi: { mode: dc.msiMode === 0 ? 'Off' : dc.msiMode === 1 ? 'Flat' : `reserved (${dc.msiMode})`, ppn: dc.msiPpn,
      mask: dc.msiMask, pattern: dc.msiPattern },
    raw: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => dw(dc.w, i)),
  };
}

/** Every DC with V = 1 in the DDT in memory (plus cached DCs whose memory copy is no longer valid). */
export function deviceContexts(iommu: Iommu): DeviceContextView[] {
  const mode = iommu.ddtMode;
  if (mode < DdtMode.LVL1) return [];
  const out: DeviceContextView[] = [];
  const ram = iommu.ram;
  const levels = mode - DdtMode.LVL1 + 1;
  const buf = new Int32Array(16);
  const seen = new Set<number>();
  const visit = (tablePpn: number, level: number, prefix: number): void => {
    if (level === 0) {
      for (let i = 0; i < 64; i++) {
        const addr = tablePpn * 4096 + i * DC_SIZE;
        if (!readWords(ram, addr, 8, buf) || (buf[0] & 1) === 0) continue;
        const did = prefix * 64 + i;
        seen.add(did);
        out.push(viewDc(new DeviceContext(did, buf.slice()), addr, iommu.ddtCache.get(did)));
      }
      return;
    }
    for (let i = 0; i < 512; i++) {
      const addr = tablePpn * 4096 + i * 8;
      if (!readWords(ram, addr, 1, buf) || (buf[0] & 1) === 0) continue;
      visit(field64(buf[0], buf[1], 53, 10), level - 1, prefix * 512 + i);
    }
  };
  visit(iommu.ddtPpn, levels - 1, 0);
  for (const [did, dc] of iommu.ddtCache) {
    if (!seen.has(did)) out.push({ ...viewDc(dc, -1, dc), stale: true });
  }
  return out.sort((a, b) => a.deviceId - b.deviceId);
}

const gReq = new WalkRequest();
const gRes = new WalkResult();

/** Every PC with V = 1 of deviceId's PDT (through the G stage when it is not Bare, read without side effects). */
export function processContexts(iommu: Iommu, deviceId: number): ProcessContextView[] {
  const dc = dcFor(iommu, deviceId, null).dc;
  if (dc === null || !dc.pdtv || dc.fscMode === PdtMode.BARE || dc.fscMode > PdtMode.PD20) return [];
  const ram = iommu.ram;
  // PDT addresses are guest physical when the G stage is on: translate them with a debug walk (no A/D writes).
  const toSpa = (gpa: number): number => {
    if (dc.gMode === 0) return gpa;
    gReq.mode = dc.gMode; gReq.rootPpn = dc.gRootPpn; gReq.gstage = true; gReq.priv = 0; gReq.sum = false;
    gReq.mxr = false; gReq.adue = true; gReq.debug = true; gReq.access = Access.LOAD;
    gReq.vaLo = gpa % 4294967296 | 0; gReq.vaHi = Math.floor(gpa / 4294967296) | 0;
    return walk(gReq, gRes, iommu.ptePort, null) === WalkStatus.OK ? gRes.ppn * 4096 + (gpa & 4095) : -1;
  };
  const out: ProcessContextView[] = [];
  const w = new Int32Array(4);
  const visit = (tablePpn: number, level: number, prefix: number): void => {
    if (level === 0) {
      for (let i = 0; i < 256; i++) {
        const spa = toSpa(tablePpn * 4096 + i * 16);
        if (spa < 0 || !readWords(ram, spa, 2, w) || (w[0] & 1) === 0) continue;
        const pid = prefix * 256 + i;
        out.push(viewPc(new ProcessContext(deviceId, pid, w.slice()), spa, iommu.pdtCache.get(deviceId * 1048576 + pid)));
      }
      return;
    }
    const n = level === 2 ? 8 : 512;
    for (let i = 0; i < n; i++) {
      const spa = toSpa(tablePpn * 4096 + i * 8);
      if (spa < 0 || !readWords(ram, spa, 1, w) || (w[0] & 1) === 0) continue;
      visit(field64(w[0], w[1], 53, 10), level - 1, prefix * 512 + i);
    }
  };
  visit(dc.fscPpn, dc.fscMode - 1, 0);
  return out;
}

function viewPc(pc: ProcessContext, addr: number, cached: ProcessContext | undefined): ProcessContextView {
  return {
    processId: pc.processId, addr, valid: pc.valid, cached: cached !== undefined, misconfigured: pc.misconfiguration(),
    ens: pc.ens, sum: pc.sum, pscid: pc.pscid,
    fsc: { mode: pagingModeName(pc.fscMode) ?? `reserved (${pc.fscMode})`, ppn: pc.fscPpn },
    raw: [dw(pc.w, 0), dw(pc.w, 1)],
  };
}

/** Options of translateDebug. */
export interface IommuTranslateOptions {
  processId?: number;
  access?: 'read' | 'write' | 'execute';
  supervisor?: boolean;
}

/** One memory reference of a debug translation. */
export interface IommuStep {
  /** DDT/PDT entry, first-stage PTE ('S1', address guest physical when the G stage is on), G-stage PTE ('S2'),
   *  or MSI PTE. */
  kind: 'DDT' | 'PDT' | 'S1' | 'S2' | 'MSI';
  level: number;
  /** Address as the structure names it (guest physical for S1 PTEs and PDT entries under a G stage). */
  addr: number;
  /** Supervisor physical address read. */
  spa: number;
  values: bigint[];
}

/** What a DMA of one byte at iova would do. */
export interface IommuTranslation {
  ok: boolean;
  spa?: number;
  gpa?: number;
  /** Combined page level (0 = 4 KiB, …), when translated by page tables. */
  level?: number;
  cause?: number;
  causeName?: string;
  iotval2?: number;
  reason: string;
  ddtMode: string;
  /** Where the DC and PC came from: the directory cache (what the IOMMU uses) or memory. */
  dcSource?: 'cache' | 'memory';
  pcSource?: 'cache' | 'memory';
  /** The IOTLB entry a real access would use (it wins over the page tables until invalidated). */
  iotlbSpa?: number;
  msi?: { file: number; pteAddr: number };
  steps: IommuStep[];
  wouldSetA: boolean;
  wouldSetD: boolean;
}

function dirSteps(log: DirStep[]): IommuStep[] {
  return log.map((s) => ({
    kind: s.table, level: s.level, addr: s.gpa ?? s.addr, spa: s.addr,
    values: Array.from({ length: s.words.length / 2 }, (_, i) => dw(s.words, i)),
  }));
}

function dcFor(iommu: Iommu, deviceId: number, log: DirStep[] | null): { dc: DeviceContext | null; cause: number; why: string; source: 'cache' | 'memory' } {
  const cached = iommu.ddtCache.get(deviceId);
  if (cached !== undefined) return { dc: cached, cause: 0, why: '', source: 'cache' };
  if (iommu.ddtMode < DdtMode.LVL1 || deviceIdTooWide(iommu.ddtMode, deviceId)) {
    return { dc: null, cause: Cause.TTYP_DISALLOWED, why: 'device_id too wide for the DDT mode', source: 'memory' };
  }
  const r = locateDeviceContext(iommu.ram, iommu.ddtMode, iommu.ddtPpn, deviceId, log);
  return { dc: r.ctx, cause: r.cause, why: r.why, source: 'memory' };
}

const tsReq = new TwoStageRequest();
const tsRes = new TwoStageResult();

/** Side-effect-free translation of iova for (deviceId, processId), with every memory reference. */
export function translateDebug(iommu: Iommu, deviceId: number, iova: number, opts: IommuTranslateOptions = {}): IommuTranslation {
  const access = opts.access === 'write' ? Access.STORE : opts.access === 'execute' ? Access.FETCH : Access.LOAD;
  const pid0 = opts.processId ?? -1;
  const supervisor = (opts.supervisor ?? false) && pid0 >= 0;
  const mode = iommu.ddtMode;
  const steps: IommuStep[] = [];
  const base = { ddtMode: DDT_MODE_NAMES[mode] ?? String(mode), steps, wouldSetA: false, wouldSetD: false };
  const failWith = (cause: number, reason: string, extra: Partial<IommuTranslation> = {}): IommuTranslation =>
    ({ ...base, ok: false, cause, causeName: CAUSE_NAMES[cause] ?? `cause ${cause}`, reason, ...extra });
  if (mode === DdtMode.OFF) return failWith(Cause.ALL_DISALLOWED, 'ddtp.iommu_mode is Off');
  if (mode === DdtMode.BARE) return { ...base, ok: true, spa: iova, gpa: iova, reason: 'ddtp.iommu_mode is Bare: untranslated' };
  if (deviceIdTooWide(mode, deviceId)) return failWith(Cause.TTYP_DISALLOWED, `device_id ${deviceId} too wide for ${DDT_MODE_NAMES[mode]}`);
  const dlog: DirStep[] = [];
  const d = dcFor(iommu, deviceId, dlog);
  steps.push(...dirSteps(dlog));
  if (d.dc === null) return failWith(d.cause, d.why);
  const dc = d.dc;
  const extra: Partial<IommuTranslation> = { dcSource: d.source };
  let pid = pid0;
  if (pid >= 0 && !dc.pdtv) return failWith(Cause.TTYP_DISALLOWED, 'process_id given but tc.PDTV = 0', extra);
  if (pid >= 0 && processIdTooWide(dc.fscMode, pid)) return failWith(Cause.TTYP_DISALLOWED, 'process_id too wide for pdtp.MODE', extra);
  let fsMode = 0, fsPpn = 0, priv = 0, sum = false, pTag = -1;
  if (!dc.pdtv) {
    fsMode = dc.fscMode; fsPpn = dc.fscPpn; pTag = fsMode === 0 ? -1 : dc.pscid;
  } else {
    if (pid < 0 && dc.dpe) pid = 0;
    if (pid >= 0 && dc.fscMode !== PdtMode.BARE) {
      let pc = iommu.pdtCache.get(deviceId * 1048576 + pid);
      extra.pcSource = pc !== undefined ? 'cache' : 'memory';
      if (pc === undefined) {
        const plog: DirStep[] = [];
        const r = locateProcessContext(iommu.ram, iommu.ptePort, dc, pid, access, true, plog);
        steps.push(...dirSteps(plog));
        if (r.ctx === null) return failWith(r.cause, r.why, { ...extra, iotval2: r.iotval2 || undefined });
        pc = r.ctx;
      }
      if (supervisor && !pc.ens) return failWith(Cause.TTYP_DISALLOWED, 'supervisor request but PC.ta.ENS = 0', extra);
      fsMode = pc.fscMode; fsPpn = pc.fscPpn; priv = supervisor ? 1 : 0; sum = pc.sum; pTag = fsMode === 0 ? -1 : pc.pscid;
    }
  }
  const gTag = dc.gMode === 0 ? -1 : (dc.gMode << 16) | dc.gscid;
  if (gTag >= 0 || pTag >= 0) {
    const hit = iommu.iotlb.lookup(Math.floor(iova / 4096), gTag, pTag, priv | (sum ? 2 : 0), access);
    if (hit >= 0) extra.iotlbSpa = hit * 4096 + (iova % 4096);
  }
  const req = tsReq, res = tsRes;
  req.vsMode = fsMode; req.vsRootPpn = fsPpn; req.gMode = dc.gMode; req.gRootPpn = dc.gRootPpn;
  req.vaLo = iova % 4294967296 | 0; req.vaHi = Math.floor(iova / 4294967296) | 0;
  req.access = access; req.priv = priv; req.sum = sum; req.mxrVs = false; req.mxrG = false;
  req.adueVs = dc.sade; req.adueG = dc.gade; req.debug = true; req.vsOnly = dc.msiMode !== 0;
  const walker = new TwoStageWalker(iommu.ptePort, null);
  let st = walker.translate(req, res);
  if (st === WalkStatus.OK && req.vsOnly && isMsiPage(dc, res.gpa)) {
    pushRefs(steps, res);
    const m = translateMsi(iommu.ram, dc, res.gpa);
    if (m.pte.length > 0) steps.push({ kind: 'MSI', level: 0, addr: m.pteAddr, spa: m.pteAddr, values: [dw(m.pte, 0), dw(m.pte, 1)] });
    extra.msi = { file: m.file, pteAddr: m.pteAddr };
    if (access === Access.FETCH) return failWith(Cause.INSTR_ACCESS, 'read-for-execute of an MSI page', extra);
    if (m.cause !== 0) return failWith(m.cause, m.why, extra);
    return { ...base, ...extra, ok: true, spa: m.spa, gpa: res.gpa, reason: `MSI page: interrupt file ${m.file}` };
  }
  if (req.vsOnly) { req.vsOnly = false; st = walker.translate(req, res); }
  pushRefs(steps, res);
  if (st === WalkStatus.OK) {
    const bare = pagingLevels(fsMode) === 0 && pagingLevels(dc.gMode) === 0;
    return {
      ...base, ...extra, ok: true, spa: res.ppn * 4096 + (iova % 4096), gpa: res.gpa, level: bare ? undefined : res.level,
      reason: bare ? 'both stages Bare: untranslated' : `translated (${res.refs} page-table references)`,
      wouldSetA: res.wouldSetA, wouldSetD: res.wouldSetD,
    };
  }
  const g = res.faultStage === Stage.G;
  const why = (res.implicit ? 'G-stage translation of a first-stage PTE: ' : g ? 'G stage: ' : 'first stage: ')
    + stopReason(res.stop, res.faultLevel, g);
  if (res.fault === GuestFault.GUEST_PAGE) {
    const fg = res.faultGpa;
    return failWith(guestPageCause(access), why,
      { ...extra, iotval2: fg - (fg % 4) + (res.implicit ? 1 : 0) + (res.implicit && res.implicitWrite ? 2 : 0), gpa: res.implicit ? undefined : fg });
  }
  const page = res.fault === GuestFault.PAGE;
  const cause = access === Access.FETCH ? (page ? 12 : 1) : access === Access.LOAD ? (page ? 13 : 5) : (page ? 15 : 7);
  return failWith(cause, why, extra);
}

function pushRefs(steps: IommuStep[], res: TwoStageResult): void {
  for (let k = 0; k < res.refs; k++) {
    steps.push({
      kind: res.refStage[k] === Stage.VS ? 'S1' : 'S2', level: res.refLevel[k], addr: res.refAddr[k], spa: res.refSpa[k],
      values: [(BigInt(res.refHi[k] >>> 0) << 32n) | BigInt(res.refLo[k] >>> 0)],
    });
  }
}

/** Result of Iommu.translateMsi. */
export interface MsiTranslation {
  /** The address is on a virtual interrupt file page of the device's MSI address pattern. */
  isMsi: boolean;
  ok: boolean;
  spa?: number;
  cause?: number;
  causeName?: string;
  reason: string;
  /** Interrupt file number and the MSI PTE read. */
  file?: number;
  pteAddr?: number;
  pte?: bigint[];
}

/** MSI address translation of gpa for deviceId, without side effects. */
export function msiTranslate(iommu: Iommu, deviceId: number, gpa: number): MsiTranslation {
  const d = dcFor(iommu, deviceId, null);
  if (d.dc === null) return { isMsi: false, ok: false, cause: d.cause, causeName: CAUSE_NAMES[d.cause], reason: d.why };
  const m = translateMsi(iommu.ram, d.dc, gpa);
  if (!m.isMsi) return { isMsi: false, ok: false, reason: 'not a virtual interrupt file page of this device' };
  const pte = m.pte.length > 0 ? [dw(m.pte, 0), dw(m.pte, 1)] : undefined;
  if (m.cause !== 0) {
    return { isMsi: true, ok: false, cause: m.cause, causeName: CAUSE_NAMES[m.cause], reason: m.why, file: m.file, pteAddr: m.pteAddr, pte };
  }
  return { isMsi: true, ok: true, spa: m.spa, reason: `interrupt file ${m.file}`, file: m.file, pteAddr: m.pteAddr, pte };
}
