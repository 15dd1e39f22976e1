// The built-in VMM (--mode vm) runs the minikernel as a guest under nested and under shadow paging: the same
// console output as on bare hardware, the same guest instruction count in both modes, exits recorded and
// classified; two VMs side by side stay apart. A user's own hypervisor (examples/minivisor) on the H extension
// runs the minikernel too, and its exits are recorded the same way.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { IOMMU_BASE, VirtBoard } from '../../core/board/virt';
import { GUEST_RAM_BASE, type MmuMode, Vmm } from '../../core/vmm/vmm';
import { ExitHandling, ExitReason } from '../../core/vmm/exits';
import { MemoryBlockBackend } from '../../core/devices/virtio/blk';
import { GuestDma } from '../../core/vmm/pmap';

const root = path.resolve(__dirname, '..', '..');
const file = (n: string) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(root, 'examples', 'build', n))) });
const MiB = 1 << 20;

interface VmRun { outputs: string[]; exitCode: number | undefined; instret: number; board: VirtBoard; vmm: Vmm }

function runVms(modes: MmuMode[]): VmRun {
  const outputs = modes.map(() => '');
  const board = new VirtBoard({ memorySize: modes.length * 128 * MiB + 64 * MiB, harts: modes.length, host: { consoleWrite: () => undefined } });
  const vmm = new Vmm(board.machine, modes.map((mmu) => ({ kernel: file('minikernel.elf'), memory: 128 * MiB, vcpus: 1, mmu })), {
    console: (vm, b) => { outputs[vm] += Buffer.from(b).toString('latin1'); },
    exit: (code) => board.machine.requestExit(code),
  });
  vmm.boot();
  const r = board.machine.run(100_000_000);
  return { outputs, exitCode: r.exitCode, instret: board.machine.stats().instret, board, vmm };
}

function runBare(kernel: string): { output: string; exitCode: number | undefined; instret: number; board: VirtBoard } {
  let output = '';
  const board = new VirtBoard({ memorySize: 128 * MiB, harts: 1, host: { consoleWrite: (b) => { output += Buffer.from(b).toString('latin1'); } } });
  board.load({ kernel: file(kernel), builtinSbi: true });
  const r = board.machine.run(100_000_000);
  board.uart.flush();
  return { output, exitCode: r.exitCode, instret: board.machine.stats().instret, board };
}

