// Benchmarks: runs the compute workloads of examples/bench (bare M-mode and S-mode under Sv39) and prints
// MIPS per workload, and the same ELF on qemu-system-riscv64 when it is installed, as a ratio; then the
// guest builds of the workloads under the built-in VMM (nested and shadow paging) against the same kernel on
// bare hardware and on QEMU under examples/minivisor; DMA throughput with and without the IOMMU; DAP round-trip latency.
// Usage: npm run bench [-- --filter NAME] [--no-qemu] [--repeat N]

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { VirtBoard } from '../core';
import { type CompareRow, runConfig } from '../cli/compare';
import { benchDma } from './dma';
import { benchDap } from './dap';
import { parseArgs } from '../cli/options';

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

/**
 * The guest builds (bench-<name>-guest.elf: S-mode under Sv39, SBI for output and exit): on bare hardware under
 * the built-in SBI, and as the guest of the built-in VMM with nested and with shadow paging; QEMU runs the same
 * guest under its own H extension, inside examples/minivisor (minivisor-<name>.elf), for scale.
 */
function benchVirt(qemu: boolean, qemuStartup: number): void {
  const guests = readdirSync(dir).filter((f) => f.startsWith('bench-') && f.endsWith('-guest.elf') && f.includes(filter)).sort();
  if (guests.length === 0) return;
  const fw = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
  console.log('\nguests of the built-in VMM (MIPS = guest instructions per second; refs = walk memory references)');
  console.log('workload'.padEnd(12) + 'instructions'.padStart(13) + 'bare'.padStart(8) + 'nested'.padStart(8) + 'shadow'.padStart(8) +
    'n/bare'.padStart(8) + 's/n'.padStart(7) + 'exits/s n'.padStart(11) + 'exits/s s'.padStart(11) + 'refs/walk n'.padStart(12) +
    'refs/walk s'.padStart(12) + 'refs/kinsn n'.padStart(13) + 'refs/kinsn s'.padStart(13) + (qemu ? 'QEMU+mv'.padStart(9) + 'n/QEMU'.padStart(8) : ''));
  const opts = parseArgs(['compare', 'x']).run;
  for (const f of guests) {
    const file = path.join(dir, f);
    const kernel = { name: f, bytes: new Uint8Array(readFileSync(file)) };
    const best = (config: CompareRow['config']): CompareRow => {
      let b: CompareRow | undefined;
      for (let i = 0; i < repeat; i++) { const r = runConfig(config, kernel, opts, 2_000_000_000); if (b === undefined || r.seconds < b.seconds) b = r; }
      return b!;
    };
    const [bare, nested, shadow] = [best('bare'), best('nested'), best('shadow')];
    const mips = (r: CompareRow) => r.guestInsns / r.seconds / 1e6;
    const name = f.replace(/^bench-/, '').replace(/-guest\.elf$/, '');
    const ok = bare.finished && nested.finished && shadow.finished && bare.output === nested.output && nested.output === shadow.output;
    let qcol = '';
    const mv = path.join(dir, `minivisor-${name}.elf`);
    if (qemu && existsSync(mv) && existsSync(fw)) {
      const q0 = process.hrtime.bigint();
      spawnSync('qemu-system-riscv64', [...QEMU_VIRT, '-bios', fw, '-kernel', mv], { stdio: 'ignore', timeout: 300_000 });
      const qs = Math.max(Number(process.hrtime.bigint() - q0) / 1e9 - qemuStartup, 1e-3);
      const qmips = bare.guestInsns / qs / 1e6;
      qcol = qmips.toFixed(1).padStart(9) + `${((100 * mips(nested)) / qmips).toFixed(0)}%`.padStart(8);
    }
    const perWalk = (r: CompareRow) => (r.walks > 0 ? (r.walkRefs / r.walks).toFixed(2) : '-');
    const perK = (r: CompareRow) => ((1000 * r.walkRefs) / Math.max(1, r.guestInsns)).toFixed(2);
    console.log(name.padEnd(12) + bare.guestInsns.toLocaleString('en-US').padStart(13) + mips(bare).toFixed(1).padStart(8) +
      mips(nested).toFixed(1).padStart(8) + mips(shadow).toFixed(1).padStart(8) +
      `${((100 * mips(nested)) / mips(bare)).toFixed(0)}%`.padStart(8) + `${(nested.seconds > 0 ? shadow.seconds / nested.seconds : 0).toFixed(2)}x`.padStart(7) +
      (nested.exits / nested.seconds).toFixed(0).padStart(11) + (shadow.exits / shadow.seconds).toFixed(0).padStart(11) +
      perWalk(nested).padStart(12) + perWalk(shadow).padStart(12) + perK(nested).padStart(13) + perK(shadow).padStart(13) + qcol +
      (ok ? '' : '  OUTPUTS DIFFER OR DID NOT FINISH'));
  }
  console.log('n/bare: nested MIPS as a share of bare; s/n: shadow time / nested time (below 1: shadow faster)');
}

async function main(): Promise<void> {
  if (!existsSync(dir)) { console.error(`no workloads: ${dir} is missing`); process.exit(2); }
  const files = readdirSync(dir).filter((f) => f.startsWith('bench-') && f.endsWith('.elf') && !f.endsWith('-guest.elf') &&
    f.includes(filter)).sort();
  if (files.length === 0 && !['linux', 'minikernel', 'dma', 'dap'].some((w) => w.includes(filter))) { console.error('no workloads match'); process.exit(2); }
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
  benchVirt(qemu, qemuStartup);
  if (filter === '' || 'dma'.includes(filter)) benchDma();
  if (filter === '' || 'dap'.includes(filter)) await benchDap();
  if (filter === '' || 'linux'.includes(filter)) benchLinux(qemu);
}

void main();
