// Shadow paging: the VM runs with hgatp Bare, and the hart's real vsatp points at tables the VMM builds that
// map guest virtual pages straight to host physical pages (the composition of the guest's own tables and the
// VM's pmap). hstatus.VTVM makes the guest's satp accesses and sfence.vma trap, so the VMM keeps the guest's
// satp value and switches shadow address spaces; page faults are not delegated, so the VMM sees every shadow
// miss, walks the guest's tables in software (setting the guest's A/D bits as hardware would) and either fills
// the shadow entry or passes the guest's own page fault on.
//
// Policy (docs/vmm.md): shadow entries are dropped when the guest executes sfence.vma (the point where the
// architecture requires new translations to become visible), not when it writes its page tables; the guest
// page tables are not write-protected. A shadow leaf is writable only when the guest PTE is dirty, so the
// first store to a clean page faults and the VMM sets D in the guest's PTE. Address spaces are keyed by the
// guest's root table and ASID; at most MAX_SPACES per VM and MAX_TABLE_PAGES table pages in all are kept, the
// least recently used space being evicted.

import type { Bus } from '../devices/bus';
import {
  Access, PTE_A, PTE_CHANGED, PTE_D, PTE_FAULT, PTE_G, PTE_R, PTE_U, PTE_UPDATED, PTE_V, PTE_W, PTE_X, PagingMode,
  type PtePort, WalkRequest, WalkResult, WalkStatus, pagingLevels, vpnField, walk,
} from '../mmu/walk';
import { type HostFrames, type Pmap, nextTable, writePte } from './pmap';
import { ACCESS_FAULT, PAGE_FAULT } from '../cpu/mem';

/** Most shadow address spaces a VM keeps, and table pages in all, before evicting. */
export const MAX_SPACES = 16, MAX_TABLE_PAGES = 2048;
/** Key of the shadow space for a Bare guest (identity gVA = gPA). */
const BARE_KEY = -1;

/** The guest's tables, read and updated through the VM's pmap (guest physical addresses). */
class GuestTablePort implements PtePort {
  constructor(private readonly pmap: Pmap, private readonly bus: Bus) {}
  readPte(gpa: number, out: Int32Array): boolean {
    if (!this.pmap.contains(gpa)) return false;
    const hpa = this.pmap.hostAddr(gpa, false);
    if (hpa < 0) { out[0] = 0; out[1] = 0; return true; }     // never touched: zero
    const ram = this.bus.ram, off = ram.offsetOf(hpa, 8) >>> 2;
    out[0] = ram.i32[off]; out[1] = ram.i32[off + 1];
    return true;
  }
  updatePteLo(gpa: number, expectLo: number, newLo: number): number {
    const hpa = this.pmap.hostAddr(gpa, true);
    if (hpa < 0) return PTE_FAULT;
    const ram = this.bus.ram, off = ram.offsetOf(hpa, 8);
    if (ram.i32[off >>> 2] !== expectLo) return PTE_CHANGED;
    ram.i32[off >>> 2] = newLo;
    this.bus.noteRamWrite(off, 4);
    return PTE_UPDATED;
  }
}

/** One shadow address space: the guest's (root, ASID) and the shadow tables that mirror it. */
export class ShadowSpace {
  /** Host frames of its tables, root first. */
  readonly tables: number[] = [];
  /** Regions (level:tag) of guest superpages shadowed here as 4 KiB leaves: a fence of any address in one drops
   *  them all, as it would drop the superpage's one TLB entry. */
  readonly bigRegions = new Set<string>();
  lastUse = 0;
  constructor(readonly guestRoot: number, readonly asid: number, readonly mode: number, readonly root: number) {
    this.tables.push(root);
  }
}

/** What a shadow page fault turned out to be. */
export const enum ShadowOutcome {
  /** The shadow entry was filled (and the guest's A/D updated): retry the access. */
  FILLED,
  /** The guest's own translation faults: pass this exception on. */
  GUEST_FAULT,
  /** The guest maps the page to something that is not RAM (a device): emulate the access. */
  DEVICE,
  /** Out of host memory. */
  NO_MEMORY,
}

/** Guest-visible state of one vCPU's satp (the real vsatp holds the shadow root). */
export interface GuestSatp { mode: number; asid: number; ppn: number }

