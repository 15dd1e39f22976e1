// The hart's memory path beyond the L1 hit: address translation (satp, MPRV), PMP, L1 refill,
// misaligned accesses, MMIO, and the instruction-fetch page refill.

import { Access, PagingMode, PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_W, PTE_X, WalkRequest, WalkStatus, walk } from '../mmu/walk';
import { MSTATUS_MPP, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SUM } from './csrNumbers';
import { MENVCFG_ADUE_HI } from './csr';
import { Exc } from './causes';
import { BusStatus } from '../devices/bus';
import { Hart, L1_INVALID, L1_SIZE, PRIV_M } from './hart';

const PAGE_FAULT = [Exc.INSN_PAGE_FAULT, Exc.LOAD_PAGE_FAULT, Exc.STORE_PAGE_FAULT];
const ACCESS_FAULT = [Exc.INSN_ACCESS, Exc.LOAD_ACCESS, Exc.STORE_ACCESS];
const MISALIGNED = [Exc.INSN_MISALIGNED, Exc.LOAD_MISALIGNED, Exc.STORE_MISALIGNED];

/** Effective privilege for a data access (MPRV makes M-mode loads/stores use MPP). */
export function dataPriv(h: Hart): number {
  return h.priv === PRIV_M && (h.mstatus & MSTATUS_MPRV) !== 0 ? (h.mstatus & MSTATUS_MPP) >>> 11 : h.priv;
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
  const priv = access === Access.FETCH ? h.priv : dataPriv(h);
  let pa: number;
  if (priv === PRIV_M || h.satpMode === PagingMode.BARE) {
    // Bare: physical addresses are 56 bits; anything above cannot exist (access fault).
    if ((hi >>> 24) !== 0) { h.raise(ACCESS_FAULT[access], lo, hi); return false; }
    pa = (hi >>> 0) * 4294967296 + (lo >>> 0);
    xlate.level = 0;
  } else {
    const tlb = h.tlb;
    const e = tlb.lookup(lo, hi, h.satpAsid, 0);
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
      if (h.host.onWalk !== null) h.host.onWalk(h, lo, hi, access, st === WalkStatus.OK, res.ppn * 4096, res.level, st);
      if (st !== WalkStatus.OK) {
        h.raise(st === WalkStatus.PAGE_FAULT ? PAGE_FAULT[access] : ACCESS_FAULT[access], lo, hi);
        return false;
      }
      tlb.insert(lo, hi, h.satpAsid, 0, (res.pteLo & PTE_G) !== 0, res.ppn, res.level, res.pteLo);
      ppn = res.ppn;
      xlate.level = res.level;
    }
    pa = ppn * 4096 + (lo & 4095);
  }
  if (!h.pmp.check(pa, size, access, priv)) { h.raise(ACCESS_FAULT[access], lo, hi); return false; }
  xlate.pa = pa;
  return true;
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
  const ram = h.bus.ram;
  const pageOff = ram.offsetOf(pa - (pa % 4096), 4096);
  if (pageOff < 0) return;
  const priv = access === Access.FETCH ? h.priv : dataPriv(h);
  if (!h.pmp.pageAllowed(pa - (pa % 4096), access, priv)) return;
  if (access === Access.STORE && ram.codePage[pageOff >>> 12] !== 0) return;
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
  if (bus.read(pa, size) !== BusStatus.OK) { h.raise(Exc.LOAD_ACCESS, lo, hi); return false; }
  ld.lo = bus.lo; ld.hi = bus.hi;
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
  if (h.bus.write(pa, size, vlo, vhi) !== BusStatus.OK) { h.raise(Exc.STORE_ACCESS, lo, hi); return false; }
  fillL1(h, lo, hi, pa, Access.STORE);
  return true;
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
    if (!translate(h, lo2, hi2, access, size - firstLen)) return false;
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
    if (off < 0) { h.raise(Exc.LOAD_MISALIGNED, lo, hi); return false; }
    const b = ram.u8[off];
    if (i < 4) vlo |= b << (8 * i); else vhi |= b << (8 * (i - 4));
  }
  ld.lo = vlo; ld.hi = vhi;
  return true;
}

function misalignedStore(h: Hart, lo: number, hi: number, size: number, vlo: number, vhi: number): boolean {
  if (!translateSpan(h, lo, hi, size, Access.STORE)) return false;
  const firstLen = Math.min(size, 4096 - (lo & 4095));
  const ram = h.bus.ram;
  for (let i = 0; i < size; i++) {
    const pa = i < firstLen ? pageA.pa + i : pageB.pa + (i - firstLen);
    if (ram.offsetOf(pa, 1) < 0) { h.raise(Exc.STORE_MISALIGNED, lo, hi); return false; }
  }
  for (let i = 0; i < size; i++) {
    const pa = i < firstLen ? pageA.pa + i : pageB.pa + (i - firstLen);
    const off = ram.offsetOf(pa, 1);
    ram.u8[off] = i < 4 ? vlo >>> (8 * i) : vhi >>> (8 * (i - 4));
    h.bus.noteRamWrite(off, 1);
  }
  return true;
}

/**
 * Translates an AMO/LR/SC address: it must be naturally aligned (else address-misaligned, cause 4 for LR
 * and 6 otherwise, as the A extension allows) and backed by memory. Returns pa or -1 after raising.
 */
export function amoAddress(h: Hart, lo: number, hi: number, size: number, access: Access): number {
  if ((lo & (size - 1)) !== 0) { h.raise(MISALIGNED[access], lo, hi); return -1; }
  if (!translate(h, lo, hi, access, size)) return -1;
  if (!h.bus.isBacked(xlate.pa, size)) { h.raise(ACCESS_FAULT[access], lo, hi); return -1; }
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
  if (pageOff < 0) { h.raise(Exc.INSN_ACCESS, lo, hi); return false; }
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
    h.raise(Exc.INSN_ACCESS, lo, hi);
    return -1;
  }
  return h.bus.ram.u8[off] | (h.bus.ram.u8[off + 1] << 8);
}
