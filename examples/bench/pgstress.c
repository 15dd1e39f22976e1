/* Page-table stress guest: the paging behaviour a guest kernel relies on, in the cases that are hard for a
   hypervisor that shadows the guest's page tables. The program installs its own S-mode trap handler for
   page faults and runs six parts, each folding what it observes into one checksum:

   1. fork: a parent address space with private pages; each "fork" maps the same physical pages read-only
      in parent and child (copy on write, marked with a software PTE bit). A store page fault copies the
      page (or, when no other space shares it any more, just makes it writable again) in the faulting
      space only, fences that address and ASID and retries. Several rounds of parent/child (and
      grandchild) loads and stores with satp switches; the children's ASIDs are reused round after round.
   2. remap: pages remapped while in use, made read-only, unmapped (V = 0), in the current space or in
      another one, with each of the four SFENCE.VMA forms; an access to an unmapped or read-only page
      must fault (cause 13 or 15, stval = the address) and the handler maps it again.
   3. superpages: 2 MiB leaves onto RAM and a 1 GiB leaf onto all of RAM, accessed at several offsets;
      a 2 MiB leaf pointed at another 2 MiB of RAM, made read-only and unmapped, each time fenced with
      one address inside it that is not the one accessed next; the 2 MiB leaf split into a table of
      4 KiB pages (some of them elsewhere) and merged back.
   4. A/D: leaves with A and D clear; after loads and stores the PTEs must show A on every page
      accessed and D on every page stored to, also for a 2 MiB and a 1 GiB leaf. A hart that does not
      update A/D itself raises a page fault instead (Svade), and the handler then sets the bits, so the
      PTEs read back are the same either way.
   5. ASID reuse: two live address spaces at a time, rebuilt over and over with ASIDs drawn from three,
      so an ASID comes back with another root (or the same root page with other contents) after
      SFENCE.VMA x0, asid.
   6. many spaces: 20 roots (more than a hypervisor may keep shadows of), switched round-robin, each
      with a private page and a shared region of global pages reached through one shared table;
      shared pages are remapped (fenced for all address spaces) and private pages swapped between
      spaces while the round-robin goes on.

   All data comes from xorshift; nothing depends on time, and faults a hart may or may not raise (A/D
   updates) are not counted. Prints `bench pgstress guest checksum=<hex>` (with -DBENCH_VERBOSE also
   each part's checksum). Guest mode only. */
#define BENCH_NAME "pgstress"
#include "bench.h"
#include "slib.h"

#ifndef BENCH_MODE_GUEST
#error "pgstress is an S-mode guest program: build it with -DBENCH_MODE_GUEST"
#endif

#define WORDS_PER_PAGE 512
#define POOL_PAGES 320          /* data pages, allocated and freed as the parts go */
#define TABLE_PAGES 160         /* page-table pages */
#define MEGA_BYTES (2UL << 20)
#define WINDOW_VA 0x40000000UL  /* root slot 1: empty in the identity map */
#define GIGA_VA 0xc0000000UL    /* root slot 3: part 3/4's 1 GiB leaf onto RAM_BASE */
#define GLOBAL_VA 0x140000000UL /* root slot 5: part 6's global pages, mapped by no other space */
#define PTE_COW (1UL << 8)      /* software bit (RSW): read-only because shared, copy on write */
#define PTE_PPN_MASK (((1UL << 44) - 1) << 10)
#define FNV_PRIME 0x100000001b3ULL
#define MAX_ASID 31

static uint64_t pool[POOL_PAGES][WORDS_PER_PAGE] __attribute__((aligned(4096)));
static unsigned long tables[TABLE_PAGES][512] __attribute__((aligned(4096)));
/* Two 2 MiB-aligned runs of RAM for the superpage leaves, in a .bss section of their own so that the
   alignment does not pad the rest of .bss. */
static uint64_t big[2][MEGA_BYTES / 8] __attribute__((section(".bss.pgstress_big"), aligned(MEGA_BYTES)));

static uint16_t page_free[POOL_PAGES], table_free_list[TABLE_PAGES];
static unsigned page_free_top, table_free_top;
static uint16_t refcnt[POOL_PAGES];

static uint64_t seed = 0x9e3779b97f4a7c15ULL;
static uint64_t acc;            /* the checksum; the trap handler folds into it too */
static int flush;               /* ASIDs alias: every satp switch flushes */

struct space {
  unsigned long *root;
  unsigned long asid;
  unsigned long satp;
};

void s_trap(unsigned long scause, unsigned long sepc, unsigned long stval) __attribute__((noreturn));
extern char s_trap_entry[], pg_trap_entry[];

static void fold(uint64_t v)
{
  acc = (acc ^ v) * FNV_PRIME;
}

/* Loads and stores through the address spaces under test. The memory clobber makes the compiler assume
   the trap handler may have changed anything (page tables, acc) during the access. */
static inline uint64_t vload(unsigned long va)
{
  uint64_t v;
  __asm__ __volatile__("ld %0, 0(%1)" : "=r"(v) : "r"(va) : "memory");
  return v;
}
static inline void vstore(unsigned long va, uint64_t v)
{
  __asm__ __volatile__("sd %0, 0(%1)" :: "r"(v), "r"(va) : "memory");
}

static void fail(int code)
{
  exit(code);
}

/* ---- physical pages and page tables ---- */

static unsigned long page_pa(unsigned idx)
{
  return (unsigned long)pool[idx];
}

static unsigned page_idx(unsigned long pa)
{
  unsigned long off = pa - (unsigned long)pool;
  if (pa < (unsigned long)pool || off >= sizeof(pool)) {
    fail(4);
  }
  return (unsigned)(off / PAGE_BYTES);
}

