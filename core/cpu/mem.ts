// The hart's memory path beyond the L1 hit: address translation (satp, MPRV), PMP, L1 refill,
// misaligned accesses, MMIO, and the instruction-fetch page refill.

import { Access, PagingMode, PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_W, PTE_X, WalkRequest, WalkStatus, walk } from '../mmu/walk';
import { GuestFault, TwoStageRequest, TwoStageResult } from '../mmu/twoStage';
import { HSTATUS_SPVP, MSTATUS_HI_MPV, MSTATUS_MPP, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SUM } from './csrNumbers';
import { MENVCFG_ADUE_HI, henvcfgHi } from './csr';
import { Exc } from './causes';
import { BusStatus } from '../devices/bus';
import { Hart, L1_INVALID, L1_SIZE, PRIV_M, PRIV_S, PRIV_U } from './hart';
import { transformInsn } from './tinst';
import { PAGE_WATCH_LOAD } from '../devices/ram';
import { WATCH_READ, WATCH_WRITE } from './watch';

/** Exception causes by Access (fetch, load, store). */
export const PAGE_FAULT = [Exc.INSN_PAGE_FAULT, Exc.LOAD_PAGE_FAULT, Exc.STORE_PAGE_FAULT];
export const ACCESS_FAULT = [Exc.INSN_ACCESS, Exc.LOAD_ACCESS, Exc.STORE_ACCESS];
const MISALIGNED = [Exc.INSN_MISALIGNED, Exc.LOAD_MISALIGNED, Exc.STORE_MISALIGNED];
export const GUEST_PAGE_FAULT = [Exc.INSN_GUEST_PAGE_FAULT, Exc.LOAD_GUEST_PAGE_FAULT, Exc.STORE_GUEST_PAGE_FAULT];

/** TLB VMID tags: HS-level translations (V=0) use HOST_VMID; a guest's use GUEST_VMID_BASE + hgatp.VMID. */
export const HOST_VMID = 0, GUEST_VMID_BASE = 1;
/** ASID tag of guest translations made while vsatp is Bare (outside the 16-bit ASID space). */
const BARE_ASID = 0x10000;
/** Flags of a guest TLB entry's PTE word: bits 7:0 the VS-stage leaf, 15:8 the G-stage leaf, and these for a
 *  stage that is Bare (no permission checks of its own). */
const VS_BARE = 1 << 16, G_BARE = 1 << 17;
/** htinst pseudoinstructions for guest-page faults of implicit VS-stage accesses (RV64: 64-bit read / write). */
const PSEUDO_READ = 0x3000, PSEUDO_WRITE = 0x3020;

/** TLB tag of the current guest (hgatp.VMID). */
export function guestVmid(h: Hart): number {
  return GUEST_VMID_BASE + h.hgatpVmid;
}

/** Effective privilege for a data access (MPRV makes M-mode loads/stores use MPP; HLV/HSV use hstatus.SPVP). */
export function dataPriv(h: Hart): number {
  if (h.hlv !== 0) return (h.hstatus & HSTATUS_SPVP) !== 0 ? PRIV_S : PRIV_U;
  return h.priv === PRIV_M && (h.mstatus & MSTATUS_MPRV) !== 0 ? (h.mstatus & MSTATUS_MPP) >>> 11 : h.priv;
}

/** Whether a data access is translated in two stages (hypervisor.adoc, "Effect of MPRV": MPRV with MPV, HLV/HSV). */
export function dataVirt(h: Hart): boolean {
  if (h.hlv !== 0) return true;
  if (h.priv === PRIV_M && (h.mstatus & MSTATUS_MPRV) !== 0) {
    return (h.mstatus & MSTATUS_MPP) !== MSTATUS_MPP && (h.mstatusH & MSTATUS_HI_MPV) !== 0;
  }
  return h.virt;
}

/**
 * Raises a memory exception for the access at (lo, hi), recording whether tval is a guest virtual address
 * (hstatus/mstatus.GVA: the access was a guest one, V=1 or HLV/HSV or MPRV with MPV).
 */
export function memFault(h: Hart, cause: number, lo: number, hi: number): void {
  const fetch = cause === Exc.INSN_ACCESS || cause === Exc.INSN_PAGE_FAULT || cause === Exc.INSN_GUEST_PAGE_FAULT;
  h.trapGva = fetch ? h.virt : dataVirt(h);
  h.raise(cause, lo, hi);
}

