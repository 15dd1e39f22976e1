// The Debug Adapter Protocol session: maps DAP requests onto the engine and core's public API (the engine knows
// nothing of DAP): launch, threads (harts, or vCPUs in vm mode), source, instruction and function breakpoints
// (conditions, hit counts, logpoints), stack traces and locals from DWARF, line and instruction stepping,
// registers and CSRs, memory and disassembly in any address space, evaluate, and the vmscope/* requests
// (docs/dap.md).

import {
  BreakpointEvent, ContinuedEvent, Event, ExitedEvent, InitializedEvent, Logger, LoggingDebugSession, OutputEvent, Scope, Source,
  StackFrame, StoppedEvent, TerminatedEvent, Thread, logger,
} from '@vscode/debugadapter';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  Access, type CsrField, EXC_NAMES, FREG_NAMES, XREG_NAMES, pagingModeName, EXIT_HANDLING_NAMES, EXIT_REASON_IDS, EXIT_REASON_NAMES, type Hart, IRQ_NAMES, csrInfo, PRIV_NAMES, csrName, type ValueView, debugReadCsr,
  debugTranslate, debugWriteCsr, disassemble, viewVariable,
} from '../core';
import type {
  ConsoleEventBody, ConsoleInputArguments, FocusThreadArguments, ExitEventBody, ExitsArguments, ExitsResult, IommuArguments, PageTablesArguments,
  StateChangedEventBody, StatsResult, TlbArguments, TlbResult, TranslateArguments,
} from './protocol';
import { consoleCommand, exitJson, iommuView, vmsView } from './commands';
import { Engine, type EngineConfig, type EngineFrame, type EngineTrap, type StopReason } from './engine';
import { type LaunchArguments, validate } from './launch';
import { csrByName, evaluateExpression, parseHitCondition } from './expr';
import { memoryReference, pageTable, parseAddress, pteFlags, translateFor } from './inspect';
import { DataBreakpoints } from './dataBreakpoints';

export { LAUNCH_ATTRIBUTES } from './launch';
export type { LaunchArguments } from './launch';

/** What decides whether a breakpoint stops: its condition, hit count and log message, and the hits so far. */
interface BreakpointConditions { condition?: string; hitCondition?: string; logMessage?: string; hits: number }

/** A string attribute of a breakpoint, if it has text. */
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** A source breakpoint as the client set it, and where it resolved. */
interface SourceBreakpoint {
  id: number;
  path: string;
  line: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
  addresses: bigint[];
  /** The line the addresses belong to (the next line with code when the requested one has none). */
  actualLine?: number;
  /** `verified` as last reported to the client. */
  reported?: boolean;
}

/** The CSRs the CSR scope lists, grouped as a kernel or hypervisor developer reads them. */
const CSRS = [0x300, 0x301, 0x302, 0x303, 0x304, 0x305, 0x340, 0x341, 0x342, 0x343, 0x344, 0x34a, 0x34b, 0x30a,
  0x100, 0x104, 0x105, 0x140, 0x141, 0x142, 0x143, 0x144, 0x180, 0x14d,
  0x600, 0x602, 0x603, 0x604, 0x605, 0x606, 0x60a, 0x643, 0x644, 0x645, 0x64a, 0x680,
  0x200, 0x204, 0x205, 0x240, 0x241, 0x242, 0x243, 0x244, 0x280, 0x24d, 0xc01, 0xb00, 0xb02];
/** Variables references: hart h's registers are 1 + 2h, its CSRs 2 + 2h, its FP registers FP_REF_BASE + h. */
const regsRef = (hart: number) => 1 + 2 * hart, csrsRef = (hart: number) => 2 + 2 * hart;
const FP_REF_BASE = 9_000;
const fpRef = (hart: number) => FP_REF_BASE + hart;
const fpHartOf = (ref: number) => (ref >= FP_REF_BASE && ref < FP_REF_BASE + 8 ? ref - FP_REF_BASE : undefined);
const ROUNDING = ['RNE', 'RTZ', 'RDN', 'RUP', 'RMM', '5?', '6?', 'DYN'];

/** An FP register: its bits, and the value as a double — or as a float when NaN-boxed (upper 32 bits all ones). */
function fpText(bits: bigint): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, bits);
  const boxed = (bits >> 32n) === 0xffffffffn;
  const v = boxed ? dv.getFloat32(4) : dv.getFloat64(0);
  return `${hex(bits)} (${boxed ? 'float' : 'double'} ${v})`;
}

function fflagsText(f: number): string {
  const names = ['NX', 'UF', 'OF', 'DZ', 'NV'].filter((_, i) => (f >> i) & 1);
  return names.length === 0 ? 'none' : names.join(' ');
}

/** One decoded field of CSR `num` whose value is v: its bits, and names for the encodings a reader looks up. */
function fieldView(num: number, f: CsrField, v: bigint): ValueView {
  const width = BigInt(f.hi - f.lo + 1);
  const x = (v >> BigInt(f.lo)) & ((1n << width) - 1n);
  let text = width > 8n ? '0x' + x.toString(16) : x.toString();
  const n = Number(x);
  if (f.name === 'MODE' && (num === 0x180 || num === 0x280 || num === 0x680)) {
    text += ` (${pagingModeName(n, num === 0x680) ?? 'reserved'})`;
  } else if (f.name === 'PPN') text += ` (root at 0x${(x * 4096n).toString(16)})`;
  else if (f.name === 'MPP') text += ` (${['U', 'S', 'reserved', 'M'][n]})`;
  else if (f.name === 'SPP') text += ` (${['U', 'S'][n]})`;
  else if (f.name === 'FS' || f.name === 'VS' || f.name === 'XS') text += ` (${['Off', 'Initial', 'Clean', 'Dirty'][n]})`;
  else if (f.name === 'Exception Code') {
    const irq = (v >> 63n) === 1n;
    text += ` (${(irq ? IRQ_NAMES : EXC_NAMES)[n] ?? 'reserved'})`;
  } else if (f.name === 'MODE' && f.hi === 1) text += ` (${['direct', 'vectored'][n] ?? 'reserved'})`;
  return { name: f.name, value: text, type: `bits ${f.hi}${f.hi !== f.lo ? `:${f.lo}` : ''}: ${f.desc}` };
}