/* A data page with fresh random contents and one reference. */
static unsigned page_alloc(void)
{
  if (page_free_top == 0) {
    fail(5);
  }
  unsigned idx = page_free[--page_free_top];
  refcnt[idx] = 1;
  for (unsigned w = 0; w < WORDS_PER_PAGE; w++) {
    pool[idx][w] = bench_rand(&seed);
  }
  return idx;
}

static void page_get(unsigned idx)
{
  refcnt[idx]++;
}

static void page_put(unsigned idx)
{
  if (refcnt[idx] == 0) {
    fail(6);
  }
  if (--refcnt[idx] == 0) {
    page_free[page_free_top++] = (uint16_t)idx;
  }
}

static unsigned long *table_alloc(void)
{
  if (table_free_top == 0) {
    fail(7);
  }
  unsigned long *t = tables[table_free_list[--table_free_top]];
  for (unsigned i = 0; i < 512; i++) {
    t[i] = 0;
  }
  return t;
}

static void table_release(unsigned long *t)
{
  table_free_list[table_free_top++] = (uint16_t)((t - tables[0]) / 512);
}

static void allocators_init(void)
{
  for (unsigned i = 0; i < POOL_PAGES; i++) {
    page_free[i] = (uint16_t)(POOL_PAGES - 1 - i);
  }
  page_free_top = POOL_PAGES;
  for (unsigned i = 0; i < TABLE_PAGES; i++) {
    table_free_list[i] = (uint16_t)(TABLE_PAGES - 1 - i);
  }
  table_free_top = TABLE_PAGES;
}

static inline unsigned long vpn_of(unsigned long va, int level)
{
  return (va >> (12 + 9 * level)) & 511;
}

static inline unsigned long pte_pa(unsigned long pte)
{
  return (pte & PTE_PPN_MASK) << 2;
}

static inline int pte_is_leaf(unsigned long pte)
{
  return (pte & (PTE_R | PTE_W | PTE_X)) != 0;
}

/* A leaf without A and D (part 4). */
static inline unsigned long pte_leaf_clean(unsigned long pa, unsigned long perms)
{
  return ((pa >> 12) << 10) | perms | PTE_V;
}

/* The PTE where a walk of `root` for va stops: the leaf, the first invalid entry, or the level-0 entry. */
static volatile unsigned long *walk_stop(unsigned long *root, unsigned long va, int *level)
{
  unsigned long *t = root;
  for (int l = 2;; l--) {
    unsigned long *p = &t[vpn_of(va, l)];
    if (l == 0 || !(*p & PTE_V) || pte_is_leaf(*p)) {
      *level = l;
      return p;
    }
    t = (unsigned long *)pte_pa(*p);
  }
}

/* The entry at `level` for va in s, creating the tables above it. */
static volatile unsigned long *pte_slot(struct space *s, unsigned long va, int level)
{
  unsigned long *t = s->root;
  for (int l = 2; l > level; l--) {
    unsigned long *p = &t[vpn_of(va, l)];
    if (!(*p & PTE_V)) {
      *p = pte_table_of(table_alloc());
    } else if (pte_is_leaf(*p)) {
      fail(8);
    }
    t = (unsigned long *)pte_pa(*p);
  }
  return &t[vpn_of(va, level)];
}

/* A new address space: the identity map's root entries (kernel, stack, UART) and nothing else. Its
   ASID may have been used before: the caller fences it once the mappings are in place. */
static void space_init(struct space *s, unsigned long asid)
{
  const unsigned long *identity = satp_root(s_identity_satp);
  s->root = table_alloc();
  for (unsigned i = 0; i < 512; i++) {
    s->root[i] = identity[i];
  }
  s->asid = asid;
  s->satp = make_satp(s->root, asid);
}

static void free_tree(unsigned long *t, int level)
{
  for (unsigned i = 0; level > 0 && i < 512; i++) {
    if ((t[i] & PTE_V) && !pte_is_leaf(t[i])) {
      free_tree((unsigned long *)pte_pa(t[i]), level - 1);
    }
  }
  table_release(t);
}

/* Frees the tables of s that are its own (not the identity map's); the data pages are the caller's. */
static void space_free(struct space *s)
{
  const unsigned long *identity = satp_root(s_identity_satp);
  for (unsigned i = 0; i < 512; i++) {
    unsigned long e = s->root[i];
    if (e != identity[i] && (e & PTE_V) && !pte_is_leaf(e)) {
      free_tree((unsigned long *)pte_pa(e), 1);
    }
  }
  table_release(s->root);
  s->root = 0;
}

static void use_space(const struct space *s)
{
  switch_satp(s != 0 ? s->satp : s_identity_satp, flush);
}

/* SFENCE.VMA in form `form`: 0 address+ASID, 1 address (all spaces), 2 ASID, 3 everything. */
static void fence_form(unsigned form, unsigned long va, unsigned long asid)
{
  switch (form & 3) {
  case 0:
    sfence_vma_va_asid(va, asid);
    break;
  case 1:
    sfence_vma_va(va);
    break;
  case 2:
    sfence_vma_asid(asid);
    break;
  default:
    sfence_vma_all();
    break;
  }
}

/* ---- the page-fault handler ---- */

/* Called by the handler for a fault the running part announced (arm()), with the PTE where the walk of the
   current space stopped; it changes the mapping so that the access succeeds when retried. */
