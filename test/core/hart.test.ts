// Hart-level behaviour through the interpreter: ALU, memory, CSRs, traps, interrupts, atomics, code cache.
import { strict as assert } from 'node:assert';
import * as A from '../support/asm';
import { BASE, machineWith, runTo } from '../support/machine';
import { Csr } from '../../core/cpu/csrNumbers';
import { PRIV_M, PRIV_S } from '../../core/cpu/hart';

const at = (i: number) => BASE + 4 * i;

describe('hart: integer core', () => {
  it('runs a counted loop (sum 1..10) with branches and register writes to x0 ignored', () => {
    const p = [
      A.addi('a0', 'zero', 0), A.addi('a1', 'zero', 10),
      A.add('a0', 'a0', 'a1'), A.addi('a1', 'a1', -1), A.bne('a1', 'zero', -8),
      A.addi('zero', 'zero', 5), A.self(),
    ];
    const m = machineWith(p);
    runTo(m, at(6));
    const h = m.harts[0];
    assert.equal(h.getX(10), 55n);
    assert.equal(h.getX(0), 0n);
    assert.equal(h.instret, 2 + 30 + 1);
  });

  it('64-bit arithmetic carries between words; ADDIW sign-extends; LUI sign-extends', () => {
    const p = [
      A.addi('a0', 'zero', -1), A.srli('a0', 'a0', 32),  // a0 = 0xffffffff
      A.addi('a1', 'a0', 1),                            // 0x1_0000_0000
      A.addiw('a2', 'a0', 0),                           // sign-extended 0xffffffff → -1
      A.lui('a3', 0x80000),                             // 0xffffffff80000000
      A.sub('a4', 'zero', 'a1'),                        // -(2^32)
      A.self(),
    ];
    const m = machineWith(p);
    runTo(m, at(p.length - 1));
    const h = m.harts[0];
    assert.equal(h.getX(11), 0x1_0000_0000n);
    assert.equal(h.getX(12), 0xffff_ffff_ffff_ffffn);
    assert.equal(h.getX(13), 0xffff_ffff_8000_0000n);
    assert.equal(h.getX(14), BigInt.asUintN(64, -(1n << 32n)));
  });

  it('loads sign/zero-extend; misaligned and page-crossing accesses are emulated', () => {
    const data = BASE + 0x1ffc;        // 4 bytes before a page boundary
    const p = [
      // s0 = data: lui of the next page, then -4 (addi sign-extends 0xffc)
      A.lui('s0', ((data >>> 12) + 1) & 0xfffff), A.slli('s0', 's0', 32), A.srli('s0', 's0', 32), A.addi('s0', 's0', -4),
      A.lb('a0', 's0', 0), A.lbu('a1', 's0', 0), A.lh('a2', 's0', 1), A.lw('a3', 's0', 2), A.ld('a4', 's0', 1),
      A.lwu('a5', 's0', 0),
      A.sd('a4', 's0', 3),               // misaligned store across the page boundary
      A.ld('a6', 's0', 3),
      A.self(),
    ];
    const m = machineWith(p);
    m.writePhys(data, Uint8Array.from([0x80, 0x91, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0xf7, 0x08, 0x19]));
    runTo(m, at(p.length - 1));
    const h = m.harts[0];
    assert.equal(h.getX(10), BigInt.asUintN(64, -128n));
    assert.equal(h.getX(11), 0x80n);
    assert.equal(h.getX(12), 0xffff_ffff_ffff_a291n);
    assert.equal(h.getX(13), 0xffff_ffff_d5c4_b3a2n);
    assert.equal(h.getX(14), 0x08f7_e6d5_c4b3_a291n);
    assert.equal(h.getX(15), 0xb3a2_9180n);
    assert.equal(h.getX(16), 0x08f7_e6d5_c4b3_a291n);
    assert.equal(m.readPhys64(data + 3), 0x08f7_e6d5_c4b3_a291n);
  });

  it('a store over already-executed code is seen by the next fetch (code cache invalidation)', () => {
    // loop twice over an instruction that the first pass overwrites with "addi a0, a0, 100"
    const p = [
      A.addi('a1', 'zero', 2),
      A.auipc('s0', 0),                  // s0 = address of this instruction
      A.addi('a0', 'a0', 1),             // patched
      ...A.li32('t0', A.addi('a0', 'a0', 100) | 0),
      A.sw('t0', 's0', 4),
      A.addi('a1', 'a1', -1), A.bne('a1', 'zero', -32),
      A.self(),
    ];
    const m = machineWith(p);
    runTo(m, at(p.length - 1));
    assert.equal(m.harts[0].getX(10), 101n);
  });
});

