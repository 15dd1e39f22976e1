// The machine: RAM, bus, harts, CLINT, code cache and the deterministic run loop that interleaves harts.

import { Bus } from './devices/bus';
import { PAGE_CODE, Ram } from './devices/ram';
import type { Host, MmioDevice } from './devices/device';
import { Clint, CLINT_BASE, CLINT_SIZE } from './devices/clint';
import { Hart, L1_INVALID } from './cpu/hart';
import type { HartHost } from './cpu/hartHost';
import { CodeCache } from './cpu/codeCache';
import { execute } from './cpu/interp';
import { MIP_MSIP, MIP_MTIP, MIP_STIP, MIP_VSTIP } from './cpu/causes';
import { MENVCFG_STCE_HI, henvcfgHi } from './cpu/csr';
import { toBig } from './util/int64';
import { peekInsn } from './cpu/debugAccess';
import { ExitHandling, ExitLog, reasonOfTrap } from './vmm/exits';
import { DataWatch, WATCH_READ, WATCH_WRITE, type WatchHit, type WatchRange } from './cpu/watch';

export interface MachineOptions {
  /** RAM size in bytes (multiple of 4 KiB, at most 2 GiB). */
  memorySize: number;
  /** Number of harts (1..8). */
  harts: number;
  host: Host;
}

/** Trace callbacks; each one that is set costs speed (insn tracing runs one instruction at a time). */
export interface TraceSink {
  insn?(hart: number, pc: bigint, word: number, len: 2 | 4, priv: number): void;
  trap?(hart: number, info: { cause: bigint; interrupt: boolean; tval: bigint; epc: bigint; fromPriv: number; toPriv: number }): void;
  mmu?(hart: number, info: { va: bigint; access: 'fetch' | 'load' | 'store'; pa?: bigint; fault?: string; level?: number }): void;
}

export interface RunResult {
  /** exit: the guest finished; limit: maxInsns ran; halted: every hart waits with no wake-up possible;
   *  stopped: requestStop() was called (pause, reset request). */
  reason: 'exit' | 'limit' | 'halted' | 'stopped' | 'breakpoint' | 'exit-stop' | 'entry-stop' | 'watchpoint' | 'trap-stop';
  /** 'breakpoint': the hart that reached one (its pc is the breakpoint's address); 'exit-stop': the hart that took
   *  the VM exit asked for (see setExitStop); 'watchpoint': the hart whose access hit one (see setWatchpoints);
   *  'trap-stop': the hart that took a trap asked for (see setTrapStop; its lastTrap describes it). */
  hart?: number;
  exitCode?: number;
}

export interface MachineStats {
  instret: number;
  exceptions: number;
  interrupts: number;
  tlbHits: number;
  tlbMisses: number;
  pageWalks: number;
  /** Memory references made by page walks (1D: up to 5 per walk; 2D two-stage walks: up to 35). */
  walkRefs: number;
  l1Refills: number;
  codeInvalidations: number;
  mtime: number;
}

/** Guest time: the machine's clock advances one tick per instruction slot; mtime = ticks / TICKS_PER_MTIME. */
export const TICKS_PER_MTIME = 10;
const ACCESS_NAMES = ['fetch', 'load', 'store'] as const;
const WALK_FAULTS = ['', 'page fault', 'access fault'];

export class Machine {
  static readonly RAM_BASE = 0x8000_0000;
  readonly ramSize: number;
  readonly ram: Ram;
  readonly bus: Bus;
  readonly harts: Hart[] = [];
  /** VM exits (traps from V=1 into a hypervisor), recorded for every guest whoever its hypervisor is. */
  readonly exits = new ExitLog();
  readonly clint: Clint;
  readonly codeCache: CodeCache;
  /** mtime frequency (10 MHz, one tick per 10 instructions: a nominal 100 MIPS hart). */
  readonly timebaseHz = 10_000_000;
  /** Instructions a hart runs before the next hart gets its turn (deterministic interleaving). */
  readonly quantum: number;

