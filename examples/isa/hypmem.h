/* Helpers for hyp-mem.S (two-stage address translation tests).

   Every run in a lower mode ends with a trap into M-mode, which `record_trap` (HM_TRAP_RECORDER)
   records before resuming M-mode code at the address in s5 (mret with MPP = M and MPV = 0, so
   V stays 0; MPV is cleared as well because QEMU 7.2 sets V = MPV even when MPP = M):
     s2 = mcause, s3 = mepc, s4 = mtval, s6 = mstatus, s7 = mtval2, s8 = mtinst.
   The HS-mode handler (stvec) and the VS-mode handler (vstvec) copy their trap CSRs into
   registers, set s9 to say which one ran (1 = HS, 2 = VS; the run macros clear it) and ecall
   into M-mode:
     HS: a2 = scause, a3 = sepc, a4 = stval, a5 = hstatus, a6 = htval, a7 = htinst
     VS: a2 = scause, a3 = sepc, a4 = stval (these are vscause, vsepc, vstval: V = 1)
   HM_RUN_VS/HS(n, code) set gp = n and enter the mode with mret (MPP and MPV); the code is
   followed by an ecall, so s2 afterwards holds either the cause of the trap the code raised or
   the ecall cause (9 HS, 10 VS). HM_RUN_M(n, code) runs the code in M-mode; s2 = 0 afterwards
   unless it trapped. Code run this way may use a0, a1, t1, t2 and must leave s1-s11 alone. */
#ifndef VMSCOPE_ISA_HYPMEM_H
#define VMSCOPE_ISA_HYPMEM_H

#include "priv.h"

#ifdef __ASSEMBLER__
  .option arch, +h
#endif

#define MSTATUS_GVA  0x4000000000
#define MSTATUS_MPV  0x8000000000

#define HSTATUS_GVA   0x40
#define HSTATUS_SPV   0x80
#define HSTATUS_SPVP  0x100
#define HSTATUS_VSXL_64 0x200000000

#define HGATP_SV39X4 0x8000000000000000
#define SATP_SV39    0x8000000000000000

#define CAUSE_ECALL_VS        10
#define CAUSE_FETCH_GUEST     20
#define CAUSE_LOAD_GUEST      21
#define CAUSE_STORE_GUEST     23

/* PTE bits (supervisor chapter, Sv39 page table entry). */
#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80

/* Pseudoinstructions written to mtinst/htinst for guest-page faults of implicit VS-stage
   page-table accesses when VSXLEN = 64 (hypervisor chapter, "Transformed Instruction or
   Pseudoinstruction for mtinst or htinst"). */
#define TINST_PT_READ  0x3000
#define TINST_PT_WRITE 0x3020

/* Enter a mode with mret: `mpp` is MPP_S/MPP_U, `mpv` is MSTATUS_MPV or 0. */
#define HM_RUN(mpp, mpv, n, code...) \
  li gp, n; li s2, -1; li s4, -1; li s7, -1; li s8, -1; li s9, 0; la s5, 9f; la t0, 8f; \
  csrw mepc, t0; li t0, MSTATUS_MPP | MSTATUS_MPV; csrc mstatus, t0; \
  li t0, (mpp) | (mpv); csrs mstatus, t0; mret; \
8: code; ecall; j fail; 9:

#define HM_RUN_VS(n, code...) HM_RUN(MPP_S, MSTATUS_MPV, n, code)
#define HM_RUN_HS(n, code...) HM_RUN(MPP_S, 0, n, code)

/* Run `code` in M-mode; a trap resumes after it with the record in s2-s8. */
#define HM_RUN_M(n, code...) \
  li gp, n; li s2, -1; li s4, -1; li s7, -1; li s8, -1; li s9, 0; la s5, 9f; code; \
  li s2, 0; 9:

#define HM_TRAP_RECORDER \
  .balign 4; \
record_trap: \
  csrr s2, mcause; csrr s3, mepc; csrr s4, mtval; csrr s6, mstatus; \
  csrr s7, mtval2; csrr s8, mtinst; \
  li t0, MSTATUS_MPRV | MSTATUS_MPV; csrc mstatus, t0; \
  li t0, MSTATUS_MPP; csrs mstatus, t0; \
  csrw mepc, s5; mret

#define HM_HS_HANDLER \
  .balign 4; \
hs_handler: \
  csrr a2, scause; csrr a3, sepc; csrr a4, stval; csrr a5, hstatus; \
  csrr a6, htval; csrr a7, htinst; li s9, 1; ecall; j fail

#define HM_VS_HANDLER \
  .balign 4; \
vs_handler: \
  csrr a2, scause; csrr a3, sepc; csrr a4, stval; li s9, 2; ecall; j fail

/* Checks on the M-mode record (s2-s8). */
#define EXPECT_MTVAL2(v) li t6, v; bne s7, t6, fail
#define EXPECT_MTINST(v) li t6, v; bne s8, t6, fail
#define EXPECT_MPV(v) srli t6, s6, 39; andi t6, t6, 1; li t5, v; bne t6, t5, fail
#define EXPECT_MGVA(v) srli t6, s6, 38; andi t6, t6, 1; li t5, v; bne t6, t5, fail
#define EXPECT_MPP(mpp) li t5, MSTATUS_MPP; and t6, s6, t5; li t5, mpp; bne t6, t5, fail
#define EXPECT_HANDLER(h) li t6, h; bne s9, t6, fail
#define EXPECT_REG(reg, v) li t6, v; bne reg, t6, fail
/* reg & mask must equal value. */
#define EXPECT_BITS(reg, mask, value) li t5, mask; and t6, reg, t5; li t5, value; bne t6, t5, fail

/* A guest-page fault recorded in M-mode from V = 1: cause, mtval = the guest virtual address,
   mtval2 = the guest physical address >> 2, mstatus.GVA = 1 and MPV = 1. */
#define EXPECT_GPF_M(cause, gva, gpa) \
  EXPECT_CAUSE(cause); EXPECT_TVAL(gva); EXPECT_MTVAL2((gpa) >> 2); EXPECT_MGVA(1); EXPECT_MPV(1)
/* mtinst after a fault of an explicit access: zero or a transformed instruction; when
   nonzero, this file only accepts the transformation `tinst` of the faulting instruction. */
#define EXPECT_MTINST_EXPLICIT(tinst) beqz s8, 7f; li t6, tinst; bne s8, t6, fail; 7:

/* Build a PTE: dst = (pa >> 12) << 10 | flags. */
#define MAKE_PTE(dst, pa_reg, flags) srli dst, pa_reg, 12; slli dst, dst, 10; ori dst, dst, flags

#endif
