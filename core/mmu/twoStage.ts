// Two-stage address translation (hypervisor.adoc "Two-Stage Address Translation"): a guest virtual address
// goes through the VS-stage tables (vsatp) to a guest physical address, and every guest physical address —
// the final one and the address of each VS-stage PTE — goes through the G-stage tables (hgatp) to a
// supervisor physical address. Both stages use the one walker in walk.ts; this file only chains them and
// records every memory reference (the "2D walk": up to 24 references for Sv48 over Sv48x4).
// Allocation-free; no BigInt.

import {
  Access, PTE_FAULT, type PhysChecker, type PtePort, WalkRequest, WalkResult, WalkStatus,
  WalkStop, pagingLevels, walk,
} from './walk';

/** Which stage a fault or a memory reference belongs to. */
export const enum Stage { VS = 0, G = 1 }

/** How a two-stage translation failed (NONE on success). */
export const enum GuestFault {
  NONE = 0,
  /** VS-stage page fault: cause 12/13/15, tval = gVA. */
  PAGE,
  /** Access fault (a PTE or the final address is not readable memory, or PMP denies it): cause 1/5/7. */
  ACCESS,
  /** G-stage fault: guest-page fault, cause 20/21/23, htval = faultGpa >> 2. */
  GUEST_PAGE,
}

/** Most references a walk can make: 5 VS levels, each preceded by a 5-level G walk, then the final G walk. */
export const MAX_REFS = 40;

/** Inputs of one two-stage translation. Reused (allocate once, fill per walk). */
export class TwoStageRequest {
  /** vsatp.MODE and root frame. */
  vsMode = 0;
  vsRootPpn = 0;
  /** hgatp.MODE and root frame (the first of the four root pages). */
  gMode = 0;
  gRootPpn = 0;
  vaLo = 0;
  vaHi = 0;
  /** Access whose permission is checked (HLVX passes FETCH: execute permission replaces read). */
  access: Access = Access.LOAD;
  /** Nominal privilege of the access: 0 = VU, 1 = VS. */
  priv = 1;
  /** vsstatus.SUM. */
  sum = false;
  /** VS-stage MXR: vsstatus.MXR or the HS-level mstatus.MXR. */
  mxrVs = false;
  /** G-stage MXR: the HS-level mstatus.MXR only (vsstatus.MXR does not override G-stage permissions). */
  mxrG = false;
  /** henvcfg.ADUE (VS-stage) and menvcfg.ADUE (G-stage): hardware A/D updating. */
  adueVs = false;
  adueG = false;
  /** Inspection walk: nothing is written; A/D updates are reported instead. */
  debug = false;
  /** Stop after the VS stage: res.gpa holds the guest physical address, res.ppn its frame and res.level the VS
   *  leaf level (the IOMMU looks for MSI pages before the G stage, iommu_data_structures.adoc "Process to
   *  translate an IOVA" step 18). */
  vsOnly = false;
}

/** Outputs of one two-stage translation. */
export class TwoStageResult {
  /** Supervisor physical frame of the translated address. */
  ppn = 0;
  /** Level of the combined mapping: the smaller of the two stages' leaf levels. */
  level = 0;
  /** Level of the VS-stage leaf (the guest's page size; 4 when vsatp is Bare). */
  vsLevel = 0;
  /** Level of the G-stage leaf of the final guest physical address (4 when hgatp is Bare). */
  gLevel = 0;
  /** The guest physical address the VS stage produced (valid on success and for final G-stage faults). */
  gpa = 0;
  /** Leaf PTE bits 31:0 of each stage (VS: 0 when vsatp is Bare; G: 0 when hgatp is Bare). */
  vsPteLo = 0;
  gPteLo = 0;
  fault = GuestFault.NONE;
  /** Stage whose walk stopped, and why (WalkStop), for fault reports. */
  faultStage = Stage.VS;
  stop = WalkStop.OK;
  /** Level where the failing walk stopped. */
  faultLevel = 0;
  /** Guest physical address that failed G-stage translation (the PTE's for implicit accesses). */
  faultGpa = 0;
  /** The G-stage fault came from an implicit access of the VS-stage walk (a PTE read, or its A/D write). */
  implicit = false;
  implicitWrite = false;
  /** Every memory reference in order: stage, level, address (gPA for VS-stage PTEs, sPA for G-stage ones),
   *  the supervisor physical address actually read, and the value read. */
  refs = 0;
  readonly refStage = new Uint8Array(MAX_REFS);
  readonly refLevel = new Int8Array(MAX_REFS);
  readonly refAddr = new Float64Array(MAX_REFS);
  readonly refSpa = new Float64Array(MAX_REFS);
  readonly refLo = new Int32Array(MAX_REFS);
  readonly refHi = new Int32Array(MAX_REFS);
  /** Debug walks: A/D bits a real access would set in the VS-stage and G-stage leaves. */
  wouldSetA = false;
  wouldSetD = false;
}

