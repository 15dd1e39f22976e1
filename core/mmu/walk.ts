// The page-table walker: Sv39/Sv48/Sv57 (single stage) and Sv39x4/Sv48x4/Sv57x4 (G-stage), following
// supervisor.adoc "Virtual Address Translation Process" step by step. Allocation-free; no BigInt.

/** Kind of memory access being translated or checked. */
export const enum Access { FETCH = 0, LOAD = 1, STORE = 2 }

/** Outcome of a walk, as the trap logic needs it (the caller picks the exception cause). */
export const enum WalkStatus { OK = 0, PAGE_FAULT = 1, ACCESS_FAULT = 2 }

/** satp.MODE / hgatp.MODE encodings (G-stage Sv39x4/Sv48x4/Sv57x4 use the same numbers). */
export const enum PagingMode { BARE = 0, SV39 = 8, SV48 = 9, SV57 = 10 }

/** A satp/vsatp (or, with `gstage`, hgatp/iohgatp) MODE's name: 'Sv39', 'Sv48x4', 'Bare'; undefined if reserved. */
export function pagingModeName(mode: number, gstage = false): string | undefined {
  const name = ({ 0: 'Bare', 8: 'Sv39', 9: 'Sv48', 10: 'Sv57' } as Record<number, string>)[mode];
  return name === undefined ? undefined : gstage && mode !== 0 ? name + 'x4' : name;
}

/** PTE bits 7:0 (supervisor.adoc "Sv32 ... Page-Table Entry" layout, shared by Sv39/48/57). */
export const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_G = 32, PTE_A = 64, PTE_D = 128;

/** Implicit page-table memory accesses (hart: straight to RAM; later the IOMMU uses the same walker). */
export interface PtePort {
  /** Reads the 8-byte PTE at pa into out[0] (bits 31:0) and out[1] (bits 63:32); false = access fault. */
  readPte(pa: number, out: Int32Array): boolean;
  /**
   * Atomically replaces PTE bits 31:0 at pa with newLo if they still equal expectLo. Returns PTE_UPDATED,
   * PTE_CHANGED (the PTE no longer equals expectLo: the walk restarts) or PTE_FAULT (the write cannot be made).
   */
  updatePteLo(pa: number, expectLo: number, newLo: number): number;
}

/** Results of PtePort.updatePteLo. */
export const PTE_UPDATED = 0, PTE_CHANGED = 1, PTE_FAULT = 2;

/** Physical-memory protection check for the PTE reads themselves (Pmp implements it). */
export interface PhysChecker {
  check(pa: number, size: number, access: Access, priv: number): boolean;
}

/** Inputs of one translation. Reused by callers (allocate once, fill per walk). */
export class WalkRequest {
  /** PagingMode of satp / vsatp / hgatp. */
  mode = 0;
  /** Root page-table frame number (G-stage: the first of the four pages of the 16 KiB-aligned root; hgatp
   *  keeps PPN bits 1:0 zero, so the walker uses the value as given). */
  rootPpn = 0;
  /** Virtual (or, for G-stage, guest-physical) address bits 31:0 and 63:32. */
  vaLo = 0;
  vaHi = 0;
  access: Access = Access.LOAD;
  /** Effective privilege of the access: 0 = U, 1 = S (ignored for G-stage walks). */
  priv = 1;
  /** mstatus.SUM (ignored for G-stage walks). */
  sum = false;
  /** mstatus.MXR (for two-stage translation the caller combines vsstatus.MXR and mstatus.MXR). */
  mxr = false;
  /** menvcfg.ADUE (Svadu): hardware updates A/D; when false, A=0 / D=0 faults (Svade). */
  adue = false;
  /** A G-stage walk (hypervisor.adoc "Two-Stage Address Translation"): va is a guest physical address. */
  gstage = false;
  /** Inspection walk: no memory writes at all; A/D updates are reported in wouldSetA / wouldSetD. */
  debug = false;
}

