/* Differential test of the F and D extensions: every arithmetic, fused, min/max, compare,
   classify, sign-injection and conversion instruction in single and double precision, under
   each static rounding mode (rne, rtz, rdn, rup, rmm) where the instruction has one (the exact
   conversions fcvt.d.s, fcvt.d.w and fcvt.d.wu run once, rm "-"). Operands
   mix random bit patterns, "nice" values, special values (±0, ±inf, quiet and signaling NaNs,
   subnormals, ±max, ±min normal, 1.0, integer-conversion boundaries) and neighbours one ulp
   apart; single-precision operands are sometimes not NaN-boxed. Each case clears fflags,
   executes, and prints `op rm a b c -> result flags` in hex; a checksum line ends the run. */
#include "common.h"

#ifndef FP_CASES
#define FP_CASES 300
#endif

typedef uint64_t (*fp_fn)(uint64_t a, uint64_t b, uint64_t c, uint64_t *flags);

/* Three FP sources, FP result (fused multiply-add family). */
#define GEN_F3(nm, insn, rm) \
  static uint64_t nm##_##rm(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl) \
  { \
    uint64_t r, f; \
    __asm__ __volatile__("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft2, %4\n\t" \
                         "csrw fflags, zero\n\t" insn " ft3, ft0, ft1, ft2, " #rm "\n\t" \
                         "csrr %1, fflags\n\tfmv.x.d %0, ft3" \
                         : "=r"(r), "=r"(f) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3"); \
    *fl = f; \
    return r; \
  }
/* Two FP sources with a rounding mode, FP result. */
#define GEN_F2(nm, insn, rm) \
  static uint64_t nm##_##rm(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl) \
  { \
    uint64_t r, f; \
    (void)c; \
    __asm__ __volatile__("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t" \
                         "csrw fflags, zero\n\t" insn " ft3, ft0, ft1, " #rm "\n\t" \
                         "csrr %1, fflags\n\tfmv.x.d %0, ft3" \
                         : "=r"(r), "=r"(f) : "r"(a), "r"(b) : "ft0", "ft1", "ft3"); \
    *fl = f; \
    return r; \
  }
/* One FP source with a rounding mode, FP result (fsqrt, fcvt.s.d, fcvt.d.s). */
#define GEN_F1(nm, insn, rm) \
  static uint64_t nm##_##rm(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl) \
  { \
    uint64_t r, f; \
    (void)b; \
    (void)c; \
    __asm__ __volatile__("fmv.d.x ft0, %2\n\t" \
                         "csrw fflags, zero\n\t" insn " ft3, ft0, " #rm "\n\t" \
                         "csrr %1, fflags\n\tfmv.x.d %0, ft3" \
                         : "=r"(r), "=r"(f) : "r"(a) : "ft0", "ft3"); \
    *fl = f; \
    return r; \
  }
/* One FP source with a rounding mode, integer result (fcvt.{w,wu,l,lu}.{s,d}). */
#define GEN_FX1(nm, insn, rm) \
  static uint64_t nm##_##rm(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl) \
  { \
    uint64_t r, f; \
    (void)b; \
    (void)c; \
    __asm__ __volatile__("fmv.d.x ft0, %2\n\t" \
                         "csrw fflags, zero\n\t" insn " %0, ft0, " #rm "\n\t" \
                         "csrr %1, fflags" \
                         : "=&r"(r), "=r"(f) : "r"(a) : "ft0"); \
    *fl = f; \
    return r; \
  }
/* Integer source with a rounding mode, FP result (fcvt.{s,d}.{w,wu,l,lu}). */
#define GEN_XF1(nm, insn, rm) \
  static uint64_t nm##_##rm(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl) \
  { \
    uint64_t r, f; \
    (void)b; \
    (void)c; \
    __asm__ __volatile__("csrw fflags, zero\n\t" insn " ft3, %2, " #rm "\n\t" \
                         "csrr %1, fflags\n\tfmv.x.d %0, ft3" \
                         : "=r"(r), "=r"(f) : "r"(a) : "ft3"); \
    *fl = f; \
    return r; \
  }
/* One FP source, no rounding mode (the conversion is exact), FP result (fcvt.d.s). */
#define GEN_F1N(nm, insn) \
  static uint64_t nm(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl) \
  { \
    uint64_t r, f; \
    (void)b; \
    (void)c; \
    __asm__ __volatile__("fmv.d.x ft0, %2\n\t" \
                         "csrw fflags, zero\n\t" insn " ft3, ft0\n\t" \
                         "csrr %1, fflags\n\tfmv.x.d %0, ft3" \
                         : "=r"(r), "=r"(f) : "r"(a) : "ft0", "ft3"); \
    *fl = f; \
    return r; \
  }
/* Integer source, no rounding mode (exact), FP result (fcvt.d.w, fcvt.d.wu). */
#define GEN_XF1N(nm, insn) \
  static uint64_t nm(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl) \
  { \
    uint64_t r, f; \
    (void)b; \
    (void)c; \
    __asm__ __volatile__("csrw fflags, zero\n\t" insn " ft3, %2\n\t" \
                         "csrr %1, fflags\n\tfmv.x.d %0, ft3" \
                         : "=r"(r), "=r"(f) : "r"(a) : "ft3"); \
    *fl = f; \
    return r; \
  }
/* Two FP sources, no rounding mode, FP result (fmin/fmax/fsgnj*). */
#define GEN_F2N(nm, insn) \
  static uint64_t nm(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl) \
  { \
    uint64_t r, f; \
    (void)c; \
    __asm__ __volatile__("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t" \
                         "csrw fflags, zero\n\t" insn " ft3, ft0, ft1\n\t" \
                         "csrr %1, fflags\n\tfmv.x.d %0, ft3" \
                         : "=r"(r), "=r"(f) : "r"(a), "r"(b) : "ft0", "ft1", "ft3"); \
    *fl = f; \
    return r; \
  }
/* Two FP sources, integer result (feq/flt/fle). */
#define GEN_FX2N(nm, insn) \
  static uint64_t nm(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl) \
  { \
    uint64_t r, f; \
    (void)c; \
    __asm__ __volatile__("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t" \
                         "csrw fflags, zero\n\t" insn " %0, ft0, ft1\n\t" \
                         "csrr %1, fflags" \
                         : "=&r"(r), "=r"(f) : "r"(a), "r"(b) : "ft0", "ft1"); \
    *fl = f; \
    return r; \
  }
/* One FP source, integer result (fclass). */
#define GEN_FX1N(nm, insn) \
  static uint64_t nm(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl) \
  { \
    uint64_t r, f; \
    (void)b; \
    (void)c; \
    __asm__ __volatile__("fmv.d.x ft0, %2\n\t" \
                         "csrw fflags, zero\n\t" insn " %0, ft0\n\t" \
                         "csrr %1, fflags" \
                         : "=&r"(r), "=r"(f) : "r"(a) : "ft0"); \
    *fl = f; \
    return r; \
  }

#define ALL_RM(gen, nm, insn) gen(nm, insn, rne) gen(nm, insn, rtz) gen(nm, insn, rdn) \
  gen(nm, insn, rup) gen(nm, insn, rmm)
#define RM_FNS(nm) {nm##_rne, nm##_rtz, nm##_rdn, nm##_rup, nm##_rmm}

ALL_RM(GEN_F2, fadd_s, "fadd.s") ALL_RM(GEN_F2, fadd_d, "fadd.d")
ALL_RM(GEN_F2, fsub_s, "fsub.s") ALL_RM(GEN_F2, fsub_d, "fsub.d")
ALL_RM(GEN_F2, fmul_s, "fmul.s") ALL_RM(GEN_F2, fmul_d, "fmul.d")
ALL_RM(GEN_F2, fdiv_s, "fdiv.s") ALL_RM(GEN_F2, fdiv_d, "fdiv.d")
ALL_RM(GEN_F1, fsqrt_s, "fsqrt.s") ALL_RM(GEN_F1, fsqrt_d, "fsqrt.d")
ALL_RM(GEN_F3, fmadd_s, "fmadd.s") ALL_RM(GEN_F3, fmadd_d, "fmadd.d")
ALL_RM(GEN_F3, fmsub_s, "fmsub.s") ALL_RM(GEN_F3, fmsub_d, "fmsub.d")
ALL_RM(GEN_F3, fnmadd_s, "fnmadd.s") ALL_RM(GEN_F3, fnmadd_d, "fnmadd.d")
ALL_RM(GEN_F3, fnmsub_s, "fnmsub.s") ALL_RM(GEN_F3, fnmsub_d, "fnmsub.d")
ALL_RM(GEN_F1, fcvt_s_d, "fcvt.s.d") GEN_F1N(fcvt_d_s, "fcvt.d.s")
ALL_RM(GEN_FX1, fcvt_w_s, "fcvt.w.s") ALL_RM(GEN_FX1, fcvt_wu_s, "fcvt.wu.s")
ALL_RM(GEN_FX1, fcvt_l_s, "fcvt.l.s") ALL_RM(GEN_FX1, fcvt_lu_s, "fcvt.lu.s")
ALL_RM(GEN_FX1, fcvt_w_d, "fcvt.w.d") ALL_RM(GEN_FX1, fcvt_wu_d, "fcvt.wu.d")
ALL_RM(GEN_FX1, fcvt_l_d, "fcvt.l.d") ALL_RM(GEN_FX1, fcvt_lu_d, "fcvt.lu.d")
ALL_RM(GEN_XF1, fcvt_s_w, "fcvt.s.w") ALL_RM(GEN_XF1, fcvt_s_wu, "fcvt.s.wu")
ALL_RM(GEN_XF1, fcvt_s_l, "fcvt.s.l") ALL_RM(GEN_XF1, fcvt_s_lu, "fcvt.s.lu")
GEN_XF1N(fcvt_d_w, "fcvt.d.w") GEN_XF1N(fcvt_d_wu, "fcvt.d.wu")
ALL_RM(GEN_XF1, fcvt_d_l, "fcvt.d.l") ALL_RM(GEN_XF1, fcvt_d_lu, "fcvt.d.lu")
GEN_F2N(fmin_s, "fmin.s") GEN_F2N(fmin_d, "fmin.d") GEN_F2N(fmax_s, "fmax.s")
GEN_F2N(fmax_d, "fmax.d") GEN_F2N(fsgnj_s, "fsgnj.s") GEN_F2N(fsgnj_d, "fsgnj.d")
GEN_F2N(fsgnjn_s, "fsgnjn.s") GEN_F2N(fsgnjn_d, "fsgnjn.d") GEN_F2N(fsgnjx_s, "fsgnjx.s")
GEN_F2N(fsgnjx_d, "fsgnjx.d")
GEN_FX2N(feq_s, "feq.s") GEN_FX2N(feq_d, "feq.d") GEN_FX2N(flt_s, "flt.s")
GEN_FX2N(flt_d, "flt.d") GEN_FX2N(fle_s, "fle.s") GEN_FX2N(fle_d, "fle.d")
GEN_FX1N(fclass_s, "fclass.s") GEN_FX1N(fclass_d, "fclass.d")

/* Operand kinds. */
enum kind { K_S, K_D, K_I };

struct fp_op {
  const char *name;
  enum kind kind;   /* kind of the source operands */
  int nargs;
  int has_rm;
  fp_fn fns[5];     /* per rounding mode; only fns[0] when !has_rm */
};

static const char *const rm_names[5] = {"rne", "rtz", "rdn", "rup", "rmm"};

static const struct fp_op ops[] = {
  {"fadd.s", K_S, 2, 1, RM_FNS(fadd_s)}, {"fadd.d", K_D, 2, 1, RM_FNS(fadd_d)},
  {"fsub.s", K_S, 2, 1, RM_FNS(fsub_s)}, {"fsub.d", K_D, 2, 1, RM_FNS(fsub_d)},
  {"fmul.s", K_S, 2, 1, RM_FNS(fmul_s)}, {"fmul.d", K_D, 2, 1, RM_FNS(fmul_d)},
  {"fdiv.s", K_S, 2, 1, RM_FNS(fdiv_s)}, {"fdiv.d", K_D, 2, 1, RM_FNS(fdiv_d)},
  {"fsqrt.s", K_S, 1, 1, RM_FNS(fsqrt_s)}, {"fsqrt.d", K_D, 1, 1, RM_FNS(fsqrt_d)},
  {"fmadd.s", K_S, 3, 1, RM_FNS(fmadd_s)}, {"fmadd.d", K_D, 3, 1, RM_FNS(fmadd_d)},
  {"fmsub.s", K_S, 3, 1, RM_FNS(fmsub_s)}, {"fmsub.d", K_D, 3, 1, RM_FNS(fmsub_d)},
  {"fnmadd.s", K_S, 3, 1, RM_FNS(fnmadd_s)}, {"fnmadd.d", K_D, 3, 1, RM_FNS(fnmadd_d)},
  {"fnmsub.s", K_S, 3, 1, RM_FNS(fnmsub_s)}, {"fnmsub.d", K_D, 3, 1, RM_FNS(fnmsub_d)},
  {"fmin.s", K_S, 2, 0, {fmin_s}}, {"fmin.d", K_D, 2, 0, {fmin_d}},
  {"fmax.s", K_S, 2, 0, {fmax_s}}, {"fmax.d", K_D, 2, 0, {fmax_d}},
  {"feq.s", K_S, 2, 0, {feq_s}}, {"feq.d", K_D, 2, 0, {feq_d}},
  {"flt.s", K_S, 2, 0, {flt_s}}, {"flt.d", K_D, 2, 0, {flt_d}},
  {"fle.s", K_S, 2, 0, {fle_s}}, {"fle.d", K_D, 2, 0, {fle_d}},
  {"fclass.s", K_S, 1, 0, {fclass_s}}, {"fclass.d", K_D, 1, 0, {fclass_d}},
  {"fsgnj.s", K_S, 2, 0, {fsgnj_s}}, {"fsgnj.d", K_D, 2, 0, {fsgnj_d}},
  {"fsgnjn.s", K_S, 2, 0, {fsgnjn_s}}, {"fsgnjn.d", K_D, 2, 0, {fsgnjn_d}},
  {"fsgnjx.s", K_S, 2, 0, {fsgnjx_s}}, {"fsgnjx.d", K_D, 2, 0, {fsgnjx_d}},
  {"fcvt.s.d", K_D, 1, 1, RM_FNS(fcvt_s_d)}, {"fcvt.d.s", K_S, 1, 0, {fcvt_d_s}},
  {"fcvt.w.s", K_S, 1, 1, RM_FNS(fcvt_w_s)}, {"fcvt.wu.s", K_S, 1, 1, RM_FNS(fcvt_wu_s)},
  {"fcvt.l.s", K_S, 1, 1, RM_FNS(fcvt_l_s)}, {"fcvt.lu.s", K_S, 1, 1, RM_FNS(fcvt_lu_s)},
  {"fcvt.w.d", K_D, 1, 1, RM_FNS(fcvt_w_d)}, {"fcvt.wu.d", K_D, 1, 1, RM_FNS(fcvt_wu_d)},
  {"fcvt.l.d", K_D, 1, 1, RM_FNS(fcvt_l_d)}, {"fcvt.lu.d", K_D, 1, 1, RM_FNS(fcvt_lu_d)},
  {"fcvt.s.w", K_I, 1, 1, RM_FNS(fcvt_s_w)}, {"fcvt.s.wu", K_I, 1, 1, RM_FNS(fcvt_s_wu)},
  {"fcvt.s.l", K_I, 1, 1, RM_FNS(fcvt_s_l)}, {"fcvt.s.lu", K_I, 1, 1, RM_FNS(fcvt_s_lu)},
  {"fcvt.d.w", K_I, 1, 0, {fcvt_d_w}}, {"fcvt.d.wu", K_I, 1, 0, {fcvt_d_wu}},
  {"fcvt.d.l", K_I, 1, 1, RM_FNS(fcvt_d_l)}, {"fcvt.d.lu", K_I, 1, 1, RM_FNS(fcvt_d_lu)},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const uint32_t special_s[] = {
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, /* ±0, ±inf */
  0x7fc00000, 0xffc00000, 0x7fc00001, 0x7f800001, 0xff812345, 0x7fbfffff, /* NaNs */
  0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00400000, /* subnormals */
  0x7f7fffff, 0xff7fffff, 0x00800000, 0x80800000, /* ±max, ±min normal */
  0x3f800000, 0xbf800000, 0x3f800001, 0x3f7fffff, 0x3f000000, 0xbfc00000, 0x40200000,
  0x4f000000, 0xcf000000, 0x4effffff, 0x4f800000, 0x5f000000, 0xdf000000, 0x5f800000,
  0x4b800001, 0x4b000000, 0x34000000, 0x33800000, 0x7effffff,
};

static const uint64_t special_d[] = {
  0x0000000000000000ULL, 0x8000000000000000ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL,
  0x7ff8000000000000ULL, 0xfff8000000000000ULL, 0x7ff8000000000001ULL, 0x7ff0000000000001ULL,
  0xfff0000012345678ULL, 0x7ff7ffffffffffffULL,
  0x0000000000000001ULL, 0x8000000000000001ULL, 0x000fffffffffffffULL, 0x800fffffffffffffULL,
  0x0008000000000000ULL,
  0x7fefffffffffffffULL, 0xffefffffffffffffULL, 0x0010000000000000ULL, 0x8010000000000000ULL,
  0x3ff0000000000000ULL, 0xbff0000000000000ULL, 0x3ff0000000000001ULL, 0x3fefffffffffffffULL,
  0x3fe0000000000000ULL, 0xbff8000000000000ULL, 0x4004000000000000ULL,
  0x41e0000000000000ULL, 0xc1e0000000000000ULL, 0x41dfffffffffffffULL, 0x41efffffffe00000ULL,
  0x41f0000000000000ULL, 0x43e0000000000000ULL, 0xc3e0000000000000ULL, 0x43f0000000000000ULL,
  0x43dfffffffffffffULL, 0x4340000000000001ULL, 0x3ca0000000000000ULL, 0x47efffffe0000000ULL,
  0x36a0000000000000ULL, 0x3810000000000000ULL, 0x380fffffffffffffULL,
};

static const uint64_t special_i[] = {
  0, 1, 0xffffffffffffffffULL, 0x8000000000000000ULL, 0x7fffffffffffffffULL,
  0x80000000ULL, 0x7fffffffULL, 0xffffffffULL, 0xffffffff80000000ULL, 0x1000001ULL,
  0x1000003ULL, 0x20000000000001ULL, 0x20000000000003ULL, 0xfffffffffeffffffULL,
  0x7fffffbfffffffffULL, 0x123456789abcdef0ULL,
};

/* A boxed single or a double holding a small integer scaled by a power of two. */
static uint64_t nice_value(enum kind k)
{
  uint64_t r = rng_next();
  int64_t mant = (int64_t)(r & 0xfff) - 0x800;
  int scale = (int)((r >> 12) & 31) - 16;
  double v = (double)mant;
  for (; scale > 0; scale--) {
    v *= 2.0;
  }
  for (; scale < 0; scale++) {
    v *= 0.5;
  }
  if (k == K_S) {
    float f = (float)v;
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return 0xffffffff00000000ULL | bits;
  }
  uint64_t bits;
  memcpy(&bits, &v, 8);
  return bits;
}

static uint64_t gen_operand(enum kind k, uint64_t prev)
{
  uint64_t r = rng_next();
  unsigned sel = (unsigned)(r & 15);
  if (k == K_I) {
    if (sel < 5) {
      return special_i[(r >> 8) % COUNT(special_i)];
    }
    if (sel < 9) {
      return (uint64_t)((int64_t)(rng_next() >> ((r >> 8) & 63)) * ((r >> 16) & 1 ? -1 : 1));
    }
    return rng_next();
  }
  uint64_t v;
  if (sel < 5) {
    v = k == K_S ? 0xffffffff00000000ULL | special_s[(r >> 8) % COUNT(special_s)]
                 : special_d[(r >> 8) % COUNT(special_d)];
  } else if (sel < 9) {
    v = nice_value(k);
  } else if (sel < 11) {
    /* One ulp away from the previous operand. */
    v = (r >> 8) & 1 ? prev + 1 : prev - 1;
    if (k == K_S) {
      v = 0xffffffff00000000ULL | (uint32_t)v;
    }
  } else {
    v = rng_next();
    if (k == K_S) {
      v = 0xffffffff00000000ULL | (uint32_t)v;
    }
  }
  /* Now and then a single that is not properly NaN-boxed. */
  if (k == K_S && (r >> 20) % 24 == 0) {
    v &= 0x00000000ffffffffULL | ((rng_next() & 0xfffffffeULL) << 32);
  }
  return v;
}

static void print_case(const struct fp_op *op, const char *rm, const uint64_t *in,
                       uint64_t result, uint64_t flags)
{
  put_str(op->name);
  uart_putc(' ');
  put_str(rm);
  for (int i = 0; i < op->nargs; i++) {
    uart_putc(' ');
    put_hex(in[i], 16);
  }
  put_str(" -> ");
  put_hex(result, 16);
  uart_putc(' ');
  put_hex(flags, 2);
  uart_putc('\n');
}

int main(void)
{
  unsigned long lines = 0;
  for (unsigned i = 0; i < COUNT(ops); i++) {
    const struct fp_op *op = &ops[i];
    int nrm = op->has_rm ? 5 : 1;
    for (int rm = 0; rm < nrm; rm++) {
      uint64_t in[3] = {0, 0, 0};
      for (int n = 0; n < FP_CASES; n++) {
        for (int a = 0; a < op->nargs; a++) {
          in[a] = gen_operand(op->kind, in[a == 0 ? op->nargs - 1 : a - 1]);
        }
        uint64_t flags;
        uint64_t result = op->fns[rm](in[0], in[1], in[2], &flags);
        checksum_add(result);
        checksum_add(flags);
        print_case(op, op->has_rm ? rm_names[rm] : "-", in, result, flags);
        lines++;
      }
    }
  }
  printf("fpdiff: %lu cases, checksum=%016lx\n", lines, (unsigned long)checksum);
  return 0;
}