/**
 * Chains the VS-stage and G-stage walks. It is the VS-stage walk's PtePort: each PTE read or A/D update
 * first translates the PTE's guest physical address through the G stage (as an implicit load or store,
 * hypervisor.adoc: "permissions and the need to set A and/or D bits at the G-stage level are checked as
 * though for an implicit load or store"), then checks PMP and touches supervisor physical memory.
 */
export class TwoStageWalker implements PtePort {
  private readonly vsReq = new WalkRequest();
  private readonly vsRes = new WalkResult();
  private readonly gReq = new WalkRequest();
  private readonly gRes = new WalkResult();
  private res: TwoStageResult = new TwoStageResult();
  /** VS-stage reads whose level is filled in once the VS walk reports its step levels. */
  private readonly vsRefIdx = new Int32Array(8);
  private vsRefs = 0;

  constructor(private readonly host: PtePort, private readonly pmp: PhysChecker | null) {}

  /** Translates req.va; returns OK or the exception class (res.fault says which kind of fault). */
  translate(req: TwoStageRequest, res: TwoStageResult): WalkStatus {
    this.res = res;
    res.refs = 0; res.fault = GuestFault.NONE; res.stop = WalkStop.OK; res.implicit = false; res.implicitWrite = false;
    res.vsPteLo = 0; res.gPteLo = 0; res.wouldSetA = false; res.wouldSetD = false;
    this.vsRefs = 0;
    const g = this.gReq;
    g.mode = req.gMode; g.rootPpn = req.gRootPpn; g.priv = 0; g.sum = false; g.mxr = req.mxrG; g.adue = req.adueG;
    g.gstage = true; g.debug = req.debug;
    let gpaFrame: number, vsLevel: number;
    const vsLevels = pagingLevels(req.vsMode);
    if (vsLevels === 0) {
      // vsatp Bare: the guest virtual address is the guest physical address.
      gpaFrame = (req.vaHi >>> 0) * 1048576 + (req.vaLo >>> 12);
      vsLevel = 4;
    } else {
      const v = this.vsReq;
      v.mode = req.vsMode; v.rootPpn = req.vsRootPpn; v.vaLo = req.vaLo; v.vaHi = req.vaHi; v.access = req.access;
      v.priv = req.priv; v.sum = req.sum; v.mxr = req.mxrVs; v.adue = req.adueVs; v.gstage = false; v.debug = req.debug;
      const st = walk(v, this.vsRes, this, null);
      const vr = this.vsRes;
      // The VS walk's own step log holds the levels of its reads, in order.
      for (let k = 0; k < this.vsRefs && k < vr.steps; k++) res.refLevel[this.vsRefIdx[k]] = vr.stepLevel[k];
      res.vsPteLo = vr.pteLo;
      if (st !== WalkStatus.OK) {
        res.faultStage = res.implicit ? Stage.G : Stage.VS;
        res.faultLevel = res.implicit ? this.gRes.level : vr.level;
        if (res.implicit) {
          if (res.stop === WalkStop.OK) res.stop = this.gRes.stop;
          return (res.fault as GuestFault) === GuestFault.GUEST_PAGE ? WalkStatus.PAGE_FAULT : WalkStatus.ACCESS_FAULT;
        }
        res.stop = vr.stop;
        res.fault = st === WalkStatus.PAGE_FAULT ? GuestFault.PAGE : GuestFault.ACCESS;
        return st;
      }
      if (req.debug) { res.wouldSetA = vr.wouldSetA; res.wouldSetD = vr.wouldSetD; }
      gpaFrame = vr.ppn;
      vsLevel = vr.level;
    }
    // G-stage translation of the final guest physical address, for the original access.
    const gpa = gpaFrame * 4096 + (req.vaLo & 4095);
    res.gpa = gpa;
    if (req.vsOnly) { res.ppn = gpaFrame; res.level = vsLevel; res.vsLevel = vsLevel; return WalkStatus.OK; }
    const st = this.gWalk(gpa, req.access);
    if (st !== WalkStatus.OK) {
      res.faultStage = Stage.G; res.stop = this.gRes.stop; res.faultLevel = this.gRes.level; res.faultGpa = gpa;
      res.fault = st === WalkStatus.PAGE_FAULT ? GuestFault.GUEST_PAGE : GuestFault.ACCESS;
      return st;
    }
    const gLevel = pagingLevels(req.gMode) === 0 ? 4 : this.gRes.level;
    res.gPteLo = pagingLevels(req.gMode) === 0 ? 0 : this.gRes.pteLo;
    if (req.debug) { res.wouldSetA = res.wouldSetA || this.gRes.wouldSetA; res.wouldSetD = res.wouldSetD || this.gRes.wouldSetD; }
    res.ppn = this.gRes.ppn;
    // The combined mapping is only as large as the smaller of the two pages (a 2 MiB guest page over 4 KiB
    // host pages is cached as 4 KiB pages).
    res.level = vsLevel < gLevel ? vsLevel : gLevel;
    res.vsLevel = vsLevel;
    res.gLevel = gLevel;
    if (vsLevels === 0 && pagingLevels(req.gMode) === 0) res.level = 0;
    return WalkStatus.OK;
  }

