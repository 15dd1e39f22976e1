// The built-in VMM: a hypervisor written in TypeScript that runs as the machine's HS-level software. It hosts
// VMs whose vCPUs are ordinary S-mode kernels running in VS-mode, each vCPU pinned to a hart of its own (no
// world switches: the hart's VS CSRs are the vCPU's). Traps from a guest into HS-mode reach handleTrap(),
// which serves them natively (SBI calls, guest-page faults, device emulation) and returns with an SRET, as
// a hypervisor's trap handler would.
//
// Memory is virtualized per VM either with nested paging (the VMM builds G-stage tables from the VM's pmap on
// guest-page faults; the hardware walks both stages) or with shadow paging (shadow.ts). See docs/vmm.md.

import type { Machine } from '../machine';
import { EXIT_INVISIBLE, EXIT_RETIRED, Hart, PRIV_S, PRIV_U } from '../cpu/hart';
import { Exc, MIP_VSEIP, S_INTS, VS_INTS } from '../cpu/causes';
import { Csr, HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_VTVM, MSTATUS_MXR, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_SUM } from '../cpu/csrNumbers';
import { MENVCFG_ADUE_HI, MENVCFG_STCE_HI, csrWrite } from '../cpu/csr';
import { decode } from '../isa/decode';
import { Op } from '../isa/opcodes';
import { TwoStageRequest, TwoStageResult } from '../mmu/twoStage';
import { Access, PagingMode, WalkStatus } from '../mmu/walk';
import { ACCESS_FAULT, GUEST_PAGE_FAULT, GUEST_VMID_BASE, prepareGuestWalk } from '../cpu/mem';
import { transformInsn } from '../cpu/tinst';
import { buildVirtDtb } from '../board/virtDtb';
import { UART_BASE, UART_IRQ, UART_SIZE, Uart16550 } from '../devices/uart16550';
import { PLIC_BASE, PLIC_SIZE, PLIC_SOURCES, Plic } from '../devices/plic';
import type { MmioDevice } from '../devices/device';
import {
  VIRTIO_MMIO_BASE, VIRTIO_MMIO_IRQ, VIRTIO_MMIO_SIZE, VIRTIO_MMIO_SLOTS, VIRTIO_MMIO_STRIDE, VirtioMmio, type VirtioDevice,
} from '../devices/virtio/mmio';
import { type BlockBackend, VirtioBlk } from '../devices/virtio/blk';
import { VirtioRng } from '../devices/virtio/rng';
import { VirtioConsole } from '../devices/virtio/console';
import { type ImageFile, placeImage } from '../loader/place';
import { LoadError } from '../loader/elf';
import { GuestDma, HostFrames, Pmap } from './pmap';
import type { Iommu, IommuFault } from '../iommu/iommu';
import { IommuDriver } from '../iommu/driver';
import { DEVICE_LEAF, GStageTables } from './gstage';
import { type GuestSatp, ShadowMmu, ShadowOutcome } from './shadow';
import { ExitHandling, ExitReason } from './exits';
import { GuestSbi } from './sbi';

export type MmuMode = 'nested' | 'shadow';

/** One VM to create. */
export interface VmConfig {
  kernel: ImageFile;
  initrd?: ImageFile;
  append?: string;
  /** Guest RAM in bytes (at guest physical 0x8000_0000). */
  memory: number;
  vcpus: number;
  mmu: MmuMode;
  /** Disks for the guest: virtio-blk devices served by the VMM (DMA through the VM's pmap only). */
  drives?: BlockBackend[];
  /** A virtio entropy device seeded with this number. */
  entropySeed?: number;
  /** A virtio console (its output is the VM's console). */
  virtioConsole?: boolean;
  /** Board devices given to the VM (device assignment): their registers are mapped into the guest at the same
   *  address, their interrupt goes to the VM's PLIC, and their DMA is translated and confined by the IOMMU. */
  assign?: AssignedDevice[];
}

/** A board device a VM owns. */
export interface AssignedDevice {
  /** Name for messages and the device tree ('copy-engine'). */
  name: string;
  device: MmioDevice & { irqLine: ((level: boolean) => void) | null };
  /** Host physical register window (page aligned); the guest sees it at the same guest physical address. */
  base: number;
  size: number;
  /** Interrupt source number, on the board's PLIC and on the VM's. */
  irq: number;
  /** Device id at the IOMMU. */
  deviceId: number;
}

/** What the VMM needs from around it. */
export interface VmmHost {
  /** Console output of VM `vm` (its UART and SBI console). */
  console(vm: number, bytes: Uint8Array): void;
  /** Every VM has shut down: the machine exits with this code. */
  exit(code: number): void;
  /** A DMA of a device assigned to VM `vm` was refused by the IOMMU (optional: the debugger's event). */
  iommuFault?(vm: number, fault: IommuFault): void;
}

/** The IOMMU the VMM programs for device assignment: the board's, at `base` on the bus. */
export interface VmmIommu { device: Iommu; base: number }

/** An IOMMU fault of an assigned device, as the VMM recorded it. */
export interface VmmIommuFault { vm: number; device: string; fault: IommuFault }

/** Owner tag of the host frames that hold the VMM's IOMMU structures (no VM's). */
export const VMM_FRAMES = -2;
const IOMMU_FAULT_LOG = 1024;

