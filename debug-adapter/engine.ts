// The debugger's engine: one machine (a board, and the built-in VMM in vm mode) run in chunks on the event loop so
// the session stays responsive, with stop reasons reported as events. It knows nothing of DAP; session.ts maps.

import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  Access, DwarfInfo, type Hart, IOMMU_BASE, type IommuFault, type ImageFile, type InlineFrame, LoadError, MemoryBlockBackend,
  type RegisterFile, type SourceLocation, VirtBoard, type VmConfig, Vmm, debugTranslate, isElf,
} from '../core';

/** An extra ELF whose DWARF describes code running on the machine (launch attribute `symbolFiles`). */
export interface SymbolFileConfig {
  path: string;
  /** vm mode: the VM whose harts run it (default: every hart). */
  vm?: number;
  /** Added to its link-time code addresses (a relocated kernel or module). */
  offset?: bigint;
}

/** An ELF with debugging information, as loaded: its DWARF, where it sits, and for which VM. */
export interface Module {
  id: number;
  name: string;
  path: string;
  dwarf: DwarfInfo;
  offset: bigint;
  vm?: number;
}

/** One frame of a hart's stack: a real frame (unwound) or a call inlined into one (same registers). */
export interface EngineFrame {
  pc: bigint;
  regs: RegisterFile;
  /** Index of the real frame it belongs to (0 = the hart's own registers). */
  depth: number;
  name: string;
  /** The source position (DWARF path mapped to a file on disk when one is found). */
  source?: SourceLocation;
  module?: Module;
  /** The DWARF frame (for its variables), with `pc` relative to the module's link addresses. */
  inline?: InlineFrame;
  linkPc: bigint;
}

/** One VM of a vm-mode launch whose "vms" is a list. */
export interface EngineVmConfig {
  kernel?: string;
  initrd?: string;
  append?: string;
  memory: number;
  mmu: 'nested' | 'shadow';
  harts: number;
}

/** A disk image (loaded into memory: the guest's writes never reach the file). */
export interface EngineDrive { file: string; readOnly: boolean }

/** An IOMMU fault as the engine reports it: the VM of the device (vm mode), and the fault. */
export interface EngineIommuFault { vm: number | undefined; fault: IommuFault }

/** The launch configuration's attributes the engine uses (validated by the session first). */
export interface EngineConfig {
  program?: string;
  kernel?: string;
  bios?: string;
  initrd?: string;
  append?: string;
  memory: number;
  harts: number;
  mode: 'bare' | 'vm';
  mmu: 'nested' | 'shadow';
  vms: number;
  /** Whether an instruction step may end in an interrupt handler (default: the handler runs and the step ends
   *  after the instruction, as if the interrupt had come later). */
  stepIntoInterrupts?: boolean;
  /** Extra ELFs with DWARF (the program/kernel's own DWARF is always loaded). */
  symbolFiles?: SymbolFileConfig[];
  /** vm mode: each VM's own configuration (else `vms` copies of the top-level kernel, 128 MiB, `mmu`, `harts`). */
  vmList?: EngineVmConfig[];
  /** Board devices: 'copy-engine' (bare mode; in vm mode devices are given to VMs with `assign`). */
  devices?: string[];
  /** vm mode: board devices given to VMs. */
  assign?: { device: string; vm: number }[];
  /** Disk images as virtio-blk devices (bare mode: the board's; vm mode: the first VM's). */
  drives?: EngineDrive[];
}

/** Decides whether a breakpoint the hart reached stops the machine (conditions, hit counts, logpoints). */
export type BreakpointFilter = (hart: Hart, pc: bigint) => boolean;

/** Line steps: over calls, into them, or out of the current function. */
export type LineStep = 'over' | 'into' | 'out';

/** Why the machine stopped. */
export type StopReason = 'entry' | 'step' | 'pause' | 'halted' | 'breakpoint' | 'exit' | 'guest-entry' | 'data-breakpoint' | 'iommu-fault'
  | 'trap';

/** A trap that stopped the machine (trap exception filters). */
export interface EngineTrap { hart: number; cause: number; interrupt: boolean; tval: bigint; epc: bigint; fromPriv: number; toPriv: number }

