// The vmscope/* custom requests and events of the debug adapter, declared once: the session implements them and the
// extension uses these types only. Addresses and 64-bit values travel as '0x…' strings.

/** `vmscope/exits`: a page of the VM-exit log and the counters by reason. */
export interface ExitsArguments { from?: number; count?: number }
export interface ExitsResult {
  total: number;
  counts: Record<string, number>;
  exits: {
    seq: number; vm: number; vcpu: number; time: number; reason: string; cause: number; interrupt: boolean;
    pc: string; gva: string; gpa: string; htinst: string; handling: string; hostInsns: number;
  }[];
}

/** `vmscope/stats`: translation statistics by stage, and per VM in vm mode. */
export interface StatsResult {
  translation: {
    hostWalks: number; hostWalkRefs: number; guestWalks: number; guestWalkRefs: number;
    hostTlbHits: number; hostTlbMisses: number; guestTlbHits: number; guestTlbMisses: number;
  };
  vms: {
    id: number; mmu: string; vcpus: number; memory: number; pagesBacked: number; gstageTables: number; gstageLeaves: number;
    shadow?: { spaces: number; tablePages: number; faults: number; fills: number; resyncs: number; evictions: number };
    exitCode?: number;
  }[];
}

/** `vmscope/translate`: how hart `hart` (0 by default) would translate `address` now, without side effects. */
export interface TranslateArguments { address: string; hart?: number; access?: 'fetch' | 'load' | 'store' }
export interface TranslateResult {
  /** 'bare' (no translation), 'one-stage' (satp) or 'two-stage' (vsatp and hgatp: the 2D walk). */
  kind: 'bare' | 'one-stage' | 'two-stage';
  ok: boolean;
  pa?: string;
  gpa?: string;
  level?: number;
  reason: string;
  fault?: 'page' | 'access';
  guestPageFault?: boolean;
  steps: { stage?: 'VS' | 'G'; level: number; pteAddr: string; spa?: string; pte: string }[];
}

/** `vmscope/tlb`: the cached translations of hart `hart` (0 by default). */
export interface TlbArguments { hart?: number }
export interface TlbResult {
  entries: {
    va: string; pa: string; level: number; asid: number; vmid: number; stage: 'host' | 'guest'; global: boolean; flags: string;
    /** The filling event: the fill's number in this hart's TLB (larger = more recent) and the access that missed. */
    fill: number; filledBy: 'fetch' | 'load' | 'store';
  }[];
}

/**
 * `vmscope/pageTables`: one table page of an address space, decoded; expand a pointer entry by asking for its
 * `next` table. `space`: 'satp' (the HS-level/bare tables), 'vsatp' (a guest's VS-stage, addresses guest-physical,
 * read through the G stage), 'hgatp' (the G stage), 'shadow' (the shadow tables the hart walks for a shadow VM).
 */
export interface PageTablesArguments {
  hart?: number; space: 'satp' | 'vsatp' | 'hgatp' | 'shadow'; table?: string; level?: number;
  /** The (guest-)virtual address the table's first entry maps (a `next` gives it; 0 for the root). */
  va?: string;
}
export interface PageTablesResult {
  mode: string;
  /** The table shown (its address as the space names it) and its level. */
  table: string;
  level: number;
  entries: {
    index: number; pte: string; valid: boolean; flags: string; leaf: boolean;
    /** Leaf: the page it maps (physical, or guest-physical for vsatp) and its size; pointer: the next table. */
    target: string; pageSize?: string; next?: { table: string; level: number; va: string };
    /** The virtual address (guest physical for hgatp) where the entry's range starts. */
    va: string;
    /**
     * Shadow leaves: the guest PTE it mirrors (from the guest's own tables now, read without side effects), or null
     * when the guest's tables map nothing there; `stale` when the shadow leaf no longer agrees with it (another
     * page, or a permission the guest PTE does not give: the guest changed its PTE and has not fenced yet).
     */
    mirror?: { pte: string; pteGpa: string; gpa: string; level: number } | null;
    stale?: boolean;
    staleWhy?: string;
  }[];
}

/**
 * `vmscope/iommu`: the board's IOMMU — its mode and capabilities, the device contexts (decoded, with cache state),
 * a device's process contexts, the IOTLB, the queues, the fault log (engine: every fault seen, with the VM that owns
 * the device) and counters; with `deviceId` and `iova`, the side-effect-free walk of a DMA at that address.
 */
export interface IommuArguments { deviceId?: number; processId?: number; iova?: string; access?: 'read' | 'write' }
export interface IommuResult {
  mode: string;
  capabilities: string;
  /** Decoded device contexts; 64-bit values as '0x…' strings. */
  devices: Record<string, unknown>[];
  processContexts?: Record<string, unknown>[];
  iotlb: Record<string, unknown>[];
  queues: Record<string, unknown>;
  faults: { vm?: number; seq: number; cause: number; causeName: string; deviceId: number; processId: number; iotval: string; iotval2: string;
    ttyp: number; reason: string; record: string }[];
  stats: Record<string, number>;
  /** The walk of `iova` for `deviceId` (when both are given). */
  translation?: Record<string, unknown>;
}

/** `vmscope/vms`: the machine's mode and, in vm mode, each VM with its vCPUs (thread ids) and assigned devices. */
export interface VmsResult {
  mode: 'bare' | 'vm';
  vms: { id: number; mmu: string; memory: number; vmid: number;
    /** `satp`: the guest's own satp as '0x…' (the hart's vsatp under nested paging; the one the VMM keeps under shadow paging). */
    vcpus: { index: number; threadId: number; name: string; satp: string }[];
    assigned: string[]; exitCode?: number }[];
}

/**
 * `vmscope/focusThread`: while stopped, a `stopped` event (reason 'pause', text 'focus') for thread `threadId`, so that
 * the client focuses it (its call stack, variables, the Debug Console's context); nothing runs.
 */
export interface FocusThreadArguments { threadId: number }

/** `vmscope/consoleInput`: bytes typed into the guest's console (the UART; in vm mode the first VM's). */
export interface ConsoleInputArguments { text: string }

/** Event `vmscope/console`: guest console output, when the launch's "console" is "terminal". */
export interface ConsoleEventBody { text: string }

/** Event `vmscope/stateChanged`: sent while running (at most every 250 ms) and at every stop. */
export interface StateChangedEventBody { running: boolean; instructions: number; exits: number; iommuFaults: number }

/** Event `vmscope/exit`: VM exits since the last such event (at most 64; `total` counts them all). */
export interface ExitEventBody { total: number; exits: ExitsResult['exits'] }