export const GUEST_RAM_BASE = 0x8000_0000;
/** The ISA a guest sees: the host's without H (no nested virtualization) and without Svadu. */
export const GUEST_ISA = 'rv64imafdc_zicntr_zicsr_zifencei_zihpm_zba_zbb_zbs_zicond_sstc';
const GUEST_ISA_EXTENSIONS = ['i', 'm', 'a', 'f', 'd', 'c', 'zicntr', 'zicsr', 'zifencei', 'zihpm', 'zba', 'zbb', 'zbs', 'zicond', 'sstc'];
/** Exceptions a guest kernel handles itself (hedeleg): everything of its own except what the VMM must see. */
const GUEST_EXCEPTIONS = (1 << Exc.INSN_MISALIGNED) | (1 << Exc.INSN_ACCESS) | (1 << Exc.ILLEGAL_INSN) | (1 << Exc.BREAKPOINT) |
  (1 << Exc.LOAD_MISALIGNED) | (1 << Exc.LOAD_ACCESS) | (1 << Exc.STORE_MISALIGNED) | (1 << Exc.STORE_ACCESS) |
  (1 << Exc.ECALL_U) | (1 << Exc.INSN_PAGE_FAULT) | (1 << Exc.LOAD_PAGE_FAULT) | (1 << Exc.STORE_PAGE_FAULT);
/** Page faults: the guest's own with nested paging, the VMM's (shadow misses) with shadow paging. */
const SHADOW_FAULTS = (1 << Exc.INSN_PAGE_FAULT) | (1 << Exc.LOAD_PAGE_FAULT) | (1 << Exc.STORE_PAGE_FAULT);
/** Everything but ecall from M goes to HS (medeleg); what the guest handles goes on to VS. */
const HS_EXCEPTIONS = 0xb7ff | (0xf << 20);

export const enum VcpuState { STOPPED = 0, STARTED = 1 }

export class Vcpu {
  state = VcpuState.STOPPED;
  /** Shadow paging: the guest's own satp (the hart's vsatp holds the shadow root). */
  readonly satp: GuestSatp = { mode: 0, asid: 0, ppn: 0 };
  constructor(readonly vm: Vm, readonly index: number, readonly hart: Hart) {}
}

export class Vm {
  readonly vcpus: Vcpu[] = [];
  readonly pmap: Pmap;
  readonly gstage: GStageTables;
  /** Shadow paging state (null for nested paging). */
  readonly shadow: ShadowMmu | null;
  /** The VM's devices, emulated by the VMM with the board's own models: a 16550 UART (its console) and a PLIC
   *  whose S-mode contexts raise the vCPUs' VS-level external interrupts (hvip.VSEIP). */
  readonly uart: Uart16550;
  readonly plic: Plic;
  /** The VM's guest-physical memory as its devices (and the VMM's loader and SBI) reach it. */
  readonly dma: GuestDma;
  /** The VM's virtio console, if it has one. */
  readonly vconsole: VirtioConsole | null = null;
  /** Emulated device pages: [base, size, device]. */
  readonly devices: [number, number, MmioDevice][];
  /** Where the guest's kernel starts, and its DTB. */
  entry = 0n;
  dtbAddr = 0;
  /** Set when the guest shut down (SBI SRST): its exit status. */
  exitCode: number | undefined;

  constructor(readonly id: number, readonly config: VmConfig, readonly vmid: number, frames: HostFrames, machine: Machine,
    /** The VM's console output (its UART and its SBI console calls). */
    readonly console: (bytes: Uint8Array) => void) {
    this.pmap = new Pmap(GUEST_RAM_BASE, config.memory, frames, id);
    this.gstage = new GStageTables(machine.bus, frames, id);
    this.shadow = config.mmu === 'shadow' ? new ShadowMmu(machine.bus, this.pmap, frames, id) : null;
    this.uart = new Uart16550(console);
    this.plic = new Plic(config.vcpus, (vcpu, priv, level) => {
      if (priv !== 1) return;                                  // the guest has no M-mode contexts to serve
      const h = this.vcpus[vcpu].hart;
      h.mipSw = level ? h.mipSw | MIP_VSEIP : h.mipSw & ~MIP_VSEIP;
      h.irqCheck = true;
      h.breakLoop = true;
    });
    this.uart.irqLine = (level) => this.plic.setLevel(UART_IRQ, level);
    this.devices = [[UART_BASE, UART_SIZE, this.uart], [PLIC_BASE, PLIC_SIZE, this.plic]];
    // virtio-mmio slots, filled from the top as on the board (the first disk in slot 7 is the guest's vda); their
    // DMA reaches only this VM's memory.
    const virtio: VirtioDevice[] = (config.drives ?? []).map((d, i) => new VirtioBlk(d, i));
    if (config.entropySeed !== undefined) virtio.push(new VirtioRng(config.entropySeed));
    if (config.virtioConsole === true) { this.vconsole = new VirtioConsole(console); virtio.push(this.vconsole); }
    if (virtio.length > VIRTIO_MMIO_SLOTS) throw new LoadError(`vm${id}: at most ${VIRTIO_MMIO_SLOTS} virtio devices (got ${virtio.length})`);
    this.dma = new GuestDma(this.pmap, machine.bus);
    for (const a of config.assign ?? []) {
      this.pmap.mmio.push({ gpa: a.base, size: a.size, hpa: a.base });
      a.device.irqLine = (level) => this.plic.setLevel(a.irq, level);
    }
    const dma = this.dma;
    for (let n = 0; n < VIRTIO_MMIO_SLOTS; n++) {
      const d = VIRTIO_MMIO_SLOTS - 1 - n;
      const slot = new VirtioMmio(dma, d < virtio.length ? virtio[d] : null, `vm${id} virtio-mmio@${n}`);
      slot.irq = (level) => this.plic.setLevel(VIRTIO_MMIO_IRQ + n, level);
      this.devices.push([VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_STRIDE, VIRTIO_MMIO_SIZE, slot]);
    }
  }
}