/** Instruction slots per chunk between two turns of the event loop while running. */
const CHUNK = 2_000_000;

export class Engine extends EventEmitter {
  readonly board: VirtBoard;
  readonly vmm: Vmm | undefined;
  private running = false;
  private pauseRequested = false;
  private ended = false;
  private breakpoints: bigint[] = [];
  /** The hart that stopped last (a breakpoint's hart), for the stopped event. */
  stoppedHart = 0;

  private readonly stepIntoInterrupts: boolean;
  /** ELFs with DWARF: the program or kernel, then the symbol files. */
  readonly modules: Module[] = [];
  /** Problems met loading them (shown once as console output). */
  readonly moduleWarnings: string[] = [];
  /** Asked when a hart reaches a breakpoint while running; false: it runs on. */
  breakpointFilter: BreakpointFilter = () => true;
  /** Asked when a data breakpoint (watchpoint) is hit (Machine.watchpointHit()); false: it runs on. */
  watchpointFilter: () => boolean = () => true;
  /** The pc of the hart a data breakpoint stopped last (an instruction breakpoint there has not been reported yet). */
  private watchStopPc: bigint | undefined;
  /** Where the search for source files starts besides the ELFs' directories (the launch's cwd). */
  sourceRoots: string[] = [];

  constructor(cfg: EngineConfig, output: (text: string) => void) {
    super();
    this.stepIntoInterrupts = cfg.stepIntoInterrupts === true;
    const console = (b: Uint8Array) => output(Buffer.from(b).toString('latin1'));
    const vmList: EngineVmConfig[] = cfg.vmList ?? Array.from({ length: cfg.vms }, () => ({ memory: 128 << 20, mmu: cfg.mmu, harts: cfg.harts }));
    const harts = cfg.mode === 'vm' ? vmList.reduce((n, v) => n + v.harts, 0) : cfg.harts;
    const drives = (cfg.drives ?? []).map((d) => new MemoryBlockBackend(readImage(d.file, 'drives').bytes, d.readOnly));
    const assign = cfg.assign ?? [];
    this.board = new VirtBoard({
      memorySize: cfg.memory, harts, host: { consoleWrite: console },
      copyEngine: (cfg.devices ?? []).includes('copy-engine') || assign.length > 0,
      drives: cfg.mode === 'vm' ? undefined : drives,
    });
    const kernelFile = cfg.kernel ?? cfg.program;
    const kernel = kernelFile !== undefined ? readImage(kernelFile, cfg.kernel !== undefined ? 'kernel' : 'program') : undefined;
    if (cfg.program !== undefined && kernel !== undefined && !isElf(kernel.bytes)) {
      throw new LoadError(`program: ${cfg.program} is not an ELF file; use "kernel" for a raw image`);
    }
    const initrd = cfg.initrd !== undefined ? readImage(cfg.initrd, 'initrd') : undefined;
    if (cfg.mode === 'vm') {
      const configs: VmConfig[] = vmList.map((v, i) => {
        const k = v.kernel !== undefined ? readImage(v.kernel, `vms[${i}].kernel`) : kernel;
        if (k === undefined) throw new LoadError(`mode "vm": give "kernel" or "program" (the guest)${vmList.length > 1 ? `, or vms[${i}].kernel` : ''}`);
        return {
          kernel: k, initrd: v.initrd !== undefined ? readImage(v.initrd, `vms[${i}].initrd`) : initrd, append: v.append ?? cfg.append,
          memory: v.memory, vcpus: v.harts, mmu: v.mmu,
        };
      });
      if (drives.length > 0) configs[0].drives = drives;
      for (const a of assign) (configs[a.vm].assign ??= []).push(this.board.assignable(a.device));
      this.vmm = new Vmm(this.board.machine, configs, {
        console: (_vm, b) => console(b), exit: (code) => this.board.machine.requestExit(code),
        iommuFault: (vm, f) => this.onIommuFault(vm, f),
      }, { device: this.board.iommu, base: IOMMU_BASE });
      this.vmm.boot();
      for (const c of configs) if (isElf(c.kernel.bytes)) this.board.addSymbolFile(c.kernel);   // the guest kernels' symbols
      // A VM with a kernel of its own gets its own module (its harts' source lines and frames).
      configs.forEach((c, i) => { if (c.kernel !== kernel && isElf(c.kernel.bytes)) this.addModule(c.kernel, i, 0n); });
    } else {
      const builtinSbi = cfg.bios === 'builtin';
      const bios = cfg.bios !== undefined && cfg.bios !== 'none' && !builtinSbi ? readImage(cfg.bios, 'bios') : undefined;
      this.board.load({ bios, kernel, initrd, append: cfg.append, builtinSbi });
      this.board.iommu.onFault = (f) => this.onIommuFault(undefined, f);
    }
    if (kernel !== undefined && isElf(kernel.bytes)) this.addModule(kernel, undefined, 0n);
    for (const f of cfg.symbolFiles ?? []) {
      const file = readImage(f.path, 'symbolFiles');
      if (!isElf(file.bytes)) throw new LoadError(`symbolFiles: ${f.path} is not an ELF file`);
      if (f.vm !== undefined && (this.vmm === undefined || this.vmm.vms[f.vm] === undefined)) {
        throw new LoadError(`symbolFiles: ${f.path}: there is no vm${f.vm}${this.vmm === undefined ? ' (vm is for mode "vm")' : ''}`);
      }
      this.addModule(file, f.vm, f.offset ?? 0n);
    }
  }

