// Side-effect-free views of a hart's memory for tracing and the debugger: no A/D updates, no TLB fills, no traps.

import { Access, PagingMode, WalkRequest, WalkResult, WalkStatus, walk } from '../mmu/walk';
import { TwoStageRequest, TwoStageResult } from '../mmu/twoStage';
import { dataPriv, dataVirt, prepareGuestWalk, prepareWalk } from './mem';
import { Hart, PRIV_M, PRIV_U } from './hart';
import { MSTATUS_MXR, MSTATUS_SUM } from './csrNumbers';
import { type DebugTranslation, type GuestTranslation, translateDebug, translateGuestDebug } from '../mmu/debugWalk';
import { csrRead, csrWrite } from './csr';
import { r } from '../util/int64';

const req = new WalkRequest();
const res = new WalkResult();
const gReq = new TwoStageRequest();
const gRes = new TwoStageResult();

/**
 * Translates va (lo, hi) as the hart would for `access`, without side effects. Returns the physical
 * address, or -1 when the access would fault.
 */
export function debugTranslate(h: Hart, lo: number, hi: number, access: Access): number {
  const priv = access === Access.FETCH ? h.priv : dataPriv(h);
  if (access === Access.FETCH ? h.virt : dataVirt(h)) {
    // A guest access: both stages, in debug mode (no A/D writes); the hart's walker keeps no state between walks.
    prepareGuestWalk(h, gReq, lo, hi, h.hlv === 2 ? Access.FETCH : access, priv, true);
    if (h.twoStage.translate(gReq, gRes) !== WalkStatus.OK) return -1;
    return gRes.ppn * 4096 + (lo & 4095);
  }
  if (priv === PRIV_M || h.satpMode === PagingMode.BARE) {
    if ((hi >>> 24) !== 0) return -1;
    return (hi >>> 0) * 4294967296 + (lo >>> 0);
  }
  prepareWalk(h, req, lo, hi, access, priv, true);
  if (walk(req, res, h.ptePort, null) !== WalkStatus.OK) return -1;
  return res.ppn * 4096 + (lo & 4095);
}

/** The instruction word at the hart's pc (16 or 32 bits), or 0 if it cannot be read. */
export function peekInsn(h: Hart): number {
  const ram = h.bus.ram;
  const pa = debugTranslate(h, h.pcLo, h.pcHi, Access.FETCH);
  const off = pa < 0 ? -1 : ram.offsetOf(pa, 2);
  if (off < 0) return 0;
  const low = ram.u8[off] | (ram.u8[off + 1] << 8);
  if ((low & 3) !== 3) return low;
  const lo2 = (h.pcLo + 2) | 0;
  const pa2 = debugTranslate(h, lo2, (h.pcHi + ((lo2 >>> 0) < 2 ? 1 : 0)) | 0, Access.FETCH);
  const off2 = pa2 < 0 ? -1 : ram.offsetOf(pa2, 2);
  if (off2 < 0) return low;
  return (low | (ram.u8[off2] << 16) | (ram.u8[off2 + 1] << 24)) >>> 0;
}

/** CSR `num` of hart h as a debugger reads it (the raw register, no privilege checks, no side effects); undefined if
 *  the hart does not implement it. */
export function debugReadCsr(h: Hart, num: number): bigint | undefined {
  if (!csrRead(h, num)) return undefined;
  return (BigInt(r.hi >>> 0) << 32n) | BigInt(r.lo >>> 0);
}

/**
 * Writes CSR `num` of hart h as a debugger does (no privilege checks; the CSR's own WARL rules apply, as for an
 * instruction). The hart re-checks interrupts and refetches at its pc, so a changed satp, mstatus or mie takes effect
 * at once. False if the hart has no such writable CSR.
 */
export function debugWriteCsr(h: Hart, num: number, value: bigint): boolean {
  const v = BigInt.asUintN(64, value);
  if (!csrWrite(h, num, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0)) return false;
  h.setPc(h.getPc());
  h.irqCheck = true;
  return true;
}

/**
 * How hart h would translate va for `access` now, in its current mode, step by step and without side effects: a
 * two-stage walk while V=1, a one-stage walk under satp, or no translation (M-mode, satp Bare). For the debugger.
 */
export function explainTranslation(h: Hart, va: bigint, access: 'fetch' | 'load' | 'store'):
  { kind: 'bare' | 'one-stage' | 'two-stage'; t?: DebugTranslation | GuestTranslation } {
  const priv = h.priv === PRIV_U ? 'U' : 'S';
  if (h.virt) {
    return {
      kind: 'two-stage',
      t: translateGuestDebug(h.ptePort, {
        vsMode: h.vsatpMode, vsRootPpn: h.vsatpPpn, gMode: h.hgatpMode, gRootPpn: h.hgatpPpn, va, access, priv,
        sum: (h.vsstatus & MSTATUS_SUM) !== 0, vsMxr: (h.vsstatus & MSTATUS_MXR) !== 0, mxr: (h.mstatus & MSTATUS_MXR) !== 0,
      }),
    };
  }
  if (h.priv === PRIV_M || h.satpMode === PagingMode.BARE) return { kind: 'bare' };
  return {
    kind: 'one-stage',
    t: translateDebug(h.ptePort, {
      mode: h.satpMode, rootPpn: h.satpPpn, va, access, priv,
      sum: (h.mstatus & MSTATUS_SUM) !== 0, mxr: (h.mstatus & MSTATUS_MXR) !== 0,
    }),
  };
}
