/* The built-in demo guest (`vmscope demo`): prints a banner, the hart id and misa, runs a few
   short workloads in M-mode, takes a CLINT timer interrupt, then enters S-mode under an
   identity Sv39 mapping (so every access goes through the TLB), runs more workloads there,
   takes another timer interrupt and makes an ecall service request to M-mode, prints a short
   report and exits 0. Its output does not depend on timing, so it can be compared verbatim. */
#include "lib.h"
#include "vm.h"

/* ecall service numbers understood by the M-mode hook (a7), besides SYS_EXIT. */
#define SYS_TIMER_COUNT 1 /* a0 <- timer interrupts taken so far */
#define SYS_ARM_TIMER   2 /* arm the CLINT for one interrupt a0 ticks from now */

static volatile unsigned long timer_irqs;
static unsigned long last_irq_cause;
static unsigned long ecalls_served;
static unsigned long s_pages_touched;

static void arm_timer(unsigned long ticks)
{
  mmio_write64(CLINT_MTIMECMP(0), mmio_read64(CLINT_MTIME) + ticks);
}

/* M-mode trap hook: the machine timer interrupt and our ecall services. */
static int demo_trap(struct trap_frame *f, unsigned long mcause, unsigned long mtval)
{
  (void)mtval;
  if (mcause == (CAUSE_INTERRUPT | IRQ_M_TIMER)) {
    mmio_write64(CLINT_MTIMECMP(0), ~0UL); /* one-shot: quiet until re-armed */
    last_irq_cause = mcause;
    timer_irqs++;
    return 1;
  }
  if (mcause == CAUSE_ECALL_S && f->x[17] == SYS_TIMER_COUNT) {
    f->x[10] = timer_irqs;
    f->mepc += 4;
    ecalls_served++;
    return 1;
  }
  if (mcause == CAUSE_ECALL_S && f->x[17] == SYS_ARM_TIMER) {
    arm_timer(f->x[10]);
    f->mepc += 4;
    ecalls_served++;
    return 1;
  }
  return 0;
}

static long ecall1(long nr, long arg)
{
  register long a0 __asm__("a0") = arg;
  register long a7 __asm__("a7") = nr;
  __asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
}

static void print_misa(void)
{
  unsigned long misa = read_csr(misa);
  unsigned mxl = (unsigned)(misa >> 62);
  printf("misa: %016lx = RV%d", misa, mxl == 1 ? 32 : mxl == 2 ? 64 : 128);
  /* Canonical order first (unprivileged spec 27.1: IMAFDQC), then the rest alphabetically. */
  static const char order[] = "IEMAFDQCBKJTPVNHSU";
  for (const char *p = order; *p; p++) {
    if (misa & (1UL << (*p - 'A'))) {
      uart_putc(*p);
    }
  }
  printf("\n");
}

/* --- workloads --- */

static unsigned long count_primes(unsigned limit)
{
  unsigned long count = 0;
  for (unsigned n = 2; n < limit; n++) {
    unsigned d = 2;
    for (; d * d <= n; d++) {
      if (n % d == 0) {
        break;
      }
    }
    if (d * d > n) {
      count++;
    }
  }
  return count;
}

