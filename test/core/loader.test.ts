// ELF loading and the virt board's boot flow: placement, registers at entry, symbols, and clear errors.
import { strict as assert } from 'node:assert';
import { LoadError, parseElf } from '../../core/loader/elf';
import { SymbolTable } from '../../core/loader/symbols';
import { VirtBoard } from '../../core/board/virt';
import { makeElf, words } from '../support/elf';

const quiet = { consoleWrite: () => undefined };
const MiB = 1024 * 1024;

describe('ELF loader', () => {
  const good = makeElf(0x8000_0010, [{ paddr: 0x8000_0000, data: words([0x13, 0x13, 0x13, 0x13, 0x6f]), memsz: 0x100 }],
    [{ name: 'main', value: 0x8000_0010, size: 8 }, { name: 'data', value: 0x8000_0080, type: 1, size: 16 }]);

  it('reads entry, segments and symbols', () => {
    const e = parseElf(good, 'good.elf');
    assert.equal(e.entry, 0x8000_0010n);
    assert.equal(e.segments.length, 1);
    assert.equal(e.segments[0].memsz, 0x100);
    assert.equal(e.segments[0].data.length, 20);
    assert.deepEqual(e.symbols.map((s) => s.name), ['main', 'data']);
    const t = new SymbolTable(e.symbols);
    assert.equal(t.describe(0x8000_0014n), 'main+0x4');
    assert.equal(t.describe(0x8000_0080n), 'data');
    assert.equal(t.addressOf('main'), 0x8000_0010n);
  });

  const bad: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ['not ELF', () => new TextEncoder().encode('#!/bin/sh\necho hi\n'), /not an ELF file/],
    ['32-bit', (b) => { const c = b.slice(); c[4] = 1; return c; }, /32-bit ELF/],
    ['big-endian', (b) => { const c = b.slice(); c[5] = 2; return c; }, /big-endian/],
    ['wrong machine', (b) => { const c = b.slice(); c[18] = 62; return c; }, /not RISC-V/],
    ['truncated header', (b) => b.slice(0, 40), /truncated ELF header/],
    ['truncated segment', (b) => b.slice(0, 140), /truncated/],
    ['filesz > memsz', (b) => { const c = b.slice(); new DataView(c.buffer).setBigUint64(64 + 40, 4n, true); return c; }, /exceeds memory size/],
  ];
  for (const [name, mutate, re] of bad) {
    it(`rejects a ${name} file with a clear LoadError`, () => {
      assert.throws(() => parseElf(mutate(good), 'x.elf'), (e: unknown) => e instanceof LoadError && re.test(e.message) && e.message.startsWith('x.elf: '));
    });
  }
});

describe('virt board boot flow', () => {
  it('enters an ELF kernel directly with a0 = hart id and a1 = DTB address', () => {
    const b = new VirtBoard({ memorySize: 16 * MiB, harts: 2, host: quiet });
    const info = b.load({ kernel: { name: 'k.elf', bytes: makeElf(0x8020_0000, [{ paddr: 0x8020_0000, data: words([0x6f]) }]) } });
    assert.equal(info.entry, 0x8020_0000n);
    for (const h of b.machine.harts) {
      assert.equal(h.getPc(), 0x8020_0000n);
      assert.equal(h.getX(10), BigInt(h.id));
      assert.equal(h.getX(11), BigInt(info.fdtAddr));
    }
    // DTB at the top of RAM, 2 MiB aligned, and it is really there
    assert.equal(info.fdtAddr % (2 * MiB), 0);
    assert.equal(b.machine.readPhys64(info.fdtAddr) & 0xffffffffn, 0xedfe0dd0n);
  });

  it('places a raw kernel at the next 2 MiB boundary after the firmware, and the initrd above it', () => {
    const b = new VirtBoard({ memorySize: 64 * MiB, host: quiet });
    const fw = makeElf(0x8000_0000, [{ paddr: 0x8000_0000, data: words([0x6f]), memsz: 0x3_0000 }]);
    const info = b.load({ bios: { name: 'fw.elf', bytes: fw }, kernel: { name: 'Image', bytes: new Uint8Array(4096).fill(7) },
      initrd: { name: 'initrd', bytes: new Uint8Array(1000).fill(9) }, append: 'console=ttyS0' });
    assert.equal(info.entry, 0x8000_0000n);
    assert.equal(info.kernelStart, 0x8020_0000);
    assert.equal(b.machine.readPhys(0x8020_0000, 1)[0], 7);
    assert.ok(info.initrd !== undefined && info.initrd.start >= 0x8020_0000 + 32 * MiB);
    assert.equal(b.machine.readPhys(info.initrd.start, 1)[0], 9);
    const dtb = Buffer.from(b.dtb()).toString('latin1');
    assert.ok(dtb.includes('console=ttyS0'));
    assert.ok(dtb.includes('linux,initrd-start'));
  });

  it('rejects segments outside RAM, oversized raw images and empty files with clear messages', () => {
    const b = new VirtBoard({ memorySize: 2 * MiB, host: quiet });
    assert.throws(() => b.load({ kernel: { name: 'k.elf', bytes: makeElf(0x8040_0000, [{ paddr: 0x8040_0000, data: words([1]) }]) } }),
      /k\.elf: segment 0 \[0x80400000, 0x80400004\) is outside RAM/);
    assert.throws(() => b.load({ kernel: { name: 'big.bin', bytes: new Uint8Array(3 * MiB) } }), /does not fit in RAM/);
    assert.throws(() => b.load({ kernel: { name: 'e.bin', bytes: new Uint8Array(0) } }), /file is empty/);
    assert.throws(() => b.load({}), /nothing to run/);
  });
});