export class ShadowMmu {
  readonly spaces: ShadowSpace[] = [];
  /** The space each vCPU's real vsatp points at: never freed while in use (only emptied). */
  private readonly inUse = new Map<number, ShadowSpace>();
  /** Counters for the statistics. */
  faults = 0;
  fills = 0;
  resyncs = 0;
  evictions = 0;
  tablePages = 0;
  /** Guest physical address of the last fault that resolved to a device page (ShadowOutcome.DEVICE). */
  deviceGpa = 0;
  /** Exception to pass to the guest for ShadowOutcome.GUEST_FAULT. */
  guestCause = 0;
  private useClock = 0;
  private readonly port: GuestTablePort;
  private readonly req = new WalkRequest();
  private readonly res = new WalkResult();

  constructor(private readonly bus: Bus, private readonly pmap: Pmap, private readonly frames: HostFrames, private readonly owner: number) {
    this.port = new GuestTablePort(pmap, bus);
  }

  /** The shadow space for a guest satp, created (empty) if needed. Returns null when host memory runs out. */
  spaceFor(g: GuestSatp): ShadowSpace | null {
    const key = g.mode === PagingMode.BARE ? BARE_KEY : g.ppn;
    const asid = g.mode === PagingMode.BARE ? 0 : g.asid;
    let s = this.spaces.find((x) => x.guestRoot === key && x.asid === asid && x.mode === g.mode);
    if (s === undefined) {
      if (this.spaces.length >= MAX_SPACES) this.evict();
      const root = this.allocTable();
      if (root < 0) return null;
      s = new ShadowSpace(key, asid, g.mode, root);
      this.spaces.push(s);
    }
    s.lastUse = ++this.useClock;
    return s;
  }

  /** The real vsatp value (as lo/hi words) for a shadow space: the guest's mode (Sv39 for Bare) and ASID. */
  static vsatpOf(s: ShadowSpace): { mode: number; asid: number; ppn: number } {
    return { mode: s.mode === PagingMode.BARE ? PagingMode.SV39 : s.mode, asid: s.asid, ppn: s.root / 4096 };
  }

  /**
   * A page fault at gva (access, guest privilege priv, the guest's SUM/MXR) in space s. Walks the guest's
   * tables as the hardware would (A/D updated in the guest's PTEs) and fills the shadow leaf for the 4 KiB page.
   */
  fault(s: ShadowSpace, vaLo: number, vaHi: number, access: Access, priv: number, sum: boolean, mxr: boolean): ShadowOutcome {
    this.faults++;
    s.lastUse = ++this.useClock;                 // never the one evicted for its own tables
    if (this.tablePages + 8 > MAX_TABLE_PAGES) {
      // The bound is reached: reclaim other spaces first, then start this one over.
      while (this.spaces.length > 1 && this.tablePages + 8 > MAX_TABLE_PAGES) this.evict();
      if (this.tablePages + 8 > MAX_TABLE_PAGES) { this.clear(s); this.evictions++; }
    }
    let gpaFrame: number, leaf: number;
    if (s.mode === PagingMode.BARE) {
      // No guest translation: gVA = gPA. U follows the mode that faulted (see flipUser).
      gpaFrame = (vaHi >>> 0) * 1048576 + (vaLo >>> 12);
      leaf = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | (priv === 0 ? PTE_U : 0);
      if ((vaHi >>> 24) !== 0) { this.guestCause = ACCESS_FAULT[access]; return ShadowOutcome.GUEST_FAULT; }
    } else {
      const req = this.req, res = this.res;
      req.mode = s.mode; req.rootPpn = s.guestRoot; req.vaLo = vaLo; req.vaHi = vaHi; req.access = access;
      req.priv = priv; req.sum = sum; req.mxr = mxr; req.adue = true; req.gstage = false; req.debug = false;
      const st = walk(req, res, this.port, null);
      if (st !== WalkStatus.OK) {
        this.guestCause = st === WalkStatus.PAGE_FAULT ? PAGE_FAULT[access] : ACCESS_FAULT[access];
        return ShadowOutcome.GUEST_FAULT;
      }
      gpaFrame = res.ppn;
      leaf = res.pteLo;
    }
    const gpa = gpaFrame * 4096;
    // Guest RAM, or the registers of a device assigned to the VM (mapped straight through, never executable).
    const ram = this.pmap.contains(gpa);
    const hpa = ram ? this.pmap.hostPage(gpa, true) : access !== Access.FETCH ? this.pmap.mmioPage(gpa) : -1;
    if (!ram && hpa < 0) {
      this.deviceGpa = gpa + (vaLo & 4095);
      return ShadowOutcome.DEVICE;
    }
    if (hpa < 0) return ShadowOutcome.NO_MEMORY;
    // The shadow leaf: the guest's permissions, A set, and W only once the guest's PTE is dirty.
    let flags = leaf & (PTE_V | PTE_R | PTE_X | PTE_U | PTE_G) | PTE_A | PTE_D;
    if (!ram) flags &= ~PTE_X;
    if ((leaf & PTE_W) !== 0 && (leaf & PTE_D) !== 0) flags |= PTE_W;
    if (!this.setLeaf(s, vaLo, vaHi, hpa / 4096, flags)) return ShadowOutcome.NO_MEMORY;
    if (s.mode !== PagingMode.BARE && this.res.level > 0) s.bigRegions.add(regionKey(vaLo, vaHi, this.res.level));
    this.fills++;
    s.lastUse = ++this.useClock;
    return ShadowOutcome.FILLED;
  }

