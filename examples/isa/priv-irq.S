/* Interrupts (privileged spec 3.1.6.1, 3.1.9, 3.2.1 and 3.3.3): the CLINT drives mip.MTIP and
   mip.MSIP; an enabled pending interrupt is taken as soon as mstatus.MIE is set, with mepc =
   the next instruction; M-level interrupts are taken in S-mode whatever mstatus.MIE says; an
   interrupt delegated to S-mode is never taken in M-mode; MSI beats MTI; wfi returns on a pending
   enabled interrupt even with MIE = 0; mideleg hands the supervisor software interrupt to
   S-mode. The CLINT is programmed so nothing depends on timing (mtimecmp = 0 is pending at
   once, all ones never). */
#include "test.h"
#include "priv.h"

#define CLINT_MSIP     0x2000000
#define CLINT_MTIMECMP 0x2004000
#define MIP_SSIP 0x2
#define MIP_MSIP 0x8
#define MIP_MTIP 0x80
#define IRQ(n) (0x8000000000000000 | (n))

/* Interrupt bookkeeping: s7 = interrupts taken by M, s8 = last mcause, s9 = mstatus at that
   time, s10 = mepc at that time. */
#define TIMER_OFF li t0, CLINT_MTIMECMP; li t1, -1; sd t1, 0(t0)
#define TIMER_NOW li t0, CLINT_MTIMECMP; sd zero, 0(t0)

  .text
  .globl test_main
test_main:
  la t0, trap
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  csrw mie, zero
  csrw mideleg, zero
  csrw medeleg, zero
  li s7, 0
  TIMER_OFF

  /* 1: the CLINT sets and clears mip.MTIP. */
  li gp, 1
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  bnez a0, fail
  TIMER_NOW
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  beqz a0, fail
  /* 2: pending and enabled in mie, but mstatus.MIE = 0 in M-mode: not taken. */
  li gp, 2
  li t0, MIP_MTIP
  csrs mie, t0
  nop
  nop
  bnez s7, fail
  /* 3: setting MIE takes it at once; mepc is the next instruction. */
  li gp, 3
  li t0, MSTATUS_MIE
  csrs mstatus, t0
1:
  csrc mstatus, t0
  li t6, 1
  bne s7, t6, fail
  li t6, IRQ(7)
  bne s8, t6, fail
  la t6, 1b
  bne s10, t6, fail
  andi t6, s9, MSTATUS_MIE     /* MIE cleared on entry ... */
  bnez t6, fail
  andi t6, s9, MSTATUS_MPIE    /* ... and saved in MPIE */
  beqz t6, fail
  csrr a0, mip                 /* the handler silenced the timer */
  andi a0, a0, MIP_MTIP
  bnez a0, fail

  /* 4: the software interrupt through msip. */
  li gp, 4
  li t0, MIP_MSIP
  csrw mie, t0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  csrr a0, mip
  andi a0, a0, MIP_MSIP
  beqz a0, fail
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  csrc mstatus, t0
  li t6, 2
  bne s7, t6, fail
  li t6, IRQ(3)
  bne s8, t6, fail

  /* 5: with both pending, the software interrupt is taken first (3.1.9). */
  li gp, 5
  li t0, MIP_MSIP | MIP_MTIP
  csrw mie, t0
  TIMER_NOW
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  csrc mstatus, t0
  li t6, 3
  bne s7, t6, fail
  li t6, IRQ(3)
  bne s8, t6, fail

  /* 6: wfi with an enabled pending interrupt and MIE = 0 resumes without a trap. */
  li gp, 6
  li t0, MIP_MTIP
  csrw mie, t0
  TIMER_NOW
  wfi
  li t6, 3
  bne s7, t6, fail
  TIMER_OFF

  /* 7: in S-mode an M-level interrupt is taken even though mstatus.MIE = 0; MPP = S. */
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  TIMER_NOW
  RUN_IN(MPP_S, 7, nop)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t6, 4
  bne s7, t6, fail
  li t6, IRQ(7)
  bne s8, t6, fail
  li t0, MSTATUS_MPP
  and t6, s9, t0
  li t0, MPP_S
  bne t6, t0, fail

  /* 8: once delegated with mideleg, a pending supervisor software interrupt is never taken
     in M-mode, even with MIE = 1 (3.1.9). */
  li gp, 8
  la t0, s_trap
  csrw stvec, t0
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  li t0, MSTATUS_MIE | MSTATUS_SIE
  csrs mstatus, t0
  nop
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  li t6, 4
  bne s7, t6, fail
  /* 9: in S-mode with SIE = 1 it is taken through stvec: scause = interrupt 1, SPP = S. */
  li a2, 0
  RUN_IN(MPP_S, 9, nop)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t6, IRQ(1)
  bne a2, t6, fail
  andi t6, a4, MSTATUS_SPP
  beqz t6, fail
  li t6, 4
  bne s7, t6, fail             /* M saw nothing */
  csrr a0, mip
  andi a0, a0, MIP_SSIP
  bnez a0, fail                /* the S handler cleared it through sip */
  csrw mideleg, zero
  csrw mie, zero
  j pass

/* M-mode trap vector: interrupts are counted, silenced at their source and resumed (using
   only t3/t4, which the interrupted code never holds live); exceptions are recorded as by
   record_trap and resume in M-mode at s5. */
  .balign 4
trap:
  csrr t3, mcause
  bgez t3, 1f
  addi s7, s7, 1
  mv s8, t3
  csrr s9, mstatus
  csrr s10, mepc
  li t3, CLINT_MTIMECMP
  li t4, -1
  sd t4, 0(t3)
  li t3, CLINT_MSIP
  sw zero, 0(t3)
  mret
1:
  j record_trap

/* S-mode vector for the delegated software interrupt. */
  .balign 4
s_trap:
  csrr a2, scause
  csrr a3, sepc
  csrr a4, sstatus
  li t0, MIP_SSIP
  csrc sip, t0
  sret

  TRAP_RECORDER
