// `vmscope compare`: one guest kernel on bare hardware (under the built-in SBI), then as the guest of the built-in
// VMM with nested paging and with shadow paging; one table of what each configuration cost, and whether the
// guest's console output was the same in all three.

import { type ImageFile, LoadError, VirtBoard, Vmm, type MmuMode, EXIT_REASON_IDS } from '../core';
import type { RunOptions } from './options';

/** One configuration's measurements. */
export interface CompareRow {
  config: 'bare' | MmuMode;
  finished: boolean;
  exitCode: number | undefined;
  /** Instructions the guest retired. */
  guestInsns: number;
  /** Instruction slots the hart spent in all (guest instructions, traps). */
  slots: number;
  exits: number;
  exitsByReason: Record<string, number>;
  walks: number;
  walkRefs: number;
  tlbMissRate: number;
  seconds: number;
  output: string;
}

/** Runs the kernel in one configuration, up to `maxInsns` instruction slots. */
export function runConfig(config: CompareRow['config'], kernel: ImageFile, o: RunOptions, maxInsns: number): CompareRow {
  let output = '';
  const collect = (b: Uint8Array) => { output += Buffer.from(b).toString('latin1'); };
  // Bare hardware gets the RAM a VM gets, so the kernel sees the same memory map (its device tree at the same place).
  const board = new VirtBoard({ memorySize: config === 'bare' ? o.vmMemory : o.memory, harts: o.smp, host: { consoleWrite: collect } });
  let vmm: Vmm | undefined;
  if (config === 'bare') {
    board.load({ kernel, append: o.append, builtinSbi: true });
  } else {
    vmm = new Vmm(board.machine, [{ kernel, append: o.append, memory: o.vmMemory, vcpus: o.smp, mmu: config }],
      { console: (_vm, b) => collect(b), exit: (code) => board.machine.requestExit(code) });
    vmm.boot();
  }
  const m = board.machine;
  const t0 = process.hrtime.bigint();
  let r = m.run(0);
  while (m.totalSlots() < maxInsns) {
    r = m.run(Math.min(50_000_000, maxInsns - m.totalSlots()));
    if (r.reason !== 'limit') break;
    if (o.timeout !== undefined && Number(process.hrtime.bigint() - t0) / 1e9 > o.timeout) break;
  }
  board.uart.flush();
  vmm?.flushConsoles();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const s = m.stats();
  return {
    config, finished: r.reason === 'exit', exitCode: r.exitCode, guestInsns: s.instret, slots: m.totalSlots(),
    exits: m.exits.total, exitsByReason: m.exits.countsByName(), walks: s.pageWalks, walkRefs: s.walkRefs,
    tlbMissRate: s.tlbHits + s.tlbMisses > 0 ? s.tlbMisses / (s.tlbHits + s.tlbMisses) : 0, seconds, output,
  };
}

/** The table `vmscope compare` prints. */
export function formatCompare(rows: CompareRow[]): string {
  const reasons = EXIT_REASON_IDS.filter((id) => rows.some((r) => (r.exitsByReason[id] ?? 0) > 0));
  const cells: string[][] = [
    ['', ...rows.map((r) => r.config)],
    ['finished (exit code)', ...rows.map((r) => (r.finished ? `yes (${r.exitCode})` : 'no (limit)'))],
    ['guest instructions', ...rows.map((r) => r.guestInsns.toLocaleString('en-US'))],
    ['VM exits', ...rows.map((r) => r.exits.toLocaleString('en-US'))],
    ...reasons.map((id) => [`  ${id}`, ...rows.map((r) => (r.exitsByReason[id] ?? 0).toLocaleString('en-US'))]),
    ['page walks', ...rows.map((r) => r.walks.toLocaleString('en-US'))],
    ['walk memory references', ...rows.map((r) => r.walkRefs.toLocaleString('en-US'))],
    ['  per walk', ...rows.map((r) => (r.walks > 0 ? (r.walkRefs / r.walks).toFixed(2) : '-'))],
    ['TLB miss rate', ...rows.map((r) => `${(100 * r.tlbMissRate).toFixed(2)}%`)],
    ['wall time (s)', ...rows.map((r) => r.seconds.toFixed(2))],
    ['MIPS', ...rows.map((r) => (r.seconds > 0 ? (r.guestInsns / r.seconds / 1e6).toFixed(1) : '-'))],
  ];
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  const lines = cells.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  const same = rows.every((r) => r.output === rows[0].output);
  lines.push('', same ? 'guest console output: identical in all configurations'
    : `guest console output: DIFFERS (${rows.map((r) => `${r.config}: ${r.output.length} bytes`).join(', ')})`);
  return lines.join('\n');
}

/** `vmscope compare`: returns the exit code (0 when every configuration finished with the same output). */
export function cmdCompare(o: RunOptions, kernel: ImageFile, write: (s: string) => void): number {
  const max = o.maxInsns ?? 2_000_000_000;
  const rows: CompareRow[] = [];
  for (const config of ['bare', 'nested', 'shadow'] as const) {
    try {
      rows.push(runConfig(config, kernel, o, max));
    } catch (e) {
      if (e instanceof LoadError || e instanceof RangeError) throw new LoadError(`${config}: ${e.message}`);
      throw e;
    }
  }
  write(formatCompare(rows) + '\n');
  const same = rows.every((r) => r.output === rows[0].output);
  return same && rows.every((r) => r.finished) ? 0 : 1;
}