  private ticks = 0;
  private mtimeOffset = 0;
  private current: Hart | null = null;
  private roundStartCycles = 0;
  private exitCode: number | undefined;
  private trace: TraceSink | null = null;
  private readonly pollHooks: { every: number; next: number; fn: () => void }[] = [];
  private executed = 0;
  private stopFlag = false;
  private breakpointHit = -1;
  private exitHit = -1;
  private entryHit = -1;
  private watchHit = -1;
  private trapHit = -1;
  /** The debugger's data watchpoints (see setWatchpoints). */
  private readonly watch: DataWatch;
  /** A round interrupted by a stop: the hart to continue with, its slots left, and the round's quantum. */
  private resumeHart = -1;
  private resumeLeft = 0;
  private resumeQ = 0;

  constructor(opts: MachineOptions) {
    const size = opts.memorySize;
    if (!Number.isInteger(size) || size < 4096 || size > 0x8000_0000 || size % 4096 !== 0) {
      throw new RangeError(`memory size must be a multiple of 4 KiB between 4 KiB and 2 GiB (got ${size})`);
    }
    if (!Number.isInteger(opts.harts) || opts.harts < 1 || opts.harts > 8) {
      throw new RangeError(`hart count must be 1..8 (got ${opts.harts})`);
    }
    this.ramSize = size;
    this.ram = new Ram(Machine.RAM_BASE, size);
    this.bus = new Bus(this.ram);
    this.codeCache = new CodeCache(size >>> 12);
    this.watch = new DataWatch(this.ram);
    this.quantum = opts.harts === 1 ? 1_000_000 : 10_000;
    const hartHost: HartHost = {
      mtime: () => this.mtime(),
      onTrap: null,
      firmware: null,
      hypervisor: null,
      onGuestExit: (h) => this.recordExit(h),
      onGuestEntry: (h) => {
        this.exits.closeOpen(h.id, h.cycles);
        if (this.guestEntryStop) { h.debugStop = true; this.entryPending = true; }
      },
      onWalk: null,
      markCodePage: (off) => this.markCodePage(off),
      onStimecmpChange: () => this.updateTimers(),
    };
    this.hartHost = hartHost;
    for (let i = 0; i < opts.harts; i++) this.harts.push(new Hart(i, this.bus, hartHost));
    this.clint = new Clint(opts.harts, {
      mtime: () => this.mtime(),
      setMtime: (v) => { this.mtimeOffset = v - Math.floor(this.nowTicks() / TICKS_PER_MTIME); },
      setMsip: (h, level) => {
        const hart = this.harts[h];
        hart.mipHw = level ? hart.mipHw | MIP_MSIP : hart.mipHw & ~MIP_MSIP;
        hart.irqCheck = true;
      },
      timerChanged: () => this.updateTimers(),
    });
    this.bus.addDevice(CLINT_BASE, CLINT_SIZE, this.clint);
    this.bus.onMmioWrite = () => {
      for (const h of this.harts) h.irqCheck = true;
      if (this.current !== null) this.current.breakLoop = true;
    };
    this.bus.onCodeWrite = (pageOff) => {
      this.codeCache.invalidate(pageOff >>> 12);
      this.ram.codePage[pageOff >>> 12] &= ~PAGE_CODE;
      for (const h of this.harts) { h.fetchTagLo = L1_INVALID; }
      if (this.current !== null) this.current.breakLoop = true;
    };
    for (const h of this.harts) h.reset(BigInt(Machine.RAM_BASE));
  }

  private readonly hartHost: HartHost;

  // ---------------- devices and memory ----------------

  addDevice(base: number, size: number, dev: MmioDevice): void {
    this.bus.addDevice(base, size, dev);
  }

  /** Copies bytes into RAM at physical address pa. Throws RangeError outside RAM. */
  writePhys(pa: number, bytes: Uint8Array): void {
    const off = this.ram.offsetOf(pa, bytes.length);
    if (off < 0) throw new RangeError(`[0x${pa.toString(16)}, +0x${bytes.length.toString(16)}) is outside RAM`);
    this.ram.u8.set(bytes, off);
    if (bytes.length > 0) this.bus.noteRamWrite(off, bytes.length);
  }

