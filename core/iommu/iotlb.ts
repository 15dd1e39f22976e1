// The IOTLB: combined IOVA → supervisor-physical translations, one 4 KiB piece per entry, tagged by address space
// (iommu_data_structures.adoc "Caching in-memory data structures": first-stage entries by GSCID, PSCID and IOVA,
// second-stage information by GSCID and GPA), and the IOTINVAL scoping rules of iommu_in_memory_queues.adoc.
// Lookups allocate nothing and use no BigInt.

/** Entries (direct-mapped). */
export const IOTLB_SIZE = 1024;

/** Tag of the G stage: -1 when iohgatp is Bare (a host address space), else MODE << 16 | GSCID. */
export function gTagOf(gMode: number, gscid: number): number { return gMode === 0 ? -1 : (gMode << 16) | gscid; }
/** Tag of the first stage: -1 when it is Bare, else the PSCID. */
export function pTagOf(fsMode: number, pscid: number): number { return fsMode === 0 ? -1 : pscid; }

/** One entry as the debugger shows it. */
export interface IotlbEntryView {
  index: number;
  iova: number;
  spa: number;
  /** Guest physical address of the page (the IOVA when the first stage is Bare). */
  gpa: number;
  gscid: number | null;
  gMode: number;
  pscid: number | null;
  global: boolean;
  /** Combined page level, the first-stage leaf level and the G-stage leaf level (4 = Bare). */
  level: number; vsLevel: number; gLevel: number;
  /** Accesses already checked: 'r', 'w', 'x'. */
  perms: string;
  supervisor: boolean;
  sum: boolean;
  /** Device that filled the entry (entries are shared by every device of the address space). */
  deviceId: number;
}

const TWO_32 = 4294967296;

export class Iotlb {
  private readonly valid = new Uint8Array(IOTLB_SIZE);
  private readonly vpn = new Float64Array(IOTLB_SIZE);
  private readonly spaFrame = new Float64Array(IOTLB_SIZE);
  private readonly gpaFrame = new Float64Array(IOTLB_SIZE);
  private readonly gTag = new Int32Array(IOTLB_SIZE);
  private readonly pTag = new Int32Array(IOTLB_SIZE);
  /** priv | SUM << 1 of the request that filled the entry (part of the match). */
  private readonly mode = new Uint8Array(IOTLB_SIZE);
  /** Bit per Access (FETCH 1, LOAD 2, STORE 4) that a walk has allowed (and for which A/D are already set). */
  private readonly perms = new Uint8Array(IOTLB_SIZE);
  private readonly global = new Uint8Array(IOTLB_SIZE);
  private readonly level = new Uint8Array(IOTLB_SIZE);
  private readonly vsLevel = new Uint8Array(IOTLB_SIZE);
  private readonly gLevel = new Uint8Array(IOTLB_SIZE);
  private readonly device = new Int32Array(IOTLB_SIZE);
  count = 0;

  private index(vpn: number, gTag: number, pTag: number): number {
    return ((vpn % TWO_32) ^ Math.imul(gTag, 0x9e3779b1) ^ Math.imul(pTag, 0x85ebca6b) ^ Math.floor(vpn / TWO_32)) & (IOTLB_SIZE - 1);
  }

  /** Frame of the supervisor physical page for (vpn, tags) if an entry allows `access` (0/1/2), else -1. */
  lookup(vpn: number, gTag: number, pTag: number, mode: number, access: number): number {
    const i = this.index(vpn, gTag, pTag);
    if (this.valid[i] === 0 || this.vpn[i] !== vpn || this.gTag[i] !== gTag || this.pTag[i] !== pTag || this.mode[i] !== mode) return -1;
    if ((this.perms[i] & (1 << access)) === 0) return -1;
    return this.spaFrame[i];
  }

