// Side-effect-free views of machine state for the session: memory references that name their address space,
// translations with every reference, and page-table pages decoded. Nothing here changes guest state.

import {
  Access, type GuestTranslation, type Hart, debugTranslate, explainTranslation, pagingModeName, translateGuestDebug,
} from '../core';
import type { PageTablesArguments, PageTablesResult, TranslateResult } from './protocol';
import type { Engine } from './engine';
import type { Vcpu } from '../core';

/** A resolved memory reference: its address, a byte reader (-1: nothing there) and a byte writer (false: cannot). */
export interface MemoryRef {
  base: bigint;
  read: (a: bigint) => number;
  write: (a: bigint, byte: number) => boolean;
}

/**
 * A memory reference that names its address space: `hpa:0x…` (host physical), `gpa:vm0:0x…` (a VM's guest
 * physical memory; without the VMM, `gpa:0x…` through hart 0's G stage), `gva:vm0:0x…` (a VM's guest virtual
 * addresses through its first vCPU's current translation), `iova:dev32:0x…` (what a device's DMA at that IO-virtual
 * address reaches through the IOMMU; `iova:dev32:pid5:0x…` with a process id), or a bare `0x…` (what hart 0 sees
 * now). Translations are made once per page, without side effects (no A/D updates, no TLB or IOTLB fills, no fault
 * records). Writes go to the physical byte the reference names (a guest page never touched is backed first); reads
 * never change anything. Returns why the reference is bad, as a string.
 */
export function memoryReference(e: Engine, text: string): MemoryRef | string {
  const m = /^(?:(hpa|gpa|gva):(?:vm(\d+):)?|iova:dev(0x[0-9a-fA-F]+|\d+):(?:pid(\d+):)?)?(0x[0-9a-fA-F]+|\d+)$/.exec(String(text).trim());
  if (m === null) return 'use 0x…, hpa:0x…, gpa:vmN:0x…, gva:vmN:0x… or iova:devN:0x…';
  const base = BigInt(m[5]);
  if (base >= 1n << 64n) return 'address wider than 64 bits';
  const machine = e.board.machine;
  const ram = machine.ram;
  const phys = (pa: number) => { const off = ram.offsetOf(pa, 1); return off < 0 ? -1 : ram.u8[off]; };
  const poke = (pa: number, b: number) => {
    if (pa < 0 || ram.offsetOf(pa, 1) < 0) return false;
    machine.writePhys(pa, Uint8Array.of(b));
    return true;
  };
  // Translate once per page: `toPa` gives the page's physical base for an address in it (or -1).
  const paged = (toPa: (page: bigint) => number): MemoryRef => {
    let lastPage = -1n, lastPa = -1;
    const at = (a: bigint): number => {
      const page = a & ~0xfffn;
      if (page !== lastPage) { lastPage = page; lastPa = toPa(page); }
      return lastPa < 0 ? -1 : lastPa + Number(a & 0xfffn);
    };
    return { base, read: (a) => { const pa = at(a); return pa < 0 ? -1 : phys(pa); }, write: (a, b) => poke(at(a), b) };
  };
  const lohi = (page: bigint): [number, number] => [Number(page & 0xffffffffn) | 0, Number(page >> 32n) | 0];
  if (m[3] !== undefined) {
    const dev = Number(m[3]), pid = m[4] !== undefined ? Number(m[4]) : undefined;
    const iommu = e.board.iommu;
    return paged((page) => {
      if (page >= 1n << 53n) return -1;
      const t = iommu.translateDebug(dev, Number(page), { processId: pid });
      return t.ok && t.spa !== undefined ? t.spa : -1;
    });
  }
  const space = m[1];
  if (space === undefined) {
    const h0 = e.harts[0];
    return paged((page) => debugTranslate(h0, ...lohi(page), Access.LOAD));
  }
  if (space === 'hpa') return paged((page) => (page < 1n << 53n ? Number(page) : -1));
  const vmIndex = m[2] !== undefined ? Number(m[2]) : 0;
  const vm = e.vmm?.vms[vmIndex];
  if (e.vmm !== undefined && vm === undefined) return `no vm${vmIndex}`;
  if (space === 'gpa') {
    if (vm !== undefined) {
      // Guest RAM through the pmap: a page the guest never touched reads as zero (and is backed when written).
      return {
        base,
        read: (a) => {
          if (a >= 1n << 53n || !vm.pmap.contains(Number(a))) return -1;
          const hpa = vm.pmap.hostAddr(Number(a), false);
          return hpa < 0 ? 0 : phys(hpa);
        },
        write: (a, b) => a < 1n << 53n && vm.pmap.contains(Number(a)) && poke(vm.pmap.hostAddr(Number(a), true), b),
      };
    }
    const h = e.harts[0];
    return paged((page) => {
      const t = translateGuestDebug(h.ptePort, { vsMode: 0, vsRootPpn: 0, gMode: h.hgatpMode, gRootPpn: h.hgatpPpn, va: page, access: 'load', priv: 'S' });
      return t.ok && t.pa !== undefined ? Number(t.pa) : -1;
    });
  }
  // gva: the guest's own translation as its (first) vCPU has it now.
  const h = vm !== undefined ? vm.vcpus[0].hart : e.harts[0];
  if (vm !== undefined && vm.shadow !== null) {
    const sh = vm.shadow, satp = vm.vcpus[0].satp;
    return paged((page) => {
      const gpa = sh.guestTranslate(satp, ...lohi(page), Access.LOAD, 1, true);
      return gpa < 0 ? -1 : vm.pmap.hostAddr(gpa, false);
    });
  }
  return paged((page) => {
    const t = translateGuestDebug(h.ptePort, { vsMode: h.vsatpMode, vsRootPpn: h.vsatpPpn, gMode: h.hgatpMode,
      gRootPpn: h.hgatpPpn, va: page, access: 'load', priv: 'S', sum: true });
    return t.ok && t.pa !== undefined ? Number(t.pa) : -1;
  });
}