  /**
   * The guest physical address the guest's own tables give va (no A/D updates), or -1 when they fault.
   * For the VMM's instruction fetches: the shadow tables may lack a page the hart runs through a global TLB
   * entry filled in another space.
   */
  guestTranslate(g: GuestSatp, vaLo: number, vaHi: number, access: Access, priv: number, sum = false): number {
    if (g.mode === PagingMode.BARE) return (vaHi >>> 0) * 4294967296 + (vaLo >>> 0);
    const req = this.req, res = this.res;
    req.mode = g.mode; req.rootPpn = g.ppn; req.vaLo = vaLo; req.vaHi = vaHi; req.access = access;
    req.priv = priv; req.sum = sum; req.mxr = false; req.adue = true; req.gstage = false; req.debug = true;
    return walk(req, res, this.port, null) === WalkStatus.OK ? res.ppn * 4096 + (vaLo & 4095) : -1;
  }

  /**
   * The guest's own leaf PTE for va now (a side-effect-free walk of its tables, for the debugger): the PTE, its
   * guest physical address, the translated guest physical address and the leaf's level; null when the guest's walk
   * faults (no valid leaf, or a table outside its RAM).
   */
  guestLeaf(g: GuestSatp, vaLo: number, vaHi: number): { pte: bigint; pteGpa: number; gpa: number; level: number } | null {
    if (g.mode === PagingMode.BARE) return null;
    const req = this.req, res = this.res;
    req.mode = g.mode; req.rootPpn = g.ppn; req.vaLo = vaLo; req.vaHi = vaHi; req.access = Access.LOAD;
    req.priv = 1; req.sum = true; req.mxr = true; req.adue = true; req.gstage = false; req.debug = true;
    if (walk(req, res, this.port, null) !== WalkStatus.OK) return null;
    return { pte: (BigInt(res.pteHi >>> 0) << 32n) | BigInt(res.pteLo >>> 0), pteGpa: res.pteAddr, gpa: res.ppn * 4096 + (vaLo & 4095), level: res.level };
  }

  /**
   * sfence.vma semantics on the shadow tables: drop the entry for va (if given) or whole spaces. Returns true when
   * a whole superpage region went (the hart's TLB holds such pages in 4 KiB pieces: the caller flushes it all).
   */
  sfence(vaLo: number, vaHi: number, hasVa: boolean, asid: number, hasAsid: boolean): boolean {
    this.resyncs++;
    let regions = false;
    for (const s of [...this.spaces]) {
      if (hasAsid && s.asid !== asid && s.mode !== PagingMode.BARE) continue;
      if (hasVa && s.bigRegions.size > 0) {
        for (let level = 1; level <= 4; level++) {
          const key = regionKey(vaLo, vaHi, level);
          if (!s.bigRegions.has(key)) continue;
          s.bigRegions.delete(key);
          this.unlinkRegion(s, vaLo, vaHi, level);
          regions = true;
        }
      }
      if (hasVa) {
        // A global leaf survives an ASID-scoped fence; otherwise clear the 4 KiB shadow leaf.
        const pa = this.slot(s, vaLo, vaHi, 0, false);
        if (pa < 0) continue;
        const ram = this.bus.ram;
        if (hasAsid && (ram.i32[ram.offsetOf(pa, 8) >>> 2] & PTE_G) !== 0) continue;
        writePte(this.bus, pa, 0, 0);
      } else {
        this.drop(s);
      }
    }
    return regions;
  }

