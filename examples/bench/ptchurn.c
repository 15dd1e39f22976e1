/* Page-table churn guest: four address spaces (ASIDs 1..4, each with its own Sv39 root) map a window of
   64 4 KiB pages onto a pool of 128 physical pages. Every step rewrites one leaf PTE of one of the
   spaces: another pool page, read-only or read-write. It makes the change visible with SFENCE.VMA in
   one of its four forms (that address in that space, that address in every space, that whole space,
   everything), then touches pages of the current space: loads, and a store where the page is
   writable, always including the page just remapped when it belongs to the current space. Every few
   steps satp switches to the next space. Page tables that change all the time and fences that come
   with them: the case where shadow page tables are rebuilt over and over. Guest mode only. */
#define BENCH_NAME "ptchurn"
#include "bench.h"
#include "slib.h"

#ifndef BENCH_MODE_GUEST
#error "ptchurn is an S-mode guest program: build it with -DBENCH_MODE_GUEST"
#endif

#define SPACES 4
#define WINDOW_PAGES 64
#define POOL_PAGES 128
#define WORDS_PER_PAGE 512
#define WINDOW_VA 0x40000000UL /* root slot 1 (1 GiB .. 2 GiB), empty in the identity map */
#define SWITCH_EVERY 8         /* steps between two satp switches */
#define TOUCHES 4              /* pages touched per step */
#ifndef CHURN_STEPS
#define CHURN_STEPS 250000
#endif

static uint64_t pool[POOL_PAGES][WORDS_PER_PAGE] __attribute__((aligned(4096)));
static unsigned long roots[SPACES][512] __attribute__((aligned(4096)));
static unsigned long l1s[SPACES][512] __attribute__((aligned(4096)));
static unsigned long l0s[SPACES][512] __attribute__((aligned(4096)));
static uint8_t writable[SPACES][WINDOW_PAGES];
static unsigned long satps[SPACES];

static unsigned long window_leaf(unsigned phys, int rw)
{
  return pte_leaf_of((unsigned long)pool[phys], PTE_R | (rw ? PTE_W : 0));
}

/* Each space: the identity map's root entries (kernel, stack, UART), plus the window in slot 1, which
   starts out as pool pages (s * 32 + i) % 128, all writable. */
static void build_spaces(void)
{
  const unsigned long *identity = satp_root(s_identity_satp);
  for (unsigned s = 0; s < SPACES; s++) {
    for (unsigned i = 0; i < 512; i++) {
      roots[s][i] = identity[i];
    }
    roots[s][(WINDOW_VA >> 30) & 511] = pte_table_of(l1s[s]);
    l1s[s][(WINDOW_VA >> 21) & 511] = pte_table_of(l0s[s]);
    for (unsigned i = 0; i < WINDOW_PAGES; i++) {
      l0s[s][i] = window_leaf((s * 32 + i) % POOL_PAGES, 1);
      writable[s][i] = 1;
    }
    satps[s] = make_satp(roots[s], s + 1);
  }
  sfence_vma_all();
}

static uint64_t bench_run(void)
{
  uint64_t seed = 0xbe5466cf34e90c6cULL;
  for (unsigned p = 0; p < POOL_PAGES; p++) {
    for (unsigned w = 0; w < WORDS_PER_PAGE; w++) {
      pool[p][w] = bench_rand(&seed);
    }
  }
  build_spaces();
  const int flush = asids_alias(SPACES);

  uint64_t sum = 0;
  unsigned cur = 0;
  switch_satp(satps[cur], flush);
  for (unsigned step = 0; step < CHURN_STEPS; step++) {
    uint64_t r = bench_rand(&seed);
    /* Remap: page `page` of space `space` now shows pool page `phys`, read-only or read-write. */
    unsigned space = r & (SPACES - 1);
    unsigned page = (r >> 2) & (WINDOW_PAGES - 1);
    unsigned phys = (r >> 8) & (POOL_PAGES - 1);
    int rw = (r >> 15) & 1;
    unsigned long va = WINDOW_VA + page * PAGE_BYTES;
    l0s[space][page] = window_leaf(phys, rw);
    writable[space][page] = (uint8_t)rw;
    switch (step & 7) {
    case 7:
      sfence_vma_all();
      break;
    case 3:
      sfence_vma_asid(space + 1);
      break;
    case 1:
    case 5:
      sfence_vma_va(va);
      break;
    default:
      sfence_vma_va_asid(va, space + 1);
      break;
    }

    for (unsigned k = 0; k < TOUCHES; k++) {
      unsigned tp = (k == 0 && space == cur) ? page : (unsigned)(r >> (16 + 6 * k)) & (WINDOW_PAGES - 1);
      unsigned word = (unsigned)(r >> (40 + 3 * k)) & (WORDS_PER_PAGE - 1);
      uint64_t *p = (uint64_t *)(WINDOW_VA + tp * PAGE_BYTES + word * 8);
      uint64_t v = *p;
      sum = (sum ^ v) * 0x100000001b3ULL;
      if (writable[cur][tp]) {
        *p = v ^ (sum >> 17);
      }
    }

    if (step % SWITCH_EVERY == SWITCH_EVERY - 1) {
      cur = (cur + 1) % SPACES;
      switch_satp(satps[cur], flush);
    }
  }
  switch_satp(s_identity_satp, flush);

  /* The pool as the stores left it, read through the identity map. */
  for (unsigned p = 0; p < POOL_PAGES; p++) {
    for (unsigned w = p & 3; w < WORDS_PER_PAGE; w += 4) {
      sum = (sum ^ pool[p][w]) * 0x100000001b3ULL;
    }
  }
  return sum;
}