  private addModule(file: ImageFile, vm: number | undefined, offset: bigint): void {
    const dwarf = DwarfInfo.fromElf(file.bytes, file.name);
    for (const w of dwarf.warnings.slice(0, 5)) this.moduleWarnings.push(`${path.basename(file.name)}: ${w}`);
    if (!dwarf.hasLines && dwarf.frames.fdes.length === 0) return;
    this.modules.push({ id: this.modules.length + 1, name: path.basename(file.name), path: path.resolve(file.name), dwarf, offset, vm });
  }

  /** The modules that apply to hart h (all, or the ones of its VM). */
  private modulesFor(h: Hart): Module[] {
    const vm = this.vmm?.vcpuOf(h)?.vm.id;
    return this.modules.filter((m) => m.vm === undefined || m.vm === vm);
  }

  /** The module with code (a function or a line) at pc, for hart h. */
  moduleAt(h: Hart, pc: bigint): Module | undefined {
    const ms = this.modulesFor(h);
    return ms.find((m) => m.dwarf.functionAt(pc - m.offset) !== undefined) ?? ms.find((m) => m.dwarf.sourceAt(pc - m.offset) !== undefined);
  }

  /** The source position of pc on hart h (the file mapped to disk when found). */
  sourceAt(h: Hart, pc: bigint): SourceLocation | undefined {
    const m = this.moduleAt(h, pc);
    const loc = m?.dwarf.sourceAt(pc - m.offset);
    return loc === undefined ? undefined : { ...loc, file: this.localPath(m!, loc.file) };
  }

  /** Breakpoint addresses for a source line, across the modules (undefined: no code there). */
  resolveLine(file: string, line: number): { line: number; addresses: bigint[] } | undefined {
    let best: { line: number; addresses: bigint[] } | undefined;
    for (const m of this.modules) {
      const r = m.dwarf.addressesFor(file, line);
      if (r === undefined) continue;
      const addrs = r.addresses.map((a) => a + m.offset);
      if (best === undefined || r.line < best.line) best = { line: r.line, addresses: addrs };
      else if (r.line === best.line) best.addresses.push(...addrs);
    }
    return best;
  }

  /** Every source file of every module, as paths on disk where found. */
  sourceFiles(): string[] {
    const out = new Set<string>();
    for (const m of this.modules) for (const f of m.dwarf.sourceFiles()) out.add(this.localPath(m, f));
    return [...out].sort();
  }

  private readonly pathCache = new Map<string, string>();

