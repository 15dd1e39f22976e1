// Board devices through the physical bus: UART 16550A, test finisher, HTIF tohost, and the generated device tree.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { VirtBoard } from '../../core/board/virt';
import { Uart16550 } from '../../core/devices/uart16550';
import { MemoryBlockBackend } from '../../core/devices/virtio/blk';
import { makeElf, words } from '../support/elf';

const MiB = 1024 * 1024;

describe('UART 16550A', () => {
  it('transmits bytes, reports LSR, receives input and raises/clears interrupts', () => {
    const out: number[] = [];
    const levels: boolean[] = [];
    const u = new Uart16550((b) => out.push(...b));
    u.irqLine = (l) => levels.push(l);
    for (const c of 'hi\n') u.write(0, 1, c.charCodeAt(0));
    assert.equal(Buffer.from(out).toString(), 'hi\n');        // newline flushes
    assert.equal(u.read(5, 1) & 0x61, 0x60);                    // THRE|TEMT, no data
    u.write(1, 1, 1);                                            // ERBFI
    u.pushInput([65, 66]);
    assert.equal(u.read(5, 1) & 1, 1);
    assert.equal(u.read(2, 1) & 0x0f, 4);                       // IIR: received data available
    assert.deepEqual(levels, [true]);
    assert.equal(u.read(0, 1), 65);
    assert.equal(u.read(0, 1), 66);
    assert.equal(u.read(2, 1) & 0x0f, 1);                       // no interrupt pending
    assert.deepEqual(levels, [true, false]);
    u.write(1, 1, 2);                                            // ETBEI: THR empty interrupt at once
    assert.equal(u.read(2, 1) & 0x0f, 2);
    assert.equal(u.read(2, 1) & 0x0f, 1);                       // reading IIR cleared it
    u.write(3, 1, 0x80);                                         // DLAB: divisor latch
    u.write(0, 1, 0x12); u.write(1, 1, 0x34);
    assert.equal(u.read(0, 1), 0x12); assert.equal(u.read(1, 1), 0x34);
    u.write(3, 1, 0x03);
    u.write(7, 1, 0x5a); assert.equal(u.read(7, 1), 0x5a);     // scratch
  });

  it('keeps input beyond the FIFO in order (nothing is dropped)', () => {
    const u = new Uart16550(() => undefined);
    const data = Array.from({ length: 10000 }, (_, i) => i & 0xff);
    u.pushInput(data);
    const got: number[] = [];
    while (u.read(5, 1) & 1) got.push(u.read(0, 1));
    assert.deepEqual(got, data);
  });
});

describe('exit devices', () => {
  it('test finisher: 0x5555 exits 0, (code << 16) | 0x3333 exits with code', () => {
    for (const [v, code] of [[0x5555, 0], [(7 << 16) | 0x3333, 7]]) {
      const b = new VirtBoard({ memorySize: 4 * MiB, host: { consoleWrite: () => undefined } });
      b.machine.bus.write(0x10_0000, 4, v, 0);
      assert.equal(b.machine.exited, code);
    }
  });

  it('HTIF tohost: 1 = pass, (n << 1) | 1 = fail n, console putchar and the write syscall', () => {
    const out: number[] = [];
    const b = new VirtBoard({ memorySize: 4 * MiB, host: { consoleWrite: (x) => out.push(...x) } });
    const elf = makeElf(0x8000_0000, [{ paddr: 0x8000_0000, data: words([0x6f]), memsz: 0x2000 }],
      [{ name: 'tohost', value: 0x8000_1000, type: 1, size: 8 }, { name: 'fromhost', value: 0x8000_1040, type: 1, size: 8 }]);
    b.load({ kernel: { name: 't.elf', bytes: elf } });
    const bus = b.machine.bus;
    bus.write(0x8000_1000, 8, 0x41, 0x01010000);               // device 1, cmd 1: putchar 'A'
    assert.deepEqual(out, [0x41]);
    assert.equal(b.machine.readPhys64(0x8000_1000), 0n);        // consumed
    assert.equal(b.machine.readPhys64(0x8000_1040), 0x0101000000000000n);
    // write(1, buf, 3) through magic memory at 0x80001100
    b.machine.writePhys(0x8000_1200, new TextEncoder().encode('xyz'));
    b.machine.writePhys64(0x8000_1100, 64n); b.machine.writePhys64(0x8000_1108, 1n);
    b.machine.writePhys64(0x8000_1110, 0x8000_1200n); b.machine.writePhys64(0x8000_1118, 3n);
    bus.write(0x8000_1000, 8, 0x8000_1100 | 0, 0);
    assert.equal(Buffer.from(out.slice(1)).toString(), 'xyz');
    assert.equal(b.machine.readPhys64(0x8000_1100), 3n);
    assert.equal(b.machine.exited, undefined);
    bus.write(0x8000_1000, 8, (5 << 1) | 1, 0);
    assert.equal(b.machine.exited, 5);
  });
});