  readPhys(pa: number, len: number): Uint8Array {
    const off = this.ram.offsetOf(pa, len);
    if (off < 0) throw new RangeError(`[0x${pa.toString(16)}, +0x${len.toString(16)}) is outside RAM`);
    return this.ram.u8.slice(off, off + len);
  }

  readPhys64(pa: number): bigint {
    const b = this.readPhys(pa, 8);
    const dv = new DataView(b.buffer, b.byteOffset, 8);
    return dv.getBigUint64(0, true);
  }

  writePhys64(pa: number, v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    this.writePhys(pa, b);
  }

  // ---------------- time ----------------

  /** Current machine time in ticks, including the running hart's progress in its quantum. */
  private nowTicks(): number {
    const c = this.current;
    return c === null ? this.ticks : this.ticks + (c.cycles - this.roundStartCycles);
  }

  mtime(): number {
    return Math.floor(this.nowTicks() / TICKS_PER_MTIME) + this.mtimeOffset;
  }

  /** Re-evaluates MTIP and (with Sstc) STIP and VSTIP for every hart. */
  private updateTimers(): void {
    const t = this.mtime();
    for (const h of this.harts) {
      let bits = h.mipHw & ~(MIP_MTIP | MIP_STIP | MIP_VSTIP);
      if (t >= this.clint.mtimecmp(h.id)) bits |= MIP_MTIP;
      if ((h.menvcfgHi & MENVCFG_STCE_HI) !== 0 && t >= stimecmpOf(h)) bits |= MIP_STIP;
      // hypervisor.adoc, vstimecmp: VSTIP while (time + htimedelta) mod 2^64 >= vstimecmp, if henvcfg.STCE.
      if ((henvcfgHi(h) & MENVCFG_STCE_HI) !== 0 && t >= vstimecmpHostTime(h, t)) bits |= MIP_VSTIP;
      if (bits !== h.mipHw) { h.mipHw = bits; h.irqCheck = true; h.breakLoop = true; }
    }
  }

  /** Tick at which the next timer comparison fires (Infinity if none armed). */
  private nextDeadline(): number {
    let best = Infinity;
    for (const h of this.harts) {
      let cmp = this.clint.mtimecmp(h.id);
      if ((h.menvcfgHi & MENVCFG_STCE_HI) !== 0) cmp = Math.min(cmp, stimecmpOf(h));
      if ((henvcfgHi(h) & MENVCFG_STCE_HI) !== 0) cmp = Math.min(cmp, vstimecmpHostTime(h, this.mtime()));
      if (cmp >= 2 ** 53) continue;
      best = Math.min(best, (cmp - this.mtimeOffset) * TICKS_PER_MTIME);
    }
    return best;
  }

  // ---------------- code cache ----------------

  private markCodePage(pageOff: number): void {
    this.ram.codePage[pageOff >>> 12] |= PAGE_CODE;
    for (const h of this.harts) h.dropWritable(pageOff);
  }

  // ---------------- control ----------------

  requestExit(code: number): void {
    if (this.exitCode === undefined) this.exitCode = code;
    for (const h of this.harts) h.breakLoop = true;
  }

  /** Installs firmware written in TypeScript: fn runs after every trap into M-mode (see core/firmware). */
  setFirmware(fn: ((h: Hart) => void) | null): void {
    this.hartHost.firmware = fn;
  }

  /** Installs a hypervisor written in TypeScript: fn runs after every trap into HS-mode (see core/vmm). */
  setHypervisor(fn: ((h: Hart) => void) | null): void {
    this.hartHost.hypervisor = fn;
  }

  /** Which VM and vCPU a hart's guest is: by default the guest's VMID and the hart number (a user's hypervisor). */
  exitContext: (h: Hart) => [vm: number, vcpu: number] = (h) => [h.hgatpVmid, h.id];

