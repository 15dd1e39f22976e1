// The virt board (QEMU `-machine virt` memory map): RAM, CLINT, UART, test finisher, HTIF for test programs,
// a generated device tree, and the boot flow (firmware / kernel / initrd placement and the registers at entry).

import { Machine } from '../machine';
import type { Host } from '../devices/device';
import { Uart16550, UART_BASE, UART_IRQ, UART_SIZE } from '../devices/uart16550';
import { Plic, PLIC_BASE, PLIC_SIZE, PLIC_SOURCES } from '../devices/plic';
import { MIP_MEIP, MIP_SEIP } from '../cpu/causes';
import { CopyEngine, COPY_ENGINE_BASE, COPY_ENGINE_DEVICE_ID, COPY_ENGINE_IRQ, COPY_ENGINE_SIZE } from '../devices/copyEngine';
import { Iommu } from '../iommu/iommu';
import { DdtMode, Reg } from '../iommu/registers';
import {
  VirtioMmio, VIRTIO_MMIO_BASE, VIRTIO_MMIO_IRQ, VIRTIO_MMIO_SIZE, VIRTIO_MMIO_SLOTS, VIRTIO_MMIO_STRIDE,
} from '../devices/virtio/mmio';
import { BlockBackend, VirtioBlk } from '../devices/virtio/blk';
import { VirtioRng } from '../devices/virtio/rng';
import { VirtioConsole } from '../devices/virtio/console';
import type { VirtioDevice } from '../devices/virtio/mmio';
import { Rom } from '../devices/rom';
import { GoldfishRtc, RTC_BASE, RTC_IRQ, RTC_SIZE } from '../devices/goldfishRtc';
import { BuiltinSbi } from '../firmware/builtinSbi';
import { hiOf, loOf } from '../util/int64';

/** The mask ROM (QEMU virt's MROM) holds the fw_dynamic information block firmware reads through a2. */
export const MROM_BASE = 0x1000, MROM_SIZE = 0xf000;
/** Where the fw_dynamic_info structure lives in the ROM. */
export const FW_DYNAMIC_INFO = MROM_BASE + 0x40;
const FW_DYNAMIC_MAGIC = 0x4942534f, FW_DYNAMIC_VERSION = 2, NEXT_MODE_S = 1;
import { FinishRequest, FINISHER_BASE, FINISHER_SIZE, TestFinisher } from '../devices/testFinisher';
import { Htif } from '../devices/htif';
import { CLINT_BASE, CLINT_SIZE, MTIMECMP } from '../devices/clint';
import { buildVirtDtb } from './virtDtb';
import { ElfImage, LoadError, parseElf } from '../loader/elf';
import { type ImageFile, placeImage } from '../loader/place';
import { SymbolTable } from '../loader/symbols';

export const RAM_BASE = Machine.RAM_BASE;
const MiB = 1024 * 1024;
/** The ISA the harts implement, as the device tree spells it. */
export const ISA_STRING = 'rv64imafdch_zicntr_zicsr_zifencei_zihpm_zba_zbb_zbs_zicond_sstc_svadu';
export const ISA_EXTENSIONS = ['i', 'm', 'a', 'f', 'd', 'c', 'h', 'zicntr', 'zicsr', 'zifencei', 'zihpm', 'zba', 'zbb', 'zbs',
  'zicond', 'sstc', 'svadu'];

/** The IOMMU's register page (where QEMU's virt board puts its platform IOMMU) and its four interrupt wires. */
export const IOMMU_BASE = 0x0301_0000, IOMMU_SIZE = 0x1000;
export const IOMMU_IRQS = [14, 15, 16, 17];
/** IOMMU device ids of the virtio-mmio slots: slot n is device 1 + n (the copy engine is COPY_ENGINE_DEVICE_ID). */
export const VIRTIO_DEVICE_ID_BASE = 1;

export interface BoardConfig {
  /** RAM size in bytes (default 128 MiB). */
  memorySize?: number;
  harts?: number;
  host: Host;
  /** Disks, one virtio-blk device each, in the first virtio-mmio slots (at most 8). */
  drives?: BlockBackend[];
  /** A virtio entropy device (after the drives) seeded with this number: same seed, same bytes. */
  entropySeed?: number;
  /** A virtio console (after the drives and the entropy device); its output goes to host.consoleWrite. */
  virtioConsole?: boolean;
  /** The DMA copy engine at 0x1001_0000 (behind the IOMMU). */
  copyEngine?: boolean;
  /** Wall-clock time at power-on for the RTC, in ms since 1970 (default: now). Fix it for repeatable runs. */
  rtcEpochMs?: number;
}

