/* User program "collatz" (runs in U-mode at 0x2_0000): finds the start value below a limit with
   the longest Collatz sequence, for three growing limits, printing after each and yielding. It
   keeps a small table in its own data page. */
#include "ulib.h"

static unsigned long longest[3];   /* results, in the program's .bss (a user page) */

static unsigned collatz_steps(unsigned long n)
{
  unsigned steps = 0;
  while (n != 1) {
    n = (n & 1) ? 3 * n + 1 : n / 2;
    steps++;
  }
  return steps;
}

void collatz_main(void)
{
  struct line l;
  for (unsigned step = 0; step < 3; step++) {
    unsigned long limit = 1500UL << step, best = 1;
    unsigned best_steps = 0;
    for (unsigned long n = 1; n < limit; n++) {
      unsigned s = collatz_steps(n);
      if (s > best_steps) { best_steps = s; best = n; }
    }
    longest[step] = best;
    line_start(&l, "collatz");
    put_str(&l, "below ");
    put_uint(&l, limit, 10);
    put_str(&l, ": ");
    put_uint(&l, best, 10);
    put_str(&l, " takes ");
    put_uint(&l, best_steps, 10);
    put_str(&l, " steps");
    line_end(&l);
    yield();
  }
  exit((long)(longest[0] + longest[1] + longest[2]) % 100);
}