/** vmscope/translate's result for hart h (core's explainTranslation, with addresses as strings). */
export function translateFor(h: Hart, va: bigint, access: 'fetch' | 'load' | 'store'): TranslateResult {
  const hexOf = (v: bigint | undefined) => (v === undefined ? undefined : '0x' + v.toString(16));
  const { kind, t } = explainTranslation(h, va, access);
  if (t === undefined) return { kind, ok: true, pa: hexOf(va), reason: 'no translation', steps: [] };
  const g = t as GuestTranslation;
  return {
    kind, ok: t.ok, pa: hexOf(t.pa), gpa: hexOf(g.gpa), level: t.level, reason: t.reason, fault: t.fault, guestPageFault: g.guestPageFault,
    steps: t.steps.map((x) => ({ stage: x.stage, level: x.level, pteAddr: hexOf(x.pteAddr)!, spa: hexOf(x.spa), pte: hexOf(x.pte)! })),
  };
}

const SIZE_NAMES = ['4 KiB', '2 MiB', '1 GiB', '512 GiB', '256 TiB'];

/** PTE flag letters, as `DAGUXWRV` with '-' for clear bits. */
export function pteFlags(pte: number): string {
  return 'DAGUXWRV'.split('').map((c, i) => ((pte >>> (7 - i)) & 1 ? c : '-')).join('');
}

/**
 * One table page of hart h's `space`, decoded. The table's address is read through the G stage for 'vsatp' (its
 * addresses are guest-physical); everything is read without side effects.
 */
