/* minivisor: the guest's memory. The guest sees GUEST_RAM_SIZE bytes of RAM at guest-physical
   GUEST_RAM_BASE; G-stage translation (hgatp, Sv39x4) maps each guest page to a host page. The
   tables start empty: the first access of the guest to a RAM page is a guest-page fault (a VM exit),
   and only then does the minivisor take a page from its host pool, fill it and map it. Filling
   is demand loading: a fresh page gets the bytes of the guest kernel's PT_LOAD segments and of
   the device tree that fall inside it, and zeros elsewhere (which also covers .bss).

   Host page pool: from the end of the minivisor's image up to the device tree the board placed near
   the top of RAM (all free RAM in between). G-stage page tables come from it too, except the
   16 KiB root table, which is static. */
#include "minivisor.h"

typedef uint64_t pte_t;
/* PTE bits (priv spec "Sv39: Page-Based 39-bit Virtual-Memory System"). */
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)

/* The guest RAM leaf: readable, writable, executable. U = 1 because every G-stage access counts as a
   user-level access, including the implicit ones of VS-stage page-table walks (hypervisor spec
   "Guest Physical Address Translation"). A and D are set up front, so it does not matter whether
   the hart updates them or faults for them (priv spec "Sv32", the A and D bits). */
#define GUEST_RAM_PTE (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)

/* The Sv39x4 root table covers 41-bit guest-physical addresses: 2048 entries (16 KiB), aligned
   to 16 KiB (hypervisor spec "hgatp" and "Guest Physical Address Translation"). */
#define ROOT_ENTRIES 2048
static pte_t gstage_root[ROOT_ENTRIES] __attribute__((aligned(16384)));
static unsigned gstage_vmid;

extern char __image_end[];
static uint64_t pool_next, pool_end, pool_pages;

/* The guest kernel's loadable segments and the device tree given to the guest. */
#define MAX_SEGMENTS 8
static struct segment { uint64_t gpa; const uint8_t *bytes; uint64_t filesz; } segments[MAX_SEGMENTS];
static unsigned nsegments;
static const uint8_t *guest_dtb;
static uint64_t guest_dtb_size;

/* ---- host page pool ---- */