describe('built-in VMM: the minikernel as a guest', function () {
  this.timeout(120_000);
  const bare = runBare('minikernel.elf');

  it('runs on bare hardware to its end (the reference transcript)', () => {
    assert.equal(bare.exitCode, 0);
    assert.match(bare.output, /minikernel: all processes exited/);
  });

  it('nested paging: the same output; guest-page faults back pages, UART accesses are emulated MMIO exits', () => {
    const r = runVms(['nested']);
    assert.equal(r.exitCode, 0);
    assert.equal(r.outputs[0], bare.output);
    const vm = r.vmm.vms[0];
    const exits = r.board.machine.exits;
    assert.equal(exits.counts[ExitReason.GUEST_PAGE_FAULT], vm.gstage.leaves, 'one exit per page mapped in the G stage');
    assert.ok(exits.counts[ExitReason.MMIO] > 1000, 'the UART is polled and written through exits');
    assert.ok(exits.counts[ExitReason.SBI] >= 4);
    const first = exits.list(0, 1)[0];
    assert.equal(first.reason, ExitReason.GUEST_PAGE_FAULT);
    assert.equal(first.cause, 20, 'the first exit is the fetch of the entry point');
    assert.equal(first.pc, 0x8020_0000n);
    assert.equal(first.gpa, 0x8020_0000n);
    assert.equal(first.handling, ExitHandling.MAPPED);
    const mmio = exits.list().find((e) => e.reason === ExitReason.MMIO)!;
    assert.equal(mmio.handling, ExitHandling.EMULATED);
    assert.ok(mmio.gpa >= 0x1000_0000n && mmio.gpa < 0x1000_1000n);
    assert.ok((mmio.htinst & 3) === 3 || (mmio.htinst & 3) === 1, 'a transformed load/store');
  });

  it('shadow paging: the same output, and exactly the guest instruction count of nested paging', () => {
    const nested = runVms(['nested']);
    const shadow = runVms(['shadow']);
    assert.equal(shadow.exitCode, 0);
    assert.equal(shadow.outputs[0], bare.output);
    assert.equal(shadow.instret, nested.instret);
    const exits = shadow.board.machine.exits;
    assert.ok(exits.counts[ExitReason.SHADOW_FAULT] > 0);
    assert.ok(exits.counts[ExitReason.VTVM] > 0, 'satp writes and sfence.vma trap');
    assert.equal(exits.counts[ExitReason.GUEST_PAGE_FAULT], 0, 'hgatp is Bare');
    const sh = shadow.vmm.vms[0].shadow!;
    assert.ok(sh.fills > 0 && sh.resyncs > 0 && sh.spaces.length >= 1);
    const [st] = shadow.vmm.stats();
    assert.equal(st.mmu, 'shadow');
    assert.equal(st.shadow!.fills, sh.fills);
    assert.equal(st.gstageTables, 0);
    assert.ok(st.pagesBacked > 40);
    const t = shadow.board.machine.translationStats();
    assert.ok(t.guestWalks > 0 && t.hostWalks === 0, 'every walk was a guest walk');
    assert.ok(t.guestWalkRefs / t.guestWalks < 4, 'shadow walks are one-stage: at most 3 references each (plus restarts)');
    const tn = nested.board.machine.translationStats();
    assert.ok(tn.guestWalkRefs / tn.guestWalks > 6, 'nested walks are two-dimensional');
    assert.equal(exits.counts[ExitReason.MMIO], nested.board.machine.exits.counts[ExitReason.MMIO], 'the same device accesses');
  });

  it('two VMs (one nested, one shadow) run side by side on their own harts with disjoint host memory', () => {
    const r = runVms(['nested', 'shadow']);
    assert.equal(r.exitCode, 0);
    assert.equal(r.outputs[0], bare.output);
    assert.equal(r.outputs[1], bare.output);
    const [a, b] = r.vmm.vms;
    const hostA = new Set(a.pmap.mappings().map(([, h]) => h)), hostB = new Set(b.pmap.mappings().map(([, h]) => h));
    for (const h of hostA) assert.ok(!hostB.has(h), `host page 0x${h.toString(16)} belongs to both VMs`);
    assert.ok(!hostA.has(a.gstage.root) && !hostB.has(a.gstage.root), 'the G-stage root is in no guest');
    const vmsOfExits = new Set(r.board.machine.exits.list().map((e) => e.vm));
    assert.deepEqual([...vmsOfExits].sort(), [0, 1]);
  });

  const stress: Record<string, string> = {
    ptchurn: 'remaps pages and fences in every form, switching address spaces', tlbstress: 'TLB misses over 8 address spaces',
    pgstress: 'copy-on-write fork, remaps, superpages split and fenced, A/D, ASID reuse, 20 address spaces',
  };
  for (const name of Object.keys(stress)) {
    it(`${name} guest (${stress[name]}): the same checksum and instructions in both modes`, () => {
      const run = (mmu: MmuMode) => {
        let out = '';
        const board = new VirtBoard({ memorySize: 192 * MiB, harts: 1, host: { consoleWrite: () => undefined } });
        const vmm = new Vmm(board.machine, [{ kernel: file(`bench-${name}-guest.elf`), memory: 128 * MiB, vcpus: 1, mmu }], {
          console: (_vm, b) => { out += Buffer.from(b).toString('latin1'); }, exit: (code) => board.machine.requestExit(code),
        });
        vmm.boot();
        const r = board.machine.run(300_000_000);
        return { out, exitCode: r.exitCode, instret: board.machine.stats().instret, vmm };
      };
      const n = run('nested'), sh = run('shadow');
      assert.equal(n.exitCode, 0);
      assert.match(n.out, new RegExp(`^bench ${name} guest checksum=[0-9a-f]{16}\r?\n$`));
      assert.equal(sh.out, n.out);
      assert.equal(sh.instret, n.instret);
      const s = sh.vmm.vms[0].shadow!;
      assert.ok(s.resyncs > 0 && s.fills > 0);
      if (name === 'pgstress') {
        assert.equal(n.out, 'bench pgstress guest checksum=28e25fd5099696a5\n', 'the checksum QEMU computes');
        assert.ok(s.evictions > 0, '20 address spaces exceed the 16 the shadow cache keeps');
      }
    });
  }

  it('with a disk: the guest\'s virtio-blk (served by the VMM, DMA through the pmap) reads what bare hardware reads', () => {
    const image = () => {
      const img = new Uint8Array(1 << 20);
      for (let i = 0; i < 510; i++) img[i] = (i * 7 + 3) & 0xff;
      img[510] = 0x55; img[511] = 0xaa;
      return new MemoryBlockBackend(img);
    };
    let bareOut = '';
    const bb = new VirtBoard({ memorySize: 128 * MiB, harts: 1, drives: [image()], host: { consoleWrite: (b) => { bareOut += Buffer.from(b).toString('latin1'); } } });
    bb.load({ kernel: file('minikernel.elf'), builtinSbi: true });
    bb.machine.run(100_000_000);
    bb.uart.flush();
    assert.match(bareOut, /minikernel: virtio-blk disk, 2048 sectors/);
    for (const mmu of ['nested', 'shadow'] as const) {
      let out = '';
      const board = new VirtBoard({ memorySize: 192 * MiB, harts: 1, host: { consoleWrite: () => undefined } });
      const vmm = new Vmm(board.machine, [{ kernel: file('minikernel.elf'), memory: 128 * MiB, vcpus: 1, mmu, drives: [image()] }], {
        console: (_vm, b) => { out += Buffer.from(b).toString('latin1'); }, exit: (code) => board.machine.requestExit(code),
      });
      vmm.boot();
      assert.equal(board.machine.run(100_000_000).exitCode, 0);
      vmm.flushConsoles();
      assert.equal(out, bareOut, mmu);
    }
  });

  it('an assigned copy engine: the guest driver copies through the IOMMU with guest physical addresses; a DMA past its RAM is refused and recorded', () => {
    let bareOut = '';
    const bb = new VirtBoard({ memorySize: 128 * MiB, harts: 1, copyEngine: true, host: { consoleWrite: (b) => { bareOut += Buffer.from(b).toString('latin1'); } } });
    bb.load({ kernel: file('minikernel.elf'), builtinSbi: true });
    assert.equal(bb.machine.run(100_000_000).exitCode, 0);
    bb.uart.flush();
    assert.match(bareOut, /minikernel: copy engine at 0x10010000: copied 10000 bytes across pages, fnv1a 0x[0-9a-f]{8}, identical\r?\n/);
    assert.match(bareOut, /minikernel: copy engine: DMA to 0x88001000 refused \(fault address 0x88001000, 0 bytes moved\)/);
    // Bare: untranslated, and the address is not RAM: a write access fault (no fault queue is set up to take it).
    assert.deepEqual(bb.iommu.faultLog().map((f) => [f.cause, f.iotval, f.record]), [[7, 0x8800_1000, 'off']]);
    for (const mmu of ['nested', 'shadow'] as const) {
      let out = '';
      const board = new VirtBoard({ memorySize: 192 * MiB, harts: 1, copyEngine: true, host: { consoleWrite: () => undefined } });
      const vmm = new Vmm(board.machine, [{ kernel: file('minikernel.elf'), memory: 128 * MiB, vcpus: 1, mmu, assign: [board.assignable('copy-engine')] }], {
        console: (_vm, b) => { out += Buffer.from(b).toString('latin1'); }, exit: (code) => board.machine.requestExit(code),
      }, { device: board.iommu, base: IOMMU_BASE });
      vmm.boot();
      assert.equal(board.machine.run(100_000_000).exitCode, 0);
      vmm.flushConsoles();
      assert.equal(out, bareOut, mmu);
      // The copy went through the VM's G-stage table; the refused one is one guest-page fault record (write, cause 23).
      assert.ok(board.iommu.stats.iotlbMisses > 0 && board.iommu.stats.dmaBytes >= 2 * 10000, mmu);
      assert.equal(vmm.iommuFaultCount, 1, mmu);
      const f = vmm.iommuFaults[0];
      assert.equal(f.vm, 0);
      assert.equal(f.fault.cause, 23);
      assert.equal(f.fault.iotval, 0x8800_1000);
      assert.equal(board.copyEngine!.transfers, 2);
      // The registers were mapped straight through: no MMIO exit touched the engine.
      assert.ok(board.machine.exits.list(0, 100000).every((e) => e.reason !== ExitReason.MMIO || e.gpa < 0x1001_0000 || e.gpa >= 0x1001_1000));
    }
  });

  it('guest DMA reaches only the VM\'s RAM: a transfer that leaves it moves nothing', () => {
    const board = new VirtBoard({ memorySize: 64 * MiB, harts: 1, host: { consoleWrite: () => undefined } });
    const vmm = new Vmm(board.machine, [{ kernel: file('minikernel.elf'), memory: 16 * MiB, vcpus: 1, mmu: 'nested' }],
      { console: () => undefined, exit: () => undefined });
    const vm = vmm.vms[0];
    const dma = new GuestDma(vm.pmap, board.machine.bus);
    const end = GUEST_RAM_BASE + 16 * MiB;
    assert.equal(dma.write(end - 4, new Uint8Array(8).fill(0xee)), false, 'straddles the end of guest RAM');
    assert.equal(dma.write(0x1000_0000, new Uint8Array(4)), false, 'device space');
    assert.equal(dma.write(2 ** 60, new Uint8Array(4)), false);
    assert.equal(dma.read(end, new Uint8Array(1)), false);
    const live = vm.pmap.live;
    assert.equal(dma.write(end - 8192, Uint8Array.of(1, 2, 3)), true);
    assert.equal(vm.pmap.live, live + 1, 'a DMA write backs the page it lands in');
    const back = new Uint8Array(3);
    assert.ok(dma.read(end - 8192, back));
    assert.deepEqual([...back], [1, 2, 3]);
    assert.equal(vmm.frames.ownerOf(vm.pmap.hostAddr(end - 8192, false)), 0);
  });

  it('refuses more vCPUs than harts, with a clear error', () => {
    const board = new VirtBoard({ memorySize: 256 * MiB, harts: 1, host: { consoleWrite: () => undefined } });
    assert.throws(() => new Vmm(board.machine, [{ kernel: file('minikernel.elf'), memory: 64 * MiB, vcpus: 2, mmu: 'nested' }],
      { console: () => undefined, exit: () => undefined }), /2 vCPUs need as many harts; the machine has 1/);
    assert.equal(GUEST_RAM_BASE, 0x8000_0000);
  });
});

describe('examples/minivisor: a hypervisor written in C on the H extension', function () {
  this.timeout(120_000);

  it('runs the minikernel as its VS-mode guest with the same transcript; its exits are recorded with their cost', () => {
    const bare = runBare('minikernel.elf');
    const mv = runBare('minivisor.elf');
    assert.equal(mv.exitCode, 0);
    const strip = (s: string) => s.split('\n').filter((l) => !l.startsWith('minivisor')).join('\n');
    assert.equal(strip(mv.output), bare.output);
    assert.match(mv.output, /minivisor: VM exits: 47 guest-page faults mapping RAM, \d+ UART and 8 virtio-mmio accesses emulated/);
    const exits = mv.board.machine.exits;
    assert.ok(exits.counts[ExitReason.GUEST_PAGE_FAULT] > 2000);
    assert.ok(exits.counts[ExitReason.SBI] > 0);
    const rec = exits.list().filter((e) => e.reason === ExitReason.GUEST_PAGE_FAULT);
    assert.ok(rec.every((e) => e.handling === ExitHandling.GUEST_HYPERVISOR));
    assert.ok(rec.some((e) => e.hostInsns > 20), 'the hypervisor spends instructions on each exit');
  });
});
