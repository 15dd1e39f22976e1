/* Physical memory protection (privileged spec 3.7): a NAPOT entry with no permissions in
   front of an all-memory RWX entry denies S-mode loads, stores and fetches in one 4 KiB page
   (access-fault causes 5/7/1, mtval = the address), M-mode is unaffected while the entry is
   unlocked, a TOR entry and a read-only entry behave as specified, and locking an entry
   (L = 1) applies it to M-mode too. */
#include "test.h"
#include "priv.h"

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_TOR 0x08
#define PMP_NAPOT 0x18
#define PMP_L 0x80

  .text
  .globl test_main
test_main:
  la t0, record_trap
  csrw mtvec, t0
  csrw satp, zero
  la s0, guarded           /* 4 KiB page, 4 KiB aligned */
  /* Entry 0: NAPOT over `guarded`, no permissions; entry 1: NAPOT everything, RWX. */
  srli t0, s0, 2
  ori t0, t0, 0x1ff
  csrw pmpaddr0, t0
  li t0, -1
  csrw pmpaddr1, t0
  li t0, ((PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 8) | PMP_NAPOT
  csrw pmpcfg0, t0
  /* The address register reads back as written (granularity 4 bytes on both targets). */
  li gp, 1
  csrr a0, pmpaddr0
  srli t0, s0, 2
  ori t0, t0, 0x1ff
  bne a0, t0, fail

  /* M-mode ignores unlocked entries. */
  li gp, 2
  li a1, 0x1234
  sd a1, 16(s0)
  ld a0, 16(s0)
  bne a0, a1, fail
  /* S-mode load / store / fetch in the page fault with access faults. */
  RUN_IN(MPP_S, 3, ld a0, 8(s0))
  EXPECT_CAUSE(CAUSE_LOAD_ACCESS)
  addi t0, s0, 8
  EXPECT_TVAL_REG(t0)
  RUN_IN(MPP_S, 4, sw a0, 0x40(s0))
  EXPECT_CAUSE(CAUSE_STORE_ACCESS)
  addi t0, s0, 0x40
  EXPECT_TVAL_REG(t0)
  RUN_IN(MPP_S, 5, jalr s0)
  EXPECT_CAUSE(CAUSE_FETCH_ACCESS)
  EXPECT_TVAL_REG(s0)
  /* Just past the page is fine. */
  li t0, 4096
  add s1, s0, t0
  RUN_IN(MPP_S, 6, ld a0, 0(s1))
  EXPECT_CAUSE(CAUSE_ECALL_S)
  /* An AMO needs write permission: R-only entry 0 → store/AMO access fault. */
  li t0, ((PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 8) | PMP_NAPOT | PMP_R
  csrw pmpcfg0, t0
  RUN_IN(MPP_S, 7, ld a0, 16(s0))
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li gp, 8
  li t6, 0x1234
  bne a0, t6, fail
  RUN_IN(MPP_S, 9, amoadd.d a0, a1, (s0))
  EXPECT_CAUSE(CAUSE_STORE_ACCESS)
  EXPECT_TVAL_REG(s0)

  /* TOR: entry 0 off, entry 1 = TOR [pmpaddr0, pmpaddr1) with R only, entry 2 = all RWX. */
  srli t0, s0, 2
  csrw pmpaddr0, t0
  addi t0, t0, 256           /* 1 KiB */
  csrw pmpaddr1, t0
  li t0, -1
  csrw pmpaddr2, t0
  li t0, ((PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 16) | ((PMP_TOR | PMP_R) << 8)
  csrw pmpcfg0, t0
  RUN_IN(MPP_S, 10, sd a0, 0x3f8(s0))
  EXPECT_CAUSE(CAUSE_STORE_ACCESS)
  RUN_IN(MPP_S, 11, sd a0, 0x400(s0); ld a0, 0(s0))
  EXPECT_CAUSE(CAUSE_ECALL_S)
  /* U-mode is checked the same way. */
  RUN_IN(MPP_U, 12, sd a0, 0(s0))
  EXPECT_CAUSE(CAUSE_STORE_ACCESS)

  /* Locked R-only entry 0 over the page: now M-mode stores fault too (3.7.1.2). Entry 1
     (all RWX) stays behind it. This cannot be undone, so it comes last. */
  srli t0, s0, 2
  ori t0, t0, 0x1ff
  csrw pmpaddr0, t0
  li t0, -1
  csrw pmpaddr1, t0
  li t0, ((PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 8) | PMP_L | PMP_NAPOT | PMP_R
  csrw pmpcfg0, t0
  li gp, 13
  ld a0, 16(s0)              /* reads are still allowed */
  li t6, 0x1234
  bne a0, t6, fail
  li gp, 14
  la s5, 1f
  sd a0, 24(s0)
  j fail
1:
  EXPECT_CAUSE(CAUSE_STORE_ACCESS)
  addi t0, s0, 24
  EXPECT_TVAL_REG(t0)
  /* A locked entry ignores writes to its address and configuration. */
  li gp, 15
  csrw pmpaddr0, zero
  csrr a0, pmpaddr0
  beqz a0, fail
  csrr a0, pmpcfg0
  andi a0, a0, 0xff
  li t6, PMP_L | PMP_NAPOT | PMP_R
  bne a0, t6, fail
  j pass

  TRAP_RECORDER

  .data
  .balign 4096
guarded:
  .fill 512, 8, 0
  .fill 512, 8, 0