/** Memory-virtualization statistics of one VM. */
export interface VmStats {
  id: number;
  mmu: MmuMode;
  vcpus: number;
  /** Guest RAM in bytes, and the guest pages backed by host pages so far. */
  memory: number;
  pagesBacked: number;
  /** Nested paging: G-stage table pages and 4 KiB leaves written. */
  gstageTables: number;
  gstageLeaves: number;
  /** Shadow paging: live spaces and table pages, shadow misses taken, leaves filled, resyncs (sfence/satp), evictions. */
  shadow?: { spaces: number; tablePages: number; faults: number; fills: number; resyncs: number; evictions: number };
  exitCode?: number;
}

/** What a guest access to an emulated device decoded to. */
interface MmioAccess { store: boolean; size: number; signed: boolean; reg: number; len: number }

export class Vmm {
  readonly vms: Vm[] = [];
  readonly frames: HostFrames;
  private readonly byHart: (Vcpu | undefined)[] = [];
  private readonly sbi: GuestSbi;
  private readonly tsReq = new TwoStageRequest();
  private readonly tsRes = new TwoStageResult();
  /** The IOMMU driver, when a VM owns a device. */
  readonly iommu: IommuDriver | null = null;
  /** Refused DMA of assigned devices (the last IOMMU_FAULT_LOG), and how many in all. */
  readonly iommuFaults: VmmIommuFault[] = [];
  iommuFaultCount = 0;

  constructor(readonly machine: Machine, configs: VmConfig[], private readonly host: VmmHost, iommu?: VmmIommu) {
    const total = configs.reduce((n, c) => n + c.vcpus, 0);
    if (configs.length === 0) throw new LoadError('the VMM needs at least one VM');
    if (total > machine.harts.length) {
      throw new LoadError(`${total} vCPUs need as many harts; the machine has ${machine.harts.length}`);
    }
    // All of host RAM is the VMM's: guest pages and its own tables come from one frame allocator.
    this.frames = new HostFrames(machine.bus, GUEST_RAM_BASE, machine.ramSize);
    let hart = 0;
    configs.forEach((c, i) => {
      const vm = new Vm(i, c, i + 1, this.frames, machine, (b) => host.console(i, b));
      for (let k = 0; k < c.vcpus; k++) {
        const v = new Vcpu(vm, k, machine.harts[hart]);
        vm.vcpus.push(v);
        this.byHart[hart++] = v;
      }
      this.vms.push(vm);
    });
    if (this.vms.some((vm) => (vm.config.assign ?? []).length > 0)) this.iommu = this.assignDevices(iommu);
    this.sbi = new GuestSbi(this);
    machine.exitContext = (h) => {
      const v = this.byHart[h.id];
      return v === undefined ? [-1, h.id] : [v.vm.id, v.index];
    };
    machine.setHypervisor((h) => this.handleTrap(h));
  }

  /**
   * Device assignment (docs/iommu.md): programs the IOMMU — through its registers and queues, as a hypervisor's
   * driver does — so that each assigned device translates DMA with its VM's G-stage table (iohgatp = the VM's
   * pmap as Sv39x4, GSCID = its VMID). The guest's driver then programs guest physical addresses, and nothing
   * outside the VM's RAM is reachable. The VM's memory is backed and mapped up front (pinned), since a device
   * cannot take a guest-page fault and wait for the VMM.
   */
  private assignDevices(iommu: VmmIommu | undefined): IommuDriver {
    if (iommu === undefined) throw new LoadError('device assignment needs the board\'s IOMMU');
    const alloc = (): number => {
      const pa = this.frames.alloc(VMM_FRAMES);
      if (pa < 0) throw new LoadError('host memory exhausted: no room for the IOMMU\'s tables');
      return pa;
    };
    const drv = new IommuDriver(this.machine.bus, iommu.base, alloc);
    drv.init({ mode: '1LVL' });
    const owner = new Map<number, [Vm, string]>();
    for (const vm of this.vms) {
      const assigned = vm.config.assign ?? [];
      if (assigned.length === 0) continue;
      for (let gpa = vm.pmap.base; gpa < vm.pmap.base + vm.pmap.size; gpa += 4096) {
        const hpa = vm.pmap.hostPage(gpa, true);
        if (hpa < 0 || !vm.gstage.map(gpa, hpa)) throw new LoadError(`vm${vm.id}: host memory exhausted pinning its memory for ${assigned[0].name}`);
      }
      for (const a of assigned) {
        if (owner.has(a.deviceId)) throw new LoadError(`${a.name} is assigned to two VMs`);
        owner.set(a.deviceId, [vm, a.name]);
        drv.setDeviceContext(a.deviceId, { iohgatp: { mode: 'sv39x4', rootPpn: vm.gstage.root / 4096, gscid: vm.vmid } });
      }
    }
    iommu.device.onFault = (f) => {
      const o = owner.get(f.deviceId);
      if (o === undefined) return;
      this.iommuFaultCount++;
      if (this.iommuFaults.length >= IOMMU_FAULT_LOG) this.iommuFaults.shift();
      this.iommuFaults.push({ vm: o[0].id, device: o[1], fault: f });
      drv.drainFaults();                         // the VMM keeps the fault queue empty
      this.host.iommuFault?.(o[0].id, f);
    };
    return drv;
  }