  /** Records a successful walk of `access`; an entry for the same page and tags gains the permission. */
  fill(vpn: number, gTag: number, pTag: number, mode: number, access: number, spaFrame: number, gpaFrame: number,
    global: boolean, level: number, vsLevel: number, gLevel: number, deviceId: number): void {
    const i = this.index(vpn, gTag, pTag);
    const same = this.valid[i] !== 0 && this.vpn[i] === vpn && this.gTag[i] === gTag && this.pTag[i] === pTag
      && this.mode[i] === mode && this.spaFrame[i] === spaFrame;
    if (this.valid[i] === 0) this.count++;
    this.valid[i] = 1; this.vpn[i] = vpn; this.gTag[i] = gTag; this.pTag[i] = pTag; this.mode[i] = mode;
    this.perms[i] = (same ? this.perms[i] : 0) | (1 << access);
    this.spaFrame[i] = spaFrame; this.gpaFrame[i] = gpaFrame; this.global[i] = global ? 1 : 0;
    this.level[i] = level; this.vsLevel[i] = vsLevel; this.gLevel[i] = gLevel; this.device[i] = deviceId;
  }

  private drop(i: number): void { this.valid[i] = 0; this.count--; }

  /** Drops everything (reset). */
  clear(): void { this.valid.fill(0); this.count = 0; }

  /**
   * IOTINVAL.VMA (iommu_in_memory_queues.adoc, table "IOTINVAL.VMA operands and operations"). GV = 0 selects host
   * address spaces (G stage Bare), GV = 1 those of `gscid`; PSCV = 1 narrows to one PSCID and spares global
   * mappings; AV = 1 narrows to entries holding the first-stage leaf for `iovaFrame`.
   */
  invalidateVma(gv: boolean, gscid: number, pscv: boolean, pscid: number, av: boolean, iovaFrame: number): number {
    let n = 0;
    for (let i = 0; i < IOTLB_SIZE; i++) {
      if (this.valid[i] === 0) continue;
      const g = this.gTag[i];
      if (gv ? (g < 0 || (g & 0xffff) !== gscid) : g >= 0) continue;
      if (pscv && (this.pTag[i] !== pscid || this.global[i] !== 0)) continue;
      if (av && (this.pTag[i] < 0 || !sameFrameAtLevel(this.vpn[i], iovaFrame, this.vsLevel[i]))) continue;
      this.drop(i); n++;
    }
    return n;
  }

  /** IOTINVAL.GVMA (table "IOTINVAL.GVMA operands and operations"): GV = 0 every VM address space; GV = 1 those of
   *  `gscid`; with AV = 1 only entries whose G-stage leaf maps `gpaFrame`. */
  invalidateGvma(gv: boolean, gscid: number, av: boolean, gpaFrame: number): number {
    let n = 0;
    for (let i = 0; i < IOTLB_SIZE; i++) {
      if (this.valid[i] === 0) continue;
      const g = this.gTag[i];
      if (g < 0) continue;
      if (gv && (g & 0xffff) !== gscid) continue;
      if (gv && av && !sameFrameAtLevel(this.gpaFrame[i], gpaFrame, this.gLevel[i])) continue;
      this.drop(i); n++;
    }
    return n;
  }

  entries(): IotlbEntryView[] {
    const out: IotlbEntryView[] = [];
    for (let i = 0; i < IOTLB_SIZE; i++) {
      if (this.valid[i] === 0) continue;
      const p = this.perms[i];
      out.push({
        index: i, iova: this.vpn[i] * 4096, spa: this.spaFrame[i] * 4096, gpa: this.gpaFrame[i] * 4096,
        gscid: this.gTag[i] < 0 ? null : this.gTag[i] & 0xffff, gMode: this.gTag[i] < 0 ? 0 : this.gTag[i] >>> 16,
        pscid: this.pTag[i] < 0 ? null : this.pTag[i], global: this.global[i] !== 0,
        level: this.level[i], vsLevel: this.vsLevel[i], gLevel: this.gLevel[i],
        perms: ((p & 2) !== 0 ? 'r' : '') + ((p & 4) !== 0 ? 'w' : '') + ((p & 1) !== 0 ? 'x' : ''),
        supervisor: (this.mode[i] & 1) !== 0, sum: (this.mode[i] & 2) !== 0, deviceId: this.device[i],
      });
    }
    return out;
  }
}

/** Both frames lie in the same page of `level` (4 KiB · 512^level; level 4 = a Bare stage: everything matches). */
function sameFrameAtLevel(a: number, b: number, level: number): boolean {
  if (level >= 4) return true;
  const span = Math.pow(512, level);
  return Math.floor(a / span) === Math.floor(b / span);
}