/** Why a walk stopped (WalkStop.OK on success). */
export const enum WalkStop {
  OK = 0,
  /** va not sign-extended from its top bit (G-stage: gpa bits above 41/50/59 not zero). */
  NOT_CANONICAL,
  /** The PTE read was denied by PMP or is not backed by memory. */
  PTE_ACCESS,
  /** PTE V = 0. */
  INVALID,
  /** PTE R = 0 and W = 1 (reserved encoding). */
  RESERVED_WR,
  /** PTE bits 60:54 are reserved for future standard use. */
  RESERVED_BITS,
  /** PTE N (bit 63, Svnapot) or PBMT (62:61, Svpbmt) set: neither extension is implemented. */
  UNSUPPORTED_EXT,
  /** Non-leaf PTE with D, A or U set (reserved for non-leaf PTEs). */
  NONLEAF_ADU,
  /** A pointer PTE at level 0: no leaf was reached. */
  NO_LEAF,
  /** Leaf at level > 0 whose PPN low bits are not zero. */
  MISALIGNED_SUPERPAGE,
  /** U-mode access to a supervisor page (U = 0). */
  USER_TO_SUPERVISOR,
  /** S-mode data access to a user page with SUM = 0. */
  SUPERVISOR_TO_USER,
  /** S-mode instruction fetch from a user page (never allowed, whatever SUM says). */
  SUPERVISOR_FETCH_USER,
  /** G-stage leaf without U = 1 (every G-stage access is a user-level access). */
  GSTAGE_NOT_USER,
  /** The R/W/X bits do not allow the access. */
  PERMISSION,
  /** A = 0 and hardware A/D updating is off (Svade). */
  ACCESSED,
  /** Store to a page with D = 0 and hardware A/D updating is off (Svade). */
  DIRTY,
  /** The A/D update store was denied by PMP. */
  AD_ACCESS,
  /** The PTE kept changing under the A/D update; the walk gave up after several restarts. */
  AD_UPDATE_FAILED,
}

/** Outputs of one translation. Reused by callers. */
export class WalkResult {
  /** 4 KiB frame number of the translated address (superpage offset bits from the va already merged). */
  ppn = 0;
  /** Leaf level: 0 = 4K, 1 = 2M, 2 = 1G, 3 = 512G, 4 = 256T. On a fault: the level where the walk stopped. */
  level = 0;
  /** The last PTE read (the leaf on success, after any A/D update) and its physical address. */
  pteLo = 0;
  pteHi = 0;
  pteAddr = 0;
  stop = WalkStop.OK;
  /** Every memory reference of the walk, for the debugger: level, PTE address, PTE value. */
  steps = 0;
  readonly stepLevel = new Int32Array(6);
  readonly stepAddr = new Float64Array(6);
  readonly stepLo = new Int32Array(6);
  readonly stepHi = new Int32Array(6);
  /** Debug walks: the A/D bits a real access would set. */
  wouldSetA = false;
  wouldSetD = false;
}

/** Number of page-table levels of a paging mode: 3/4/5, 0 for bare (or an unsupported mode). */
export function pagingLevels(mode: number): number {
  return mode === PagingMode.SV39 ? 3 : mode === PagingMode.SV48 ? 4 : mode === PagingMode.SV57 ? 5 : 0;
}

/** How often the walk restarts when the PTE changes between the read and the A/D update. */
const MAX_RESTARTS = 4;
/** PTE bits 60:54 (reserved) as seen in the high word. */
const PTE_HI_RESERVED = 0x1fc00000;
/** PTE bits 63:61 (N, PBMT) as seen in the high word. */
const PTE_HI_N_PBMT = 0xe0000000 | 0;
const TWO_32 = 4294967296;
/** Number of 4 KiB frames in a page of each level (4K, 2M, 1G, 512G, 256T). */
const FRAMES_PER_PAGE = [1, 512, 262144, 134217728, 68719476736];

const pteBuf = new Int32Array(2);

/** vpn[i] of (lo, hi): `bits` bits starting at bit 12 + 9i. */
export function vpnField(lo: number, hi: number, i: number, bits: number): number {
  const s = 12 + 9 * i;
  const mask = (1 << bits) - 1;
  return s < 32 ? ((lo >>> s) | (hi << (32 - s))) & mask : (hi >>> (s - 32)) & mask;
}

/** va bits (12 + 9·level − 1):12 — the 4 KiB frame offset of va inside a page of that level. */
export function frameOffsetInPage(lo: number, hi: number, level: number): number {
  if (level === 0) return 0;
  const low32 = ((lo >>> 12) | (hi << 20)) >>> 0;
  if (level < 4) return low32 & ((1 << (9 * level)) - 1);
  return low32 + ((hi >>> 12) & ((1 << (9 * level - 32)) - 1)) * TWO_32;   // va bits 47:44 = hi bits 15:12
}

