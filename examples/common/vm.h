/* Switch a guest program from M-mode into S-mode running under an identity Sv39 mapping. */
#ifndef VMSCOPE_VM_H
#define VMSCOPE_VM_H

/* RAM size assumed by the page tables (QEMU virt's default -m 128M). */
#define RAM_BASE 0x80000000UL
#define RAM_SIZE (128UL << 20)
/* RAM below RAM_BASE + SMALL_PAGE_SPAN is mapped with 4 KiB pages, the rest with 2 MiB pages. */
#define SMALL_PAGE_SPAN (8UL << 20)

/* Sv39 PTE bits (priv spec 4.3.1 / 4.4.1). */
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)

#define SATP_MODE_SV39 (8UL << 60)
#define SMODE_ASID 1UL

/* Builds the identity page tables, opens PMP entry 0 to all of memory, writes satp and
   mrets into fn() in S-mode on the current stack. When fn returns, its return value is
   passed to `ecall` with a7 = SYS_EXIT, which the M-mode handler turns into exit(code).
   Traps stay in M-mode (medeleg = mideleg = 0). Never returns. */
void enter_smode_sv39(int (*fn)(void)) __attribute__((noreturn));

/* The root page table built by enter_smode_sv39 (physical = virtual address). */
extern unsigned long sv39_root[512];

#endif
