// Device assignment through the IOMMU: the VMM programs the board's IOMMU so that the copy engine it gives to a VM
// translates DMA with that VM's G-stage table. A containment fuzz test drives the engine with random transfers (as
// the guest's driver would: guest physical addresses) and checks every transfer against a model of the VM's memory.
import { strict as assert } from 'node:assert';
import * as A from '../support/asm';
import { VirtBoard, IOMMU_BASE } from '../../core/board/virt';
import { GUEST_RAM_BASE, type MmuMode, VMM_FRAMES, Vmm } from '../../core/vmm/vmm';
import { CE, CE_IRQ_DONE, CE_STATUS_DONE, CE_STATUS_ERROR, COPY_ENGINE_DEVICE_ID, COPY_ENGINE_IRQ } from '../../core/devices/copyEngine';
import type { IommuFault } from '../../core/iommu/iommu';
import { PLIC_BASE } from '../../core/devices/plic';

const MiB = 1 << 20;
const GUEST_MEM = 4 * MiB;
const TRANSFERS = 1500;

function rng(seed: number): () => number {
  let x = Math.imul(seed, 0x9e3779b1) | 1;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x >>> 0; };
}

function fnv(u8: Uint8Array, from: number, to: number, h = 0x811c9dc5): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ u8[i], 0x01000193);
  return h >>> 0;
}

function setup(mmu: MmuMode) {
  const board = new VirtBoard({ memorySize: 2 * GUEST_MEM + 16 * MiB, harts: 2, host: { consoleWrite: () => undefined }, copyEngine: true });
  const kernel = { name: 'spin', bytes: new Uint8Array(new Uint32Array([A.self()]).buffer) };
  const faults: [number, IommuFault][] = [];
  const vmm = new Vmm(board.machine, [
    { kernel, memory: GUEST_MEM, vcpus: 1, mmu, assign: [board.assignable('copy-engine')] },
    { kernel, memory: GUEST_MEM, vcpus: 1, mmu },
  ], { console: () => undefined, exit: () => undefined, iommuFault: (vm, f) => faults.push([vm, f]) },
  { device: board.iommu, base: IOMMU_BASE });
  vmm.boot();
  return { board, vmm, faults, ce: board.copyEngine! };
}

function start(ce: ReturnType<typeof setup>['ce'], src: number, dst: number, len: number, pid = -1): void {
  ce.write(CE.SRC_LO, 4, src % 2 ** 32); ce.write(CE.SRC_HI, 4, Math.floor(src / 2 ** 32));
  ce.write(CE.DST_LO, 4, dst % 2 ** 32); ce.write(CE.DST_HI, 4, Math.floor(dst / 2 ** 32));
  ce.write(CE.LEN, 4, len);
  ce.write(CE.PROCESS, 4, pid < 0 ? 0 : (0x8000_0000 | pid) >>> 0);
  ce.write(CE.DOORBELL, 4, 1);
}

