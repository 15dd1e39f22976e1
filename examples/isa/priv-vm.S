/* Sv39 virtual memory (privileged spec 4.3-4.4): translation of loads, stores and fetches,
   page faults with the faulting address in mtval/stval (invalid PTE, permission, W-without-R,
   U-page rules with SUM, MXR, misaligned superpage, non-canonical address), delegation of a
   page fault to S-mode, sfence.vma after a PTE change, mstatus.TVM, and MPRV. A PTE with
   A = 0 or D = 0 may either fault or have the bit set by the hart (Svade vs. hardware
   update, 4.3.1); both are accepted since QEMU 7.2 always updates them. */
#include "test.h"
#include "priv.h"

#define V 0x01
#define R 0x02
#define W 0x04
#define X 0x08
#define U 0x10
#define A 0x40
#define D 0x80
#define VBASE 0x40000000
#define SATP_SV39 (8 << 60)

/* t0 = leaf PTE for physical address in `pa_reg` with `flags`. */
#define MAKE_PTE(pa_reg, flags) srli t0, pa_reg, 12; slli t0, t0, 10; ori t0, t0, flags
/* l0[idx] = PTE(pa_reg, flags) */
#define SET_L0(idx, pa_reg, flags) MAKE_PTE(pa_reg, flags); sd t0, (idx * 8)(s7)

/* Run `code` in U-mode through the user alias of this program at VA + 1 GiB (root[3]). */
#define RUN_IN_U(n, code...) \
  li gp, n; li s2, -1; li s4, -1; la s5, 9f; la t0, 8f; li t1, 0x40000000; add t0, t0, t1; \
  csrw mepc, t0; li t0, MSTATUS_MPP; csrc mstatus, t0; mret; \
8: code; ecall; j fail; 9:

  .text
  .globl test_main
