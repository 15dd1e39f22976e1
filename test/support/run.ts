// Runs an ELF on the virt board in-process and collects its console output and exit code.
import { readFileSync } from 'node:fs';
import { VirtBoard } from '../../core/board/virt';

export interface GuestRun { exitCode: number | undefined; output: string; instret: number; reason: string; board: VirtBoard }

export function runElf(file: string, opts: { maxInsns?: number; memory?: number; harts?: number; input?: string } = {}): GuestRun {
  let output = '';
  const board = new VirtBoard({ memorySize: opts.memory ?? 128 << 20, harts: opts.harts ?? 1,
    host: { consoleWrite: (b) => { output += Buffer.from(b).toString('latin1'); } } });
  board.load({ kernel: { name: file, bytes: new Uint8Array(readFileSync(file)) } });
  if (opts.input !== undefined) board.uart.pushInput(Buffer.from(opts.input, 'latin1'));
  const r = board.machine.run(opts.maxInsns ?? 200_000_000);
  board.uart.flush();
  return { exitCode: r.exitCode, output, instret: board.machine.stats().instret, reason: r.reason, board };
}

/** Runs the vmscope CLI (from source, through tsx) and returns its exit status and output. */
export const CLI = ['-r', 'tsx/cjs', 'cli/main.ts'];

/** QEMU's virt board with the hart configured like vmscope's (QEMU 7.2's default CPU also has the H extension). */
export const QEMU_VIRT = ['-M', 'virt', '-cpu', 'rv64,h=true', '-m', '128M', '-nographic'];
