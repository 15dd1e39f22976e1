/* minikernel: a driver for the board's DMA copy engine (docs/iommu.md). The engine is used only when the
   device tree names it (compatible "vmscope,copy-engine"): on bare hardware with `--device copy-engine`, or in
   a VM the engine is assigned to (`--assign copy-engine=vm0`), where the addresses the driver programs are
   guest-physical and the IOMMU translates them with the VM's G-stage table. Buffers are kernel memory, whose
   virtual addresses equal their (guest-)physical ones. The engine finishes a transfer before the doorbell
   write returns; the driver still polls STATUS, as a driver for an asynchronous engine must. */
#include "minikernel.h"

/* Registers (docs/iommu.md, "The copy engine"). */
#define CE_MAGIC      0x00
#define CE_SRC_LO     0x08
#define CE_SRC_HI     0x0c
#define CE_DST_LO     0x10
#define CE_DST_HI     0x14
#define CE_LEN        0x18
#define CE_DOORBELL   0x20
#define CE_STATUS     0x24
#define CE_DONE_BYTES 0x30
#define CE_FAULT_LO   0x34
#define CE_FAULT_HI   0x38
#define CE_MAGIC_VALUE 0x45434d56u   /* "VMCE" */
#define CE_STATUS_DONE  2u
#define CE_STATUS_ERROR 4u

/* Flattened device tree (devicetree specification, "Flattened Devicetree (DTB) Format"). */
#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u

#define COPY_LEN 10000

static uint8_t src_buf[3 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t dst_buf[3 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static int streq(const char *a, const char *b)
{
  while (*a && *a == *b) { a++; b++; }
  return *a == *b;
}

/* Whether a compatible property (a list of NUL-terminated strings) names `want`. */
static int compatible_has(const char *list, uint32_t len, const char *want)
{
  for (uint32_t i = 0; i < len;) {
    if (streq(list + i, want)) return 1;
    while (i < len && list[i] != 0) i++;
    i++;
  }
  return 0;
}

/* The base address (first reg entry, two address cells) of the node compatible with `want`; 0 if none. */
static uint64_t fdt_find(const uint8_t *dtb, const char *want)
{
  if (be32(dtb) != FDT_MAGIC) return 0;
  const uint8_t *s = dtb + be32(dtb + 8), *end = s + be32(dtb + 36);
  const char *strings = (const char *)dtb + be32(dtb + 12);
  int match = 0;
  uint64_t reg = 0;
  while (s < end) {
    uint32_t tok = be32(s);
    s += 4;
    if (tok == FDT_BEGIN_NODE) {
      match = 0; reg = 0;
      while (*s) s++;
      s = (const uint8_t *)(((uintptr_t)s + 4) & ~(uintptr_t)3);
    } else if (tok == FDT_PROP) {
      uint32_t len = be32(s), name = be32(s + 4);
      const uint8_t *val = s + 8;
      if (streq(strings + name, "compatible") && compatible_has((const char *)val, len, want)) match = 1;
      if (streq(strings + name, "reg") && len >= 8) reg = (uint64_t)be32(val) << 32 | be32(val + 4);
      s = (const uint8_t *)(((uintptr_t)(val + len) + 3) & ~(uintptr_t)3);
    } else if (tok == FDT_END_NODE) {
      if (match && reg != 0) return reg;
      match = 0;
    } else if (tok != FDT_NOP) {
      break;   /* FDT_END or garbage */
    }
  }
  return 0;
}

static volatile uint32_t *ce_reg(uint64_t base, unsigned off) { return (volatile uint32_t *)(base + off); }

/* One transfer; returns the final STATUS. */
static uint32_t ce_copy(uint64_t base, uint64_t dst, uint64_t src, uint32_t len)
{
  *ce_reg(base, CE_SRC_LO) = (uint32_t)src;
  *ce_reg(base, CE_SRC_HI) = (uint32_t)(src >> 32);
  *ce_reg(base, CE_DST_LO) = (uint32_t)dst;
  *ce_reg(base, CE_DST_HI) = (uint32_t)(dst >> 32);
  *ce_reg(base, CE_LEN) = len;
  __asm__ __volatile__("fence w, o" ::: "memory");   /* the source bytes are in memory before the doorbell */
  *ce_reg(base, CE_DOORBELL) = 1;
  uint32_t st;
  while (((st = *ce_reg(base, CE_STATUS)) & (CE_STATUS_DONE | CE_STATUS_ERROR)) == 0) {}
  __asm__ __volatile__("fence i, r" ::: "memory");   /* read the copy only after the engine says it is done */
  return st;
}

void copy_engine_selftest(unsigned long dtb)
{
  uint64_t base = fdt_find((const uint8_t *)dtb, "vmscope,copy-engine");
  if (base == 0) return;
  if (*ce_reg(base, CE_MAGIC) != CE_MAGIC_VALUE) {
    kprintf("minikernel: copy engine at 0x%lx does not answer\n", (unsigned long)base);
    return;
  }
  for (int i = 0; i < COPY_LEN; i++) src_buf[100 + i] = (uint8_t)(i * 7 + 3);
  uint32_t st = ce_copy(base, (uint64_t)&dst_buf[200], (uint64_t)&src_buf[100], COPY_LEN);
  int same = st == CE_STATUS_DONE;
  for (int i = 0; same && i < COPY_LEN; i++) same = dst_buf[200 + i] == src_buf[100 + i];
  kprintf("minikernel: copy engine at 0x%lx: copied %u bytes across pages, fnv1a 0x%08x, %s\n", (unsigned long)base,
          *ce_reg(base, CE_DONE_BYTES), fnv1a(&dst_buf[200], COPY_LEN), same ? "identical" : "DIFFERENT");

  /* A destination just past the end of RAM: the engine must refuse it and move nothing. */
  uint64_t outside = RAM_END + 0x1000;
  st = ce_copy(base, outside, (uint64_t)src_buf, 64);
  uint64_t fault = (uint64_t)*ce_reg(base, CE_FAULT_HI) << 32 | *ce_reg(base, CE_FAULT_LO);
  kprintf("minikernel: copy engine: DMA to 0x%lx %s (fault address 0x%lx, %u bytes moved)\n", (unsigned long)outside,
          st == CE_STATUS_ERROR ? "refused" : "NOT REFUSED", (unsigned long)fault, *ce_reg(base, CE_DONE_BYTES));
}