  /** The exit just taken by h (its trap from V=1), recorded as the trap shows it; a hypervisor refines it. */
  private recordExit(h: Hart): void {
    const t = h.lastTrap;
    const [vm, vcpu] = this.exitContext(h);
    const gpa = t.tval2Lo !== 0 || t.tval2Hi !== 0
      ? ((t.tval2Hi >>> 0) * 4294967296 + (t.tval2Lo >>> 0)) * 4 + (t.tinst === 0x3000 || t.tinst === 0x3020 ? 0 : t.tvalLo & 3)
      : 0;
    this.lastExitSeq = this.exits.record(h.id, vm, vcpu, this.mtime(), reasonOfTrap(t.cause, t.interrupt),
      t.interrupt ? t.cause | 0x80000000 : t.cause, t.epcLo, t.epcHi, t.tvalLo, t.tvalHi, gpa, t.tinst,
      ExitHandling.GUEST_HYPERVISOR, h.cycles);
    // The reason may still be refined by the hypervisor hook: the run loop decides once the trap is handled.
    if (this.exitStopMask !== 0) { h.debugStop = true; this.exitPending = true; }
  }

  /**
   * Makes run() return 'exit-stop' after a VM exit whose reason (ExitReason) has its bit set in mask (0: never):
   * with a user's hypervisor, at the first instruction of its handler; with the built-in VMM, where the guest
   * resumes. The exit's record is machine.exits' last.
   */
  setExitStop(mask: number): void {
    this.exitStopMask = mask;
  }

  private exitStopMask = 0;
  private exitPending = false;
  private guestEntryStop = false;
  private entryPending = false;

  /** Makes run() return 'entry-stop' when a hart enters a guest (V becomes 1): the end of a hypervisor's exit handling. */
  setGuestEntryStop(on: boolean): void {
    this.guestEntryStop = on;
  }

  /** seq of the exit recorded last (a hypervisor hook updates it). */
  lastExitSeq = -1;

  /**
   * Sets the debugger's instruction breakpoints (virtual addresses, in whatever address space the hart runs): run()
   * returns 'breakpoint' before executing an instruction at one of them. Guest memory is never changed.
   */
  setBreakpoints(vas: bigint[]): void {
    this.codeCache.breakpoints.set(vas);
    for (const h of this.harts) { h.fetchTagLo = L1_INVALID; h.breakLoop = true; }
  }

  /** Runs one instruction slot on hart h with breakpoints off (to step off a breakpoint the hart stands on). */
  stepOverBreakpoint(): RunResult {
    const bp = this.codeCache.breakpoints;
    bp.enabled = false;
    for (const x of this.harts) x.fetchTagLo = L1_INVALID;
    try { return this.run(1); } finally {
      bp.enabled = true;
      for (const x of this.harts) x.fetchTagLo = L1_INVALID;
    }
  }

  /**
   * Sets the debugger's data watchpoints (replacing the set): physical RAM ranges, each with an id and the access
   * kinds (WATCH_READ, WATCH_WRITE) that hit it. run() returns 'watchpoint' right after an instruction whose explicit
   * load, store, LR/SC or AMO (by any hart, through any virtual alias, misaligned or not) touched a watched byte;
   * watchHit() describes the access. Implicit accesses (page walks, A/D updates), instruction fetches, device DMA
   * and the built-in VMM's own accesses do not hit. The guest cannot tell: watched pages only leave the L1 fast
   * paths. Throws RangeError for a range outside RAM.
   */
  setWatchpoints(ranges: readonly WatchRange[]): void {
    if (ranges.length === 0 && this.watch.size === 0) return;
    for (const r of ranges) {
      if (!Number.isSafeInteger(r.pa) || !Number.isInteger(r.len) || r.len <= 0 || this.ram.offsetOf(r.pa, r.len) < 0) {
        throw new RangeError(`watched range 0x${r.pa.toString(16)} (+${r.len}) is not all in RAM`);
      }
      if ((r.kinds & (WATCH_READ | WATCH_WRITE)) === 0) throw new RangeError('a watchpoint needs read or write access');
    }
    this.watch.set(ranges);
    this.watchHit = -1;
    const w = ranges.length > 0 ? this.watch : null;
    // Drop every L1 entry: entries for pages just watched would bypass the check.
    for (const h of this.harts) { h.watch = w; h.mmuContextChanged(); }
  }