  /** Loads every VM's kernel (and initrd, DTB) into its memory and starts vCPU 0 of each; other harts park. */
  boot(): void {
    for (const vm of this.vms) this.loadVm(vm);
    for (const h of this.machine.harts) {
      const v = this.byHart[h.id];
      this.setupHart(h, v);
      if (v !== undefined && v.index === 0) this.startVcpu(v, v.vm.entry, BigInt(v.vm.dtbAddr));
      else this.park(h);
    }
  }

  /** Each VM's memory-virtualization statistics (exits and walks: Machine.exits and Machine.translationStats()). */
  stats(): VmStats[] {
    return this.vms.map((vm) => {
      const sh = vm.shadow;
      return {
        id: vm.id, mmu: vm.config.mmu, vcpus: vm.vcpus.length, memory: vm.config.memory, pagesBacked: vm.pmap.live,
        gstageTables: sh === null ? vm.gstage.tables : 0, gstageLeaves: vm.gstage.leaves,
        shadow: sh === null ? undefined : {
          spaces: sh.spaces.length, tablePages: sh.livePages(), faults: sh.faults, fills: sh.fills, resyncs: sh.resyncs,
          evictions: sh.evictions,
        },
        exitCode: vm.exitCode,
      };
    });
  }

  /** The vCPU pinned to a hart. */
  vcpuOf(h: Hart): Vcpu | undefined {
    return this.byHart[h.id];
  }

  private loadVm(vm: Vm): void {
    const c = vm.config;
    const end = GUEST_RAM_BASE + c.memory;
    const write = (gpa: number, bytes: Uint8Array) => this.writeGuest(vm, gpa, bytes);
    const k = placeImage(c.kernel, GUEST_RAM_BASE + 2 * 1024 * 1024, GUEST_RAM_BASE, end, write);
    vm.entry = k.entry;
    let initrd: { start: number; end: number } | undefined;
    if (c.initrd !== undefined) {
      const size = c.initrd.bytes.length;
      const start = Math.ceil((k.start + Math.min(c.memory / 2, 128 << 20)) / 4096) * 4096;
      if (start + size > end) throw new LoadError(`${c.initrd.name}: initrd of ${size} bytes does not fit in the VM's memory`);
      write(start, c.initrd.bytes);
      initrd = { start, end: start + size };
    }
    const ce = (c.assign ?? []).find((a) => a.name === 'copy-engine');
    const dtb = buildVirtDtb({
      harts: c.vcpus, ramBase: GUEST_RAM_BASE, ramSize: c.memory, timebaseHz: this.machine.timebaseHz,
      isa: GUEST_ISA, isaExtensions: GUEST_ISA_EXTENSIONS, mmuType: 'riscv,sv57', bootargs: c.append, initrd,
      uart: { base: UART_BASE, size: UART_SIZE, irq: UART_IRQ, clockHz: 3_686_400 },
      plic: { base: PLIC_BASE, size: PLIC_SIZE, sources: PLIC_SOURCES },
      virtio: { base: VIRTIO_MMIO_BASE, stride: VIRTIO_MMIO_STRIDE, size: VIRTIO_MMIO_SIZE, slots: VIRTIO_MMIO_SLOTS, irq: VIRTIO_MMIO_IRQ },
      copyEngine: ce === undefined ? undefined : { base: ce.base, size: ce.size, irq: ce.irq, deviceId: ce.deviceId },
    });
    vm.dtbAddr = Math.floor((end - dtb.length) / (2 << 20)) * (2 << 20);
    if (vm.dtbAddr < k.end) vm.dtbAddr = Math.floor((end - dtb.length) / 8) * 8;
    write(vm.dtbAddr, dtb);
  }

  /** Writes bytes into a VM's guest physical memory (backing the pages), through its DMA port. */
  writeGuest(vm: Vm, gpa: number, bytes: Uint8Array): void {
    if (!vm.dma.write(gpa, bytes)) {
      throw new LoadError(`guest memory exhausted or [0x${gpa.toString(16)}, +0x${bytes.length.toString(16)}) outside the VM's RAM`);
    }
  }

  /** Reads bytes of a VM's guest physical memory; null if any byte is outside its RAM (unbacked pages read 0). */
  readGuest(vm: Vm, gpa: number, len: number): Uint8Array | null {
    if (len < 0) return null;
    const out = new Uint8Array(len);
    return vm.dma.read(gpa, out) ? out : null;
  }