export type { ImageFile } from '../loader/place';

export interface BootConfig {
  /** Firmware at 0x8000_0000 entered in M-mode; undefined = none (the kernel is entered directly). */
  bios?: ImageFile;
  /**
   * No firmware image: the built-in SBI (core/firmware) serves S-mode kernels, which hart 0 enters in S-mode
   * (a raw kernel goes at 0x8020_0000, where firmware would start it).
   */
  builtinSbi?: boolean;
  /** Kernel: ELF (loaded at its addresses) or raw image. */
  kernel?: ImageFile;
  initrd?: ImageFile;
  /** Kernel command line (DTB /chosen/bootargs). */
  append?: string;
}

export interface BootInfo {
  entry: bigint;
  fdtAddr: number;
  firmwareEnd?: number;
  kernelStart?: number;
  kernelEntry?: bigint;
  initrd?: { start: number; end: number };
}

export class VirtBoard {
  readonly machine: Machine;
  readonly uart: Uart16550;
  readonly plic: Plic;
  readonly mrom = new Rom('mrom', MROM_SIZE);
  readonly rtc: GoldfishRtc;
  /** The virtio console, when the configuration asks for one (input: pushInput). */
  readonly vconsole: VirtioConsole | null = null;
  /** The eight virtio-mmio slots at 0x1000_1000 + 0x1000·n (empty slots have device id 0). */
  readonly virtio: VirtioMmio[] = [];
  /** The IOMMU every bus-master device's DMA goes through (Bare at reset: untranslated, as before software
   *  programs it). */
  readonly iommu: Iommu;
  /** The DMA copy engine, when the configuration asks for one. */
  readonly copyEngine: CopyEngine | null = null;
  private symbolList: SymbolTable[] = [];
  /** Set when the guest asked for power-off (exit code) or reset through the finisher or HTIF. */
  finish: FinishRequest | undefined;
  private boot: BootInfo | undefined;
  private dtbBlob: Uint8Array | undefined;
  private bootConfig: BootConfig | undefined;

  constructor(readonly config: BoardConfig) {
    const m = new Machine({ memorySize: config.memorySize ?? 128 * MiB, harts: config.harts ?? 1, host: config.host });
    this.machine = m;
    this.plic = new Plic(m.harts.length, (hart, priv, level) => {
      const h = m.harts[hart];
      const bit = priv === 3 ? MIP_MEIP : MIP_SEIP;
      h.mipHw = level ? h.mipHw | bit : h.mipHw & ~bit;
      h.irqCheck = true;
      h.breakLoop = true;
    });
    m.addDevice(PLIC_BASE, PLIC_SIZE, this.plic);
    this.uart = new Uart16550((b) => config.host.consoleWrite(b));
    this.uart.irqLine = (level) => this.plic.setLevel(UART_IRQ, level);
    m.addDevice(UART_BASE, UART_SIZE, this.uart);
    const devices: VirtioDevice[] = (config.drives ?? []).map((d, i) => new VirtioBlk(d, i));
    if (config.entropySeed !== undefined) devices.push(new VirtioRng(config.entropySeed));
    if (config.virtioConsole === true) {
      this.vconsole = new VirtioConsole((b) => config.host.consoleWrite(b));
      devices.push(this.vconsole);
    }
    if (devices.length > VIRTIO_MMIO_SLOTS) throw new RangeError(`at most ${VIRTIO_MMIO_SLOTS} virtio devices (got ${devices.length})`);
    // Every device's DMA goes through the IOMMU with a device id of its own, and reaches RAM only; writes drop
    // decoded code in the pages they touch.
    this.iommu = new Iommu(m.bus);
    this.iommu.irq = (wire, level) => { if (wire < IOMMU_IRQS.length) this.plic.setLevel(IOMMU_IRQS[wire], level); };
    this.resetIommu();
    m.addDevice(IOMMU_BASE, IOMMU_SIZE, this.iommu);
    if (config.copyEngine === true) {
      const ce = new CopyEngine((pid) => this.iommu.port(COPY_ENGINE_DEVICE_ID, pid));
      ce.irqLine = (level) => this.plic.setLevel(COPY_ENGINE_IRQ, level);
      m.addDevice(COPY_ENGINE_BASE, COPY_ENGINE_SIZE, ce);
      this.copyEngine = ce;
    }
    // As on QEMU, devices fill the slots from the top (drive 0 in slot 7 at 0x1000_8000): the device tree lists the
    // highest slot first, so Linux names drive 0 vda. The entropy device, if any, follows the drives.
    for (let n = 0; n < VIRTIO_MMIO_SLOTS; n++) {
      const d = VIRTIO_MMIO_SLOTS - 1 - n;
      const dma = this.iommu.port(VIRTIO_DEVICE_ID_BASE + n);
      const slot = new VirtioMmio(dma, d < devices.length ? devices[d] : null, `virtio-mmio@${n}`);
      slot.irq = (level) => this.plic.setLevel(VIRTIO_MMIO_IRQ + n, level);
      m.addDevice(VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_STRIDE, VIRTIO_MMIO_SIZE, slot);
      this.virtio.push(slot);
    }
    m.addDevice(FINISHER_BASE, FINISHER_SIZE, new TestFinisher((req) => this.onFinish(req)));
    m.addDevice(MROM_BASE, MROM_SIZE, this.mrom);
    // RTC time = power-on epoch + guest time (mtime ticks at 10 MHz = 100 ns)
    this.rtc = new GoldfishRtc(BigInt(Math.round(config.rtcEpochMs ?? Date.now())) * 1_000_000n,
      () => BigInt(m.mtime()) * 100n);
    this.rtc.irqLine = (level) => this.plic.setLevel(RTC_IRQ, level);
    m.addDevice(RTC_BASE, RTC_SIZE, this.rtc);
    m.addPollHook(100_000, () => this.rtc.poll());
  }