  /** The access that made run() return 'watchpoint' last. */
  watchpointHit(): WatchHit {
    return this.watch.hit();
  }

  /** Makes run() return 'stopped' as soon as the current instruction completes. */
  requestStop(): void {
    this.stopFlag = true;
    for (const h of this.harts) h.breakLoop = true;
  }

  /**
   * Calls fn after every store to physical [pa, pa+len) in RAM (stores there leave the L1 fast path).
   */
  watchRam(pa: number, len: number, fn: () => void): void {
    const off = this.ram.offsetOf(pa, len);
    if (off < 0) throw new RangeError(`watched range 0x${pa.toString(16)} is outside RAM`);
    this.bus.watchRam(off, len, fn);
    for (let p = off >>> 12; p <= (off + len - 1) >>> 12; p++) for (const h of this.harts) h.dropWritable(p << 12);
  }

  /** Exit code requested by the guest, if it has finished. */
  get exited(): number | undefined { return this.exitCode; }

  setTrace(sink: TraceSink | null): void {
    this.trace = sink;
    const host = this.hartHost;
    this.updateTrapHook();
    host.onWalk = sink?.mmu ? (h, lo, hi, access, ok, pa, level, fault) => {
      sink.mmu!(h.id, {
        va: toBig(lo, hi), access: ACCESS_NAMES[access],
        pa: ok ? BigInt(pa) : undefined, fault: ok ? undefined : WALK_FAULTS[fault], level: ok ? level : undefined,
      });
    } : null;
  }

  /**
   * Makes run() return 'trap-stop' when a hart takes a trap that `test` picks (by cause code and whether it is an
   * interrupt), before the handler's first instruction (a trap into HS-mode that the built-in VMM handles natively
   * stops after it); null: never. The hart's lastTrap says which trap it was.
   */
  setTrapStop(test: ((cause: number, interrupt: boolean) => boolean) | null): void {
    this.trapStop = test;
    this.updateTrapHook();
  }

  private trapStop: ((cause: number, interrupt: boolean) => boolean) | null = null;
  private trapPending = false;

  /** The harts' trap hook: only when a trace or a trap stop wants it (each trap then pays for the call). */
  private updateTrapHook(): void {
    const sink = this.trace?.trap !== undefined ? this.trace : null, stop = this.trapStop;
    this.hartHost.onTrap = sink === null && stop === null ? null : (h) => {
      const t = h.lastTrap;
      if (sink !== null) {
        sink.trap!(h.id, {
          cause: BigInt(t.cause) | (t.interrupt ? 1n << 63n : 0n), interrupt: t.interrupt,
          tval: toBig(t.tvalLo, t.tvalHi), epc: toBig(t.epcLo, t.epcHi), fromPriv: t.fromPriv, toPriv: t.toPriv,
        });
      }
      if (stop !== null && stop(t.cause, t.interrupt)) { h.debugStop = true; this.trapPending = true; }
    };
  }

  addPollHook(everyInsns: number, fn: () => void): void {
    this.pollHooks.push({ every: everyInsns, next: this.executed + everyInsns, fn });
  }

