// MSI address translation with flat MSI page tables (iommu_data_structures.adoc "Process to translate addresses of
// MSIs" and "MSI address mask and pattern"; MSI PTE layout from the Advanced Interrupt Architecture, "MSI page
// tables"): recognising guest physical pages of virtual interrupt files and translating them with basic
// (write-through, M = 3) MSI PTEs. MRIF mode (M = 1) is not offered (capabilities.MSI_MRIF = 0).

import type { Ram } from '../devices/ram';
import type { DeviceContext } from './contexts';
import { readWords } from './contexts';
import { Cause, MsiMode, field64 } from './registers';

const TWO_32 = 4294967296;

/** Outcome of an MSI translation. */
export interface MsiResult {
  /** False: the address is not a virtual interrupt file page; use the regular G-stage translation. */
  isMsi: boolean;
  /** 0 on success, else the fault cause (261, 262, 263). */
  cause: number;
  /** The translated supervisor physical address. */
  spa: number;
  /** Interrupt file number I and the MSI PTE's address and value (low/high word of doubleword 0 and 1). */
  file: number;
  pteAddr: number;
  pte: number[];
  why: string;
}

/** (A >> 12) & ~mask == pattern & ~mask, on page numbers below 2^53 handled as two words. */
export function isMsiPage(dc: DeviceContext, gpa: number): boolean {
  if (dc.msiMode !== MsiMode.FLAT) return false;
  const frame = Math.floor(gpa / 4096);
  const fLo = frame % TWO_32 | 0, fHi = Math.floor(frame / TWO_32) | 0;
  const mLo = dc.msiMask % TWO_32 | 0, mHi = Math.floor(dc.msiMask / TWO_32) | 0;
  const pLo = dc.msiPattern % TWO_32 | 0, pHi = Math.floor(dc.msiPattern / TWO_32) | 0;
  return (fLo & ~mLo) === (pLo & ~mLo) && (fHi & ~mHi) === (pHi & ~mHi);
}

/** extract(x, mask): the bits of x where mask is 1, packed towards bit 0. */
export function extractBits(x: number, mask: number): number {
  let out = 0, outBit = 1;
  for (let bit = 0, m = mask, v = x; m > 0; bit++) {
    if (m % 2 === 1) { if (v % 2 === 1) out += outBit; outBit *= 2; }
    m = Math.floor(m / 2); v = Math.floor(v / 2);
  }
  return out;
}

/** Bitwise OR of two non-negative Numbers below 2^53. */
function or53(a: number, b: number): number {
  return ((Math.floor(a / TWO_32) | Math.floor(b / TWO_32)) >>> 0) * TWO_32 + (((a % TWO_32) | (b % TWO_32)) >>> 0);
}

/**
 * Translates guest physical address gpa through dc's MSI page table. Not an MSI page: isMsi = false. Reads the MSI
 * PTE (16 bytes) from RAM; nothing is written, so the same function serves DMA and the debugger.
 */
export function translateMsi(ram: Ram, dc: DeviceContext, gpa: number): MsiResult {
  const res: MsiResult = { isMsi: false, cause: 0, spa: 0, file: 0, pteAddr: 0, pte: [], why: '' };
  if (!isMsiPage(dc, gpa)) return res;
  res.isMsi = true;
  // Step 5: the interrupt file number; step 7: its PTE at m | (I × 16).
  const file = extractBits(Math.floor(gpa / 4096), dc.msiMask);
  res.file = file;
  const pteAddr = or53(dc.msiPpn * 4096, file * 16);
  res.pteAddr = pteAddr;
  const w = new Int32Array(4);
  if (!readWords(ram, pteAddr, 2, w)) {
    res.cause = Cause.MSI_LOAD_ACCESS; res.why = `MSI PTE at 0x${pteAddr.toString(16)} is not in memory`;
    return res;
  }
  res.pte = Array.from(w);
  // Step 9: V; step 10: C = 1 is implementation defined (this model defines no custom format: misconfigured).
  if ((w[0] & 1) === 0) { res.cause = Cause.MSI_INVALID; res.why = `MSI PTE ${file} is not valid (V = 0)`; return res; }
  if ((w[1] >>> 31) !== 0) { res.cause = Cause.MSI_MISCONFIGURED; res.why = `MSI PTE ${file} has C = 1 (no custom format)`; return res; }
  const m = (w[0] >>> 1) & 3;
  // Step 12: M = 0 or 2 are misconfigured; M = 1 (MRIF) needs capabilities.MSI_MRIF, which is 0.
  if (m !== 3) {
    res.cause = Cause.MSI_MISCONFIGURED;
    res.why = m === 1 ? `MSI PTE ${file} is in MRIF mode (not supported)` : `MSI PTE ${file} has reserved mode M = ${m}`;
    return res;
  }
  // Step 13: basic translate mode; bits 9:3 and 62:54 are reserved (the second doubleword is not used).
  if ((w[0] & 0x3f8) !== 0 || ((w[1] >>> 22) & 0x1ff) !== 0) {
    res.cause = Cause.MSI_MISCONFIGURED; res.why = `MSI PTE ${file} has reserved bits set`;
    return res;
  }
  res.spa = field64(w[0], w[1], 53, 10) * 4096 + (gpa & 4095);
  return res;
}