  /** Every symbol table loaded (firmware and kernel), searched in load order. */
  describe(addr: bigint): string {
    for (const t of this.symbolList) {
      const d = t.describe(addr);
      if (d !== '') return d;
    }
    return '';
  }

  symbolAddress(name: string): bigint | undefined {
    for (const t of this.symbolList) {
      const a = t.addressOf(name);
      if (a !== undefined) return a;
    }
    return undefined;
  }

  get bootInfo(): BootInfo | undefined { return this.boot; }

  /** The device tree blob handed to the guest (after load()), or the one it would get. */
  dtb(bootargs?: string): Uint8Array {
    // before load(): the tree of the configured board, with `bootargs` if given
    return this.dtbBlob ?? this.buildDtb(bootargs, undefined);
  }

  /**
   * Loads firmware, kernel and initrd as QEMU's virt machine does and points every hart at the entry:
   * a0 = hart id, a1 = DTB address. Throws LoadError with a clear message for anything that does not fit.
   */
  load(cfg: BootConfig): BootInfo {
    if (cfg.bios === undefined && cfg.kernel === undefined) throw new LoadError('nothing to run: give a program, --kernel or --bios');
    this.bootConfig = cfg;
    const m = this.machine;
    const ramEnd = RAM_BASE + m.ramSize;
    const info: BootInfo = { entry: BigInt(RAM_BASE), fdtAddr: 0 };
    let firmwareEnd = RAM_BASE;
    if (cfg.bios !== undefined) {
      const r = this.loadImage(cfg.bios, RAM_BASE);
      firmwareEnd = r.end;
      info.entry = r.entry;
      info.firmwareEnd = r.end;
    }
    if (cfg.builtinSbi === true && (cfg.bios !== undefined || cfg.kernel === undefined)) {
      throw new LoadError('the built-in SBI runs a kernel (--kernel) and replaces firmware (--bios FILE)');
    }
    if (cfg.kernel !== undefined) {
      // With firmware, a raw kernel goes at the next 2 MiB boundary after it (as QEMU places it); without, at RAM start.
      const start = cfg.bios !== undefined ? alignUp(firmwareEnd, 2 * MiB) : cfg.builtinSbi === true ? RAM_BASE + 2 * MiB : RAM_BASE;
      const r = this.loadImage(cfg.kernel, start);
      info.kernelStart = r.start;
      info.kernelEntry = r.entry;
      if (cfg.bios === undefined) info.entry = r.entry;
    }
    if (cfg.initrd !== undefined) {
      // Far enough above the kernel that decompression does not clobber it: kernel + min(RAM/2, 128 MiB).
      const base = info.kernelStart ?? RAM_BASE;
      let start = alignUp(base + Math.min(m.ramSize / 2, 128 * MiB), 4096);
      const size = cfg.initrd.bytes.length;
      if (start + size > ramEnd) start = alignDown(ramEnd - size - 4 * MiB, 4096);
      if (start < base || start + size > ramEnd) throw new LoadError(`${cfg.initrd.name}: initrd of ${size} bytes does not fit in RAM`);
      m.writePhys(start, cfg.initrd.bytes);
      info.initrd = { start, end: start + size };
    }
    const dtb = this.buildDtb(cfg.append, info.initrd);
    // The DTB goes at the top of RAM (below 3 GiB), aligned down to 2 MiB, as QEMU places it.
    const top = Math.min(ramEnd, 0xc000_0000);
    info.fdtAddr = alignDown(top - dtb.length, 2 * MiB);
    if (info.fdtAddr < firmwareEnd) info.fdtAddr = alignDown(top - dtb.length, 8);
    m.writePhys(info.fdtAddr, dtb);
    this.dtbBlob = dtb;
    if (cfg.bios !== undefined) this.writeFwDynamicInfo(info.kernelEntry ?? 0n);
    this.boot = info;
    this.resetHarts();
    return info;
  }