typedef void (*fix_fn)(volatile unsigned long *pte, int level, unsigned long va, unsigned long asid);
static fix_fn expect_fix;
static int expect_armed;
static unsigned long cow_copies, cow_reuses;
static unsigned long ad_faults; /* Svade faults: not folded (a hart may update A/D instead) */
static int in_trap;

static void arm(fix_fn fix)
{
  expect_fix = fix;
  expect_armed = 1;
}

/* After an access that had to fault: folds whether it did (0) or not (1). */
static void expect_done(void)
{
  fold((uint64_t)expect_armed);
  expect_armed = 0;
}

/* Copy on write for the 4 KiB leaf *pte of the current space. */
static void cow_break(volatile unsigned long *pte, unsigned long va, unsigned long asid)
{
  unsigned idx = page_idx(pte_pa(*pte));
  if (refcnt[idx] > 1) {
    if (page_free_top == 0) {
      fail(5);
    }
    unsigned copy = page_free[--page_free_top];
    refcnt[copy] = 1;
    for (unsigned w = 0; w < WORDS_PER_PAGE; w++) {
      pool[copy][w] = pool[idx][w];
    }
    page_put(idx);
    *pte = pte_leaf_of(page_pa(copy), PTE_R | PTE_W);
    cow_copies++;
    fold(va ^ ((uint64_t)copy << 40));
  } else {
    *pte = (*pte | PTE_W) & ~PTE_COW;
    cow_reuses++;
    fold(va ^ (1ULL << 63));
  }
  sfence_vma_va_asid(va, asid);
}

