#!/usr/bin/env node
// vmscope command line: run programs and kernels on the virt board, the built-in demo, and device tree dumps.

import { readFileSync, writeFileSync, existsSync, createWriteStream, WriteStream } from 'node:fs';
import * as path from 'node:path';
import { Command, HELP, RunOptions, UsageError, parseArgs } from './options';
import { attachConsole } from './console';
import { cmdCompare } from './compare';
import { startDapServer } from '../debug-adapter/server';
import { OpenDrive, openDrive } from './fileDisk';
import {
  EXC_NAMES, EXIT_REASON_NAMES, IOMMU_BASE, IRQ_NAMES, ImageFile, LoadError, VirtBoard, type VmConfig, Vmm, disassemble, isElf, PRIV_NAMES, Trace,
} from '../core';

const VERSION = '0.1.0';
/** Exit code for --timeout / --max-insns (as coreutils timeout uses). */
const EXIT_LIMIT = 124;
/** Exit code when every hart waits for an interrupt that can never arrive. */
const EXIT_HALTED = 125;
const EXIT_USAGE = 2;

function readImage(file: string, option: string): ImageFile {
  if (!existsSync(file)) throw new UsageError(`${option}: file not found: ${file}`);
  try {
    return { name: file, bytes: new Uint8Array(readFileSync(file)) };
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${file}: ${(e as Error).message}`);
  }
}

/** Where --bios default looks for OpenSBI's generic fw_dynamic (Debian's opensbi and qemu-system-data packages). */
export const OPENSBI_PATHS = [
  '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf',
  '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin',
  '/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.elf',
  '/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin',
];

/** The firmware file for --bios default: $VMSCOPE_OPENSBI, else the first of OPENSBI_PATHS that exists. */
function defaultFirmware(): string {
  const env = process.env.VMSCOPE_OPENSBI;
  if (env !== undefined && env !== '') return env;
  const found = OPENSBI_PATHS.find((p) => existsSync(p));
  if (found === undefined) {
    throw new UsageError(`--bios default: OpenSBI was not found (looked in ${OPENSBI_PATHS.join(', ')}); ` +
      'install it (apt-get install opensbi), set VMSCOPE_OPENSBI, or give --bios FILE or --bios none');
  }
  return found;
}

/** Where the bundled example guests live (next to dist/ or cli/). */
export function examplesDir(): string {
  return path.resolve(__dirname, '..', 'examples', 'build');
}

function makeBoard(o: RunOptions, out: (b: Uint8Array) => void, drives: OpenDrive[] = []): VirtBoard {
  // --mode vm: the devices belong to the first VM, not to the host board.
  // Assigned devices stay on the board: the VMM gives them to their VMs.
  if (o.mode === 'vm') {
    return new VirtBoard({ memorySize: o.memory, harts: o.vms * o.smp, host: { consoleWrite: out }, copyEngine: o.assign.length > 0 });
  }
  return new VirtBoard({
    memorySize: o.memory, harts: o.smp, host: { consoleWrite: out }, drives: drives.map((d) => d.backend), entropySeed: o.entropySeed,
    virtioConsole: o.virtioConsole !== undefined, copyEngine: o.copyEngine,
  });
}

function hex(v: bigint | number): string { return '0x' + v.toString(16).padStart(16, '0'); }

function openTrace(board: VirtBoard, o: RunOptions): WriteStream | undefined {
  if (o.trace.length === 0) return undefined;
  const f = createWriteStream(o.traceFile);
  const t: Trace = {};
  if (o.trace.includes('insn')) {
    t.insn = (hart, pc, word, len, priv) => {
      const w = len === 2 ? word.toString(16).padStart(4, '0') : (word >>> 0).toString(16).padStart(8, '0');
      f.write(`${hart} ${PRIV_NAMES[priv]} ${hex(pc)} ${w.padEnd(8)} ${disassemble(word, pc)}\n`);
    };
  }
  if (o.trace.includes('trap')) {
    t.trap = (hart, i) => {
      const code = Number(i.cause & 0xffn);
      const name = (i.interrupt ? IRQ_NAMES : EXC_NAMES)[code] ?? 'reserved';
      f.write(`${hart} trap ${i.interrupt ? 'interrupt' : 'exception'} cause=${code} (${name}) epc=${hex(i.epc)} ` +
        `tval=${hex(i.tval)} ${PRIV_NAMES[i.fromPriv]}->${PRIV_NAMES[i.toPriv]} ${board.describe(i.epc)}\n`);
    };
  }
  if (o.trace.includes('mmu')) {
    t.mmu = (hart, i) => {
      f.write(`${hart} walk ${i.access} va=${hex(i.va)} ` +
        (i.pa !== undefined ? `pa=${hex(i.pa)} level=${i.level}` : `fault=${i.fault}`) + '\n');
    };
  }
  board.machine.setTrace(t);
  return f;
}

function summary(board: VirtBoard, seconds: number, vmm?: Vmm): string {
  const s = board.machine.stats();
  const exits = board.machine.exits;
  const vmLines: string[] = [];
  if (exits.total > 0 || vmm !== undefined) {
    const by = EXIT_REASON_NAMES.map((n, i) => [n, exits.counts[i]] as const).filter(([, c]) => c > 0).map(([n, c]) => `${c} ${n}`);
    vmLines.push(`VM exits: ${exits.total}${by.length > 0 ? ` (${by.join(', ')})` : ''}`);
    const t = board.machine.translationStats();
    const per = (refs: number, walks: number) => (walks > 0 ? (refs / walks).toFixed(2) : '-');
    vmLines.push(`page walks: ${t.guestWalks} two-stage (${per(t.guestWalkRefs, t.guestWalks)} memory references each, TLB ` +
      `${t.guestTlbHits} hits / ${t.guestTlbMisses} misses), ${t.hostWalks} one-stage (${per(t.hostWalkRefs, t.hostWalks)} each, ` +
      `TLB ${t.hostTlbHits} hits / ${t.hostTlbMisses} misses)`);
  }
  if (vmm !== undefined) {
    for (const vm of vmm.vms) {
      const sh = vm.shadow;
      const tables = sh === null ? `G-stage tables ${vm.gstage.tables} pages`
        : `shadow tables ${sh.livePages()} pages in ${sh.spaces.length} spaces (${sh.fills} fills, ${sh.resyncs} resyncs, ` +
          `${sh.evictions} evictions)`;
      vmLines.push(`vm${vm.id}: ${vm.config.mmu} paging, ${vm.pmap.live} guest pages backed (${vm.pmap.live * 4} KiB), ` +
        `${tables}${vm.exitCode !== undefined ? `, exited with ${vm.exitCode}` : ''}`);
    }
  }
  const mips = seconds > 0 ? s.instret / seconds / 1e6 : 0;
  const lookups = s.tlbHits + s.tlbMisses;
  const rate = lookups > 0 ? ((100 * s.tlbHits) / lookups).toFixed(2) + '%' : 'n/a (no paging)';
  return [
    `instructions: ${s.instret.toLocaleString('en-US')} in ${seconds.toFixed(2)} s (${mips.toFixed(1)} MIPS` +
      // the JavaScript engine compiles the interpreter during the first second or so
      `${seconds < 1.5 ? '; a short run is mostly JIT warm-up, npm run bench measures steady speed' : ''})`,
    `traps: ${s.exceptions} exceptions, ${s.interrupts} interrupts`,
    `TLB: ${rate} hits (${s.tlbHits} hits, ${s.pageWalks} page walks), L1 refills ${s.l1Refills}, ` +
      `decoded pages invalidated ${s.codeInvalidations}`,
    `guest time: ${(s.mtime / board.machine.timebaseHz).toFixed(4)} s (mtime ${s.mtime})`,
    ...vmLines,
  ].join('\n');
}

function where(board: VirtBoard): string {
  return board.machine.harts.map((h) => {
    const pc = h.getPc();
    const sym = board.describe(pc);
    return `hart ${h.id}: pc ${hex(pc)}${sym !== '' ? ` <${sym}>` : ''} in ${PRIV_NAMES[h.priv]}-mode${h.waiting ? ' (wfi)' : ''}`;
  }).join('\n');
}

/** Runs the board until the guest exits or a limit hits; resolves with the process exit code. */
async function runBoard(board: VirtBoard, o: RunOptions, forceStats: boolean, vmm?: Vmm): Promise<number> {
  const m = board.machine;
  const trace = openTrace(board, o);
  const t0 = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
  let quit = false;
  const con = attachConsole({
    input: (b) => {
      if (vmm !== undefined) {                                   // --mode vm: the first VM's console
        const vm = vmm.vms[0];
        if (o.virtioConsole?.input === true && vm.vconsole !== null) vm.vconsole.pushInput(b); else vm.uart.pushInput(b);
      }
      else if (o.virtioConsole?.input === true && board.vconsole !== null) board.vconsole.pushInput(b);
      else board.uart.pushInput(b);
    },
    quit: () => { quit = true; m.requestStop(); },
    stats: () => summary(board, elapsed(), vmm),
  });
  const chunk = o.trace.includes('insn') ? 200_000 : 4_000_000;
  let code: number;
  try {
    for (;;) {
      const left = o.maxInsns !== undefined ? o.maxInsns - m.totalSlots() : chunk;
      if (left <= 0) {
        process.stderr.write(`\nvmscope: instruction limit (${o.maxInsns}) reached\n${where(board)}\n`);
        code = EXIT_LIMIT; break;
      }
      const r = m.run(Math.min(chunk, left));
      board.uart.flush();
      vmm?.flushConsoles();
      if (r.reason === 'exit') { code = r.exitCode ?? 0; break; }
      if (quit) { process.stderr.write('\nvmscope: terminated (Ctrl-A X)\n'); code = 0; break; }
      if (r.reason === 'stopped' && board.finish?.kind === 'reset') { board.reboot(); continue; }
      if (r.reason === 'halted' && con.inputOpen() && (o.timeout === undefined || elapsed() < o.timeout)) {
        // Every hart waits for an interrupt; console input may still bring one (UART → PLIC).
        await new Promise<void>((res) => setTimeout(res, 5));
        continue;
      }
      if (r.reason === 'halted') {
        process.stderr.write(`\nvmscope: every hart waits for an interrupt that cannot arrive\n${where(board)}\n`);
        code = EXIT_HALTED; break;
      }
      if (o.timeout !== undefined && elapsed() >= o.timeout) {
        process.stderr.write(`\nvmscope: timeout (${o.timeout} s) reached\n${where(board)}\n`);
        code = EXIT_LIMIT; break;
      }
      // let console input and output through
      await new Promise<void>((res) => setImmediate(res));
    }
  } finally {
    con.detach();
    board.uart.flush();
    vmm?.flushConsoles();
  }
  if (trace !== undefined) await new Promise<void>((res) => trace.end(res));
  if (o.stats || forceStats) process.stderr.write(`\n--- vmscope summary ---\nexit code: ${code}\n${summary(board, elapsed(), vmm)}\n`);
  return code;
}

async function cmdRun(o: RunOptions, forceStats = false): Promise<number> {
  const stdout = (b: Uint8Array) => { process.stdout.write(b); };
  const drives: OpenDrive[] = [];
  try {
    for (const d of o.drives) drives.push(openDrive(d));
    return await bootAndRun(o, forceStats, makeBoard(o, stdout, drives), drives);
  } finally {
    // the guest's unflushed writes reach the image files now (never for readonly/snapshot drives)
    for (const d of drives) d.finish();
  }
}

/**
 * --mode vm: the built-in VMM boots the kernel as the guest of each VM. A single VM's console is the terminal;
 * with several, each line is prefixed with its VM's name.
 */
function bootVms(o: RunOptions, board: VirtBoard, out: (b: Uint8Array) => void, drives: OpenDrive[]): Vmm {
  const kernelFile = o.kernel ?? o.program!;
  const kernel = readImage(kernelFile, o.kernel !== undefined ? '--kernel' : 'program');
  const initrd = o.initrd !== undefined ? readImage(o.initrd, '--initrd') : undefined;
  const configs: VmConfig[] = [];
  for (let i = 0; i < o.vms; i++) configs.push({ kernel, initrd, append: o.append, memory: o.vmMemory, vcpus: o.smp, mmu: o.mmu });
  // Disks and devices go to the first VM (a disk cannot be shared between running kernels).
  configs[0].drives = drives.map((d) => d.backend);
  configs[0].entropySeed = o.entropySeed;
  configs[0].virtioConsole = o.virtioConsole !== undefined;
  for (const a of o.assign) (configs[a.vm].assign ??= []).push(board.assignable(a.device));
  const lineStart = configs.map(() => true);
  const consoleOf = (vm: number, bytes: Uint8Array) => {
    if (o.vms === 1) { out(bytes); return; }
    let text = '';
    for (const b of bytes) {
      if (lineStart[vm]) text += `vm${vm}| `;
      text += String.fromCharCode(b);
      lineStart[vm] = b === 10;
    }
    out(Buffer.from(text, 'latin1'));
  };
  const vmm = new Vmm(board.machine, configs, {
    console: consoleOf,
    exit: (code) => board.machine.requestExit(code),
    iommuFault: (vm, f) => {
      process.stderr.write(`vmscope: vm${vm}: IOMMU refused DMA of device 0x${f.deviceId.toString(16)} at 0x${f.iotval.toString(16)}: ${f.causeName}\n`);
    },
  }, { device: board.iommu, base: IOMMU_BASE });
  vmm.boot();
  return vmm;
}

async function bootAndRun(o: RunOptions, forceStats: boolean, board: VirtBoard, drives: OpenDrive[] = []): Promise<number> {
  if (o.mode === 'vm') {
    const vmm = bootVms(o, board, (b) => { process.stdout.write(b); }, drives);
    return runBoard(board, o, forceStats, vmm);
  }
  const builtinSbi = o.bios === 'builtin';
  const biosFile = o.bios === 'default' ? defaultFirmware() : builtinSbi ? undefined : o.bios;
  const bios = biosFile !== undefined && biosFile !== 'none' ? readImage(biosFile, '--bios') : undefined;
  const kernelFile = o.kernel ?? o.program;
  const kernel = kernelFile !== undefined ? readImage(kernelFile, o.kernel !== undefined ? '--kernel' : 'program') : undefined;
  // A program given by itself must be an ELF; --kernel and --bios also take raw images, as in QEMU.
  if (o.program !== undefined && kernel !== undefined && !isElf(kernel.bytes)) {
    throw new LoadError(`${o.program}: not an ELF file (bad magic); use --kernel FILE for a raw image`);
  }
  const initrd = o.initrd !== undefined ? readImage(o.initrd, '--initrd') : undefined;
  board.load({ bios, kernel, initrd, append: o.append, builtinSbi });
  return runBoard(board, o, forceStats);
}

async function main(argv: string[]): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseArgs(argv);
    switch (cmd.name) {
      case 'help': process.stdout.write(HELP); return 0;
      case 'version': process.stdout.write(`vmscope ${VERSION}\n`); return 0;
      case 'dumpdtb': {
        const board = makeBoard(cmd.run, () => undefined);
        const kernel = cmd.run.kernel ?? cmd.run.program;
        // with a kernel (and initrd), the tree is the one the boot would produce: initrd placement included
        if (kernel !== undefined) {
          board.load({ kernel: readImage(kernel, '--kernel'), append: cmd.run.append,
            initrd: cmd.run.initrd !== undefined ? readImage(cmd.run.initrd, '--initrd') : undefined });
        } else if (cmd.run.initrd !== undefined) {
          throw new UsageError('dumpdtb: --initrd is placed relative to a kernel: give --kernel too');
        }
        const dtb = board.dtb(cmd.run.append);
        writeFileSync(cmd.arg!, dtb);
        process.stderr.write(`vmscope: device tree (${dtb.length} bytes) written to ${cmd.arg}\n`);
        return 0;
      }
      case 'demo': {
        // The demo is the example kernel (examples/minikernel) in S-mode under the built-in SBI: Sv39 address
        // spaces, user processes, timer interrupts and system calls, with no firmware to install.
        const demo = path.join(examplesDir(), 'minikernel.elf');
        if (!existsSync(demo)) throw new UsageError(`the demo guest is missing (${demo}); run examples/build.sh`);
        process.stderr.write(`vmscope demo: booting ${path.relative(process.cwd(), demo)} in S-mode under the built-in SBI ` +
          `on the virt board (${cmd.run.memory / 1048576} MiB, ${cmd.run.smp} hart${cmd.run.smp > 1 ? 's' : ''})\n\n`);
        return await cmdRun({ ...cmd.run, kernel: demo, program: undefined, bios: 'builtin' }, true);
      }
      case 'run': return await cmdRun(cmd.run, false);
      case 'dap': {
        const server = await startDapServer(cmd.dap!.port, cmd.dap!.host);
        process.stderr.write(`vmscope: debug adapter listening on ${cmd.dap!.host}:${server.port}\n`);
        return await new Promise<number>(() => undefined);      // serves until the process is ended
      }
      case 'compare': {
        const k = cmd.run.kernel ?? cmd.run.program!;
        return cmdCompare(cmd.run, readImage(k, cmd.run.kernel !== undefined ? '--kernel' : 'program'), (t) => process.stdout.write(t));
      }
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof LoadError || e instanceof RangeError) {
      process.stderr.write(`vmscope: error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // stdin may still hold the event loop open (a pipe or a TTY): leave once output is written
  process.stdout.write('', () => process.exit(code));
}, (e: unknown) => {
  process.stderr.write(`vmscope: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(70);
});
