// Side-effect-free translation for the debugger: the real walker in debug mode, reported with bigints and reasons.

import { Access, type PtePort, WalkRequest, WalkResult, WalkStatus, WalkStop, pagingLevels, walk } from './walk';
import { GuestFault, Stage, TwoStageRequest, TwoStageResult, TwoStageWalker } from './twoStage';

/** One page-table read of a walk. */
export interface WalkStep {
  level: number;
  pteAddr: bigint;
  pte: bigint;
  /** Two-stage walks: which stage read this PTE; pteAddr is then a guest physical address for 'VS' steps, and
   *  spa the supervisor physical address actually read. */
  stage?: 'VS' | 'G';
  spa?: bigint;
}

/** What a translation would do, without doing any of it. */
export interface DebugTranslation {
  ok: boolean;
  pa?: bigint;
  /** Leaf level on success (0 = 4K, 1 = 2M, …). */
  level?: number;
  steps: WalkStep[];
  fault?: 'page' | 'access';
  /** Human-readable outcome, e.g. 'PTE at level 1 not valid (V=0)'. */
  reason: string;
  /** The A / D bits a real access would set in the leaf PTE. */
  wouldSetA: boolean;
  wouldSetD: boolean;
}

/** Options of translateDebug. */
export interface DebugTranslateOptions {
  /** PagingMode (satp / vsatp / hgatp MODE field). */
  mode: number;
  rootPpn: bigint | number;
  va: bigint;
  access: 'fetch' | 'load' | 'store';
  priv: 'U' | 'S';
  sum?: boolean;
  mxr?: boolean;
  /** G-stage walk: va is a guest physical address (Sv39x4 / Sv48x4 / Sv57x4). */
  gstage?: boolean;
  /** menvcfg.ADUE: when false, a clear A (or D, for stores) is a page fault. Default true. */
  adue?: boolean;
}

const req = new WalkRequest();
const res = new WalkResult();

/** Translates opts.va as the hardware would, never writing memory (A/D updates are reported, not made). */
export function translateDebug(port: PtePort, opts: DebugTranslateOptions): DebugTranslation {
  const va = BigInt.asUintN(64, opts.va);
  req.mode = opts.mode;
  req.rootPpn = Number(opts.rootPpn);
  req.vaLo = Number(va & 0xffffffffn) | 0;
  req.vaHi = Number(va >> 32n) | 0;
  req.access = opts.access === 'fetch' ? Access.FETCH : opts.access === 'load' ? Access.LOAD : Access.STORE;
  req.priv = opts.priv === 'U' ? 0 : 1;
  req.sum = opts.sum ?? false;
  req.mxr = opts.mxr ?? false;
  req.gstage = opts.gstage ?? false;
  req.adue = opts.adue ?? true;
  req.debug = true;
  const st = walk(req, res, port, null);
  const steps: WalkStep[] = [];
  for (let k = 0; k < res.steps; k++) {
    steps.push({
      level: res.stepLevel[k],
      pteAddr: BigInt(res.stepAddr[k]),
      pte: (BigInt(res.stepHi[k] >>> 0) << 32n) | BigInt(res.stepLo[k] >>> 0),
    });
  }
  if (st === WalkStatus.OK) {
    const pa = BigInt(res.ppn) * 4096n + (va & 0xfffn);
    const bare = pagingLevels(opts.mode) === 0;
    return {
      ok: true, pa, level: res.level, steps,
      reason: bare ? 'bare mode: no translation' : `${LEVEL_NAMES[res.level] ?? 'level ' + res.level} page, leaf at level ${res.level}`,
      wouldSetA: res.wouldSetA, wouldSetD: res.wouldSetD,
    };
  }
  return {
    ok: false, steps, fault: st === WalkStatus.PAGE_FAULT ? 'page' : 'access',
    reason: stopReason(res.stop, res.level, req.gstage), wouldSetA: false, wouldSetD: false,
  };
}

const LEVEL_NAMES = ['4 KiB', '2 MiB', '1 GiB', '512 GiB', '256 TiB'];

/** A sentence for why a walk stopped at `level`. */
export function stopReason(stop: WalkStop, level: number, gstage = false): string {
  const at = `PTE at level ${level}`;
  switch (stop) {
    case WalkStop.OK: return 'translated';
    case WalkStop.NOT_CANONICAL:
      return gstage ? 'guest physical address too wide (bits above the Sv*x4 width must be zero)'
        : 'virtual address not canonical (upper bits must copy the top address bit)';
    case WalkStop.PTE_ACCESS: return `${at} cannot be read (PMP denies it or no memory there)`;
    case WalkStop.INVALID: return `${at} not valid (V=0)`;
    case WalkStop.RESERVED_WR: return `${at} has the reserved encoding W=1 with R=0`;
    case WalkStop.RESERVED_BITS: return `${at} has reserved bits 60:54 set`;
    case WalkStop.UNSUPPORTED_EXT: return `${at} sets N or PBMT (Svnapot/Svpbmt are not implemented)`;
    case WalkStop.NONLEAF_ADU: return `non-leaf ${at} has D, A or U set (reserved in non-leaf PTEs)`;
    case WalkStop.NO_LEAF: return 'level 0 PTE is a pointer: no leaf PTE found';
    case WalkStop.MISALIGNED_SUPERPAGE: return `misaligned superpage: leaf ${at} has non-zero low PPN bits`;
    case WalkStop.USER_TO_SUPERVISOR: return `U-mode access to a supervisor page (${at} has U=0)`;
    case WalkStop.SUPERVISOR_TO_USER: return `S-mode access to a user page with SUM=0 (${at} has U=1)`;
    case WalkStop.SUPERVISOR_FETCH_USER: return `S-mode fetch from a user page (${at} has U=1; SUM never allows it)`;
    case WalkStop.GSTAGE_NOT_USER: return `G-stage leaf ${at} has U=0 (G-stage accesses are user accesses)`;
    case WalkStop.PERMISSION: return `leaf ${at} does not permit this access (R/W/X)`;
    case WalkStop.ACCESSED: return `leaf ${at} has A=0 and hardware A/D updating is off`;
    case WalkStop.DIRTY: return `leaf ${at} has D=0 for a store and hardware A/D updating is off`;
    case WalkStop.AD_ACCESS: return `PMP denies the A/D update of ${at}`;
    case WalkStop.AD_UPDATE_FAILED: return `${at} kept changing during the A/D update`;
  }
  return `walk stopped at level ${level}`;
}

