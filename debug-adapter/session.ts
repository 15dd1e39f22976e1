// The Debug Adapter Protocol session: maps DAP requests onto the engine and core's public API (the engine knows
// nothing of DAP). This is the first slice of the adapter: launch, threads (harts, or vCPUs in vm mode), stack
// frames, registers and CSRs, instruction stepping, continue/pause, memory reads and disassembly by virtual
// address, evaluate of registers. Breakpoints, DWARF line tables, address-space-qualified memory references and
// the vmscope/* requests follow (docs/dap.md).

import {
  ContinuedEvent, ExitedEvent, InitializedEvent, LoggingDebugSession, OutputEvent, Scope, StackFrame, StoppedEvent,
  TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  Access, EXIT_HANDLING_NAMES, EXIT_REASON_IDS, EXIT_REASON_NAMES, type GuestTranslation, type Hart, PRIV_NAMES, csrName,
  debugReadCsr, debugTranslate, disassemble, explainTranslation, translateGuestDebug,
} from '../core';
import type {
  ExitsArguments, ExitsResult, PageTablesArguments, PageTablesResult, StatsResult, TlbArguments, TlbResult, TranslateArguments,
  TranslateResult,
} from './protocol';
import { Engine, type EngineConfig, type StopReason } from './engine';

/** The launch configuration (package.json gives VS Code its schema). */
export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  program?: string;
  kernel?: string;
  bios?: string;
  initrd?: string;
  append?: string;
  memory?: string | number;
  harts?: number;
  mode?: string;
  mmu?: string;
  vms?: number;
  stopOnEntry?: boolean;
  stepIntoInterrupts?: boolean;
}

/** Every launch attribute validate() reads (package.json's launch schema must list them all; the workbench tests check). */
export const LAUNCH_ATTRIBUTES = Object.keys({
  program: 0, kernel: 0, bios: 0, initrd: 0, append: 0, memory: 0, harts: 0, mode: 0, mmu: 0, vms: 0, stopOnEntry: 0,
  stepIntoInterrupts: 0,
} satisfies Record<Exclude<keyof LaunchArguments, keyof DebugProtocol.LaunchRequestArguments>, 0>);

const ABI = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
  's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
/** The CSRs the CSR scope lists, grouped as a kernel or hypervisor developer reads them. */
const CSRS = [0x300, 0x301, 0x302, 0x303, 0x304, 0x305, 0x340, 0x341, 0x342, 0x343, 0x344, 0x34a, 0x34b, 0x30a,
  0x100, 0x104, 0x105, 0x140, 0x141, 0x142, 0x143, 0x144, 0x180, 0x14d,
  0x600, 0x602, 0x603, 0x604, 0x605, 0x606, 0x60a, 0x643, 0x644, 0x645, 0x64a, 0x680,
  0x200, 0x204, 0x205, 0x240, 0x241, 0x242, 0x243, 0x244, 0x280, 0x24d, 0xc01, 0xb00, 0xb02];
/** Variables references: hart h's registers are 1 + 2h, its CSRs 2 + 2h. */
const regsRef = (hart: number) => 1 + 2 * hart, csrsRef = (hart: number) => 2 + 2 * hart;

const hex = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');