const hex = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');

/** Exception filters per trap cause: every exception and interrupt the harts implement. */
const TRAP_FILTERS = [
  ...Object.entries(EXC_NAMES).map(([n, name]) => ({ filter: `trap:exc:${n}`, label: `Trap: ${name} (${n})`, default: false })),
  ...Object.entries(IRQ_NAMES).map(([n, name]) => ({ filter: `trap:irq:${n}`, label: `Trap: ${name} (interrupt ${n})`, default: false })),
];

/** A trap in words: `Trap: load page fault (13) on hart 0 from U to S at pc 0x…, tval 0x…`. */
function trapText(t: EngineTrap): string {
  const name = (t.interrupt ? IRQ_NAMES : EXC_NAMES)[t.cause] ?? `cause ${t.cause}`;
  const mode = (p: number) => PRIV_NAMES[p] ?? String(p);
  return `Trap: ${name} (${t.interrupt ? 'interrupt ' : ''}${t.cause}) on hart ${t.hart} from ${mode(t.fromPriv)} to ${mode(t.toPriv)} ` +
    `at pc 0x${t.epc.toString(16)}${t.interrupt ? '' : `, tval 0x${t.tval.toString(16)}`}`;
}
/** Variables references of locals and their children start here (handed out per stop). */
const FIRST_HANDLE = 10_000;

