/* Memory copy and fill: word-wise (8 bytes per access, unrolled) and byte-wise memcpy and
   memset over 1 MiB buffers at several alignments, with a checksum of the results. */
#define BENCH_NAME "memcpy"
#include "bench.h"

#ifndef MEM_ROUNDS
#define MEM_ROUNDS 140
#endif
#define BUF_BYTES (1u << 20)

static uint64_t src[BUF_BYTES / 8];
static uint64_t dst[BUF_BYTES / 8 + 1];

/* words must be a multiple of 4. */
static void copy_words(uint64_t *d, const uint64_t *s, size_t words)
{
  for (size_t i = 0; i < words; i += 4) {
    uint64_t a = s[i];
    uint64_t b = s[i + 1];
    uint64_t c = s[i + 2];
    uint64_t e = s[i + 3];
    d[i] = a;
    d[i + 1] = b;
    d[i + 2] = c;
    d[i + 3] = e;
  }
}

static void copy_bytes(uint8_t *d, const uint8_t *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    d[i] = s[i];
  }
}

static void fill_words(uint64_t *d, uint64_t v, size_t words)
{
  for (size_t i = 0; i < words; i++) {
    d[i] = v;
  }
}

static void fill_bytes(uint8_t *d, uint8_t v, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    d[i] = v;
  }
}

static uint64_t sample(const uint8_t *p, size_t n)
{
  uint64_t h = 0;
  for (size_t i = 0; i < n; i += 4093) {
    h = h * 131 + p[i];
  }
  return h;
}

static uint64_t bench_run(void)
{
  uint64_t seed = 0xa4093822299f31d0ULL;
  for (size_t i = 0; i < BUF_BYTES / 8; i++) {
    src[i] = bench_rand(&seed);
  }
  uint64_t sum = 0;
  for (int round = 0; round < MEM_ROUNDS; round++) {
    unsigned off = (unsigned)round & 7;
    copy_words(dst, src, BUF_BYTES / 8);
    sum = sum * 33 + sample((const uint8_t *)dst, BUF_BYTES);
    copy_bytes((uint8_t *)dst + off, (const uint8_t *)src + (7 - off), BUF_BYTES / 4);
    sum = sum * 33 + sample((const uint8_t *)dst, BUF_BYTES);
    fill_words(dst, 0x0101010101010101ULL * (uint64_t)round, BUF_BYTES / 8);
    sum = sum * 33 + sample((const uint8_t *)dst, BUF_BYTES);
    fill_bytes((uint8_t *)dst + off, (uint8_t)(round * 7 + 1), BUF_BYTES / 4);
    sum = sum * 33 + sample((const uint8_t *)dst, BUF_BYTES);
    src[(round * 1000) % (BUF_BYTES / 8)] ^= sum; /* feed results back so no round is redundant */
  }
  return sum;
}
