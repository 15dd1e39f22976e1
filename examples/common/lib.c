/* Tiny freestanding runtime: 16550A console, printf, finisher exit and the default M-mode
   trap handler (unexpected traps print mcause/mepc/mtval and exit with code 3). */
#include "lib.h"

#define UART_THR 0
#define UART_RBR 0
#define UART_LSR 5
#define LSR_DR   0x01
#define LSR_THRE 0x20

#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333

trap_hook_fn trap_hook;

void uart_putc(char c)
{
  volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
  while ((uart[UART_LSR] & LSR_THRE) == 0) {
  }
  uart[UART_THR] = (uint8_t)c;
}

int uart_getc(void)
{
  volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
  if ((uart[UART_LSR] & LSR_DR) == 0) {
    return -1;
  }
  return uart[UART_RBR];
}

int puts(const char *s)
{
  while (*s) {
    uart_putc(*s++);
  }
  uart_putc('\n');
  return 0;
}

void exit(int code)
{
  uint32_t v = code == 0 ? FINISHER_PASS : (((uint32_t)code & 0xffff) << 16) | FINISHER_FAIL;
  for (;;) {
    mmio_write32(FINISHER_BASE, v);
  }
}

/* Prints v in `base` (with a minus sign when neg) in a field of `width` characters: right-aligned
   and padded with `pad`, or left-aligned and padded with spaces when `left`. */
static int put_number(unsigned long v, unsigned base, int neg, int width, char pad, int left)
{
  char buf[24];
  int n = 0;
  int count = 0;
  do {
    unsigned d = (unsigned)(v % base);
    buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    v /= base;
  } while (v != 0);
  int len = n + (neg ? 1 : 0);
  if (neg && pad == '0') {
    uart_putc('-');
    count++;
  }
  if (!left) {
    for (; width > len; width--) {
      uart_putc(pad);
      count++;
    }
  }
  if (neg && pad != '0') {
    uart_putc('-');
    count++;
  }
  while (n > 0) {
    uart_putc(buf[--n]);
    count++;
  }
  if (left) {
    for (; width > len; width--) {
      uart_putc(' ');
      count++;
    }
  }
  return count;
}

int vprintf(const char *fmt, va_list ap)
{
  int count = 0;
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      uart_putc(*fmt);
      count++;
      continue;
    }
    fmt++;
    int left = 0;
    char pad = ' ';
    int width = 0;
    int longs = 0;
    for (; *fmt == '-' || *fmt == '0'; fmt++) {
      if (*fmt == '-') {
        left = 1;
      } else {
        pad = '0';
      }
    }
    for (; *fmt >= '0' && *fmt <= '9'; fmt++) {
      width = width * 10 + (*fmt - '0');
    }
    for (; *fmt == 'l'; fmt++) {
      longs++;
    }
    if (left) {
      pad = ' ';
    }
    switch (*fmt) {
    case 'd':
    case 'i': {
      long v = longs ? va_arg(ap, long) : va_arg(ap, int);
      unsigned long mag = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
      count += put_number(mag, 10, v < 0, width, pad, left);
      break;
    }
    case 'u':
    case 'x': {
      unsigned long v = longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
      count += put_number(v, *fmt == 'u' ? 10 : 16, 0, width, pad, left);
      break;
    }
    case 'p':
      uart_putc('0');
      uart_putc('x');
      count += 2 + put_number((unsigned long)va_arg(ap, void *), 16, 0, 16, '0', 0);
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (s == NULL) {
        s = "(null)";
      }
      int len = (int)strlen(s);
      for (; !left && width > len; width--) {
        uart_putc(' ');
        count++;
      }
      for (; *s; s++) {
        uart_putc(*s);
        count++;
      }
      for (; left && width > len; width--) {
        uart_putc(' ');
        count++;
      }
      break;
    }
    case 'c':
      uart_putc((char)va_arg(ap, int));
      count++;
      break;
    case '%':
      uart_putc('%');
      count++;
      break;
    case '\0':
      return count;
    default:
      uart_putc('%');
      uart_putc(*fmt);
      count += 2;
      break;
    }
  }
  return count;
}

int printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}

/* Called by trap_entry in start.S for every trap taken into M-mode. */
void m_trap(struct trap_frame *f)
{
  unsigned long mcause = read_csr(mcause);
  unsigned long mtval = read_csr(mtval);
  if (trap_hook != NULL && trap_hook(f, mcause, mtval)) {
    return;
  }
  /* ecall from S- or U-mode with a7 = SYS_EXIT: the lower-privilege program is done. */
  if ((mcause == CAUSE_ECALL_S || mcause == CAUSE_ECALL_U) && f->x[17] == SYS_EXIT) {
    exit((int)f->x[10]);
  }
  printf("unexpected trap: mcause=%016lx mepc=%016lx mtval=%016lx\n", mcause, f->mepc, mtval);
  exit(3);
}

void *memcpy(void *dst, const void *src, size_t n)
{
  unsigned char *d = dst;
  const unsigned char *s = src;
  if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
    for (; n >= 8; n -= 8, d += 8, s += 8) {
      *(uint64_t *)d = *(const uint64_t *)s;
    }
  }
  while (n--) {
    *d++ = *s++;
  }
  return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (d <= s || d >= s + n) {
    return memcpy(dst, src, n);
  }
  while (n--) {
    d[n] = s[n];
  }
  return dst;
}

void *memset(void *dst, int c, size_t n)
{
  unsigned char *d = dst;
  while (n--) {
    *d++ = (unsigned char)c;
  }
  return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
  const unsigned char *x = a;
  const unsigned char *y = b;
  for (; n; n--, x++, y++) {
    if (*x != *y) {
      return *x < *y ? -1 : 1;
    }
  }
  return 0;
}

size_t strlen(const char *s)
{
  size_t n = 0;
  while (s[n]) {
    n++;
  }
  return n;
}