  /**
   * Unlinks the shadow subtree under va's entry at `level` (a guest superpage's region): its 4 KiB leaves are gone
   * at once. The unlinked tables stay with the space until it is emptied or freed.
   */
  private unlinkRegion(s: ShadowSpace, vaLo: number, vaHi: number, level: number): void {
    if (level >= pagingLevels(s.mode)) { this.clear(s); return; }
    const pa = this.slot(s, vaLo, vaHi, level, false);
    if (pa >= 0) writePte(this.bus, pa, 0, 0);
  }

  /** Records that vCPU `vcpu` runs on space s (its real vsatp points at s.root). */
  use(vcpu: number, s: ShadowSpace): void {
    this.inUse.set(vcpu, s);
  }

  private active(s: ShadowSpace): boolean {
    for (const x of this.inUse.values()) if (x === s) return true;
    return false;
  }

  /** Frees a space, or, while a vCPU runs on it, empties it: its root must stay a valid table. */
  private drop(s: ShadowSpace): void {
    if (this.active(s)) { this.clear(s); return; }
    for (const t of s.tables) { this.frames.release(t); this.tablePages--; }
    this.spaces.splice(this.spaces.indexOf(s), 1);
  }

  /** Empties a space: its root is zeroed and its other tables are freed. */
  private clear(s: ShadowSpace): void {
    s.bigRegions.clear();
    for (const t of s.tables.splice(1)) { this.frames.release(t); this.tablePages--; }
    const ram = this.bus.ram, off = ram.offsetOf(s.root, 4096);
    ram.u8.fill(0, off, off + 4096);
  }

  /** Evicts the least recently used space no vCPU runs on (or empties the least recently used one). */
  private evict(): void {
    let lru: ShadowSpace | undefined;
    for (const s of this.spaces) if (!this.active(s) && (lru === undefined || s.lastUse < lru.lastUse)) lru = s;
    if (lru === undefined) for (const s of this.spaces) if (lru === undefined || s.lastUse < lru.lastUse) lru = s;
    if (lru !== undefined) { this.drop(lru); this.evictions++; }
  }

  private allocTable(): number {
    const t = this.frames.alloc(this.owner);
    if (t >= 0) this.tablePages++;
    return t;
  }

  /**
   * Host address of the PTE at `level` on va's path in s, creating the tables above it when `create`; -1 when a
   * table on the way does not exist (or cannot be made).
   */
  private slot(s: ShadowSpace, vaLo: number, vaHi: number, level: number, create: boolean): number {
    const levels = pagingLevels(s.mode === PagingMode.BARE ? PagingMode.SV39 : s.mode);
    let table = s.root;
    for (let i = levels - 1; i > level; i--) {
      const pa = table + vpnField(vaLo, vaHi, i, 9) * 8;
      let next = nextTable(this.bus, pa);
      if (next < 0) {
        if (!create || (next = this.allocTable()) < 0) return -1;
        s.tables.push(next);
        writePte(this.bus, pa, next / 4096, PTE_V);
      }
      table = next;
    }
    return table + vpnField(vaLo, vaHi, level, 9) * 8;
  }

  /** Writes the 4 KiB leaf for va in s, creating tables on the way. */
  private setLeaf(s: ShadowSpace, vaLo: number, vaHi: number, ppn: number, flags: number): boolean {
    const pa = this.slot(s, vaLo, vaHi, 0, true);
    if (pa < 0) return false;
    writePte(this.bus, pa, ppn, flags);
    return true;
  }

  /** Shadow table pages in use. */
  livePages(): number {
    return this.tablePages;
  }
}

/** The key of va's region at a page level (the page-aligned va above that level's offset bits). */
function regionKey(lo: number, hi: number, level: number): string {
  const sh = 12 + 9 * level;
  const tLo = sh < 32 ? (lo >>> sh) | (hi << (32 - sh)) : hi >>> (sh - 32);
  const tHi = sh < 32 ? hi >>> sh : 0;
  return `${level}:${tHi}:${tLo}`;
}