  /** A DWARF path as a file on disk: absolute and existing, or found under the ELF's directory and its parents or
   *  the source roots; else the DWARF path itself. */
  localPath(m: Module, file: string): string {
    const key = `${m.id}:${file}`;
    const hit = this.pathCache.get(key);
    if (hit !== undefined) return hit;
    let found = file;
    if (path.isAbsolute(file)) found = file;
    else {
      // The ELF's directory and its parents first (nearest first), then the source roots.
      const dirs: string[] = [];
      for (let d = path.dirname(m.path), i = 0; i < 8; i++, d = path.dirname(d)) { dirs.push(d); if (path.dirname(d) === d) break; }
      dirs.push(...this.sourceRoots);
      // In each, the whole DWARF path, then without its leading directories (a tree copied or renamed elsewhere:
      // `examples/minikernel/main.c` is found as `minikernel/main.c` in a folder not called examples).
      const parts = file.split(/[\\/]/);
      search: for (const d of dirs) {
        for (let k = 0; k < Math.max(1, parts.length - 1); k++) {
          const p = path.join(d, ...parts.slice(k));
          if (existsSync(p)) { found = p; break search; }
        }
      }
    }
    this.pathCache.set(key, found);
    return found;
  }

  /** `size` bytes at virtual address va as hart h sees them now, without side effects (undefined: unreadable). */
  readVirt(h: Hart, va: bigint, size: number): Uint8Array | undefined {
    const out = new Uint8Array(size);
    let page = -1n, pa = -1;
    for (let i = 0; i < size; i++) {
      const a = BigInt.asUintN(64, va + BigInt(i));
      if ((a & ~0xfffn) !== page) {
        page = a & ~0xfffn;
        pa = debugTranslate(h, Number(page & 0xffffffffn) | 0, Number(page >> 32n) | 0, Access.LOAD);
      }
      if (pa < 0) return undefined;
      try { out[i] = this.board.machine.readPhys(pa + Number(a & 0xfffn), 1)[0]; } catch { return undefined; }
    }
    return out;
  }

  /** An unsigned little-endian value of `size` bytes at va (see readVirt). */
  readValue(h: Hart, va: bigint, size: number): bigint | undefined {
    const b = this.readVirt(h, va, size);
    if (b === undefined) return undefined;
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    return v;
  }

  /**
   * Hart h's stack, innermost first: each real frame (unwound with the call frame information, or the frame-pointer
   * chain where there is none) preceded by the calls inlined into it at its pc. At most `max` frames.
   */
  stack(h: Hart, max = 64): EngineFrame[] {
    const out: EngineFrame[] = [];
    let pc = h.getPc();
    let regs: RegisterFile = Array.from({ length: 32 }, (_, i) => h.getX(i));
    const read = (a: bigint, size: number) => this.readValue(h, a, size);
    for (let depth = 0; depth < max && out.length < max; depth++) {
      const m = this.moduleAt(h, depth > 0 ? pc - 1n : pc);
      const linkPc = m !== undefined ? pc - m.offset : pc;
      const lookPc = depth > 0 ? linkPc - 1n : linkPc;
      const inl = m?.dwarf.inlineFramesAt(lookPc) ?? [];
      if (inl.length === 0) {
        const sym = this.describe(pc);
        out.push({ pc, regs, depth, name: sym !== '' ? sym : '0x' + pc.toString(16), source: this.sourceAt(h, depth > 0 ? pc - 1n : pc), module: m, linkPc });
      }
      for (const f of inl) {
        const src = f.location === undefined ? undefined : { ...f.location, file: this.localPath(m!, f.location.file) };
        out.push({ pc, regs, depth, name: f.name, source: src, module: m, inline: f, linkPc });
      }
      if (m === undefined && depth > 0) break;
      const up = m !== undefined ? m.dwarf.unwind(linkPc, regs, read, depth > 0) : undefined;
      if (up === undefined) break;
      if (up.regs[2] !== undefined && regs[2] !== undefined && up.regs[2] < regs[2]) break;   // the stack must not go down
      if (up.pc === pc && up.regs[2] === regs[2]) break;
      pc = up.pc;
      regs = up.regs;
    }
    return out.slice(0, max);
  }

  /** The canonical frame address of the frame with registers `regs` at pc (for DW_OP_call_frame_cfa). */
  cfaOf(h: Hart, f: EngineFrame): bigint | undefined {
    if (f.module === undefined) return undefined;
    return f.module.dwarf.unwind(f.linkPc, f.regs, (a, s) => this.readValue(h, a, s), f.depth > 0)?.cfa;
  }

  get harts(): Hart[] { return this.board.machine.harts; }