test_main:
  la t0, record_trap
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  csrw medeleg, zero
  li t0, 7
  csrw mcounteren, t0

  /* Page tables. root[0]: gigapage at 0 (devices), root[2]: gigapage at 2 GiB (this
     program), root[3]: the same physical gigapage as a user-executable alias, root[1] -> l1; l1[0] -> l0 (4 KiB test pages), l1[1]: a misaligned 2 MiB leaf. */
  la s6, root
  la s8, l1
  la s7, l0
  li t0, (V | R | W | A | D)
  sd t0, 0(s6)
  li t1, 0x80000000
  MAKE_PTE(t1, V | R | W | X | A | D)
  sd t0, 16(s6)
  MAKE_PTE(t1, V | R | X | U | A)
  sd t0, 24(s6)
  srli t0, s8, 12
  slli t0, t0, 10
  ori t0, t0, V
  sd t0, 8(s6)
  srli t0, s7, 12
  slli t0, t0, 10
  ori t0, t0, V
  sd t0, 0(s8)
  li t1, 0x80001000          /* PPN[0] != 0 in a 2 MiB leaf */
  MAKE_PTE(t1, V | R | W | A | D)
  sd t0, 8(s8)
  la s9, page0
  la s10, page1
  la s11, vmcode
  SET_L0(0, s9, V | R | W | A | D)
  SET_L0(2, s9, V | R | A | D)
  SET_L0(3, s9, V | R | W | A | D)
  SET_L0(4, s9, V | R | W | A | D | U)
  SET_L0(5, s9, V | W | A | D)
  SET_L0(6, s9, V | R | W | D)
  SET_L0(7, s9, V | R | W | A)
  SET_L0(8, s9, V | X | A)
  SET_L0(9, s10, V | R | W | A | D)
  SET_L0(10, s11, V | R | X | A)
  srli t0, s6, 12
  li t1, SATP_SV39
  or t0, t0, t1
  csrw satp, t0
  sfence.vma

  li s1, VBASE
  /* 1: a mapped page reads the physical page's contents. */
  RUN_IN(MPP_S, 1, ld a0, 0(s1))
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t6, 0x0123456789abcdef
  bne a0, t6, fail
  /* 2: invalid PTE → load page fault, mtval = the virtual address. */
  RUN_IN(MPP_S, 2, li t1, VBASE + 0x1008; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_LOAD_PAGE)
  EXPECT_TVAL(VBASE + 0x1008)
  /* 3: store to a read-only page → store page fault; loading from it is fine. */
  RUN_IN(MPP_S, 3, li t1, VBASE + 0x2010; sd a0, 0(t1))
  EXPECT_CAUSE(CAUSE_STORE_PAGE)
  EXPECT_TVAL(VBASE + 0x2010)
  RUN_IN(MPP_S, 4, li t1, VBASE + 0x2000; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_ECALL_S)
  /* 5: fetch from a page without X → instruction page fault. */
  RUN_IN(MPP_S, 5, li t1, VBASE + 0x3000; jalr t1)
  EXPECT_CAUSE(CAUSE_FETCH_PAGE)
  EXPECT_TVAL(VBASE + 0x3000)
  /* 6: fetch through a mapping runs the code at the physical page. */
  RUN_IN(MPP_S, 6, li a0, 0; li t1, VBASE + 0xa000; jalr t1)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t6, 0x77
  bne a0, t6, fail

  /* 7-10: U pages: S-mode needs SUM to load; U-mode can, but not from S pages. */
  RUN_IN(MPP_S, 7, li t1, VBASE + 0x4000; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_LOAD_PAGE)
  EXPECT_TVAL(VBASE + 0x4000)
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  RUN_IN(MPP_S, 8, li t1, VBASE + 0x4000; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_ECALL_S)
  /* U-mode reads its page and faults on a supervisor page. */
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  RUN_IN_U(9, li t1, VBASE + 0x4000; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_ECALL_U)
  RUN_IN_U(10, ld a0, 0(s1))
  EXPECT_CAUSE(CAUSE_LOAD_PAGE)
  EXPECT_TVAL(VBASE)

  /* 11: W without R is a reserved encoding → page fault for loads and stores. */
  RUN_IN(MPP_S, 11, li t1, VBASE + 0x5000; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_LOAD_PAGE)
  RUN_IN(MPP_S, 12, li t1, VBASE + 0x5000; sd a0, 0(t1))
  EXPECT_CAUSE(CAUSE_STORE_PAGE)

  /* 13: A = 0: either a load page fault, or success with A now set in the PTE. */
  RUN_IN(MPP_S, 13, li t1, VBASE + 0x6000; ld a0, 0(t1))
  li t6, CAUSE_LOAD_PAGE
  beq s2, t6, 1f
  EXPECT_CAUSE(CAUSE_ECALL_S)
  ld t0, (6 * 8)(s7)
  andi t0, t0, A
  beqz t0, fail
  j 2f
1:
  EXPECT_TVAL(VBASE + 0x6000)
2:
  /* 14: D = 0: either a store page fault, or success with A and D now set. */
  RUN_IN(MPP_S, 14, li t1, VBASE + 0x7000; sd zero, 8(t1))
  li t6, CAUSE_STORE_PAGE
  beq s2, t6, 1f
  EXPECT_CAUSE(CAUSE_ECALL_S)
  ld t0, (7 * 8)(s7)
  andi t0, t0, D
  beqz t0, fail
  j 2f
1:
  EXPECT_TVAL(VBASE + 0x7008)
