/* Harness shared by the benchmark workloads. Each workload defines BENCH_NAME and bench_run(), which
   does a fixed amount of work and returns a checksum. Built with -DBENCH_MODE_M it runs bare in M-mode;
   with -DBENCH_MODE_SV39 in S-mode under the identity Sv39 mapping of vm.c; with -DBENCH_MODE_GUEST as an
   S-mode guest kernel (sstart.S, slib.c: identity Sv39, SBI for exit). Each prints exactly one line,
   `bench <name> <mode> checksum=<hex>`, and exits 0; the checksum does not depend on the mode. */
#ifndef VMSCOPE_BENCH_H
#define VMSCOPE_BENCH_H
#include "lib.h"
#include "vm.h"
#if defined(BENCH_MODE_SV39)
#define BENCH_MODE "sv39"
#elif defined(BENCH_MODE_GUEST)
#define BENCH_MODE "guest"
#else
#define BENCH_MODE "m"
#endif

static uint64_t bench_run(void);

static int bench_main(void)
{
  unsigned long start = rdinstret();
  uint64_t sum = bench_run();
  unsigned long retired = rdinstret() - start;
#ifdef BENCH_VERBOSE
  printf("instret=%lu\n", retired);
#else
  (void)retired;
#endif
  printf("bench %s %s checksum=%016lx\n", BENCH_NAME, BENCH_MODE, (unsigned long)sum);
  return 0;
}

int main(void)
{
#if defined(BENCH_MODE_SV39)
  enter_smode_sv39(bench_main);
#else
  return bench_main();
#endif
}

/* xorshift64: deterministic data for every workload. */
static inline uint64_t bench_rand(uint64_t *state)
{
  uint64_t x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  *state = x;
  return x;
}

#endif
