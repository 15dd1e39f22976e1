// The public face of core: what the CLI, the debug adapter and the benchmarks may use.

export { Machine } from './machine';
export type { MachineOptions, MachineStats, RunResult, TraceSink as Trace } from './machine';
export { Hart, PRIV_NAMES, PRIV_M, PRIV_S, PRIV_U } from './cpu/hart';
export { EXC_NAMES, IRQ_NAMES } from './cpu/causes';
export { VirtBoard, RAM_BASE, ISA_STRING } from './board/virt';
export type { BoardConfig, BootConfig, BootInfo, ImageFile } from './board/virt';
export { LoadError, parseElf, isElf } from './loader/elf';
export type { ElfImage, ElfSegment, ElfSymbol } from './loader/elf';
export { SymbolTable } from './loader/symbols';
export { disassemble } from './isa/disasm';
export { decode } from './isa/decode';
export { INSNS } from './isa/table';
export type { InsnSpec } from './isa/table';
export { csrName } from './isa/csrNames';
export { translateDebug, translateGuestDebug } from './mmu/debugWalk';
export type { DebugTranslation, GuestTranslateOptions, GuestTranslation, WalkStep } from './mmu/debugWalk';
export type { Host, MmioDevice } from './devices/device';
export { OverlayBlockBackend, MemoryBlockBackend } from './devices/virtio/blk';
export type { BlockBackend } from './devices/virtio/blk';
export { Vmm, GUEST_RAM_BASE } from './vmm/vmm';
export type { VmConfig, VmmHost, MmuMode, Vm, Vcpu, VmStats } from './vmm/vmm';
export { ExitLog, EXIT_REASON_NAMES, EXIT_REASON_IDS, EXIT_HANDLING_NAMES } from './vmm/exits';
export type { ExitRecord } from './vmm/exits';
export { debugReadCsr, debugTranslate, explainTranslation, peekInsn } from './cpu/debugAccess';
export { Access } from './mmu/walk';
