// The device tree the virt board hands to firmware and kernels (a1 at entry), generated from the board's actual
// configuration. Node names, compatibles and layout follow QEMU's virt machine so that kernels find what they expect.

import { FdtWriter } from './fdt';

export interface DtbConfig {
  harts: number;
  ramBase: number;
  ramSize: number;
  timebaseHz: number;
  isa: string;
  isaExtensions: string[];
  mmuType: string;
  bootargs?: string;
  initrd?: { start: number; end: number };
  uart: { base: number; size: number; irq?: number; clockHz: number };
  /** Devices a board may leave out (a VM's board has only what its hypervisor emulates). */
  clint?: { base: number; size: number };
  finisher?: { base: number; size: number };
  plic?: { base: number; size: number; sources: number };
  rtc?: { base: number; size: number; irq: number };
  virtio?: { base: number; stride: number; size: number; slots: number; irq: number };
  /** The RISC-V IOMMU (platform device, wired interrupts: one per vector). */
  iommu?: { base: number; size: number; irqs: number[] };
  /** The DMA copy engine; `deviceId` is its id at the IOMMU (an `iommus` reference when the IOMMU is listed). */
  copyEngine?: { base: number; size: number; irq: number; deviceId: number };
}

const PH_CPU_INTC = 1;           // phandles 1..harts: per-hart interrupt controllers
const phTest = (cfg: DtbConfig) => cfg.harts + 1;
const phPlic = (cfg: DtbConfig) => cfg.harts + 2;
const phIommu = (cfg: DtbConfig) => cfg.harts + 3;

const hex = (n: number) => n.toString(16);
const reg64 = (base: number, size: number) => [hi(base), lo(base), hi(size), lo(size)];
function hi(n: number): number { return Math.floor(n / 4294967296); }
function lo(n: number): number { return n >>> 0; }

