// Randomized isolation test of the built-in VMM: a guest with random page tables (random leaves, pointers, flags,
// superpages, targets inside and outside its RAM, devices, absurd addresses) makes random loads and stores, under
// nested and under shadow paging, next to a second VM. Afterwards every host frame that changed must belong to the
// guest (its memory or its own tables), the other VM's memory must be untouched, and every G-stage and shadow leaf
// must point into the guest's own memory. Faults the guest takes are skipped by its handler.
import { strict as assert } from 'node:assert';
import * as A from '../support/asm';
import { VirtBoard } from '../../core/board/virt';
import { GUEST_RAM_BASE, type MmuMode, Vmm } from '../../core/vmm/vmm';
import { Csr } from '../../core/cpu/csrNumbers';
import { ExitReason } from '../../core/vmm/exits';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const MiB = 1 << 20;
const GUEST_MEM = 8 * MiB;
/** Guest physical layout: code at +2 MiB (where a raw image goes), the root table, the access list, the playground. */
const CODE = GUEST_RAM_BASE + 2 * MiB, ROOT = GUEST_RAM_BASE + 3 * MiB, LIST = GUEST_RAM_BASE + 4 * MiB;
const PLAY = GUEST_RAM_BASE + 6 * MiB, PLAY_PAGES = 256;
const ACCESSES = 1500;

/** xorshift32: repeatable random numbers. */
function rng(seed: number): () => number {
  let x = Math.imul(seed, 0x9e3779b1) | 1;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x >>> 0; };
}

/** li of a 64-bit value below 2^32 into rd (zero-extended). */
function li(rd: string, v: number): number[] {
  return [A.lui(rd, ((v + 0x800) >>> 12) & 0xfffff), A.addi(rd, rd, ((v << 20) >> 20)), A.slli(rd, rd, 32), A.srli(rd, rd, 32)];
}

/**
 * The guest: installs a handler that skips the faulting instruction, turns on Sv39 with the random root, then walks
 * the access list (address, value, kind) doing a load or a store for each, and finally shuts down through SBI.
 */
function program(): number[] {
  const p: number[] = [];
  const handler = 64;
  p.push(...li('t0', CODE + 4 * handler), A.csrw(Csr.STVEC, 't0'));
  p.push(...li('t0', ROOT >>> 12), A.addi('t1', 'zero', 8), A.slli('t1', 't1', 60), A.or('t0', 't0', 't1'));
  p.push(A.csrw(Csr.SATP, 't0'), A.sfenceVma('zero', 'zero'));
  p.push(...li('s0', LIST), ...li('s1', LIST + ACCESSES * 24));
  const loop = p.length;
  p.push(A.ld('a0', 's0', 0), A.ld('a1', 's0', 8), A.ld('a2', 's0', 16));
  p.push(A.bne('a2', 'zero', 12));                 // kind 0: load
  p.push(A.ld('a3', 'a0', 0), A.jal('zero', 8));
  p.push(A.sd('a1', 'a0', 0));                     // kind 1: store
  p.push(A.addi('s0', 's0', 24));
  p.push(A.bne('s0', 's1', 4 * (loop - p.length)));
  // SBI SRST shutdown
  p.push(...li('a7', 0x53525354), A.addi('a6', 'zero', 0), A.addi('a0', 'zero', 0), A.addi('a1', 'zero', 0), A.ecall(), A.self());
  A.padTo(p, handler);
  p.push(A.addi('s2', 's2', 1), A.csrr('t2', Csr.SEPC), A.addi('t2', 't2', 4), A.csrw(Csr.SEPC, 't2'), A.sret());
  return p;
}

/** A random PTE: leaf or pointer, random flags, targets in the playground, outside RAM, at devices or absurd. */
function randomPte(r: () => number, level: number): bigint {
  const kind = r() % 8;
  let ppn: bigint;
  switch (kind) {
    case 0: case 1: case 2: case 3: ppn = BigInt((PLAY >>> 12) + (r() % PLAY_PAGES)); break;
    case 4: ppn = 0x10000n + BigInt(r() % 16); break;                    // UART / virtio pages
    case 5: ppn = BigInt(r()) * 64n + BigInt(r() % 64); break;           // anywhere, up to 2^38 frames
    case 6: ppn = 0x40000n + BigInt(r() % 256); break;                   // 1 GiB, nothing there
    default: ppn = BigInt((GUEST_RAM_BASE + GUEST_MEM) >>> 12) + BigInt(r() % 4096); break;   // just past RAM
  }
  let flags: number;
  const shape = r() % 10;
  if (shape < 4) flags = 0xc1 | [0x2, 0x6, 0x8, 0xa, 0xe][r() % 5];             // a well-formed S-mode leaf
  else if (shape < 7 && level > 0) flags = 0x01;                                 // a pointer to a next-level table
  else flags = r() & 0xff;                                                       // anything at all
  return (ppn << 10n) | BigInt(flags);
}