  /** M- and HS-level set-up of a hart for its vCPU, as the VMM's boot code would do it. */
  private setupHart(h: Hart, v: Vcpu | undefined): void {
    h.pmp.writeAddr(0, 2 ** 54 - 1);                  // PMP open: isolation is the G stage's job
    h.pmp.writeCfg(0, 0x1f, 0);
    h.medeleg = HS_EXCEPTIONS;
    h.mideleg = S_INTS | VS_INTS;
    h.mcounteren = 7;
    h.menvcfgHi |= MENVCFG_STCE_HI | MENVCFG_ADUE_HI;
    h.mstatus |= 1 << 13;                               // FS = Initial: guests may use the FPU
    // With shadow paging the VMM sees the guest's page faults (shadow misses) and, through hstatus.VTVM, its
    // satp accesses and sfence.vma; the G stage is Bare (shadow entries map straight to host pages).
    const shadow = v !== undefined && v.vm.shadow !== null;
    h.hedeleg = shadow ? GUEST_EXCEPTIONS & ~SHADOW_FAULTS : GUEST_EXCEPTIONS;
    h.hstatus = shadow ? HSTATUS_VTVM : 0;
    h.hideleg = VS_INTS;
    h.hcounteren = 7;
    // Sstc for the guest (it may program vstimecmp through stimecmp), and hardware A/D updates in its tables.
    h.henvcfgHi = MENVCFG_STCE_HI | MENVCFG_ADUE_HI;
    if (v !== undefined && !shadow) {
      w(h, Csr.HGATP, (8n << 60n) | (BigInt(v.vm.vmid) << 44n) | BigInt(v.vm.gstage.root / 4096));
    }
    h.tlb.flushAll();
    h.mmuContextChanged();
  }

  /** Starts a vCPU at `pc` in VS-mode with a0 = its hart id, a1 = `arg` (SBI HSM hart_start, boot). */
  startVcpu(v: Vcpu, pc: bigint, arg: bigint): void {
    const h = v.hart;
    h.vsstatus = 0;
    h.vsatpMode = 0; h.vsatpAsid = 0; h.vsatpPpn = 0;
    v.satp.mode = 0; v.satp.asid = 0; v.satp.ppn = 0;
    if (v.vm.shadow !== null && !this.activateShadow(v)) { this.stopVm(v.vm, 1, 'host memory exhausted (shadow tables)'); return; }
    h.mie = 0;
    h.mipSw &= ~VS_INTS;
    h.vstimecmpLo = -1; h.vstimecmpHi = -1;
    h.setX(10, BigInt(v.index));
    h.setX(11, arg);
    h.setPc(pc);
    h.hstatus = (h.hstatus & ~HSTATUS_SPVP) | HSTATUS_SPV | HSTATUS_SPVP;
    h.setMode(PRIV_S, true);
    h.waiting = false;
    v.state = VcpuState.STARTED;
    h.irqCheck = true;
    h.host.onStimecmpChange(h);
  }

  /** Parks a hart that runs no vCPU (yet): it waits with nothing that could wake it. */
  park(h: Hart): void {
    h.mie = 0;
    h.waiting = true;
    h.setMode(PRIV_S, false);
    const v = this.byHart[h.id];
    if (v !== undefined) v.state = VcpuState.STOPPED;
  }

  // ---------------- exits ----------------

  /** A trap into HS-mode: the hart is in HS with sepc/scause/stval/htval/htinst set by the trap. */
  handleTrap(h: Hart): void {
    const v = this.byHart[h.id];
    const t = h.lastTrap;
    const seq = this.machine.lastExitSeq;
    const log = this.machine.exits;
    if (v === undefined || !t.fromVirt) {
      // The VMM itself never runs guest code at V=0: nothing to return to.
      this.stopVm(v?.vm, 1, `trap into HS-mode from the hypervisor level (cause ${t.cause})`);
      return;
    }
    if (t.interrupt) {
      log.update(seq, ExitReason.INTERRUPT, ExitHandling.NONE);
      this.resume(h);
      return;
    }
    switch (t.cause) {
      case Exc.ECALL_VS: {
        const handled = this.sbi.call(v);
        log.update(seq, ExitReason.SBI, handled ? ExitHandling.SBI_DONE : ExitHandling.STOPPED);
        if (!handled) return;
        advanceSepc(h, 4);
        this.resume(h);
        return;
      }
      case Exc.INSN_GUEST_PAGE_FAULT: case Exc.LOAD_GUEST_PAGE_FAULT: case Exc.STORE_GUEST_PAGE_FAULT:
        this.guestPageFault(h, v, seq);
        return;
      case Exc.VIRTUAL_INSN:
        if (v.vm.shadow !== null && (h.mstatus & MSTATUS_SPP) !== 0 && this.emulateVtvm(h, v)) {
          log.update(seq, ExitReason.VTVM, ExitHandling.RESYNC);
          return;
        }
        // Anything else is not emulated: the guest gets the illegal instruction it would have got on hardware
        // without the H extension.
        log.update(seq, ExitReason.VIRTUAL_INSTRUCTION, ExitHandling.INJECTED);
        this.inject(h, Exc.ILLEGAL_INSN, h.stvalLo, h.stvalHi);
        return;
      case Exc.INSN_PAGE_FAULT: case Exc.LOAD_PAGE_FAULT: case Exc.STORE_PAGE_FAULT:
        if (v.vm.shadow !== null) { this.shadowFault(h, v, seq); return; }
        log.update(seq, ExitReason.OTHER, ExitHandling.INJECTED);
        this.inject(h, t.cause, h.stvalLo, h.stvalHi);
        return;
      default:
        log.update(seq, ExitReason.OTHER, ExitHandling.INJECTED);
        this.inject(h, t.cause, h.stvalLo, h.stvalHi);
    }
  }