export function pageTable(e: Engine, h: Hart, q: PageTablesArguments): PageTablesResult | string {
  let mode: number, root: number, rootEntries = 512, gstage = false;
  switch (q.space) {
    case 'satp': mode = h.satpMode; root = h.satpPpn * 4096; break;
    case 'vsatp': case 'shadow': mode = h.vsatpMode; root = h.vsatpPpn * 4096; break;
    case 'hgatp': mode = h.hgatpMode; root = h.hgatpPpn * 4096; rootEntries = 2048; gstage = true; break;
    default: return 'vmscope/pageTables: "space" must be satp, vsatp, hgatp or shadow';
  }
  const shadowVm = e.vmm?.vcpuOf(h)?.vm;
  if (q.space === 'shadow' && shadowVm?.shadow == null) return 'vmscope/pageTables: this hart runs no shadow-paged VM';
  if (q.space === 'vsatp' && shadowVm?.shadow != null) {
    return 'vmscope/pageTables: a shadow-paged VM\'s vsatp holds the shadow tables: ask for "shadow"';
  }
  const levels = mode === 8 ? 3 : mode === 9 ? 4 : mode === 10 ? 5 : 0;
  if (levels === 0) return `vmscope/pageTables: ${q.space} is Bare: no tables`;
  const level = Number.isInteger(q.level) ? q.level! : levels - 1;
  const table = q.table !== undefined ? parseAddress(q.table) : BigInt(root);
  if (table === undefined || level < 0 || level >= levels) return 'vmscope/pageTables: bad "table" or "level"';
  const n = level === levels - 1 ? rootEntries : 512;
  // vsatp tables live at guest-physical addresses: find them through the G stage.
  let spa = table;
  if (q.space === 'vsatp' && h.hgatpMode !== 0) {
    const t = translateGuestDebug(h.ptePort, { vsMode: 0, vsRootPpn: 0, gMode: h.hgatpMode, gRootPpn: h.hgatpPpn, va: table,
      access: 'load', priv: 'S' });
    if (!t.ok || t.pa === undefined) return `vmscope/pageTables: the table at guest-physical ${q.table ?? '0x' + table.toString(16)} is not mapped in the G stage`;
    spa = t.pa;
  }
  let bytes: Uint8Array;
  try { bytes = e.board.machine.readPhys(Number(spa), n * 8); } catch { return 'vmscope/pageTables: the table is not in RAM'; }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: PageTablesResult['entries'] = [];
  const vaBase = q.va !== undefined ? parseAddress(q.va) ?? 0n : 0n;
  const vaBits = 12 + 9 * levels + (gstage ? 2 : 0);
  // The shadow space's guest: the guest's satp as the VMM keeps it, to find the guest PTE each shadow leaf mirrors.
  const vcpu = q.space === 'shadow' ? e.vmm?.vcpuOf(h) : undefined;
  for (let i = 0; i < n; i++) {
    const pte = dv.getBigUint64(i * 8, true);
    if (pte === 0n) continue;
    const lo = Number(pte & 0xffffffffn);
    const valid = (lo & 1) !== 0, leaf = (lo & 0xe) !== 0;
    const target = ((pte >> 10n) & ((1n << 44n) - 1n)) * 4096n;
    // The address the entry's range starts at; one-stage addresses are sign-extended from their top bit.
    let va = vaBase + (BigInt(i) << BigInt(12 + 9 * level));
    if (!gstage && ((va >> BigInt(vaBits - 1)) & 1n) !== 0n) va = BigInt.asUintN(64, va | (~0n << BigInt(vaBits)));
    const entry: PageTablesResult['entries'][number] = {
      index: i, pte: '0x' + pte.toString(16), valid, flags: pteFlags(lo), leaf, target: '0x' + target.toString(16),
      pageSize: valid && leaf ? SIZE_NAMES[level] : undefined, va: '0x' + va.toString(16),
      next: valid && !leaf && level > 0 ? { table: '0x' + target.toString(16), level: level - 1, va: '0x' + va.toString(16) } : undefined,
    };
    if (vcpu !== undefined && valid && leaf) mirrorOf(entry, vcpu, va, target, lo);
    entries.push(entry);
  }
  return { mode: pagingModeName(mode, gstage) ?? `reserved (${mode})`, table: '0x' + table.toString(16), level, entries };
}

/**
 * Fills a shadow leaf's `mirror` (the guest PTE it stands for) and `stale`: the guest's tables now map va to another
 * host page, or to nothing, or with fewer permissions than the shadow leaf gives (W is given only once the guest's
 * PTE is dirty, so a clean guest PTE under a writable shadow leaf is stale too).
 */
function mirrorOf(entry: PageTablesResult['entries'][number], vcpu: Vcpu, va: bigint, target: bigint, shadowLo: number): void {
  const vm = vcpu.vm, sh = vm.shadow!;
  const g = sh.guestLeaf(vcpu.satp, Number(va & 0xffffffffn) | 0, Number((va >> 32n) & 0xffffffffn) | 0);
  if (g === null) {
    entry.mirror = null;
    entry.stale = vcpu.satp.mode !== 0;
    entry.staleWhy = entry.stale ? 'the guest\'s tables map nothing here now' : undefined;
    return;
  }
  entry.mirror = { pte: '0x' + g.pte.toString(16), pteGpa: '0x' + g.pteGpa.toString(16), gpa: '0x' + g.gpa.toString(16), level: g.level };
  const hpa = vm.pmap.contains(g.gpa) ? vm.pmap.hostAddr(g.gpa - (g.gpa % 4096), false) : vm.pmap.mmioPage(g.gpa);
  const glo = Number(g.pte & 0xffn);
  const why: string[] = [];
  if (hpa < 0 || BigInt(hpa) !== target) why.push(`the guest maps gpa 0x${g.gpa.toString(16)}${hpa >= 0 ? ` (host 0x${hpa.toString(16)})` : ''} now`);
  for (const [bit, name] of [[2, 'R'], [8, 'X'], [16, 'U']] as const) {
    if ((shadowLo & bit) !== 0 && (glo & bit) === 0) why.push(`${name} without the guest's ${name}`);
  }
  if ((shadowLo & 4) !== 0 && ((glo & 4) === 0 || (glo & 128) === 0)) why.push('W without a writable, dirty guest PTE');
  entry.stale = why.length > 0;
  if (entry.stale) entry.staleWhy = why.join('; ');
}

/** A memory reference: '0x…' or a decimal address. */
export function parseAddress(ref: string): bigint | undefined {
  const s = ref.trim();
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < 1n << 64n ? v : undefined;
}