void host_pool_init(uint64_t host_dtb)
{
  pool_next = ((uint64_t)__image_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  pool_end = host_dtb > pool_next ? host_dtb & ~(PAGE_SIZE - 1) : HOST_RAM_BASE + (128UL << 20);
}

uint64_t host_pool_start(void) { return ((uint64_t)__image_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }
uint64_t host_pages_used(void) { return pool_pages; }

static uint8_t *alloc_host_page(void)
{
  if (pool_next + PAGE_SIZE > pool_end) fatal("out of host pages", 0);
  uint8_t *page = (uint8_t *)pool_next;
  pool_next += PAGE_SIZE;
  pool_pages++;
  memset(page, 0, PAGE_SIZE);
  return page;
}

/* ---- the guest image: an ELF64 RISC-V executable, loaded by physical address ---- */

struct elf64_header {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version;
  uint64_t entry, phoff, shoff;
  uint32_t flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD 1
#define EM_RISCV 243

static int inside_guest_ram(uint64_t gpa, uint64_t size)
{
  return gpa >= GUEST_RAM_BASE && size <= GUEST_RAM_END - gpa;
}

/* Records where the guest's bytes come from; returns its entry point, or 0 if `elf` is not a
   RISC-V ELF64 whose segments fit in guest RAM. Segments are placed at their physical address
   (p_paddr): the minikernel stores its user programs in its image at one address (LMA) while
   linking them at another (VMA). */
uint64_t guest_image_init(const uint8_t *elf, uint64_t size, const uint8_t *dtb)
{
  const struct elf64_header *h = (const struct elf64_header *)elf;
  if (size < sizeof *h || h->ident[0] != 0x7f || h->ident[1] != 'E' || h->ident[2] != 'L' || h->ident[3] != 'F' ||
      h->ident[4] != 2 || h->ident[5] != 1 || h->machine != EM_RISCV || h->phentsize != sizeof(struct elf64_phdr) ||
      h->phoff > size || (uint64_t)h->phnum * sizeof(struct elf64_phdr) > size - h->phoff)
    return 0;
  const struct elf64_phdr *ph = (const struct elf64_phdr *)(elf + h->phoff);
  for (unsigned i = 0; i < h->phnum; i++) {
    if (ph[i].type != PT_LOAD) continue;
    if (nsegments == MAX_SEGMENTS || ph[i].offset > size || ph[i].filesz > size - ph[i].offset ||
        ph[i].filesz > ph[i].memsz || !inside_guest_ram(ph[i].paddr, ph[i].memsz))
      return 0;
    segments[nsegments++] = (struct segment){ ph[i].paddr, elf + ph[i].offset, ph[i].filesz };
  }

  /* A flattened device tree starts with the big-endian magic 0xd00dfeed and its total size. */
  const uint8_t *d = dtb;
  if (d != 0 && d[0] == 0xd0 && d[1] == 0x0d && d[2] == 0xfe && d[3] == 0xed) {
    guest_dtb = d;
    guest_dtb_size = (uint64_t)d[4] << 24 | (uint64_t)d[5] << 16 | (uint64_t)d[6] << 8 | d[7];
    if (!inside_guest_ram(GUEST_DTB, guest_dtb_size)) guest_dtb_size = 0;
  }
  return h->entry;
}

unsigned guest_segment_count(void) { return nsegments; }

/* Copies the part of [src_gpa, src_gpa + len) that lies in the guest page at page_gpa. */
static void copy_overlap(uint8_t *page, uint64_t page_gpa, uint64_t src_gpa, const uint8_t *src, uint64_t len)
{
  uint64_t lo = page_gpa > src_gpa ? page_gpa : src_gpa;
  uint64_t hi = page_gpa + PAGE_SIZE < src_gpa + len ? page_gpa + PAGE_SIZE : src_gpa + len;
  if (lo < hi) memcpy(page + (lo - page_gpa), src + (lo - src_gpa), hi - lo);
}

/* A new guest RAM page's contents (page is already zeroed). */
static void fill_guest_page(uint8_t *page, uint64_t page_gpa)
{
  for (unsigned i = 0; i < nsegments; i++)
    copy_overlap(page, page_gpa, segments[i].gpa, segments[i].bytes, segments[i].filesz);
  copy_overlap(page, page_gpa, GUEST_DTB, guest_dtb, guest_dtb_size);
}

/* ---- G-stage tables ---- */

/* VPN[level] of a guest-physical address: VPN[2] has two extra bits, 40:30 (hypervisor spec,
   "Sv39x4 virtual address"). */
static unsigned gvpn(uint64_t gpa, int level)
{
  return level == 2 ? (gpa >> 30) & 0x7ff : (gpa >> (12 + 9 * level)) & 0x1ff;
}

static pte_t pte(uint64_t pa, pte_t flags) { return ((pa >> 12) << 10) | flags; }
static uint64_t pte_pa(pte_t e) { return (e >> 10) << 12; }

/* The level-0 PTE for gpa, creating the tables on the way when `create` (non-leaf PTEs: V only;
   their U, A and D bits are reserved and stay 0). Returns 0 when a table is missing. */
static pte_t *gstage_leaf(uint64_t gpa, int create)
{
  pte_t *table = gstage_root;
  for (int level = 2; level > 0; level--) {
    pte_t *e = &table[gvpn(gpa, level)];
    if ((*e & PTE_V) == 0) {
      if (!create) return 0;
      *e = pte((uint64_t)alloc_host_page(), PTE_V);
    }
    table = (pte_t *)pte_pa(*e);
  }
  return &table[gvpn(gpa, 0)];
}

/* HFENCE.GVMA rs1, rs2: rs1 is a guest-physical address shifted right by 2, rs2 a VMID (hypervisor
   spec "Hypervisor Memory-Management Fence Instructions"). Encoded with .insn for assemblers
   without the H extension. */
static void hfence_gvma(uint64_t gpa_shifted, uint64_t vmid)
{
  __asm__ __volatile__(".insn r 0x73, 0, 0x31, x0, %0, %1" :: "r"(gpa_shifted), "r"(vmid) : "memory");
}

static void hfence_gvma_all(void) { __asm__ __volatile__(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory"); }

/* Turns on G-stage translation with the (empty) root table. The VMID field holds as many bits as the
   hart implements (VMIDLEN may be 0): writing all ones and reading back tells how many (hypervisor
   spec "hgatp"). Returns hgatp, or 0 when the hart has no Sv39x4. */
uint64_t gstage_init(unsigned *vmid)
{
  uint64_t root_ppn = (uint64_t)gstage_root >> 12;
  csr_write(hgatp, HGATP_MODE_SV39X4 | (HGATP_VMID_MASK << HGATP_VMID_SHIFT) | root_ppn);
  uint64_t probe = csr_read(hgatp);
  if ((probe >> HGATP_MODE_SHIFT) != (HGATP_MODE_SV39X4 >> HGATP_MODE_SHIFT)) {
    csr_write(hgatp, 0);
    return 0;
  }
  uint64_t vmid_bits = (probe >> HGATP_VMID_SHIFT) & HGATP_VMID_MASK;
  gstage_vmid = vmid_bits != 0 ? 1 : 0;
  uint64_t value = HGATP_MODE_SV39X4 | ((uint64_t)gstage_vmid << HGATP_VMID_SHIFT) | root_ppn;
  csr_write(hgatp, value);
  /* A new mode for this VMID: fence with rs1 = x0 (hypervisor spec "Hypervisor Memory-Management
     Fence Instructions"). */
  hfence_gvma_all();
  *vmid = gstage_vmid;
  return value;
}

int guest_ram_contains(uint64_t gpa) { return inside_guest_ram(gpa, 1); }

/* Maps the guest RAM page holding gpa to a fresh, filled host page (if not mapped yet). The new
   leaf is fenced right away: a hart may otherwise keep using the old invalid entry and fault
   again (priv spec "Supervisor Memory-Management Fence Instruction": an invalid-to-valid change
   may be fenced lazily, at the cost of another fault). */
void gstage_map_ram_page(uint64_t gpa)
{
  uint64_t page_gpa = gpa & ~(PAGE_SIZE - 1);
  pte_t *leaf = gstage_leaf(page_gpa, 1);
  if ((*leaf & PTE_V) == 0) {
    uint8_t *page = alloc_host_page();
    fill_guest_page(page, page_gpa);
    *leaf = pte((uint64_t)page, GUEST_RAM_PTE);
  }
  __asm__ __volatile__("fence w, rw" ::: "memory");
  hfence_gvma(page_gpa >> 2, gstage_vmid);
}

/* The host address of guest RAM byte gpa, mapping its page first if needed (for SBI calls that
   pass guest-physical buffers). 0 when gpa is not guest RAM. */
uint8_t *guest_ram_at(uint64_t gpa)
{
  if (!guest_ram_contains(gpa)) return 0;
  pte_t *leaf = gstage_leaf(gpa, 0);
  if (leaf == 0 || (*leaf & PTE_V) == 0) {
    gstage_map_ram_page(gpa);
    leaf = gstage_leaf(gpa, 0);
  }
  return (uint8_t *)(pte_pa(*leaf) + (gpa & (PAGE_SIZE - 1)));
}