2:

  /* 15-16: execute-only page: loads fault unless mstatus.MXR is set. */
  RUN_IN(MPP_S, 15, li t1, VBASE + 0x8000; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_LOAD_PAGE)
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  RUN_IN(MPP_S, 16, li t1, VBASE + 0x8000; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t6, 0x0123456789abcdef
  bne a0, t6, fail
  li t0, MSTATUS_MXR
  csrc mstatus, t0

  /* 17: a misaligned superpage (PPN[0] != 0 in a 2 MiB leaf) → page fault (4.3.2 step 6). */
  RUN_IN(MPP_S, 17, li t1, VBASE + 0x200000; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_LOAD_PAGE)
  EXPECT_TVAL(VBASE + 0x200000)
  /* 18: bits 63:39 must equal bit 38 → page fault. */
  RUN_IN(MPP_S, 18, li t1, 0x0000004000000000; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_LOAD_PAGE)
  EXPECT_TVAL(0x0000004000000000)

  /* 19-20: after changing a PTE, sfence.vma makes the new mapping visible. */
  RUN_IN(MPP_S, 19, li t1, VBASE + 0x9000; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t6, 0xfedcba9876543210
  bne a0, t6, fail
  SET_L0(9, s9, V | R | W | A | D)
  RUN_IN(MPP_S, 20, sfence.vma; li t1, VBASE + 0x9000; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t6, 0x0123456789abcdef
  bne a0, t6, fail
  /* An address-specific fence after invalidating the PTE: the page now faults. */
  sd zero, (9 * 8)(s7)
  RUN_IN(MPP_S, 21, li t1, VBASE + 0x9000; sfence.vma t1, zero; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_LOAD_PAGE)

  /* 27: S-mode never executes from a U page, even with SUM set (4.3.1). */
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  RUN_IN(MPP_S, 27, la t1, vmcode; li t2, 0x40000000; add t1, t1, t2; jalr t1)
  EXPECT_CAUSE(CAUSE_FETCH_PAGE)
  la t1, vmcode
  li t2, 0x40000000
  add t1, t1, t2
  EXPECT_TVAL_REG(t1)
  li t0, MSTATUS_SUM
  csrc mstatus, t0

  /* 22-23: mstatus.TVM traps sfence.vma and satp accesses from S-mode. */
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  RUN_IN(MPP_S, 22, sfence.vma)
  EXPECT_CAUSE(CAUSE_ILLEGAL)
  RUN_IN(MPP_S, 23, csrr a0, satp)
  EXPECT_CAUSE(CAUSE_ILLEGAL)
  li t0, MSTATUS_TVM
  csrc mstatus, t0

  /* 24: with medeleg[13] a load page fault goes to stvec: scause 13, stval = address. */
  la t0, s_handler
  csrw stvec, t0
  li t0, (1 << CAUSE_LOAD_PAGE)
  csrw medeleg, t0
  RUN_IN(MPP_S, 24, li t1, VBASE + 0x1010; ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_ECALL_S)   /* the S handler's ecall */
  li t6, CAUSE_LOAD_PAGE
  bne a2, t6, fail
  li t6, VBASE + 0x1010
  bne a3, t6, fail
  csrw medeleg, zero

  /* 25-26: M-mode loads with MPRV = 1 and MPP = S are translated. */
  li gp, 25
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MPP_S | MSTATUS_MPRV
  csrs mstatus, t0
  ld a0, 0(s1)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  li t6, 0x0123456789abcdef
  bne a0, t6, fail
  li gp, 26
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MPP_S | MSTATUS_MPRV
  csrs mstatus, t0
  la s5, 1f
  li t1, VBASE + 0x1000
  ld a0, 0(t1)
  j fail
1:
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  EXPECT_CAUSE(CAUSE_LOAD_PAGE)
  EXPECT_TVAL(VBASE + 0x1000)
  csrw satp, zero
  sfence.vma
  j pass

  .balign 4
s_handler:
  csrr a2, scause
  csrr a3, stval
  ecall

  TRAP_RECORDER

  .section .text.vmcode, "ax", @progbits
  .balign 4096
vmcode:
  li a0, 0x77
  ret

  .data
  .balign 4096
page0:
  .dword 0x0123456789abcdef
  .balign 4096
page1:
  .dword 0xfedcba9876543210
  .balign 4096

  .bss
  .balign 4096
root:
  .fill 512, 8, 0
l1:
  .fill 512, 8, 0
l0:
  .fill 512, 8, 0
