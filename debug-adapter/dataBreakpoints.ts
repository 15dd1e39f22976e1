// Data breakpoints (watchpoints) for the session: dataBreakpointInfo and setDataBreakpoints mapped onto the machine's
// physical watchpoints (Machine.setWatchpoints). A watched range is named in an address space — host physical
// (hpa:), a VM's guest physical (gpa:vmN:), a VM's guest virtual (gva:vmN:), or what a hart sees now (0x…) — and
// resolved to the physical pages it maps to when set, so an access through any alias hits; it is resolved again at
// every stop, while the address space it was set in is the current one.

import { readFileSync } from 'node:fs';
import { BreakpointEvent, StoppedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  Access, type Hart, PRIV_NAMES, type ValueView, type Vcpu, WATCH_READ, WATCH_WRITE, type WatchHit, type WatchRange, debugTranslate,
  parseElf, translateGuestDebug,
} from '../core';
import type { Engine } from './engine';
import { parseHitCondition } from './expr';

/** Data breakpoint ids start here, apart from the session's other breakpoint ids. */
const FIRST_ID = 100_000;
/** The largest range one data breakpoint watches. */
const MAX_BYTES = 1 << 20;
const ACCESS_TYPES: DebugProtocol.DataBreakpointAccessType[] = ['read', 'write', 'readWrite'];

/** Where a watched range lives: the address space and the address as the user named it. */
interface Target {
  space: 'hpa' | 'gpa' | 'gva' | 'hart';
  /** gpa/gva in vm mode: the VM; hart: the hart whose view it is. */
  index?: number;
  address: bigint;
  bytes: number;
}

/** One piece of a resolved range: one page's worth, at its physical address. */
interface Piece { pa: number; len: number }

/** A data breakpoint as the client set it, and where it resolved. */
interface DataBp {
  id: number;
  dataId: string;
  target: Target;
  kinds: number;
  condition?: string;
  hitCondition?: string;
  hits: number;
  pieces: Piece[];
  /** Why it watches nothing (yet), if it does not. */
  pending?: string;
  /** The translation context it resolved in (re-resolved at stops only while it is current). */
  context?: string;
}

/** What the session lends the data breakpoints. */
export interface DataBreakpointHost {
  engine(): Engine | undefined;
  sendEvent(ev: DebugProtocol.Event): void;
  /** A variable shown under a variables reference (Locals and their children). */
  variable(ref: number, name: string): ValueView | undefined;
  /** Evaluates a condition on hart h: its value, or why it cannot be evaluated. */
  evaluate(h: Hart, text: string): bigint | string;
}

export class DataBreakpoints {
  private bps: DataBp[] = [];
  /** Ids by dataId and access type, kept while the client sets the same breakpoint again. */
  private readonly ids = new Map<string, number>();
  private nextId = FIRST_ID;
  private symbolSizes: Map<string, number> | undefined;

  constructor(private readonly host: DataBreakpointHost) {}

  /** dataBreakpointInfo: a memory range by address (asAddress), a symbol, or a variable that lives in memory. */
  info(args: DebugProtocol.DataBreakpointInfoArguments): DebugProtocol.DataBreakpointInfoResponse['body'] {
    const e = this.host.engine();
    const name = String(args?.name ?? '').trim();
    const bytesArg = Number.isInteger(args?.bytes) && args.bytes! > 0 ? args.bytes! : undefined;
    const none = (description: string) => ({ dataId: null, description });
    if (Number.isInteger(args?.variablesReference) && args.variablesReference! > 0) {
      const v = this.host.variable(args.variablesReference!, name);
      if (v === undefined) return none(`${name}: only variables of the Locals scope (and their members) can be watched, not registers or CSRs`);
      if (v.address === undefined) return none(`${name} is not in memory here (a register or a computed value): it cannot be watched`);
      if (v.size === undefined) return none(`${name}: its type has no size`);
      const hart = e?.stoppedHart ?? 0;
      return this.describeInfo({ space: 'hart', index: hart, address: v.address, bytes: v.size }, name);
    }
    const t = this.parseTarget(name, bytesArg, args?.asAddress === true);
    if (typeof t === 'string') return none(t);
    return this.describeInfo(t, name);
  }