describe('hart: CSRs', () => {
  it('mstatus.MPP is WARL (2 keeps the old value); sstatus is a masked view; misa is read-only', () => {
    const p = [
      ...A.li32('t0', 0x1800), A.csrw(Csr.MSTATUS, 't0'),             // MPP = M
      ...A.li32('t0', 0x1000), A.csrrc('zero', Csr.MSTATUS, 't0'),     // MPP would become 1 (S)
      ...A.li32('t0', 0x1000), A.csrrs('zero', Csr.MSTATUS, 't0'),     // back to 3
      ...A.li32('t0', 0x0800), A.csrrc('zero', Csr.MSTATUS, 't0'),     // 3 → 2 is reserved: keeps 3
      A.csrr('a0', Csr.MSTATUS),
      A.addi('t1', 'zero', -1), A.csrw(Csr.SSTATUS, 't1'), A.csrr('a1', Csr.SSTATUS), A.csrr('a2', Csr.MSTATUS),
      A.csrw(Csr.MISA, 'zero'), A.csrr('a3', Csr.MISA),
      A.self(),
    ];
    const m = machineWith(p);
    runTo(m, at(p.length - 1));
    const h = m.harts[0];
    assert.equal((h.getX(10) >> 11n) & 3n, 3n);
    assert.equal(h.getX(10) >> 32n & 0xfn, 0xan, 'UXL=SXL=2');
    // sstatus writable bits: SIE SPIE SPP FS SUM MXR; SD set since FS = dirty
    assert.equal(h.getX(11), 0x8000_0002_000c_6122n);
    assert.equal((h.getX(12) >> 11n) & 3n, 3n, 'sstatus writes leave MPP alone');
    assert.equal(h.getX(13), 0x8000_0000_0014_11adn, "misa: RV64 IMAFDCHSU");
  });

  it('an unknown CSR raises illegal instruction with the instruction bits in mtval', () => {
    const bad = A.csrr('a0', 0x7c0);
    const p = [...A.li32('t0', at(8)), A.csrw(Csr.MTVEC, 't0'), bad];
    A.padTo(p, 10);
    const m = machineWith(p);
    runTo(m, at(8));
    const h = m.harts[0];
    assert.equal(h.mcauseLo, 2);
    assert.equal(h.mepcLo >>> 0, at(5));
    assert.equal(h.mtvalLo >>> 0, bad);
  });

  it('satp: an unsupported MODE makes the write have no effect; counters are gated by mcounteren', () => {
    const p = [
      ...A.li32('t0', 1), A.slli('t0', 't0', 60), A.csrw(Csr.SATP, 't0'), A.csrr('a0', Csr.SATP),
      A.csrr('a1', Csr.INSTRET), A.csrr('a2', Csr.INSTRET),
      A.self(),
    ];
    const m = machineWith(p);
    runTo(m, at(p.length - 1));
    const h = m.harts[0];
    assert.equal(h.getX(10), 0n);
    assert.equal(h.getX(12) - h.getX(11), 1n);
  });
});

