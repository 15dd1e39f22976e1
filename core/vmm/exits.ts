// VM exits: every trap from a guest (V=1) into the hypervisor, as a bounded log of records plus counters per
// reason. The built-in VMM and a user's own hypervisor running on the H extension (bare mode) are recorded
// the same way.

/** Why a guest exited. */
export const enum ExitReason {
  GUEST_PAGE_FAULT = 0,
  VIRTUAL_INSTRUCTION,
  /** A virtual-instruction trap from hstatus.VTVM (satp access or sfence.vma in VS-mode): shadow paging. */
  VTVM,
  SBI,
  /** A guest access to a device the hypervisor emulates (a guest-page fault on its page). */
  MMIO,
  INTERRUPT,
  WFI,
  /** A page fault the shadow-paging VMM takes for the guest's page tables. */
  SHADOW_FAULT,
  /** Any other exception that reached the hypervisor. */
  OTHER,
}
export const EXIT_REASON_COUNT = 9;
export const EXIT_REASON_NAMES = [
  'guest page fault', 'virtual instruction', 'VTVM trap', 'SBI call', 'MMIO', 'interrupt', 'WFI', 'shadow page fault', 'other',
];
/** Short identifiers (exception-filter ids, JSON). */
export const EXIT_REASON_IDS = ['guestPageFault', 'virtualInstruction', 'vtvm', 'sbi', 'mmio', 'interrupt', 'wfi', 'shadowFault', 'other'];

/** How the hypervisor dealt with an exit. */
export const enum ExitHandling {
  /** Recorded only: a user's hypervisor handles it (bare mode). */
  GUEST_HYPERVISOR = 0,
  /** A guest page was backed and mapped in the G stage (or the shadow tables). */
  MAPPED,
  /** A device access was emulated. */
  EMULATED,
  /** An SBI call was served. */
  SBI_DONE,
  /** An exception was passed on to the guest. */
  INJECTED,
  /** The shadow tables were resynchronised with the guest's (satp write, sfence.vma, page-table write). */
  RESYNC,
  /** The guest's A/D bits were set on its behalf. */
  AD_UPDATE,
  /** The VM was stopped (shutdown, or a fatal error). */
  STOPPED,
  /** Nothing to do (e.g. an interrupt that only ends a wait). */
  NONE,
}
export const EXIT_HANDLING_NAMES = [
  'left to the guest hypervisor', 'mapped', 'emulated', 'SBI served', 'injected into the guest', 'shadow resync',
  'A/D bits set', 'VM stopped', 'none',
];

/** One exit, as the debugger shows it. */
export interface ExitRecord {
  seq: number;
  vm: number;
  vcpu: number;
  /** Guest time (mtime ticks) at the exit. */
  time: number;
  reason: ExitReason;
  /** The trap cause (interrupt causes have bit 63 set in `interrupt`). */
  cause: number;
  interrupt: boolean;
  pc: bigint;
  /** stval: the guest virtual address (or instruction bits) of the trap. */
  gva: bigint;
  /** Guest physical address (guest-page faults: htval << 2 plus the low bits), else 0. */
  gpa: bigint;
  htinst: number;
  handling: ExitHandling;
  /** Hypervisor instructions (hart cycles) from the exit to the next guest entry; 0 for the built-in VMM, which is
   *  native TypeScript. */
  hostInsns: number;
}

/** A ring of the last `capacity` exits (struct of arrays: recording allocates nothing) and per-reason counters. */
export class ExitLog {
  /** Exits recorded so far (the next seq). */
  total = 0;
  readonly counts = new Float64Array(EXIT_REASON_COUNT);
  private readonly vm: Int32Array;
  private readonly vcpu: Int32Array;
  private readonly time: Float64Array;
  private readonly reason: Uint8Array;
  private readonly cause: Int32Array;
  private readonly pcLo: Int32Array;
  private readonly pcHi: Int32Array;
  private readonly gvaLo: Int32Array;
  private readonly gvaHi: Int32Array;
  private readonly gpa: Float64Array;
  private readonly htinst: Int32Array;
  private readonly handling: Uint8Array;
  private readonly hostInsns: Float64Array;
  /** Per hart: the slot of its open exit and the instret at the exit (closed at the next guest entry). */
  private readonly open = new Map<number, { slot: number; seq: number; cycles: number }>();

