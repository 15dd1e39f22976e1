/* minikernel console: polled output on the 16550 UART and a small kprintf
   (%d %u %x %lx %ld %lu %s %c %p, field width and the 0 flag). OpenSBI has already set up the
   UART (baud rate, 8N1), so the kernel only waits for the transmit holding register to empty. */
#include <stdarg.h>
#include "minikernel.h"

#define UART_THR 0          /* transmit holding register */
#define UART_LSR 5          /* line status register */
#define UART_LSR_THRE 0x20  /* THR empty: a byte may be written */

void console_putc(char c)
{
  volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
  if (c == '\n') console_putc('\r');   /* terminals want CR LF, as OpenSBI's console writes it */
  while ((uart[UART_LSR] & UART_LSR_THRE) == 0) {
  }
  uart[UART_THR] = (uint8_t)c;
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
  for (int i = n; i < width; i++) console_putc(pad);
  while (n > 0) console_putc(digits[--n]);
}

void kprintf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  for (const char *p = fmt; *p != 0; p++) {
    if (*p != '%') { console_putc(*p); continue; }
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
      console_putc('0'); console_putc('x');
      put_number((unsigned long)va_arg(ap, void *), 16, 0, width, pad);
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      while (*s != 0) console_putc(*s++);
      break;
    }
    case 'c': console_putc((char)va_arg(ap, int)); break;
    case '%': console_putc('%'); break;
    default: console_putc('%'); console_putc(*p); break;
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

/* Reports a kernel bug and powers the machine off. */
void panic(const char *what)
{
  kprintf("minikernel: PANIC: %s (scause 0x%lx sepc 0x%lx stval 0x%lx)\n", what, csr_read(scause), csr_read(sepc),
          csr_read(stval));
  sbi_shutdown();
}
