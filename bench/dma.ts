// DMA throughput of the copy engine with and without the IOMMU: straight to RAM, through the IOMMU in Bare mode,
// and translated with a VM's G-stage table (device assignment) over a working set that fits the IOTLB and one that
// does not. The engine is driven through its registers, as a driver would; no guest instructions run.

import { GUEST_RAM_BASE, IOMMU_BASE, VirtBoard, Vmm } from '../core';
import { CE, CE_STATUS_DONE, CopyEngine } from '../core/devices/copyEngine';
import { RamDma } from '../core/devices/dma';

const MiB = 1 << 20;

interface Row { name: string; mbps: number; hitRate: number }

function transfer(ce: CopyEngine, src: number, dst: number, len: number): void {
  ce.write(CE.SRC_LO, 4, src % 2 ** 32); ce.write(CE.SRC_HI, 4, Math.floor(src / 2 ** 32));
  ce.write(CE.DST_LO, 4, dst % 2 ** 32); ce.write(CE.DST_HI, 4, Math.floor(dst / 2 ** 32));
  ce.write(CE.LEN, 4, len);
  ce.write(CE.DOORBELL, 4, 1);
  if (ce.read(CE.STATUS, 4) !== CE_STATUS_DONE) throw new Error(`transfer 0x${src.toString(16)} -> 0x${dst.toString(16)} failed`);
}

/** Copies `total` bytes in `len`-byte transfers between random page-aligned places of a `span`-byte region, after
 *  one untimed pass over the region (the host's first touch of a page is not DMA cost). */
function run(ce: CopyEngine, base: number, span: number, len: number, total: number): number {
  for (let a = 0; a + 2 * len <= span; a += 2 * len) transfer(ce, base + a, base + a + len, len);
  let x = 12345;
  const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) % ((span - len) / 4096); };
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < total; done += len) transfer(ce, base + next() * 4096, base + next() * 4096, len);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function benchDma(): void {
  const total = 256 * MiB, len = 64 * 1024;
  const rows: Row[] = [];
  const quiet = { consoleWrite: () => undefined };
  {
    const board = new VirtBoard({ memorySize: 128 * MiB, host: quiet });
    const ram = new RamDma(board.machine.ram);
    const ce = new CopyEngine(() => ram);
    const s = run(ce, GUEST_RAM_BASE + 16 * MiB, 64 * MiB, len, total);
    rows.push({ name: 'no IOMMU (RAM port)', mbps: total / MiB / s, hitRate: NaN });
  }
  {
    const board = new VirtBoard({ memorySize: 128 * MiB, host: quiet, copyEngine: true });
    const s = run(board.copyEngine!, GUEST_RAM_BASE + 16 * MiB, 64 * MiB, len, total);
    rows.push({ name: 'IOMMU Bare', mbps: total / MiB / s, hitRate: NaN });
  }
  for (const [name, span] of [['assigned, 2 MiB set', 2 * MiB], ['assigned, 64 MiB set', 64 * MiB]] as const) {
    const board = new VirtBoard({ memorySize: 192 * MiB, host: quiet, copyEngine: true });
    const kernel = { name: 'spin', bytes: new Uint8Array([0x6f, 0, 0, 0]) };
    new Vmm(board.machine, [{ kernel, memory: 128 * MiB, vcpus: 1, mmu: 'nested', assign: [board.assignable('copy-engine')] }],
      { console: () => undefined, exit: () => undefined }, { device: board.iommu, base: IOMMU_BASE });
    const st = board.iommu.stats;
    const h0 = st.iotlbHits, m0 = st.iotlbMisses;
    const s = run(board.copyEngine!, GUEST_RAM_BASE + 16 * MiB, span, len, total);
    const hits = st.iotlbHits - h0, misses = st.iotlbMisses - m0;
    rows.push({ name, mbps: total / MiB / s, hitRate: hits / (hits + misses) });
  }
  console.log('\nDMA (copy engine, 64 KiB transfers, 256 MiB in all)');
  console.log('path'.padEnd(24) + 'MiB/s'.padStart(9) + 'IOTLB hits'.padStart(12));
  for (const r of rows) {
    console.log(r.name.padEnd(24) + r.mbps.toFixed(0).padStart(9) + (Number.isNaN(r.hitRate) ? '-' : (100 * r.hitRate).toFixed(1) + '%').padStart(12));
  }
}