/**
 * Fills `req` for a walk of the hart's current address space (satp, SUM, MXR, menvcfg.ADUE) for an access at
 * privilege `priv`. Shared by the hart's translate() and the side-effect-free debugTranslate() (debug = true).
 */
export function prepareWalk(h: Hart, req: WalkRequest, lo: number, hi: number, access: Access, priv: number, debug: boolean): void {
  req.mode = h.satpMode; req.rootPpn = h.satpPpn; req.vaLo = lo; req.vaHi = hi; req.access = access;
  req.priv = priv; req.sum = (h.mstatus & MSTATUS_SUM) !== 0; req.mxr = (h.mstatus & MSTATUS_MXR) !== 0;
  req.adue = (h.menvcfgHi & MENVCFG_ADUE_HI) !== 0; req.gstage = false; req.debug = debug;
}

/** Translated physical address of the last successful translate(). */
export const xlate = { pa: 0, level: 0 };

/**
 * Translates the virtual address (lo, hi) for `access` of `size` bytes, checking PMP. On success returns
 * true with the physical address in xlate.pa; on failure raises the right exception (tval = the address)
 * and returns false. Never fills the L1.
 */
export function translate(h: Hart, lo: number, hi: number, access: Access, size: number): boolean {
  const fetch = access === Access.FETCH;
  const priv = fetch ? h.priv : dataPriv(h);
  let pa: number;
  if (fetch ? h.virt : dataVirt(h)) {
    pa = translateGuest(h, lo, hi, access, priv);
    if (pa < 0) return false;
  } else if (priv === PRIV_M || h.satpMode === PagingMode.BARE) {
    // Bare: physical addresses are 56 bits; anything above cannot exist (access fault).
    if ((hi >>> 24) !== 0) { h.raise(ACCESS_FAULT[access], lo, hi); return false; }
    pa = (hi >>> 0) * 4294967296 + (lo >>> 0);
    xlate.level = 0;
  } else {
    const tlb = h.tlb;
    const e = tlb.lookup(lo, hi, h.satpAsid, HOST_VMID);
    let ppn = -1;
    if (e >= 0) {
      const pte = tlb.pteLo(e), m = h.mstatus;
      if (permits(pte, access, priv, (m & MSTATUS_SUM) !== 0, (m & MSTATUS_MXR) !== 0) && (pte & PTE_A) !== 0 &&
          (access !== Access.STORE || (pte & PTE_D) !== 0)) {
        ppn = tlb.ppnFor(e, lo, hi);
        xlate.level = tlb.levelOf(e);
        tlb.hits++;
      }
    }
    if (ppn < 0) {
      tlb.misses++;
      h.walks++;
      const req = h.walkReq, res = h.walkRes;
      prepareWalk(h, req, lo, hi, access, priv, false);
      const st = walk(req, res, h.ptePort, h.pmp);
      h.walkRefs += res.steps;
      if (h.host.onWalk !== null) h.host.onWalk(h, lo, hi, access, st === WalkStatus.OK, res.ppn * 4096, res.level, st);
      if (st !== WalkStatus.OK) {
        h.raise(st === WalkStatus.PAGE_FAULT ? PAGE_FAULT[access] : ACCESS_FAULT[access], lo, hi);
        return false;
      }
      tlb.insert(lo, hi, h.satpAsid, HOST_VMID, (res.pteLo & PTE_G) !== 0, res.ppn, res.level, res.pteLo, res.level, access);
      ppn = res.ppn;
      xlate.level = res.level;
    }
    pa = ppn * 4096 + (lo & 4095);
  }
  // HLVX: the supervisor physical memory attributes must grant both execute and read (hypervisor.adoc).
  if (!h.pmp.check(pa, size, access, priv) || (h.hlv === 2 && !h.pmp.check(pa, size, Access.FETCH, priv))) {
    memFault(h, ACCESS_FAULT[access], lo, hi);
    return false;
  }
  xlate.pa = pa;
  return true;
}

/**
 * Fills `req` for a two-stage walk of the hart's current guest address space (vsatp, hgatp) at nominal
 * privilege `priv`. Shared by translateGuest and the debugger. HLVX passes FETCH: execute permission takes
 * the place of read permission in both stages.
 */