export function buildVirtDtb(cfg: DtbConfig): Uint8Array {
  const w = new FdtWriter();
  w.beginNode('')
    .prop('#address-cells', 2).prop('#size-cells', 2)
    .prop('compatible', 'riscv-virtio').prop('model', 'riscv-virtio,qemu');

  w.beginNode('chosen');
  if (cfg.bootargs !== undefined && cfg.bootargs !== '') w.prop('bootargs', cfg.bootargs);
  w.prop('stdout-path', `/soc/serial@${hex(cfg.uart.base)}`);
  if (cfg.initrd !== undefined) {
    w.prop('linux,initrd-start', BigInt(cfg.initrd.start)).prop('linux,initrd-end', BigInt(cfg.initrd.end));
  }
  w.endNode();

  w.beginNode(`memory@${hex(cfg.ramBase)}`)
    .prop('device_type', 'memory').prop('reg', reg64(cfg.ramBase, cfg.ramSize)).endNode();

  w.beginNode('cpus').prop('#address-cells', 1).prop('#size-cells', 0).prop('timebase-frequency', cfg.timebaseHz);
  for (let i = 0; i < cfg.harts; i++) {
    w.beginNode(`cpu@${i}`)
      .prop('device_type', 'cpu').prop('reg', i).prop('status', 'okay').prop('compatible', 'riscv')
      .prop('riscv,isa', cfg.isa).prop('riscv,isa-base', 'rv64i').prop('riscv,isa-extensions', cfg.isaExtensions)
      .prop('mmu-type', cfg.mmuType);
    w.beginNode('interrupt-controller')
      .prop('#interrupt-cells', 1).prop('interrupt-controller', null).prop('compatible', 'riscv,cpu-intc')
      .prop('phandle', PH_CPU_INTC + i).endNode();
    w.endNode();
  }
  w.beginNode('cpu-map').beginNode('cluster0');
  for (let i = 0; i < cfg.harts; i++) w.beginNode(`core${i}`).prop('cpu', PH_CPU_INTC + i).endNode();
  w.endNode().endNode();
  w.endNode();

  w.beginNode('soc').prop('#address-cells', 2).prop('#size-cells', 2).prop('compatible', 'simple-bus').prop('ranges', null);

  if (cfg.clint !== undefined) {
    const clintIrqs: number[] = [];
    for (let i = 0; i < cfg.harts; i++) clintIrqs.push(PH_CPU_INTC + i, 3, PH_CPU_INTC + i, 7);   // MSI, MTI
    w.beginNode(`clint@${hex(cfg.clint.base)}`)
      .prop('compatible', ['sifive,clint0', 'riscv,clint0'])
      .prop('reg', reg64(cfg.clint.base, cfg.clint.size)).prop('interrupts-extended', clintIrqs).endNode();
  }

  if (cfg.plic !== undefined) {
    const plicIrqs: number[] = [];
    for (let i = 0; i < cfg.harts; i++) plicIrqs.push(PH_CPU_INTC + i, 11, PH_CPU_INTC + i, 9);   // M and S external
    w.beginNode(`plic@${hex(cfg.plic.base)}`)
      .prop('phandle', phPlic(cfg)).prop('riscv,ndev', cfg.plic.sources - 1)
      .prop('reg', reg64(cfg.plic.base, cfg.plic.size)).prop('interrupts-extended', plicIrqs)
      .prop('interrupt-controller', null).prop('compatible', ['sifive,plic-1.0.0', 'riscv,plic0'])
      .prop('#address-cells', 0).prop('#interrupt-cells', 1).endNode();
  }

  w.beginNode(`serial@${hex(cfg.uart.base)}`)
    .prop('compatible', 'ns16550a').prop('reg', reg64(cfg.uart.base, cfg.uart.size))
    .prop('clock-frequency', cfg.uart.clockHz);
  if (cfg.uart.irq !== undefined && cfg.plic !== undefined) w.prop('interrupts', cfg.uart.irq).prop('interrupt-parent', phPlic(cfg));
  w.endNode();

  // virtio-mmio transports, highest address first as QEMU writes them (kernels probe them in DTB order)
  if (cfg.virtio !== undefined && cfg.plic !== undefined) {
    for (let n = cfg.virtio.slots - 1; n >= 0; n--) {
      const base = cfg.virtio.base + n * cfg.virtio.stride;
      w.beginNode(`virtio_mmio@${hex(base)}`)
        .prop('interrupts', cfg.virtio.irq + n).prop('interrupt-parent', phPlic(cfg))
        .prop('reg', reg64(base, cfg.virtio.stride)).prop('compatible', 'virtio,mmio').endNode();
    }
  }

  if (cfg.rtc !== undefined && cfg.plic !== undefined) {
    w.beginNode(`rtc@${hex(cfg.rtc.base)}`)
      .prop('interrupts', cfg.rtc.irq).prop('interrupt-parent', phPlic(cfg))
      .prop('reg', reg64(cfg.rtc.base, cfg.rtc.size)).prop('compatible', 'google,goldfish-rtc').endNode();
  }

  // The IOMMU as the Linux binding for a platform RISC-V IOMMU describes it (compatible "riscv,iommu", one
  // device-id cell). The virtio-mmio nodes carry no `iommus` reference: a kernel without an IOMMU driver would
  // hold their probe back; their DMA goes through the IOMMU all the same (docs/iommu.md).
  if (cfg.iommu !== undefined && cfg.plic !== undefined) {
    w.beginNode(`iommu@${hex(cfg.iommu.base)}`)
      .prop('phandle', phIommu(cfg)).prop('#iommu-cells', 1)
      .prop('interrupts', cfg.iommu.irqs).prop('interrupt-parent', phPlic(cfg))
      .prop('reg', reg64(cfg.iommu.base, cfg.iommu.size)).prop('compatible', 'riscv,iommu').endNode();
  }

  if (cfg.copyEngine !== undefined && cfg.plic !== undefined) {
    w.beginNode(`dma@${hex(cfg.copyEngine.base)}`)
      .prop('interrupts', cfg.copyEngine.irq).prop('interrupt-parent', phPlic(cfg))
      .prop('reg', reg64(cfg.copyEngine.base, cfg.copyEngine.size)).prop('compatible', 'vmscope,copy-engine');
    if (cfg.iommu !== undefined) w.prop('iommus', [phIommu(cfg), cfg.copyEngine.deviceId]);
    w.endNode();
  }

  if (cfg.finisher !== undefined) {
    w.beginNode(`test@${hex(cfg.finisher.base)}`)
      .prop('compatible', ['sifive,test1', 'sifive,test0', 'syscon'])
      .prop('reg', reg64(cfg.finisher.base, cfg.finisher.size)).prop('phandle', phTest(cfg)).endNode();
  }
  w.endNode();   // soc

  if (cfg.finisher !== undefined) {
    w.beginNode('poweroff').prop('compatible', 'syscon-poweroff').prop('regmap', phTest(cfg))
      .prop('offset', 0).prop('value', 0x5555).endNode();
    w.beginNode('reboot').prop('compatible', 'syscon-reboot').prop('regmap', phTest(cfg))
      .prop('offset', 0).prop('value', 0x7777).endNode();
  }

  w.endNode();
  return w.finish();
}