  /**
   * Runs up to maxInsns instruction slots (summed over harts). Returns early when the guest requests an
   * exit, or when every hart waits in WFI with no timer armed ('halted').
   */
  run(maxInsns: number): RunResult {
    const stopAt = this.executed + maxInsns;
    const cc = this.codeCache;
    const insnTrace = this.trace?.insn !== undefined ? this.trace : null;
    while (this.exitCode === undefined) {
      if (this.stopFlag) {
        this.stopFlag = false;
        const hit = this.breakpointHit, exit = this.exitHit, entry = this.entryHit, watch = this.watchHit, trap = this.trapHit;
        this.breakpointHit = -1; this.exitHit = -1; this.entryHit = -1; this.watchHit = -1; this.trapHit = -1;
        if (trap >= 0) return { reason: 'trap-stop', hart: trap };
        if (entry >= 0) return { reason: 'entry-stop', hart: entry };
        if (exit >= 0) return { reason: 'exit-stop', hart: exit };
        if (watch >= 0) return { reason: 'watchpoint', hart: watch };
        return hit >= 0 ? { reason: 'breakpoint', hart: hit } : { reason: 'stopped' };
      }
      const left = stopAt - this.executed;
      if (left <= 0) return { reason: 'limit' };
      this.updateTimers();
      // A round gives each hart q slots. A round cut short by a stop (a breakpoint, pause) resumes where it
      // stopped, so stopping never changes what the guest sees (interleaving and time are those of a run
      // that did not stop).
      let q: number, first = 0, firstDone = 0;
      if (this.resumeHart >= 0) {
        q = this.resumeQ; first = this.resumeHart; firstDone = q - this.resumeLeft;
        this.resumeHart = -1;
      } else {
        q = Math.min(this.quantum, left);
        const dl = this.nextDeadline() - this.ticks;
        if (dl > 0 && dl < q) q = Math.ceil(dl);
      }
      let active = first > 0 || firstDone > 0;
      for (let i = first; i < this.harts.length; i++) {
        const h = this.harts[i];
        let done = i === first ? firstDone : 0;
        if (h.waiting) {
          if (!h.wakeable()) { h.cycles += q - done; continue; }
          h.waiting = false;
        }
        active = true;
        this.current = h;
        this.roundStartCycles = h.cycles - done;
        const startDone = done;
        // run()'s budget may end inside a turn: the round resumes from there on the next call
        const end = Math.min(q, done + (stopAt - this.executed));
        while (done < end && this.exitCode === undefined && !this.stopFlag) {
          if (h.irqCheck) { h.irqCheck = false; this.updateTimers(); h.checkInterrupts(); }
          // (an interrupt just taken may have asked for a stop before its handler's first instruction)
          if (h.debugStop) {
            // stop below without running an instruction
          } else if (insnTrace !== null) {
            const w = peekInsn(h);
            insnTrace.insn!(h.id, h.getPc(), w, (w & 3) === 3 ? 4 : 2, h.priv);
            done += execute(h, 1, cc);
          } else {
            // never run past the next timer deadline
            const until = this.nextDeadline() - (this.ticks + done);
            const budget = until > 0 && until < end - done ? Math.ceil(until) : end - done;
            done += execute(h, budget, cc);
          }
          if (h.debugStop) {
            h.debugStop = false;
            let stop = true;
            if (this.watch.pending) {
              // a watched access completed: the instruction has retired and the hart's pc is the next one
              this.watch.pending = false;
              this.watchHit = h.id;
            } else if (this.trapPending) {
              // a trap asked for: the hart is at its handler's first instruction (or, with the built-in VMM, past it)
              this.trapPending = false;
              this.exitPending = false;
              this.trapHit = h.id;
            } else if (this.entryPending) {
              this.entryPending = false;
              this.exitPending = false;
              this.entryHit = h.id;
            } else if (this.exitPending) {
              // stop for a VM exit only if its (refined) reason is one asked for
              this.exitPending = false;
              const last = this.exits.list(this.exits.total - 1, 1)[0];
              stop = last !== undefined && ((this.exitStopMask >>> last.reason) & 1) !== 0;
              if (stop) this.exitHit = h.id;
            } else {
              this.breakpointHit = h.id;
            }
            if (stop) { this.stopFlag = true; break; }
          }
          if (h.waiting) break;
          this.updateTimers();
          h.checkInterrupts();
        }
        this.executed += done - startDone;
        this.current = null;
        if ((this.stopFlag || done === end) && this.exitCode === undefined && !h.waiting && done < q) {
          // stopped (or out of budget) inside this hart's turn: the round goes on from here next time
          this.resumeHart = i; this.resumeLeft = q - done; this.resumeQ = q;
          break;
        }
        // idle time of a hart that waited still passes on its clock
        if (done < q) h.cycles += q - done;
        if (this.harts.length > 1) h.resValid = false;   // see amo.ts: reservations end with the quantum
        if (this.exitCode !== undefined) break;
        if (this.stopFlag) {
          // stopped at the end of this hart's turn: the next harts of the round run when it resumes
          if (i + 1 < this.harts.length) { this.resumeHart = i + 1; this.resumeLeft = q; this.resumeQ = q; }
          break;
        }
      }
      if (this.resumeHart >= 0) {
        if (this.stopFlag) continue;
        return { reason: 'limit' };
      }
      if (active) {
        this.ticks += q;
      } else {
        // Every hart waits for an interrupt: jump to the next timer deadline, or stop if none can come.
        const next = this.nextDeadline();
        if (next === Infinity) return { reason: 'halted' };
        const skip = Math.max(q, Math.ceil(next - this.ticks));
        this.ticks += skip;
        for (const h of this.harts) h.cycles += skip - q;   // each already counted q idle cycles
      }
      for (const p of this.pollHooks) {
        if (this.executed >= p.next) { p.next = this.executed + p.every; p.fn(); }
      }
    }
    return { reason: 'exit', exitCode: this.exitCode };
  }