export function prepareGuestWalk(h: Hart, req: TwoStageRequest, lo: number, hi: number, access: Access, priv: number, debug: boolean): void {
  const m = h.mstatus;
  req.vsMode = h.vsatpMode; req.vsRootPpn = h.vsatpPpn; req.gMode = h.hgatpMode; req.gRootPpn = h.hgatpPpn;
  req.vaLo = lo; req.vaHi = hi; req.access = access; req.priv = priv;
  req.sum = (h.vsstatus & MSTATUS_SUM) !== 0;
  req.mxrVs = ((h.vsstatus | m) & MSTATUS_MXR) !== 0;
  req.mxrG = (m & MSTATUS_MXR) !== 0;
  req.adueVs = (henvcfgHi(h) & MENVCFG_ADUE_HI) !== 0;
  req.adueG = (h.menvcfgHi & MENVCFG_ADUE_HI) !== 0;
  req.debug = debug;
}

const tsReq = new TwoStageRequest();
const tsRes = new TwoStageResult();
/** Offset of the faulting part of a misaligned access from its first byte (htinst's Addr. Offset). */
let spanOffset = 0;

/**
 * Two-stage translation of a guest access (hypervisor.adoc "Two-Stage Address Translation"). Returns the
 * supervisor physical address, or -1 after raising the fault: a VS-stage page fault, an access fault, or a
 * guest-page fault with htval/mtval2 = gPA >> 2 and htinst/mtinst = the transformed instruction or, for an
 * implicit VS-stage access, the pseudoinstruction.
 */
function translateGuest(h: Hart, lo: number, hi: number, access: Access, priv: number): number {
  if (h.vsatpMode === PagingMode.BARE && h.hgatpMode === PagingMode.BARE) {
    if ((hi >>> 24) !== 0) { memFault(h, ACCESS_FAULT[access], lo, hi); return -1; }
    xlate.level = 0;
    return (hi >>> 0) * 4294967296 + (lo >>> 0);
  }
  const perm = h.hlv === 2 ? Access.FETCH : access;
  const vmid = GUEST_VMID_BASE + h.hgatpVmid;
  const asid = h.vsatpMode === PagingMode.BARE ? BARE_ASID : h.vsatpAsid;
  const tlb = h.tlb;
  const e = tlb.lookup(lo, hi, asid, vmid);
  if (e >= 0) {
    const m = h.mstatus, vs = h.vsstatus;
    if (permitsGuest(tlb.pteLo(e), perm, priv, (vs & MSTATUS_SUM) !== 0, ((vs | m) & MSTATUS_MXR) !== 0, (m & MSTATUS_MXR) !== 0)) {
      tlb.hits++; h.guestTlbHits++;
      xlate.level = tlb.levelOf(e);
      return tlb.ppnFor(e, lo, hi) * 4096 + (lo & 4095);
    }
  }
  tlb.misses++;
  h.walks++; h.guestWalks++;
  prepareGuestWalk(h, tsReq, lo, hi, perm, priv, false);
  const st = h.twoStage.translate(tsReq, tsRes);
  h.walkRefs += tsRes.refs; h.guestWalkRefs += tsRes.refs;
  if (h.host.onWalk !== null) h.host.onWalk(h, lo, hi, access, st === WalkStatus.OK, tsRes.ppn * 4096, tsRes.level, st);
  if (st !== WalkStatus.OK) {
    let cause: number;
    if (tsRes.fault === GuestFault.GUEST_PAGE) {
      cause = GUEST_PAGE_FAULT[access];
      const q = tsRes.faultGpa / 4;
      h.trapTval2Lo = q % 4294967296 | 0;
      h.trapTval2Hi = Math.floor(q / 4294967296) | 0;
      h.trapTinst = tsRes.implicit ? (tsRes.implicitWrite ? PSEUDO_WRITE : PSEUDO_READ)
        : access === Access.FETCH ? 0 : transformInsn(currentInsnBits(h), spanOffset);
    } else {
      cause = tsRes.fault === GuestFault.PAGE ? PAGE_FAULT[access] : ACCESS_FAULT[access];
    }
    memFault(h, cause, lo, hi);
    return -1;
  }
  const vsBare = h.vsatpMode === PagingMode.BARE, gBare = h.hgatpMode === PagingMode.BARE;
  const word = (vsBare ? VS_BARE : tsRes.vsPteLo & 0xff) | (gBare ? G_BARE : (tsRes.gPteLo & 0xff) << 8);
  // A guest page larger than the combined entry (its G-stage pages are smaller) is cached in pieces; the TLB
  // keeps the guest page's size so that a fence of any address in it drops every piece.
  tlb.insert(lo, hi, asid, vmid, !vsBare && (tsRes.vsPteLo & PTE_G) !== 0, tsRes.ppn, tsRes.level, word,
    vsBare ? tsRes.level : tsRes.vsLevel, access);
  xlate.level = tsRes.level;
  return tsRes.ppn * 4096 + (lo & 4095);
}