  private describeInfo(t: Target, name: string): DebugProtocol.DataBreakpointInfoResponse['body'] {
    if (t.bytes > MAX_BYTES) return { dataId: null, description: `${t.bytes} bytes: at most ${MAX_BYTES} can be watched` };
    const dataId = `${refText(t)}/${t.bytes}`;
    const sym = this.host.engine()?.describe(t.address) ?? '';
    const label = /^[A-Za-z_]/.test(name) && t.space === 'hart' ? name : sym !== '' ? sym : refText(t);
    return { dataId, description: `${label}: ${t.bytes} byte${t.bytes === 1 ? '' : 's'} at ${refText(t)}`, accessTypes: ACCESS_TYPES, canPersist: true };
  }

  /** A target from text: `hpa:0x…`, `gpa:vmN:0x…`, `gva:vmN:0x…`, `0x…`, `hartN:0x…`, or a symbol (`&sym`). */
  private parseTarget(text: string, bytes: number | undefined, asAddress: boolean): Target | string {
    const m = /^(?:(hpa|gpa|gva|hart(\d+)):(?:vm(\d+):)?)?(0x[0-9a-fA-F]+|\d+)$/.exec(text);
    if (m !== null) {
      const address = BigInt(m[4]);
      if (address >= 1n << 64n) return 'address wider than 64 bits';
      const space = m[1] === undefined ? 'hart' : m[2] !== undefined ? 'hart' : m[1] as 'hpa' | 'gpa' | 'gva';
      const index = m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? Number(m[3]) : space === 'hart' ? 0 : undefined;
      if (space === 'hpa' && m[3] !== undefined) return 'hpa: takes no vmN';
      return { space, index, address, bytes: bytes ?? 1 };
    }
    if (asAddress) return `'${text}' is not an address: use 0x…, hpa:0x…, gpa:vmN:0x…, gva:vmN:0x… or hartN:0x…`;
    const sym = /^&?([A-Za-z_.$][\w.$]*)$/.exec(text);
    const e = this.host.engine();
    const addr = sym !== null ? e?.board.symbolAddress(sym[1]) : undefined;
    if (sym === null || addr === undefined) {
      return `'${text}' is neither an address (0x…, hpa:, gpa:vmN:, gva:vmN:) nor a symbol of the loaded ELF files`;
    }
    // A kernel symbol is a virtual address: in vm mode the guest's (vm0 unless a symbol file names another VM).
    const size = bytes ?? this.symbolSize(sym[1]) ?? 8;
    if (e?.vmm !== undefined) return { space: 'gva', index: e.modules.find((mo) => mo.vm !== undefined)?.vm ?? 0, address: addr, bytes: size };
    return { space: 'hart', index: 0, address: addr, bytes: size };
  }

  /** The ELF size of a symbol (from the loaded modules' symbol tables), if it has one. */
  private symbolSize(name: string): number | undefined {
    if (this.symbolSizes === undefined) {
      this.symbolSizes = new Map();
      for (const mo of this.host.engine()?.modules ?? []) {
        try {
          for (const s of parseElf(new Uint8Array(readFileSync(mo.path))).symbols) if (s.size > 0 && !this.symbolSizes.has(s.name)) this.symbolSizes.set(s.name, s.size);
        } catch { /* a module that cannot be read again: no sizes from it */ }
      }
    }
    return this.symbolSizes.get(name);
  }

