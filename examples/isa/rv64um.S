/* RV64M: multiplication (low/high, all signednesses), division and remainder including
   division by zero and signed overflow (unprivileged spec ch. 13, table 13.1). */
#include "test.h"
  .text
  .globl test_main
test_main:
  TEST_RR(1, mul, 0x0000000000001200, 0x100, 0x12)
  TEST_RR(2, mul, 0x0000000000000001, -1, -1)
  TEST_RR(3, mul, 0x8000000000000000, 0x8000000000000000, -1)
  TEST_RR(4, mulh, 0xffffffffffffffff, -1, 1)
  TEST_RR(5, mulh, 0x0000000000000000, -1, -1)
  TEST_RR(6, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
  TEST_RR(7, mulhu, 0xfffffffffffffffe, -1, -1)
  TEST_RR(8, mulhu, 0x0000000000000001, 0x100000000, 0x100000000)
  TEST_RR(9, mulhsu, 0xffffffffffffffff, -1, -1)
  TEST_RR(10, mulhsu, 0xc000000000000000, 0x8000000000000000, 0x8000000000000000)
  TEST_RR(11, mulhsu, 0x0000000000000000, 1, -1)
  TEST_RR(12, mulw, 0xffffffff80000000, 0x40000000, 2)
  TEST_RR(13, mulw, 0x0000000000000001, 0xffffffffffffffff, 0x00000000ffffffff)
  TEST_RR(14, mulh, 0x02ac04785f30636d, 0x123456789abcdef0, 0x2592fedcba987654)
  TEST_RR(15, mulhu, 0x014dd43d10d81a2b, 0x123456789abcdef0, 0x1256789abcdef012)
  /* Division: round toward zero, remainder takes the dividend's sign. */
  TEST_RR(20, div, 3, 20, 6)
  TEST_RR(21, div, -3, -20, 6)
  TEST_RR(22, div, -3, 20, -6)
  TEST_RR(23, div, 3, -20, -6)
  TEST_RR(24, rem, 2, 20, 6)
  TEST_RR(25, rem, -2, -20, 6)
  TEST_RR(26, rem, 2, 20, -6)
  TEST_RR(27, divu, 0x2aaaaaaaaaaaaaa7, -20, 6)
  TEST_RR(28, remu, 2, -20, 6)
  /* Division by zero: quotient all ones, remainder the dividend. */
  TEST_RR(30, div, -1, 7, 0)
  TEST_RR(31, divu, -1, 7, 0)
  TEST_RR(32, rem, 7, 7, 0)
  TEST_RR(33, remu, -7, -7, 0)
  TEST_RR(34, divw, -1, 7, 0)
  TEST_RR(35, divuw, -1, 7, 0)
  TEST_RR(36, remw, 0xffffffff80000000, 0x80000000, 0)
  TEST_RR(37, remuw, 0xffffffff80000000, 0x80000000, 0)
  /* Signed overflow: quotient is the dividend, remainder zero. */
  TEST_RR(40, div, 0x8000000000000000, 0x8000000000000000, -1)
  TEST_RR(41, rem, 0, 0x8000000000000000, -1)
  TEST_RR(42, divw, 0xffffffff80000000, 0x80000000, -1)
  TEST_RR(43, remw, 0, 0x80000000, -1)
  /* *W forms use the low 32 bits of the operands and sign-extend the result. */
  TEST_RR(44, divw, -3, 0x12345678ffffffec, 6)
  TEST_RR(45, divuw, 0x000000002aaaaaa7, 0xffffffffffffffec, 6)
  TEST_RR(46, remw, -2, 0xffffffec, 0x100000006)
  TEST_RR(47, remuw, 2, 0xffffffec, 6)
  TEST_RR(48, divuw, 0xffffffff80000000, 0x80000000, 1)
  TEST_RR_SRC1_EQ_DEST(49, mul, 143, 11, 13)
  j pass
