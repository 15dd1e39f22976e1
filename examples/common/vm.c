/* Identity Sv39 page tables for the virt board and the M-to-S-mode switch (priv spec 4.4). */
#include "lib.h"
#include "vm.h"

#define PAGE_SIZE 4096UL
#define MEGA_SIZE (2UL << 20)
#define SMALL_TABLES (SMALL_PAGE_SPAN / MEGA_SIZE)

unsigned long sv39_root[512] __attribute__((aligned(4096)));
static unsigned long l1_io[512] __attribute__((aligned(4096)));   /* VA 0 .. 1 GiB */
static unsigned long l1_ram[512] __attribute__((aligned(4096)));  /* VA 2 GiB .. 3 GiB */
static unsigned long l0_ram[SMALL_TABLES][512] __attribute__((aligned(4096)));
static unsigned long l0_finisher[512] __attribute__((aligned(4096)));
static unsigned long l0_clint[512] __attribute__((aligned(4096)));
static unsigned long l0_uart[512] __attribute__((aligned(4096)));

static unsigned long pte_table(const void *table)
{
  return (((unsigned long)table >> 12) << 10) | PTE_V;
}

/* A leaf is created with A and D already set so no implementation needs to update them. */
static unsigned long pte_leaf(unsigned long pa, unsigned long perms)
{
  return ((pa >> 12) << 10) | perms | PTE_A | PTE_D | PTE_V;
}

static void map_io_page(unsigned long pa)
{
  unsigned long vpn1 = (pa >> 21) & 511;
  unsigned long *l0 = vpn1 == 0 ? l0_finisher : vpn1 == ((CLINT_BASE >> 21) & 511) ? l0_clint : l0_uart;
  l1_io[vpn1] = pte_table(l0);
  l0[(pa >> 12) & 511] = pte_leaf(pa, PTE_R | PTE_W);
}

static void build_tables(void)
{
  const unsigned long rwx = PTE_R | PTE_W | PTE_X;
  sv39_root[(RAM_BASE >> 30) & 511] = pte_table(l1_ram);
  sv39_root[0] = pte_table(l1_io);
  for (unsigned long off = 0; off < RAM_SIZE; off += MEGA_SIZE) {
    unsigned long vpn1 = ((RAM_BASE + off) >> 21) & 511;
    if (off < SMALL_PAGE_SPAN) {
      unsigned long *l0 = l0_ram[off / MEGA_SIZE];
      for (unsigned long i = 0; i < 512; i++) {
        l0[i] = pte_leaf(RAM_BASE + off + i * PAGE_SIZE, rwx);
      }
      l1_ram[vpn1] = pte_table(l0);
    } else {
      l1_ram[vpn1] = pte_leaf(RAM_BASE + off, rwx);
    }
  }
  map_io_page(FINISHER_BASE);
  map_io_page(UART0_BASE);
  for (unsigned long off = 0; off < 0x10000; off += PAGE_SIZE) {
    map_io_page(CLINT_BASE + off);
  }
}

void enter_smode_sv39(int (*fn)(void))
{
  build_tables();
  /* PMP entry 0: NAPOT over the whole address space, RWX (priv spec 3.7.1). Without a
     matching entry S-mode accesses would fail once any PMP entry is implemented. */
  write_csr(pmpaddr0, -1UL);
  write_csr(pmpcfg0, 0x1f);
  write_csr(medeleg, 0);
  write_csr(mideleg, 0);
  write_csr(mcounteren, -1UL);
  write_csr(scounteren, -1UL);
  write_csr(satp, SATP_MODE_SV39 | (SMODE_ASID << 44) | ((unsigned long)sv39_root >> 12));
  __asm__ __volatile__("sfence.vma" ::: "memory");

  unsigned long mstatus = read_csr(mstatus);
  mstatus = (mstatus & ~MSTATUS_MPP) | (1UL << 11); /* MPP = S */
  write_csr(mstatus, mstatus);
  register unsigned long target __asm__("s1") = (unsigned long)fn;
  __asm__ __volatile__(
      "la t0, 1f\n"
      "csrw mepc, t0\n"
      "mret\n"
      /* S-mode from here on. */
      "1:\n"
      "jalr s1\n"
      "li a7, %1\n"
      "ecall\n"
      "2: j 2b\n"
      : : "r"(target), "i"(SYS_EXIT) : "t0", "a0", "a7", "ra", "memory");
  __builtin_unreachable();
}
