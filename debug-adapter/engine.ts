// The debugger's engine: one machine (a board, and the built-in VMM in vm mode) run in chunks on the event loop so
// the session stays responsive, with stop reasons reported as events. It knows nothing of DAP; session.ts maps.

import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { type Hart, type ImageFile, LoadError, VirtBoard, type VmConfig, Vmm, isElf } from '../core';

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
}

/** Why the machine stopped. */
export type StopReason = 'entry' | 'step' | 'pause' | 'halted' | 'breakpoint' | 'exit' | 'guest-entry';

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

  constructor(cfg: EngineConfig, output: (text: string) => void) {
    super();
    this.stepIntoInterrupts = cfg.stepIntoInterrupts === true;
    const console = (b: Uint8Array) => output(Buffer.from(b).toString('latin1'));
    const harts = cfg.mode === 'vm' ? cfg.vms * cfg.harts : cfg.harts;
    this.board = new VirtBoard({ memorySize: cfg.memory, harts, host: { consoleWrite: console } });
    const kernelFile = cfg.kernel ?? cfg.program;
    const kernel = kernelFile !== undefined ? readImage(kernelFile, cfg.kernel !== undefined ? 'kernel' : 'program') : undefined;
    if (cfg.program !== undefined && kernel !== undefined && !isElf(kernel.bytes)) {
      throw new LoadError(`program: ${cfg.program} is not an ELF file; use "kernel" for a raw image`);
    }
    const initrd = cfg.initrd !== undefined ? readImage(cfg.initrd, 'initrd') : undefined;
    if (cfg.mode === 'vm') {
      if (kernel === undefined) throw new LoadError('mode "vm": give "kernel" or "program" (the guest)');
      const configs: VmConfig[] = [];
      for (let i = 0; i < cfg.vms; i++) {
        configs.push({ kernel, initrd, append: cfg.append, memory: 128 << 20, vcpus: cfg.harts, mmu: cfg.mmu });
      }
      this.vmm = new Vmm(this.board.machine, configs, {
        console: (_vm, b) => console(b), exit: (code) => this.board.machine.requestExit(code),
      });
      this.vmm.boot();
      if (isElf(kernel.bytes)) this.board.addSymbolFile(kernel);     // the guest kernel's symbols
    } else {
      const builtinSbi = cfg.bios === 'builtin';
      const bios = cfg.bios !== undefined && cfg.bios !== 'none' && !builtinSbi ? readImage(cfg.bios, 'bios') : undefined;
      this.board.load({ bios, kernel, initrd, append: cfg.append, builtinSbi });
    }
  }

  get harts(): Hart[] { return this.board.machine.harts; }

  /** Runs until the guest exits, the machine halts, or pause(). Emits 'stopped' (reason) or 'exited' (code). */
  continue(): void {
    if (this.ended || this.running) return;
    this.running = true;
    this.pauseRequested = false;
    // A hart standing on a breakpoint runs that instruction first, or it would stop there again at once.
    this.stepOffBreakpoints();
    const turn = (): void => {
      if (!this.running) return;
      const r = this.board.machine.run(CHUNK);
      this.flush();
      if (r.reason !== 'limit') this.restoreExitStop();
      if (r.reason === 'exit') { this.finish(r.exitCode ?? 0); return; }
      if (r.reason === 'breakpoint' || r.reason === 'exit-stop' || r.reason === 'entry-stop') {
        this.running = false; this.stoppedHart = r.hart ?? 0;
        this.board.machine.setGuestEntryStop(false);
        this.emit('stopped', r.reason === 'breakpoint' ? 'breakpoint' : r.reason === 'exit-stop' ? 'exit' : 'guest-entry');
        return;
      }
      if (r.reason === 'halted') { this.running = false; this.emit('stopped', 'halted'); return; }
      if (this.pauseRequested) { this.running = false; this.emit('stopped', 'pause'); return; }
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
    return pc !== undefined && this.breakpoints.includes(pc);
  }

  private stepOffBreakpoints(): void {
    if (this.onBreakpoint()) this.board.machine.stepOverBreakpoint();
  }

  /**
   * One instruction (on the hart whose turn it is: with one hart, that hart). An interrupt does not end the step
   * unless stepIntoInterrupts: its handler runs until it returns to the interrupted instruction, and the step ends
   * once the instruction has run (as if the interrupt had come a little earlier or later).
   */
  stepInstruction(): void {
    if (this.ended || this.running) return;
    const m = this.board.machine;
    const h = this.harts[this.stoppedHart] ?? this.harts[0];
    const pc = h.getPc();
    let traps = h.trapCount;
    let r = this.onBreakpoint() ? m.stepOverBreakpoint() : m.run(1);
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
    this.flush();
    if (r.reason === 'exit') this.finish(r.exitCode ?? 0);
    else if (r.reason === 'breakpoint' && this.breakpoints.includes(h.getPc())) this.emit('stopped', 'breakpoint');
    else this.emit('stopped', 'step');
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