  /** setDataBreakpoints: replaces the set; each resolves now (or says why it cannot yet). */
  set(args: DebugProtocol.SetDataBreakpointsArguments): DebugProtocol.Breakpoint[] {
    const list = Array.isArray(args?.breakpoints) ? args.breakpoints : [];
    const out: DebugProtocol.Breakpoint[] = [];
    const bps: DataBp[] = [];
    for (const b of list) {
      const dataId = String(b?.dataId ?? '');
      const at = /^(.*)\/(\d+)$/.exec(dataId);
      const t = at === null ? 'not a data breakpoint id of this adapter' : this.parseTarget(at[1], Number(at[2]), true);
      if (typeof t === 'string' || t.bytes <= 0 || t.bytes > MAX_BYTES) {
        out.push({ verified: false, message: `data breakpoint '${dataId}': ${typeof t === 'string' ? t : 'bad size'}` });
        continue;
      }
      const access = b.accessType ?? 'write';
      const kinds = access === 'read' ? WATCH_READ : access === 'readWrite' ? WATCH_READ | WATCH_WRITE : WATCH_WRITE;
      const key = `${dataId}|${access}`;
      let id = this.ids.get(key);
      if (id === undefined) { id = this.nextId++; this.ids.set(key, id); }
      const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
      const old = this.bps.find((o) => o.id === id);
      const bp: DataBp = { id, dataId, target: t, kinds, condition: str(b.condition), hitCondition: str(b.hitCondition),
        hits: old?.hits ?? 0, pieces: [] };
      if (bp.hitCondition !== undefined && parseHitCondition(bp.hitCondition) === undefined) {
        out.push({ id, verified: false, message: `bad hit count "${bp.hitCondition}" (use 5, >= 3, > 2, % 2)` });
        continue;
      }
      this.resolve(bp, true);
      bps.push(bp);
      out.push(this.body(bp));
    }
    this.bps = bps;
    this.apply();
    return out;
  }

  /** Hands the resolved ranges to the machine (after set, and when the engine is new). */
  apply(): void {
    const e = this.host.engine();
    if (e === undefined) return;
    const ranges: WatchRange[] = [];
    for (const bp of this.bps) {
      if (bp.pieces.length === 0) {
        // set before the program was loaded, or not mapped then: try again
        const before = bp.pending;
        this.resolve(bp, true);
        if (bp.pending !== before) this.host.sendEvent(new BreakpointEvent('changed', this.body(bp)));
      }
      for (const p of bp.pieces) ranges.push({ id: bp.id, pa: p.pa, len: p.len, kinds: bp.kinds });
    }
    e.board.machine.setWatchpoints(ranges);
  }

  /**
   * At a stop: resolves every breakpoint again whose address space is the current one (a guest may have remapped
   * the page, or backed a page it had not touched), and tells the client about those that changed.
   */
  refresh(): void {
    let changed = false;
    for (const bp of this.bps) {
      const before = JSON.stringify([bp.pieces, bp.pending]);
      this.resolve(bp, false);
      if (JSON.stringify([bp.pieces, bp.pending]) !== before) {
        changed = true;
        this.host.sendEvent(new BreakpointEvent('changed', this.body(bp)));
      }
    }
    if (changed) this.apply();
  }

  /** Whether a watchpoint hit stops (its condition and hit count), counting the hit. */
  shouldStop(hit: WatchHit): boolean {
    const bp = this.bps.find((b) => b.id === hit.id);
    const h = this.host.engine()?.harts[hit.hart];
    if (bp === undefined || h === undefined) return true;
    if (bp.condition !== undefined) {
      const v = this.host.evaluate(h, bp.condition);
      if (typeof v === 'bigint' && v === 0n) return false;
    }
    bp.hits++;
    const hc = bp.hitCondition !== undefined ? parseHitCondition(bp.hitCondition) : undefined;
    return hc === undefined || hc(bp.hits);
  }

  /** The stopped event of a watchpoint hit: reason 'data breakpoint', the breakpoint's id, and the access. */
  stoppedEvent(): DebugProtocol.StoppedEvent {
    const e = this.host.engine()!;
    const hit = e.board.machine.watchpointHit();
    const h = e.harts[hit.hart];
    const v = e.vmm?.vcpuOf(h);
    const who = v !== undefined ? `vm${v.vm.id}/vcpu${v.index}` : `hart${hit.hart}`;
    const kind = hit.kind === (WATCH_READ | WATCH_WRITE) ? 'read-modify-write' : hit.kind === WATCH_WRITE ? 'write' : 'read';
    const hx = (x: bigint | number) => '0x' + x.toString(16);
    const sym = e.describe(hit.va);
    const mode = `${hit.virt ? 'V' : ''}${PRIV_NAMES[hit.priv]}`;
    const value = hit.kind === WATCH_READ ? `: ${hx(hit.after)}` : `: ${hx(hit.before)} → ${hx(hit.after)}`;
    const ev: DebugProtocol.StoppedEvent = new StoppedEvent('data breakpoint', hit.hart + 1);
    ev.body.description = `${kind} of ${hit.size} byte${hit.size === 1 ? '' : 's'} at ${hx(hit.va)}${sym !== '' ? ` (${sym})` : ''}` +
      `${BigInt(hit.pa) !== hit.va ? `, hpa ${hx(hit.pa)}` : ''} by ${who} [${mode}] at pc ${hx(hit.pc)}${value}`;
    ev.body.text = kind;
    ev.body.hitBreakpointIds = [hit.id];
    ev.body.allThreadsStopped = true;
    return ev;
  }

