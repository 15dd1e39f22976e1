// The launch configuration: its attributes, and their validation (every bad attribute fails the launch with a
// message that names it).

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineConfig, SymbolFileConfig } from './engine';

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
  /** Extra ELFs with DWARF: a path, or { path, vm?, offset? } (offset: a number or '0x…' added to its code addresses). */
  symbolFiles?: (string | { path: string; vm?: number; offset?: number | string })[];
}

/** Every launch attribute validate() reads (package.json's launch schema must list them all; the workbench tests check). */
export const LAUNCH_ATTRIBUTES = Object.keys({
  program: 0, kernel: 0, bios: 0, initrd: 0, append: 0, memory: 0, harts: 0, mode: 0, mmu: 0, vms: 0, stopOnEntry: 0,
  stepIntoInterrupts: 0, symbolFiles: 0,
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
  return {
    program, kernel, bios, initrd: str('initrd'), append: str('append'), memory: mode === 'vm' && a.memory === undefined ? vms * 128 * (1 << 20) + (64 << 20) : memory,
    harts, mode, mmu, vms, stepIntoInterrupts: a.stepIntoInterrupts, symbolFiles,
  };
}