  /** Runs until the guest exits, the machine halts, or pause(). Emits 'stopped' (reason) or 'exited' (code). */
  continue(): void {
    if (this.ended || this.running) return;
    this.running = true;
    this.pauseRequested = false;
    // A hart standing on a breakpoint runs that instruction first, or it would stop there again at once.
    if (this.watchStop(this.stepOffBreakpoints())) return;
    this.runLoop(undefined);
  }

  /**
   * After a run that returned r: when a data breakpoint was hit and its filter says to stop, stops (the access has
   * completed; the hart's pc is the next instruction) and returns true.
   */
  private watchStop(r: { reason: string; hart?: number } | undefined): boolean {
    if (r?.reason !== 'watchpoint' || !this.watchpointFilter()) return false;
    this.flush();
    this.running = false;
    this.stoppedHart = r.hart ?? 0;
    this.watchStopPc = this.harts[this.stoppedHart]?.getPc();
    this.emit('stopped', 'data-breakpoint');
    return true;
  }

  /**
   * Runs in chunks until a stop. `temp`: a temporary breakpoint (a return address) with a test of whether this hit
   * is the one waited for (same frame); when it is, `temp.done` is called instead of a stopped event.
   */
  private runLoop(temp: { pc: bigint; hart: Hart; test: () => boolean; done: () => void } | undefined): void {
    const m = this.board.machine;
    if (temp !== undefined) m.setBreakpoints([...this.breakpoints, temp.pc]);
    const endTemp = () => { if (temp !== undefined) m.setBreakpoints(this.breakpoints); };
    const turn = (): void => {
      if (!this.running) { endTemp(); return; }
      const r = m.run(CHUNK);
      if (r.reason === 'trap-stop') {
        const h = this.harts[r.hart ?? 0], t = h.lastTrap;
        this.lastTrap = { hart: h.id, cause: t.cause, interrupt: t.interrupt, tval: (BigInt(t.tvalHi >>> 0) << 32n) | BigInt(t.tvalLo >>> 0),
          epc: (BigInt(t.epcHi >>> 0) << 32n) | BigInt(t.epcLo >>> 0), fromPriv: t.fromPriv, toPriv: t.toPriv };
        this.stoppedHart = h.id;
        this.flush(); endTemp(); this.running = false; this.emit('stopped', 'trap');
        return;
      }
      if (r.reason === 'watchpoint') {
        if (this.watchStop(r)) { endTemp(); return; }
        setImmediate(turn);
        return;
      }
      if (r.reason === 'breakpoint') {
        const h = this.harts[r.hart ?? 0], pc = h.getPc();
        if (temp !== undefined && pc === temp.pc && h === temp.hart && temp.test()) {
          this.flush(); endTemp(); this.running = false; this.stoppedHart = h.id; temp.done(); return;
        }
        if (!(this.breakpoints.includes(pc) && this.breakpointFilter(h, pc))) {
          // a condition or hit count says to go on (or a logpoint), or a return into another frame: step past it
          const s = m.stepOverBreakpoint();
          this.flush();
          if (this.watchStop(s)) { endTemp(); return; }
          if (s.reason === 'exit') { endTemp(); this.finish(s.exitCode ?? 0); return; }
          if (this.pauseRequested) { endTemp(); this.running = false; this.emit('stopped', 'pause'); return; }
          setImmediate(turn);
          return;
        }
      }
      this.flush();
      if (r.reason !== 'limit') this.restoreExitStop();
      if (r.reason === 'exit') { endTemp(); this.finish(r.exitCode ?? 0); return; }
      if (r.reason === 'breakpoint' || r.reason === 'exit-stop' || r.reason === 'entry-stop') {
        endTemp();
        this.running = false; this.stoppedHart = r.hart ?? 0;
        this.board.machine.setGuestEntryStop(false);
        this.emit('stopped', r.reason === 'breakpoint' ? 'breakpoint' : r.reason === 'exit-stop' ? 'exit' : 'guest-entry');
        return;
      }
      if (r.reason === 'halted') { endTemp(); this.running = false; this.emit('stopped', 'halted'); return; }
      if (r.reason === 'stopped' && this.iommuStopPending) {
        this.iommuStopPending = false;
        endTemp(); this.running = false; this.emit('stopped', 'iommu-fault');
        return;
      }
      if (this.pauseRequested) { endTemp(); this.running = false; this.emit('stopped', 'pause'); return; }
      this.emit('running');
      setImmediate(turn);
    };
    setImmediate(turn);
  }

