/* minikernel: definitions shared by the kernel's C files (console, SBI, paging, processes,
   virtio-blk). The user programs include only ulib.h. */
#ifndef MINIKERNEL_H
#define MINIKERNEL_H

#include <stddef.h>
#include <stdint.h>

/* ---- virt board (docs/board.md) ---- */
#define UART0_BASE         0x10000000UL
#define VIRTIO_MMIO_BASE   0x10001000UL
#define VIRTIO_MMIO_STRIDE 0x1000UL
#define VIRTIO_MMIO_SLOTS  8
#define RAM_END            0x88000000UL   /* 128 MiB of RAM from 0x8000_0000 assumed */
#define KERNEL_BASE        0x80200000UL   /* where OpenSBI enters us; below it is the firmware */

/* ---- CSR access ---- */
#define csr_read(reg) ({ unsigned long v_; __asm__ __volatile__("csrr %0, " #reg : "=r"(v_)); v_; })
#define csr_write(reg, val) __asm__ __volatile__("csrw " #reg ", %0" :: "rK"((unsigned long)(val)))
#define csr_set(reg, bits) __asm__ __volatile__("csrs " #reg ", %0" :: "rK"((unsigned long)(bits)))
#define csr_clear(reg, bits) __asm__ __volatile__("csrc " #reg ", %0" :: "rK"((unsigned long)(bits)))

/* sstatus bits (priv spec 4.1.1). */
#define SSTATUS_SIE  (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP  (1UL << 8)
#define SSTATUS_SUM  (1UL << 18)
/* sie/sip: supervisor timer interrupt (priv spec 4.1.3). */
#define SIE_STIE     (1UL << 5)

/* scause values (priv spec 4.1.9, table 4.2). */
#define SCAUSE_INTERRUPT   (1UL << 63)
#define IRQ_S_TIMER        5
#define EXC_ECALL_U        8
#define EXC_INST_PAGE      12
#define EXC_LOAD_PAGE      13
#define EXC_STORE_PAGE     15

/* ---- console.c ---- */
void console_putc(char c);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void panic(const char *what) __attribute__((noreturn));

/* ---- sbi.c: calls into the M-mode firmware (SBI spec v1.0/v2.0) ---- */
struct sbiret { long error; long value; };
struct sbiret sbi_call(long eid, long fid, long a0, long a1, long a2);
long sbi_spec_version(void);
int sbi_has_extension(long eid);
void sbi_set_timer(uint64_t when);
void sbi_shutdown(void) __attribute__((noreturn));
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45   /* "TIME" */
#define SBI_EXT_SRST 0x53525354   /* "SRST" */

/* ---- vm.c: Sv39 page tables ---- */
typedef uint64_t pte_t;
#define PAGE_SIZE 4096UL
#define MEGAPAGE_SIZE (2UL << 20)
/* PTE bits (priv spec 4.3.1, figure 4.18 / Sv39 4.4.1). */
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define SATP_MODE_SV39 (8UL << 60)

/* User virtual memory: programs at 0x1_0000 (primes), 0x2_0000 (collatz), 0x3_0000 (disk), each in
   a 64 KiB window (link.ld); the stack is the two pages below USER_STACK_TOP. Everything lives in
   the first 2 MiB, so one level-0 table per process covers it. */
#define USER_STACK_TOP   0x00100000UL
#define USER_STACK_PAGES 2
#define USER_TOP         0x00200000UL   /* no user address at or above this */

void kvm_init(void);
uint64_t kvm_satp(void);
pte_t *uvm_create(uint64_t va, const void *image, size_t size);
uint64_t uvm_satp(pte_t *root, unsigned asid);
int uvm_check(pte_t *root, uint64_t va, size_t len, pte_t need);
pte_t *vm_walk(pte_t *root, uint64_t va);

/* ---- virtio.c: polled virtio-blk driver ---- */
#define SECTOR_SIZE 512
int blk_init(void);                           /* 1 when a disk was found and set up */
int blk_read(uint64_t sector, uint8_t *buf);  /* 0 on success */
uint64_t blk_capacity(void);

/* ---- copyengine.c: the DMA copy engine, when the device tree names one ---- */
void copy_engine_selftest(unsigned long dtb);
uint32_t fnv1a(const uint8_t *p, size_t n);   /* main.c */

/* ---- main.c: processes ---- */
/* Registers of a user process while it is not running: x0..x31 (x0 unused) and its pc. */
struct trapframe {
  uint64_t x[32];
  uint64_t sepc;
};

enum proc_state { UNUSED, RUNNABLE, EXITED };

struct proc {
  struct trapframe tf;      /* first member: sscratch points here while the process runs */
  int pid;
  enum proc_state state;
  int waiting_turn;         /* blocked in write/exit until it holds the output turn */
  const char *name;
  pte_t *root;              /* its Sv39 root page table */
  uint64_t satp;            /* Sv39 | ASID = pid | root PPN */
  long exit_status;
};

/* System call numbers (a7), Linux-like where one exists. */
#define SYS_WRITE   64
#define SYS_EXIT    93
#define SYS_YIELD   124
#define SYS_GETPID  172
#define SYS_READBLK 500

struct trapframe *trap_handler(struct trapframe *tf);
void trap_return(struct trapframe *tf) __attribute__((noreturn));
void trap_vector(void);

#endif