describe('device tree', () => {
  const hasDtc = spawnSync('dtc', ['--version']).status === 0;
  it('is a valid DTB that dtc decompiles, describing the actual board', function () {
    if (!hasDtc) { this.skip(); }
    const b = new VirtBoard({ memorySize: 256 * MiB, harts: 3, host: { consoleWrite: () => undefined } });
    b.load({ kernel: { name: 'k', bytes: new Uint8Array(16) }, append: 'console=ttyS0 quiet' });
    const dir = mkdtempSync(path.join(tmpdir(), 'vmscope-dtb-'));
    const f = path.join(dir, 'virt.dtb');
    writeFileSync(f, b.dtb());
    const dts = execFileSync('dtc', ['-I', 'dtb', '-O', 'dts', f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(dts, /memory@80000000 \{[^}]*reg = <0x00 0x80000000 0x00 0x10000000>/s);
    assert.match(dts, /bootargs = "console=ttyS0 quiet"/);
    assert.match(dts, /cpu@2 \{/);
    assert.doesNotMatch(dts, /cpu@3/);
    assert.match(dts, /riscv,isa = "rv64imafdch_zicntr_zicsr_zifencei_zihpm_zba_zbb_zbs_zicond_sstc_svadu"/);
    assert.match(dts, /timebase-frequency = <0x989680>/);
    assert.match(dts, /serial@10000000/);
    assert.match(dts, /stdout-path = "\/soc\/serial@10000000"/);
    assert.match(dts, /clint@2000000/);
  });
});

describe('goldfish RTC', () => {
  it('reads the power-on epoch plus guest time, latches the high word, and raises its alarm on the PLIC', () => {
    const epochMs = 1_700_000_000_000;
    const b = new VirtBoard({ memorySize: 4 * MiB, host: { consoleWrite: () => undefined }, rtcEpochMs: epochMs });
    const bus = b.machine.bus;
    const readNs = () => {
      bus.read(0x10_1000, 4); const lo = bus.lo >>> 0;
      bus.read(0x10_1004, 4); const hi = bus.lo >>> 0;
      return (BigInt(hi) << 32n) | BigInt(lo);
    };
    assert.equal(readNs(), BigInt(epochMs) * 1_000_000n);
    // arm an alarm 1 µs ahead, enable its interrupt, let guest time pass (a spinning hart)
    const t = readNs() + 1000n;
    bus.write(0x10_1008, 4, Number(t & 0xffff_ffffn) | 0, 0);
    bus.write(0x10_100c, 4, Number(t >> 32n) | 0, 0);
    bus.write(0x10_1010, 4, 1, 0);
    bus.write(0x0c00_0000 + 4 * 11, 4, 1, 0);       // PLIC priority of source 11
    bus.read(0x10_1018, 4);
    assert.equal(bus.lo, 1, 'alarm armed');
    b.machine.writePhys(0x8000_0000, Uint8Array.of(0x6f, 0, 0, 0));   // j .
    b.machine.run(1_000_000);
    assert.ok(readNs() >= t);
    bus.read(0x0c00_1000, 4);
    assert.equal((bus.lo >>> 11) & 1, 1, 'RTC interrupt pending at the PLIC');
    bus.write(0x10_101c, 4, 1, 0);                   // clear interrupt
    bus.read(0x10_1018, 4);
    assert.equal(bus.lo, 0, 'alarm consumed');
  });
});

describe('virtio slots on the board', () => {
  it('drives fill the slots from the top, the entropy device follows them, the rest are empty', () => {
    const disk = new MemoryBlockBackend(new Uint8Array(4096));
    const b = new VirtBoard({ memorySize: 4 * MiB, host: { consoleWrite: () => undefined }, drives: [disk], entropySeed: 7 });
    const ids = [];
    for (let n = 0; n < 8; n++) { b.machine.bus.read(0x1000_1000 + 0x1000 * n + 8, 4); ids.push(b.machine.bus.lo); }
    assert.deepEqual(ids, [0, 0, 0, 0, 0, 0, 4, 2]);
  });

  it('a virtio console follows the drives and the entropy device', () => {
    const b = new VirtBoard({ memorySize: 4 * MiB, host: { consoleWrite: () => undefined }, entropySeed: 1, virtioConsole: true });
    const ids = [];
    for (let n = 0; n < 8; n++) { b.machine.bus.read(0x1000_1000 + 0x1000 * n + 8, 4); ids.push(b.machine.bus.lo); }
    assert.deepEqual(ids, [0, 0, 0, 0, 0, 0, 3, 4]);
    assert.ok(b.vconsole !== null);
  });
});

describe('syscon reboot', () => {
  it('a 0x7777 write stops the run as a reset; reboot() reloads the images and restarts every hart at the entry', () => {
    const b = new VirtBoard({ memorySize: 4 * MiB, harts: 2, host: { consoleWrite: () => undefined } });
    // 0: lui t0, 0x100; 1: lui t1, 0x7; 2: addi t1, t1, 0x777; 3: sh t1, 0(t0); 4: j .
    const prog = words([0x001002b7, 0x00007337, 0x77730313, 0x00629023, 0x0000006f]);
    b.load({ kernel: { name: 'reboot.elf', bytes: makeElf(0x8000_0000, [{ paddr: 0x8000_0000, data: prog }]) } });
    const r = b.machine.run(1000);
    assert.equal(r.reason, 'stopped');
    assert.deepEqual(b.finish, { kind: 'reset' });
    b.machine.writePhys(0x8000_0000, new Uint8Array(4));          // the guest "corrupted" its own code
    b.reboot();
    assert.equal(b.finish, undefined);
    assert.equal(b.machine.readPhys(0x8000_0000, 4)[0], 0xb7, 'image reloaded');
    for (const h of b.machine.harts) {
      assert.equal(h.getPc(), 0x8000_0000n);
      assert.equal(h.getX(10), BigInt(h.id));
    }
    assert.equal(b.machine.run(1000).reason, 'stopped', 'and it runs again');
  });
});
