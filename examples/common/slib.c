/* Runtime of the S-mode guest programs (see slib.h): SBI calls, exit through SBI SRST, the trap report,
   and the identity Sv39 map switched on from S-mode before main().

   The console (a polled 16550 needs nothing but its page), printf and the mem* functions are lib.c's,
   compiled into this file. lib.c's exit() writes the test finisher, which a guest does not have: it is
   renamed out of the way here, and exit() below shuts down through SBI instead. lib.c's M-mode trap
   handler comes along unused. */
#define exit lib_finisher_exit
#include "lib.c"
#undef exit

#include "slib.h"

#define MEGA_BYTES (2UL << 20)
#define SMALL_TABLES (SMALL_PAGE_SPAN / MEGA_BYTES)

int main(void);
void exit(int code) __attribute__((noreturn));
void s_boot(unsigned long hartid, unsigned long dtb) __attribute__((noreturn));
void s_trap(unsigned long scause, unsigned long sepc, unsigned long stval) __attribute__((noreturn));

unsigned long s_boot_hartid;
unsigned long s_boot_dtb;
unsigned long s_identity_satp;
unsigned long s_asid_mask;

/* The identity map: VA 0 .. 1 GiB (the UART page) and 2 .. 3 GiB (RAM). */
static unsigned long id_root[512] __attribute__((aligned(4096)));
static unsigned long id_l1_io[512] __attribute__((aligned(4096)));
static unsigned long id_l1_ram[512] __attribute__((aligned(4096)));
static unsigned long id_l0_ram[SMALL_TABLES][512] __attribute__((aligned(4096)));
static unsigned long id_l0_uart[512] __attribute__((aligned(4096)));

struct sbiret sbi_call(long eid, long fid, long arg0, long arg1, long arg2)
{
  register long a0 __asm__("a0") = arg0;
  register long a1 __asm__("a1") = arg1;
  register long a2 __asm__("a2") = arg2;
  register long a6 __asm__("a6") = fid;
  register long a7 __asm__("a7") = eid;
  __asm__ __volatile__("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
  return (struct sbiret){ a0, a1 };
}

/* SRST system_reset (FID 0): shutdown, reason 0 ("no reason") for code 0, 1 ("system failure") for
   anything else, announced on the console first since the firmware may not pass the reason on. */
void exit(int code)
{
  if (code != 0) {
    printf("exit code %d: shutting down with SBI SRST reason system failure\n", code);
  }
  sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, code == 0 ? SBI_SRST_REASON_NONE : SBI_SRST_REASON_FAILURE, 0);
  for (;;) {
    __asm__ __volatile__("wfi");
  }
}

void s_trap(unsigned long scause, unsigned long sepc, unsigned long stval)
{
  printf("unexpected trap: scause=%016lx sepc=%016lx stval=%016lx\n", scause, sepc, stval);
  exit(3);
}

static void build_identity_map(void)
{
  const unsigned long rwx = PTE_R | PTE_W | PTE_X;
  id_root[(RAM_BASE >> 30) & 511] = pte_table_of(id_l1_ram);
  id_root[(UART0_BASE >> 30) & 511] = pte_table_of(id_l1_io);
  for (unsigned long off = 0; off < RAM_SIZE; off += MEGA_BYTES) {
    unsigned long vpn1 = ((RAM_BASE + off) >> 21) & 511;
    if (off < SMALL_PAGE_SPAN) {
      unsigned long *l0 = id_l0_ram[off / MEGA_BYTES];
      for (unsigned long i = 0; i < 512; i++) {
        l0[i] = pte_leaf_of(RAM_BASE + off + i * PAGE_BYTES, rwx);
      }
      id_l1_ram[vpn1] = pte_table_of(l0);
    } else {
      id_l1_ram[vpn1] = pte_leaf_of(RAM_BASE + off, rwx);
    }
  }
  id_l1_io[(UART0_BASE >> 21) & 511] = pte_table_of(id_l0_uart);
  id_l0_uart[(UART0_BASE >> 12) & 511] = pte_leaf_of(UART0_BASE, PTE_R | PTE_W);
}

/* Called by _start on the boot hart with the C environment set up. */
void s_boot(unsigned long hartid, unsigned long dtb)
{
  s_boot_hartid = hartid;
  s_boot_dtb = dtb;
  build_identity_map();
  /* The fence orders the table stores before the walks that follow. satp.ASID is WARL: writing all ones
     and reading the field back gives the implemented bits. */
  sfence_vma_all();
  switch_satp(make_satp(id_root, SATP_ASID_MASK), 0);
  s_asid_mask = (read_csr(satp) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
  s_identity_satp = make_satp(id_root, S_IDENTITY_ASID);
  switch_satp(s_identity_satp, 1);
  exit(main());
}
