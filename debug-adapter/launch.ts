// The launch configuration: its attributes, and their validation (every bad attribute fails the launch with a
// message that names it).

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineConfig, EngineDrive, EngineVmConfig, SymbolFileConfig } from './engine';

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
  /** A number of VMs running the same kernel, or one entry per VM. */
  vms?: number | { kernel?: string; initrd?: string; append?: string; memory?: string | number; mmu?: string; harts?: number }[];
  /** Board devices (bare mode): "copy-engine". */
  devices?: string[];
  /** vm mode: board devices given to VMs. */
  assign?: { device: string; vm: number }[];
  /** Disk images: a path, or { file, readonly? } (loaded into memory; the guest's writes never reach the file). */
  drives?: (string | { file: string; readonly?: boolean })[];
  /** Where the guest's console goes: the Debug Console, or a terminal the editor opens (vmscope/console events). */
  console?: string;
  /** Log every DAP message (to the Debug Console / stderr). */
  trace?: boolean;
  stopOnEntry?: boolean;
  stepIntoInterrupts?: boolean;
  /** Extra ELFs with DWARF: a path, or { path, vm?, offset? } (offset: a number or '0x…' added to its code addresses). */
  symbolFiles?: (string | { path: string; vm?: number; offset?: number | string })[];
}