  /** Stops a running machine at the end of the current chunk. */
  pause(): void {
    if (this.running) this.pauseRequested = true;
    else if (!this.ended) this.emit('stopped', 'pause');
  }

  /** The VM-exit reasons (bit per ExitReason) that stop a running machine (exception filters). */
  exitFilter = 0;
  /** Whether an IOMMU fault stops a running machine (exception filter), and the faults seen (the last 1024). */
  stopOnIommuFault = false;
  readonly iommuFaults: EngineIommuFault[] = [];
  /** The fault that stopped the machine (iommu-fault stops). */
  lastIommuFault: EngineIommuFault | undefined;
  private iommuStopPending = false;
  /** Trap causes that stop a running machine ('exc:N', 'irq:N'), and the trap that did. */
  private trapFilter = new Set<string>();
  lastTrap: EngineTrap | undefined;

  /**
   * Sets the trap filters: a trap with one of these causes, taken by any hart in any mode while running (not while
   * stepping), stops the machine before the handler's first instruction (Machine.setTrapStop).
   */
  setTrapFilter(keys: string[]): void {
    this.trapFilter = new Set(keys);
    this.board.machine.setTrapStop(keys.length === 0 ? null
      : (cause, interrupt) => this.running && this.trapFilter.has(`${interrupt ? 'irq' : 'exc'}:${cause}`));
  }

  /** An IOMMU fault (a device's refused DMA): recorded, reported, and a stop when the filter asks for one. */
  private onIommuFault(vm: number | undefined, fault: IommuFault): void {
    const f = { vm, fault };
    if (this.iommuFaults.length >= 1024) this.iommuFaults.shift();
    this.iommuFaults.push(f);
    this.emit('iommuFault', f);
    if (this.stopOnIommuFault && this.running) {
      this.lastIommuFault = f;
      this.iommuStopPending = true;
      // The hart whose store started the DMA finishes that instruction, then the machine stops.
      const owner = vm !== undefined ? this.vmm?.vms[vm]?.vcpus[0]?.hart : undefined;
      this.stoppedHart = owner?.id ?? 0;
      this.board.machine.requestStop();
    }
  }
  private stepToExitOnce = false;

  /** Runs to the next VM exit of any reason (then the filters apply again). */
  stepToExit(): void {
    this.stepToExitOnce = true;
    this.board.machine.setExitStop(~0);
    this.continue();
  }

  private restoreExitStop(): void {
    if (this.stepToExitOnce) { this.stepToExitOnce = false; this.board.machine.setExitStop(this.exitFilter); }
  }

  /**
   * Steps through a VM exit: from a guest, runs to its next exit (stopping at the hypervisor's first instruction
   * for a hypervisor of the user's, where the guest resumes for the built-in VMM); from the hypervisor, runs until
   * it enters the guest again (the guest's resume point).
   */
  stepThroughExit(): void {
    const h = this.harts[this.stoppedHart] ?? this.harts[0];
    if (h.virt) { this.stepToExit(); return; }
    this.board.machine.setGuestEntryStop(true);
    this.continue();
  }

  /** Sets the exception filters: the VM-exit reasons that stop the machine. */
  setExitFilter(mask: number): void {
    this.exitFilter = mask;
    if (!this.stepToExitOnce) this.board.machine.setExitStop(mask);
  }

  /** Replaces the instruction breakpoints (virtual addresses). */
  setBreakpoints(vas: bigint[]): void {
    this.breakpoints = vas;
    this.board.machine.setBreakpoints(vas);
  }

  private onBreakpoint(): boolean {
    const pc = this.harts[this.stoppedHart]?.getPc();
    const afterWatch = pc === this.watchStopPc;
    this.watchStopPc = undefined;
    return pc !== undefined && !afterWatch && this.breakpoints.includes(pc);
  }

  private stepOffBreakpoints(): { reason: string; hart?: number } | undefined {
    return this.onBreakpoint() ? this.board.machine.stepOverBreakpoint() : undefined;
  }

