// Benchmarks: runs the compute workloads of examples/bench (bare M-mode and S-mode under Sv39) and prints
// MIPS per workload, and the same ELF on qemu-system-riscv64 when it is installed, as a ratio.
// Usage: npm run bench [-- --filter NAME] [--no-qemu] [--repeat N]

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { VirtBoard } from '../core';

interface Result { name: string; insns: number; seconds: number; mips: number; checksum: string; exit: number; tlbHitRate: number }

const args = process.argv.slice(2);
const filter = args.includes('--filter') ? args[args.indexOf('--filter') + 1] : '';
const useQemu = !args.includes('--no-qemu');
const repeat = args.includes('--repeat') ? Number(args[args.indexOf('--repeat') + 1]) : 1;
const dir = path.resolve(__dirname, '..', 'examples', 'build');
/** QEMU's virt board with the hart configured like vmscope's (its default CPU also has the H extension). */
const QEMU_VIRT = ['-M', 'virt', '-cpu', 'rv64,h=true', '-m', '128M', '-nographic'];

function runOurs(file: string): Result {
  let out = '';
  const board = new VirtBoard({ memorySize: 128 << 20, host: { consoleWrite: (b) => { out += Buffer.from(b).toString('latin1'); } } });
  board.load({ kernel: { name: file, bytes: new Uint8Array(readFileSync(file)) } });
  const m = board.machine;
  const t0 = process.hrtime.bigint();
  let exit = -1;
  for (let i = 0; i < 1000; i++) {
    const r = m.run(50_000_000);
    if (r.reason === 'exit') { exit = r.exitCode ?? 0; break; }
    if (r.reason === 'halted') break;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  board.uart.flush();
  const s = m.stats();
  const lookups = s.tlbHits + s.tlbMisses;
  return {
    name: path.basename(file, '.elf'), insns: s.instret, seconds, mips: s.instret / seconds / 1e6,
    checksum: /checksum=(\S+)/.exec(out)?.[1] ?? '?', exit, tlbHitRate: lookups > 0 ? s.tlbHits / lookups : NaN,
  };
}

function qemuAvailable(): boolean {
  return spawnSync('qemu-system-riscv64', ['--version']).status === 0;
}

/** Wall time of the same ELF on QEMU (TCG), and its checksum line. Startup time is measured and subtracted. */
function runQemu(file: string): { seconds: number; checksum: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('qemu-system-riscv64', [...QEMU_VIRT, '-bios', 'none', '-kernel', file],
    { encoding: 'latin1', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, checksum: /checksum=(\S+)/.exec(r.stdout ?? '')?.[1] ?? '?' };
}

/**
 * Linux boot (when examples/linux/build.sh has been run): OpenSBI fw_dynamic + kernel + initramfs to the init
 * marker, on vmscope and on QEMU, with the instructions vmscope retired.
 */
function benchLinux(qemu: boolean): void {
  const out = path.resolve(__dirname, '..', 'examples', 'linux', 'out');
  const fw = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
  if (!existsSync(path.join(out, 'Image')) || !existsSync(fw)) {
    console.log('linux boot: skipped (needs examples/linux/build.sh and the opensbi package)');
    return;
  }
  for (const harts of [1, 4]) {
    let text = '';
    const board = new VirtBoard({ memorySize: 128 << 20, harts, rtcEpochMs: 0,
      host: { consoleWrite: (b) => { text += Buffer.from(b).toString('latin1'); } } });
    board.load({
      bios: { name: fw, bytes: new Uint8Array(readFileSync(fw)) },
      kernel: { name: 'Image', bytes: new Uint8Array(readFileSync(path.join(out, 'Image'))) },
      initrd: { name: 'init.cpio', bytes: new Uint8Array(readFileSync(path.join(out, 'init.cpio'))) },
      append: 'console=ttyS0',
    });
    const t0 = process.hrtime.bigint();
    let atInit = NaN, insnsAtInit = 0;
    for (let i = 0; i < 2000; i++) {
      const r = board.machine.run(1_000_000);
      board.uart.flush();
      if (Number.isNaN(atInit) && text.includes('VMSCOPE-LINUX-BOOT-OK')) {
        atInit = Number(process.hrtime.bigint() - t0) / 1e9;
        insnsAtInit = board.machine.stats().instret;
      }
      if (r.reason !== 'limit') break;
    }
    const mips = insnsAtInit / atInit / 1e6;
    let qcol = '';
    if (qemu) {
      const q0 = process.hrtime.bigint();
      spawnSync('qemu-system-riscv64', [...QEMU_VIRT, '-smp', String(harts),
        '-bios', fw, '-kernel', path.join(out, 'Image'), '-initrd', path.join(out, 'init.cpio'), '-append', 'console=ttyS0'],
      { stdio: 'ignore', timeout: 300_000 });
      const qs = Number(process.hrtime.bigint() - q0) / 1e9;
      qcol = `; QEMU ${qs.toFixed(2)} s to power-off (vmscope/QEMU time ${(atInit / qs).toFixed(1)}x)`;
    }
    console.log(`linux boot, ${harts} hart${harts > 1 ? 's' : ''}: init marker after ${atInit.toFixed(2)} s, ` +
      `${insnsAtInit.toLocaleString('en-US')} instructions (${mips.toFixed(1)} MIPS)${qcol}`);
  }
}

/** The example kernel under the built-in SBI: time and instructions to its last line, and QEMU (OpenSBI) for scale. */
function benchMinikernel(qemu: boolean): void {
  const file = path.join(dir, 'minikernel.elf');
  if (!existsSync(file)) return;
  let text = '';
  const board = new VirtBoard({ memorySize: 128 << 20, rtcEpochMs: 0,
    host: { consoleWrite: (b) => { text += Buffer.from(b).toString('latin1'); } } });
  board.load({ kernel: { name: file, bytes: new Uint8Array(readFileSync(file)) }, builtinSbi: true });
  const t0 = process.hrtime.bigint();
  board.machine.run(500_000_000);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const insns = board.machine.stats().instret;
  const ok = text.includes('minikernel: all processes exited');
  let qcol = '';
  if (qemu) {
    const q0 = process.hrtime.bigint();
    spawnSync('qemu-system-riscv64', [...QEMU_VIRT, '-bios', 'default',
      '-kernel', file], { stdio: 'ignore', timeout: 120_000 });
    qcol = `; QEMU with OpenSBI ${(Number(process.hrtime.bigint() - q0) / 1e9).toFixed(2)} s`;
  }
  console.log(`minikernel (built-in SBI): ${ok ? 'ran to the end' : 'DID NOT FINISH'} in ${seconds.toFixed(2)} s, ` +
    `${insns.toLocaleString('en-US')} instructions (${(insns / seconds / 1e6).toFixed(1)} MIPS)${qcol}`);
}

function main(): void {
  if (!existsSync(dir)) { console.error(`no workloads: ${dir} is missing`); process.exit(2); }
  const files = readdirSync(dir).filter((f) => f.startsWith('bench-') && f.endsWith('.elf') && f.includes(filter)).sort();
  if (files.length === 0 && !'linux'.includes(filter) && !'minikernel'.includes(filter)) { console.error('no workloads match'); process.exit(2); }
  const qemu = useQemu && qemuAvailable();
  let qemuStartup = 0;
  if (qemu) {
    // QEMU's own start-up, measured with a program that exits at once.
    const quick = readdirSync(dir).find((f) => f.startsWith('isa-'));
    if (quick !== undefined) qemuStartup = Math.min(...[0, 1, 2].map(() => runQemu(path.join(dir, quick)).seconds));
  }
  console.log(`vmscope benchmarks (node ${process.version}${qemu ? `, QEMU start-up ${qemuStartup.toFixed(2)} s subtracted` : ', QEMU not installed'})`);
  if (files.length > 0) console.log('workload'.padEnd(24) + 'instructions'.padStart(14) + 'seconds'.padStart(9) + 'MIPS'.padStart(9) +
    'TLB hit'.padStart(9) + (qemu ? 'QEMU MIPS'.padStart(11) + 'ratio'.padStart(8) : '') + '  checksum');
  const all: Result[] = [];
  for (const f of files) {
    const file = path.join(dir, f);
    let best: Result | undefined;
    for (let i = 0; i < repeat; i++) {
      const r = runOurs(file);
      if (best === undefined || r.seconds < best.seconds) best = r;
    }
    const r = best!;
    all.push(r);
    let qcol = '';
    let check = r.checksum;
    if (qemu) {
      const q = runQemu(file);
      const qs = Math.max(q.seconds - qemuStartup, 1e-3);
      const qmips = r.insns / qs / 1e6;
      qcol = qmips.toFixed(0).padStart(11) + `${((100 * r.mips) / qmips).toFixed(1)}%`.padStart(8);
      if (q.checksum !== r.checksum) check += ` (QEMU: ${q.checksum} — MISMATCH)`;
    }
    console.log(r.name.padEnd(24) + r.insns.toLocaleString('en-US').padStart(14) + r.seconds.toFixed(2).padStart(9) +
      r.mips.toFixed(1).padStart(9) + (Number.isNaN(r.tlbHitRate) ? '-' : (100 * r.tlbHitRate).toFixed(2) + '%').padStart(9) +
      qcol + '  ' + check + (r.exit !== 0 ? `  (exit ${r.exit})` : ''));
  }
  const geo = all.length === 0 ? NaN : Math.exp(all.reduce((a, r) => a + Math.log(r.mips), 0) / all.length);
  if (all.length > 0) console.log(`geometric mean: ${geo.toFixed(1)} MIPS; peak RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
  if (filter === '' || 'minikernel'.includes(filter)) benchMinikernel(qemu);
  if (filter === '' || 'linux'.includes(filter)) benchLinux(qemu);
}

main();