/** Permission check of a cached guest translation: the VS-stage leaf with the guest's privilege, SUM and MXR,
 *  then the G-stage leaf as a user-level access with only the HS-level MXR; A (and D for stores) set in both. */
function permitsGuest(word: number, access: Access, priv: number, sum: boolean, mxrVs: boolean, mxrG: boolean): boolean {
  if ((word & VS_BARE) === 0) {
    if (!permits(word, access, priv, sum, mxrVs) || (word & PTE_A) === 0 || (access === Access.STORE && (word & PTE_D) === 0)) return false;
  }
  if ((word & G_BARE) === 0) {
    const g = word >>> 8;
    if (!permits(g, access, PRIV_U, false, mxrG) || (g & PTE_A) === 0 || (access === Access.STORE && (g & PTE_D) === 0)) return false;
  }
  return true;
}

/** The instruction at pc (16 or 32 bits) from the current fetch page, or 0 when it straddles two pages. */
function currentInsnBits(h: Hart): number {
  const u8 = h.bus.ram.u8;
  const k = h.pcLo & 4095;
  const off = fetchPage.off + k;
  const low = u8[off] | (u8[off + 1] << 8);
  if ((low & 3) !== 3) return low;
  if (k === 4094) return 0;
  return low | (u8[off + 2] << 16) | (u8[off + 3] << 24);
}

/** Leaf permission check (supervisor.adoc, translation step 5) for a cached PTE. */
function permits(pte: number, access: Access, priv: number, sum: boolean, mxr: boolean): boolean {
  if ((pte & PTE_U) !== 0) {
    if (priv !== 0 && (!sum || access === Access.FETCH)) return false;
  } else if (priv === 0) return false;
  if (access === Access.FETCH) return (pte & PTE_X) !== 0;
  if (access === Access.LOAD) return (pte & PTE_R) !== 0 || (mxr && (pte & PTE_X) !== 0);
  return (pte & PTE_W) !== 0;
}

/** Fills the load or store L1 for the page of (lo, hi) → RAM page if PMP allows the whole page. */
function fillL1(h: Hart, lo: number, hi: number, pa: number, access: Access): void {
  // HLV/HSV translate as a guest although the hart runs in HS/M: their results never enter the L1.
  if (h.hlv !== 0) return;
  const ram = h.bus.ram;
  const pageOff = ram.offsetOf(pa - (pa % 4096), 4096);
  if (pageOff < 0) return;
  const priv = access === Access.FETCH ? h.priv : dataPriv(h);
  if (!h.pmp.pageAllowed(pa - (pa % 4096), access, priv)) return;
  // Pages with decoded code, device-watched or debugger-watched pages stay on the slow path (see Ram.codePage).
  const flags = ram.codePage[pageOff >>> 12];
  if (access === Access.STORE ? (flags & ~PAGE_WATCH_LOAD) !== 0 : (flags & PAGE_WATCH_LOAD) !== 0) return;
  const idx = (lo >>> 12) & (L1_SIZE - 1);
  const tag = (lo & -4096) | h.l1Gen;
  if (access === Access.LOAD) { h.rTagLo[idx] = tag; h.rTagHi[idx] = hi; h.rOff[idx] = pageOff; }
  else if (access === Access.STORE) { h.wTagLo[idx] = tag; h.wTagHi[idx] = hi; h.wOff[idx] = pageOff; }
  h.l1Misses++;
}

/** Result of loadSlow. */
export const ld = { lo: 0, hi: 0 };

/**
 * Loads `size` bytes at virtual (lo, hi), zero-extended into ld.lo/ld.hi. Handles misaligned accesses
 * (emulated, like QEMU: split into bytes, each page translated first), MMIO, and fills the L1.
 * Returns false if a trap was raised.
 */
export function loadSlow(h: Hart, lo: number, hi: number, size: number): boolean {
  const bus = h.bus;
  if ((lo & (size - 1)) !== 0) return misalignedLoad(h, lo, hi, size);
  if (!translate(h, lo, hi, Access.LOAD, size)) return false;
  const pa = xlate.pa;
  if (bus.read(pa, size) !== BusStatus.OK) { memFault(h, Exc.LOAD_ACCESS, lo, hi); return false; }
  ld.lo = bus.lo; ld.hi = bus.hi;
  const w = h.watch;
  if (w !== null) {
    const i = w.find(pa, size, WATCH_READ);
    if (i >= 0) w.record(h, i, WATCH_READ, lo, hi, pa, size, false, ld.lo, ld.hi, ld.lo, ld.hi);
  }
  fillL1(h, lo, hi, pa, Access.LOAD);
  return true;
}

