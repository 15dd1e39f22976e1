// Command-line parsing for `vmscope`: QEMU-like options, each validated with a message that names it.

export class UsageError extends Error {
  constructor(message: string) { super(message); this.name = 'UsageError'; }
}

export type TraceKind = 'insn' | 'trap' | 'mmu';

export interface DriveOption { file: string; readOnly: boolean; snapshot: boolean }

/** Parses --drive FILE[,readonly=on][,snapshot=on] (also file=FILE, format=raw and if=virtio are accepted). */
export function parseDrive(s: string): DriveOption {
  const d: DriveOption = { file: '', readOnly: false, snapshot: false };
  const onOff = (k: string, v: string): boolean => {
    if (v === 'on' || v === 'true' || v === '') return true;
    if (v === 'off' || v === 'false') return false;
    throw new UsageError(`--drive: ${k}=${v}: use on or off`);
  };
  // QEMU's escaping: ',,' is a literal comma inside a value (file names with commas)
  const parts = s.split(/,(?!,)/).reduce<string[]>((acc, p) => {
    if (acc.length > 0 && acc[acc.length - 1].endsWith(',')) acc[acc.length - 1] += p; else acc.push(p);
    return acc;
  }, []).map((p) => p.replace(/,,/g, ','));
  for (const [i, part] of parts.entries()) {
    const eq = part.indexOf('=');
    if (eq < 0 && i === 0) { d.file = part; continue; }
    const k = eq < 0 ? part : part.slice(0, eq), v = eq < 0 ? '' : part.slice(eq + 1);
    switch (k) {
      case 'file': d.file = v; break;
      case 'readonly': d.readOnly = onOff(k, v); break;
      case 'snapshot': d.snapshot = onOff(k, v); break;
      case 'format': if (v !== 'raw') throw new UsageError(`--drive: format=${v} is not supported (raw images only)`); break;
      case 'if': if (v !== 'virtio') throw new UsageError(`--drive: if=${v} is not supported (virtio only)`); break;
      default: throw new UsageError(`--drive: unknown option '${k}' (readonly, snapshot, format, if)`);
    }
  }
  if (d.file === '') throw new UsageError('--drive: no file given');
  return d;
}

export interface RunOptions {
  program?: string;
  bios?: string;            // 'none' or a file
  kernel?: string;
  append?: string;
  initrd?: string;
  drives: DriveOption[];
  /** --device virtio-rng: entropy device seed (deterministic). */
  entropySeed?: number;
  /** --device virtio-console[,input=on]: a virtio console; with input=on, stdin feeds it instead of the UART. */
  virtioConsole?: { input: boolean };
  /** --device copy-engine: the board's DMA copy engine (behind the IOMMU). */
  copyEngine: boolean;
  /** --assign DEVICE=vmN: devices given to VMs (--mode vm). */
  assign: { device: 'copy-engine'; vm: number }[];
  memory: number;           // bytes
  smp: number;
  maxInsns?: number;
  timeout?: number;         // seconds
  trace: TraceKind[];
  traceFile: string;
  stats: boolean;
  /** 'bare': the program/firmware/kernel runs on the hardware; 'vm': the built-in VMM runs it as a guest. */
  mode: 'bare' | 'vm';
  /** --mode vm: how guest memory is virtualized. */
  mmu: 'nested' | 'shadow';
  /** --mode vm: number of VMs (each runs the same kernel). */
  vms: number;
  /** --mode vm: guest RAM per VM in bytes. */
  vmMemory: number;
  /** Whether -m was given (vm mode picks a host size that fits the VMs otherwise). */
  memorySet: boolean;
}

export interface Command {
  name: 'run' | 'demo' | 'dumpdtb' | 'compare' | 'dap' | 'help' | 'version';
  /** dap: where the server listens. */
  dap?: { port: number; host: string };
  run: RunOptions;
  /** dumpdtb: output file. help: topic. */
  arg?: string;
}

const MiB = 1024 * 1024;

/** Parses a memory size like QEMU's -m: a number of MiB, or a number with a K/M/G suffix. */
export function parseSize(s: string, option = '-m'): number {
  const m = /^(\d+(?:\.\d+)?)([KkMmGg])?[Bb]?$/.exec(s.trim());
  if (m === null) throw new UsageError(`${option}: '${s}' is not a size (examples: 128M, 1G, 512)`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'M').toUpperCase();
  const bytes = Math.round(n * (unit === 'K' ? 1024 : unit === 'M' ? MiB : 1024 * MiB));
  if (bytes < MiB || bytes > 2048 * MiB) throw new UsageError(`${option}: ${s} is out of range (1M .. 2G)`);
  if (bytes % 4096 !== 0) throw new UsageError(`${option}: ${s} is not a multiple of 4 KiB`);
  return bytes;
}