export class VmscopeSession extends LoggingDebugSession {
  private engine: Engine | undefined;
  /** Breakpoints as the client set them (kept until the engine exists: they arrive before configurationDone). */
  private instructionBps: bigint[] = [];
  private functionNames: string[] = [];
  private exitFilter = 0;
  private configured: () => void = () => undefined;
  private readonly configurationDone = new Promise<void>((res) => { this.configured = res; });

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsReadMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsSteppingGranularity: true,
      supportsTerminateRequest: true,
      supportsEvaluateForHovers: false,
      supportsInstructionBreakpoints: true,
      supportsFunctionBreakpoints: true,
      supportsExceptionInfoRequest: true,
      // One filter per VM-exit reason: stop when a guest exits to its hypervisor for that reason.
      exceptionBreakpointFilters: EXIT_REASON_IDS.map((id, i) => ({ filter: `exit:${id}`, label: `VM exit: ${EXIT_REASON_NAMES[i]}`, default: false })),
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configured();
  }

  /** A `vmscope dap` server's client "attaches" to run the machine its configuration describes, as launch does. */
  protected override attachRequest(response: DebugProtocol.AttachResponse, args: DebugProtocol.AttachRequestArguments): Promise<void> {
    return this.launchRequest(response, args as LaunchArguments);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): Promise<void> {
    let cfg: EngineConfig;
    try {
      cfg = validate(typeof args === 'object' && args !== null ? args : {});
      this.engine = new Engine(cfg, (text) => this.sendEvent(new OutputEvent(text, 'stdout')));
    } catch (e) {
      this.sendErrorResponse(response, 1001, `vmscope: ${(e as Error).message}`);
      return;
    }
    const engine = this.engine;
    engine.on('stopped', (reason: StopReason) => {
      const r = reason === 'halted' ? 'pause' : reason === 'exit' ? 'exception' : reason === 'guest-entry' ? 'step' : reason;
      const hart = reason === 'breakpoint' || reason === 'exit' || reason === 'guest-entry' ? engine.stoppedHart : 0;
      const ev: DebugProtocol.StoppedEvent = new StoppedEvent(r, hart + 1);
      if (reason === 'guest-entry') ev.body.description = 'back in the guest: where the exit handling resumes it';
      ev.body.allThreadsStopped = true;
      if (reason === 'halted') ev.body.description = 'every hart waits for an interrupt that cannot arrive';
      if (reason === 'exit') {
        const x = engine.board.machine.exits.list(engine.board.machine.exits.total - 1, 1)[0];
        ev.body.description = `VM exit: ${EXIT_REASON_NAMES[x.reason]} (cause ${x.cause}) at 0x${x.pc.toString(16)}`;
        ev.body.text = EXIT_REASON_IDS[x.reason];
      }
      this.sendEvent(ev);
    });
    engine.on('exited', (code: number) => {
      this.sendEvent(new ExitedEvent(code));
      this.sendEvent(new TerminatedEvent());
    });
    this.sendResponse(response);
    await this.configurationDone;
    this.applyBreakpoints();
    if (args.stopOnEntry === true) engine.emit('stopped', 'entry');
    else engine.continue();
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse,
    args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    const list = Array.isArray(args?.breakpoints) ? args.breakpoints : [];
    const bps: DebugProtocol.Breakpoint[] = [];
    this.instructionBps = [];
    for (const b of list) {
      const a = typeof b?.instructionReference === 'string' ? parseAddress(b.instructionReference) : undefined;
      const va = a === undefined ? undefined : a + BigInt(Number.isInteger(b.offset) ? b.offset! : 0);
      if (va === undefined || (va & 1n) !== 0n) { bps.push({ verified: false, message: 'not an instruction address' }); continue; }
      this.instructionBps.push(va);
      // Verified: it stops on any instruction fetched at this virtual address, mapped now or later.
      bps.push({ verified: true, instructionReference: '0x' + va.toString(16) });
    }
    this.applyBreakpoints();
    response.body = { breakpoints: bps };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const list = Array.isArray(args?.breakpoints) ? args.breakpoints : [];
    this.functionNames = list.map((b) => String(b?.name ?? ''));
    response.body = {
      breakpoints: this.functionNames.map((name) => {
        if (this.engine === undefined) return { verified: false, message: 'resolved when the program is loaded' };
        const va = this.engine.board.symbolAddress(name);
        return va === undefined ? { verified: false, message: `no function '${name}' in the loaded symbols` }
          : { verified: true, instructionReference: '0x' + va.toString(16) };
      }),
    };
    this.applyBreakpoints();
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    let mask = 0;
    const filters = Array.isArray(args?.filters) ? args.filters : [];
    for (const f of filters) {
      const i = EXIT_REASON_IDS.indexOf(String(f).replace(/^exit:/, ''));
      if (i >= 0) mask |= 1 << i;
    }
    this.exitFilter = mask;
    this.engine?.setExitFilter(mask);
    response.body = { breakpoints: filters.map(() => ({ verified: true })) };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const m = this.engine?.board.machine;
    const x = m?.exits.list(m.exits.total - 1, 1)[0];
    if (x === undefined) { this.sendErrorResponse(response, 1013, 'no VM exit to describe'); return; }
    response.body = {
      exceptionId: `exit:${EXIT_REASON_IDS[x.reason]}`,
      description: `VM exit #${x.seq}: ${EXIT_REASON_NAMES[x.reason]}, cause ${x.cause}${x.interrupt ? ' (interrupt)' : ''}, ` +
        `pc 0x${x.pc.toString(16)}, gva 0x${x.gva.toString(16)}, gpa 0x${x.gpa.toString(16)}, htinst 0x${x.htinst.toString(16)}; ` +
        `${EXIT_HANDLING_NAMES[x.handling]}`,
      breakMode: 'always',
    };
    this.sendResponse(response);
  }

  private applyBreakpoints(): void {
    const e = this.engine;
    if (e === undefined) return;
    const fns: bigint[] = [];
    for (const n of this.functionNames) { const va = e.board.symbolAddress(n); if (va !== undefined) fns.push(va); }
    e.setBreakpoints([...this.instructionBps, ...fns]);
    e.setExitFilter(this.exitFilter);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const e = this.engine;
    const harts = e?.harts ?? [];
    response.body = {
      threads: harts.map((h) => {
        const v = e?.vmm?.vcpuOf(h);
        return new Thread(h.id + 1, v !== undefined ? `vm${v.vm.id}/vcpu${v.index}` : `hart${h.id}`);
      }),
    };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const h = this.hartOf(args.threadId);
    if (h === undefined) { this.sendErrorResponse(response, 1002, `no thread ${args.threadId}`); return; }
    const pc = h.getPc();
    const sym = this.engine!.describe(pc);
    const mode = `${h.virt ? 'V' : ''}${PRIV_NAMES[h.priv]}`;
    const frame = new StackFrame(h.id * 1000, `${sym !== '' ? sym : hex(pc)} [${mode}]`);
    frame.instructionPointerReference = '0x' + pc.toString(16);
    response.body = { stackFrames: [frame], totalFrames: 1 };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const hart = Math.floor(args.frameId / 1000);
    response.body = { scopes: [new Scope('Registers', regsRef(hart), false), new Scope('CSRs', csrsRef(hart), true)] };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const hart = Math.floor((args.variablesReference - 1) / 2);
    const h = this.engine?.harts[hart];
    if (h === undefined) { this.sendErrorResponse(response, 1003, `no variables ${args.variablesReference}`); return; }
    const vars: DebugProtocol.Variable[] = [];
    if ((args.variablesReference - 1) % 2 === 0) {
      vars.push({ name: 'pc', value: hex(h.getPc()), variablesReference: 0, memoryReference: '0x' + h.getPc().toString(16) });
      for (let i = 1; i < 32; i++) vars.push({ name: `${ABI[i]} (x${i})`, value: hex(h.getX(i)), variablesReference: 0 });
      vars.push({ name: 'privilege', value: `${h.virt ? 'V' : ''}${PRIV_NAMES[h.priv]}`, variablesReference: 0 });
    } else {
      for (const n of CSRS) {
        const v = debugReadCsr(h, n);
        if (v !== undefined) vars.push({ name: csrName(n), value: hex(v), variablesReference: 0 });
      }
    }
    response.body = { variables: vars };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.engine?.continue();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    this.engine?.pause();
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.step(response);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.step(response);
  }

  /** Instruction steps (line stepping needs DWARF line tables, which follow). */
  private step(response: DebugProtocol.Response): void {
    this.sendResponse(response);
    this.sendEvent(new ContinuedEvent(1, true));
    this.engine?.stepInstruction();
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const ref = this.reference(args.memoryReference);
    const count = args.count;
    if (typeof ref === 'string' || !Number.isSafeInteger(count) || count < 0 || count > 1 << 20) {
      this.sendErrorResponse(response, 1004, `readMemory: bad memoryReference or count (${args.memoryReference}, ${args.count})` +
        (typeof ref === 'string' ? `: ${ref}` : ''));
      return;
    }
    const addr = ref.base + BigInt(args.offset ?? 0);
    const bytes = Buffer.alloc(count);
    let readable = 0;
    for (; readable < count; readable++) {
      const b = ref.read(addr + BigInt(readable));
      if (b < 0) break;
      bytes[readable] = b;
    }
    response.body = { address: '0x' + addr.toString(16), data: bytes.subarray(0, readable).toString('base64'),
      unreadableBytes: count - readable };
    this.sendResponse(response);
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const ref = this.reference(args.memoryReference);
    if (typeof ref === 'string' || !Number.isSafeInteger(args.instructionCount) || args.instructionCount < 0 || args.instructionCount > 10_000) {
      this.sendErrorResponse(response, 1005, `disassemble: bad memoryReference or instructionCount`);
      return;
    }
    let addr = ref.base + BigInt(args.offset ?? 0);
    const out: DebugProtocol.DisassembledInstruction[] = [];
    for (let i = 0; i < args.instructionCount; i++) {
      const lo = ref.read(addr), hi = ref.read(addr + 1n);
      if (lo < 0 || hi < 0) { out.push({ address: '0x' + addr.toString(16), instruction: '??' }); addr += 2n; continue; }
      let word = lo | (hi << 8), len = 2;
      if ((word & 3) === 3) {
        const b2 = ref.read(addr + 2n), b3 = ref.read(addr + 3n);
        if (b2 >= 0 && b3 >= 0) { word = (word | (b2 << 16) | (b3 << 24)) >>> 0; len = 4; }
      }
      const sym = this.engine!.describe(addr);
      out.push({
        address: '0x' + addr.toString(16), instructionBytes: word.toString(16).padStart(2 * len, '0'),
        instruction: disassemble(word, addr), symbol: sym !== '' ? sym : undefined,
      });
      addr += BigInt(len);
    }
    response.body = { instructions: out };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const h = this.engine?.harts[args.frameId !== undefined ? Math.floor(args.frameId / 1000) : 0];
    const name = args.expression.trim();
    const x = ABI.indexOf(name), xn = /^x(\d+)$/.exec(name);
    let v: bigint | undefined;
    if (h !== undefined) {
      if (name === 'pc') v = h.getPc();
      else if (x >= 0) v = h.getX(x);
      else if (xn !== null && Number(xn[1]) < 32) v = h.getX(Number(xn[1]));
      else { const n = CSRS.find((c) => csrName(c) === name); if (n !== undefined) v = debugReadCsr(h, n); }
    }
    if (v === undefined) { this.sendErrorResponse(response, 1006, `cannot evaluate '${name}' (registers and CSRs by name)`); return; }
    response.body = { result: hex(v), variablesReference: 0 };
    this.sendResponse(response);
  }

  /** The vmscope/* requests (debug-adapter/protocol.ts). */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    const e = this.engine;
    if (e === undefined) { this.sendErrorResponse(response, 1010, `${command}: no program is running`); return; }
    const m = e.board.machine;
    const a = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
    switch (command) {
      case 'vmscope/exits': {
        const q = a as ExitsArguments;
        const from = Number.isSafeInteger(q.from) ? q.from : undefined, count = Number.isSafeInteger(q.count) ? Math.min(q.count!, 4096) : 256;
        const body: ExitsResult = {
          total: m.exits.total, counts: m.exits.countsByName(),
          exits: m.exits.list(from ?? Math.max(0, m.exits.total - count), count).map((x) => ({
            seq: x.seq, vm: x.vm, vcpu: x.vcpu, time: x.time, reason: EXIT_REASON_IDS[x.reason], cause: x.cause, interrupt: x.interrupt,
            pc: '0x' + x.pc.toString(16), gva: '0x' + x.gva.toString(16), gpa: '0x' + x.gpa.toString(16),
            htinst: '0x' + x.htinst.toString(16), handling: EXIT_HANDLING_NAMES[x.handling], hostInsns: x.hostInsns,
          })),
        };
        response.body = body;
        break;
      }
      case 'vmscope/stats': {
        const body: StatsResult = { translation: m.translationStats(), vms: e.vmm?.stats() ?? [] };
        response.body = body;
        break;
      }
      case 'vmscope/translate': {
        const q = a as unknown as TranslateArguments;
        const va = typeof q.address === 'string' ? parseAddress(q.address) : undefined;
        const h = e.harts[Number.isInteger(q.hart) ? q.hart! : 0];
        const access = q.access === 'fetch' || q.access === 'store' ? q.access : 'load';
        if (va === undefined || h === undefined) { this.sendErrorResponse(response, 1011, 'vmscope/translate: give "address" (0x…) and a valid "hart"'); return; }
        response.body = translateFor(h, va, access);
        break;
      }
      case 'vmscope/tlb': {
        const h = e.harts[Number.isInteger((a as TlbArguments).hart) ? (a as TlbArguments).hart! : 0];
        if (h === undefined) { this.sendErrorResponse(response, 1014, 'vmscope/tlb: no such hart'); return; }
        const body: TlbResult = {
          entries: h.tlb.entries().map((x) => ({
            va: '0x' + x.va.toString(16), pa: '0x' + x.pa.toString(16), level: x.level, asid: x.asid, vmid: x.vmid, stage: x.stage,
            global: x.global, flags: pteFlags(x.pte),
          })),
        };
        response.body = body;
        break;
      }
      case 'vmscope/pageTables': {
        const q = a as unknown as PageTablesArguments;
        const h = e.harts[Number.isInteger(q.hart) ? q.hart! : 0];
        const result = h === undefined ? 'vmscope/pageTables: no such hart' : pageTable(e, h, q);
        if (typeof result === 'string') { this.sendErrorResponse(response, 1015, result); return; }
        response.body = result;
        break;
      }
      case 'vmscope/stepThroughExit':
        // From a guest: to the hypervisor's handler of its next exit; from the hypervisor: back into the guest.
        this.sendResponse(response);
        e.stepThroughExit();
        return;
      case 'vmscope/stepToExit':
        // Runs to the next VM exit (any reason) and stops there: a stopped event with reason 'exception' follows.
        this.sendResponse(response);
        e.stepToExit();
        return;
      default:
        this.sendErrorResponse(response, 1012, `unknown request '${command}'`);
        return;
    }
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.engine?.terminate();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.engine?.terminate();
    this.sendResponse(response);
  }

  private hartOf(threadId: number): Hart | undefined {
    return this.engine?.harts[threadId - 1];
  }

  /**
   * A memory reference that names its address space: `hpa:0x…` (host physical), `gpa:vm0:0x…` (a VM's guest
   * physical memory; without the VMM, `gpa:0x…` through hart 0's G stage), `gva:vm0:0x…` (a VM's guest virtual
   * addresses through its first vCPU's current translation), or a bare `0x…` (what hart 0 sees now). Returns the
   * address and a byte reader (-1: nothing there), or why the reference is bad. Nothing is changed by reading.
   */
  private reference(text: string): { base: bigint; read: (a: bigint) => number } | string {
    const e = this.engine!;
    const m = /^(?:(hpa|gpa|gva):(?:vm(\d+):)?)?(0x[0-9a-fA-F]+|\d+)$/.exec(String(text).trim());
    if (m === null) return 'use 0x…, hpa:0x…, gpa:vmN:0x… or gva:vmN:0x…';
    const base = BigInt(m[3]);
    if (base >= 1n << 64n) return 'address wider than 64 bits';
    const machine = e.board.machine;
    const phys = (pa: number) => { try { return machine.readPhys(pa, 1)[0]; } catch { return -1; } };
    // Translate once per page: `toPa` gives the page's physical base for an address in it (or -1).
    const pageReader = (toPa: (page: bigint) => number) => {
      let lastPage = -1n, lastPa = -1;
      return (a: bigint): number => {
        const page = a & ~0xfffn;
        if (page !== lastPage) { lastPage = page; lastPa = toPa(page); }
        return lastPa < 0 ? -1 : phys(lastPa + Number(a & 0xfffn));
      };
    };
    const space = m[1];
    if (space === undefined) {
      const h0 = e.harts[0];
      return { base, read: pageReader((page) => debugTranslate(h0, Number(page & 0xffffffffn) | 0, Number(page >> 32n) | 0, Access.LOAD)) };
    }
    if (space === 'hpa') return { base, read: (a) => (a < 1n << 53n ? phys(Number(a)) : -1) };
    const vmIndex = m[2] !== undefined ? Number(m[2]) : 0;
    const vm = e.vmm?.vms[vmIndex];
    if (e.vmm !== undefined && vm === undefined) return `no vm${vmIndex}`;
    if (space === 'gpa') {
      if (vm !== undefined) {
        // Guest RAM through the pmap: a page the guest never touched reads as zero.
        return { base, read: (a) => {
          if (a >= 1n << 53n || !vm.pmap.contains(Number(a))) return -1;
          const hpa = vm.pmap.hostAddr(Number(a), false);
          return hpa < 0 ? 0 : phys(hpa);
        } };
      }
      const h = e.harts[0];
      return { base, read: pageReader((page) => {
        const t = translateGuestDebug(h.ptePort, { vsMode: 0, vsRootPpn: 0, gMode: h.hgatpMode, gRootPpn: h.hgatpPpn, va: page, access: 'load', priv: 'S' });
        return t.ok && t.pa !== undefined ? Number(t.pa) : -1;
      }) };
    }
    // gva: the guest's own translation as its (first) vCPU has it now.
    const h = vm !== undefined ? vm.vcpus[0].hart : e.harts[0];
    if (vm !== undefined && vm.shadow !== null) {
      const sh = vm.shadow, satp = vm.vcpus[0].satp;
      return { base, read: pageReader((page) => {
        const gpa = sh.guestTranslate(satp, Number(page & 0xffffffffn) | 0, Number(page >> 32n) | 0, Access.LOAD, 1, true);
        const hpa = gpa < 0 ? -1 : vm.pmap.hostAddr(gpa, false);
        return hpa;
      }) };
    }
    return { base, read: pageReader((page) => {
      const t = translateGuestDebug(h.ptePort, { vsMode: h.vsatpMode, vsRootPpn: h.vsatpPpn, gMode: h.hgatpMode,
        gRootPpn: h.hgatpPpn, va: page, access: 'load', priv: 'S', sum: true });
      return t.ok && t.pa !== undefined ? Number(t.pa) : -1;
    }) };
  }


}

