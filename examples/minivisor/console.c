/* minivisor console: polled output on the real 16550 UART (host physical 0x1000_0000, already set
   up by the firmware) and a small printk (%d %u %x %lx %ld %lu %s %c %p, field width and the 0
   flag). Everything the guest prints reaches this UART too: its emulated THR writes and its SBI
   console calls end in uart_put_raw. */
#include <stdarg.h>
#include "minivisor.h"

#define UART_THR 0          /* transmit holding register */
#define UART_LSR 5          /* line status register */
#define UART_LSR_THRE 0x20  /* THR empty: a byte may be written */

/* Sends one byte as it is (no CR added): the guest's bytes go out unchanged. */
void uart_put_raw(uint8_t byte)
{
  volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
  while ((uart[UART_LSR] & UART_LSR_THRE) == 0) {
  }
  uart[UART_THR] = byte;
}

/* The minivisor's own text: LF becomes CR LF, as terminals want it. */
static void putc_text(char c)
{
  if (c == '\n') uart_put_raw('\r');
  uart_put_raw((uint8_t)c);
}

static void put_number(unsigned long v, unsigned base, int negative, int width, char pad)
{
  char digits[24];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v != 0);
  if (negative) digits[n++] = '-';
  for (int i = n; i < width; i++) putc_text(pad);
  while (n > 0) putc_text(digits[--n]);
}

void printk(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  for (const char *p = fmt; *p != 0; p++) {
    if (*p != '%') { putc_text(*p); continue; }
    p++;
    char pad = ' ';
    int width = 0, is_long = 0;
    if (*p == '0') { pad = '0'; p++; }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    if (*p == 'l') { is_long = 1; p++; }
    switch (*p) {
    case 'd': {
      long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
      put_number(v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0, width, pad);
      break;
    }
    case 'u': put_number(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, 0, width, pad); break;
    case 'x': put_number(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, 0, width, pad); break;
    case 'p':
      putc_text('0');
      putc_text('x');
      put_number((unsigned long)va_arg(ap, void *), 16, 0, width, pad);
      break;
    case 's':
      for (const char *s = va_arg(ap, const char *); *s != 0; s++) putc_text(*s);
      break;
    case 'c': putc_text((char)va_arg(ap, int)); break;
    case '%': putc_text('%'); break;
    default: putc_text('%'); putc_text(*p); break;
    }
  }
  va_end(ap);
}

void *memcpy(void *dst, const void *src, size_t n)
{
  uint8_t *d = dst;
  const uint8_t *s = src;
  while (n-- > 0) *d++ = *s++;
  return dst;
}

void *memset(void *dst, int c, size_t n)
{
  uint8_t *d = dst;
  while (n-- > 0) *d++ = (uint8_t)c;
  return dst;
}
