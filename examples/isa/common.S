/* Shared harness for the self-checking ISA tests: reset entry, pass/fail reporting through
   both the riscv-tests `tohost` word and the SiFive test finisher, and a default trap
   handler that fails the current test case. Each test defines `test_main`, keeps the number
   of the case under test in gp (x3), and jumps to `pass` or `fail`. */
#include "test.h"

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  csrr  t0, mhartid
  bnez  t0, park
  la    sp, __stack_top
  la    t0, default_trap
  csrw  mtvec, t0
  li    t0, (1 << 13)          /* mstatus.FS = Initial so F/D tests can run */
  csrs  mstatus, t0
  csrw  fcsr, zero
  li    gp, 0
  j     test_main
park:
  wfi
  j     park

  .text
/* pass: tohost = 1, finisher = 0x5555 (exit status 0 on QEMU). */
  .globl pass
pass:
  li    t0, 1
  la    t1, tohost
  sd    t0, 0(t1)
  li    t0, FINISHER_BASE
  li    t1, 0x5555
1:
  sw    t1, 0(t0)
  j     1b

/* fail: case number n in gp; tohost = (n << 1) | 1, finisher = (n << 16) | 0x3333.
   Case 0 is reported as 0xfff so a failure never looks like a pass. */
  .globl fail
fail:
  bnez  gp, 1f
  li    gp, 0xfff
1:
  slli  t0, gp, 1
  ori   t0, t0, 1
  la    t1, tohost
  sd    t0, 0(t1)
  li    t0, 0xffff
  and   t1, gp, t0
  slli  t1, t1, 16
  li    t2, 0x3333
  or    t1, t1, t2
  li    t0, FINISHER_BASE
2:
  sw    t1, 0(t0)
  j     2b

/* Any trap a test did not arrange for fails the case in progress. */
  .balign 4
  .globl default_trap
default_trap:
  j     fail

  .section .tohost, "aw", @progbits
  .balign 8
  .globl tohost
tohost:
  .dword 0
  .globl fromhost
fromhost:
  .dword 0
