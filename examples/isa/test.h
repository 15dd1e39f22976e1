/* Assembler macros for the self-checking ISA tests. gp (x3) holds the case number;
   a mismatch jumps to `fail`, which reports it. Scratch registers: a0-a5, t3-t6. */
#ifndef VMSCOPE_ISA_TEST_H
#define VMSCOPE_ISA_TEST_H

#define FINISHER_BASE 0x100000

#define TESTNUM gp

#define TEST_CASE(n, reg, expect, code...) \
  li TESTNUM, n; code; li t6, expect; bne reg, t6, fail

/* rd = op(rs1, rs2) with immediate operands. */
#define TEST_RR(n, inst, expect, v1, v2) \
  TEST_CASE(n, a0, expect, li a1, v1; li a2, v2; inst a0, a1, a2)
/* rd = op(rs1, imm). */
#define TEST_RI(n, inst, expect, v1, imm) \
  TEST_CASE(n, a0, expect, li a1, v1; inst a0, a1, imm)
/* rd = op(rs1). */
#define TEST_R(n, inst, expect, v1) \
  TEST_CASE(n, a0, expect, li a1, v1; inst a0, a1)
/* Source and destination are the same register. */
#define TEST_RR_SRC1_EQ_DEST(n, inst, expect, v1, v2) \
  TEST_CASE(n, a1, expect, li a1, v1; li a2, v2; inst a1, a1, a2)
/* x0 as destination stays zero. */
#define TEST_RR_ZERODEST(n, inst, v1, v2) \
  TEST_CASE(n, x0, 0, li a1, v1; li a2, v2; inst x0, a1, a2)

/* Zicond (czero.eqz / czero.nez) is unknown to binutils 2.40: OP major opcode, funct7 0000111,
   funct3 101 / 111 (Zicond spec, "Instructions"). */
#ifdef __ASSEMBLER__
.macro czero_eqz rd, rs1, rs2
  .insn r 0x33, 5, 7, \rd, \rs1, \rs2
.endm
.macro czero_nez rd, rs1, rs2
  .insn r 0x33, 7, 7, \rd, \rs1, \rs2
.endm
#endif

/* Floating-point helpers: load raw bit patterns into FP registers. */
#define FLOAD_D(freg, bits) li t5, bits; fmv.d.x freg, t5
#define FLOAD_S(freg, bits) li t5, bits; fmv.w.x freg, t5

/* Check fflags equals `flags` and clear them. */
#define CHECK_FLAGS(flags) csrrw t5, fflags, zero; li t6, flags; bne t5, t6, fail

/* fflags bits (unprivileged spec 11.2, table 11.2). */
#define NV 0x10
#define DZ 0x08
#define OF 0x04
#define UF 0x02
#define NX 0x01

/* FP tests: operands are loaded as raw bit patterns into fa0, fa1, fa2; the instruction (last,
   variadic argument, written out in full with its rounding mode) leaves its result in fa3 or a0.
   Single-precision results go through fmv.x.w, which sign-extends, so the expected 32-bit
   pattern is sign-extended with addiw before the compare. fflags must equal `flags`. */
#define FCHECK_S(expect, flags) fmv.x.w a0, fa3; li t6, expect; addiw t6, t6, 0; bne a0, t6, fail; \
  CHECK_FLAGS(flags)
#define FCHECK_D(expect, flags) fmv.x.d a0, fa3; li t6, expect; bne a0, t6, fail; CHECK_FLAGS(flags)
#define FCHECK_X(expect, flags) li t6, expect; bne a0, t6, fail; CHECK_FLAGS(flags)

#define FTEST_S(n, flags, expect, a, b, c, code...) \
  li gp, n; FLOAD_S(fa0, a); FLOAD_S(fa1, b); FLOAD_S(fa2, c); code; FCHECK_S(expect, flags)
#define FTEST_S_X(n, flags, expect, a, b, code...) \
  li gp, n; FLOAD_S(fa0, a); FLOAD_S(fa1, b); code; FCHECK_X(expect, flags)
#define FTEST_D(n, flags, expect, a, b, c, code...) \
  li gp, n; FLOAD_D(fa0, a); FLOAD_D(fa1, b); FLOAD_D(fa2, c); code; FCHECK_D(expect, flags)
#define FTEST_D_X(n, flags, expect, a, b, code...) \
  li gp, n; FLOAD_D(fa0, a); FLOAD_D(fa1, b); code; FCHECK_X(expect, flags)
/* Integer operand in a1. */
#define FTEST_X_S(n, flags, expect, v, code...) li gp, n; li a1, v; code; FCHECK_S(expect, flags)
#define FTEST_X_D(n, flags, expect, v, code...) li gp, n; li a1, v; code; FCHECK_D(expect, flags)

#endif
