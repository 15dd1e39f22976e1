/* RV64C: every RV64 compressed instruction class, written with explicit c.* mnemonics so the
   16-bit encodings are used (unprivileged spec ch. 16). Links of c.jalr are pc + 2. */
#include "test.h"

#define CHECK(n, reg, expect) li gp, n; li t6, expect; bne reg, t6, fail

  .text
  .globl test_main
test_main:
  .option push
  .option rvc
  c.li a0, -32
  CHECK(1, a0, -32)
  c.li a0, 31
  c.addi a0, -1
  CHECK(2, a0, 30)
  li a1, 0x7fffffff
  c.addiw a1, 1
  CHECK(3, a1, 0xffffffff80000000)
  c.lui a2, 0xfffff            /* nzimm[17:12] = -1 → 0xfffffffffffff000 */
  CHECK(4, a2, 0xfffffffffffff000)
  c.lui a2, 1
  CHECK(5, a2, 0x1000)
  li a3, 0x8000000000000000
  c.srli a3, 63
  CHECK(6, a3, 1)
  li a3, 0x8000000000000000
  c.srai a3, 60
  CHECK(7, a3, 0xfffffffffffffff8)
  li a4, 0xffff
  c.andi a4, -16
  CHECK(8, a4, 0xfff0)
  li a4, 1
  c.slli a4, 40
  CHECK(9, a4, 0x10000000000)
  li a0, 100
  li a1, 58
  c.sub a0, a1
  CHECK(10, a0, 42)
  li a0, 0xf0
  c.xor a0, a1                 /* 0xf0 ^ 0x3a */
  CHECK(11, a0, 0xca)
  c.or a0, a1
  CHECK(12, a0, 0xfa)
  c.and a0, a1
  CHECK(13, a0, 0x3a)
  li a0, 0x80000000
  li a1, 1
  c.subw a0, a1
  CHECK(14, a0, 0x7fffffff)
  c.addw a0, a1
  CHECK(15, a0, 0xffffffff80000000)
  c.mv a5, a0
  CHECK(16, a5, 0xffffffff80000000)
  li a1, 5
  c.add a5, a1
  CHECK(17, a5, 0xffffffff80000005)

  /* Stack-pointer relative forms on a scratch frame. */
  mv s1, sp
  c.addi16sp sp, -64
  sub t3, s1, sp
  CHECK(20, t3, 64)
  c.addi4spn a0, sp, 16
  sub t3, a0, sp
  CHECK(21, t3, 16)
  li a1, 0x1122334455667788
  c.sdsp a1, 8(sp)
  c.ldsp a2, 8(sp)
  CHECK(22, a2, 0x1122334455667788)
  li a1, 0xfffffffff0000001
  c.swsp a1, 4(sp)
  c.lwsp a3, 4(sp)
  CHECK(23, a3, 0xfffffffff0000001)
  /* Register-relative loads/stores (lw sign-extends). */
  mv s0, sp
  li a1, 0x00000000deadbeef
  c.sw a1, 16(s0)
  c.lw a4, 16(s0)
  CHECK(24, a4, 0xffffffffdeadbeef)
  li a1, -2
  c.sd a1, 24(s0)
  c.ld a5, 24(s0)
  CHECK(25, a5, -2)
  /* FP loads/stores. */
  li a1, 0x400921fb54442d18
  c.sd a1, 32(s0)
  c.fld fa0, 32(s0)
  c.fsd fa0, 40(s0)
  ld a2, 40(s0)
  CHECK(26, a2, 0x400921fb54442d18)
  c.fldsp fa1, 32(sp)
  c.fsdsp fa1, 48(sp)
  ld a2, 48(sp)
  CHECK(27, a2, 0x400921fb54442d18)
  c.addi16sp sp, 64
  sub t3, s1, sp
  CHECK(28, t3, 0)

  /* Control flow. */
  li gp, 30
  c.j 1f
  c.j fail_far
1:
  li gp, 31
  li a0, 0
  c.beqz a0, 2f
  c.j fail_far
2:
  c.bnez a0, fail_far
  li gp, 32
  li a0, 1
  c.bnez a0, 3f
  c.j fail_far
3:
  li gp, 33
  la a1, 4f
  c.jr a1
  c.j fail_far
4:
  li gp, 34
  la a1, 5f
  c.jalr a1
6:
  c.j fail_far
5:
  la t3, 6b
  bne ra, t3, fail
  /* c.jalr links pc + 2: the nop below is the return point. */
  li gp, 35
  la a1, 7f
  c.jalr a1
  c.nop
  j pass
7:
  c.jr ra
  .option pop
fail_far:
  j fail