/** vmscope/translate's result for hart h (core's explainTranslation, with addresses as strings). */
function translateFor(h: Hart, va: bigint, access: 'fetch' | 'load' | 'store'): TranslateResult {
  const hexOf = (v: bigint | undefined) => (v === undefined ? undefined : '0x' + v.toString(16));
  const { kind, t } = explainTranslation(h, va, access);
  if (t === undefined) return { kind, ok: true, pa: hexOf(va), reason: 'no translation', steps: [] };
  const g = t as GuestTranslation;
  return {
    kind, ok: t.ok, pa: hexOf(t.pa), gpa: hexOf(g.gpa), level: t.level, reason: t.reason, fault: t.fault, guestPageFault: g.guestPageFault,
    steps: t.steps.map((x) => ({ stage: x.stage, level: x.level, pteAddr: hexOf(x.pteAddr)!, spa: hexOf(x.spa), pte: hexOf(x.pte)! })),
  };
}

const MODE_NAMES: Record<number, string> = { 0: 'Bare', 8: 'Sv39', 9: 'Sv48', 10: 'Sv57' };
const SIZE_NAMES = ['4 KiB', '2 MiB', '1 GiB', '512 GiB', '256 TiB'];

/** PTE flag letters, as `DAGUXWRV` with '-' for clear bits. */
function pteFlags(pte: number): string {
  return 'DAGUXWRV'.split('').map((c, i) => ((pte >>> (7 - i)) & 1 ? c : '-')).join('');
}