  private guestPageFault(h: Hart, v: Vcpu, seq: number): void {
    const vm = v.vm;
    const log = this.machine.exits;
    const implicit = h.htinst === 0x3000 || h.htinst === 0x3020;
    const gpa = ((h.htvalHi >>> 0) * 4294967296 + (h.htvalLo >>> 0)) * 4 + (implicit ? 0 : h.stvalLo & 3);
    const page = gpa - (gpa % 4096);
    // Guest RAM (backed now if need be), or an assigned device's registers (read/write, never execute): mapped in the
    // G stage, and the guest re-runs the access; later accesses make no exit.
    const ram = vm.pmap.contains(gpa);
    const hpa = ram ? vm.pmap.hostPage(page, true)
      : implicit || h.lastTrap.cause === Exc.INSN_GUEST_PAGE_FAULT ? -1 : vm.pmap.mmioPage(gpa);
    if (ram || hpa >= 0) {
      if (hpa < 0 || !vm.gstage.map(page, hpa, ram ? undefined : DEVICE_LEAF)) {
        this.stopVm(vm, 1, `host memory exhausted mapping guest physical 0x${page.toString(16)}`);
        log.update(seq, ExitReason.GUEST_PAGE_FAULT, ExitHandling.STOPPED, gpa);
        return;
      }
      log.update(seq, ExitReason.GUEST_PAGE_FAULT, ExitHandling.MAPPED, gpa);
      h.exitCredit = EXIT_INVISIBLE;
      this.resume(h);
      return;
    }
    if (!implicit && deviceAt(vm, gpa) !== undefined && this.emulateMmio(h, v, gpa)) {
      log.update(seq, ExitReason.MMIO, ExitHandling.EMULATED, gpa);
      return;
    }
    // Nothing there: the guest gets the access fault real hardware would give it.
    log.update(seq, ExitReason.GUEST_PAGE_FAULT, ExitHandling.INJECTED, gpa);
    this.inject(h, ACCESS_FAULT[GUEST_PAGE_FAULT.indexOf(h.lastTrap.cause)], h.stvalLo, h.stvalHi);
  }

  /** Shadow paging: a page fault in VS/VU-mode is a shadow miss, a device access, or the guest's own fault. */
  private shadowFault(h: Hart, v: Vcpu, seq: number): void {
    const sh = v.vm.shadow!, log = this.machine.exits;
    const cause = h.lastTrap.cause;
    const access = cause === Exc.INSN_PAGE_FAULT ? Access.FETCH : cause === Exc.LOAD_PAGE_FAULT ? Access.LOAD : Access.STORE;
    const priv = (h.mstatus & MSTATUS_SPP) !== 0 ? PRIV_S : PRIV_U;
    const space = sh.spaceFor(v.satp);
    if (space === null) { this.stopVm(v.vm, 1, 'host memory exhausted (shadow tables)'); return; }
    if (!this.installShadow(h, v)) return;
    const out = sh.fault(space, h.stvalLo, h.stvalHi, access, priv, (h.vsstatus & MSTATUS_SUM) !== 0,
      (h.vsstatus & MSTATUS_MXR) !== 0);
    switch (out) {
      case ShadowOutcome.FILLED:
        log.update(seq, ExitReason.SHADOW_FAULT, ExitHandling.MAPPED);
        h.exitCredit = EXIT_INVISIBLE;
        this.resume(h);
        return;
      case ShadowOutcome.GUEST_FAULT:
        log.update(seq, ExitReason.SHADOW_FAULT, ExitHandling.INJECTED);
        this.inject(h, sh.guestCause, h.stvalLo, h.stvalHi);
        return;
      case ShadowOutcome.DEVICE:
        if (access !== Access.FETCH && deviceAt(v.vm, sh.deviceGpa) !== undefined && this.emulateMmio(h, v, sh.deviceGpa)) {
          log.update(seq, ExitReason.MMIO, ExitHandling.EMULATED, sh.deviceGpa);
          return;
        }
        log.update(seq, ExitReason.SHADOW_FAULT, ExitHandling.INJECTED, sh.deviceGpa);
        this.inject(h, ACCESS_FAULT[access], h.stvalLo, h.stvalHi);
        return;
      default:
        log.update(seq, ExitReason.SHADOW_FAULT, ExitHandling.STOPPED);
        this.stopVm(v.vm, 1, 'host memory exhausted');
    }
  }

  /** Points the hart's vsatp at the shadow space of the vCPU's guest satp (switching spaces as needed). */
  private activateShadow(v: Vcpu): boolean {
    return v.vm.shadow!.spaceFor(v.satp) !== null && this.installShadow(v.hart, v);
  }

  /** Writes the real vsatp for v's current guest satp; false (VM stopped) if its space cannot be made. */
  private installShadow(h: Hart, v: Vcpu): boolean {
    const space = v.vm.shadow!.spaceFor(v.satp);
    if (space === null) { this.stopVm(v.vm, 1, 'host memory exhausted (shadow tables)'); return false; }
    v.vm.shadow!.use(v.index, space);
    const real = ShadowMmu.vsatpOf(space);
    if (h.vsatpMode !== real.mode || h.vsatpAsid !== real.asid || h.vsatpPpn !== real.ppn) {
      h.vsatpMode = real.mode; h.vsatpAsid = real.asid; h.vsatpPpn = real.ppn;
      // Another shadow space may have used the same ASID (a Bare guest's identity space uses 0): its
      // translations must not be found under the new root.
      h.tlb.flush(0, 0, false, real.asid, true, GUEST_VMID_BASE);
      h.mmuContextChanged();
    }
    return true;
  }