function fail(res: WalkResult, stop: WalkStop, status: WalkStatus): WalkStatus {
  res.stop = stop;
  return status;
}

/**
 * Translates req.va. On success fills res (ppn, level, leaf PTE) and returns OK; otherwise res.stop says
 * why, and the status says which exception class (page fault or access fault) the caller raises. For
 * G-stage walks a PAGE_FAULT is the caller's guest-page fault.
 *
 * Not implemented (a PTE using them is a page fault, as for reserved bits): Svnapot (N, bit 63) and
 * Svpbmt (PBMT, bits 62:61). G bits of non-leaf PTEs are not propagated: the leaf's own G is reported
 * (treating a global mapping as non-global is always safe).
 */
export function walk(req: WalkRequest, res: WalkResult, port: PtePort, pmp: PhysChecker | null): WalkStatus {
  const lo = req.vaLo, hi = req.vaHi;
  const levels = pagingLevels(req.mode);
  res.steps = 0; res.wouldSetA = false; res.wouldSetD = false; res.ppn = 0;
  res.pteLo = 0; res.pteHi = 0; res.pteAddr = 0; res.level = 0;
  if (levels === 0) {
    // Bare: identity.
    res.ppn = (hi >>> 0) * 1048576 + (lo >>> 12);
    res.stop = WalkStop.OK;
    return WalkStatus.OK;
  }
  const gstage = req.gstage;
  const vaBits = 12 + 9 * levels;                 // 39 / 48 / 57
  if (gstage) {
    // hypervisor.adoc "Guest Physical Address Translation": a gpa has 2 more bits (41/50/59); above them: zero.
    if ((hi >>> (vaBits + 2 - 32)) !== 0) return fail(res, WalkStop.NOT_CANONICAL, WalkStatus.PAGE_FAULT);
  } else {
    // supervisor.adoc Sv39/48/57: bits 63:VA-width must all equal bit VA-width−1.
    const top = hi >> (vaBits - 1 - 32);
    if (top !== 0 && top !== -1) return fail(res, WalkStop.NOT_CANONICAL, WalkStatus.PAGE_FAULT);
  }
  const access = req.access;
  const isStore = access === Access.STORE;
  for (let attempt = 0; attempt <= MAX_RESTARTS; attempt++) {
    res.steps = 0;
    // Step 1: a = root × PAGESIZE, i = LEVELS − 1.
    let a = req.rootPpn * 4096;
    let i = levels - 1;
    let pteLo = 0, pteHi = 0, pteAddr = 0, ppn = 0;
    for (;;) {
      // Step 2: read the PTE at a + vpn[i] × 8 (the G-stage root index has 2 more bits).
      const idx = vpnField(lo, hi, i, gstage && i === levels - 1 ? 11 : 9);
      pteAddr = a + idx * 8;
      res.level = i; res.pteAddr = pteAddr; res.pteLo = 0; res.pteHi = 0;
      const k = res.steps;
      if (k < 6) { res.stepLevel[k] = i; res.stepAddr[k] = pteAddr; res.stepLo[k] = 0; res.stepHi[k] = 0; res.steps = k + 1; }
      // Implicit page-table accesses are S-mode loads for PMP (machine.adoc "Physical Memory Protection and Paging").
      if (pmp !== null && !pmp.check(pteAddr, 8, Access.LOAD, 1)) return fail(res, WalkStop.PTE_ACCESS, WalkStatus.ACCESS_FAULT);
      if (!port.readPte(pteAddr, pteBuf)) return fail(res, WalkStop.PTE_ACCESS, WalkStatus.ACCESS_FAULT);
      pteLo = pteBuf[0]; pteHi = pteBuf[1];
      res.pteLo = pteLo; res.pteHi = pteHi;
      if (k < 6) { res.stepLo[k] = pteLo; res.stepHi[k] = pteHi; }
      // Step 3: V = 0, R = 0 with W = 1, or reserved bits → page fault.
      if ((pteLo & PTE_V) === 0) return fail(res, WalkStop.INVALID, WalkStatus.PAGE_FAULT);
      if ((pteLo & (PTE_R | PTE_W)) === PTE_W) return fail(res, WalkStop.RESERVED_WR, WalkStatus.PAGE_FAULT);
      if ((pteHi & PTE_HI_RESERVED) !== 0) return fail(res, WalkStop.RESERVED_BITS, WalkStatus.PAGE_FAULT);
      if ((pteHi & PTE_HI_N_PBMT) !== 0) return fail(res, WalkStop.UNSUPPORTED_EXT, WalkStatus.PAGE_FAULT);
      // PPN: PTE bits 53:10 (44 bits) = pteHi 21:0 ‖ pteLo 31:10.
      ppn = (pteHi & 0x3fffff) * 4194304 + (pteLo >>> 10);
      // Step 4: a leaf has R or X set; otherwise descend.
      if ((pteLo & (PTE_R | PTE_X)) !== 0) break;
      // D, A and U are reserved for future standard use in non-leaf PTEs.
      if ((pteLo & (PTE_D | PTE_A | PTE_U)) !== 0) return fail(res, WalkStop.NONLEAF_ADU, WalkStatus.PAGE_FAULT);
      if (i === 0) return fail(res, WalkStop.NO_LEAF, WalkStatus.PAGE_FAULT);
      i--;
      a = ppn * 4096;
    }
    // Step 5: a superpage's PPN must be aligned to its size.
    if (i > 0 && ppn % FRAMES_PER_PAGE[i] !== 0) return fail(res, WalkStop.MISALIGNED_SUPERPAGE, WalkStatus.PAGE_FAULT);
    // Step 6: the U bit against the privilege mode and SUM.
    if (gstage) {
      // hypervisor.adoc "Guest Physical Address Translation": G-stage accesses are user-level accesses.
      if ((pteLo & PTE_U) === 0) return fail(res, WalkStop.GSTAGE_NOT_USER, WalkStatus.PAGE_FAULT);
    } else if ((pteLo & PTE_U) !== 0) {
      if (req.priv !== 0) {
        // SUM lets S-mode load/store user pages, never execute them (supervisor.adoc "Memory Privilege in sstatus").
        if (access === Access.FETCH) return fail(res, WalkStop.SUPERVISOR_FETCH_USER, WalkStatus.PAGE_FAULT);
        if (!req.sum) return fail(res, WalkStop.SUPERVISOR_TO_USER, WalkStatus.PAGE_FAULT);
      }
    } else if (req.priv === 0) {
      return fail(res, WalkStop.USER_TO_SUPERVISOR, WalkStatus.PAGE_FAULT);
    }
    // Step 8: R/W/X (MXR makes executable pages readable). Step 7 (shadow stacks) does not apply: no Zicfiss.
    let allowed: boolean;
    if (access === Access.FETCH) allowed = (pteLo & PTE_X) !== 0;
    else if (access === Access.LOAD) allowed = (pteLo & PTE_R) !== 0 || (req.mxr && (pteLo & PTE_X) !== 0);
    else allowed = (pteLo & PTE_W) !== 0;
    if (!allowed) return fail(res, WalkStop.PERMISSION, WalkStatus.PAGE_FAULT);
    // Step 9: A and D.
    const needA = (pteLo & PTE_A) === 0;
    const needD = isStore && (pteLo & PTE_D) === 0;
    if (needA || needD) {
      if (!req.adue) return fail(res, needA ? WalkStop.ACCESSED : WalkStop.DIRTY, WalkStatus.PAGE_FAULT);
      const newLo = pteLo | PTE_A | (isStore ? PTE_D : 0);
      if (req.debug) {
        res.wouldSetA = needA; res.wouldSetD = needD;
      } else {
        if (pmp !== null && !pmp.check(pteAddr, 8, Access.STORE, 1)) return fail(res, WalkStop.AD_ACCESS, WalkStatus.ACCESS_FAULT);
        // Compare-and-set; if the PTE changed since it was read, go back to step 2 (from the root).
        const u = port.updatePteLo(pteAddr, pteLo, newLo);
        if (u === PTE_CHANGED) continue;
        if (u === PTE_FAULT) return fail(res, WalkStop.AD_ACCESS, WalkStatus.ACCESS_FAULT);
        pteLo = newLo;
        res.pteLo = newLo;
      }
    }
    // Step 10: pa.ppn = pte.ppn with the superpage's low vpn bits taken from the va.
    res.ppn = ppn + frameOffsetInPage(lo, hi, i);
    res.level = i;
    res.stop = WalkStop.OK;
    return WalkStatus.OK;
  }
  // The PTE changed under every update attempt: report a page fault, so software re-examines it and retries.
  return fail(res, WalkStop.AD_UPDATE_FAILED, WalkStatus.PAGE_FAULT);
}