/**
 * One table page of hart h's `space`, decoded. The table's address is read through the G stage for 'vsatp' (its
 * addresses are guest-physical); everything is read without side effects.
 */
function pageTable(e: Engine, h: Hart, q: PageTablesArguments): PageTablesResult | string {
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
  for (let i = 0; i < n; i++) {
    const pte = dv.getBigUint64(i * 8, true);
    if (pte === 0n) continue;
    const lo = Number(pte & 0xffffffffn);
    const valid = (lo & 1) !== 0, leaf = (lo & 0xe) !== 0;
    const target = ((pte >> 10n) & ((1n << 44n) - 1n)) * 4096n;
    entries.push({
      index: i, pte: '0x' + pte.toString(16), valid, flags: pteFlags(lo), leaf, target: '0x' + target.toString(16),
      pageSize: valid && leaf ? SIZE_NAMES[level] : undefined,
      next: valid && !leaf && level > 0 ? { table: '0x' + target.toString(16), level: level - 1 } : undefined,
    });
  }
  return { mode: gstage ? MODE_NAMES[mode] + 'x4' : MODE_NAMES[mode], table: '0x' + table.toString(16), level, entries };
}

/** A memory reference: '0x…' or a decimal address. */
function parseAddress(ref: string): bigint | undefined {
  const s = ref.trim();
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < 1n << 64n ? v : undefined;
}