/* Load (13) and store/AMO (15) page faults from S-mode; anything else is reported by the runtime. */
void pg_trap(unsigned long cause, unsigned long va) __attribute__((used));
void pg_trap(unsigned long cause, unsigned long va)
{
  if (in_trap || (cause != CAUSE_LOAD_PAGE && cause != CAUSE_STORE_PAGE)) {
    s_trap(cause, read_csr(sepc), va);
  }
  in_trap = 1;
  unsigned long satp = read_csr(satp);
  unsigned long asid = (satp >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
  int store = cause == CAUSE_STORE_PAGE, level;
  volatile unsigned long *pte = walk_stop(satp_root(satp), va, &level);
  unsigned long e = *pte;
  unsigned long need = PTE_A | (store ? PTE_D : 0);
  if ((e & PTE_V) && (e & (store ? PTE_W : PTE_R)) && (e & need) != need) {
    /* Svade: the hart leaves A/D to software. */
    *pte = e | need;
    sfence_vma_va_asid(va, asid);
    ad_faults++;
  } else if (store && (e & PTE_V) && (e & PTE_COW) && level == 0) {
    cow_break(pte, va, asid);
  } else if (expect_armed) {
    fold(cause);
    fold(va);
    expect_fix(pte, level, va, asid);
    expect_armed = 0;
  } else {
    s_trap(cause, read_csr(sepc), va);
  }
  in_trap = 0;
}

/* Trap vector while the parts run: saves the caller-saved registers on the interrupted stack (S-mode code
   with a valid sp), calls pg_trap(scause, stval) and returns to retry the access. */
__asm__(
  "  .text\n"
  "  .balign 4\n"
  "  .globl pg_trap_entry\n"
  "pg_trap_entry:\n"
  "  addi sp, sp, -128\n"
  "  sd ra, 0(sp)\n  sd t0, 8(sp)\n  sd t1, 16(sp)\n  sd t2, 24(sp)\n"
  "  sd a0, 32(sp)\n  sd a1, 40(sp)\n  sd a2, 48(sp)\n  sd a3, 56(sp)\n"
  "  sd a4, 64(sp)\n  sd a5, 72(sp)\n  sd a6, 80(sp)\n  sd a7, 88(sp)\n"
  "  sd t3, 96(sp)\n  sd t4, 104(sp)\n  sd t5, 112(sp)\n  sd t6, 120(sp)\n"
  "  csrr a0, scause\n"
  "  csrr a1, stval\n"
  "  call pg_trap\n"
  "  ld ra, 0(sp)\n  ld t0, 8(sp)\n  ld t1, 16(sp)\n  ld t2, 24(sp)\n"
  "  ld a0, 32(sp)\n  ld a1, 40(sp)\n  ld a2, 48(sp)\n  ld a3, 56(sp)\n"
  "  ld a4, 64(sp)\n  ld a5, 72(sp)\n  ld a6, 80(sp)\n  ld a7, 88(sp)\n"
  "  ld t3, 96(sp)\n  ld t4, 104(sp)\n  ld t5, 112(sp)\n  ld t6, 120(sp)\n"
  "  addi sp, sp, 128\n"
  "  sret\n");

/* ---- part 1: fork with copy on write ---- */

#define FORK_PAGES 16
#define FORK_ROUNDS 8
#define FORK_STEPS 2500
#define FORK_SWITCH 8            /* steps between satp switches */
#define FORK_PARENT_ASID 1
#define FORK_CHILD_ASID 2        /* 2 and 3 alternate, so each is reused every other round */
#define FORK_GRANDCHILD_ASID 4

static struct space fk[3]; /* parent, child, grandchild */

/* dst becomes a copy of src's window: the same physical pages, read-only and copy-on-write in both. */
static void fork_space(struct space *src, struct space *dst, unsigned long asid)
{
  space_init(dst, asid);
  for (unsigned i = 0; i < FORK_PAGES; i++) {
    unsigned long va = WINDOW_VA + i * PAGE_BYTES;
    volatile unsigned long *sp = pte_slot(src, va, 0);
    if (*sp & PTE_W) {
      *sp = (*sp & ~PTE_W) | PTE_COW;
      sfence_vma_va_asid(va, src->asid);
    }
    page_get(page_idx(pte_pa(*sp)));
    *pte_slot(dst, va, 0) = *sp;
  }
  sfence_vma_asid(asid);
}

static void exit_space(struct space *s)
{
  for (unsigned i = 0; i < FORK_PAGES; i++) {
    page_put(page_idx(pte_pa(*pte_slot(s, WINDOW_VA + i * PAGE_BYTES, 0))));
  }
  space_free(s);
}

static void part_fork(void)
{
  space_init(&fk[0], FORK_PARENT_ASID);
  for (unsigned i = 0; i < FORK_PAGES; i++) {
    *pte_slot(&fk[0], WINDOW_VA + i * PAGE_BYTES, 0) = pte_leaf_of(page_pa(page_alloc()), PTE_R | PTE_W);
  }
  sfence_vma_asid(FORK_PARENT_ASID);
  use_space(&fk[0]);
  for (unsigned i = 0; i < FORK_PAGES; i++) {
    vstore(WINDOW_VA + i * PAGE_BYTES, i);
  }

  for (unsigned round = 0; round < FORK_ROUNDS; round++) {
    fork_space(&fk[0], &fk[1], FORK_CHILD_ASID + (round & 1));
    unsigned n = 2;
    if (round % 3 == 1) {
      fork_space(&fk[1], &fk[2], FORK_GRANDCHILD_ASID);
      n = 3;
    }
    unsigned cur = 0;
    use_space(&fk[0]);
    for (unsigned step = 0; step < FORK_STEPS; step++) {
      uint64_t r = bench_rand(&seed);
      if (step % FORK_SWITCH == 0) {
        cur = (unsigned)(r >> 40) % n;
        use_space(&fk[cur]);
      }
      unsigned page = (r >> 8) & (FORK_PAGES - 1);
      unsigned word = (r >> 12) & (WORDS_PER_PAGE - 1);
      unsigned long va = WINDOW_VA + page * PAGE_BYTES + word * 8;
      uint64_t v = vload(va);
      fold(v);
      if ((r >> 21) % 3 == 0) {
        vstore(va, v * 3 + step + ((uint64_t)cur << 32));
      }
    }
    /* What each space sees of every page. */
    for (unsigned s = 0; s < n; s++) {
      use_space(&fk[s]);
      for (unsigned i = 0; i < FORK_PAGES; i++) {
        for (unsigned w = (i + round) & 7; w < WORDS_PER_PAGE; w += 61) {
          fold(vload(WINDOW_VA + i * PAGE_BYTES + w * 8));
        }
      }
    }
    use_space(0);
    if (n == 3) {
      exit_space(&fk[2]);
    }
    exit_space(&fk[1]);
  }
  fold(cow_copies);
  fold(cow_reuses);
  use_space(0);
  exit_space(&fk[0]);
  sfence_vma_all();
}

/* ---- part 2: remapping, read-only and unmapped pages ---- */

#define RM_PAGES 8
#define RM_PHYS 24
#define RM_STEPS 4000
#define RM_SWITCH 16
#define RM_ASID 5 /* and 6 */

static struct space rm[2];
static uint8_t rm_state[2][RM_PAGES]; /* 0 unmapped, 1 read-only, 2 read-write */
static unsigned rm_phys[RM_PHYS];
static unsigned rm_fixes;

/* An unmapped page gets the next page of the set, a read-only one its W back. */
static void rm_fix(volatile unsigned long *pte, int level, unsigned long va, unsigned long asid)
{
  if (level != 0) {
    fail(9);
  }
  if (*pte & PTE_V) {
    *pte |= PTE_W;
  } else {
    *pte = pte_leaf_of(page_pa(rm_phys[(rm_fixes * 7 + ((va >> 12) & 7)) % RM_PHYS]), PTE_R | PTE_W);
    rm_fixes++;
  }
  sfence_vma_va_asid(va, asid);
}

static void part_remap(void)
{
  for (unsigned i = 0; i < RM_PHYS; i++) {
    rm_phys[i] = page_alloc();
  }
  for (unsigned s = 0; s < 2; s++) {
    space_init(&rm[s], RM_ASID + s);
    for (unsigned i = 0; i < RM_PAGES; i++) {
      *pte_slot(&rm[s], WINDOW_VA + i * PAGE_BYTES, 0) =
        pte_leaf_of(page_pa(rm_phys[s * RM_PAGES + i]), PTE_R | PTE_W);
      rm_state[s][i] = 2;
    }
    sfence_vma_asid(RM_ASID + s);
  }

  unsigned cur = 0;
  for (unsigned step = 0; step < RM_STEPS; step++) {
    uint64_t r = bench_rand(&seed), r2 = bench_rand(&seed);
    if (step % RM_SWITCH == 0) {
      cur = (step / RM_SWITCH) & 1;
      use_space(&rm[cur]);
    }
    /* A change to one page of this space or the other one. */
    unsigned tgt = (r & 1) ? cur : 1 - cur;
    unsigned page = (r >> 1) & (RM_PAGES - 1);
    unsigned phys = rm_phys[((r >> 4) & 31) % RM_PHYS];
    unsigned long va = WINDOW_VA + page * PAGE_BYTES;
    unsigned form = (r >> 9) & 3;
    volatile unsigned long *pte = pte_slot(&rm[tgt], va, 0);
    switch ((r >> 11) & 7) {
    case 0:
    case 1:
    case 2:
      *pte = pte_leaf_of(page_pa(phys), PTE_R | PTE_W);
      rm_state[tgt][page] = 2;
      fence_form(form, va, rm[tgt].asid);
      break;
    case 3:
      *pte = pte_leaf_of(page_pa(phys), PTE_R);
      rm_state[tgt][page] = 1;
      fence_form(form, va, rm[tgt].asid);
      break;
    case 4:
      *pte &= ~PTE_V; /* the rest of the entry stays: only V says it is gone */
      rm_state[tgt][page] = 0;
      fence_form(form, va, rm[tgt].asid);
      break;
    default:
      break;
    }
    /* Accesses to the current space, the changed page first when it is here. */
    for (unsigned k = 0; k < 4; k++) {
      unsigned p = (k == 0 && tgt == cur) ? page : (unsigned)(r2 >> (3 * k)) & (RM_PAGES - 1);
      unsigned w = (unsigned)(r2 >> (12 + 9 * k)) & (WORDS_PER_PAGE - 1);
      unsigned long a = WINDOW_VA + p * PAGE_BYTES + w * 8;
      int st = rm_state[cur][p];
      if (st == 0) {
        arm(rm_fix);
      }
      uint64_t v = vload(a);
      fold(v);
      if (st == 0) {
        expect_done();
        st = rm_state[cur][p] = 2;
      }
      if ((r2 >> (50 + k)) & 1) {
        if (st == 1) {
          arm(rm_fix);
        }
        vstore(a, v ^ ((uint64_t)step * 0x9e3779b97f4a7c15ULL));
        if (st == 1) {
          expect_done();
          rm_state[cur][p] = 2;
        }
      }
    }
  }
  use_space(0);
  fold(rm_fixes);
  for (unsigned i = 0; i < RM_PHYS; i++) {
    for (unsigned w = i & 15; w < WORDS_PER_PAGE; w += 16) {
      fold(pool[rm_phys[i]][w]);
    }
    page_put(rm_phys[i]);
  }
  space_free(&rm[0]);
  space_free(&rm[1]);
  sfence_vma_all();
}

/* ---- part 3: superpages ---- */

#define SP_ASID 7
#define SP_VA0 WINDOW_VA                /* 2 MiB leaf onto big[0] */
#define SP_VA1 (WINDOW_VA + MEGA_BYTES) /* 2 MiB leaf onto big[1] */

static const unsigned long sp_offsets[] = {
  0, 8, 0x1000, 0x2ff8, 0x5000, 0x10010, 0x7f000, 0x100000, 0x155558, 0x1ff000, 0x1ffff8,
};
#define SP_NOFFS (sizeof(sp_offsets) / sizeof(sp_offsets[0]))

static struct space sp;
static unsigned long sp_fix_leaf; /* what sp_fix writes back */

static void sp_fix(volatile unsigned long *pte, int level, unsigned long va, unsigned long asid)
{
  (void)level;
  *pte = sp_fix_leaf;
  sfence_vma_va_asid(va, asid);
}

static void sp_read_all(unsigned long base)
{
  for (unsigned i = 0; i < SP_NOFFS; i++) {
    fold(vload(base + sp_offsets[i]));
  }
}

/* Stores at the offsets of base, each after *leaf was replaced by `changed` and fenced at an address of the
   superpage (at `size` bytes) other than the one stored to: every store must fault and is retried once
   sp_fix has put `restored` back. */
static void sp_faulting_stores(unsigned long base, unsigned long size, volatile unsigned long *leaf,
                               unsigned long changed, unsigned long restored, int load)
{
  for (unsigned i = 0; i < SP_NOFFS; i += 2) {
    unsigned long a = base + sp_offsets[i];
    unsigned long fence_va = base + ((sp_offsets[i] + size / 2 + 0x3000) & (size - 1) & ~7UL);
    *leaf = changed;
    if (i & 2) {
      sfence_vma_va_asid(fence_va, SP_ASID);
    } else {
      sfence_vma_va(fence_va);
    }
    sp_fix_leaf = restored;
    arm(sp_fix);
    if (load) {
      fold(vload(a));
    } else {
      vstore(a, a ^ i);
    }
    expect_done();
  }
}

/* Offsets of the 1 GiB leaf at GIGA_VA (VA = GIGA_VA + PA - RAM_BASE) at which part 3 touches RAM. */
static unsigned long giga_off(unsigned i)
{
  static const unsigned long in_big[] = {0x40, 0x1008, 0x80000, 0x1ffff8};
  unsigned long pa = i < 4 ? (unsigned long)big[1] + in_big[i] : page_pa(i * 37 % POOL_PAGES) + (i * 264 & 4095);
  return pa - RAM_BASE;
}

static void part_super(void)
{
  for (unsigned b = 0; b < 2; b++) {
    for (unsigned long i = 0; i < MEGA_BYTES / 8; i++) {
      big[b][i] = (i + 1) * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)(b + 1) << 40);
    }
  }
  space_init(&sp, SP_ASID);
  volatile unsigned long *l1a = pte_slot(&sp, SP_VA0, 1), *l1b = pte_slot(&sp, SP_VA1, 1);
  volatile unsigned long *giga = pte_slot(&sp, GIGA_VA, 2);
  const unsigned long rw = PTE_R | PTE_W;
  const unsigned long leaf_a = pte_leaf_of((unsigned long)big[0], rw), leaf_b = pte_leaf_of((unsigned long)big[1], rw);
  const unsigned long leaf_g = pte_leaf_of(RAM_BASE, rw);
  *l1a = leaf_a;
  *l1b = leaf_b;
  *giga = leaf_g;
  sfence_vma_asid(SP_ASID);
  use_space(&sp);

  /* Loads and stores at several offsets of both 2 MiB leaves; the stores seen through the identity map. */
  for (unsigned i = 0; i < SP_NOFFS; i++) {
    uint64_t v = vload(SP_VA0 + sp_offsets[i]);
    fold(v);
    fold(vload(SP_VA1 + sp_offsets[i]));
    vstore(SP_VA0 + sp_offsets[i], v ^ 0x5555);
  }
  for (unsigned i = 0; i < SP_NOFFS; i++) {
    fold(big[0][sp_offsets[i] / 8]);
  }

  /* The first leaf onto big[1], fenced at one address inside it; then back, fenced for all spaces. */
  *l1a = leaf_b;
  sfence_vma_va_asid(SP_VA0 + 0x3000, SP_ASID);
  sp_read_all(SP_VA0);
  vstore(SP_VA0 + 0x7f000, 0x1234);
  fold(big[1][0x7f000 / 8]);
  *l1a = leaf_a;
  sfence_vma_va(SP_VA0 + 0x1ff000);
  sp_read_all(SP_VA0);

  /* Read-only and unmapped 2 MiB leaves: every access must fault, whatever was touched before. */
  sp_faulting_stores(SP_VA1, MEGA_BYTES, l1b, pte_leaf_of((unsigned long)big[1], PTE_R), leaf_b, 0);
  sp_faulting_stores(SP_VA1, MEGA_BYTES, l1b, leaf_b & ~PTE_V, leaf_b, 1);
  sp_read_all(SP_VA1);

  /* Split: the 2 MiB leaf becomes a table of 4 KiB leaves onto the same RAM, except pages 1, 256 and 511
     (onto big[1]); then page 5 of the table is remapped on its own; then the leaf comes back (merge). A
     non-leaf entry changed, so the fences are for the whole space. */
  unsigned long *l0 = table_alloc();
  for (unsigned i = 0; i < 512; i++) {
    l0[i] = pte_leaf_of((unsigned long)big[0] + i * PAGE_BYTES, rw);
  }
  l0[1] = pte_leaf_of((unsigned long)big[1] + 9 * PAGE_BYTES, rw);
  l0[256] = pte_leaf_of((unsigned long)big[1] + 300 * PAGE_BYTES, rw);
  l0[511] = pte_leaf_of((unsigned long)big[1], rw);
  *l1a = pte_table_of(l0);
  sfence_vma_asid(SP_ASID);
  sp_read_all(SP_VA0);
  for (unsigned i = 0; i < SP_NOFFS; i++) {
    vstore(SP_VA0 + sp_offsets[i], sp_offsets[i] * 3);
  }
  l0[5] = pte_leaf_of((unsigned long)big[1] + 5 * PAGE_BYTES, rw);
  sfence_vma_va_asid(SP_VA0 + 5 * PAGE_BYTES, SP_ASID);
  sp_read_all(SP_VA0);
  *l1a = leaf_a;
  sfence_vma_all();
  sp_read_all(SP_VA0);
  table_release(l0);

  /* The 1 GiB leaf: loads and stores at RAM in big[1] and the pool, checked through the identity map;
     then read-only and unmapped, fenced elsewhere in the gigabyte. */
  for (unsigned i = 0; i < 8; i++) {
    unsigned long off = giga_off(i);
    uint64_t v = vload(GIGA_VA + off);
    fold(v);
    vstore(GIGA_VA + off, v + i);
    fold(*(volatile uint64_t *)(RAM_BASE + off));
  }
  for (unsigned i = 0; i < 8; i++) {
    unsigned long a = GIGA_VA + giga_off(i);
    unsigned long fence_va = GIGA_VA + giga_off((i + 3) & 7);
    *giga = (i & 1) ? (leaf_g & ~PTE_V) : pte_leaf_of(RAM_BASE, PTE_R);
    if (i & 2) {
      sfence_vma_va_asid(fence_va, SP_ASID);
    } else {
      sfence_vma_va(fence_va);
    }
    sp_fix_leaf = leaf_g;
    arm(sp_fix);
    if (i & 1) {
      fold(vload(a));
    } else {
      vstore(a, i);
    }
    expect_done();
  }
  use_space(0);
  for (unsigned b = 0; b < 2; b++) {
    for (unsigned i = 0; i < SP_NOFFS; i++) {
      fold(big[b][sp_offsets[i] / 8]);
    }
  }
  space_free(&sp);
  sfence_vma_all();
}