  /**
   * One instruction (on the hart whose turn it is: with one hart, that hart). An interrupt does not end the step
   * unless stepIntoInterrupts: its handler runs until it returns to the interrupted instruction, and the step ends
   * once the instruction has run (as if the interrupt had come a little earlier or later).
   */
  stepInstruction(hart?: number): void {
    if (this.ended || this.running) return;
    if (hart !== undefined && this.harts[hart] !== undefined) this.stoppedHart = hart;
    const h = this.harts[this.stoppedHart] ?? this.harts[0];
    const r = this.stepOne();
    this.flush();
    if (r.reason === 'exit') this.finish(r.exitCode ?? 0);
    else if (this.watchStop(r)) return;
    else if (r.reason === 'breakpoint' && this.breakpoints.includes(h.getPc())) this.emit('stopped', 'breakpoint');
    else this.emit('stopped', 'step');
  }

  /** One instruction as stepInstruction() runs it, without events. */
  private stepOne(): { reason: string; exitCode?: number } {
    const m = this.board.machine;
    const h = this.harts[this.stoppedHart] ?? this.harts[0];
    const pc = h.getPc();
    let traps = h.trapCount;
    let r = this.onBreakpoint() ? m.stepOverBreakpoint() : m.run(1);
    // With several harts, the machine's schedule decides whose instruction runs: run on until this hart has moved
    // (the others advance as they would have; a breakpoint of another hart on the way ends the step there).
    const moved = () => h.getPc() !== pc || h.trapCount !== traps;
    const startPcs = this.harts.map((x) => x.getPc());
    for (let guard = 0; r.reason !== 'exit' && r.reason !== 'halted' && !moved() && guard < 1_000_000; guard++) {
      // A hart still standing on the breakpoint it stopped at steps off it; a breakpoint reached anew ends the step.
      const again = r.reason === 'breakpoint' && this.harts[r.hart ?? 0].getPc() === startPcs[r.hart ?? 0];
      if (r.reason === 'breakpoint' && !again) break;
      r = again ? m.stepOverBreakpoint() : m.run(1);
    }
    for (let guard = 0; !this.stepIntoInterrupts && r.reason !== 'exit' && h.trapCount !== traps && h.lastTrap.interrupt && guard < 100; guard++) {
      // Where the interrupt left the interrupted code, and in which mode.
      const t = h.lastTrap;
      const back = (BigInt(t.epcHi >>> 0) << 32n) | BigInt(t.epcLo >>> 0), priv = t.fromPriv, virt = t.fromVirt;
      m.setBreakpoints([...this.breakpoints, back]);
      for (;;) {
        r = m.run(50_000_000);
        // the same address in another mode (the handler's own code) is not the way back: go on past it
        if (r.reason === 'breakpoint' && h.getPc() === back && (h.priv !== priv || h.virt !== virt)) { m.stepOverBreakpoint(); continue; }
        break;
      }
      m.setBreakpoints(this.breakpoints);
      if (r.reason !== 'breakpoint' || h.getPc() !== back) break;      // the guest ended, or a user breakpoint
      if (back !== pc) break;                                          // the instruction had run before the interrupt
      traps = h.trapCount;
      r = m.stepOverBreakpoint();                                       // now the instruction itself
    }
    return r;
  }