  private body(bp: DataBp): DebugProtocol.Breakpoint {
    const where = bp.pieces.map((p) => `hpa 0x${p.pa.toString(16)}${bp.pieces.length > 1 ? ` (+${p.len})` : ''}`).join(', ');
    if (bp.pending !== undefined) return { id: bp.id, verified: false, message: bp.pending };
    return { id: bp.id, verified: true, message: `watches ${bp.target.bytes} byte${bp.target.bytes === 1 ? '' : 's'} at ${where}` };
  }

  /**
   * Finds the physical pieces of bp's range. `first`: at set time (any context); else only while the translation
   * context is the one it resolved in (a page that does not translate then keeps its old pieces).
   */
  private resolve(bp: DataBp, first: boolean): void {
    const e = this.host.engine();
    if (e === undefined) { bp.pending = 'resolved when the program is loaded'; return; }
    const r = translator(e, bp.target);
    if (typeof r === 'string') { bp.pieces = []; bp.pending = r; return; }
    if (!first && bp.context !== undefined && r.context !== bp.context) return;
    const pieces: Piece[] = [];
    const t = bp.target;
    let missing: bigint | undefined;
    for (let off = 0; off < t.bytes;) {
      const a = BigInt.asUintN(64, t.address + BigInt(off));
      const len = Math.min(t.bytes - off, 4096 - Number(a & 0xfffn));
      const pa = r.toPa(a);
      if (pa < 0) { missing = a; break; }
      if (e.board.machine.ram.offsetOf(pa, len) < 0) {
        bp.pieces = []; bp.pending = `${refText(t)} is not RAM (0x${pa.toString(16)}): only RAM can be watched`; bp.context = r.context;
        return;
      }
      const last = pieces[pieces.length - 1];
      if (last !== undefined && last.pa + last.len === pa) last.len += len; else pieces.push({ pa, len });
      off += len;
    }
    if (missing !== undefined) {
      if (!first && bp.pieces.length > 0) return;   // unmapped for now: keep watching where it was
      bp.pieces = []; bp.pending = `0x${missing.toString(16)} ${r.why}: watched once it is, from the next stop on`; bp.context = r.context;
      return;
    }
    bp.pieces = pieces; bp.pending = undefined; bp.context = r.context;
  }
}

/** The reference text of a target (as in dataIds and memory references). */
function refText(t: Target): string {
  const a = '0x' + t.address.toString(16);
  switch (t.space) {
    case 'hpa': return `hpa:${a}`;
    case 'hart': return t.index === 0 ? a : `hart${t.index}:${a}`;
    default: return t.index !== undefined ? `${t.space}:vm${t.index}:${a}` : `${t.space}:${a}`;
  }
}

/**
 * How to find the physical page of an address of target t now, without side effects: toPa (-1: not mapped, for the
 * reason `why`), and the translation context (satp/vsatp/hgatp as they are) it depends on. A string: t is bad.
 */