/** Validates the launch configuration: every bad attribute fails the launch with a message that names it. */
export function validate(a: LaunchArguments): EngineConfig {
  const str = (k: keyof LaunchArguments) => {
    const v = a[k];
    if (v !== undefined && typeof v !== 'string') throw new Error(`"${String(k)}" must be a string`);
    return v as string | undefined;
  };
  const int = (k: keyof LaunchArguments, min: number, max: number, dflt: number) => {
    const v = a[k];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Error(`"${String(k)}" must be an integer from ${min} to ${max}`);
    return v;
  };
  const program = str('program'), kernel = str('kernel'), bios = str('bios');
  if (program === undefined && kernel === undefined && (bios === undefined || bios === 'none' || bios === 'builtin')) {
    throw new Error('give "program" (an ELF), "kernel" or "bios"');
  }
  if (program !== undefined && kernel !== undefined) throw new Error('give either "program" or "kernel", not both');
  const mode = str('mode') ?? 'bare';
  if (mode !== 'bare' && mode !== 'vm') throw new Error(`"mode" must be "bare" or "vm" (got "${mode}")`);
  const mmu = str('mmu') ?? 'nested';
  if (mmu !== 'nested' && mmu !== 'shadow') throw new Error(`"mmu" must be "nested" or "shadow" (got "${mmu}")`);
  let memory = 128 << 20;
  if (a.memory !== undefined) {
    // A number is bytes; a string is a size with K/M/G (MiB without a unit, as the CLI's -m).
    const units: Record<string, number> = { '': 1 << 20, K: 1 << 10, M: 1 << 20, G: 1 << 30 };
    const m = typeof a.memory === 'string' ? /^(\d+)\s*([KMG]?)(?:i?B)?$/i.exec(a.memory) : null;
    memory = typeof a.memory === 'number' ? a.memory : m === null ? NaN : Number(m[1]) * units[m[2].toUpperCase()];
    if (!Number.isSafeInteger(memory) || memory < 1 << 20 || memory > 2048 << 20 || memory % 4096 !== 0) {
      throw new Error('"memory" must be 1M to 2G, a multiple of 4 KiB (e.g. "256M", or a number of bytes)');
    }
  }
  const harts = int('harts', 1, 8, 1), vms = int('vms', 1, 8, 1);
  if (mode === 'vm' && harts * vms > 8) throw new Error('"vms" × "harts" must be at most 8 (one hart per vCPU)');
  if (a.stopOnEntry !== undefined && typeof a.stopOnEntry !== 'boolean') throw new Error('"stopOnEntry" must be true or false');
  if (a.stepIntoInterrupts !== undefined && typeof a.stepIntoInterrupts !== 'boolean') {
    throw new Error('"stepIntoInterrupts" must be true or false');
  }
  return {
    program, kernel, bios, initrd: str('initrd'), append: str('append'), memory: mode === 'vm' && a.memory === undefined ? vms * 128 * (1 << 20) + (64 << 20) : memory,
    harts, mode, mmu, vms, stepIntoInterrupts: a.stepIntoInterrupts,
  };
}