  /**
   * hstatus.VTVM traps in VS-mode (hypervisor.adoc "Virtual-Instruction Exceptions"): a CSR instruction on satp
   * or sfence.vma, emulated on the guest's satp and the shadow tables. False if the instruction is neither.
   */
  private emulateVtvm(h: Hart, v: Vcpu): boolean {
    const bits = h.stvalLo;
    if ((bits & 0x7f) !== 0x73) return false;
    const f3 = (bits >>> 12) & 7, rd = (bits >>> 7) & 31, rs1 = (bits >>> 15) & 31, rs2 = (bits >>> 20) & 31;
    const sh = v.vm.shadow!;
    if (f3 === 0 && (bits >>> 25) === 0x09 && rd === 0) {
      // sfence.vma rs1, rs2: drop the shadow entries it covers, and what the hart's TLB caches of them.
      const asid = h.xl[rs2] & 0xffff;
      if (sh.sfence(h.xl[rs1], h.xh[rs1], rs1 !== 0, asid, rs2 !== 0)) h.tlb.flushVmid(GUEST_VMID_BASE);
      h.tlb.flush(h.xl[rs1], h.xh[rs1], rs1 !== 0, asid, rs2 !== 0, GUEST_VMID_BASE);
      if (rs1 === 0) for (const o of v.vm.vcpus) if (o !== v) o.hart.tlb.flushVmid(GUEST_VMID_BASE);
      h.mmuContextChanged();
    } else if (f3 !== 0 && f3 !== 4 && (bits >>> 20) === Csr.SATP) {
      const g = v.satp;
      const oldHi = (g.mode << 28) | (g.asid << 12) | Math.floor(g.ppn / 4294967296);
      const oldLo = g.ppn % 4294967296 | 0;
      const imm = f3 >= 5;
      const sLo = imm ? rs1 : h.xl[rs1], sHi = imm ? 0 : h.xh[rs1];
      const kind = f3 & 3;                            // 1 RW, 2 RS, 3 RC
      if (kind === 1 || rs1 !== 0) {
        const nLo = kind === 1 ? sLo : kind === 2 ? oldLo | sLo : oldLo & ~sLo;
        const nHi = kind === 1 ? sHi : kind === 2 ? oldHi | sHi : oldHi & ~sHi;
        const mode = (nHi >>> 28) & 0xf;
        // satp.MODE is WARL: an unsupported mode leaves satp unchanged (supervisor.adoc, satp).
        if (mode === 0 || mode === 8 || mode === 9 || mode === 10) {
          g.mode = mode; g.asid = (nHi >>> 12) & 0xffff; g.ppn = (nHi & 0xfff) * 4294967296 + (nLo >>> 0);
          if (!this.installShadow(h, v)) return true;
        }
      }
      if (rd !== 0) { h.xl[rd] = oldLo; h.xh[rd] = oldHi; }
    } else {
      return false;
    }
    advanceSepc(h, 4);
    h.exitCredit = EXIT_RETIRED;
    this.resume(h);
    return true;
  }

  /** Emulates the faulting load/store on one of the VM's devices; false if it cannot be decoded (not a load/store). */
  private emulateMmio(h: Hart, v: Vcpu, gpa: number): boolean {
    const a = this.decodeAccess(h, v);
    const d = deviceAt(v.vm, gpa);
    if (a === null || d === undefined) return false;
    const [base, , dev] = d;
    const off = gpa - base;
    // Devices take 1, 2 or 4 bytes; an 8-byte access is two 4-byte ones, low word first (as the board's bus does).
    if (a.store) {
      const lo = h.xl[a.reg], hi = h.xh[a.reg];
      if (a.size === 8) { dev.write(off, 4, lo >>> 0); dev.write(off + 4, 4, hi >>> 0); }
      else dev.write(off, a.size as 1 | 2 | 4, a.size === 4 ? lo >>> 0 : lo & ((1 << (8 * a.size)) - 1));
    } else {
      let lo: number, hi = 0;
      if (a.size === 8) { lo = dev.read(off, 4) | 0; hi = dev.read(off + 4, 4) | 0; }
      else {
        lo = dev.read(off, a.size as 1 | 2 | 4) | 0;
        if (a.size < 4) lo &= (1 << (8 * a.size)) - 1;
        if (a.signed && a.size < 4) lo = (lo << (32 - 8 * a.size)) >> (32 - 8 * a.size);
        hi = a.signed ? lo >> 31 : 0;
      }
      if (a.reg !== 0) { h.xl[a.reg] = lo; h.xh[a.reg] = hi; }
    }
    advanceSepc(h, a.len);
    h.exitCredit = EXIT_RETIRED;
    this.resume(h);
    return true;
  }

  /** Flushes the VMs' buffered console output (the UART model writes whole lines). */
  flushConsoles(): void {
    for (const vm of this.vms) vm.uart.flush();
  }