  /**
   * Puts every hart at the boot entry with a0 = hart id, a1 = DTB address and, when firmware runs first,
   * a2 = the fw_dynamic_info block in ROM (OpenSBI's fw_dynamic reads the kernel's address and mode there).
   */
  resetHarts(): void {
    const info = this.boot;
    if (info === undefined) return;
    for (const h of this.machine.harts) {
      h.reset(info.entry);
      h.setX(10, BigInt(h.id));
      h.setX(11, BigInt(info.fdtAddr));
      h.setX(12, info.firmwareEnd !== undefined ? BigInt(FW_DYNAMIC_INFO) : 0n);
    }
    if (this.bootConfig?.builtinSbi === true) {
      const m = this.machine;
      const sbi = new BuiltinSbi({
        machine: m,
        putchar: (b) => this.config.host.consoleWrite(b),
        getchar: () => ((this.uart.read(5) & 1) !== 0 ? this.uart.read(0) : -1),
        systemReset: (kind, failure) => this.onFinish(kind === 'shutdown' ? { kind: 'exit', code: failure ? 1 : 0 } : { kind: 'reset' }),
        // mtimecmp through the CLINT, so MTIP and the timer deadlines follow as for a guest write
        setTimer: (hart, when) => { m.bus.write(CLINT_BASE + MTIMECMP + 8 * hart, 8, loOf(when), hiOf(when)); },
      });
      m.setFirmware((h) => sbi.handleTrap(h));
      sbi.boot(info.kernelEntry ?? info.entry, BigInt(info.fdtAddr));
    }
  }

  /** fw_dynamic_info (OpenSBI fw_dynamic_info.h): magic, version, next_addr, next_mode, options, boot_hart. */
  private writeFwDynamicInfo(nextAddr: bigint): void {
    const v = new DataView(this.mrom.bytes.buffer);
    const o = FW_DYNAMIC_INFO - MROM_BASE;
    v.setBigUint64(o, BigInt(FW_DYNAMIC_MAGIC), true);
    v.setBigUint64(o + 8, BigInt(FW_DYNAMIC_VERSION), true);
    v.setBigUint64(o + 16, nextAddr, true);
    v.setBigUint64(o + 24, BigInt(NEXT_MODE_S), true);
    v.setBigUint64(o + 32, 0n, true);
    v.setBigUint64(o + 40, 0n, true);       // boot hart 0
  }

  /** Re-runs the boot (reloads images, resets harts and devices): the guest asked for a reset. */
  reboot(): void {
    this.finish = undefined;
    this.uart.reset();
    this.plic.reset();
    this.rtc.reset();
    for (const v of this.virtio) v.reset();
    this.resetIommu();
    this.copyEngine?.reset();
    if (this.bootConfig !== undefined) this.load(this.bootConfig);
  }

  /** A board device the VMM can give to a VM: its registers, interrupt source and IOMMU device id. */
  assignable(name: string): { name: string; device: CopyEngine; base: number; size: number; irq: number; deviceId: number } {
    if (name !== 'copy-engine' || this.copyEngine === null) throw new LoadError(`the board has no assignable device '${name}'`);
    return { name, device: this.copyEngine, base: COPY_ENGINE_BASE, size: COPY_ENGINE_SIZE, irq: COPY_ENGINE_IRQ, deviceId: COPY_ENGINE_DEVICE_ID };
  }

