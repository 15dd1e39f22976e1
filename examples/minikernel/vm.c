/* minikernel: Sv39 page tables (priv spec 4.4). Pages for tables and user memory come from a static
   pool. Every leaf PTE is created with A = 1 and D = 1 (D only where writable), so the kernel works
   both on harts that update A/D in hardware and on harts that fault instead (priv spec 4.3.1,
   "The A and D Bits").

   Kernel address space (also part of every process's, without U):
     0x1000_0000 ..0x101f_ffff  one 2 MiB page: UART and the eight virtio-mmio slots (R W)
     0x8020_0000 ..0x803f_ffff  4 KiB pages: kernel text R X, rodata R, data/bss/stack/pool R W
     0x8040_0000 ..RAM_END      2 MiB pages, R W (rest of RAM)
   Kernel leaves are global (G): they are the same in every address space.
   A process adds: its program pages (R W X U) and USER_STACK_PAGES of stack (R W U). */
#include "minikernel.h"

#define POOL_PAGES 32
static uint8_t page_pool[POOL_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static unsigned pool_used;

static pte_t *kernel_root;     /* level 2 */
static pte_t *kernel_low;      /* level 1 table for VA 0..1 GiB (devices) */
static pte_t *kernel_ram;      /* level 1 table for VA 2..3 GiB (RAM) */

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __kernel_end[];

/* VPN[level] of a virtual address (priv spec 4.4.1, figure 4.19). */
static unsigned vpn(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 0x1ff; }

/* A PTE pointing at physical address pa (PPN in bits 53:10). */
static pte_t pte(uint64_t pa, pte_t flags) { return ((pa >> 12) << 10) | flags; }
static uint64_t pte_pa(pte_t e) { return (e >> 10) << 12; }
static int pte_is_leaf(pte_t e) { return (e & (PTE_R | PTE_W | PTE_X)) != 0; }

static void *alloc_page(void)
{
  if (pool_used == POOL_PAGES) panic("out of pages");
  void *p = page_pool[pool_used++];
  memset(p, 0, PAGE_SIZE);
  return p;
}

/* The next-level table under entry `e`, created if missing. */
static pte_t *table_at(pte_t *e)
{
  if ((*e & PTE_V) == 0) *e = pte((uint64_t)alloc_page(), PTE_V);
  return (pte_t *)pte_pa(*e);
}

void kvm_init(void)
{
  kernel_root = alloc_page();
  kernel_low = table_at(&kernel_root[vpn(UART0_BASE, 2)]);
  kernel_ram = table_at(&kernel_root[vpn(KERNEL_BASE, 2)]);

  /* Devices: a 2 MiB page at 0x1000_0000 covers the UART and all virtio-mmio slots. */
  kernel_low[vpn(UART0_BASE, 1)] = pte(UART0_BASE, PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D);

  /* The first 2 MiB of the kernel with 4 KiB pages, so that text is not writable and data not
     executable. */
  pte_t *image = table_at(&kernel_ram[vpn(KERNEL_BASE, 1)]);
  for (uint64_t pa = KERNEL_BASE; pa < KERNEL_BASE + MEGAPAGE_SIZE; pa += PAGE_SIZE) {
    pte_t flags = PTE_V | PTE_G | PTE_A | PTE_R;
    if (pa >= (uint64_t)__text_start && pa < (uint64_t)__text_end) flags |= PTE_X;
    else if (pa >= (uint64_t)__rodata_end) flags |= PTE_W | PTE_D;
    image[vpn(pa, 0)] = pte(pa, flags);
  }
  if ((uint64_t)__kernel_end > KERNEL_BASE + MEGAPAGE_SIZE) panic("kernel larger than 2 MiB");

  /* The rest of RAM with 2 MiB pages. */
  for (uint64_t pa = KERNEL_BASE + MEGAPAGE_SIZE; pa < RAM_END; pa += MEGAPAGE_SIZE)
    kernel_ram[vpn(pa, 1)] = pte(pa, PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D);
}

/* satp for the kernel's own address space: Sv39, ASID 0 (priv spec 4.1.11). */
uint64_t kvm_satp(void)
{
  return SATP_MODE_SV39 | ((uint64_t)kernel_root >> 12);
}

uint64_t uvm_satp(pte_t *root, unsigned asid)
{
  return SATP_MODE_SV39 | ((uint64_t)asid << 44) | ((uint64_t)root >> 12);
}

/* A new address space running `size` bytes of program `image` at `va`, with a stack below
   USER_STACK_TOP. The kernel's RAM table is shared with the kernel's own root; the device page is
   copied into the process's own level-1 table, which also holds its user pages. Returns the root. */
pte_t *uvm_create(uint64_t va, const void *image, size_t size)
{
  pte_t *root = alloc_page();
  root[vpn(KERNEL_BASE, 2)] = kernel_root[vpn(KERNEL_BASE, 2)];
  pte_t *low = table_at(&root[0]);
  low[vpn(UART0_BASE, 1)] = kernel_low[vpn(UART0_BASE, 1)];
  pte_t *user = table_at(&low[vpn(va, 1)]);

  for (size_t off = 0; off < size; off += PAGE_SIZE) {
    uint8_t *page = alloc_page();
    size_t n = size - off < PAGE_SIZE ? size - off : PAGE_SIZE;
    memcpy(page, (const uint8_t *)image + off, n);
    user[vpn(va + off, 0)] = pte((uint64_t)page, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
  }
  for (int i = 1; i <= USER_STACK_PAGES; i++)
    user[vpn(USER_STACK_TOP - i * PAGE_SIZE, 0)] =
        pte((uint64_t)alloc_page(), PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  return root;
}

/* The leaf PTE that maps va, or 0 (a software walk of priv spec 4.3.2, steps 2-4). */
pte_t *vm_walk(pte_t *root, uint64_t va)
{
  pte_t *table = root;
  for (int level = 2; level >= 0; level--) {
    pte_t *e = &table[vpn(va, level)];
    if ((*e & PTE_V) == 0) return 0;
    if (pte_is_leaf(*e)) return e;
    table = (pte_t *)pte_pa(*e);
  }
  return 0;
}

/* 1 when every byte of [va, va+len) is a user address mapped with U and all bits in `need`. The
   kernel checks this before touching user memory with sstatus.SUM set, so that a user pointer can
   neither reach kernel memory nor make the kernel fault. */
int uvm_check(pte_t *root, uint64_t va, size_t len, pte_t need)
{
  if (va >= USER_TOP || len > USER_TOP - va) return 0;
  for (uint64_t page = va & ~(PAGE_SIZE - 1); page < va + len; page += PAGE_SIZE) {
    pte_t *e = vm_walk(root, page);
    if (e == 0 || (*e & (PTE_U | need)) != (PTE_U | need)) return 0;
  }
  return 1;
}
