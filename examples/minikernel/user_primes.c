/* User program "primes" (runs in U-mode at 0x1_0000): counts the primes below 1000, 2000, 3000
   and 4000 by trial division, one limit per step, printing after each step and then yielding. */
#include "ulib.h"

static int is_prime(unsigned n)
{
  if (n < 2) return 0;
  for (unsigned d = 2; d * d <= n; d++)
    if (n % d == 0) return 0;
  return 1;
}

static unsigned count_primes(unsigned limit)
{
  unsigned count = 0;
  for (unsigned n = 2; n < limit; n++) count += (unsigned)is_prime(n);
  return count;
}

void primes_main(void)
{
  struct line l;
  for (unsigned step = 1; step <= 4; step++) {
    unsigned limit = 1000 * step;
    unsigned count = count_primes(limit);
    line_start(&l, "primes");
    put_str(&l, "step ");
    put_uint(&l, step, 10);
    put_str(&l, ": ");
    put_uint(&l, count, 10);
    put_str(&l, " primes below ");
    put_uint(&l, limit, 10);
    line_end(&l);
    yield();
  }
  exit(0);
}