/* ---- part 4: A and D ---- */

#define AD_PAGES 6
#define AD_ASID 8

static struct space ad;

static void ad_fold_ptes(volatile unsigned long **ptes, unsigned n)
{
  for (unsigned i = 0; i < n; i++) {
    fold((*ptes[i] & (PTE_A | PTE_D)) | ((uint64_t)i << 32));
  }
}

static void part_ad(void)
{
  unsigned phys[AD_PAGES];
  volatile unsigned long *ptes[AD_PAGES + 2];
  space_init(&ad, AD_ASID);
  for (unsigned i = 0; i < AD_PAGES; i++) {
    phys[i] = page_alloc();
    ptes[i] = pte_slot(&ad, WINDOW_VA + i * PAGE_BYTES, 0);
    /* Page 5 is read-only. */
    *ptes[i] = pte_leaf_clean(page_pa(phys[i]), PTE_R | (i == 5 ? 0 : PTE_W));
  }
  ptes[AD_PAGES] = pte_slot(&ad, WINDOW_VA + MEGA_BYTES, 1);
  *ptes[AD_PAGES] = pte_leaf_clean((unsigned long)big[1], PTE_R | PTE_W);
  ptes[AD_PAGES + 1] = pte_slot(&ad, GIGA_VA, 2);
  *ptes[AD_PAGES + 1] = pte_leaf_clean(RAM_BASE, PTE_R | PTE_W);
  sfence_vma_asid(AD_ASID);
  use_space(&ad);

  /* Round 1: load 0, store 1, load and store 2, load 3 and 5, leave 4 alone. */
  const unsigned long P = PAGE_BYTES;
  fold(vload(WINDOW_VA + 0 * P + 8));
  vstore(WINDOW_VA + 1 * P + 16, 1);
  fold(vload(WINDOW_VA + 2 * P + 24));
  vstore(WINDOW_VA + 2 * P + 24, 2);
  fold(vload(WINDOW_VA + 3 * P + 4088));
  fold(vload(WINDOW_VA + 5 * P));
  ad_fold_ptes(ptes, AD_PAGES);

  /* Round 2: A and D cleared everywhere (each page fenced with another form); store 0 (a store sets A
     too), load 1, nothing on 2, load and store 4. */
  for (unsigned i = 0; i < AD_PAGES; i++) {
    *ptes[i] &= ~(PTE_A | PTE_D);
    fence_form(i, WINDOW_VA + i * P, AD_ASID);
  }
  vstore(WINDOW_VA + 0 * P + 32, 3);
  fold(vload(WINDOW_VA + 1 * P + 40));
  fold(vload(WINDOW_VA + 4 * P + 48));
  vstore(WINDOW_VA + 4 * P + 56, 4);
  ad_fold_ptes(ptes, AD_PAGES);

  /* Round 3: D cleared where set; loads must leave it clear, then a store to 4 sets it again. */
  for (unsigned i = 0; i < AD_PAGES; i++) {
    *ptes[i] &= ~PTE_D;
    sfence_vma_va_asid(WINDOW_VA + i * P, AD_ASID);
  }
  for (unsigned i = 0; i < AD_PAGES; i++) {
    fold(vload(WINDOW_VA + i * P + 64));
  }
  ad_fold_ptes(ptes, AD_PAGES);
  vstore(WINDOW_VA + 4 * P + 72, 5);
  ad_fold_ptes(ptes, AD_PAGES);

  /* A 2 MiB and a 1 GiB leaf: a load sets A, a store at another offset D. */
  fold(vload(WINDOW_VA + MEGA_BYTES + 0x1000));
  ad_fold_ptes(ptes + AD_PAGES, 2);
  vstore(WINDOW_VA + MEGA_BYTES + 0x150000, 6);
  fold(vload(GIGA_VA + ((unsigned long)big[1] - RAM_BASE) + 0x2000));
  ad_fold_ptes(ptes + AD_PAGES, 2);
  vstore(GIGA_VA + ((unsigned long)big[0] - RAM_BASE) + 0x3000, 7);
  ad_fold_ptes(ptes + AD_PAGES, 2);

  use_space(0);
  fold(big[1][0x150000 / 8]);
  fold(big[0][0x3000 / 8]);
  for (unsigned i = 0; i < AD_PAGES; i++) {
    for (unsigned w = 0; w < 10; w++) {
      fold(pool[phys[i]][w]);
    }
    page_put(phys[i]);
  }
  space_free(&ad);
  sfence_vma_all();
}