  /**
   * The load or store that trapped: from htinst when the hart wrote a transformed instruction, else by
   * fetching the instruction at sepc through the guest's two stages (as HLVX would).
   */
  private decodeAccess(h: Hart, v: Vcpu): MmioAccess | null {
    let t = h.htinst;
    if ((t & 1) === 0) {
      const bits = this.fetchGuestInsn(h, v);
      if (bits < 0) return null;
      t = transformInsn(bits, 0);
      if (t === 0) return null;
    }
    const len = (t & 2) !== 0 ? 4 : 2;
    const d = decode(t | 3);
    switch (d.op) {
      case Op.LB: return { store: false, size: 1, signed: true, reg: d.rd, len };
      case Op.LBU: return { store: false, size: 1, signed: false, reg: d.rd, len };
      case Op.LH: return { store: false, size: 2, signed: true, reg: d.rd, len };
      case Op.LHU: return { store: false, size: 2, signed: false, reg: d.rd, len };
      case Op.LW: return { store: false, size: 4, signed: true, reg: d.rd, len };
      case Op.LWU: return { store: false, size: 4, signed: false, reg: d.rd, len };
      case Op.LD: return { store: false, size: 8, signed: false, reg: d.rd, len };
      case Op.SB: return { store: true, size: 1, signed: false, reg: d.rs2, len };
      case Op.SH: return { store: true, size: 2, signed: false, reg: d.rs2, len };
      case Op.SW: return { store: true, size: 4, signed: false, reg: d.rs2, len };
      case Op.SD: return { store: true, size: 8, signed: false, reg: d.rs2, len };
      default: return null;
    }
  }

  /** The guest instruction at sepc (16 or 32 bits), read through the guest's translation without side effects. */
  private fetchGuestInsn(h: Hart, v: Vcpu): number {
    const ram = this.machine.bus.ram;
    const priv = (h.mstatus & MSTATUS_SPP) !== 0 ? PRIV_S : PRIV_U;
    const read16 = (lo: number, hi: number): number => {
      let hpa: number;
      if (v.vm.shadow !== null) {
        // Through the guest's own tables and the pmap.
        const gpa = v.vm.shadow.guestTranslate(v.satp, lo, hi, Access.FETCH, priv);
        hpa = gpa < 0 ? -1 : v.vm.pmap.hostAddr(gpa, false);
      } else {
        prepareGuestWalk(h, this.tsReq, lo, hi, Access.FETCH, priv, true);
        const st = h.vsatpMode === PagingMode.BARE && h.hgatpMode === PagingMode.BARE ? WalkStatus.OK
          : h.twoStage.translate(this.tsReq, this.tsRes);
        hpa = st !== WalkStatus.OK ? -1 : this.tsRes.ppn * 4096 + (lo & 4095);
      }
      const off = hpa < 0 ? -1 : ram.offsetOf(hpa, 2);
      return off < 0 ? -1 : ram.u8[off] | (ram.u8[off + 1] << 8);
    };
    const low = read16(h.sepcLo, h.sepcHi);
    if (low < 0 || (low & 3) !== 3) return low;
    const lo2 = (h.sepcLo + 2) | 0;
    const high = read16(lo2, (h.sepcHi + ((lo2 >>> 0) < 2 ? 1 : 0)) | 0);
    return high < 0 ? -1 : (low | (high << 16)) >>> 0;
  }

  /**
   * Passes an exception to the guest as if the hardware had delegated it (hypervisor.adoc "Trap Entry" into
   * VS-mode): vsepc/vscause/vstval/vsstatus as a trap would write them, then resume at vstvec.
   */
  inject(h: Hart, cause: number, tvalLo: number, tvalHi: number): void {
    const fromS = (h.mstatus & MSTATUS_SPP) !== 0;
    h.vsepcLo = h.sepcLo; h.vsepcHi = h.sepcHi;
    h.vscauseLo = cause; h.vscauseHi = 0;
    h.vstvalLo = tvalLo; h.vstvalHi = tvalHi;
    const vs = h.vsstatus;
    h.vsstatus = (vs & ~(MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE)) | ((vs & MSTATUS_SIE) !== 0 ? MSTATUS_SPIE : 0) |
      (fromS ? MSTATUS_SPP : 0);
    h.sepcLo = h.vstvecLo & ~3; h.sepcHi = h.vstvecHi;
    h.mstatus |= MSTATUS_SPP;            // the guest handler runs in VS-mode
    this.resume(h);
  }

  /** Returns to the guest: SRET with hstatus.SPV = 1. */
  resume(h: Hart): void {
    h.hstatus |= HSTATUS_SPV;
    h.sret();
  }

  /** Stops a VM (shutdown or fatal error); when no VM is left running the machine exits. */
  stopVm(vm: Vm | undefined, code: number, why?: string): void {
    if (vm !== undefined) {
      if (why !== undefined) this.host.console(vm.id, new TextEncoder().encode(`\r\nvmscope vmm: vm${vm.id}: ${why}\r\n`));
      if (vm.exitCode === undefined) vm.exitCode = code;
      for (const c of vm.vcpus) this.park(c.hart);
    }
    if (vm === undefined || this.vms.every((x) => x.exitCode !== undefined)) {
      const failed = this.vms.find((x) => (x.exitCode ?? 0) !== 0);
      this.host.exit(vm === undefined ? code : failed?.exitCode ?? 0);
    }
  }
}

/** The emulated device of a VM at guest physical address gpa. */
function deviceAt(vm: Vm, gpa: number): [number, number, MmioDevice] | undefined {
  for (const d of vm.devices) if (gpa >= d[0] && gpa < d[0] + d[1]) return d;
  return undefined;
}



/** sepc += n (past the instruction the VMM completed for the guest). */
function advanceSepc(h: Hart, n: number): void {
  const lo = (h.sepcLo + n) | 0;
  if ((lo >>> 0) < (h.sepcLo >>> 0)) h.sepcHi = (h.sepcHi + 1) | 0;
  h.sepcLo = lo;
}

function w(h: Hart, num: number, v: bigint): void {
  csrWrite(h, num, Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0);
}