static uint32_t crc32(const char *s)
{
  uint32_t crc = 0xffffffffu;
  for (; *s; s++) {
    crc ^= (uint8_t)*s;
    for (int k = 0; k < 8; k++) {
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
  }
  return ~crc;
}

static uint64_t fib(unsigned n)
{
  uint64_t a = 0;
  uint64_t b = 1;
  for (unsigned i = 0; i < n; i++) {
    uint64_t t = a + b;
    a = b;
    b = t;
  }
  return a;
}

static double pi_leibniz(unsigned terms)
{
  double sum = 0.0;
  double sign = 1.0;
  for (unsigned k = 0; k < terms; k++) {
    sum += sign / (2.0 * k + 1.0);
    sign = -sign;
  }
  return 4.0 * sum;
}

#define MAT_N 64
static int32_t mat_a[MAT_N][MAT_N];
static int32_t mat_b[MAT_N][MAT_N];
static int32_t mat_c[MAT_N][MAT_N];

static int64_t matmul_trace(void)
{
  for (int i = 0; i < MAT_N; i++) {
    for (int j = 0; j < MAT_N; j++) {
      mat_a[i][j] = i + 2 * j - 7;
      mat_b[i][j] = (i * j) % 5 - 2;
    }
  }
  for (int i = 0; i < MAT_N; i++) {
    for (int j = 0; j < MAT_N; j++) {
      int32_t s = 0;
      for (int k = 0; k < MAT_N; k++) {
        s += mat_a[i][k] * mat_b[k][j];
      }
      mat_c[i][j] = s;
    }
  }
  int64_t trace = 0;
  for (int i = 0; i < MAT_N; i++) {
    trace += mat_c[i][i];
  }
  return trace;
}

/* Writes and re-reads one word in each 4 KiB page of a 1 MiB buffer (256 pages, more than
   any small TLB holds), returning the sum read back. */
#define TOUCH_BYTES (1UL << 20)
static uint8_t touch_buf[TOUCH_BYTES] __attribute__((aligned(4096)));

static uint64_t touch_pages(void)
{
  uint64_t sum = 0;
  for (unsigned long off = 0; off < TOUCH_BYTES; off += 4096) {
    *(volatile uint64_t *)(touch_buf + off) = off / 4096 * 3 + 1;
    s_pages_touched++;
  }
  for (unsigned long off = 0; off < TOUCH_BYTES; off += 4096) {
    sum += *(volatile uint64_t *)(touch_buf + off);
  }
  return sum;
}

static void wait_for_irq(unsigned long before)
{
  while (timer_irqs == before) {
    __asm__ __volatile__("wfi");
  }
}

/* --- S-mode part --- */

static int s_main(void)
{
  unsigned long satp = read_csr(satp);
  printf("[S] running under Sv39: satp.MODE=%lu ASID=%lu root=%p\n", satp >> 60,
         (satp >> 44) & 0xffff, (void *)((satp & ((1UL << 44) - 1)) << 12));
  printf("[S] touched 256 pages: sum=%lu\n", (unsigned long)touch_pages());
  printf("[S] matmul %dx%d: trace=%ld\n", MAT_N, MAT_N, (long)matmul_trace());
  /* Ask M-mode (ecall) to arm the timer; the interrupt is an M-level one, so it is taken
     into M-mode even though S-mode runs with interrupts "off" (priv spec 3.1.6.1). */
  unsigned long before = (unsigned long)ecall1(SYS_TIMER_COUNT, 0);
  ecall1(SYS_ARM_TIMER, TIMEBASE_HZ / 2000); /* 0.5 ms */
  wait_for_irq(before);
  printf("[S] timer interrupt taken while in S-mode: mcause=%016lx\n", last_irq_cause);
  printf("report: %lu timer interrupts, %lu ecall services, %lu pages touched in S-mode\n",
         timer_irqs, ecalls_served, s_pages_touched);
  printf("demo done\n");
  return 0;
}

int main(void)
{
  trap_hook = demo_trap;
  printf("vmscope demo: bare-metal RV64 guest on the virt board\n");
  printf("hart %lu, entered in M-mode\n", read_csr(mhartid));
  print_misa();

  printf("[M] primes below 300000: %lu\n", count_primes(300000));
  printf("[M] fib(90) = %lu\n", (unsigned long)fib(90));
  printf("[M] crc32(\"vmscope\") = %08x\n", crc32("vmscope"));
  double pi = pi_leibniz(20000);
  printf("[M] pi ~ %d.%06d (20000 Leibniz terms)\n", (int)pi, (int)((pi - (int)pi) * 1e6));

  /* One machine timer interrupt in M-mode: MTIE + MIE, wait in wfi. */
  unsigned long before = timer_irqs;
  arm_timer(TIMEBASE_HZ / 2000);
  set_csr(mie, MIE_MTIE);
  set_csr(mstatus, MSTATUS_MIE);
  wait_for_irq(before);
  clear_csr(mstatus, MSTATUS_MIE);
  printf("[M] timer interrupt taken in M-mode: mcause=%016lx\n", last_irq_cause);

  printf("entering S-mode with Sv39 paging\n");
  enter_smode_sv39(s_main);
}
