// Page tables in a fake physical memory, for walker tests (single-stage and two-stage).
import { PTE_A, PTE_CHANGED, PTE_D, PTE_R, PTE_UPDATED, PTE_V, PTE_W, PTE_X, PagingMode, type PtePort } from '../../core/mmu/walk';

/** Sparse physical memory of 8-byte words (unwritten words read as zero), with hooks for walker tests. */
export class FakeMemory implements PtePort {
  readonly words = new Map<number, bigint>();
  /** Addresses whose reads fail (no memory there). */
  readonly holes = new Set<number>();
  reads = 0;
  updates = 0;
  /** Called before each update attempt; may change memory to simulate another hart. */
  beforeUpdate: ((pa: number) => void) | null = null;

  get(pa: number): bigint { return this.words.get(pa) ?? 0n; }
  set(pa: number, v: bigint): void { this.words.set(pa, BigInt.asUintN(64, v)); }

  readPte(pa: number, out: Int32Array): boolean {
    this.reads++;
    if (this.holes.has(pa)) return false;
    const v = this.get(pa);
    out[0] = Number(v & 0xffffffffn) | 0;
    out[1] = Number(v >> 32n) | 0;
    return true;
  }
  updatePteLo(pa: number, expectLo: number, newLo: number): number {
    if (this.beforeUpdate !== null) this.beforeUpdate(pa);
    const v = this.get(pa);
    if ((Number(v & 0xffffffffn) | 0) !== expectLo) return PTE_CHANGED;
    this.updates++;
    this.set(pa, (v & ~0xffffffffn) | BigInt(newLo >>> 0));
    return PTE_UPDATED;
  }
}

export const MODES: Record<number, number> = { 3: PagingMode.SV39, 4: PagingMode.SV48, 5: PagingMode.SV57 };
export const LEAF = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;

export const pte = (ppn: bigint, flags: number) => (ppn << 10n) | BigInt(flags);

/** Where page tables are built: a FakeMemory, or a machine's RAM through an adapter. */
export interface TableMemory {
  get(pa: number): bigint;
  set(pa: number, v: bigint): void;
}

/** Builds page tables in a TableMemory from a bump allocator of 4 KiB frames. */
export class PageTables<M extends TableMemory = FakeMemory> {
  readonly root: bigint;
  private next: bigint;             // frame numbers handed out for tables
  /** Every table frame handed out (the root's four frames for a G-stage root). */
  readonly frames: bigint[] = [];
  constructor(readonly mem: M, readonly levels: number, readonly gstage = false, firstFrame = 0x100n) {
    this.next = firstFrame;
    this.root = this.alloc(gstage ? 4 : 1);
  }
  alloc(frames = 1): bigint {
    this.next = (this.next + BigInt(frames) - 1n) / BigInt(frames) * BigInt(frames);  // align (16 KiB for the G-stage root)
    const f = this.next;
    this.next += BigInt(frames);
    for (let i = 0n; i < BigInt(frames); i++) this.frames.push(f + i);
    return f;
  }
  vpn(va: bigint, i: number): bigint {
    const bits = this.gstage && i === this.levels - 1 ? 11n : 9n;
    return (va >> BigInt(12 + 9 * i)) & ((1n << bits) - 1n);
  }
  /** Address of the PTE for va at `level`, creating the non-leaf tables above it. */
  slot(va: bigint, level: number): number {
    let table = this.root;
    for (let i = this.levels - 1; i > level; i--) {
      const addr = Number(table * 4096n + this.vpn(va, i) * 8n);
      let e = this.mem.get(addr);
      if ((e & 1n) === 0n) { e = pte(this.alloc(), PTE_V); this.mem.set(addr, e); }
      table = (e >> 10n) & ((1n << 44n) - 1n);
    }
    return Number(table * 4096n + this.vpn(va, level) * 8n);
  }
  /** Maps the page of `level` holding va to physical page start pa. Returns the leaf PTE address. */
  map(va: bigint, pa: bigint, level = 0, flags = LEAF): number {
    const addr = this.slot(va, level);
    this.mem.set(addr, pte(pa >> 12n, flags));
    return addr;
  }
  /** The PTE address of the non-leaf at `level` on va's path (after map()). */
  pointerAt(va: bigint, level: number): number {
    let table = this.root;
    for (let i = this.levels - 1; i > level; i--) {
      table = (this.mem.get(Number(table * 4096n + this.vpn(va, i) * 8n)) >> 10n) & ((1n << 44n) - 1n);
    }
    return Number(table * 4096n + this.vpn(va, level) * 8n);
  }
}