  /**
   * A step by source lines on the stopped hart. 'over': until the pc is at the start of another line (an is_stmt
   * row) in the same frame, running called functions to their return with a temporary breakpoint at the return
   * address (hit at the same stack depth); 'into': the same, but stops at the first instruction of a called
   * function that has line information; 'out': runs to the return address of the current frame (from the call
   * frame information). Leaving the frame ends a step where it returns. Without line information at the pc it is
   * an instruction step. Interrupts never end a step (as for instruction steps, unless stepIntoInterrupts).
   */
  stepLine(kind: LineStep, hart?: number): void {
    if (this.ended || this.running) return;
    if (hart !== undefined && this.harts[hart] !== undefined) this.stoppedHart = hart;
    const h = this.harts[this.stoppedHart] ?? this.harts[0];
    const pc0 = h.getPc();
    const mod = this.moduleAt(h, pc0);
    const start = mod?.dwarf.sourceAt(pc0 - mod.offset);
    if (mod === undefined || (start === undefined && kind !== 'out')) { this.stepInstruction(); return; }
    const fn = mod.dwarf.functionAt(pc0 - mod.offset);
    const sameFunction = (pc: bigint) => fn !== undefined && fn.ranges.some((r) => r.lo <= pc - mod.offset && pc - mod.offset < r.hi);
    this.running = true;
    this.pauseRequested = false;
    const stop = (reason: StopReason) => { this.running = false; this.flush(); this.emit('stopped', reason); };
    const runToReturn = (ret: bigint, sp: bigint, then: () => void) => {
      const priv = h.priv, virt = h.virt;
      this.runLoop({ pc: ret, hart: h, test: () => h.getX(2) >= sp && h.priv === priv && h.virt === virt, done: () => { this.running = true; then(); } });
    };
    if (kind === 'out') {
      const regs: RegisterFile = Array.from({ length: 32 }, (_, i) => h.getX(i));
      const up = mod.dwarf.unwind(pc0 - mod.offset, regs, (a, s) => this.readValue(h, a, s));
      if (up === undefined || up.regs[2] === undefined) { this.running = false; this.stepInstruction(); return; }
      runToReturn(up.pc, up.regs[2], () => stop('step'));
      return;
    }
    let steps = 0;
    const lineOf = start!;
    const turn = (): void => {
      for (let n = 0; n < 5_000; n++, steps++) {
        if (!this.running) return;
        if (this.pauseRequested || steps > 2_000_000) { stop('pause'); return; }
        const prevPc = h.getPc(), prevRa = h.getX(1), prevSp = h.getX(2);
        const r = this.stepOne();
        if (r.reason === 'exit') { this.running = false; this.flush(); this.finish(r.exitCode ?? 0); return; }
        if (this.watchStop(r)) return;
        const pc = h.getPc();
        if (r.reason === 'breakpoint' && this.breakpoints.includes(pc) && this.breakpointFilter(h, pc)) { stop('breakpoint'); return; }
        const ra = h.getX(1);
        const fallThrough = pc === prevPc + 2n || pc === prevPc + 4n;
        if (!fallThrough && (ra === prevPc + 2n || ra === prevPc + 4n) && ra !== prevRa) {
          // a call: into a function with lines (step in), else over it to the return
          const callee = this.moduleAt(h, pc);
          if (kind === 'into' && callee?.dwarf.sourceAt(pc - callee.offset) !== undefined) { stop('step'); return; }
          runToReturn(ra, prevSp, () => setImmediate(turn));
          return;
        }
        if (!fallThrough && pc === prevRa) { stop('step'); return; }                 // returned from the frame
        if (!sameFunction(pc)) { stop('step'); return; }                            // left it another way
        const m = this.moduleAt(h, pc);
        const loc = m?.dwarf.sourceAt(pc - m.offset);
        if (loc !== undefined && m!.dwarf.isStatement(pc - m!.offset)) {
          if (loc.line !== lineOf.line || loc.file !== lineOf.file) { stop('step'); return; }
          if (pc < prevPc && pc === loc.address) { stop('step'); return; }       // back to the start of the line (a loop)
        }
      }
      setImmediate(turn);
    };
    setImmediate(turn);
  }

  /** Console input for the guest: the board's UART, or in vm mode the first VM's. */
  consoleInput(text: string): void {
    const bytes = [...Buffer.from(text, 'latin1')];
    if (this.vmm !== undefined) this.vmm.vms[0].uart.pushInput(bytes);
    else this.board.uart.pushInput(bytes);
  }

  /** Ends the session's machine (terminate/disconnect). */
  terminate(): void {
    this.running = false;
    this.ended = true;
  }

  /** A symbol for an address ('name+0x10'), or ''. */
  describe(addr: bigint): string {
    return this.board.describe(addr);
  }

  private finish(code: number): void {
    this.running = false;
    this.ended = true;
    this.emit('exited', code);
  }

  private flush(): void {
    this.board.uart.flush();
    this.vmm?.flushConsoles();
  }
}

function readImage(file: string, attribute: string): ImageFile {
  try {
    return { name: file, bytes: new Uint8Array(readFileSync(file)) };
  } catch (e) {
    throw new LoadError(`${attribute}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
