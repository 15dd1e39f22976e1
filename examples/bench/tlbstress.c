/* TLB-miss-heavy guest: eight address spaces (ASIDs 1..8, each with its own Sv39 root) map the same
   8 MiB window of virtual addresses, 2048 4 KiB pages each, onto one pool of 512 physical pages, every
   space through its own permutation, so a load returns the right word only through the right space's
   translation. The loop switches satp to another space every BURST accesses and visits each space's
   pages in a scattered order that comes back to a page only after all 2048 pages of that space, 16,384
   translations in all: a TLB of 512 entries misses on nearly every access. The page tables are built
   once and never changed afterwards (no SFENCE.VMA after the start), the case where shadow page tables
   only have to be filled once. Guest mode only. */
#define BENCH_NAME "tlbstress"
#include "bench.h"
#include "slib.h"

#ifndef BENCH_MODE_GUEST
#error "tlbstress is an S-mode guest program: build it with -DBENCH_MODE_GUEST"
#endif

#define SPACES 8
#define SPACE_PAGES 2048
#define POOL_PAGES 512
#define WORDS_PER_PAGE 512
#define WINDOW_VA 0x40000000UL /* root slot 1 (1 GiB .. 2 GiB), empty in the identity map */
#define BURST 256              /* accesses between two satp switches */
#ifndef TLB_BURSTS
#define TLB_BURSTS 8192        /* 2 Mi accesses */
#endif

static uint64_t pool[POOL_PAGES][WORDS_PER_PAGE] __attribute__((aligned(4096)));
static unsigned long roots[SPACES][512] __attribute__((aligned(4096)));
static unsigned long l1s[SPACES][512] __attribute__((aligned(4096)));
static unsigned long l0s[SPACES][SPACE_PAGES / 512][512] __attribute__((aligned(4096)));
static unsigned long satps[SPACES];
static uint32_t cursor[SPACES];

/* The pool page that page `page` of space `space` maps: each run of 512 pages is a permutation of the
   pool (37 is odd), shifted per run and per space. */
static unsigned pool_page_of(unsigned space, unsigned page)
{
  return (page * 37u + (page >> 9) * 101u + space * 193u) % POOL_PAGES;
}

/* Each space: the identity map's root entries (kernel, stack, UART), plus the window in slot 1. */
static void build_spaces(void)
{
  const unsigned long *identity = satp_root(s_identity_satp);
  for (unsigned s = 0; s < SPACES; s++) {
    for (unsigned i = 0; i < 512; i++) {
      roots[s][i] = identity[i];
    }
    roots[s][(WINDOW_VA >> 30) & 511] = pte_table_of(l1s[s]);
    for (unsigned t = 0; t < SPACE_PAGES / 512; t++) {
      l1s[s][((WINDOW_VA >> 21) & 511) + t] = pte_table_of(l0s[s][t]);
      for (unsigned i = 0; i < 512; i++) {
        l0s[s][t][i] = pte_leaf_of((unsigned long)pool[pool_page_of(s, t * 512 + i)], PTE_R | PTE_W);
      }
    }
    satps[s] = make_satp(roots[s], s + 1);
  }
  sfence_vma_all();
}

static uint64_t bench_run(void)
{
  uint64_t seed = 0x452821e638d01377ULL;
  for (unsigned p = 0; p < POOL_PAGES; p++) {
    for (unsigned w = 0; w < WORDS_PER_PAGE; w++) {
      pool[p][w] = bench_rand(&seed);
    }
  }
  build_spaces();
  const int flush = asids_alias(SPACES);

  uint64_t sum = 0;
  unsigned s = 0;
  for (unsigned b = 0; b < TLB_BURSTS; b++) {
    switch_satp(satps[s], flush);
    uint32_t c = cursor[s];
    for (unsigned k = 0; k < BURST; k++, c++) {
      /* 1031 is odd: c -> page is a permutation of the 2048 pages, with no two neighbours close. */
      unsigned page = (c * 1031u) & (SPACE_PAGES - 1);
      unsigned word = (c * 13u + s) & (WORDS_PER_PAGE - 1);
      uint64_t *p = (uint64_t *)(WINDOW_VA + page * PAGE_BYTES + word * 8);
      uint64_t v = *p;
      sum = (sum ^ v) * 0x100000001b3ULL;
      if ((c & 3) == 0) {
        *p = v + sum; /* the other spaces see it at other addresses */
      }
    }
    cursor[s] = c;
    s = (s + 3) % SPACES; /* 0 3 6 1 4 7 2 5 0 ... */
  }
  switch_satp(s_identity_satp, flush);

  /* The pool as the stores left it, read through the identity map. */
  for (unsigned p = 0; p < POOL_PAGES; p++) {
    for (unsigned w = p & 7; w < WORDS_PER_PAGE; w += 8) {
      sum = (sum ^ pool[p][w]) * 0x100000001b3ULL;
    }
  }
  return sum;
}
