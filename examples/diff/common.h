/* Shared helpers for the differential test programs: a deterministic xorshift64 generator,
   fast fixed-width hex output, a running checksum, and the M-mode emulation of Zicond for
   harts that lack it (QEMU 7.2), so the printed results are identical on every target. */
#ifndef VMSCOPE_DIFF_COMMON_H
#define VMSCOPE_DIFF_COMMON_H

#include "lib.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static inline uint64_t rng_next(void)
{
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  rng_state = x;
  return x;
}

static uint64_t checksum = 0xcbf29ce484222325ULL;

/* FNV-1a style mixing of a 64-bit value into the running checksum. */
static inline void checksum_add(uint64_t v)
{
  checksum = (checksum ^ v) * 0x100000001b3ULL;
  checksum ^= checksum >> 29;
}

static inline void put_str(const char *s)
{
  while (*s) {
    uart_putc(*s++);
  }
}

/* `digits` lowercase hex digits of v, most significant first. */
static inline void put_hex(uint64_t v, int digits)
{
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    unsigned d = (unsigned)(v >> shift) & 15;
    uart_putc((char)(d < 10 ? '0' + d : 'a' + d - 10));
  }
}

/* Illegal-instruction hook: executes czero.eqz / czero.nez (OP, funct7 = 0000111, funct3 =
   101 / 111; Zicond 1.0) in software and counts how often it had to in `zicond_emulated`
   (a global symbol a harness can read; nothing is printed, to keep the output identical). */
unsigned long zicond_emulated;

static __attribute__((unused)) int zicond_hook(struct trap_frame *f, unsigned long mcause, unsigned long mtval)
{
  (void)mtval;
  if (mcause != CAUSE_ILLEGAL) {
    return 0;
  }
  uint32_t insn = *(volatile uint16_t *)f->mepc | ((uint32_t)*(volatile uint16_t *)(f->mepc + 2) << 16);
  uint32_t funct3 = (insn >> 12) & 7;
  if ((insn & 0x7f) != 0x33 || (insn >> 25) != 7 || (funct3 != 5 && funct3 != 7)) {
    return 0;
  }
  unsigned rd = (insn >> 7) & 31;
  unsigned long rs1 = f->x[(insn >> 15) & 31];
  unsigned long rs2 = f->x[(insn >> 20) & 31];
  unsigned long r = funct3 == 5 ? (rs2 == 0 ? 0 : rs1) : (rs2 != 0 ? 0 : rs1);
  if (rd != 0) {
    f->x[rd] = r;
  }
  f->mepc += 4;
  zicond_emulated++;
  return 1;
}

#endif