  /** G-stage walk of gpa for `access`, appending its references to the log. */
  private gWalk(gpa: number, access: Access): WalkStatus {
    const g = this.gReq, gr = this.gRes;
    g.vaLo = gpa % 4294967296 | 0;
    g.vaHi = Math.floor(gpa / 4294967296) | 0;
    g.access = access;
    const st = walk(g, gr, this.host, this.pmp);
    const res = this.res;
    for (let k = 0; k < gr.steps && res.refs < MAX_REFS; k++) {
      const i = res.refs++;
      res.refStage[i] = Stage.G; res.refLevel[i] = gr.stepLevel[k];
      res.refAddr[i] = gr.stepAddr[k]; res.refSpa[i] = gr.stepAddr[k];
      res.refLo[i] = gr.stepLo[k]; res.refHi[i] = gr.stepHi[k];
    }
    return st;
  }

  /** Records an implicit-access failure of the VS walk at guest physical address gpa. */
  private implicitFault(gpa: number, write: boolean, kind: GuestFault, stop: WalkStop): void {
    const res = this.res;
    res.implicit = true; res.implicitWrite = write; res.faultGpa = gpa; res.fault = kind; res.stop = stop;
  }

  // ---- PtePort for the VS-stage walk: addresses are guest physical ----

  readPte(gpa: number, out: Int32Array): boolean {
    const st = this.gWalk(gpa, Access.LOAD);
    if (st !== WalkStatus.OK) {
      this.implicitFault(gpa, false, st === WalkStatus.PAGE_FAULT ? GuestFault.GUEST_PAGE : GuestFault.ACCESS, this.gRes.stop);
      return false;
    }
    const spa = this.gRes.ppn * 4096 + (gpa & 4095);
    const res = this.res;
    // Implicit VS-stage page-table accesses are S-level loads for PMP.
    if ((this.pmp !== null && !this.pmp.check(spa, 8, Access.LOAD, 1)) || !this.host.readPte(spa, out)) {
      this.implicitFault(gpa, false, GuestFault.ACCESS, WalkStop.PTE_ACCESS);
      return false;
    }
    if (res.refs < MAX_REFS) {
      const i = res.refs++;
      res.refStage[i] = Stage.VS; res.refLevel[i] = 0;
      res.refAddr[i] = gpa; res.refSpa[i] = spa; res.refLo[i] = out[0]; res.refHi[i] = out[1];
      if (this.vsRefs < 8) this.vsRefIdx[this.vsRefs++] = i;
    }
    return true;
  }

  updatePteLo(gpa: number, expectLo: number, newLo: number): number {
    const st = this.gWalk(gpa, Access.STORE);
    if (st !== WalkStatus.OK) {
      this.implicitFault(gpa, true, st === WalkStatus.PAGE_FAULT ? GuestFault.GUEST_PAGE : GuestFault.ACCESS, this.gRes.stop);
      return PTE_FAULT;
    }
    const spa = this.gRes.ppn * 4096 + (gpa & 4095);
    if (this.pmp !== null && !this.pmp.check(spa, 8, Access.STORE, 1)) {
      this.implicitFault(gpa, true, GuestFault.ACCESS, WalkStop.AD_ACCESS);
      return PTE_FAULT;
    }
    const u = this.host.updatePteLo(spa, expectLo, newLo);
    if (u === PTE_FAULT) this.implicitFault(gpa, true, GuestFault.ACCESS, WalkStop.AD_ACCESS);
    return u;
  }
}