  /** IOMMU reset, in Bare mode (iommu_registers.adoc "Reset behavior" allows Off or Bare): kernels without an
   *  IOMMU driver keep working DMA, as on boards whose firmware leaves the IOMMU in Bare. */
  private resetIommu(): void {
    this.iommu.reset();
    this.iommu.write(Reg.DDTP, 4, DdtMode.BARE);      // ddtp.iommu_mode
  }

  private onFinish(req: FinishRequest): void {
    if (this.finish !== undefined) return;
    this.finish = req;
    if (req.kind === 'exit') this.machine.requestExit(req.code);
    else this.machine.requestStop();
  }

  /** Loads an ELF (at its physical addresses) or a raw image (at `rawBase`); returns its extent and entry. */
  private loadImage(file: ImageFile, rawBase: number): { start: number; end: number; entry: bigint } {
    const m = this.machine;
    const r = placeImage(file, rawBase, RAM_BASE, RAM_BASE + m.ramSize, (pa, bytes) => m.writePhys(pa, bytes));
    if (r.elf !== undefined) this.addSymbols(r.elf);
    return r;
  }

  /**
   * Adds an ELF file's symbols for describe() and symbolAddress() without loading it (a guest kernel the VMM
   * loads, or a kernel that firmware loads). Not an ELF: a LoadError.
   */
  addSymbolFile(file: ImageFile): void {
    this.symbolList.push(new SymbolTable(parseElf(file.bytes, file.name).symbols));
  }

  private addSymbols(elf: ElfImage): void {
    const table = new SymbolTable(elf.symbols);
    this.symbolList.push(table);
    const tohost = elf.symbols.find((s) => s.name === 'tohost');
    if (tohost === undefined) return;
    const pa = Number(tohost.value);
    const ram = this.machine.ram;
    if (ram.offsetOf(pa, 8) < 0 || pa % 8 !== 0) return;
    const fromhost = elf.symbols.find((s) => s.name === 'fromhost');
    const fromOff = fromhost !== undefined ? ram.offsetOf(Number(fromhost.value), 8) : -1;
    const htif = new Htif(ram, ram.offsetOf(pa, 8), fromOff, {
      consoleWrite: (b) => this.config.host.consoleWrite(b),
      exit: (code) => this.onFinish({ kind: 'exit', code }),
    });
    this.machine.watchRam(pa, 8, () => htif.poll());
  }

  private buildDtb(bootargs: string | undefined, initrd: { start: number; end: number } | undefined): Uint8Array {
    const m = this.machine;
    return buildVirtDtb({
      harts: m.harts.length, ramBase: RAM_BASE, ramSize: m.ramSize, timebaseHz: m.timebaseHz,
      isa: ISA_STRING, isaExtensions: ISA_EXTENSIONS, mmuType: 'riscv,sv57', bootargs, initrd,
      clint: { base: CLINT_BASE, size: CLINT_SIZE }, uart: { base: UART_BASE, size: UART_SIZE, irq: UART_IRQ, clockHz: 3_686_400 },
      plic: { base: PLIC_BASE, size: PLIC_SIZE, sources: PLIC_SOURCES },
      rtc: { base: RTC_BASE, size: RTC_SIZE, irq: RTC_IRQ },
      virtio: { base: VIRTIO_MMIO_BASE, stride: VIRTIO_MMIO_STRIDE, size: VIRTIO_MMIO_SIZE, slots: VIRTIO_MMIO_SLOTS, irq: VIRTIO_MMIO_IRQ },
      finisher: { base: FINISHER_BASE, size: FINISHER_SIZE },
      iommu: { base: IOMMU_BASE, size: IOMMU_SIZE, irqs: IOMMU_IRQS },
      copyEngine: this.copyEngine === null ? undefined
        : { base: COPY_ENGINE_BASE, size: COPY_ENGINE_SIZE, irq: COPY_ENGINE_IRQ, deviceId: COPY_ENGINE_DEVICE_ID },
    });
  }
}

function alignUp(n: number, a: number): number { return Math.ceil(n / a) * a; }
function alignDown(n: number, a: number): number { return Math.floor(n / a) * a; }
