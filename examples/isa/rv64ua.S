/* RV64A: every AMO in .w and .d form (old value returned, sign-extended for .w), and LR/SC
   success and failure (unprivileged spec ch. 8, 8.2 and 8.4). */
#include "test.h"

/* Store `init` at mem, run `inst rd, src, (mem)`, check rd == old and mem == new. */
#define TEST_AMO_D(n, inst, init, src, old, new) \
  li gp, n; la s0, amodata; li a1, init; sd a1, 0(s0); li a2, src; \
  inst a0, a2, (s0); li t6, old; bne a0, t6, fail; ld a3, 0(s0); li t6, new; bne a3, t6, fail
#define TEST_AMO_W(n, inst, init, src, old, new) \
  li gp, n; la s0, amodata; li a1, 0x5a5a5a5a5a5a5a5a; sd a1, 0(s0); li a1, init; sw a1, 0(s0); \
  li a2, src; inst a0, a2, (s0); li t6, old; bne a0, t6, fail; lw a3, 0(s0); li t6, new; \
  bne a3, t6, fail; lw a3, 4(s0); li t6, 0x5a5a5a5a; bne a3, t6, fail

  .text
  .globl test_main
test_main:
  TEST_AMO_D(1, amoswap.d, 0x1111, 0x2222, 0x1111, 0x2222)
  TEST_AMO_D(2, amoadd.d, 0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000)
  TEST_AMO_D(3, amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00)
  TEST_AMO_D(4, amoor.d, 0xff00000000000000, 0xf, 0xff00000000000000, 0xff0000000000000f)
  TEST_AMO_D(5, amoxor.d, 0xffff0000ffff0000, 0xff00ff00ff00ff00, 0xffff0000ffff0000, 0x00ffff0000ffff00)
  TEST_AMO_D(6, amomin.d, -5, 3, -5, -5)
  TEST_AMO_D(7, amomin.d, 5, -3, 5, -3)
  TEST_AMO_D(8, amomax.d, -5, 3, -5, 3)
  TEST_AMO_D(9, amominu.d, -5, 3, -5, 3)
  TEST_AMO_D(10, amomaxu.d, -5, 3, -5, -5)
  TEST_AMO_D(11, amoadd.d.aqrl, 40, 2, 40, 42)
  TEST_AMO_W(20, amoswap.w, 0x80000000, 0x1234, 0xffffffff80000000, 0x1234)
  TEST_AMO_W(21, amoadd.w, 0x7fffffff, 1, 0x7fffffff, 0xffffffff80000000)
  TEST_AMO_W(22, amoadd.w, 0xffffffff, 1, -1, 0)
  TEST_AMO_W(23, amoand.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0x0f000f00)
  TEST_AMO_W(24, amoor.w, 0x0f0f0f0f, 0xf0f0f0f0, 0x0f0f0f0f, -1)
  TEST_AMO_W(25, amoxor.w, 0xffffffff, 0x0000ffff, -1, 0xffffffffffff0000)
  TEST_AMO_W(26, amomin.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0xffffffff80000000)
  TEST_AMO_W(27, amomax.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
  TEST_AMO_W(28, amominu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
  TEST_AMO_W(29, amomaxu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0xffffffff80000000)
  /* .w AMOs compare only the low 32 bits of rs2. */
  TEST_AMO_W(30, amomin.w, 1, 0x00000000ffffffff, 1, -1)

  /* LR/SC success: sc writes 0 to rd and stores. */
  li gp, 40
  la s0, amodata
  li a1, 100
  sd a1, 0(s0)
  lr.d a0, (s0)
  li t6, 100
  bne a0, t6, fail
  addi a0, a0, 1
  sc.d a2, a0, (s0)
  bnez a2, fail
  ld a3, 0(s0)
  li t6, 101
  bne a3, t6, fail
  /* A second SC without a new LR has no reservation and must fail (nonzero rd, no store). */
  li gp, 41
  li a0, 555
  sc.d a2, a0, (s0)
  beqz a2, fail
  ld a3, 0(s0)
  li t6, 101
  bne a3, t6, fail
  /* SC to an address outside the reservation set fails. */
  li gp, 42
  lr.d a0, (s0)
  li a0, 777
  addi s1, s0, 64
  sc.d a2, a0, (s1)
  beqz a2, fail
  ld a3, 64(s0)
  bnez a3, fail
  /* LR.W sign-extends; SC.W stores 32 bits. */
  li gp, 43
  li a1, 0x12345678f0000000
  sd a1, 0(s0)
  lr.w a0, (s0)
  li t6, 0xfffffffff0000000
  bne a0, t6, fail
  li a0, 0xabcdef0000000007
  sc.w a2, a0, (s0)
  bnez a2, fail
  ld a3, 0(s0)
  li t6, 0x1234567800000007
  bne a3, t6, fail
  /* An LR/SC increment loop. */
  li gp, 44
  sd zero, 0(s0)
  li a4, 10
1:
  lr.d.aq a0, (s0)
  addi a0, a0, 3
  sc.d.rl a2, a0, (s0)
  bnez a2, 1b
  addi a4, a4, -1
  bnez a4, 1b
  ld a3, 0(s0)
  li t6, 30
  bne a3, t6, fail
  j pass

  .data
  .balign 64
amodata:
  .fill 32, 8, 0