interface Check { accesses: number; changedFrames: number; faultsTaken: number; exits: number }

function run(mode: MmuMode, seed: number): Check {
  const r = rng(seed);
  const board = new VirtBoard({ memorySize: 2 * GUEST_MEM + 16 * MiB, harts: 2, host: { consoleWrite: () => undefined } });
  const code = A.bytes(program());
  const idle = A.bytes([A.wfi(), A.jal('zero', -4)]);
  const vmm = new Vmm(board.machine, [
    { kernel: { name: 'random', bytes: code }, memory: GUEST_MEM, vcpus: 1, mmu: mode },
    { kernel: { name: 'idle', bytes: idle }, memory: GUEST_MEM, vcpus: 1, mmu: mode },
  ], { console: () => undefined, exit: (c) => board.machine.requestExit(c) });
  vmm.boot();
  const [guest, other] = vmm.vms;
  const put = (gpa: number, v: bigint) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    vmm.writeGuest(guest, gpa, b);
  };
  // The root: the program's gigapage (index 2) maps RAM for S-mode; every other entry is random.
  for (let i = 0; i < 512; i++) put(ROOT + 8 * i, i === 2 ? (BigInt(GUEST_RAM_BASE >>> 12) << 10n) | 0xcfn : randomPte(r, 2));
  for (let pg = 0; pg < PLAY_PAGES; pg++) for (let i = 0; i < 512; i++) put(PLAY + pg * 4096 + 8 * i, randomPte(r, 1 + (r() % 2)));
  // The accesses: addresses through random root entries (never the program's own gigapage except the playground).
  for (let k = 0; k < ACCESSES; k++) {
    let va: bigint;
    const pick = r() % 10;
    if (pick === 0) va = 0x4000_0000_0000n + BigInt(r());                                  // not canonical
    else if (pick === 1) va = BigInt(PLAY) + BigInt(r() % (PLAY_PAGES * 4096));             // the playground itself
    else { let idx = r() % 512; if (idx === 2) idx = 3; va = (BigInt(idx) << 30n) | BigInt(r() & 0x3fffffff); }
    if (va >= 1n << 38n && pick !== 0) va |= 0xffff_ff80_0000_0000n;                         // sign-extend the upper half
    put(LIST + 24 * k, va & ~7n);
    put(LIST + 24 * k + 8, (BigInt(r()) << 32n) | BigInt(r()));
    put(LIST + 24 * k + 16, BigInt(r() % 2));
  }
  // Snapshot host RAM (the loader has run) and the other VM's memory.
  const ram = board.machine.bus.ram;
  const before = ram.u8.slice();
  const otherPages = other.pmap.mappings().map(([gpa, hpa]) => [gpa, hpa, ram.u8.slice(hpa - GUEST_RAM_BASE, hpa - GUEST_RAM_BASE + 4096)] as const);
  board.machine.run(20_000_000);
  assert.equal(guest.exitCode, 0, `${mode} seed ${seed}: the guest did not finish its access list`);
  // 1. Every changed host frame belongs to the guest, or holds the other VM's tables (its own exits fill them).
  let changed = 0;
  const otherMemory = new Set(other.pmap.mappings().map(([, h]) => h));
  for (let off = 0; off < ram.u8.length; off += 4096) {
    if (ram.u8.subarray(off, off + 4096).every((b, i) => b === before[off + i])) continue;
    changed++;
    const pa = GUEST_RAM_BASE + off, owner = vmm.frames.ownerOf(pa);
    assert.ok(owner === 0 || (owner === 1 && !otherMemory.has(pa)),
      `${mode} seed ${seed}: host frame 0x${pa.toString(16)} changed, owner ${owner}`);
  }
  // 2. The other VM's memory is as it was.
  for (const [gpa, hpa, bytes] of otherPages) {
    assert.deepEqual(ram.u8.subarray(hpa - GUEST_RAM_BASE, hpa - GUEST_RAM_BASE + 4096), bytes, `vm1 page 0x${gpa.toString(16)}`);
  }
  // 3. Every leaf of the guest's G-stage or shadow tables points into its own memory.
  const own = new Set(guest.pmap.mappings().map(([, h]) => h));
  const leaves = (root: number, levels: number, rootEntries: number): number[] => {
    const out: number[] = [];
    const scan = (table: number, level: number, n: number) => {
      for (let i = 0; i < n; i++) {
        const off = (table - GUEST_RAM_BASE) / 4 + 2 * i;
        const lo = ram.i32[off], hi = ram.i32[off + 1];
        if ((lo & 1) === 0) continue;
        const pa = ((hi & 0x3fffff) * 4194304 + (lo >>> 10)) * 4096;
        if ((lo & 0xe) === 0) scan(pa, level - 1, 512); else out.push(pa);
      }
    };
    scan(root, levels - 1, rootEntries);
    return out;
  };
  const all = mode === 'nested' ? leaves(guest.gstage.root, 3, 2048)
    : guest.shadow!.spaces.flatMap((s) => leaves(s.root, 3, 512));
  assert.ok(all.length > 0);
  for (const pa of all) assert.ok(own.has(pa), `${mode} seed ${seed}: a leaf maps host 0x${pa.toString(16)}, not the guest's`);
  // 4. The other VM is still running.
  assert.equal(other.exitCode, undefined);
  return { accesses: ACCESSES, changedFrames: changed, faultsTaken: Number(board.machine.harts[0].getX(18)), exits: board.machine.exits.total };
}