  constructor(readonly capacity = 4096) {
    this.vm = new Int32Array(capacity); this.vcpu = new Int32Array(capacity); this.time = new Float64Array(capacity);
    this.reason = new Uint8Array(capacity); this.cause = new Int32Array(capacity);
    this.pcLo = new Int32Array(capacity); this.pcHi = new Int32Array(capacity);
    this.gvaLo = new Int32Array(capacity); this.gvaHi = new Int32Array(capacity);
    this.gpa = new Float64Array(capacity); this.htinst = new Int32Array(capacity);
    this.handling = new Uint8Array(capacity); this.hostInsns = new Float64Array(capacity);
  }

  /**
   * Records an exit and returns its seq. `cause` has bit 31 set for interrupts. The record stays open on
   * hart `hart` until closeOpen() at the next guest entry fills in the hypervisor's instruction count (from the
   * hart's cycle counts).
   */
  record(hart: number, vm: number, vcpu: number, time: number, reason: ExitReason, cause: number, pcLo: number, pcHi: number,
    gvaLo: number, gvaHi: number, gpa: number, htinst: number, handling: ExitHandling, cyclesNow: number): number {
    const seq = this.total++;
    const i = seq % this.capacity;
    this.vm[i] = vm; this.vcpu[i] = vcpu; this.time[i] = time; this.reason[i] = reason; this.cause[i] = cause;
    this.pcLo[i] = pcLo; this.pcHi[i] = pcHi; this.gvaLo[i] = gvaLo; this.gvaHi[i] = gvaHi; this.gpa[i] = gpa;
    this.htinst[i] = htinst; this.handling[i] = handling; this.hostInsns[i] = 0;
    this.counts[reason]++;
    const o = this.open.get(hart);
    if (o === undefined) this.open.set(hart, { slot: i, seq, cycles: cyclesNow });
    else { o.slot = i; o.seq = seq; o.cycles = cyclesNow; }
    return seq;
  }

  /** Changes how an exit was handled or classified (the VMM decides after recording the trap). */
  update(seq: number, reason: ExitReason, handling: ExitHandling, gpa?: number): void {
    if (seq < this.total - this.capacity || seq >= this.total) return;
    const i = seq % this.capacity;
    if (this.reason[i] !== reason) { this.counts[this.reason[i]]--; this.counts[reason]++; this.reason[i] = reason; }
    this.handling[i] = handling;
    if (gpa !== undefined) this.gpa[i] = gpa;
  }

  /** Hart `hart` entered its guest again: its open exit took cyclesNow - cycles hypervisor instruction slots. */
  closeOpen(hart: number, cyclesNow: number): void {
    const o = this.open.get(hart);
    if (o === undefined || o.slot < 0) return;
    if (o.seq >= this.total - this.capacity) this.hostInsns[o.slot] = Math.max(0, cyclesNow - o.cycles - 1);
    o.slot = -1;
  }

  /** Records in seq order: `count` of them starting at seq `from` (older ones than the ring holds are gone). */
  list(from = Math.max(0, this.total - this.capacity), count = this.capacity): ExitRecord[] {
    const out: ExitRecord[] = [];
    const first = Math.max(from, this.total - this.capacity, 0);
    for (let seq = first; seq < this.total && out.length < count; seq++) {
      const i = seq % this.capacity;
      out.push({
        seq, vm: this.vm[i], vcpu: this.vcpu[i], time: this.time[i], reason: this.reason[i] as ExitReason,
        cause: this.cause[i] & 0x7fffffff, interrupt: this.cause[i] < 0,
        pc: (BigInt(this.pcHi[i] >>> 0) << 32n) | BigInt(this.pcLo[i] >>> 0),
        gva: (BigInt(this.gvaHi[i] >>> 0) << 32n) | BigInt(this.gvaLo[i] >>> 0),
        gpa: BigInt(this.gpa[i]), htinst: this.htinst[i] >>> 0, handling: this.handling[i] as ExitHandling,
        hostInsns: this.hostInsns[i],
      });
    }
    return out;
  }

  /** Counters by reason name. */
  countsByName(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let r = 0; r < EXIT_REASON_COUNT; r++) out[EXIT_REASON_IDS[r]] = this.counts[r];
    return out;
  }
}

/** The exit reason a trap into HS from V=1 has before the hypervisor looks closer. */
export function reasonOfTrap(cause: number, interrupt: boolean): ExitReason {
  if (interrupt) return ExitReason.INTERRUPT;
  if (cause === 20 || cause === 21 || cause === 23) return ExitReason.GUEST_PAGE_FAULT;
  if (cause === 22) return ExitReason.VIRTUAL_INSTRUCTION;
  if (cause === 10) return ExitReason.SBI;
  return ExitReason.OTHER;
}