/** Options of translateGuestDebug: the guest's vsatp and the hypervisor's hgatp. */
export interface GuestTranslateOptions {
  vsMode: number;
  vsRootPpn: bigint | number;
  gMode: number;
  gRootPpn: bigint | number;
  va: bigint;
  access: 'fetch' | 'load' | 'store';
  /** Guest privilege: VU or VS. */
  priv: 'U' | 'S';
  /** vsstatus.SUM. */
  sum?: boolean;
  /** vsstatus.MXR (VS stage only) and the HS-level mstatus.MXR (both stages). */
  vsMxr?: boolean;
  mxr?: boolean;
  /** henvcfg.ADUE and menvcfg.ADUE. Default true. */
  adueVs?: boolean;
  adueG?: boolean;
}

/** A two-stage translation as the debugger shows it: the guest physical address and both stages' steps. */
export interface GuestTranslation extends DebugTranslation {
  gpa?: bigint;
  /** Where it stopped: the VS stage or the G stage (also for the G-stage walk of a VS-stage PTE: implicit). */
  faultStage?: 'VS' | 'G';
  /** The fault would be a guest-page fault (cause 20/21/23) at this guest physical address. */
  guestPageFault?: boolean;
  faultGpa?: bigint;
  implicit?: boolean;
}

const tsReq = new TwoStageRequest();
const tsRes = new TwoStageResult();

/**
 * Translates a guest virtual address through the VS and G stages as the hardware would (hypervisor.adoc
 * "Two-Stage Address Translation"), writing nothing: every reference of the 2D walk is reported in order.
 */
export function translateGuestDebug(port: PtePort, opts: GuestTranslateOptions): GuestTranslation {
  const va = BigInt.asUintN(64, opts.va);
  tsReq.vsMode = opts.vsMode; tsReq.vsRootPpn = Number(opts.vsRootPpn);
  tsReq.gMode = opts.gMode; tsReq.gRootPpn = Number(opts.gRootPpn);
  tsReq.vaLo = Number(va & 0xffffffffn) | 0; tsReq.vaHi = Number(va >> 32n) | 0;
  tsReq.access = opts.access === 'fetch' ? Access.FETCH : opts.access === 'load' ? Access.LOAD : Access.STORE;
  tsReq.priv = opts.priv === 'U' ? 0 : 1;
  tsReq.sum = opts.sum ?? false;
  tsReq.mxrVs = (opts.vsMxr ?? false) || (opts.mxr ?? false);
  tsReq.mxrG = opts.mxr ?? false;
  tsReq.adueVs = opts.adueVs ?? true; tsReq.adueG = opts.adueG ?? true;
  tsReq.debug = true;
  const st = new TwoStageWalker(port, null).translate(tsReq, tsRes);
  const r = tsRes;
  const steps: WalkStep[] = [];
  for (let k = 0; k < r.refs; k++) {
    steps.push({
      level: r.refLevel[k], stage: r.refStage[k] === Stage.VS ? 'VS' : 'G',
      pteAddr: BigInt(r.refAddr[k]), spa: BigInt(r.refSpa[k]),
      pte: (BigInt(r.refHi[k] >>> 0) << 32n) | BigInt(r.refLo[k] >>> 0),
    });
  }
  if (st === WalkStatus.OK) {
    return {
      ok: true, pa: BigInt(r.ppn) * 4096n + (va & 0xfffn), gpa: BigInt(r.gpa), level: r.level, steps,
      reason: `${LEVEL_NAMES[r.level] ?? 'level ' + r.level} page after both stages (${steps.length} memory references)`,
      wouldSetA: r.wouldSetA, wouldSetD: r.wouldSetD,
    };
  }
  const gStage = r.faultStage === Stage.G;
  const where = r.implicit ? `G-stage translation of the VS-stage PTE at guest physical 0x${r.faultGpa.toString(16)}: `
    : gStage ? 'G stage: ' : 'VS stage: ';
  return {
    ok: false, steps, fault: r.fault === GuestFault.ACCESS ? 'access' : 'page',
    faultStage: gStage ? 'G' : 'VS', guestPageFault: r.fault === GuestFault.GUEST_PAGE,
    faultGpa: gStage ? BigInt(r.faultGpa) : undefined, implicit: r.implicit,
    gpa: !r.implicit && gStage ? BigInt(r.faultGpa) : undefined,
    reason: where + stopReason(r.stop, r.faultLevel, gStage), wouldSetA: false, wouldSetD: false,
  };
}