describe('VMM isolation (randomized)', function () {
  this.timeout(120_000);
  const SEEDS = [1, 2, 3, 4, 5, 6];
  const faultsBySeed = new Map<number, number>();
  for (const mode of ['nested', 'shadow'] as const) {
    it(`${mode}: random page tables and accesses never reach host memory outside the guest (${SEEDS.length} seeds × ${ACCESSES} accesses)`, () => {
      let faults = 0, done = 0;
      for (const seed of SEEDS) {
        const c = run(mode, seed);
        faults += c.faultsTaken; done += c.accesses - c.faultsTaken;
        // The guest sees the same faults whichever way its memory is virtualized.
        if (faultsBySeed.has(seed)) assert.equal(c.faultsTaken, faultsBySeed.get(seed), `seed ${seed}: nested and shadow differ`);
        faultsBySeed.set(seed, c.faultsTaken);
        if (process.env.VMSCOPE_VERBOSE !== undefined) console.log(mode, seed, c);
      }
      assert.ok(faults > SEEDS.length * 100, `the random accesses fault often (${faults} faults the guest skipped)`);
      assert.ok(done > SEEDS.length * 100, `and many complete (${done})`);
    });
  }

  it('a guest that calls SBI with garbage and then loops on a fault gets errors, while the VM next to it runs to its end', () => {
    // Guest 0: 200 SBI calls with random extension/function IDs and arguments (DBCN writes included, with addresses
    // inside, across the end of and far outside its RAM), recording that each returned; then a load from an address
    // nothing backs, with a trap handler that retries it forever.
    const r = rng(7);
    const p: number[] = [];
    const HANDLER = 8000;
    p.push(...li('t0', CODE + 4 * HANDLER), A.csrw(Csr.STVEC, 't0'), A.addi('s2', 'zero', 0));
    for (let k = 0; k < 200; k++) {
      const eid = [0x4442434e, 0x10, 0x54494d45, 0x48534d, 0x52464e43, 0x735049, r(), 0x53525354][r() % 8];
      let fid = r() % 4 === 0 ? r() : r() % 8;
      let a0 = r() % 4096;
      if (eid === 0x48534d && fid === 1) fid = 7;              // not hart_stop: a legitimate way not to return
      if (eid === 0x53525354) a0 = 3 + (r() % 1000);           // reset types 0-2 would legitimately shut down
      p.push(...li('a7', eid >>> 0), ...li('a6', fid >>> 0), ...li('a0', a0), ...li('a1', [0, GUEST_RAM_BASE + GUEST_MEM - 8, r(), 0x1000_0000][r() % 4]),
        ...li('a2', r() % 3), A.ecall(), A.addi('s2', 's2', 1));
    }
    p.push(...li('t1', 0x4000_0000), A.ld('a3', 't1', 0), A.self());
    A.padTo(p, HANDLER);
    p.push(A.sret());                                                       // returns to the faulting load: a fault loop
    const board = new VirtBoard({ memorySize: GUEST_MEM + 192 * MiB, harts: 2, host: { consoleWrite: () => undefined } });
    let out1 = '';
    const vmm = new Vmm(board.machine, [
      { kernel: { name: 'garbage', bytes: A.bytes(p) }, memory: GUEST_MEM, vcpus: 1, mmu: 'shadow' },
      { kernel: { name: 'minikernel', bytes: new Uint8Array(readFileSync(path.join(__dirname, '..', '..', 'examples', 'build', 'minikernel.elf'))) },
        memory: 128 * MiB, vcpus: 1, mmu: 'nested' },
    ], {
      console: (vm, b) => { if (vm === 1) out1 += Buffer.from(b).toString('latin1'); },
      exit: (c) => board.machine.requestExit(c),
    });
    vmm.boot();
    // Each hart runs 10,000 slots per turn: 12 M slots give the minikernel the 5 M it needs.
    board.machine.run(12_000_000);
    vmm.flushConsoles();
    const [bad, good] = vmm.vms;
    assert.equal(good.exitCode, 0, 'the well-behaved VM finished');
    assert.match(out1, /minikernel: all processes exited/);
    const h = board.machine.harts[0];
    assert.equal(bad.exitCode, undefined);
    assert.equal(h.getX(18), 200n, 'every SBI call returned to the guest');
    assert.ok(board.machine.exits.counts[ExitReason.SHADOW_FAULT] > 100, 'and it spins on its fault, served each time');
  });
});