/* ---- part 5: ASID reuse ---- */

#define AR_ITERS 60
#define AR_PAGES 4
#define AR_PHYS 12
#define AR_ASID 9 /* 9, 10, 11 */

static struct space ar[2];
static int ar_live[2], ar_big[2];

static void part_asid(void)
{
  unsigned phys[AR_PHYS];
  for (unsigned i = 0; i < AR_PHYS; i++) {
    phys[i] = page_alloc();
  }
  for (unsigned it = 0; it < AR_ITERS; it++) {
    uint64_t r = bench_rand(&seed);
    unsigned slot = it & 1;
    if (ar_live[slot]) {
      /* Freed without a fence: whoever uses its ASID next fences it. */
      space_free(&ar[slot]);
    }
    /* Any of the three ASIDs but the other live space's. */
    unsigned long asid = AR_ASID + (unsigned)(r % 3);
    if (ar_live[1 - slot] && ar[1 - slot].asid == asid) {
      asid = AR_ASID + (unsigned)((r % 3 + 1 + ((r >> 40) & 1)) % 3);
    }
    space_init(&ar[slot], asid);
    for (unsigned p = 0; p < AR_PAGES; p++) {
      *pte_slot(&ar[slot], WINDOW_VA + p * PAGE_BYTES, 0) =
        pte_leaf_of(page_pa(phys[(r >> (8 + 4 * p)) % AR_PHYS]), PTE_R | PTE_W);
    }
    /* Every other pair of iterations also a 2 MiB leaf, onto either run. */
    ar_big[slot] = (it & 2) != 0;
    if (ar_big[slot]) {
      *pte_slot(&ar[slot], WINDOW_VA + MEGA_BYTES, 1) =
        pte_leaf_of((unsigned long)big[(it >> 2) & 1], PTE_R | PTE_W);
    }
    ar_live[slot] = 1;
    sfence_vma_asid(asid);

    /* Back and forth between the two live spaces. */
    for (unsigned k = 0; k < 6; k++) {
      unsigned s = (k & 1) ? 1 - slot : slot;
      if (!ar_live[s]) {
        continue;
      }
      use_space(&ar[s]);
      for (unsigned p = 0; p < AR_PAGES; p++) {
        unsigned long va = WINDOW_VA + p * PAGE_BYTES + ((it * 8 + k + p * 3) & 511) * 8;
        uint64_t v = vload(va);
        fold(v);
        vstore(va, v + it);
      }
      if (ar_big[s]) {
        fold(vload(WINDOW_VA + PAGE_BYTES * 600));
      }
    }
    use_space(0);
  }
  for (unsigned s = 0; s < 2; s++) {
    space_free(&ar[s]);
    ar_live[s] = 0;
  }
  for (unsigned i = 0; i < AR_PHYS; i++) {
    for (unsigned w = 0; w < WORDS_PER_PAGE; w += 8) {
      fold(pool[phys[i]][w]);
    }
    page_put(phys[i]);
  }
  sfence_vma_all();
}

