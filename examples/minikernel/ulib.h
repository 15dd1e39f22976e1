/* minikernel user library: system call wrappers and line formatting for the user programs.
   Everything here is `static`, so each program (linked into its own user section, see link.ld)
   carries its own copy and depends on nothing in the kernel image. */
#ifndef MINIKERNEL_ULIB_H
#define MINIKERNEL_ULIB_H

#include <stdint.h>

#define SYS_WRITE   64
#define SYS_EXIT    93
#define SYS_YIELD   124
#define SYS_GETPID  172
#define SYS_READBLK 500

/* ecall from U-mode: a7 = number, arguments in a0..a2, result in a0. */
static inline long syscall3(long n, long arg0, long arg1, long arg2)
{
  register long a0 __asm__("a0") = arg0;
  register long a1 __asm__("a1") = arg1;
  register long a2 __asm__("a2") = arg2;
  register long a7 __asm__("a7") = n;
  __asm__ __volatile__("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

static inline long write(int fd, const void *buf, unsigned long len) { return syscall3(SYS_WRITE, fd, (long)buf, (long)len); }
static inline long getpid(void) { return syscall3(SYS_GETPID, 0, 0, 0); }
static inline void yield(void) { syscall3(SYS_YIELD, 0, 0, 0); }
static inline long readblk(unsigned long sector, void *buf) { return syscall3(SYS_READBLK, (long)sector, (long)buf, 0); }
static inline void __attribute__((noreturn)) exit(long status)
{
  syscall3(SYS_EXIT, status, 0, 0);
  for (;;) {
  }
}

/* A line under construction, written with one system call so it is never split. */
struct line { char text[120]; unsigned len; };

static void put_str(struct line *l, const char *s)
{
  while (*s != 0 && l->len < sizeof l->text) l->text[l->len++] = *s++;
}

static void put_uint(struct line *l, unsigned long v, unsigned base)
{
  char digits[24];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v != 0);
  while (n > 0 && l->len < sizeof l->text) l->text[l->len++] = digits[--n];
}

static void put_int(struct line *l, long v)
{
  if (v < 0) { put_str(l, "-"); v = -v; }
  put_uint(l, (unsigned long)v, 10);
}

/* Starts a line with "[name pid N] ". */
static void line_start(struct line *l, const char *name)
{
  l->len = 0;
  put_str(l, "[");
  put_str(l, name);
  put_str(l, " pid ");
  put_int(l, getpid());
  put_str(l, "] ");
}

static void line_end(struct line *l)
{
  put_str(l, "\n");
  write(1, l->text, l->len);
}

#endif