/** Stores `size` bytes of (vlo, vhi) at virtual (lo, hi). Returns false if a trap was raised. */
export function storeSlow(h: Hart, lo: number, hi: number, size: number, vlo: number, vhi: number): boolean {
  if ((lo & (size - 1)) !== 0) return misalignedStore(h, lo, hi, size, vlo, vhi);
  if (!translate(h, lo, hi, Access.STORE, size)) return false;
  return storeTranslated(h, lo, hi, xlate.pa, size, vlo, vhi);
}

/** The second half of an aligned storeSlow: the store to pa (translated and PMP-checked) through the bus. */
export function storeTranslated(h: Hart, lo: number, hi: number, pa: number, size: number, vlo: number, vhi: number): boolean {
  const w = h.watch;
  const i = w !== null ? w.find(pa, size, WATCH_WRITE) : -1;
  if (i >= 0) w!.captureBefore(pa, size);
  if (h.bus.write(pa, size, vlo, vhi) !== BusStatus.OK) { memFault(h, Exc.STORE_ACCESS, lo, hi); return false; }
  if (i >= 0) w!.record(h, i, WATCH_WRITE, lo, hi, pa, size, true, 0, 0, vlo, vhi);
  fillL1(h, lo, hi, pa, Access.STORE);
  return true;
}

/**
 * The watchpoint a misaligned access of `kind` hits on either of its pages (pageA/pageB as translateSpan left them),
 * or -1. Only called while watchpoints are set.
 */
function findSpan(h: Hart, lo: number, size: number, kind: number): number {
  const w = h.watch!;
  const firstLen = Math.min(size, 4096 - (lo & 4095));
  const i = w.find(pageA.pa, firstLen, kind);
  return i >= 0 || firstLen === size ? i : w.find(pageB.pa, size - firstLen, kind);
}

/** Writes an aligned 1, 2, 4 or 8-byte value at RAM offset off without telling the bus (no code or watch check). */
export function pokeRam(h: Hart, off: number, size: number, vlo: number, vhi: number): void {
  const ram = h.bus.ram;
  switch (size) {
    case 1: ram.u8[off] = vlo; break;
    case 2: ram.u16[off >>> 1] = vlo; break;
    case 4: ram.i32[off >>> 2] = vlo; break;
    default: ram.i32[off >>> 2] = vlo; ram.i32[(off >>> 2) + 1] = vhi; break;
  }
}

const pageA = { pa: 0 }, pageB = { pa: 0 };

