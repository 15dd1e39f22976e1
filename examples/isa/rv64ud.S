/* RV64D: exact double-precision cases — rounding modes, flags, special values, fused
   multiply-add, fmin/fmax, compares, fclass, conversions to/from integers and single
   precision (unprivileged spec ch. 12). */
#include "test.h"

#define ONE   0x3ff0000000000000
#define TWO   0x4000000000000000
#define THREE 0x4008000000000000
#define MONE  0xbff0000000000000
#define HALF  0x3fe0000000000000
#define EPS53 0x3ca0000000000000   /* 2^-53, half an ulp of 1.0 */
#define INF   0x7ff0000000000000
#define NINF  0xfff0000000000000
#define QNAN  0x7ff8000000000000   /* canonical NaN */
#define SNAN  0x7ff0000000000001
#define MAXD  0x7fefffffffffffff
#define MINN  0x0010000000000000
#define NZERO 0x8000000000000000

  .text
  .globl test_main
test_main:
  FTEST_D(1, 0, THREE, ONE, TWO, 0, fadd.d fa3, fa0, fa1, rne)
  FTEST_D(2, NX, ONE, ONE, EPS53, 0, fadd.d fa3, fa0, fa1, rne)
  FTEST_D(3, NX, 0x3ff0000000000001, ONE, EPS53, 0, fadd.d fa3, fa0, fa1, rup)
  FTEST_D(4, NX, 0xbff0000000000001, MONE, 0xbca0000000000000, 0, fadd.d fa3, fa0, fa1, rdn)
  FTEST_D(5, NX, 0x3ff0000000000001, ONE, EPS53, 0, fadd.d fa3, fa0, fa1, rmm)
  FTEST_D(6, NX, ONE, ONE, EPS53, 0, fadd.d fa3, fa0, fa1, rtz)
  FTEST_D(7, NV, QNAN, INF, INF, 0, fsub.d fa3, fa0, fa1, rne)
  FTEST_D(8, 0, NZERO, ONE, ONE, 0, fsub.d fa3, fa0, fa1, rdn)
  FTEST_D(10, OF|NX, INF, MAXD, TWO, 0, fmul.d fa3, fa0, fa1, rne)
  FTEST_D(11, OF|NX, MAXD, MAXD, TWO, 0, fmul.d fa3, fa0, fa1, rtz)
  FTEST_D(12, OF|NX, MAXD, MAXD, TWO, 0, fmul.d fa3, fa0, fa1, rdn)
  FTEST_D(13, UF|NX, 0x0008000000000000, 0x0010000000000001, HALF, 0, fmul.d fa3, fa0, fa1, rne)
  FTEST_D(14, 0, 0x0008000000000000, MINN, HALF, 0, fmul.d fa3, fa0, fa1, rne)
  FTEST_D(15, DZ, NINF, MONE, 0, 0, fdiv.d fa3, fa0, fa1, rne)
  FTEST_D(16, NV, QNAN, INF, NINF, 0, fdiv.d fa3, fa0, fa1, rne)
  FTEST_D(17, NX, 0x3fd5555555555555, ONE, THREE, 0, fdiv.d fa3, fa0, fa1, rne)
  FTEST_D(18, NX, 0x3fd5555555555556, ONE, THREE, 0, fdiv.d fa3, fa0, fa1, rup)
  FTEST_D(19, NX, 0x3ff6a09e667f3bcd, TWO, 0, 0, fsqrt.d fa3, fa0, rne)
  FTEST_D(20, NV, QNAN, NINF, 0, 0, fsqrt.d fa3, fa0, rne)
  FTEST_D(21, 0, INF, INF, 0, 0, fsqrt.d fa3, fa0, rne)
  FTEST_D(22, NV, QNAN, SNAN, ONE, 0, fadd.d fa3, fa0, fa1, rne)
  FTEST_D(23, 0, QNAN, 0x7ff8000000001234, ONE, 0, fsub.d fa3, fa0, fa1, rne)

  FTEST_D(30, 0, NZERO, 0, NZERO, 0, fmin.d fa3, fa0, fa1)
  FTEST_D(31, 0, 0, 0, NZERO, 0, fmax.d fa3, fa0, fa1)
  FTEST_D(32, 0, MONE, MONE, QNAN, 0, fmax.d fa3, fa0, fa1)
  FTEST_D(33, NV, MONE, SNAN, MONE, 0, fmax.d fa3, fa0, fa1)
  FTEST_D(34, NV, QNAN, SNAN, QNAN, 0, fmin.d fa3, fa0, fa1)

  FTEST_D(40, 0, MONE, ONE, NZERO, 0, fsgnj.d fa3, fa0, fa1)
  FTEST_D(41, 0, ONE, MONE, NZERO, 0, fsgnjn.d fa3, fa0, fa1)
  FTEST_D(42, 0, MONE, MONE, 0, 0, fsgnjx.d fa3, fa0, fa1)
  FTEST_D(43, 0, 0xfff0000000000001, SNAN, NZERO, 0, fsgnj.d fa3, fa0, fa1)

  FTEST_D(50, 0, 0x4014000000000000, ONE, TWO, THREE, fmadd.d fa3, fa0, fa1, fa2, rne)
  FTEST_D(51, 0, MONE, ONE, TWO, THREE, fmsub.d fa3, fa0, fa1, fa2, rne)
  FTEST_D(52, 0, 0xc014000000000000, ONE, TWO, THREE, fnmadd.d fa3, fa0, fa1, fa2, rne)
  FTEST_D(53, 0, ONE, ONE, TWO, THREE, fnmsub.d fa3, fa0, fa1, fa2, rne)
  FTEST_D(54, 0, 0x3970000000000000, 0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002, fmadd.d fa3, fa0, fa1, fa2, rne)
  FTEST_D(55, NV, QNAN, 0, NINF, QNAN, fmadd.d fa3, fa0, fa1, fa2, rne)

  FTEST_D_X(60, 0, 1, ONE, ONE, feq.d a0, fa0, fa1)
  FTEST_D_X(61, 0, 0, QNAN, QNAN, feq.d a0, fa0, fa1)
  FTEST_D_X(62, NV, 0, ONE, SNAN, feq.d a0, fa0, fa1)
  FTEST_D_X(63, NV, 0, QNAN, ONE, fle.d a0, fa0, fa1)
  FTEST_D_X(64, 0, 1, NZERO, 0, fle.d a0, fa0, fa1)
  FTEST_D_X(65, 0, 1, MONE, ONE, flt.d a0, fa0, fa1)
  FTEST_D_X(66, 0, 0, ONE, ONE, flt.d a0, fa0, fa1)

  FTEST_D_X(70, 0, 0x001, NINF, 0, fclass.d a0, fa0)
  FTEST_D_X(71, 0, 0x002, MONE, 0, fclass.d a0, fa0)
  FTEST_D_X(72, 0, 0x004, 0x800fffffffffffff, 0, fclass.d a0, fa0)
  FTEST_D_X(73, 0, 0x008, NZERO, 0, fclass.d a0, fa0)
  FTEST_D_X(74, 0, 0x010, 0, 0, fclass.d a0, fa0)
  FTEST_D_X(75, 0, 0x020, 1, 0, fclass.d a0, fa0)
  FTEST_D_X(76, 0, 0x040, MAXD, 0, fclass.d a0, fa0)
  FTEST_D_X(77, 0, 0x080, INF, 0, fclass.d a0, fa0)
  FTEST_D_X(78, 0, 0x100, SNAN, 0, fclass.d a0, fa0)
  FTEST_D_X(79, 0, 0x200, QNAN, 0, fclass.d a0, fa0)

  FTEST_D_X(80, NX, 3, 0x400d99999999999a, 0, fcvt.w.d a0, fa0, rtz)
  FTEST_D_X(81, NX, -4, 0xc00c000000000000, 0, fcvt.w.d a0, fa0, rne)
  FTEST_D_X(82, NX, -4, 0xc00c000000000000, 0, fcvt.w.d a0, fa0, rdn)
  FTEST_D_X(83, NX, -3, 0xc00c000000000000, 0, fcvt.w.d a0, fa0, rup)
  FTEST_D_X(84, NX, 2, 0x4004000000000000, 0, fcvt.l.d a0, fa0, rne)
  FTEST_D_X(85, NX, 3, 0x4004000000000000, 0, fcvt.l.d a0, fa0, rmm)
  FTEST_D_X(86, NV, 0x7fffffff, 0x4202a05f20000000, 0, fcvt.w.d a0, fa0, rtz)
  FTEST_D_X(87, 0, 0x00000002540be400, 0x4202a05f20000000, 0, fcvt.l.d a0, fa0, rtz)
  FTEST_D_X(88, NV, 0x7fffffffffffffff, 0x43e0000000000000, 0, fcvt.l.d a0, fa0, rtz)
  FTEST_D_X(89, 0, 0x8000000000000000, 0xc3e0000000000000, 0, fcvt.l.d a0, fa0, rtz)
  FTEST_D_X(90, 0, 0x8000000000000000, 0x43e0000000000000, 0, fcvt.lu.d a0, fa0, rtz)
  FTEST_D_X(91, NV, 0xffffffffffffffff, 0x43f0000000000000, 0, fcvt.lu.d a0, fa0, rtz)
  FTEST_D_X(92, NV, 0, MONE, 0, fcvt.lu.d a0, fa0, rtz)
  FTEST_D_X(93, 0, 0xffffffffee6b2800, 0x41edcd6500000000, 0, fcvt.wu.d a0, fa0, rtz)
  FTEST_D_X(94, NV, 0x7fffffff, SNAN, 0, fcvt.w.d a0, fa0, rtz)
  FTEST_D_X(95, NV, 0xffffffff80000000, NINF, 0, fcvt.w.d a0, fa0, rtz)

  FTEST_X_D(100, 0, MONE, -1, fcvt.d.w fa3, a1)
  FTEST_X_D(101, 0, 0x41efffffffe00000, -1, fcvt.d.wu fa3, a1)
  FTEST_X_D(102, NX, 0x43e0000000000000, 0x7fffffffffffffff, fcvt.d.l fa3, a1, rne)
  FTEST_X_D(103, NX, 0x43f0000000000000, -1, fcvt.d.lu fa3, a1, rne)
  FTEST_X_D(104, NX, 0x4340000000000000, 9007199254740993, fcvt.d.l fa3, a1, rtz)
  FTEST_X_D(105, NX, 0x4340000000000001, 9007199254740993, fcvt.d.l fa3, a1, rup)
  FTEST_X_D(106, 0, 0xc3e0000000000000, 0x8000000000000000, fcvt.d.l fa3, a1, rne)

  /* Between single and double. */
  li gp, 110
  FLOAD_D(fa0, 0x3fd5555555555555)
  fcvt.s.d fa3, fa0, rne
  FCHECK_S(0x3eaaaaab, NX)
  li gp, 111
  FLOAD_D(fa0, MAXD)
  fcvt.s.d fa3, fa0, rne
  FCHECK_S(0x7f800000, OF|NX)
  li gp, 112
  FLOAD_D(fa0, SNAN)
  fcvt.s.d fa3, fa0, rne
  FCHECK_S(0x7fc00000, NV)
  li gp, 113
  FLOAD_D(fa0, 0x36a0000000000000)   /* 2^-149: the smallest single subnormal */
  fcvt.s.d fa3, fa0, rne
  FCHECK_S(0x00000001, 0)
  li gp, 114
  FLOAD_S(fa0, 0x3f800000)
  fcvt.d.s fa3, fa0
  FCHECK_D(ONE, 0)
  li gp, 115
  FLOAD_S(fa0, 0x7f800001)
  fcvt.d.s fa3, fa0
  FCHECK_D(QNAN, NV)
  li gp, 116
  FLOAD_D(fa0, 0x000000003f800000)   /* not NaN-boxed: the canonical NaN, quietly */
  fcvt.d.s fa3, fa0
  FCHECK_D(QNAN, 0)
  li gp, 117
  FLOAD_S(fa0, 0x00000001)
  fcvt.d.s fa3, fa0
  FCHECK_D(0x36a0000000000000, 0)

  /* Loads, stores and moves keep every bit. */
  li gp, 120
  la s0, ddata
  FLOAD_D(fa0, SNAN)
  fsd fa0, 8(s0)
  ld a0, 8(s0)
  FCHECK_X(SNAN, 0)
  li gp, 121
  fld fa3, 8(s0)
  FCHECK_D(SNAN, 0)
  li gp, 122
  fmv.d fa3, fa0
  FCHECK_D(SNAN, 0)
  j pass

  .data
  .balign 8
ddata:
  .dword 0, 0
