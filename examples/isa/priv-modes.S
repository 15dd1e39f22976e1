/* Privilege modes and traps: ecall causes from M/S/U, mepc/mtval reporting, mstatus
   MIE/MPIE/MPP stacking across a trap and mret, sret, medeleg delegation to S-mode,
   illegal instructions with the instruction bits in mtval, CSR privilege checks, counter
   enables and ebreak (privileged spec 3.1.6.1, 3.1.8, 3.1.15-16, 3.3). */
#include "test.h"
#include "priv.h"

  .text
  .globl test_main
test_main:
  la t0, record_trap
  csrw mtvec, t0
  /* S/U accesses need a PMP entry covering memory: entry 0 = NAPOT everything, RWX. */
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  csrw medeleg, zero
  csrw mideleg, zero
  csrw satp, zero

  /* 1: ecall from M-mode: cause 11, mepc = the ecall, mtval = 0. */
  li gp, 1
  la s5, 1f
2:
  ecall
  j fail
1:
  EXPECT_CAUSE(CAUSE_ECALL_M)
  EXPECT_TVAL(0)
  la t0, 2b
  bne s3, t0, fail

  /* 2: the trap stacks MIE into MPIE and clears MIE; mret restores it (3.1.6.1). */
  li gp, 2
  li t0, MSTATUS_MIE
  csrs mstatus, t0          /* mie is 0, so no interrupt can be taken */
  la s5, 1f
  ecall
1:
  andi a1, s6, MSTATUS_MIE
  bnez a1, fail              /* in the handler: MIE = 0 ... */
  andi a1, s6, MSTATUS_MPIE
  beqz a1, fail              /* ... and MPIE = the old MIE */
  csrr a0, mstatus
  andi a1, a0, MSTATUS_MIE
  beqz a1, fail              /* mret restored MIE from MPIE */
  li t0, MSTATUS_MIE
  csrc mstatus, t0

  /* 3: ecall from S-mode (cause 9) and from U-mode (cause 8). */
  RUN_IN(MPP_S, 3, nop)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  RUN_IN(MPP_U, 4, nop)
  EXPECT_CAUSE(CAUSE_ECALL_U)
  /* 5: the trap from U-mode recorded MPP = U. */
  li gp, 5
  li t0, MSTATUS_MPP
  and a0, s6, t0
  bnez a0, fail

  /* 6: an unimplemented encoding raises illegal instruction with its bits in mtval. */
  li gp, 6
  la s5, 1f
2:
  .word 0xfe000033           /* OP with funct7 = 1111111: reserved */
  j fail
1:
  EXPECT_CAUSE(CAUSE_ILLEGAL)
  EXPECT_TVAL(0xfe000033)
  la t0, 2b
  bne s3, t0, fail

  /* 7: S-mode may not touch M-level CSRs (illegal, mtval = the csrr encoding). */
  RUN_IN(MPP_S, 7, csrr a0, mstatus)
  EXPECT_CAUSE(CAUSE_ILLEGAL)
  EXPECT_TVAL(0x30002573)
  /* 8: U-mode may not touch S-level CSRs. */
  RUN_IN(MPP_U, 8, csrr a0, sstatus)
  EXPECT_CAUSE(CAUSE_ILLEGAL)
  /* 9: writing a read-only CSR is illegal even in M-mode. */
  li gp, 9
  la s5, 1f
  csrw mhartid, zero
  j fail
1:
  EXPECT_CAUSE(CAUSE_ILLEGAL)
  /* 10: sret in U-mode is illegal; so is mret in S-mode. */
  RUN_IN(MPP_U, 10, sret)
  EXPECT_CAUSE(CAUSE_ILLEGAL)
  RUN_IN(MPP_S, 11, mret)
  EXPECT_CAUSE(CAUSE_ILLEGAL)
  /* 12: mstatus.TSR makes sret illegal in S-mode. */
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  RUN_IN(MPP_S, 12, sret)
  EXPECT_CAUSE(CAUSE_ILLEGAL)
  li t0, MSTATUS_TSR
  csrc mstatus, t0

  /* 13: counters: with mcounteren = 0 S-mode cannot read cycle; with CY set it can. */
  csrw mcounteren, zero
  RUN_IN(MPP_S, 13, rdcycle a0)
  EXPECT_CAUSE(CAUSE_ILLEGAL)
  li t0, 7
  csrw mcounteren, t0
  RUN_IN(MPP_S, 14, rdcycle a0; rdinstret a0; rdtime a0)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  /* U-mode additionally needs scounteren. */
  csrw scounteren, zero
  RUN_IN(MPP_U, 15, rdinstret a0)
  EXPECT_CAUSE(CAUSE_ILLEGAL)
  li t0, 7
  csrw scounteren, t0
  RUN_IN(MPP_U, 16, rdinstret a0)
  EXPECT_CAUSE(CAUSE_ECALL_U)

  /* 17: ebreak raises a breakpoint with mepc at the ebreak. */
  li gp, 17
  la s5, 1f
2:
  ebreak
  j fail
1:
  EXPECT_CAUSE(CAUSE_BREAKPOINT)
  la t0, 2b
  bne s3, t0, fail

  /* 18: sret from S-mode into U-mode uses sepc and sstatus.SPP. */
  li gp, 18
  RUN_IN(MPP_S, 18, la t0, 1f; csrw sepc, t0; li t0, MSTATUS_SPP; csrc sstatus, t0; sret; 1: csrr a0, sstatus)
  EXPECT_CAUSE(CAUSE_ILLEGAL)           /* reading sstatus from U-mode proves we got there */

  /* 19: medeleg hands U-mode ecalls to S-mode: scause = 8, sepc = the ecall, SPP = U,
     sstatus.SPIE = the old SIE; the S handler then ecalls to M. */
  li gp, 19
  la t0, s_handler
  csrw stvec, t0
  li t0, (1 << CAUSE_ECALL_U)
  csrw medeleg, t0
  li t0, MSTATUS_SIE
  csrs mstatus, t0
  la s5, 1f
  la t0, 2f
  csrw mepc, t0
  li t0, MSTATUS_MPP
  csrc mstatus, t0          /* MPP = U */
  mret
2:
  ecall                      /* U-mode; goes to s_handler */
  j fail
1:
  /* Back in M from the S handler's ecall. */
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t6, CAUSE_ECALL_U
  bne a2, t6, fail
  la t0, 2b
  bne a3, t0, fail
  andi t0, a4, MSTATUS_SPP
  bnez t0, fail
  andi t0, a4, MSTATUS_SIE
  bnez t0, fail              /* SIE cleared on the trap ... */
  andi t0, a4, 0x20          /* ... and stacked into SPIE */
  beqz t0, fail
  csrr t0, mcause            /* M-mode CSRs were not touched by the delegated trap */
  li t6, CAUSE_ECALL_S
  bne t0, t6, fail
  csrw medeleg, zero

  /* 20: an M-mode ecall is never delegated, even with its medeleg bit set (3.1.8:
     medeleg[11] is read-only zero). */
  li gp, 20
  li t0, (1 << CAUSE_ECALL_M)
  csrw medeleg, t0
  la s5, 1f
  ecall
1:
  EXPECT_CAUSE(CAUSE_ECALL_M)
  csrw medeleg, zero
  j pass

  .balign 4
s_handler:
  csrr a2, scause
  csrr a3, sepc
  csrr a4, sstatus
  ecall

  TRAP_RECORDER
