// The DMA copy engine: register file, page-sized transfers through its port, errors and its interrupt line.
import { strict as assert } from 'node:assert';
import { Ram } from '../../core/devices/ram';
import { RamDma, type DmaPort } from '../../core/devices/dma';
import {
  CE, CE_IRQ_DONE, CE_IRQ_ERROR, CE_STATUS_DONE, CE_STATUS_ERROR, COPY_ENGINE_MAGIC, COPY_ENGINE_MAX_LEN, CopyEngine,
} from '../../core/devices/copyEngine';

const BASE = 0x8000_0000;

function setup(port?: DmaPort): { ram: Ram; ce: CopyEngine; levels: boolean[]; pids: number[] } {
  const ram = new Ram(BASE, 1 << 20);
  const dma = port ?? new RamDma(ram);
  const pids: number[] = [];
  const ce = new CopyEngine((pid) => { pids.push(pid); return dma; });
  const levels: boolean[] = [];
  ce.irqLine = (l) => levels.push(l);
  return { ram, ce, levels, pids };
}

function program(ce: CopyEngine, src: number, dst: number, len: number): void {
  ce.write(CE.SRC_LO, 4, src % 2 ** 32); ce.write(CE.SRC_HI, 4, Math.floor(src / 2 ** 32));
  ce.write(CE.DST_LO, 4, dst % 2 ** 32); ce.write(CE.DST_HI, 4, Math.floor(dst / 2 ** 32));
  ce.write(CE.LEN, 4, len);
  ce.write(CE.DOORBELL, 4, 1);
}

describe('copy engine', () => {
  it('identifies itself and reads back its address registers', () => {
    const { ce } = setup();
    assert.equal(ce.read(CE.MAGIC, 4), COPY_ENGINE_MAGIC);
    assert.equal(ce.read(CE.VERSION, 4), 1);
    ce.write(CE.SRC_LO, 4, 0xdeadbeef); ce.write(CE.SRC_HI, 4, 0x12);
    assert.equal(ce.read(CE.SRC_LO, 4), 0xdeadbeef);
    assert.equal(ce.read(CE.SRC_HI, 4), 0x12);
  });

  it('copies across page boundaries on both sides and raises the completion interrupt', () => {
    const { ram, ce, levels } = setup();
    for (let i = 0; i < 20000; i++) ram.u8[0x1234 + i] = (i * 7 + 3) & 0xff;
    ce.write(CE.IRQ_ENABLE, 4, CE_IRQ_DONE | CE_IRQ_ERROR);
    program(ce, BASE + 0x1234, BASE + 0x40ffd, 20000);
    assert.equal(ce.read(CE.STATUS, 4), CE_STATUS_DONE);
    assert.equal(ce.read(CE.DONE_BYTES, 4), 20000);
    assert.equal(ce.read(CE.COMPLETED, 4), 1);
    assert.deepEqual(ram.u8.subarray(0x40ffd, 0x40ffd + 20000), ram.u8.subarray(0x1234, 0x1234 + 20000));
    assert.deepEqual(levels, [true]);
    assert.equal(ce.read(CE.IRQ_STATUS, 4), CE_IRQ_DONE);
    ce.write(CE.IRQ_STATUS, 4, CE_IRQ_DONE);                      // write 1 to clear
    assert.deepEqual(levels, [true, false]);
  });

  it('stops at the first access its port refuses, reporting the address and the bytes moved', () => {
    const { ram, ce, levels } = setup();
    ram.u8.fill(0x5a, 0, 0x3000);
    ce.write(CE.IRQ_ENABLE, 4, CE_IRQ_ERROR);
    // The destination runs off the end of RAM after two pages.
    const dst = BASE + (1 << 20) - 0x2000;
    program(ce, BASE, dst, 0x3000);
    assert.equal(ce.read(CE.STATUS, 4), CE_STATUS_ERROR);
    assert.equal(ce.read(CE.DONE_BYTES, 4), 0x2000);
    assert.equal(ce.read(CE.FAULT_LO, 4) + ce.read(CE.FAULT_HI, 4) * 2 ** 32, BASE + (1 << 20));
    assert.equal(ce.read(CE.COMPLETED, 4), 0);
    assert.deepEqual(levels, [true]);
    // A source outside RAM: nothing moves.
    ram.u8.fill(0, 0x10000, 0x11000);
    program(ce, 0x1000, BASE + 0x10000, 16);
    assert.equal(ce.read(CE.STATUS, 4), CE_STATUS_ERROR);
    assert.equal(ce.read(CE.DONE_BYTES, 4), 0);
    assert.equal(ce.read(CE.FAULT_LO, 4), 0x1000);
    assert.ok(ram.u8.subarray(0x10000, 0x11000).every((b) => b === 0));
  });

  it('refuses transfers over the size limit without touching memory', () => {
    const { ce } = setup();
    program(ce, BASE, BASE + 0x1000, COPY_ENGINE_MAX_LEN + 1);
    assert.equal(ce.read(CE.STATUS, 4), CE_STATUS_ERROR);
    assert.equal(ce.read(CE.DONE_BYTES, 4), 0);
  });

  it('tags transfers with a process id only when PROCESS bit 31 is set', () => {
    const { ce, pids } = setup();
    program(ce, BASE, BASE + 0x1000, 8);
    ce.write(CE.PROCESS, 4, 0x8000_0000 | 0x123);
    program(ce, BASE, BASE + 0x1000, 8);
    assert.deepEqual(pids, [-1, 0x123]);
  });

  it('reset clears the registers and drops the line', () => {
    const { ce, levels } = setup();
    ce.write(CE.IRQ_ENABLE, 4, CE_IRQ_DONE);
    program(ce, BASE, BASE + 0x1000, 8);
    ce.reset();
    assert.equal(ce.read(CE.STATUS, 4), 0);
    assert.equal(ce.read(CE.IRQ_STATUS, 4), 0);
    assert.deepEqual(levels, [true, false]);
  });
});
