/* Tiny freestanding runtime for the guest programs: UART console, printf, exit through the
   SiFive test finisher, CSR access macros and the machine-mode trap frame. */
#ifndef VMSCOPE_LIB_H
#define VMSCOPE_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* virt board memory map. */
#define UART0_BASE    0x10000000UL
#define FINISHER_BASE 0x00100000UL
#define CLINT_BASE    0x02000000UL
#define CLINT_MSIP(h)     (CLINT_BASE + 4UL * (h))
#define CLINT_MTIMECMP(h) (CLINT_BASE + 0x4000UL + 8UL * (h))
#define CLINT_MTIME       (CLINT_BASE + 0xbff8UL)
#define TIMEBASE_HZ   10000000UL

/* mcause values (priv spec 3.1.15, table 3.6). */
#define CAUSE_INTERRUPT        (1UL << 63)
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL          2
#define CAUSE_BREAKPOINT       3
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE       12
#define CAUSE_LOAD_PAGE        13
#define CAUSE_STORE_PAGE       15
#define IRQ_M_SOFT             3
#define IRQ_M_TIMER            7

#define MSTATUS_MIE  (1UL << 3)
#define MSTATUS_MPIE (1UL << 7)
#define MSTATUS_MPP  (3UL << 11)
#define MIE_MTIE     (1UL << 7)
#define MIE_MSIE     (1UL << 3)

/* System call number an S-mode program passes in a7 with `ecall` to exit with code a0. */
#define SYS_EXIT 93

#define read_csr(reg) ({ unsigned long __v; \
  __asm__ __volatile__("csrr %0, " #reg : "=r"(__v)); __v; })
#define write_csr(reg, val) ({ \
  __asm__ __volatile__("csrw " #reg ", %0" :: "rK"((unsigned long)(val))); })
#define set_csr(reg, bits) ({ \
  __asm__ __volatile__("csrs " #reg ", %0" :: "rK"((unsigned long)(bits))); })
#define clear_csr(reg, bits) ({ \
  __asm__ __volatile__("csrc " #reg ", %0" :: "rK"((unsigned long)(bits))); })

static inline unsigned long rdcycle(void)
{
  unsigned long v;
  __asm__ __volatile__("rdcycle %0" : "=r"(v));
  return v;
}

static inline unsigned long rdinstret(void)
{
  unsigned long v;
  __asm__ __volatile__("rdinstret %0" : "=r"(v));
  return v;
}

static inline uint64_t mmio_read64(unsigned long addr) { return *(volatile uint64_t *)addr; }
static inline void mmio_write64(unsigned long addr, uint64_t v) { *(volatile uint64_t *)addr = v; }
static inline uint32_t mmio_read32(unsigned long addr) { return *(volatile uint32_t *)addr; }
static inline void mmio_write32(unsigned long addr, uint32_t v) { *(volatile uint32_t *)addr = v; }

/* Registers saved by the trap vector in start.S: x[0..31] then mepc. */
struct trap_frame {
  unsigned long x[32];
  unsigned long mepc;
  unsigned long pad;
};

/* Optional hook consulted first by the trap handler; returns nonzero when it handled the
   trap (it may modify the frame, e.g. advance mepc). */
typedef int (*trap_hook_fn)(struct trap_frame *f, unsigned long mcause, unsigned long mtval);
extern trap_hook_fn trap_hook;
void m_trap(struct trap_frame *f);

void uart_putc(char c);
int uart_getc(void); /* -1 when no byte is waiting */
int puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
void exit(int code) __attribute__((noreturn));

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
