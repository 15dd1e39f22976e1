// The SBI calling convention and function table (riscv-sbi-doc chapters 3-10: BASE, TIME, IPI, RFENCE, HSM,
// SRST, DBCN and the legacy console/timer/shutdown calls), shared by the built-in M-mode firmware and the
// built-in VMM's SBI for its guests. Each provides an SbiEnv for what the calls do on its side.

import type { Hart } from '../cpu/hart';

export const EXT_BASE = 0x10, EXT_TIME = 0x54494d45, EXT_IPI = 0x735049, EXT_RFENCE = 0x52464e43, EXT_HSM = 0x48534d;
export const EXT_SRST = 0x53525354, EXT_DBCN = 0x4442434e;
const LEGACY_SET_TIMER = 0, LEGACY_PUTCHAR = 1, LEGACY_GETCHAR = 2, LEGACY_SHUTDOWN = 8;
export const SBI_SUCCESS = 0, SBI_ERR_NOT_SUPPORTED = -2, SBI_ERR_INVALID_PARAM = -3, SBI_ERR_ALREADY_AVAILABLE = -6;
/** SBI implementation ID for vmscope's firmware and VMM (outside the ranges the SBI spec assigns). */
export const SBI_IMPL_ID = 0x766d73;
const SPEC_VERSION = (1 << 24) | 0;   // SBI 1.0
export const HSM_STARTED = 0, HSM_STOPPED = 1;
const EXTENSIONS = [EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN, LEGACY_SET_TIMER, LEGACY_PUTCHAR,
  LEGACY_GETCHAR, LEGACY_SHUTDOWN];

/** What the SBI functions do on the implementing side. Harts are numbered as the caller sees them. */
export interface SbiEnv {
  /** Number of harts (for hart masks and HSM). */
  readonly hartCount: number;
  /** Implementation version (BASE get_impl_version). */
  readonly implVersion: number;
  setTimer(caller: number, when: bigint): void;
  putBytes(bytes: Uint8Array): void;
  /** A byte of console input, or -1. */
  getchar(): number;
  /** SRST and the legacy shutdown; after it the caller does not return to the kernel. */
  reset(kind: 'shutdown' | 'reboot', failure: boolean): void;
  sendIpi(target: number): void;
  /** Remote fence.i / sfence.vma of any scope on `target`. */
  remoteFence(target: number): void;
  hartStart(target: number, pc: bigint, arg: bigint): number;
  hartStop(caller: number): void;
  hartStatus(target: number): number;
  /** Reads `len` bytes at the caller's physical address, or null when they are not all memory. */
  readMemory(addr: bigint, len: number): Uint8Array | null;
}

/** Outcome of a call: returns a0/a1 to the caller ('ret'), or does not return to it (reset, hart_stop). */
export type SbiOutcome = 'ret' | 'noreturn';

/**
 * Performs the SBI call in h's registers (a7 = EID, a6 = FID, a0-a5 arguments) for caller hart `caller`, and
 * writes a0 = error and a1 = value (legacy calls: a0 only).
 */
export function sbiCall(env: SbiEnv, h: Hart, caller: number): SbiOutcome {
  const a = (i: number) => h.getX(10 + i);
  const eid = Number(h.getX(17) & 0xffff_ffffn), fid = Number(h.getX(16) & 0xffff_ffffn);
  let err = SBI_SUCCESS, value = 0n;
  switch (eid) {
    case LEGACY_SET_TIMER: env.setTimer(caller, a(0)); h.setX(10, 0n); return 'ret';
    case LEGACY_PUTCHAR: env.putBytes(Uint8Array.of(Number(a(0) & 0xffn))); h.setX(10, 0n); return 'ret';
    case LEGACY_GETCHAR: h.setX(10, BigInt.asUintN(64, BigInt(env.getchar()))); return 'ret';
    case LEGACY_SHUTDOWN: env.reset('shutdown', false); return 'noreturn';
    case EXT_BASE:
      switch (fid) {
        case 0: value = BigInt(SPEC_VERSION); break;
        case 1: value = BigInt(SBI_IMPL_ID); break;
        case 2: value = BigInt(env.implVersion); break;
        case 3: value = EXTENSIONS.includes(Number(a(0) & 0xffff_ffffn)) ? 1n : 0n; break;
        case 4: case 5: case 6: value = 0n; break;   // mvendorid, marchid, mimpid
        default: err = SBI_ERR_NOT_SUPPORTED;
      }
      break;
    case EXT_TIME:
      if (fid === 0) env.setTimer(caller, a(0)); else err = SBI_ERR_NOT_SUPPORTED;
      break;
    case EXT_IPI:
      if (fid === 0) err = forHarts(env, a(0), a(1), (t) => env.sendIpi(t));
      else err = SBI_ERR_NOT_SUPPORTED;
      break;
    case EXT_RFENCE:
      // remote fence.i, sfence.vma and hfence (any scope): the code cache is coherent; the targets' TLBs are flushed
      if (fid <= 6) err = forHarts(env, a(0), a(1), (t) => env.remoteFence(t));
      else err = SBI_ERR_NOT_SUPPORTED;
      break;
    case EXT_HSM: {
      const id = a(0);
      if (fid === 1) { env.hartStop(caller); return 'noreturn'; }
      if (fid !== 0 && fid !== 2) { err = SBI_ERR_NOT_SUPPORTED; break; }
      if (id >= BigInt(env.hartCount)) { err = SBI_ERR_INVALID_PARAM; break; }
      if (fid === 2) value = BigInt(env.hartStatus(Number(id)));
      else err = env.hartStart(Number(id), a(1), a(2));
      break;
    }
    case EXT_SRST:
      if (fid === 0 && a(0) <= 2n) { env.reset(a(0) === 0n ? 'shutdown' : 'reboot', a(1) === 1n); return 'noreturn'; }
      err = SBI_ERR_INVALID_PARAM;
      break;
    case EXT_DBCN:
      if (fid === 0 || fid === 2) {
        const len = Number(a(0));
        const bytes = fid === 2 ? Uint8Array.of(Number(a(0) & 0xffn))
          : len < 0 || len > 1 << 20 ? null : env.readMemory(a(1), len);
        if (bytes === null) err = SBI_ERR_INVALID_PARAM; else { env.putBytes(bytes); value = BigInt(bytes.length); }
      } else err = SBI_ERR_NOT_SUPPORTED;
      break;
    default: err = SBI_ERR_NOT_SUPPORTED;
  }
  h.setX(10, BigInt.asUintN(64, BigInt(err)));
  if (err === SBI_SUCCESS) h.setX(11, value);
  return 'ret';
}

/** Calls fn for each hart of (hart_mask, hart_mask_base); base = -1 means all harts. */
function forHarts(env: SbiEnv, mask: bigint, base: bigint, fn: (t: number) => void): number {
  const all = base === BigInt.asUintN(64, -1n);
  if (!all && base >= BigInt(env.hartCount)) return SBI_ERR_INVALID_PARAM;
  for (let t = 0; t < env.hartCount; t++) {
    const bit = BigInt(t) - base;
    if (all || (bit >= 0n && bit < 64n && ((mask >> bit) & 1n) === 1n)) fn(t);
  }
  return SBI_SUCCESS;
}