/** Translates both pages a misaligned access touches (first byte and last byte) before touching memory. */
function translateSpan(h: Hart, lo: number, hi: number, size: number, access: Access): boolean {
  const firstLen = Math.min(size, 4096 - (lo & 4095));
  if (!translate(h, lo, hi, access, firstLen)) return false;
  pageA.pa = xlate.pa;
  if (firstLen < size) {
    const lo2 = (lo + firstLen) | 0;
    const hi2 = (hi + ((lo2 >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
    spanOffset = firstLen;
    const ok = translate(h, lo2, hi2, access, size - firstLen);
    spanOffset = 0;
    if (!ok) return false;
    pageB.pa = xlate.pa;
  }
  return true;
}

function misalignedLoad(h: Hart, lo: number, hi: number, size: number): boolean {
  if (!translateSpan(h, lo, hi, size, Access.LOAD)) return false;
  const firstLen = Math.min(size, 4096 - (lo & 4095));
  const ram = h.bus.ram;
  let vlo = 0, vhi = 0;
  for (let i = 0; i < size; i++) {
    const pa = i < firstLen ? pageA.pa + i : pageB.pa + (i - firstLen);
    const off = ram.offsetOf(pa, 1);
    // Misaligned accesses to devices are not split: they raise address-misaligned.
    if (off < 0) { memFault(h, Exc.LOAD_MISALIGNED, lo, hi); return false; }
    const b = ram.u8[off];
    if (i < 4) vlo |= b << (8 * i); else vhi |= b << (8 * (i - 4));
  }
  ld.lo = vlo; ld.hi = vhi;
  if (h.watch !== null) {
    const wi = findSpan(h, lo, size, WATCH_READ);
    if (wi >= 0) h.watch.record(h, wi, WATCH_READ, lo, hi, pageA.pa, size, false, vlo, vhi, vlo, vhi);
  }
  return true;
}

function misalignedStore(h: Hart, lo: number, hi: number, size: number, vlo: number, vhi: number): boolean {
  if (!translateSpan(h, lo, hi, size, Access.STORE)) return false;
  const firstLen = Math.min(size, 4096 - (lo & 4095));
  const ram = h.bus.ram;
  for (let i = 0; i < size; i++) {
    const pa = i < firstLen ? pageA.pa + i : pageB.pa + (i - firstLen);
    if (ram.offsetOf(pa, 1) < 0) { memFault(h, Exc.STORE_MISALIGNED, lo, hi); return false; }
  }
  const w = h.watch;
  const wi = w !== null ? findSpan(h, lo, size, WATCH_WRITE) : -1;
  if (wi >= 0) w!.captureBeforeSplit(pageA.pa, pageB.pa, firstLen, size);
  for (let i = 0; i < size; i++) {
    const pa = i < firstLen ? pageA.pa + i : pageB.pa + (i - firstLen);
    const off = ram.offsetOf(pa, 1);
    ram.u8[off] = i < 4 ? vlo >>> (8 * i) : vhi >>> (8 * (i - 4));
    h.bus.noteRamWrite(off, 1);
  }
  if (wi >= 0) w!.record(h, wi, WATCH_WRITE, lo, hi, pageA.pa, size, true, 0, 0, vlo, vhi);
  return true;
}

/**
 * Translates an AMO/LR/SC address: it must be naturally aligned (else address-misaligned, cause 4 for LR
 * and 6 otherwise, as the A extension allows) and backed by memory. Returns pa or -1 after raising.
 */
export function amoAddress(h: Hart, lo: number, hi: number, size: number, access: Access): number {
  if ((lo & (size - 1)) !== 0) { memFault(h, MISALIGNED[access], lo, hi); return -1; }
  if (!translate(h, lo, hi, access, size)) return -1;
  if (!h.bus.isBacked(xlate.pa, size)) { memFault(h, ACCESS_FAULT[access], lo, hi); return -1; }
  return xlate.pa;
}

/** Fetch-page refill result: RAM offset of the page holding pc (valid when refillFetch returns true). */
export const fetchPage = { off: 0 };

/**
 * Translates the page holding pc for execution. On success sets the hart's fetch tag (when PMP allows the
 * whole page) and fetchPage.off; on failure raises the fetch fault and returns false.
 */
export function refillFetch(h: Hart): boolean {
  const lo = h.pcLo, hi = h.pcHi;
  if (!translate(h, lo, hi, Access.FETCH, 2)) return false;
  const pa = xlate.pa;
  const ram = h.bus.ram;
  const pageOff = ram.offsetOf(pa - (pa % 4096), 4096);
  // Only RAM is executable on this board; fetching from a device is an access fault.
  if (pageOff < 0) { memFault(h, Exc.INSN_ACCESS, lo, hi); return false; }
  fetchPage.off = pageOff;
  if (h.pmp.pageAllowed(pa - (pa % 4096), Access.FETCH, h.priv)) {
    h.fetchTagLo = lo & -4096;
    h.fetchTagHi = hi;
  } else {
    h.fetchTagLo = L1_INVALID;    // partially protected page: translate (and check PMP) every instruction
  }
  return true;
}

/**
 * Reads the upper half of a 32-bit instruction that starts 2 bytes before the end of a page (at pc+2 in the
 * next virtual page). Returns the 16 bits or -1 after raising the fetch fault with tval = pc+2.
 */
export function fetchUpperHalf(h: Hart): number {
  const lo = (h.pcLo + 2) | 0;
  const hi = (h.pcHi + ((lo >>> 0) < 2 ? 1 : 0)) | 0;
  const saveLo = h.pcLo, saveHi = h.pcHi;
  if (!translate(h, lo, hi, Access.FETCH, 2)) return -1;
  const off = h.bus.ram.offsetOf(xlate.pa, 2);
  if (off < 0) {
    h.pcLo = saveLo; h.pcHi = saveHi;
    memFault(h, Exc.INSN_ACCESS, lo, hi);
    return -1;
  }
  return h.bus.ram.u8[off] | (h.bus.ram.u8[off + 1] << 8);
}