  /** Instruction slots run so far (retired plus trapped), summed over harts: what run()'s budget counts. */
  totalSlots(): number { return this.executed; }

  totalInstret(): number {
    let n = 0;
    for (const h of this.harts) n += h.instret;
    return n;
  }

  /** Translation statistics split by stage: HS-level (one-stage) walks vs guest (two-stage) walks. */
  translationStats(): { hostWalks: number; hostWalkRefs: number; guestWalks: number; guestWalkRefs: number;
    hostTlbHits: number; hostTlbMisses: number; guestTlbHits: number; guestTlbMisses: number } {
    const t = { hostWalks: 0, hostWalkRefs: 0, guestWalks: 0, guestWalkRefs: 0, hostTlbHits: 0, hostTlbMisses: 0, guestTlbHits: 0, guestTlbMisses: 0 };
    for (const h of this.harts) {
      t.guestWalks += h.guestWalks; t.guestWalkRefs += h.guestWalkRefs;
      t.hostWalks += h.walks - h.guestWalks; t.hostWalkRefs += h.walkRefs - h.guestWalkRefs;
      t.guestTlbHits += h.guestTlbHits; t.guestTlbMisses += h.guestWalks;
      t.hostTlbHits += h.tlb.hits - h.guestTlbHits; t.hostTlbMisses += h.tlb.misses - h.guestWalks;
    }
    return t;
  }

  stats(): MachineStats {
    let exceptions = 0, interrupts = 0, hits = 0, misses = 0, walks = 0, refills = 0, refs = 0;
    for (const h of this.harts) {
      exceptions += h.exceptions; interrupts += h.interrupts;
      hits += h.tlb.hits; misses += h.tlb.misses; walks += h.walks; refills += h.l1Misses; refs += h.walkRefs;
    }
    return {
      instret: this.totalInstret(), exceptions, interrupts, tlbHits: hits, tlbMisses: misses, pageWalks: walks, walkRefs: refs,
      l1Refills: refills, codeInvalidations: this.codeCache.invalidations, mtime: this.mtime(),
    };
  }
}

function stimecmpOf(h: Hart): number {
  return (h.stimecmpHi >>> 0) * 4294967296 + (h.stimecmpLo >>> 0);
}

/**
 * The host time from which a guest's vstimecmp fires: the smallest t (from now on) with
 * (t + htimedelta) mod 2^64 >= vstimecmp, all unsigned 64-bit (hypervisor.adoc, vstimecmp).
 */
function vstimecmpHostTime(h: Hart, now: number): number {
  const cmp = (h.vstimecmpHi >>> 0) * 4294967296 + (h.vstimecmpLo >>> 0);
  const dLo = h.htimedeltaLo >>> 0, dHi = h.htimedeltaHi >>> 0;
  const delta = dHi * 4294967296 + dLo;
  if (delta <= cmp) return cmp - delta;
  // The guest's time is ahead of the compare value until it wraps to 0 at host time 2^64 - htimedelta
  // (a "negative" htimedelta); computed from the two words so it stays exact.
  const wrapAt = ((~dHi + (dLo === 0 ? 1 : 0)) >>> 0) * 4294967296 + ((-dLo) >>> 0);
  return now < wrapAt ? now : wrapAt + cmp;
}
