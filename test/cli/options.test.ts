// Command-line parsing: QEMU-like options and the messages for bad ones.
import { strict as assert } from 'node:assert';
import { parseArgs, parseDrive, parseSize, UsageError } from '../../cli/options';

describe('CLI options', () => {
  it('parses sizes like QEMU -m', () => {
    assert.equal(parseSize('128M'), 128 << 20);
    assert.equal(parseSize('1G'), 1 << 30);
    assert.equal(parseSize('256'), 256 << 20);
    assert.equal(parseSize('4096K'), 4 << 20);
    assert.throws(() => parseSize('lots'), /-m: 'lots' is not a size/);
    assert.throws(() => parseSize('4G'), /out of range/);
  });

  it('parses a full run command', () => {
    const c = parseArgs(['run', '--bios', 'fw.elf', '--kernel=Image', '--append', 'console=ttyS0', '--initrd', 'i.cpio',
      '-m', '512M', '--smp', '4', '--max-insns', '1_000_000', '--timeout', '2.5', '--trace', 'insn,trap', '--trace-file', 't.log', '--stats']);
    assert.equal(c.name, 'run');
    assert.deepEqual({ ...c.run }, {
      bios: 'fw.elf', kernel: 'Image', append: 'console=ttyS0', initrd: 'i.cpio', drives: [], copyEngine: false, assign: [], memory: 512 << 20, smp: 4,
      maxInsns: 1_000_000, timeout: 2.5, trace: ['insn', 'trap'], traceFile: 't.log', stats: true,
      mode: 'bare', mmu: 'nested', vms: 1, vmMemory: 128 << 20, memorySet: true,
    });
  });

  it('parses the VMM options and sizes host memory for the VMs', () => {
    const c = parseArgs(['run', '--mode', 'vm', '--mmu', 'shadow', '--vms', '3', '--vm-memory', '64M', '--kernel', 'k.elf']);
    assert.equal(c.run.mode, 'vm');
    assert.equal(c.run.mmu, 'shadow');
    assert.equal(c.run.vms, 3);
    assert.equal(c.run.vmMemory, 64 << 20);
    assert.equal(c.run.memory, (3 * 64 + 64) << 20, 'host RAM: the VMs plus 64M for the VMM');
    assert.equal(parseArgs(['run', '--mode=vm', '-m', '1G', 'k.elf']).run.memory, 1 << 30, '-m wins');
    assert.throws(() => parseArgs(['run', '--mode', 'hyper', 'k.elf']), /--mode: 'hyper' is not a mode \(bare, vm\)/);
    assert.throws(() => parseArgs(['run', '--mmu', 'ept', 'k.elf']), /--mmu: 'ept'/);
    assert.throws(() => parseArgs(['run', '--mode', 'vm', '--bios', 'default', '--kernel', 'k']), /--bios cannot be used/);
    assert.throws(() => parseArgs(['run', '--mode', 'vm', '--vms', '3', '--smp', '3', 'k.elf']), /at most 8 vCPUs/);
    assert.equal(parseArgs(['run', '--mode', 'vm', '--drive', 'd.img', 'k.elf']).run.drives.length, 1, 'disks go to the first VM');
    assert.deepEqual(parseArgs(['run', '--mode', 'vm', '--vms', '2', '--assign', 'copy-engine=vm1', 'k.elf']).run.assign,
      [{ device: 'copy-engine', vm: 1 }]);
    assert.equal(parseArgs(['run', '--device', 'copy-engine', 'k.elf']).run.copyEngine, true);
  });

  const bad: [string[], RegExp][] = [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['run'], /give a program/],
    [['run', 'a.elf', 'b.elf'], /only one program/],
    [['run', 'a.elf', '--smp', '9'], /--smp: '9' must be an integer from 1 to 8/],
    [['run', 'a.elf', '--trace', 'everything'], /--trace: unknown kind 'everything'/],
    [['run', 'a.elf', '--timeout', '-1'], /--timeout/],
    [['run', 'a.elf', '--kernel'], /--kernel needs a value/],
    [['run', 'a.elf', '--bogus'], /unknown option '--bogus'/],
    [['run', 'a.elf', '--kernel', 'k'], /either a program or --kernel/],
    [['dumpdtb'], /give the output file/],
    [['run', 'a.elf', '--assign', 'copy-engine=vm0'], /--assign gives devices to VMs: it needs --mode vm/],
    [['run', '--mode', 'vm', 'a.elf', '--assign', 'copy-engine=vm1'], /there is 1 VM \(vm0\)/],
    [['run', '--mode', 'vm', 'a.elf', '--assign', 'nic=vm0'], /'nic' cannot be assigned/],
    [['run', '--mode', 'vm', 'a.elf', '--assign', 'copy-engine'], /is not DEVICE=vmN/],
    [['run', '--mode', 'vm', '--vms', '2', 'a.elf', '--assign', 'copy-engine=vm0', '--assign', 'copy-engine=vm1'], /assigned twice/],
    [['run', '--mode', 'vm', 'a.elf', '--device', 'copy-engine'], /--assign copy-engine=vmN/],
  ];
  for (const [argv, re] of bad) {
    it(`rejects ${argv.join(' ')}`, () => {
      assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof UsageError && re.test(e.message));
    });
  }

  it('parses --drive like QEMU -drive', () => {
    assert.deepEqual(parseDrive('disk.img'), { file: 'disk.img', readOnly: false, snapshot: false });
    assert.deepEqual(parseDrive('file=d.img,format=raw,if=virtio,readonly=on'), { file: 'd.img', readOnly: true, snapshot: false });
    assert.deepEqual(parseDrive('d.img,snapshot=on'), { file: 'd.img', readOnly: false, snapshot: true });
    assert.deepEqual(parseDrive('my,,disk.img,readonly=on'), { file: 'my,disk.img', readOnly: true, snapshot: false });
    assert.throws(() => parseDrive('d.img,format=qcow2'), /format=qcow2 is not supported/);
    assert.throws(() => parseDrive('d.img,cache=none'), /unknown option 'cache'/);
    assert.throws(() => parseDrive('readonly=on'), /no file given/);
    assert.equal(parseArgs(['run', 'a.elf', '--drive', 'x.img', '--drive', 'y.img,readonly=on']).run.drives.length, 2);
  });

  it('parses --device virtio-rng[,seed=N] and rejects other devices', () => {
    assert.equal(parseArgs(['run', 'a.elf', '--device', 'virtio-rng']).run.entropySeed, 0);
    assert.equal(parseArgs(['run', 'a.elf', '--device', 'virtio-rng-device,seed=42']).run.entropySeed, 42);
    assert.throws(() => parseArgs(['run', 'a.elf', '--device', 'e1000']), /--device: 'e1000' is not supported/);
    assert.deepEqual(parseArgs(['run', 'a.elf', '--device', 'virtio-console']).run.virtioConsole, { input: false });
    assert.deepEqual(parseArgs(['run', 'a.elf', '--device', 'virtio-console,input=on']).run.virtioConsole, { input: true });
  });

  it('help and version', () => {
    assert.equal(parseArgs([]).name, 'help');
    assert.equal(parseArgs(['--help']).name, 'help');
    assert.equal(parseArgs(['run', '--help']).name, 'help');
    assert.equal(parseArgs(['--version']).name, 'version');
  });
});