function parseCount(s: string, option: string, min: number, max: number): number {
  const v = /^\d+$/.test(s.replace(/_/g, '')) ? Number(s.replace(/_/g, '')) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`${option}: '${s}' must be an integer from ${min} to ${max}`);
  return v;
}

/** `vmscope dap --port N [--host H]`. */
function parseDap(args: string[]): { port: number; host: string } {
  let port: number | undefined, host = '127.0.0.1';
  for (let i = 0; i < args.length; i++) {
    const [k, inline] = args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      if (i + 1 >= args.length) throw new UsageError(`${k} needs a value`);
      return args[++i];
    };
    if (k === '--port') port = parseCount(value(), '--port', 0, 65535);
    else if (k === '--host') host = value();
    else throw new UsageError(`dap: unknown option '${k}' (--port N, --host H)`);
  }
  if (port === undefined) throw new UsageError('dap: give --port N (0 picks a free port)');
  return { port, host };
}

/** Parses argv (without node and script). */
export function parseArgs(argv: string[]): Command {
  const run: RunOptions = {
    drives: [], copyEngine: false, assign: [], memory: 128 * MiB, smp: 1, trace: [], traceFile: 'vmscope.trace', stats: false,
    mode: 'bare', mmu: 'nested', vms: 1, vmMemory: 128 * MiB, memorySet: false,
  };
  if (argv.length === 0) return { name: 'help', run };
  let name: Command['name'];
  const first = argv[0];
  if (first === '--help' || first === '-h' || first === 'help') return { name: 'help', run, arg: argv[1] };
  if (first === '--version' || first === '-V' || first === 'version') return { name: 'version', run };
  if (first === 'dap') return { name: 'dap', run, dap: parseDap(argv.slice(1)) };
  if (first === 'run' || first === 'demo' || first === 'dumpdtb' || first === 'compare') name = first;
  else throw new UsageError(`unknown command '${first}' (commands: run, demo, compare, dap, dumpdtb, help)`);
  let arg: string | undefined;
  const rest = argv.slice(1);
  for (let i = 0; i < rest.length; i++) {
    let a = rest[i];
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { inline = a.slice(eq + 1); a = a.slice(0, eq); }
    const value = (): string => {
      if (inline !== undefined) return inline;
      if (i + 1 >= rest.length) throw new UsageError(`${a} needs a value`);
      return rest[++i];
    };
    switch (a) {
      case '-h': case '--help': return { name: 'help', run, arg: name };
      case '--bios': case '-bios': run.bios = value(); break;
      case '--kernel': case '-kernel': run.kernel = value(); break;
      case '--append': case '-append': run.append = value(); break;
      case '--initrd': case '-initrd': run.initrd = value(); break;
      case '--drive': case '-drive':
        if (run.drives.length === 8) throw new UsageError('--drive: at most 8 drives');
        run.drives.push(parseDrive(value()));
        break;
      case '-m': case '--memory': run.memory = parseSize(value(), a); run.memorySet = true; break;
      case '--mode': {
        const v = value();
        if (v !== 'bare' && v !== 'vm') throw new UsageError(`--mode: '${v}' is not a mode (bare, vm)`);
        run.mode = v;
        break;
      }
      case '--mmu': {
        const v = value();
        if (v !== 'nested' && v !== 'shadow') throw new UsageError(`--mmu: '${v}' is not a memory virtualization (nested, shadow)`);
        run.mmu = v;
        break;
      }
      case '--vms': run.vms = parseCount(value(), a, 1, 8); break;
      case '--vm-memory': run.vmMemory = parseSize(value(), a); break;
      case '--smp': case '-smp': run.smp = parseCount(value(), a, 1, 8); break;
      case '--max-insns': run.maxInsns = parseCount(value(), a, 1, Number.MAX_SAFE_INTEGER); break;
      case '--timeout': {
        const v = value(), t = Number(v);
        if (!Number.isFinite(t) || t <= 0) throw new UsageError(`--timeout: '${v}' must be a positive number of seconds`);
        run.timeout = t;
        break;
      }
      case '--trace': {
        for (const k of value().split(',')) {
          if (k !== 'insn' && k !== 'trap' && k !== 'mmu') throw new UsageError(`--trace: unknown kind '${k}' (insn, trap, mmu)`);
          if (!run.trace.includes(k)) run.trace.push(k);
        }
        break;
      }
      case '--device': case '-device': {
        const v = value();
        const rng = /^virtio-rng(?:-device)?(?:,seed=(\d+))?$/.exec(v);
        const con = /^virtio-console(?:,input=(on|off))?$/.exec(v);
        if (rng !== null) run.entropySeed = rng[1] !== undefined ? Number(rng[1]) : 0;
        else if (con !== null) run.virtioConsole = { input: con[1] === 'on' };
        else if (v === 'copy-engine') run.copyEngine = true;
        else throw new UsageError(`--device: '${v}' is not supported (virtio-rng[,seed=N], virtio-console[,input=on], copy-engine; disks use --drive)`);
        break;
      }
      case '--assign': {
        const v = value();
        const m = /^([a-z-]+)=vm(\d+)$/.exec(v);
        if (m === null) throw new UsageError(`--assign: '${v}' is not DEVICE=vmN (example: copy-engine=vm0)`);
        if (m[1] !== 'copy-engine') throw new UsageError(`--assign: '${m[1]}' cannot be assigned (assignable devices: copy-engine)`);
        if (run.assign.some((x) => x.device === m[1])) throw new UsageError(`--assign: ${m[1]} is assigned twice (a device belongs to one VM)`);
        run.assign.push({ device: 'copy-engine', vm: Number(m[2]) });
        break;
      }
      case '--trace-file': run.traceFile = value(); break;
      case '--stats': run.stats = true; break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option '${a}' (see vmscope --help)`);
        if (name === 'dumpdtb') {
          if (arg !== undefined) throw new UsageError(`dumpdtb takes one output file (got '${arg}' and '${a}')`);
          arg = a;
        } else {
          if (run.program !== undefined) throw new UsageError(`only one program may be given (got '${run.program}' and '${a}')`);
          run.program = a;
        }
    }
  }
  if (name === 'run' && run.program === undefined && run.kernel === undefined && (run.bios === undefined || run.bios === 'none')) {
    throw new UsageError('run: give a program (ELF), --kernel FILE or --bios FILE');
  }
  if (name === 'compare') {
    if (run.program === undefined && run.kernel === undefined) throw new UsageError('compare: give the guest kernel (ELF or --kernel FILE)');
    if (run.bios !== undefined || run.mode !== 'bare' || run.vms !== 1) {
      throw new UsageError('compare: it chooses the configurations itself (no --bios, --mode or --vms)');
    }
    if (run.drives.length > 0 || run.entropySeed !== undefined || run.virtioConsole !== undefined) {
      throw new UsageError('compare: virtio devices for guests are not available yet (--drive, --device)');
    }
    if (!run.memorySet) run.memory = Math.min(2048 * MiB, run.vmMemory + 64 * MiB);
  }
  if (run.program !== undefined && run.kernel !== undefined) {
    throw new UsageError('give either a program or --kernel, not both');
  }
  if (run.mode !== 'vm' && run.assign.length > 0) throw new UsageError('--assign gives devices to VMs: it needs --mode vm');
  if (name === 'dumpdtb' && arg === undefined) throw new UsageError('dumpdtb: give the output file');
  if (run.mode === 'vm') {
    if (run.bios !== undefined && run.bios !== 'none') {
      throw new UsageError('--mode vm: the VMM is the machine\'s firmware and hypervisor; --bios cannot be used with it');
    }
    for (const a of run.assign) {
      if (a.vm >= run.vms) throw new UsageError(`--assign: ${a.device}=vm${a.vm}, but there ${run.vms === 1 ? 'is 1 VM (vm0)' : `are ${run.vms} VMs (vm0..vm${run.vms - 1})`}`);
    }
    if (run.copyEngine) throw new UsageError('--device copy-engine: with --mode vm, give the device to a VM with --assign copy-engine=vmN');
    if (run.vms * run.smp > 8) throw new UsageError(`--vms ${run.vms} with --smp ${run.smp}: at most 8 vCPUs in all (one hart each)`);
    if (!run.memorySet) run.memory = Math.min(2048 * MiB, run.vms * run.vmMemory + 64 * MiB);
  }
  return { name, run, arg };
}

export const HELP = `vmscope — a RISC-V RV64GC full-system emulator and hypervisor debugger

Usage:
  vmscope run [options] [PROGRAM.elf]   run a program or boot firmware/kernel on the virt board
  vmscope demo [options]                boot the bundled example kernel (minikernel, built-in
                                        SBI) and print a summary
  vmscope compare [options] KERNEL      run an S-mode kernel on bare hardware (built-in SBI), under
                                        the VMM with nested paging and with shadow paging, and print
                                        one table: instructions, exits, walks, TLB, time, same output?
  vmscope dap --port N [--host H]       serve the Debug Adapter Protocol on a TCP port (127.0.0.1
                                        unless --host names another address); docs/dap.md
  vmscope dumpdtb FILE [options]        write the board's device tree blob to FILE
  vmscope help | --help                 this text
  vmscope --version

Options (QEMU-like):
  --bios none|default|builtin|FILE
                       firmware loaded at 0x80000000 and entered in M-mode (ELF or raw),
                       with a2 = fw_dynamic info (kernel address, S-mode); 'default' is
                       OpenSBI's fw_dynamic from Debian's opensbi package (or
                       $VMSCOPE_OPENSBI); 'builtin' runs no firmware image: vmscope's own
                       SBI (BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN, legacy console)
                       serves the kernel, which hart 0 enters in S-mode; 'none' (the
                       default) enters the kernel/program directly in M-mode
  --kernel FILE        kernel (ELF at its addresses, or raw image: at 0x80000000 without
                       firmware, else at the next 2 MiB boundary after the firmware);
                       every hart starts with a0 = hart id, a1 = device tree address
  PROGRAM.elf          same as --kernel with --bios none
  --append STR         kernel command line (device tree /chosen/bootargs)
  --initrd FILE        initial ramdisk, loaded above the kernel and named in the device tree
  --drive FILE[,readonly=on][,snapshot=on]
                       raw disk image as a virtio-blk device (up to 8); guest writes reach
                       the file when the guest flushes and when the run ends; readonly=on
                       gives the guest a read-only disk, snapshot=on keeps writes in memory
  --device virtio-rng[,seed=N]
                       a virtio entropy device; its bytes come from a generator seeded
                       with N (default 0), so runs stay repeatable
  --device virtio-console[,input=on]
                       a virtio console (Linux hvc0); its output goes to stdout with the
                       UART's; input=on sends stdin to it instead of the UART
  --device copy-engine a DMA copy engine at 0x10010000 (IRQ 12, IOMMU device id 0x20) whose
                       transfers go through the IOMMU (docs/iommu.md)
  -m SIZE              RAM size, e.g. 128M (default), 1G, or a number of MiB; 1M .. 2G
  --smp N              number of harts, 1..8 (default 1)
  --max-insns N        stop after N instructions (summed over harts), exit code 124
  --timeout S          stop after S seconds of wall-clock time, exit code 124
  --trace KINDS        write a trace: comma-separated insn, trap, mmu
  --trace-file FILE    where the trace goes (default vmscope.trace)
  --stats              print a summary on exit (instructions, MIPS, traps, TLB hit rate)

Virtualization (docs/vmm.md):
  --mode bare|vm       bare (default): the program runs on the machine itself (its own
                       hypervisor, if any, uses the H extension); vm: the built-in VMM runs
                       the kernel/program as a guest in VS-mode, with its own SBI
  --mmu nested|shadow  --mode vm: G-stage tables built from the VM's memory map (nested,
                       default) or shadow page tables
  --vms N              --mode vm: run N VMs of the same kernel (default 1); each VM has
                       --smp vCPUs, each pinned to a hart of its own (8 in all at most)
  --vm-memory SIZE     --mode vm: guest RAM per VM at 0x80000000 (default 128M), backed page
                       by page as the guest touches it; -m (host RAM) defaults to what the VMs
                       need plus 64M. With --mode vm, --drive and --device give the first VM
                       virtio devices served by the VMM
  --assign DEV=vmN     --mode vm: give a board device to VM N (copy-engine): the guest drives
                       it with guest-physical addresses, the IOMMU confines its DMA to the
                       VM's memory, and refused transfers are recorded as IOMMU faults

Console: the guest's UART is stdin/stdout. On a terminal, input is raw and Ctrl-A X quits
(Ctrl-A H lists the keys); with a pipe, end of input does not end the run.

Exit code: the guest's. The SiFive test finisher at 0x100000 (0x5555 = 0, (code<<16)|0x3333 =
code) and HTIF tohost (1 = 0, (n<<1)|1 = n) both end the run. 124 = --timeout or --max-insns
reached, 125 = every hart waits for an interrupt that cannot arrive (stdin at its end), 2 = bad options or a
malformed/unloadable file, 0 after Ctrl-A X.
`;