/* ---- part 6: many address spaces ---- */

#define MS_SPACES 20
#define MS_SHARED 8
#define MS_SPARE 8
#define MS_ROUNDS 60
#define MS_ASID 12 /* 12 .. 31 */

static struct space ms[MS_SPACES];

static void part_many(void)
{
  unsigned shared[MS_SHARED], spare[MS_SPARE], priv[MS_SPACES];
  unsigned long *gl1 = table_alloc(), *gl0 = table_alloc();
  gl1[vpn_of(GLOBAL_VA, 1)] = pte_table_of(gl0);
  for (unsigned i = 0; i < MS_SHARED; i++) {
    shared[i] = page_alloc();
    gl0[i] = pte_leaf_of(page_pa(shared[i]), PTE_R | PTE_W | PTE_G);
  }
  for (unsigned i = 0; i < MS_SPARE; i++) {
    spare[i] = page_alloc();
  }
  for (unsigned s = 0; s < MS_SPACES; s++) {
    space_init(&ms[s], MS_ASID + s);
    ms[s].root[vpn_of(GLOBAL_VA, 2)] = pte_table_of(gl1);
    priv[s] = page_alloc();
    *pte_slot(&ms[s], WINDOW_VA, 0) = pte_leaf_of(page_pa(priv[s]), PTE_R | PTE_W);
    sfence_vma_asid(MS_ASID + s);
  }

  unsigned n = 0;
  for (unsigned round = 0; round < MS_ROUNDS; round++) {
    for (unsigned s = 0; s < MS_SPACES; s++, n++) {
      use_space(&ms[s]);
      unsigned long pv = WINDOW_VA + ((round * 7 + s) & 511) * 8;
      uint64_t v = vload(pv);
      fold(v);
      vstore(pv, v ^ n);
      for (unsigned k = 0; k < 3; k++) {
        unsigned long gv = GLOBAL_VA + ((s + round + k * 3) % MS_SHARED) * PAGE_BYTES + ((n * 5 + k) & 511) * 8;
        uint64_t g = vload(gv);
        fold(g);
        vstore(gv, g + s);
      }
      if (n % 5 == 4) {
        /* A shared page swapped with a spare one: global, so fenced for every address space. */
        unsigned j = (n / 5) % MS_SHARED, q = (n / 5) % MS_SPARE, t = shared[j];
        shared[j] = spare[q];
        spare[q] = t;
        gl0[j] = pte_leaf_of(page_pa(shared[j]), PTE_R | PTE_W | PTE_G);
        sfence_vma_va(GLOBAL_VA + j * PAGE_BYTES);
      }
      if (n % 11 == 10) {
        /* The private pages of this space and of one not running, swapped. */
        unsigned o = (s + 1 + round % (MS_SPACES - 1)) % MS_SPACES, t = priv[s];
        priv[s] = priv[o];
        priv[o] = t;
        *pte_slot(&ms[s], WINDOW_VA, 0) = pte_leaf_of(page_pa(priv[s]), PTE_R | PTE_W);
        *pte_slot(&ms[o], WINDOW_VA, 0) = pte_leaf_of(page_pa(priv[o]), PTE_R | PTE_W);
        sfence_vma_va_asid(WINDOW_VA, ms[s].asid);
        sfence_vma_va_asid(WINDOW_VA, ms[o].asid);
        fold(vload(WINDOW_VA + 8 * s));
      }
    }
  }
  use_space(0);
  for (unsigned s = 0; s < MS_SPACES; s++) {
    ms[s].root[vpn_of(GLOBAL_VA, 2)] = 0; /* the shared tables are not the space's own */
    space_free(&ms[s]);
    for (unsigned w = s & 7; w < WORDS_PER_PAGE; w += 8) {
      fold(pool[priv[s]][w]);
    }
    page_put(priv[s]);
  }
  for (unsigned i = 0; i < MS_SHARED; i++) {
    for (unsigned w = i; w < WORDS_PER_PAGE; w += 8) {
      fold(pool[shared[i]][w]);
    }
    page_put(shared[i]);
    page_put(spare[i]);
  }
  table_release(gl0);
  table_release(gl1);
  sfence_vma_all();
}

static uint64_t bench_run(void)
{
  static void (*const parts[])(void) = {part_fork, part_remap, part_super, part_ad, part_asid, part_many};
  allocators_init();
  flush = asids_alias(MAX_ASID);
  write_csr(stvec, pg_trap_entry);
  for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
    parts[i]();
#ifdef BENCH_VERBOSE
    printf("part %u acc=%016lx\n", i + 1, (unsigned long)acc);
#endif
  }
  write_csr(stvec, s_trap_entry);
#ifdef BENCH_VERBOSE
  printf("cow copies %lu reuses %lu, A/D faults %lu, pages free %u/%u, tables free %u/%u\n", cow_copies,
         cow_reuses, ad_faults, page_free_top, POOL_PAGES, table_free_top, TABLE_PAGES);
#endif
  return acc;
}
