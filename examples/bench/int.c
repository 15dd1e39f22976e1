/* Integer workload: a sieve of Eratosthenes, a bitwise CRC-32 over a generated buffer, and
   an insertion-sort-finished quicksort of pseudo-random keys, repeated a fixed number of
   rounds. Exercises ALU ops, branches, byte and word memory traffic and calls. */
#define BENCH_NAME "int"
#include "bench.h"

#ifndef INT_ROUNDS
#define INT_ROUNDS 12
#endif
#define SIEVE_N (1 << 20)
#define CRC_BYTES (128 * 1024)
#define SORT_N (32 * 1024)

static uint8_t sieve_flags[SIEVE_N];
static uint8_t crc_buf[CRC_BYTES];
static uint32_t keys[SORT_N];

static uint32_t sieve(void)
{
  for (uint32_t i = 0; i < SIEVE_N; i++) {
    sieve_flags[i] = 1;
  }
  sieve_flags[0] = sieve_flags[1] = 0;
  for (uint32_t i = 2; i * i < SIEVE_N; i++) {
    if (sieve_flags[i]) {
      for (uint32_t j = i * i; j < SIEVE_N; j += i) {
        sieve_flags[j] = 0;
      }
    }
  }
  uint32_t count = 0;
  for (uint32_t i = 0; i < SIEVE_N; i++) {
    count += sieve_flags[i];
  }
  return count;
}

static uint32_t crc32(const uint8_t *p, uint32_t n)
{
  uint32_t crc = 0xffffffffu;
  for (uint32_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) {
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
  }
  return ~crc;
}

static void insertion_sort(uint32_t *a, long lo, long hi)
{
  for (long i = lo + 1; i <= hi; i++) {
    uint32_t v = a[i];
    long j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void quicksort(uint32_t *a, long lo, long hi)
{
  while (hi - lo > 16) {
    uint32_t pivot = a[lo + (hi - lo) / 2];
    long i = lo;
    long j = hi;
    while (i <= j) {
      while (a[i] < pivot) {
        i++;
      }
      while (a[j] > pivot) {
        j--;
      }
      if (i <= j) {
        uint32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      quicksort(a, lo, j);
      lo = i;
    } else {
      quicksort(a, i, hi);
      hi = j;
    }
  }
  insertion_sort(a, lo, hi);
}

static uint64_t bench_run(void)
{
  uint64_t seed = 0x243f6a8885a308d3ULL;
  uint64_t sum = 0;
  for (int round = 0; round < INT_ROUNDS; round++) {
    sum = sum * 31 + sieve();
    for (uint32_t i = 0; i < CRC_BYTES; i++) {
      crc_buf[i] = (uint8_t)bench_rand(&seed);
    }
    sum = sum * 31 + crc32(crc_buf, CRC_BYTES);
    for (uint32_t i = 0; i < SORT_N; i++) {
      keys[i] = (uint32_t)bench_rand(&seed);
    }
    quicksort(keys, 0, SORT_N - 1);
    for (uint32_t i = 1; i < SORT_N; i++) {
      if (keys[i - 1] > keys[i]) {
        sum ^= 0xdead; /* never happens when sorting works */
      }
    }
    sum = sum * 31 + keys[SORT_N / 2] + keys[7] + keys[SORT_N - 3];
  }
  return sum;
}
