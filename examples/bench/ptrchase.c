/* Pointer chasing over a randomly linked cycle of 64-byte nodes spanning 8 MiB: every load
   depends on the previous one and touches a new page most of the time, which stresses the
   TLB (under Sv39 the list lives in 2 MiB pages beyond the first 8 MiB of RAM). */
#define BENCH_NAME "ptrchase"
#include "bench.h"

#ifndef CHASE_STEPS
#define CHASE_STEPS (6u * 1000u * 1000u)
#endif
#define LIST_BYTES (8u << 20)

struct node {
  struct node *next;
  uint64_t payload;
  uint64_t pad[6];
};

#define NODES (LIST_BYTES / sizeof(struct node))

static struct node list[NODES] __attribute__((aligned(64)));
static uint32_t order[NODES];

static uint64_t bench_run(void)
{
  uint64_t seed = 0x13198a2e03707344ULL;
  /* Sattolo's algorithm: a random permutation that forms a single cycle. */
  for (uint32_t i = 0; i < NODES; i++) {
    order[i] = i;
  }
  for (uint32_t i = NODES - 1; i > 0; i--) {
    uint32_t j = (uint32_t)(bench_rand(&seed) % i);
    uint32_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (uint32_t i = 0; i < NODES; i++) {
    struct node *n = &list[order[i]];
    n->next = &list[order[(i + 1) % NODES]];
    n->payload = bench_rand(&seed) & 0xffff;
  }
  struct node *p = &list[order[0]];
  uint64_t sum = 0;
  for (uint32_t s = 0; s < CHASE_STEPS; s++) {
    sum += p->payload;
    p = p->next;
  }
  return sum ^ ((uint64_t)(p - list) << 32);
}
