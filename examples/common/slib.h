/* Runtime of the S-mode guest programs (sstart.S, slink.ld, slib.c). Such a program is an S-mode kernel
   linked at 0x8020_0000 that runs unchanged on the bare board under SBI firmware (OpenSBI or vmscope's
   built-in SBI), as the guest of vmscope's built-in VMM (VS-mode, nested or shadow paging) and under the
   minivisor. It needs nothing but RAM, the UART and SBI: no test finisher, no CLINT, no M-mode.

   Before main() runs, the runtime has zeroed .bss and switched on an identity Sv39 map (RAM as in vm.c:
   4 KiB pages for the first SMALL_PAGE_SPAN bytes, 2 MiB pages for the rest; plus the UART page) with
   ASID S_IDENTITY_ASID. lib.h's console and printf work; exit(code) shuts the machine down through SBI
   SRST (reason "no reason" for 0, "system failure" after printing a line for any other code), and so
   does returning from main(). An unexpected trap prints scause/sepc/stval and exits with code 3. */
#ifndef VMSCOPE_SLIB_H
#define VMSCOPE_SLIB_H

#include "lib.h"
#include "vm.h"

#define PAGE_BYTES 4096UL

/* SBI (RISC-V SBI specification, "Binary Encoding"): a7 = extension ID, a6 = function ID. */
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45UL   /* "TIME" */
#define SBI_EXT_SRST 0x53525354UL   /* "SRST" */
#define SBI_SRST_SHUTDOWN       0
#define SBI_SRST_REASON_NONE    0
#define SBI_SRST_REASON_FAILURE 1

struct sbiret {
  long error;
  long value;
};
struct sbiret sbi_call(long eid, long fid, long arg0, long arg1, long arg2);

/* satp (priv spec "Supervisor Address Translation and Protection Register"): MODE 63:60, ASID 59:44,
   PPN 43:0. */
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK  0xffffUL
#define SATP_PPN_MASK   ((1UL << 44) - 1)
#define S_IDENTITY_ASID 0UL

/* What the runtime found at boot. */
extern unsigned long s_boot_hartid;  /* a0 at entry */
extern unsigned long s_boot_dtb;     /* a1 at entry */
extern unsigned long s_identity_satp; /* satp of the identity map */
extern unsigned long s_asid_mask;    /* the satp.ASID bits the hart implements (WARL, probed at boot) */

static inline unsigned long make_satp(const void *root, unsigned long asid)
{
  return SATP_MODE_SV39 | ((asid & SATP_ASID_MASK) << SATP_ASID_SHIFT) | ((unsigned long)root >> 12);
}

/* The root table that satp value `satp` names (physical = virtual address under the identity map). */
static inline unsigned long *satp_root(unsigned long satp)
{
  return (unsigned long *)((satp & SATP_PPN_MASK) << 12);
}

static inline unsigned long pte_table_of(const void *table)
{
  return (((unsigned long)table >> 12) << 10) | PTE_V;
}

/* A leaf with A and D already set, so no hart needs to update them (nor fault when it does not). */
static inline unsigned long pte_leaf_of(unsigned long pa, unsigned long perms)
{
  return ((pa >> 12) << 10) | perms | PTE_A | PTE_D | PTE_V;
}

/* The four forms of SFENCE.VMA (priv spec "Supervisor Memory-Management Fence Instruction"). */
static inline void sfence_vma_all(void)
{
  __asm__ __volatile__("sfence.vma zero, zero" ::: "memory");
}
static inline void sfence_vma_asid(unsigned long asid)
{
  __asm__ __volatile__("sfence.vma zero, %0" :: "r"(asid) : "memory");
}
static inline void sfence_vma_va(unsigned long va)
{
  __asm__ __volatile__("sfence.vma %0, zero" :: "r"(va) : "memory");
}
static inline void sfence_vma_va_asid(unsigned long va, unsigned long asid)
{
  __asm__ __volatile__("sfence.vma %0, %1" :: "r"(va), "r"(asid) : "memory");
}

/* Runs on satp = `value`; with `flush` the switch also flushes the whole TLB, which a program needs when the hart
   cannot tell its address spaces apart (its highest ASID has bits outside s_asid_mask). */
static inline void switch_satp(unsigned long value, int flush)
{
  __asm__ __volatile__("csrw satp, %0" :: "r"(value) : "memory");
  if (flush) {
    sfence_vma_all();
  }
}

/* Nonzero when ASIDs up to `max_asid` do not all fit in the implemented ASID bits. */
static inline int asids_alias(unsigned long max_asid)
{
  return (max_asid & ~s_asid_mask) != 0;
}

#endif
