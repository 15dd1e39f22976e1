// PLIC: priorities, thresholds, per-context enables, claim/complete with level-triggered gateways, and the
// UART → PLIC → MEIP path on the virt board.
import { strict as assert } from 'node:assert';
import { Plic } from '../../core/devices/plic';
import { VirtBoard } from '../../core/board/virt';
import { MIP_MEIP, MIP_SEIP } from '../../core/cpu/causes';

const prio = (src: number) => 4 * src;
const enable = (ctx: number) => 0x2000 + 0x80 * ctx;
const threshold = (ctx: number) => 0x20_0000 + 0x1000 * ctx;
const claim = (ctx: number) => threshold(ctx) + 4;

function plic(harts = 1) {
  const lines = new Map<string, boolean>();
  const p = new Plic(harts, (h, priv, level) => lines.set(`${h}:${priv}`, level));
  return { p, lines };
}

describe('PLIC', () => {
  it('claims the highest-priority enabled source above the threshold; ties go to the lowest id', () => {
    const { p, lines } = plic();
    for (const [src, pr] of [[3, 2], [5, 6], [7, 6], [9, 1]]) p.write(prio(src), 4, pr);
    p.write(enable(0), 4, (1 << 3) | (1 << 5) | (1 << 7) | (1 << 9));
    for (const s of [3, 5, 7, 9]) p.setLevel(s, true);
    assert.equal(lines.get('0:3'), true);
    assert.equal(p.read(0x1000, 4), (1 << 3) | (1 << 5) | (1 << 7) | (1 << 9));
    assert.equal(p.read(claim(0), 4), 5);
    assert.equal(p.read(claim(0), 4), 7);
    p.write(threshold(0), 4, 2);                       // 3 (prio 2) and 9 (prio 1) are now masked
    assert.equal(p.read(claim(0), 4), 0);
    assert.equal(lines.get('0:3'), false);
    p.write(threshold(0), 4, 0);
    assert.equal(p.read(claim(0), 4), 3);
  });

  it('level-triggered: a claimed source is not re-pended until completed, then again if still high', () => {
    const { p } = plic();
    p.write(prio(10), 4, 1);
    p.write(enable(0), 4, 1 << 10);
    p.setLevel(10, true);
    assert.equal(p.read(claim(0), 4), 10);
    assert.equal(p.read(0x1000, 4), 0, 'claimed: not pending');
    p.write(claim(0), 4, 10);                          // complete while the line is still high
    assert.equal(p.read(0x1000, 4), 1 << 10);
    assert.equal(p.read(claim(0), 4), 10);
    p.setLevel(10, false);
    p.write(claim(0), 4, 10);
    assert.equal(p.read(0x1000, 4), 0);
    assert.equal(p.read(claim(0), 4), 0);
  });

  it('contexts are per hart and privilege; priority 0 never interrupts; source 0 cannot be enabled', () => {
    const { p, lines } = plic(2);
    p.write(prio(1), 4, 1);
    p.write(enable(3), 4, 0xffff_ffff);                // hart 1, S-mode
    assert.equal(p.read(enable(3), 4), 0xffff_fffe);
    p.setLevel(1, true);
    assert.equal(lines.get('1:1'), true);
    assert.equal(lines.get('0:3'), undefined);
    p.setLevel(2, true);                               // priority 0
    assert.equal(p.read(claim(3), 4), 1);
    assert.equal(p.read(claim(3), 4), 0);
    assert.equal(p.read(prio(1), 4), 1);
    p.write(prio(1), 4, 0xff);
    assert.equal(p.read(prio(1), 4), 7, 'priority is WARL 0..7');
  });

  it('virt board: UART receive interrupt reaches the hart as MEIP (M context) and SEIP (S context)', () => {
    const b = new VirtBoard({ memorySize: 4 << 20, host: { consoleWrite: () => undefined } });
    const bus = b.machine.bus, h = b.machine.harts[0];
    bus.write(0x0c00_0000 + prio(10), 4, 1, 0);
    bus.write(0x0c00_0000 + enable(0), 4, 1 << 10, 0);
    bus.write(0x0c00_0000 + enable(1), 4, 1 << 10, 0);
    bus.write(0x1000_0001, 1, 1, 0);                  // UART IER: received data available
    assert.equal(h.mipHw & (MIP_MEIP | MIP_SEIP), 0);
    b.uart.pushInput([0x41]);
    assert.equal(h.mipHw & (MIP_MEIP | MIP_SEIP), MIP_MEIP | MIP_SEIP);
    bus.read(0x0c20_0004, 4);
    assert.equal(bus.lo, 10);
    bus.read(0x1000_0000, 1);                         // reading RBR drops the UART line
    bus.write(0x0c20_0004, 4, 10, 0);
    assert.equal(h.mipHw & (MIP_MEIP | MIP_SEIP), 0);
  });
});