describe('device assignment: the copy engine owned by a VM, behind the IOMMU', () => {
  it('the VMM programs the device context through the IOMMU: iohgatp = the VM\'s Sv39x4 G-stage root, GSCID = its VMID', () => {
    const { board, vmm } = setup('nested');
    const vm = vmm.vms[0];
    const dcs = board.iommu.deviceContexts();
    assert.deepEqual(dcs.map((d) => d.deviceId), [COPY_ENGINE_DEVICE_ID]);
    const dc = dcs[0];
    assert.equal(dc.valid, true);
    assert.equal(dc.misconfigured, null);
    assert.equal(dc.iohgatp.mode, 'Sv39x4');
    assert.equal(dc.iohgatp.rootPpn, vm.gstage.root / 4096);
    assert.equal(dc.iohgatp.gscid, vm.vmid);
    assert.ok(vmm.iommu!.commands > 0, 'invalidations went through the command queue');
    // A guest physical address translates to the host page the pmap gives it, step by step, without side effects.
    const t = board.iommu.translateDebug(COPY_ENGINE_DEVICE_ID, GUEST_RAM_BASE + 0x12345);
    assert.equal(t.ok, true);
    assert.equal(t.spa, vm.pmap.hostAddr(GUEST_RAM_BASE + 0x12345, false));
    assert.ok(t.steps.some((s) => s.kind === 'S2'));
    // The other VM's memory is not in the device's reach.
    const other = board.iommu.translateDebug(COPY_ENGINE_DEVICE_ID, GUEST_RAM_BASE + GUEST_MEM + 0x1000);
    assert.equal(other.ok, false);
  });

  it('completion raises the VM\'s interrupt source, not the board\'s', () => {
    const { board, vmm, ce } = setup('shadow');
    ce.write(CE.IRQ_ENABLE, 4, CE_IRQ_DONE);
    start(ce, GUEST_RAM_BASE, GUEST_RAM_BASE + 0x1000, 64);
    assert.equal(ce.read(CE.STATUS, 4), CE_STATUS_DONE);
    const pendingWord = (plic: { read(o: number, s: 4): number }) => plic.read(0x1000 + (COPY_ENGINE_IRQ >>> 5) * 4, 4);
    assert.notEqual(pendingWord(vmm.vms[0].plic) & (1 << COPY_ENGINE_IRQ), 0);
    assert.equal(pendingWord(vmm.vms[1].plic) & (1 << COPY_ENGINE_IRQ), 0);
    assert.equal(board.machine.bus.read(PLIC_BASE + 0x1000, 4), 0);
    assert.equal(board.machine.bus.lo & (1 << COPY_ENGINE_IRQ), 0);
  });

  for (const mmu of ['nested', 'shadow'] as const) {
    it(`containment fuzz (${mmu}): ${TRANSFERS} random transfers land exactly as translated or are faults; nothing else changes`, () => {
      const { board, vmm, faults, ce } = setup(mmu);
      const vm = vmm.vms[0];
      const ram = board.machine.ram;
      const frames = vmm.frames;
      // Model of the VM's memory, and a checksum of every host page that is neither the VM's nor the VMM's IOMMU
      // structures (its fault queue takes records).
      const model = new Uint8Array(GUEST_MEM);
      const r = rng(mmu === 'nested' ? 7 : 11);
      for (let i = 0; i < GUEST_MEM; i += 4096) {
        const page = new Uint8Array(4096);
        for (let k = 0; k < 4096; k += 4) new DataView(page.buffer).setUint32(k, r());
        assert.ok(vm.dma.write(GUEST_RAM_BASE + i, page));
        model.set(page, i);
      }
      const outside = (): number => {
        let h = 0x811c9dc5;
        for (let pa = ram.base; pa < ram.base + ram.size; pa += 4096) {
          const o = frames.ownerOf(pa);
          if (o === vm.id || o === VMM_FRAMES) continue;
          h = fnv(ram.u8, pa - ram.base, pa - ram.base + 4096, h);
        }
        return h;
      };
      const before = outside();
      const inRam = (a: number, n: number) => a >= GUEST_RAM_BASE && a + n <= GUEST_RAM_BASE + GUEST_MEM;
      const pick = (): number => {
        switch (r() % 6) {
          case 0: return GUEST_RAM_BASE + GUEST_MEM - 1 - (r() % 20000);              // near the top: crosses out
          case 1: return GUEST_RAM_BASE + GUEST_MEM + (r() % (2 * GUEST_MEM));        // the other VM / host pages
          case 2: return r() % GUEST_RAM_BASE;                                       // devices, MMIO, nothing
          case 3: return (r() % 0x100000) * 0x100000000 + r();                       // wide addresses
          default: return GUEST_RAM_BASE + (r() % GUEST_MEM);                        // inside
        }
      };
      let ok = 0, refused = 0, partial = 0;
      const faultsBefore = vmm.iommuFaultCount;
      for (let t = 0; t < TRANSFERS; t++) {
        const src = pick(), dst = pick();
        const len = r() % 4 === 0 ? 1 + (r() % 16384) : 1 + (r() % 600);
        const pid = r() % 16 === 0 ? r() % 8 : -1;
        const nFaults = vmm.iommuFaultCount;
        start(ce, src, dst, len, pid);
        // The model: page-sized pieces in order, each moved only if both sides are inside the VM's RAM.
        let done = 0, fine = pid < 0;
        while (fine && done < len) {
          const s = src + done, d = dst + done;
          const n = Math.min(len - done, 4096 - (s % 4096), 4096 - (d % 4096));
          if (!inRam(s, n) || !inRam(d, n)) { fine = false; break; }
          model.copyWithin(d - GUEST_RAM_BASE, s - GUEST_RAM_BASE, s - GUEST_RAM_BASE + n);
          done += n;
        }
        const st = ce.read(CE.STATUS, 4);
        assert.equal(ce.read(CE.DONE_BYTES, 4), done, `transfer ${t}: 0x${src.toString(16)} -> 0x${dst.toString(16)} (${len})`);
        if (fine) { assert.equal(st, CE_STATUS_DONE); ok++; } else {
          assert.equal(st, CE_STATUS_ERROR, `transfer ${t} should have been refused`);
          // Refused by the IOMMU: a fault record, attributed to the VM that owns the device.
          assert.ok(vmm.iommuFaultCount > nFaults, `transfer ${t}: no IOMMU fault recorded`);
          if (done > 0) partial++; else refused++;
        }
      }
      // The VM's memory is exactly the model; nothing outside it (the other VM, the VMM's tables, free host memory) moved.
      const mem = new Uint8Array(GUEST_MEM);
      assert.ok(vm.dma.read(GUEST_RAM_BASE, mem));
      assert.ok(Buffer.from(mem).equals(Buffer.from(model)), 'VM memory differs from the model');
      assert.equal(outside(), before, 'host memory outside the VM changed');
      assert.ok(ok > TRANSFERS / 5 && refused > TRANSFERS / 5 && partial > 10, `ok ${ok}, refused ${refused}, partial ${partial}`);
      assert.equal(faults.length, vmm.iommuFaultCount - faultsBefore);
      assert.ok(faults.every(([v, f]) => v === 0 && f.deviceId === COPY_ENGINE_DEVICE_ID));
      // The fault queue is kept drained by the VMM, and the IOMMU's own log agrees.
      const q = board.iommu.queueStates().fq;
      assert.equal(q.head, q.tail);
      assert.ok(faults.some(([, f]) => f.cause === 23) && faults.some(([, f]) => f.cause === 21));
    });
  }
});