describe('hart: traps and privilege', () => {
  it('ecall from U is delegated to S (medeleg), sret returns; ecall from M stays in M', () => {
    // M: set stvec, medeleg[8], mepc = U code, MPP = U; mret → U: ecall → S handler: ecall → M handler (cause 9)
    const u = 30, s = 34, mh = 38;
    const p: number[] = [];
    p.push(...A.li32('t0', at(s)), A.csrw(Csr.STVEC, 't0'));
    p.push(...A.li32('t0', at(mh)), A.csrw(Csr.MTVEC, 't0'));
    p.push(A.addi('t0', 'zero', 1 << 8), A.csrw(Csr.MEDELEG, 't0'));
    p.push(...A.li32('t0', at(u)), A.csrw(Csr.MEPC, 't0'));
    p.push(A.mret());
    // pmp: allow everything for S/U (NAPOT all)
    A.padTo(p, u);
    p.push(A.ecall(), A.self(), A.self(), A.self());
    p.push(A.ecall(), A.self(), A.self(), A.self());
    p.push(A.self());
    const m = machineWith(p);
    // open PMP entry 0 to all of memory before running
    const h = m.harts[0];
    h.pmp.writeAddr(0, 2 ** 54 - 1);
    h.pmp.writeCfg(0, 0x1f, 0);      // NAPOT RWX
    runTo(m, at(mh));
    assert.equal(h.scauseLo, 8, 'U ecall lands in S');
    assert.equal(h.sepcLo >>> 0, at(u));
    assert.equal(h.mcauseLo, 9, 'S ecall lands in M');
    assert.equal(h.mepcLo >>> 0, at(s));
    assert.equal(h.priv, PRIV_M);
    assert.equal((h.mstatus >> 11) & 3, PRIV_S, 'MPP = S');
    assert.equal((h.mstatus >> 8) & 1, 0, 'SPP = U');
  });

  it('S-mode fetch with no PMP entry configured is an instruction access fault', () => {
    const p = [...A.li32('t0', at(20)), A.csrw(Csr.MTVEC, 't0'), ...A.li32('t0', 0x800), A.csrw(Csr.MSTATUS, 't0'),
      ...A.li32('t0', at(18)), A.csrw(Csr.MEPC, 't0'), A.mret()];
    A.padTo(p, 22);
    const m = machineWith(p);
    runTo(m, at(20));
    const h = m.harts[0];
    assert.equal(h.mcauseLo, 1);
    assert.equal(h.mtvalLo >>> 0, at(18));
    assert.equal((h.mstatus >> 11) & 3, PRIV_S);
  });

  it('timer interrupt: vectored mtvec, WFI wakes, time advances deterministically', () => {
    const clint = 0x0200_0000;
    const p = [
      ...A.li32('t0', at(32) | 1), A.csrw(Csr.MTVEC, 't0'),          // vectored
      ...A.li32('s0', clint + 0x4000), A.addi('t1', 'zero', 1000), A.sd('t1', 's0', 0),   // mtimecmp = 1000
      A.addi('t0', 'zero', 0x80), A.csrw(Csr.MIE, 't0'),              // MTIE
      A.csrrwi('zero', Csr.MSTATUS, 8),                                // MIE
      A.wfi(),
    ];
    const wfiAt = p.length - 1;
    A.padTo(p, 32 + 7);
    p.push(A.csrr('a0', Csr.MCAUSE), A.self());                      // at(32+7): MTI vector
    const m = machineWith(p);
    runTo(m, at(40), 10_000);
    const h = m.harts[0];
    assert.equal(h.getX(10), (1n << 63n) | 7n);
    assert.ok(m.mtime() >= 1000 && m.mtime() < 1010, `mtime ${m.mtime()}`);
    assert.equal(h.mepcLo >>> 0, at(wfiAt + 1), 'mepc = the instruction after WFI');
  });

  it('interrupt priority: MSI before MTI when both are pending', () => {
    const clint = 0x0200_0000;
    const p = [
      ...A.li32('t0', at(20)), A.csrw(Csr.MTVEC, 't0'),
      ...A.li32('s0', clint + 0x4000), A.sd('zero', 's0', 0),   // mtimecmp = 0 → MTIP
      ...A.li32('s0', clint),
      A.addi('t1', 'zero', 1), A.sw('t1', 's0', 0),             // MSIP
      A.addi('t0', 'zero', 0x88), A.csrw(Csr.MIE, 't0'),
      A.csrrwi('zero', Csr.MSTATUS, 8),
    ];
    A.padTo(p, 20);
    p.push(A.csrr('a0', Csr.MCAUSE), A.self());
    const m = machineWith(p);
    runTo(m, at(21));
    assert.equal(m.harts[0].getX(10), (1n << 63n) | 3n);
  });
});

describe('hart: atomics', () => {
  it('LR/SC pairs, SC without reservation fails, AMOs return old values and store new ones', () => {
    const p = [
      ...A.li32('s0', BASE + 0x800),
      A.addi('t0', 'zero', -5), A.sd('t0', 's0', 0),
      A.lrD('a0', 's0'), A.addi('t1', 'zero', 7), A.scD('a1', 's0', 't1'),   // succeeds: a1 = 0
      A.scD('a2', 's0', 't1'),                                                // no reservation: a2 = 1
      A.addi('t2', 'zero', -2), A.amominD('a3', 's0', 't2'),                  // old 7, new min(7,-2) = -2
      A.ld('a4', 's0', 0),
      A.addi('t3', 'zero', 3), A.sw('t3', 's0', 8), A.addi('t4', 'zero', -1),
      A.amomaxuW('a5', 's0', 't4'),     // .W on s0+0: old = low word of -2 = 0xfffffffe (sign-extended)
      A.lw('a6', 's0', 0),
      A.addi('s1', 's0', 2), A.amoaddW('a7', 's1', 't3'),                    // misaligned → store/AMO misaligned
      A.self(),
    ];
    const m = machineWith(p);
    const h = m.harts[0];
    m.run(p.length - 1);
    assert.equal(h.getX(10), BigInt.asUintN(64, -5n));
    assert.equal(h.getX(11), 0n);
    assert.equal(h.getX(12), 1n);
    assert.equal(h.getX(13), 7n);
    assert.equal(h.getX(14), BigInt.asUintN(64, -2n));
    assert.equal(h.getX(15), 0xffff_ffff_ffff_fffen);
    assert.equal(h.getX(16), BigInt.asUintN(64, -1n));
    assert.equal(h.mcauseLo, 6);
  });
});
