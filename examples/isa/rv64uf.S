/* RV64F: exact single-precision cases — rounding modes, exception flags, special values,
   fused multiply-add, fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber), compares,
   fclass, integer conversions with saturation, and NaN boxing of 32-bit values in the 64-bit
   FP registers (unprivileged spec ch. 11 and 12.2). */
#include "test.h"

#define ONE   0x3f800000
#define TWO   0x40000000
#define THREE 0x40400000
#define MONE  0xbf800000
#define HALF  0x3f000000
#define EPS24 0x33800000   /* 2^-24, half an ulp of 1.0 */
#define INF   0x7f800000
#define NINF  0xff800000
#define QNAN  0x7fc00000   /* canonical NaN */
#define SNAN  0x7f800001
#define MAXF  0x7f7fffff
#define MINN  0x00800000

  .text
  .globl test_main
test_main:
  /* Arithmetic and rounding (11.2: rne, rtz, rdn, rup, rmm). */
  FTEST_S(1, 0, THREE, ONE, TWO, 0, fadd.s fa3, fa0, fa1, rne)
  FTEST_S(2, NX, ONE, ONE, EPS24, 0, fadd.s fa3, fa0, fa1, rne)
  FTEST_S(3, NX, 0x3f800001, ONE, EPS24, 0, fadd.s fa3, fa0, fa1, rup)
  FTEST_S(4, NX, 0xbf800001, MONE, 0xb3800000, 0, fadd.s fa3, fa0, fa1, rdn)
  FTEST_S(5, NX, 0x3f800001, ONE, EPS24, 0, fadd.s fa3, fa0, fa1, rmm)
  FTEST_S(6, NX, ONE, ONE, EPS24, 0, fadd.s fa3, fa0, fa1, rtz)
  FTEST_S(7, NV, QNAN, INF, INF, 0, fsub.s fa3, fa0, fa1, rne)
  FTEST_S(8, 0, 0x80000000, ONE, ONE, 0, fsub.s fa3, fa0, fa1, rdn)
  FTEST_S(9, 0, 0x00000000, ONE, ONE, 0, fsub.s fa3, fa0, fa1, rne)
  FTEST_S(10, OF|NX, INF, MAXF, TWO, 0, fmul.s fa3, fa0, fa1, rne)
  FTEST_S(11, OF|NX, MAXF, MAXF, TWO, 0, fmul.s fa3, fa0, fa1, rtz)
  FTEST_S(12, UF|NX, 0x00400000, 0x00800001, HALF, 0, fmul.s fa3, fa0, fa1, rne)
  FTEST_S(13, 0, 0x00400000, MINN, HALF, 0, fmul.s fa3, fa0, fa1, rne)
  FTEST_S(14, DZ, INF, ONE, 0, 0, fdiv.s fa3, fa0, fa1, rne)
  FTEST_S(15, NV, QNAN, 0, 0, 0, fdiv.s fa3, fa0, fa1, rne)
  FTEST_S(16, NX, 0x3eaaaaab, ONE, THREE, 0, fdiv.s fa3, fa0, fa1, rne)
  FTEST_S(17, NX, 0x3eaaaaaa, ONE, THREE, 0, fdiv.s fa3, fa0, fa1, rtz)
  FTEST_S(18, 0, TWO, 0x40800000, 0, 0, fsqrt.s fa3, fa0, rne)
  FTEST_S(19, NV, QNAN, MONE, 0, 0, fsqrt.s fa3, fa0, rne)
  FTEST_S(20, 0, 0x80000000, 0x80000000, 0, 0, fsqrt.s fa3, fa0, rne)
  FTEST_S(21, NX, 0x3fb504f3, TWO, 0, 0, fsqrt.s fa3, fa0, rne)
  /* A NaN operand propagates as the canonical NaN; a signaling one also raises NV. */
  FTEST_S(22, 0, QNAN, 0x7fc12345, ONE, 0, fadd.s fa3, fa0, fa1, rne)
  FTEST_S(23, NV, QNAN, SNAN, ONE, 0, fmul.s fa3, fa0, fa1, rne)

  /* fmin/fmax: -0 < +0; one quiet NaN yields the other operand; sNaN raises NV. */
  FTEST_S(30, 0, 0x80000000, 0x80000000, 0, 0, fmin.s fa3, fa0, fa1)
  FTEST_S(31, 0, 0x00000000, 0x80000000, 0, 0, fmax.s fa3, fa0, fa1)
  FTEST_S(32, 0, ONE, QNAN, ONE, 0, fmin.s fa3, fa0, fa1)
  FTEST_S(33, NV, ONE, SNAN, ONE, 0, fmin.s fa3, fa0, fa1)
  FTEST_S(34, 0, QNAN, 0x7fc12345, 0xffc00001, 0, fmax.s fa3, fa0, fa1)
  FTEST_S(35, 0, TWO, TWO, 0x7fc12345, 0, fmax.s fa3, fa0, fa1)
  FTEST_S(36, 0, NINF, NINF, MAXF, 0, fmin.s fa3, fa0, fa1)

  /* Sign injection copies bits, NaNs included, and raises nothing. */
  FTEST_S(40, 0, MONE, ONE, 0xc0000000, 0, fsgnj.s fa3, fa0, fa1)
  FTEST_S(41, 0, ONE, ONE, 0xc0000000, 0, fsgnjn.s fa3, fa0, fa1)
  FTEST_S(42, 0, ONE, MONE, 0xc0000000, 0, fsgnjx.s fa3, fa0, fa1)
  FTEST_S(43, 0, 0xff800001, SNAN, 0, 0, fsgnjn.s fa3, fa0, fa1)

  /* Fused multiply-add family: one rounding. */
  FTEST_S(50, 0, 0x40a00000, ONE, TWO, THREE, fmadd.s fa3, fa0, fa1, fa2, rne)
  FTEST_S(51, 0, MONE, ONE, TWO, THREE, fmsub.s fa3, fa0, fa1, fa2, rne)
  FTEST_S(52, 0, 0xc0a00000, ONE, TWO, THREE, fnmadd.s fa3, fa0, fa1, fa2, rne)
  FTEST_S(53, 0, ONE, ONE, TWO, THREE, fnmsub.s fa3, fa0, fa1, fa2, rne)
  FTEST_S(54, 0, 0x28800000, 0x3f800001, 0x3f800001, 0xbf800002, fmadd.s fa3, fa0, fa1, fa2, rne)
  /* inf * 0 is invalid even with a quiet-NaN addend (11.6). */
  FTEST_S(55, NV, QNAN, INF, 0, QNAN, fmadd.s fa3, fa0, fa1, fa2, rne)

  /* Compares: feq is quiet, flt/fle signal on any NaN. */
  FTEST_S_X(60, 0, 1, ONE, ONE, feq.s a0, fa0, fa1)
  FTEST_S_X(61, 0, 0, QNAN, ONE, feq.s a0, fa0, fa1)
  FTEST_S_X(62, NV, 0, SNAN, ONE, feq.s a0, fa0, fa1)
  FTEST_S_X(63, NV, 0, QNAN, ONE, flt.s a0, fa0, fa1)
  FTEST_S_X(64, NV, 0, ONE, QNAN, fle.s a0, fa0, fa1)
  FTEST_S_X(65, 0, 1, 0x80000000, 0, fle.s a0, fa0, fa1)
  FTEST_S_X(66, 0, 0, 0x80000000, 0, flt.s a0, fa0, fa1)
  FTEST_S_X(67, 0, 1, NINF, MAXF, flt.s a0, fa0, fa1)
  FTEST_S_X(68, 0, 1, 0x80000000, 0, feq.s a0, fa0, fa1)

  /* fclass: one bit per class (table 11.5). */
  FTEST_S_X(70, 0, 0x001, NINF, 0, fclass.s a0, fa0)
  FTEST_S_X(71, 0, 0x002, MONE, 0, fclass.s a0, fa0)
  FTEST_S_X(72, 0, 0x004, 0x80000001, 0, fclass.s a0, fa0)
  FTEST_S_X(73, 0, 0x008, 0x80000000, 0, fclass.s a0, fa0)
  FTEST_S_X(74, 0, 0x010, 0x00000000, 0, fclass.s a0, fa0)
  FTEST_S_X(75, 0, 0x020, 0x007fffff, 0, fclass.s a0, fa0)
  FTEST_S_X(76, 0, 0x040, MINN, 0, fclass.s a0, fa0)
  FTEST_S_X(77, 0, 0x080, INF, 0, fclass.s a0, fa0)
  FTEST_S_X(78, 0, 0x100, SNAN, 0, fclass.s a0, fa0)
  FTEST_S_X(79, 0, 0x200, 0xffc00000, 0, fclass.s a0, fa0)

  /* Float to integer, with the saturation of table 11.4. */
  FTEST_S_X(80, NX, 3, 0x406ccccd, 0, fcvt.w.s a0, fa0, rtz)
  FTEST_S_X(81, NX, -4, 0xc0600000, 0, fcvt.w.s a0, fa0, rne)
  FTEST_S_X(82, NX, -3, 0xc0600000, 0, fcvt.w.s a0, fa0, rtz)
  FTEST_S_X(83, NX, -4, 0xc0600000, 0, fcvt.w.s a0, fa0, rmm)
  FTEST_S_X(84, NX, 2, 0x40200000, 0, fcvt.w.s a0, fa0, rne)
  FTEST_S_X(85, NX, 3, 0x40200000, 0, fcvt.w.s a0, fa0, rmm)
  FTEST_S_X(86, NX, 3, 0x40200000, 0, fcvt.w.s a0, fa0, rup)
  FTEST_S_X(87, NX, 2, 0x40200000, 0, fcvt.w.s a0, fa0, rdn)
  FTEST_S_X(88, NV, 0x7fffffff, 0x501502f9, 0, fcvt.w.s a0, fa0, rne)
  FTEST_S_X(89, NV, 0x7fffffff, QNAN, 0, fcvt.w.s a0, fa0, rne)
  FTEST_S_X(90, NV, 0xffffffff80000000, NINF, 0, fcvt.w.s a0, fa0, rne)
  FTEST_S_X(91, NV, 0, MONE, 0, fcvt.wu.s a0, fa0, rtz)
  FTEST_S_X(92, NX, 0, 0xbe99999a, 0, fcvt.wu.s a0, fa0, rtz)
  FTEST_S_X(93, 0, 0xffffffffee6b2800, 0x4f6e6b28, 0, fcvt.wu.s a0, fa0, rtz)
  FTEST_S_X(94, NV, 0x7fffffffffffffff, 0x5f000000, 0, fcvt.l.s a0, fa0, rtz)
  FTEST_S_X(95, 0, 0x8000000000000000, 0xdf000000, 0, fcvt.l.s a0, fa0, rtz)
  FTEST_S_X(96, NV, 0xffffffffffffffff, INF, 0, fcvt.lu.s a0, fa0, rtz)
  FTEST_S_X(97, NV, 0xffffffffffffffff, QNAN, 0, fcvt.lu.s a0, fa0, rtz)
  FTEST_S_X(98, NV, 0xffffffffffffffff, 0x5f800000, 0, fcvt.wu.s a0, fa0, rtz)

  /* Integer to float. */
  FTEST_X_S(100, 0, MONE, -1, fcvt.s.w fa3, a1, rne)
  FTEST_X_S(101, NX, 0x4f800000, -1, fcvt.s.wu fa3, a1, rne)
  FTEST_X_S(102, NX, 0x5f000000, 0x7fffffffffffffff, fcvt.s.l fa3, a1, rne)
  FTEST_X_S(103, NX, 0x5f800000, -1, fcvt.s.lu fa3, a1, rne)
  FTEST_X_S(104, NX, 0x4b800000, 16777217, fcvt.s.w fa3, a1, rtz)
  FTEST_X_S(105, NX, 0x4b800001, 16777217, fcvt.s.w fa3, a1, rup)
  FTEST_X_S(106, 0, 0xcf000000, 0x1234567880000000, fcvt.s.w fa3, a1, rne)
  FTEST_X_S(107, 0, 0x00000000, 0, fcvt.s.lu fa3, a1, rne)

  /* NaN boxing (12.2): results are boxed with ones in bits 63:32; an unboxed input is
     treated as the canonical NaN; fmv.x.w and fsw use bits 31:0 untouched. */
  li gp, 110
  FLOAD_S(fa1, ONE)
  fadd.s fa3, fa1, fa1, rne
  fmv.x.d a0, fa3
  li t6, 0xffffffff40000000
  bne a0, t6, fail
  li gp, 111
  FLOAD_D(fa0, 0x000000003f800000)
  fadd.s fa3, fa0, fa1, rne
  FCHECK_S(QNAN, 0)
  li gp, 112
  fclass.s a0, fa0
  FCHECK_X(0x200, 0)
  li gp, 113
  fmax.s fa3, fa0, fa1
  FCHECK_S(ONE, 0)
  li gp, 114
  fsgnj.s fa3, fa0, fa0
  FCHECK_S(QNAN, 0)
  li gp, 115
  fmv.x.w a0, fa0
  FCHECK_X(0x3f800000, 0)
  li gp, 116
  la s0, fdata
  fsw fa0, 0(s0)
  lwu a0, 0(s0)
  FCHECK_X(0x3f800000, 0)
  li gp, 117
  flw fa3, 0(s0)
  fmv.x.d a0, fa3
  FCHECK_X(0xffffffff3f800000, 0)
  li gp, 118
  FLOAD_D(fa0, 0xfffffffe3f800000)   /* one zero bit in the box is enough to break it */
  fcvt.w.s a0, fa0, rtz
  FCHECK_X(0x7fffffff, NV)

  /* Dynamic rounding mode from frm, and the fcsr = frm:fflags composition (11.2). */
  li gp, 120
  csrwi frm, 1
  FLOAD_S(fa0, ONE)
  FLOAD_S(fa1, THREE)
  fdiv.s fa3, fa0, fa1
  FCHECK_S(0x3eaaaaaa, NX)
  li gp, 121
  li a1, 0xff
  csrw fcsr, a1
  csrr a0, frm
  li t6, 7
  bne a0, t6, fail
  csrr a0, fflags
  li t6, 0x1f
  bne a0, t6, fail
  csrw fcsr, zero
  csrr a0, fcsr
  bnez a0, fail
  j pass

  .data
  .balign 8
fdata:
  .dword 0