/** Every launch attribute validate() reads (package.json's launch schema must list them all; the workbench tests check). */
export const LAUNCH_ATTRIBUTES = Object.keys({
  program: 0, kernel: 0, bios: 0, initrd: 0, append: 0, memory: 0, harts: 0, mode: 0, mmu: 0, vms: 0, stopOnEntry: 0,
  stepIntoInterrupts: 0, symbolFiles: 0, devices: 0, assign: 0, drives: 0, console: 0, trace: 0,
} satisfies Record<Exclude<keyof LaunchArguments, keyof DebugProtocol.LaunchRequestArguments>, 0>);

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
  const memory = a.memory === undefined ? undefined : size(a.memory, '"memory"');
  const harts = int('harts', 1, 8, 1);
  let vms = 1;
  let vmList: EngineVmConfig[] | undefined;
  if (Array.isArray(a.vms)) {
    if (mode !== 'vm') throw new Error('"vms" is for "mode": "vm"');
    if (a.vms.length < 1 || a.vms.length > 8) throw new Error('"vms" must list 1 to 8 VMs');
    vmList = a.vms.map((v, i) => {
      const where = `"vms"[${i}]`;
      if (typeof v !== 'object' || v === null) throw new Error(`${where} must be an object ({ "kernel"?, "memory"?, "mmu"?, "harts"?, "initrd"?, "append"? })`);
      for (const k of Object.keys(v)) {
        if (!['kernel', 'initrd', 'append', 'memory', 'mmu', 'harts'].includes(k)) throw new Error(`${where}: unknown attribute "${k}"`);
      }
      for (const k of ['kernel', 'initrd', 'append'] as const) if (v[k] !== undefined && typeof v[k] !== 'string') throw new Error(`${where}.${k} must be a string`);
      const vmmu = v.mmu ?? mmu;
      if (vmmu !== 'nested' && vmmu !== 'shadow') throw new Error(`${where}.mmu must be "nested" or "shadow"`);
      const vh = v.harts ?? harts;
      if (!Number.isInteger(vh) || vh < 1 || vh > 8) throw new Error(`${where}.harts must be an integer from 1 to 8`);
      if (v.kernel === undefined && program === undefined && kernel === undefined) throw new Error(`${where}: give its "kernel" (or a top-level "kernel")`);
      return { kernel: v.kernel, initrd: v.initrd, append: v.append, memory: v.memory === undefined ? 128 << 20 : size(v.memory, `${where}.memory`),
        mmu: vmmu, harts: vh };
    });
    vms = vmList.length;
    if (vmList.reduce((n, v) => n + v.harts, 0) > 8) throw new Error('"vms": at most 8 vCPUs in all (one hart each)');
  } else {
    vms = int('vms', 1, 8, 1);
    if (mode === 'vm' && harts * vms > 8) throw new Error('"vms" × "harts" must be at most 8 (one hart per vCPU)');
  }
  const devices = strings('devices', ['copy-engine']);
  if (mode === 'vm' && devices.length > 0) throw new Error('"devices": in "mode": "vm", give board devices to VMs with "assign"');
  const assign: { device: string; vm: number }[] = [];
  if (a.assign !== undefined) {
    if (mode !== 'vm') throw new Error('"assign" gives devices to VMs: it needs "mode": "vm"');
    if (!Array.isArray(a.assign)) throw new Error('"assign" must be an array of { "device": "copy-engine", "vm": N }');
    for (const [i, x] of a.assign.entries()) {
      if (typeof x !== 'object' || x === null || x.device !== 'copy-engine') throw new Error(`"assign"[${i}].device must be "copy-engine"`);
      if (!Number.isInteger(x.vm) || x.vm < 0 || x.vm >= vms) throw new Error(`"assign"[${i}].vm must be a VM index from 0 to ${vms - 1}`);
      if (assign.some((y) => y.device === x.device)) throw new Error(`"assign": ${x.device} is given to two VMs`);
      assign.push({ device: x.device, vm: x.vm });
    }
  }
  const drives: EngineDrive[] = [];
  if (a.drives !== undefined) {
    if (!Array.isArray(a.drives) || a.drives.length > 8) throw new Error('"drives" must be an array of up to 8 paths or { "file", "readonly"? }');
    for (const [i, d] of a.drives.entries()) {
      if (typeof d === 'string') drives.push({ file: d, readOnly: false });
      else if (typeof d === 'object' && d !== null && typeof d.file === 'string' && (d.readonly === undefined || typeof d.readonly === 'boolean')) {
        drives.push({ file: d.file, readOnly: d.readonly === true });
      } else throw new Error(`"drives"[${i}] must be a path or { "file": path, "readonly"?: true|false }`);
    }
  }
  const consoleKind = str('console') ?? 'debugConsole';
  if (consoleKind !== 'debugConsole' && consoleKind !== 'terminal') throw new Error(`"console" must be "debugConsole" or "terminal" (got "${consoleKind}")`);
  if (a.trace !== undefined && typeof a.trace !== 'boolean') throw new Error('"trace" must be true or false');
  if (a.stopOnEntry !== undefined && typeof a.stopOnEntry !== 'boolean') throw new Error('"stopOnEntry" must be true or false');
  if (a.stepIntoInterrupts !== undefined && typeof a.stepIntoInterrupts !== 'boolean') {
    throw new Error('"stepIntoInterrupts" must be true or false');
  }
  const symbolFiles: SymbolFileConfig[] = [];
  if (a.symbolFiles !== undefined) {
    if (!Array.isArray(a.symbolFiles)) throw new Error('"symbolFiles" must be an array of paths or { "path", "vm"?, "offset"? }');
    for (const [i, f] of a.symbolFiles.entries()) {
      const where = `"symbolFiles"[${i}]`;
      if (typeof f === 'string') { symbolFiles.push({ path: f }); continue; }
      if (typeof f !== 'object' || f === null || typeof f.path !== 'string') throw new Error(`${where} must be a path or an object with a "path"`);
      if (f.vm !== undefined && (mode !== 'vm' || !Number.isInteger(f.vm) || f.vm < 0 || f.vm >= vms)) {
        throw new Error(`${where}: "vm" must be a VM index from 0 to ${vms - 1} (and "mode" must be "vm")`);
      }
      let offset = 0n;
      if (f.offset !== undefined) {
        const o = typeof f.offset === 'number' && Number.isSafeInteger(f.offset) ? BigInt(f.offset)
          : typeof f.offset === 'string' && /^(0x[0-9a-fA-F]+|-?\d+)$/.test(f.offset.trim()) ? BigInt(f.offset.trim()) : undefined;
        if (o === undefined) throw new Error(`${where}: "offset" must be a number or a "0x…" string`);
        offset = o;
      }
      symbolFiles.push({ path: f.path, vm: f.vm, offset });
    }
  }
  // vm mode: host RAM for the VMs' memory plus 64 MiB for the VMM, unless "memory" says otherwise.
  const vmMemory = vmList !== undefined ? vmList.reduce((n, v) => n + v.memory, 0) : vms * (128 << 20);
  const hostMemory = memory ?? (mode === 'vm' ? Math.min(2048 * (1 << 20), vmMemory + (64 << 20)) : 128 << 20);
  if (mode === 'vm' && hostMemory < vmMemory + (4 << 20)) {
    throw new Error(`"memory" (${hostMemory >> 20} MiB of host RAM) is too small for the VMs' ${vmMemory >> 20} MiB`);
  }
  return {
    program, kernel, bios, initrd: str('initrd'), append: str('append'), memory: hostMemory,
    harts, mode, mmu, vms, stepIntoInterrupts: a.stepIntoInterrupts, symbolFiles, vmList, devices, assign, drives,
  };

  function size(v: unknown, name: string): number {
    // A number is bytes; a string is a size with K/M/G (MiB without a unit, as the CLI's -m).
    const units: Record<string, number> = { '': 1 << 20, K: 1 << 10, M: 1 << 20, G: 1 << 30 };
    const m = typeof v === 'string' ? /^(\d+)\s*([KMG]?)(?:i?B)?$/i.exec(v) : null;
    const n = typeof v === 'number' ? v : m === null ? NaN : Number(m[1]) * units[m[2].toUpperCase()];
    if (!Number.isSafeInteger(n) || n < 1 << 20 || n > 2048 * (1 << 20) || n % 4096 !== 0) {
      throw new Error(`${name} must be 1M to 2G, a multiple of 4 KiB (e.g. "256M", or a number of bytes)`);
    }
    return n;
  }

  function strings(k: 'devices', allowed: string[]): string[] {
    const v = a[k];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !allowed.includes(x))) {
      throw new Error(`"${k}" must be an array of ${allowed.map((x) => `"${x}"`).join(', ')}`);
    }
    return v;
  }
}
