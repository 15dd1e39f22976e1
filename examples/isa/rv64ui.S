/* RV64I base: ALU (register and immediate), *W forms, shifts, LUI/AUIPC, branches, jumps,
   loads with sign/zero extension and stores of every width (unprivileged spec ch. 2 and 5). */
#include "test.h"

  .text
  .globl test_main
test_main:
  /* ADD/SUB/ADDI and wrap-around. */
  TEST_RR(1, add, 0x0000000000000003, 1, 2)
  TEST_RR(2, add, 0x0000000000000000, -1, 1)
  TEST_RR(3, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
  TEST_RR(4, sub, 0xffffffffffffffff, 0, 1)
  TEST_RR(5, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
  TEST_RI(6, addi, 0xfffffffffffff801, 1, -2048)
  TEST_RI(7, addi, 0x00000000000007ff, 0, 2047)
  TEST_RR_SRC1_EQ_DEST(8, add, 24, 11, 13)
  TEST_RR_ZERODEST(9, add, 11, 13)
  /* *W forms sign-extend bit 31 of the 32-bit result. */
  TEST_RR(10, addw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_RR(11, addw, 0x0000000000000000, 0xffffffff, 1)
  TEST_RR(12, subw, 0x000000007fffffff, 0x80000000, 1)
  TEST_RI(13, addiw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_RI(14, addiw, 0x0000000000000001, 0x123456700000000, 1)
  /* Logic. */
  TEST_RR(15, and, 0x0f000f00f000f00f, 0xff00ff00f0f0ff0f, 0x0ff00ff0ff0ff00f)
  TEST_RR(16, or, 0xfff0fff0fffaff0f, 0xff00ff00f0f0ff0f, 0x0ff00ff00f0aff00)
  TEST_RR(17, xor, 0xf0f0f0f0fffa000f, 0xff00ff00f0f0ff0f, 0x0ff00ff00f0aff00)
  TEST_RI(18, andi, 0x0000000000000700, 0xff00ff00, 0x70f)
  TEST_RI(19, andi, 0xff00ff00ff00ff00, 0xff00ff00ff00ff00, -256)
  TEST_RI(20, ori, 0xffffffffffffff0f, 0x0f, -256)
  TEST_RI(21, xori, 0xffffffffffffff00, 0xff, -1)
  /* Comparisons. */
  TEST_RR(22, slt, 1, -1, 0)
  TEST_RR(23, slt, 0, 0, -1)
  TEST_RR(24, sltu, 0, -1, 0)
  TEST_RR(25, sltu, 1, 0, -1)
  TEST_RI(26, slti, 1, 0x8000000000000000, -2048)
  TEST_RI(27, sltiu, 1, 5, -1)
  TEST_RI(28, sltiu, 0, 0, 0)
  /* Shifts: 6-bit amounts for 64-bit forms, 5-bit for *W. */
  TEST_RR(29, sll, 0x8000000000000000, 1, 63)
  TEST_RR(30, sll, 0x0000000000000002, 1, 65)
  TEST_RR(31, srl, 0x0000000000000001, 0x8000000000000000, 63)
  TEST_RR(32, sra, 0xffffffffffffffff, 0x8000000000000000, 63)
  TEST_RR(33, sra, 0xc000000000000000, 0x8000000000000000, 0xc1)
  TEST_RI(34, slli, 0x0000000100000000, 1, 32)
  TEST_RI(35, srli, 0x00000000ffffffff, 0xffffffff00000000, 32)
  TEST_RI(36, srai, 0xffffffffff000000, 0xff00000000000000, 32)
  TEST_RR(37, sllw, 0xffffffff80000000, 1, 31)
  TEST_RR(38, sllw, 0x0000000000000002, 1, 33)
  TEST_RR(39, srlw, 0x0000000000000001, 0xffffffff80000000, 31)
  TEST_RR(40, srlw, 0x000000007fffffff, 0xfffffffffffffffe, 1)
  TEST_RR(41, sraw, 0xffffffffffffffff, 0x0000000080000000, 31)
  TEST_RR(42, sraw, 0x0000000000000001, 0xffffffff00000003, 1)
  TEST_RI(43, slliw, 0xffffffff80000000, 0x12345671, 31)
  TEST_RI(44, srliw, 0x0000000000000001, 0x80000000, 31)
  TEST_RI(45, sraiw, 0xfffffffff8000000, 0x80000000, 4)
  TEST_RI(46, srliw, 0xffffffff80000000, 0x80000000, 0)

  /* LUI sign-extends its 32-bit result; AUIPC adds to the pc. */
  li gp, 47
  lui a0, 0x80000
  li t6, 0xffffffff80000000
  bne a0, t6, fail
  li gp, 48
1:
  auipc a0, 1
  la a1, 1b
  sub a0, a0, a1
  li t6, 0x1000
  bne a0, t6, fail

  /* Branches: every condition, both outcomes. */
#define TEST_BR_TAKEN(n, inst, v1, v2) \
  li gp, n; li a1, v1; li a2, v2; inst a1, a2, 2f; j fail; 2:
#define TEST_BR_NOT(n, inst, v1, v2) \
  li gp, n; li a1, v1; li a2, v2; inst a1, a2, fail
  TEST_BR_TAKEN(50, beq, -1, -1)
  TEST_BR_NOT(51, beq, 0, 1)
  TEST_BR_TAKEN(52, bne, 0, 1)
  TEST_BR_NOT(53, bne, 7, 7)
  TEST_BR_TAKEN(54, blt, -1, 0)
  TEST_BR_NOT(55, blt, 0, -1)
  TEST_BR_NOT(56, blt, 5, 5)
  TEST_BR_TAKEN(57, bge, 5, 5)
  TEST_BR_TAKEN(58, bge, 0, -1)
  TEST_BR_NOT(59, bge, -1, 0)
  TEST_BR_TAKEN(60, bltu, 0, -1)
  TEST_BR_NOT(61, bltu, -1, 0)
  TEST_BR_TAKEN(62, bgeu, -1, 0)
  TEST_BR_NOT(63, bgeu, 0, -1)
  /* Backward branch. */
  li gp, 64
  li a0, 0
  li a1, 10
3:
  addi a0, a0, 1
  blt a0, a1, 3b
  bne a0, a1, fail

  /* JAL links pc+4; JALR clears bit 0 of the target and links before jumping. */
  li gp, 65
  jal a0, 4f
5:
  j fail
4:
  la a1, 5b
  bne a0, a1, fail
  li gp, 66
  la a1, 6f
  addi a1, a1, 1
  jalr a2, 0(a1)
7:
  j fail
6:
  la a3, 7b
  bne a2, a3, fail
  li gp, 67
  la a1, 8f
  jalr a1, 0(a1)       /* rd == rs1: target uses the old value */
8:
  la a3, 8b
  bne a1, a3, fail

  /* Loads: sign and zero extension of every width. */
  la s0, tdata
#define TEST_LD(n, inst, expect, off) TEST_CASE(n, a0, expect, inst a0, off(s0))
  TEST_LD(70, lb, 0xffffffffffffff81, 0)
  TEST_LD(71, lbu, 0x0000000000000081, 0)
  TEST_LD(72, lb, 0x0000000000000042, 1)
  TEST_LD(73, lh, 0xffffffffffff8281, 2)
  TEST_LD(74, lhu, 0x0000000000008281, 2)
  TEST_LD(75, lw, 0xffffffff84838281, 4)
  TEST_LD(76, lwu, 0x0000000084838281, 4)
  TEST_LD(77, lw, 0x0000000012345678, 8)
  TEST_LD(78, ld, 0x8899aabbccddeeff, 16)
  TEST_LD(79, lh, 0x0000000000007fff, 12)

  /* Stores of each width then read back; neighbouring bytes are untouched. */
  la s1, sdata
  li a1, 0x1122334455667788
  sd a1, 0(s1)
  li a2, 0xaa
  sb a2, 1(s1)
  li a2, 0xbbcc
  sh a2, 4(s1)
  li a2, 0xfffffffff00dbabe
  sw a2, 8(s1)
  li a2, -1
  sd a2, 16(s1)
  TEST_CASE(80, a0, 0x1122bbcc5566aa88, ld a0, 0(s1))
  TEST_CASE(81, a0, 0x00000000f00dbabe, lwu a0, 8(s1))
  TEST_CASE(82, a0, 0, lwu a0, 12(s1))
  TEST_CASE(83, a0, -1, ld a0, 16(s1))
  /* Negative offsets. */
  addi s2, s1, 16
  TEST_CASE(84, a0, 0xffffffffffffffaa, lb a0, -15(s2))
  /* x0 writes are discarded; loads into x0 still happen harmlessly. */
  li gp, 85
  lw x0, 0(s1)
  addi x0, x0, 5
  bnez x0, fail
  /* FENCE and FENCE.I are accepted. */
  fence
  fence.i
  j pass

  .data
  .balign 16
tdata:
  .byte 0x81, 0x42, 0x81, 0x82, 0x81, 0x82, 0x83, 0x84
  .word 0x12345678
  .half 0x7fff, 0
  .dword 0x8899aabbccddeeff
  .balign 16
sdata:
  .dword 0, 0, 0, 0