export class VmscopeSession extends LoggingDebugSession {
  private engine: Engine | undefined;
  /** Breakpoints as the client set them (kept until the engine exists: they arrive before configurationDone). */
  private instructionBps: ({ id: number; va: bigint; reported?: boolean } & BreakpointConditions)[] = [];
  private functionBps: ({ id: number; name: string; reported?: boolean } & BreakpointConditions)[] = [];
  private exitFilter = 0;
  private iommuFilter = false;
  private trapFilters: string[] = [];
  /** The last stop's reason (exceptionInfo describes an IOMMU fault or a VM exit). */
  private lastStop: StopReason | undefined;
  /** The launch arguments (restart relaunches with them). */
  private launchArgs: LaunchArguments | undefined;
  private lastStateEvent = 0;
  private exitsReported = 0;
  /** Source breakpoints by file path (as the client names it). */
  private sourceBps = new Map<string, SourceBreakpoint[]>();
  private nextBreakpointId = 1;
  /** Per stop: each hart's stack, and the children of values shown (variables references from FIRST_HANDLE). */
  private stacks = new Map<number, EngineFrame[]>();
  private handles = new Map<number, () => ValueView[]>();
  private configured: () => void = () => undefined;
  /** Data breakpoints (dataBreakpoints.ts). */
  private readonly dataBps = new DataBreakpoints({
    engine: () => this.engine,
    sendEvent: (ev) => this.sendEvent(ev),
    variable: (ref, name) => (ref >= FIRST_HANDLE ? this.handles.get(ref)?.().find((v) => v.name === name) : undefined),
    evaluate: (h, text) => { const v = this.evaluate(h, 0, text); return typeof v === 'string' ? v : v.value; },
  });
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
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsLoadedSourcesRequest: true,
      supportsModulesRequest: true,
      supportsExceptionInfoRequest: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      supportsWriteMemoryRequest: true,
      supportsSetVariable: true,
      supportsRestartRequest: true,
      // One filter per VM-exit reason (stop when a guest exits to its hypervisor for that reason), and IOMMU faults.
      exceptionBreakpointFilters: [
        ...EXIT_REASON_IDS.map((id, i) => ({ filter: `exit:${id}`, label: `VM exit: ${EXIT_REASON_NAMES[i]}`, default: false })),
        { filter: 'iommu-fault', label: 'IOMMU fault (a device DMA refused)', default: false },
        ...TRAP_FILTERS,
      ],
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
      if (args.trace === true) logger.setup(Logger.LogLevel.Verbose, false);
      // The guest's console: the Debug Console, or vmscope/console events for a terminal the editor opens.
      const toTerminal = args.console === 'terminal';
      this.engine = new Engine(cfg, (text) => this.sendEvent(toTerminal
        ? new Event('vmscope/console', { text } satisfies ConsoleEventBody) : new OutputEvent(text, 'stdout')));
      this.launchArgs = args;
    } catch (e) {
      this.sendErrorResponse(response, 1001, `vmscope: ${(e as Error).message}`);
      return;
    }
    const engine = this.engine;
    engine.sourceRoots = [process.cwd()];
    engine.breakpointFilter = (h, pc) => this.breakpointHit(h, pc);
    engine.watchpointFilter = () => this.dataBps.shouldStop(engine.board.machine.watchpointHit());
    for (const w of engine.moduleWarnings) this.sendEvent(new OutputEvent(`vmscope: DWARF: ${w}\n`, 'console'));
    engine.on('stopped', (reason: StopReason) => {
      this.resetStopState();
      this.lastStop = reason;
      this.sendState(false);
      this.refreshVerified();
      this.dataBps.refresh();
      if (reason === 'data-breakpoint') { this.sendEvent(this.dataBps.stoppedEvent()); return; }
      const r = reason === 'halted' ? 'pause' : reason === 'exit' || reason === 'iommu-fault' || reason === 'trap' ? 'exception'
        : reason === 'guest-entry' ? 'step' : reason;
      const hart = reason === 'breakpoint' || reason === 'exit' || reason === 'guest-entry' || reason === 'iommu-fault' || reason === 'trap'
        || reason === 'step' ? engine.stoppedHart : 0;
      const ev: DebugProtocol.StoppedEvent = new StoppedEvent(r, hart + 1);
      if (reason === 'guest-entry') ev.body.description = 'back in the guest: where the exit handling resumes it';
      ev.body.allThreadsStopped = true;
      if (reason === 'halted') ev.body.description = 'every hart waits for an interrupt that cannot arrive';
      if (reason === 'exit') {
        const x = engine.board.machine.exits.list(engine.board.machine.exits.total - 1, 1)[0];
        ev.body.description = `VM exit: ${EXIT_REASON_NAMES[x.reason]} (cause ${x.cause}) at 0x${x.pc.toString(16)}`;
        ev.body.text = EXIT_REASON_IDS[x.reason];
      }
      const t = engine.lastTrap;
      if (reason === 'trap' && t !== undefined) {
        ev.body.description = trapText(t);
        ev.body.text = `trap:${t.interrupt ? 'irq:' : 'exc:'}${t.cause}`;
      }
      const f = engine.lastIommuFault;
      if (reason === 'iommu-fault' && f !== undefined) {
        ev.body.description = `IOMMU fault: device 0x${f.fault.deviceId.toString(16)}${f.vm !== undefined ? ` (vm${f.vm})` : ''} ` +
          `DMA at 0x${f.fault.iotval.toString(16)}: ${f.fault.causeName}`;
        ev.body.text = 'iommu-fault';
      }
      this.sendEvent(ev);
    });
    engine.on('running', () => this.sendState(true));
    engine.on('exited', (code: number) => {
      this.sendEvent(new ExitedEvent(code));
      this.sendEvent(new TerminatedEvent());
    });
    this.sendResponse(response);
    // Source breakpoints set before the program was loaded resolve now.
    for (const bps of this.sourceBps.values()) {
      for (const bp of bps) {
        this.resolveSourceBreakpoint(bp);
        const body = this.breakpointBody(bp);
        bp.reported = body.verified;
        this.sendEvent(new BreakpointEvent('changed', body));
      }
    }
    this.refreshVerified();
    this.applyBreakpoints();
    await this.configurationDone;
    this.applyBreakpoints();
    if (args.stopOnEntry === true) engine.emit('stopped', 'entry');
    else engine.continue();
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const file = args?.source?.path;
    if (typeof file !== 'string' || file === '') {
      this.sendErrorResponse(response, 1020, 'setBreakpoints: the source needs a "path"');
      return;
    }
    const list: DebugProtocol.SourceBreakpoint[] = Array.isArray(args.breakpoints) ? args.breakpoints : (args.lines ?? []).map((line) => ({ line }));
    const old = this.sourceBps.get(file) ?? [];
    const bps: SourceBreakpoint[] = list.filter((b) => Number.isInteger(b?.line)).map((b) => {
      const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
      const same = old.find((o) => o.line === b.line && o.condition === str(b.condition) && o.hitCondition === str(b.hitCondition));
      const bp: SourceBreakpoint = { id: same?.id ?? this.nextBreakpointId++, path: file, line: b.line, condition: str(b.condition),
        hitCondition: str(b.hitCondition), logMessage: str(b.logMessage), hits: same?.hits ?? 0, addresses: [] };
      this.resolveSourceBreakpoint(bp);
      return bp;
    });
    this.sourceBps.set(file, bps);
    this.applyBreakpoints();
    response.body = { breakpoints: bps.map((bp) => { const b = this.breakpointBody(bp); bp.reported = b.verified; return b; }) };
    this.sendResponse(response);
  }

  private resolveSourceBreakpoint(bp: SourceBreakpoint): void {
    const r = this.engine?.resolveLine(bp.path, bp.line);
    bp.addresses = r?.addresses ?? [];
    bp.actualLine = r?.line;
  }

  private breakpointBody(bp: SourceBreakpoint): DebugProtocol.Breakpoint {
    const source = new Source(path.basename(bp.path), bp.path);
    if (this.engine === undefined) return { id: bp.id, verified: false, line: bp.line, source, message: 'resolved when the program is loaded' };
    const hitError = bp.hitCondition !== undefined && parseHitCondition(bp.hitCondition) === undefined;
    if (hitError) return { id: bp.id, verified: false, line: bp.line, source, message: `bad hit count "${bp.hitCondition}" (use 5, >= 3, > 2, % 2)` };
    if (bp.addresses.length === 0) return { id: bp.id, verified: false, line: bp.line, source, message: 'no code for this line in the loaded DWARF' };
    const ref = '0x' + bp.addresses[0].toString(16);
    // Set at its addresses now; verified once one of them is mapped (a user process's line before the process exists is not).
    if (!bp.addresses.some((a) => this.isMapped(a))) {
      return { id: bp.id, verified: false, line: bp.actualLine, source, instructionReference: ref, message: 'not mapped yet: set, and verified once its code is mapped' };
    }
    return { id: bp.id, verified: true, line: bp.actualLine, source, instructionReference: ref };
  }

  /** Whether some hart could fetch an instruction at va now: it translates (read without side effects) to RAM. */
  private isMapped(va: bigint): boolean {
    const e = this.engine;
    if (e === undefined) return false;
    const lo = Number(va & 0xffffffffn) | 0, hi = Number((va >> 32n) & 0xffffffffn) | 0;
    const ram = e.board.machine.ram;
    return e.harts.some((h) => { const pa = debugTranslate(h, lo, hi, Access.FETCH); return pa >= 0 && ram.offsetOf(pa, 2) >= 0; });
  }

  /** An instruction breakpoint's state: verified once its address is mapped (it stops there from then on). */
  private addressBody(id: number, va: bigint): DebugProtocol.Breakpoint {
    const ref = '0x' + va.toString(16);
    if (this.engine === undefined) return { id, verified: false, instructionReference: ref, message: 'resolved when the program is loaded' };
    return this.isMapped(va) ? { id, verified: true, instructionReference: ref }
      : { id, verified: false, instructionReference: ref, message: 'not mapped yet: set, and verified once its code is mapped' };
  }

  private functionBody(bp: { id: number; name: string }): DebugProtocol.Breakpoint {
    const { id, name } = bp;
    if (this.engine === undefined) return { id, verified: false, message: 'resolved when the program is loaded' };
    const va = this.engine.board.symbolAddress(name);
    return va === undefined ? { id, verified: false, message: `no function '${name}' in the loaded symbols` } : this.addressBody(id, va);
  }

  /** At a stop: breakpoints whose code got mapped (or unmapped) since they were last reported get a `breakpoint` event. */
  private refreshVerified(): void {
    const report = (bp: { reported?: boolean }, body: DebugProtocol.Breakpoint) => {
      if (body.verified !== bp.reported) { bp.reported = body.verified; this.sendEvent(new BreakpointEvent('changed', body)); }
    };
    for (const bps of this.sourceBps.values()) for (const bp of bps) report(bp, this.breakpointBody(bp));
    for (const bp of this.instructionBps) report(bp, this.addressBody(bp.id, bp.va));
    for (const bp of this.functionBps) report(bp, this.functionBody(bp));
  }

  /**
   * A hart reached a breakpoint address: stop unless only source breakpoints are there and none of them says to
   * (condition false, hit count not reached, or a logpoint, which prints its message).
   */
  private breakpointHit(h: Hart, pc: bigint): boolean {
    const e = this.engine!;
    let stop = false;
    for (const bp of this.instructionBps) if (bp.va === pc && this.conditionsSay(h, bp)) stop = true;
    for (const bp of this.functionBps) if (e.board.symbolAddress(bp.name) === pc && this.conditionsSay(h, bp)) stop = true;
    for (const bps of this.sourceBps.values()) {
      for (const bp of bps) if (bp.addresses.includes(pc) && this.conditionsSay(h, bp)) stop = true;
    }
    this.resetStopState();
    return stop;
  }

  /**
   * Whether a breakpoint reached by hart h stops: its condition holds (a condition that cannot be evaluated stops and
   * says why), then its hit count (hits are counted when the condition holds) — and a logpoint prints its message
   * instead of stopping.
   */
  private conditionsSay(h: Hart, bp: BreakpointConditions): boolean {
    if (bp.condition !== undefined) {
      const v = this.evaluate(h, 0, bp.condition);
      if (typeof v === 'string') {
        this.sendEvent(new OutputEvent(`vmscope: breakpoint condition "${bp.condition}": ${v}\n`, 'console'));
        return true;
      }
      if (v.value === 0n) return false;
    }
    bp.hits++;
    const hc = bp.hitCondition !== undefined ? parseHitCondition(bp.hitCondition) : undefined;
    if (hc !== undefined && !hc(bp.hits)) return false;
    if (bp.logMessage === undefined) return true;
    this.resetStopState();
    const text = bp.logMessage.replace(/\{([^{}]+)\}/g, (_, x: string) => {
      const v = this.evaluate(h, 0, x);
      return typeof v === 'string' ? `<${v}>` : v.text;
    });
    const ev: DebugProtocol.OutputEvent = new OutputEvent(text + '\n', 'console');
    const top = this.stackOf(h)[0];
    if (top?.source !== undefined) {
      ev.body.source = new Source(path.basename(top.source.file), top.source.file);
      ev.body.line = top.source.line;
    }
    this.sendEvent(ev);
    return false;
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse,
    args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    const list = Array.isArray(args?.breakpoints) ? args.breakpoints : [];
    const bps: DebugProtocol.Breakpoint[] = [];
    const old = this.instructionBps;
    this.instructionBps = [];
    for (const b of list) {
      const a = typeof b?.instructionReference === 'string' ? parseAddress(b.instructionReference) : undefined;
      const va = a === undefined ? undefined : a + BigInt(Number.isInteger(b.offset) ? b.offset! : 0);
      if (va === undefined || (va & 1n) !== 0n) { bps.push({ verified: false, message: 'not an instruction address' }); continue; }
      // It stops on any instruction fetched at this virtual address, mapped now or later; verified once it is mapped.
      const same = old.find((o) => o.va === va && o.condition === str(b.condition) && o.hitCondition === str(b.hitCondition));
      const bp = { id: same?.id ?? this.nextBreakpointId++, va, reported: undefined as boolean | undefined,
        condition: str(b.condition), hitCondition: str(b.hitCondition), hits: same?.hits ?? 0 };
      this.instructionBps.push(bp);
      const body = this.addressBody(bp.id, va);
      bp.reported = body.verified;
      bps.push(body);
    }
    this.applyBreakpoints();
    response.body = { breakpoints: bps };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const list = Array.isArray(args?.breakpoints) ? args.breakpoints : [];
    const old = this.functionBps;
    this.functionBps = list.map((b) => {
      const name = String(b?.name ?? ''), condition = str(b?.condition), hitCondition = str(b?.hitCondition);
      const same = old.find((o) => o.name === name);
      const kept = same !== undefined && same.condition === condition && same.hitCondition === hitCondition;
      return { id: same?.id ?? this.nextBreakpointId++, name, condition, hitCondition, hits: kept ? same.hits : 0 };
    });
    response.body = { breakpoints: this.functionBps.map((bp) => { const b = this.functionBody(bp); bp.reported = b.verified; return b; }) };
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
    this.iommuFilter = filters.includes('iommu-fault');
    this.trapFilters = filters.map(String).filter((f) => f.startsWith('trap:')).map((f) => f.slice(5));
    this.engine?.setExitFilter(mask);
    this.engine?.setTrapFilter(this.trapFilters);
    if (this.engine !== undefined) this.engine.stopOnIommuFault = this.iommuFilter;
    response.body = { breakpoints: filters.map(() => ({ verified: true })) };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const t = this.engine?.lastTrap;
    if (this.lastStop === 'trap' && t !== undefined) {
      response.body = { exceptionId: `trap:${t.interrupt ? 'irq:' : 'exc:'}${t.cause}`, description: trapText(t), breakMode: 'always' };
      this.sendResponse(response);
      return;
    }
    const f = this.engine?.lastIommuFault;
    if (this.lastStop === 'iommu-fault' && f !== undefined) {
      const x = f.fault;
      response.body = {
        exceptionId: 'iommu-fault',
        description: `IOMMU fault #${x.seq}: ${x.causeName} (cause ${x.cause}); device 0x${x.deviceId.toString(16)}` +
          `${f.vm !== undefined ? ` of vm${f.vm}` : ''}, ${x.ttyp === 3 ? 'write' : x.ttyp === 1 ? 'execute' : 'read'} at IOVA 0x${x.iotval.toString(16)}` +
          `${x.iotval2 !== 0 ? `, iotval2 0x${x.iotval2.toString(16)}` : ''}${x.processId >= 0 ? `, process ${x.processId}` : ''}; ${x.reason}; record ${x.record}`,
        breakMode: 'always',
      };
      this.sendResponse(response);
      return;
    }
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
    for (const bp of this.functionBps) { const va = e.board.symbolAddress(bp.name); if (va !== undefined) fns.push(va); }
    const lines: bigint[] = [];
    for (const bps of this.sourceBps.values()) for (const bp of bps) lines.push(...bp.addresses);
    e.setBreakpoints([...new Set([...this.instructionBps.map((b) => b.va), ...fns, ...lines])]);
    e.setExitFilter(this.exitFilter);
    e.stopOnIommuFault = this.iommuFilter;
    e.setTrapFilter(this.trapFilters);
    this.dataBps.apply();
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    response.body = this.dataBps.info(args);
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    response.body = { breakpoints: this.dataBps.set(args) };
    this.sendResponse(response);
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
    const frames = this.stackOf(h);
    const mode = `${h.virt ? 'V' : ''}${PRIV_NAMES[h.priv]}`;
    const startFrame = Number.isInteger(args.startFrame) ? args.startFrame! : 0;
    const levels = Number.isInteger(args.levels) && args.levels! > 0 ? args.levels! : frames.length;
    response.body = {
      stackFrames: frames.slice(startFrame, startFrame + levels).map((f, k) => {
        const i = startFrame + k;
        const sf: DebugProtocol.StackFrame = new StackFrame(h.id * 1000 + i, i === 0 ? `${f.name} [${mode}]` : f.name);
        sf.instructionPointerReference = '0x' + f.pc.toString(16);
        let line = f.source?.line;
        // stopped on a source breakpoint: its line (the first rows of a function often name the '{' line)
        if (i === 0 && f.source !== undefined) {
          for (const bps of this.sourceBps.values()) {
            const bp = bps.find((b) => b.addresses.includes(f.pc) && b.actualLine !== undefined);
            if (bp !== undefined && this.engine!.sourceAt(h, f.pc)?.file === f.source.file) line = bp.actualLine;
          }
        }
        if (f.source !== undefined && line !== undefined && line > 0) {
          sf.source = new Source(path.basename(f.source.file), f.source.file);
          sf.line = line;
          sf.column = Math.max(1, f.source.column);
        }
        if (f.module !== undefined) sf.moduleId = f.module.id;
        return sf;
      }),
      totalFrames: frames.length,
    };
    this.sendResponse(response);
  }

  /** Hart h's stack at this stop (computed once per stop). */
  private stackOf(h: Hart): EngineFrame[] {
    let s = this.stacks.get(h.id);
    if (s === undefined) {
      s = this.engine?.stack(h) ?? [];
      if (s.length === 0) s = [{ pc: h.getPc(), regs: [], depth: 0, name: this.engine?.describe(h.getPc()) || hex(h.getPc()), linkPc: h.getPc() }];
      this.stacks.set(h.id, s);
    }
    return s;
  }

  /** Forgets what was computed for the last stop (stacks, value handles). */
  private resetStopState(): void {
    this.stacks.clear();
    this.handles.clear();
  }

  private frameOf(frameId: number): { h: Hart; frame: EngineFrame | undefined } | undefined {
    const h = this.engine?.harts[Math.floor(frameId / 1000)];
    if (h === undefined) return undefined;
    return { h, frame: this.stackOf(h)[frameId % 1000] };
  }

  /** The views of a frame's parameters and locals (empty without DWARF variables at its pc). */
  private localsOf(h: Hart, f: EngineFrame | undefined): ValueView[] {
    const e = this.engine!;
    if (f?.inline === undefined || f.module === undefined) return [];
    const d = f.module.dwarf, pc = f.depth > 0 ? f.linkPc - 1n : f.linkPc;
    const read = (a: bigint, size: number) => e.readValue(h, a, size);
    const reg = (n: number) => (n === 0 ? 0n : f.regs[n]);
    return d.variables(f.inline).map((v) => viewVariable(v.name, v.type,
      d.locate(v, f.inline!, pc, { reg, read, cfa: () => e.cfaOf(h, f) }), reg, (a, n) => e.readVirt(h, a, n)));
  }

  private handleFor(children: () => ValueView[]): number {
    const ref = FIRST_HANDLE + this.handles.size;
    this.handles.set(ref, children);
    return ref;
  }

  private toVariable(v: ValueView): DebugProtocol.Variable {
    return {
      name: v.name, value: v.value, type: v.type, variablesReference: v.children !== undefined ? this.handleFor(v.children) : 0,
      memoryReference: v.address !== undefined ? '0x' + v.address.toString(16) : undefined,
    };
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const hart = Math.floor(args.frameId / 1000);
    const scopes: DebugProtocol.Scope[] = [];
    const at = this.frameOf(args.frameId);
    if (at !== undefined && at.frame?.inline !== undefined && at.frame.inline.scopes.length > 0) {
      const locals = this.localsOf(at.h, at.frame);
      if (locals.length > 0) scopes.push(new Scope('Locals', this.handleFor(() => locals), false));
    }
    scopes.push(new Scope('Registers', regsRef(hart), false), new Scope('Floating point', fpRef(hart), true),
      new Scope('CSRs', csrsRef(hart), true));
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    if (args.variablesReference >= FIRST_HANDLE) {
      const children = this.handles.get(args.variablesReference);
      if (children === undefined) { this.sendErrorResponse(response, 1003, `no variables ${args.variablesReference} (values are kept until the next run)`); return; }
      response.body = { variables: children().map((v) => this.toVariable(v)) };
      this.sendResponse(response);
      return;
    }
    const fpHart = fpHartOf(args.variablesReference);
    const hart = fpHart ?? Math.floor((args.variablesReference - 1) / 2);
    const h = this.engine?.harts[hart];
    if (h === undefined) { this.sendErrorResponse(response, 1003, `no variables ${args.variablesReference}`); return; }
    const vars: DebugProtocol.Variable[] = [];
    if (fpHart !== undefined) {
      for (let i = 0; i < 32; i++) vars.push({ name: `${FREG_NAMES[i]} (f${i})`, value: fpText(h.getF(i)), variablesReference: 0 });
      const fcsr = debugReadCsr(h, 0x003) ?? 0n;
      vars.push({ name: 'fcsr', value: `0x${fcsr.toString(16)} (frm ${ROUNDING[Number(fcsr >> 5n) & 7]}, fflags ${fflagsText(Number(fcsr & 31n))})`, variablesReference: 0 });
    } else if ((args.variablesReference - 1) % 2 === 0) {
      vars.push({ name: 'pc', value: hex(h.getPc()), variablesReference: 0, memoryReference: '0x' + h.getPc().toString(16) });
      for (let i = 1; i < 32; i++) vars.push({ name: `${XREG_NAMES[i]} (x${i})`, value: hex(h.getX(i)), variablesReference: 0 });
      vars.push({ name: 'privilege', value: `${h.virt ? 'V' : ''}${PRIV_NAMES[h.priv]}`, variablesReference: 0 });
    } else {
      // Each CSR with known fields expands to them, decoded.
      for (const n of CSRS) {
        const v = debugReadCsr(h, n);
        if (v === undefined) continue;
        const info = csrInfo(n);
        const fields = info?.fields ?? [];
        vars.push({
          name: csrName(n), value: hex(v), type: info?.desc,
          variablesReference: fields.length === 0 ? 0 : this.handleFor(() => fields.map((f) => fieldView(n, f, v))),
        });
      }
    }
    response.body = { variables: vars };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.resetStopState();
    this.engine?.continue();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    this.engine?.pause();
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.step(response, args?.granularity === 'instruction' ? undefined : 'over', args?.threadId);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.step(response, args?.granularity === 'instruction' ? undefined : 'into', args?.threadId);
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.step(response, 'out', args?.threadId);
  }

  /** A line step (where the pc has line information; an instruction step elsewhere) or an instruction step. */
  /** Steps thread `threadId` (its hart; with several harts the others run as the machine's schedule has them). */
  private step(response: DebugProtocol.Response, kind: 'over' | 'into' | 'out' | undefined, threadId?: number): void {
    this.sendResponse(response);
    this.sendEvent(new ContinuedEvent(threadId ?? 1, true));
    this.resetStopState();
    const hart = Number.isInteger(threadId) ? threadId! - 1 : undefined;
    if (kind === undefined) this.engine?.stepInstruction(hart);
    else this.engine?.stepLine(kind, hart);
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    response.body = { sources: (this.engine?.sourceFiles() ?? []).map((f) => new Source(path.basename(f), f)) };
    this.sendResponse(response);
  }

  /** `modules` (dispatched through customRequest: the base class has no handler for it): the ELFs with DWARF. */
  private modulesRequest(response: DebugProtocol.ModulesResponse): void {
    const modules = (this.engine?.modules ?? []).map((m): DebugProtocol.Module => ({
      id: m.id, name: m.name, path: m.path, symbolStatus: m.dwarf.hasLines ? 'DWARF loaded' : 'call frame information only',
      addressRange: m.offset !== 0n ? '0x' + m.offset.toString(16) : undefined,
      version: m.vm !== undefined ? `vm${m.vm}` : undefined,
    }));
    response.body = { modules, totalModules: modules.length };
    this.sendResponse(response);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const ref = memoryReference(this.engine!, args.memoryReference);
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
    const ref = memoryReference(this.engine!, args.memoryReference);
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
    const frameId = args.frameId ?? 0;
    const h = this.engine?.harts[Math.floor(frameId / 1000)];
    const text = String(args.expression ?? '').trim();
    // A variable by name shows as in the Locals scope (members and elements expandable).
    const local = h !== undefined ? this.localsOf(h, this.stackOf(h)[frameId % 1000]).find((v) => v.name === text) : undefined;
    if (local !== undefined) {
      const v = this.toVariable(local);
      response.body = { result: v.value, type: v.type, variablesReference: v.variablesReference, memoryReference: v.memoryReference };
      this.sendResponse(response);
      return;
    }
    const cmd = h !== undefined && this.engine !== undefined && args.context !== 'hover' && args.context !== 'watch'
      ? consoleCommand(this.engine, h, text) : undefined;
    if (cmd !== undefined) {
      response.body = { result: cmd, variablesReference: 0 };
      this.sendResponse(response);
      return;
    }
    const r = h === undefined ? 'no program is running' : this.evaluate(h, frameId % 1000, text);
    if (typeof r === 'string') {
      this.sendErrorResponse(response, 1006, `cannot evaluate '${text}': ${r} (registers, CSRs, locals, numbers, C operators, *(u32 *)addr)`);
      return;
    }
    response.body = { result: hex(r.value), variablesReference: 0 };
    this.sendResponse(response);
  }

  /**
   * Evaluates a C-like expression on hart h in frame `frameIndex`: numbers, registers (pc, x5, a0, fp), CSRs by
   * name, scalar locals and parameters, memory (`*addr` reads 8 bytes, `*(u32 *)addr` 4), with C's operators.
   * Nothing is changed by evaluating. Returns the value and its text for logpoints, or why it failed.
   */
  private evaluate(h: Hart, frameIndex: number, text: string): { value: bigint; text: string } | string {
    const e = this.engine!;
    const frame = this.stackOf(h)[frameIndex];
    let locals: ValueView[] | undefined;
    const ident = (name: string): bigint | undefined => {
      if (frameIndex === 0 || frame === undefined) {
        if (name === 'pc') return h.getPc();
        const x = name === 'fp' ? 8 : XREG_NAMES.indexOf(name), xn = /^x(\d+)$/.exec(name);
        if (x >= 0) return h.getX(x);
        if (xn !== null && Number(xn[1]) < 32) return h.getX(Number(xn[1]));
      } else {
        if (name === 'pc') return frame.pc;
        const x = name === 'fp' ? 8 : XREG_NAMES.indexOf(name), xn = /^x(\d+)$/.exec(name);
        const n = x >= 0 ? x : xn !== null && Number(xn[1]) < 32 ? Number(xn[1]) : -1;
        if (n >= 0) return frame.regs[n];
      }
      const csr = csrByName().get(name);
      if (csr !== undefined) return debugReadCsr(h, csr);
      // Where the hart is (to scope a breakpoint: `vm == 1`, `asid == 5`, `virt && priv == 1`, `hart == 0`).
      const where = this.whereIdent(h, name);
      if (where !== undefined) return where;
      locals ??= this.localsOf(h, frame);
      const l = locals.find((v) => v.name === name);
      if (l !== undefined && /^-?\d+|^0x[0-9a-f]+|^true|^false/.test(l.value)) {
        const m = /^(-?\d+|0x[0-9a-f]+|true|false)/.exec(l.value)!;
        return m[1] === 'true' ? 1n : m[1] === 'false' ? 0n : BigInt.asUintN(64, BigInt(m[1]));
      }
      return undefined;
    };
    const readIn = (ref: string, size: number): bigint | undefined => {
      const m = memoryReference(e, ref);
      if (typeof m === 'string') return undefined;
      let v = 0n;
      for (let k = size - 1; k >= 0; k--) {
        const b = m.read(m.base + BigInt(k));
        if (b < 0) return undefined;
        v = (v << 8n) | BigInt(b);
      }
      return v;
    };
    const value = evaluateExpression(text, ident, (a, size) => e.readValue(h, a, size), readIn);
    if (typeof value === 'string') return value;
    const single = /^[A-Za-z_]\w*$/.test(text);
    const isRegister = single && (text === 'pc' || XREG_NAMES.includes(text) || /^x\d+$/.test(text) || csrByName().has(text));
    let out = isRegister ? '0x' + value.toString(16) : BigInt.asIntN(64, value).toString();
    if (single && !isRegister) { locals ??= this.localsOf(h, frame); out = locals.find((v) => v.name === text)?.value ?? out; }
    return { value, text: out };
  }

  /**
   * Identifiers that say where hart h is: `hart`, `vm` and `vcpu` (vm mode; -1 outside a VM), `priv` (0 U, 1 S, 3 M),
   * `virt` (1 in VS/VU), `asid` (of the address space the hart runs in now), `vmid` (hgatp.VMID).
   */
  private whereIdent(h: Hart, name: string): bigint | undefined {
    const v = this.engine?.vmm?.vcpuOf(h);
    const csr = (n: number) => debugReadCsr(h, n) ?? 0n;
    switch (name) {
      case 'hart': return BigInt(h.id);
      case 'vm': return v !== undefined ? BigInt(v.vm.id) : BigInt.asUintN(64, -1n);
      case 'vcpu': return v !== undefined ? BigInt(v.index) : BigInt.asUintN(64, -1n);
      case 'priv': return BigInt(h.priv);
      case 'virt': return h.virt ? 1n : 0n;
      case 'asid': return (csr(h.virt ? 0x280 : 0x180) >> 44n) & 0xffffn;
      case 'vmid': return (csr(0x680) >> 44n) & 0x3fffn;
      default: return undefined;
    }
  }

  /** The vmscope/* requests (debug-adapter/protocol.ts). */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === 'modules') { this.modulesRequest(response as DebugProtocol.ModulesResponse); return; }
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
          exits: m.exits.list(from ?? Math.max(0, m.exits.total - count), count).map(exitJson),
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
            global: x.global, flags: pteFlags(x.pte), fill: x.fill, filledBy: x.filledBy,
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
      case 'vmscope/iommu': {
        const body = iommuView(e, a as IommuArguments);
        if (typeof body === 'string') { this.sendErrorResponse(response, 1017, body); return; }
        response.body = body;
        break;
      }
      case 'vmscope/vms':
        response.body = vmsView(e);
        break;
      case 'vmscope/consoleInput': {
        const text = (a as unknown as ConsoleInputArguments).text;
        if (typeof text !== 'string') { this.sendErrorResponse(response, 1018, 'vmscope/consoleInput: give "text"'); return; }
        e.consoleInput(text);
        break;
      }
      case 'vmscope/focusThread': {
        // Focuses a thread in the client (DAP has no request for it): a stopped event for that thread, sent while the
        // machine is stopped (the client asks only then); nothing runs.
        const id = (a as unknown as FocusThreadArguments).threadId;
        if (!Number.isInteger(id) || e.harts[id - 1] === undefined) { this.sendErrorResponse(response, 1019, 'vmscope/focusThread: no such thread'); return; }
        this.sendResponse(response);
        const ev: DebugProtocol.StoppedEvent = new StoppedEvent('pause', id);
        Object.assign(ev.body, { allThreadsStopped: true, preserveFocusHint: false, text: 'focus', description: 'focused from the editor' });
        this.sendEvent(ev);
        return;
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

  /** vmscope/stateChanged (at most every 250 ms while running, and at every stop), with the VM exits since the last
   *  one as vmscope/exit. */
  private sendState(running: boolean): void {
    const e = this.engine;
    if (e === undefined) return;
    const now = Date.now();
    if (running && now - this.lastStateEvent < 250) return;
    this.lastStateEvent = now;
    const m = e.board.machine;
    const body: StateChangedEventBody = { running, instructions: m.stats().instret, exits: m.exits.total, iommuFaults: e.iommuFaults.length };
    this.sendEvent(new Event('vmscope/stateChanged', body));
    if (m.exits.total > this.exitsReported) {
      const n = Math.min(64, m.exits.total - this.exitsReported);
      const exits: ExitEventBody = { total: m.exits.total, exits: m.exits.list(m.exits.total - n, n).map(exitJson) };
      this.exitsReported = m.exits.total;
      this.sendEvent(new Event('vmscope/exit', exits));
    }
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    const ref = this.engine === undefined ? 'no program is running' : memoryReference(this.engine, args.memoryReference);
    const data = typeof args.data === 'string' ? Buffer.from(args.data, 'base64') : undefined;
    if (typeof ref === 'string' || data === undefined || data.length > 1 << 20) {
      this.sendErrorResponse(response, 1007, `writeMemory: bad memoryReference or data (${args.memoryReference})` + (typeof ref === 'string' ? `: ${ref}` : ''));
      return;
    }
    const addr = ref.base + BigInt(args.offset ?? 0);
    // All or nothing (unless allowPartial): check every byte is writable first.
    let writable = 0;
    while (writable < data.length && ref.read(addr + BigInt(writable)) >= 0) writable++;
    if (writable < data.length && args.allowPartial !== true) {
      this.sendErrorResponse(response, 1008, `writeMemory: 0x${(addr + BigInt(writable)).toString(16)} is not writable memory; nothing written`);
      return;
    }
    for (let i = 0; i < writable; i++) ref.write(addr + BigInt(i), data[i]);
    response.body = { offset: 0, bytesWritten: writable };
    this.sendResponse(response);
    this.resetStopState();
    this.sendEvent(new Event('memory', { memoryReference: args.memoryReference, offset: args.offset ?? 0, count: writable }));
  }

  /** Registers (x1..x31, pc) and CSRs of the Registers and CSRs scopes; the value is any expression. */
  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    const ref = args.variablesReference;
    const fpHart = fpHartOf(ref);
    if (fpHart !== undefined) { this.setFpRegister(response, fpHart, String(args.name ?? ''), String(args.value ?? '')); return; }
    const hart = Math.floor((ref - 1) / 2);
    const h = ref >= 1 && ref < FP_REF_BASE - 8 ? this.engine?.harts[hart] : undefined;
    if (h === undefined) { this.sendErrorResponse(response, 1009, 'setVariable: only registers, FP registers and CSRs can be set'); return; }
    const v = this.evaluate(h, 0, String(args.value ?? ''));
    if (typeof v === 'string') { this.sendErrorResponse(response, 1009, `setVariable: '${args.value}': ${v}`); return; }
    const name = String(args.name ?? '').replace(/ \(x\d+\)$/, '');
    if ((ref - 1) % 2 === 0) {
      const x = name === 'fp' ? 8 : XREG_NAMES.indexOf(name);
      if (name === 'pc') h.setPc(v.value & ~1n);
      else if (x > 0) h.setX(x, v.value);
      else { this.sendErrorResponse(response, 1009, `setVariable: '${name}' cannot be set (x1..x31, pc)`); return; }
      response.body = { value: hex(name === 'pc' ? h.getPc() : h.getX(x)) };
    } else {
      const csr = csrByName().get(name);
      if (csr === undefined || !debugWriteCsr(h, csr, v.value)) { this.sendErrorResponse(response, 1009, `setVariable: ${name} is not a writable CSR`); return; }
      // WARL: what the CSR kept.
      response.body = { value: hex(debugReadCsr(h, csr) ?? 0n) };
    }
    this.resetStopState();
    this.sendResponse(response);
  }

  /** An FP register: a decimal number (`1.5`, `-2e-3`: a double) or any expression (the raw 64 bits). */
  private setFpRegister(response: DebugProtocol.SetVariableResponse, hart: number, name: string, value: string): void {
    const h = this.engine?.harts[hart];
    const i = FREG_NAMES.indexOf(name.replace(/ \(f\d+\)$/, ''));
    if (h === undefined || i < 0) { this.sendErrorResponse(response, 1009, `setVariable: '${name}' is not an FP register`); return; }
    let bits: bigint;
    if (/^[-+]?(\d+\.\d*|\.\d+|\d+e[-+]?\d+|\d+\.\d*e[-+]?\d+|inf|nan)$/i.test(value.trim())) {
      const dv = new DataView(new ArrayBuffer(8));
      dv.setFloat64(0, Number(value.trim().replace(/^([-+]?)inf$/i, '$1Infinity').replace(/^nan$/i, 'NaN')));
      bits = dv.getBigUint64(0);
    } else {
      const v = this.evaluate(h, 0, value);
      if (typeof v === 'string') { this.sendErrorResponse(response, 1009, `setVariable: '${value}': ${v}`); return; }
      bits = v.value;
    }
    h.setF(i, bits);
    response.body = { value: fpText(h.getF(i)) };
    this.resetStopState();
    this.sendResponse(response);
  }

  /** Restart: the same launch configuration on a fresh machine (breakpoints and filters kept). */
  protected override async restartRequest(response: DebugProtocol.RestartResponse): Promise<void> {
    const args = this.launchArgs;
    if (args === undefined) { this.sendErrorResponse(response, 1016, 'restart: nothing was launched'); return; }
    this.engine?.terminate();
    this.engine?.removeAllListeners();
    this.engine = undefined;
    this.resetStopState();
    this.exitsReported = 0;
    await this.launchRequest(response, args);
  }

  private hartOf(threadId: number): Hart | undefined {
    return this.engine?.harts[threadId - 1];
  }
}