function translator(e: Engine, t: Target): { toPa: (a: bigint) => number; context: string; why: string } | string {
  const machine = e.board.machine;
  if (t.space === 'hpa') return { toPa: (a) => (a < 1n << 53n ? Number(a) : -1), context: 'hpa', why: 'is not a physical address' };
  if (t.space === 'hart') {
    const h = e.harts[t.index ?? 0];
    if (h === undefined) return `there is no hart${t.index}`;
    const v = e.vmm?.vcpuOf(h);
    if (v !== undefined) return guestVirtual(v);
    return {
      toPa: (a) => debugTranslate(h, Number(a & 0xffffffffn) | 0, Number(a >> 32n) | 0, Access.LOAD),
      context: `hart${h.id}:${h.virt}:${h.priv}:${h.satpMode}:${h.satpAsid}:${h.satpPpn}:${h.vsatpMode}:${h.vsatpPpn}:${h.hgatpPpn}`,
      why: `is not mapped on hart${h.id} now`,
    };
  }
  const vm = t.index !== undefined ? e.vmm?.vms[t.index] : undefined;
  if (e.vmm !== undefined && vm === undefined) return `there is no vm${t.index ?? 0}`;
  if (t.space === 'gpa') {
    if (vm !== undefined) {
      return {
        toPa: (a) => (a < 1n << 53n && vm.pmap.contains(Number(a)) ? vm.pmap.hostAddr(Number(a), false) : -1), context: `vm${vm.id}`,
        why: `is not backed yet (vm${vm.id} has not touched that page) or is not guest RAM`,
      };
    }
    if (t.index !== undefined) return 'vmN needs mode "vm"';
    const h = machine.harts[0];
    return {
      toPa: (a) => {
        const r = translateGuestDebug(h.ptePort, { vsMode: 0, vsRootPpn: 0, gMode: h.hgatpMode, gRootPpn: h.hgatpPpn, va: a, access: 'load', priv: 'S' });
        return r.ok && r.pa !== undefined ? Number(r.pa) : -1;
      },
      context: `hgatp:${h.hgatpMode}:${h.hgatpPpn}`, why: 'is not mapped in hart0\'s G stage now',
    };
  }
  if (vm !== undefined) return guestVirtual(vm.vcpus[0]);
  if (t.index !== undefined) return 'vmN needs mode "vm"';
  const h = machine.harts[0];
  return {
    toPa: (a) => {
      const r = translateGuestDebug(h.ptePort, { vsMode: h.vsatpMode, vsRootPpn: h.vsatpPpn, gMode: h.hgatpMode, gRootPpn: h.hgatpPpn,
        va: a, access: 'load', priv: 'S', sum: true });
      return r.ok && r.pa !== undefined ? Number(r.pa) : -1;
    },
    context: `vsatp:${h.vsatpMode}:${h.vsatpAsid}:${h.vsatpPpn}:${h.hgatpPpn}`, why: 'is not mapped in hart0\'s guest now',
  };
}

/**
 * A built-in VMM guest's virtual addresses as its vCPU v translates them: the guest's own satp (vsatp under nested
 * paging; the satp the VMM keeps under shadow paging), its tables read through the pmap, then the pmap.
 */
function guestVirtual(v: Vcpu): { toPa: (a: bigint) => number; context: string; why: string } {
  const vm = v.vm, h = v.hart, ram = h.bus.ram;
  const shadow = vm.shadow !== null;
  const mode = shadow ? v.satp.mode : h.vsatpMode, ppn = shadow ? v.satp.ppn : h.vsatpPpn, asid = shadow ? v.satp.asid : h.vsatpAsid;
  // The guest's tables are at guest physical addresses: read them through the pmap (no side effects).
  const port = {
    readPte(gpa: number, out: Int32Array): boolean {
      const hpa = vm.pmap.hostAddr(gpa, false), off = hpa < 0 ? -1 : ram.offsetOf(hpa, 8);
      if (off < 0) return false;
      out[0] = ram.i32[off >>> 2]; out[1] = ram.i32[(off >>> 2) + 1];
      return true;
    },
    updatePteLo: (): number => 0,
  };
  return {
    toPa: (a) => {
      const r = translateGuestDebug(port, { vsMode: mode, vsRootPpn: ppn, gMode: 0, gRootPpn: 0, va: a, access: 'load', priv: 'S', sum: true });
      if (!r.ok || r.pa === undefined || r.pa >= 1n << 53n) return -1;
      return vm.pmap.hostAddr(Number(r.pa), false);
    },
    context: `vm${vm.id}:${mode}:${asid}:${ppn}`,
    why: `is not mapped in vm${vm.id} now (or its page is not backed yet)`,
  };
}
