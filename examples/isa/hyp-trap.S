/* Hypervisor extension traps and trap returns (privileged spec, chapter "H Extension for
   Hypervisor Support", cited below as H): entering VS/VU-mode with MRET (MPV/MPP) and SRET
   (hstatus.SPV, vsstatus.SPP); ecall causes from every mode; routing of exceptions to M-mode,
   HS-mode (medeleg) or VS-mode (medeleg and hedeleg) with the CSRs each writes (MPV, MPP, GVA,
   SPV, SPVP, SPP, htval, htinst, mtval2, mtinst, vscause/vsepc/vstval/vsstatus) and those it
   must leave alone; hedeleg bits that cannot delegate; VS-level interrupts from hvip taken in
   VS-mode (translated causes) or in HS-mode, the enables that apply in each mode, and the
   priority of simultaneous HS- and VS-level interrupts.

   The harness in hyp.h records every trap that reaches M-mode; the HS-mode and VS-mode handlers
   record their CSRs into registers and ecall to M-mode, so that "which handler ran" (s9) and the
   ecall cause that follows (9 from HS, 10 from VS) show where each trap went. The V of a mode
   is checked by behaviour as well (hstatus is a virtual instruction in VS/VU-mode, an illegal
   one in U-mode, and readable in HS-mode).

   QEMU 7.2 deviates from the specification in the following ways; those checks are left out:
   - MRET with MPP = 3 and MPV = 1 leaves V = 1 in M-mode (sscratch then reads vsscratch: with
     sscratch = 0x1111 and vsscratch = 0x2222 it reads 0x2222); H "mstatus" and "Trap Return"
     say V stays 0 when MPP = 3. MPV and MPP are cleared as required, which is checked; an
     ecall afterwards puts QEMU back to V = 0.
   - An illegal-instruction exception delegated to VS-mode is reported with vscause = 1 instead
     of 2 (the VS-interrupt cause translation 2 -> 1 is applied to the exception code; vstval
     and vsepc are right). H "Trap Entry" / "hideleg": only interrupts are translated.
   - Simultaneous interrupts are taken lowest code first instead of in the order of H "hip and
     hie" (SEI, SSI, STI, SGEI, VSEI, VSSI, VSTI): with SEI, SSI, STI, VSEI, VSSI, VSTI pending
     for HS-mode QEMU takes SSI (scause 0x8000000000000001) before SEI, and with STI, VSEI,
     VSSI, VSTI pending it takes VSSI (0x8000000000000002) before STI and VSEI; delegated to
     VS-mode with VSEI, VSSI, VSTI pending it takes SSI (vscause 0x8000000000000001) before
     SEI. Only the orderings that agree with lowest-code-first are checked.
   - mstatus.GVA is set on a trap into M-mode from V = 1 whenever mtval is nonzero, also when
     mtval holds instruction bits (csrr a0, hstatus in VS-mode: mcause 22, mstatus =
     0x800000ca00006800, GVA = 1), and a trap that must write GVA = 0 leaves an earlier 1 in
     place (a misaligned LR.D in HS-mode after one in VS-mode: mstatus = 0x8000004a00006880).
     H "mstatus" writes GVA on every trap into M-mode, 1 only for a guest virtual address. So
     GVA = 0 is checked only after software cleared it, and not after illegal- or
     virtual-instruction traps. hstatus.GVA is written correctly on traps into HS-mode. */
#include "test.h"
#include "hyp.h"
  .option arch, +h

#define MISALIGNED_OFFSET 4

/* Checks on the HS handler's record (a2 = scause, a3 = sepc, a4 = stval, a5 = hstatus,
   a6 = sstatus, a7 = htval, t3 = htinst) and the VS handler's (a2, a3, a4, a6). */
#define EXPECT_SCAUSE(c) li t6, c; bne a2, t6, fail
#define EXPECT_SEPC(label) la t6, label; bne a3, t6, fail
#define EXPECT_STVAL(v) li t6, v; bne a4, t6, fail
#define EXPECT_HSTATUS(mask, v) EXPECT_BITS(a5, mask, v)
#define EXPECT_SSTATUS(mask, v) EXPECT_BITS(a6, mask, v)
#define EXPECT_HTVAL_HTINST_ZERO bnez a7, fail; bnez t3, fail
/* An HS-handler trap: the handler ran (s9 = 1) and its ecall reached M-mode from HS. */
#define EXPECT_AT_HS EXPECT_HANDLER(1); EXPECT_CAUSE(CAUSE_ECALL_S); EXPECT_MPV(0)
/* A VS-handler trap: the handler ran with V = 1 (s9 = 2, its ecall has cause 10, MPV = 1). */
#define EXPECT_AT_VS EXPECT_HANDLER(2); EXPECT_CAUSE(CAUSE_ECALL_VS); EXPECT_MPV(1)
/* reg lies in [lo, hi] (labels). */
#define EXPECT_IN(reg, lo, hi) la t6, lo; bltu reg, t6, fail; la t6, hi; bgtu reg, t6, fail
/* For a breakpoint from EBREAK, xtval is zero or the address of the instruction (machine
   chapter "mtval"); GVA is set exactly when a guest virtual address was written (H "hstatus",
   "mstatus"). `gva` = the recorded GVA bit. */
#define EXPECT_EBREAK_TVAL(tval, epc, gva) \
  beqz tval, 1f; bne tval, epc, fail; beqz gva, fail; j 2f; 1: bnez gva, fail; 2:
/* mtinst/htinst after a load (or LR) fault: zero or the transformed instruction, i.e. the
   trapping instruction with the immediate (loads) and rs1 (address offset 0) fields cleared
   (H "Transformed Instruction or Pseudoinstruction"). */
#define EXPECT_TINST_LOAD(tinst, epc) \
  beqz tinst, 1f; lwu t6, 0(epc); li t5, 0x7fff; and t6, t6, t5; bne tinst, t6, fail; 1:
#define EXPECT_TINST_ATOMIC(tinst, epc) \
  beqz tinst, 1f; lwu t6, 0(epc); li t5, ~0xf8000; and t6, t6, t5; bne tinst, t6, fail; 1:
/* Nonzero mtval2/mtinst/htval/htinst before a trap that must write zero to them (each is
   WARL and may not hold the value; then the check is weaker but still valid). */
#define PRESET_TRAP_INFO \
  li t0, 0x1000; csrw CSR_MTVAL2, t0; csrw htval, t0; li t0, 0x3003; csrw CSR_MTINST, t0; \
  csrw htinst, t0
/* A bounded stretch of code during which a pending, enabled interrupt must be taken. */
#define SPIN li t0, 1000; 1: addi t0, t0, -1; bnez t0, 1b

/* vsatp = Sv39 over `vs_root` (identity for the program, 0x4000_0000 unmapped). */
#define VS_PAGING la t0, vs_root; srli t0, t0, 12; li t1, SATP_SV39; or t0, t0, t1; \
  csrw vsatp, t0; hfence.vvma
#define UNMAPPED_VA 0x40000000

  .text
  .globl test_main
test_main:
  call hyp_reset

  /* 1-2: MRET with MPV = 1, MPP = S enters VS-mode: ecall has cause 10, the trap to M-mode
     sets MPV = 1, MPP = S, GVA = 0 and writes zero to mtval, mtval2 and mtinst (H "Trap
     Entry"); hstatus is then a virtual instruction. */
  RUN_VS(1, 7: ecall)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  EXPECT_EPC(7b)
  EXPECT_MPV(1)
  EXPECT_MPP(MPP_S)
  EXPECT_MGVA(0)
  EXPECT_TVAL(0)
  EXPECT_MTVAL2(0)
  EXPECT_MTINST(0)
  RUN_VS(2, 7: csrr a0, hstatus)
  EXPECT_VIRTUAL(7b)
  /* 3-4: MPV = 1, MPP = U enters VU-mode: ecall cause 8 with MPV = 1, MPP = U; hstatus is a
     virtual instruction (so V = 1). */
  RUN_VU(3, 7: ecall)
  EXPECT_CAUSE(CAUSE_ECALL_U)
  EXPECT_EPC(7b)
  EXPECT_MPV(1)
  EXPECT_MPP(MPP_U)
  RUN_VU(4, 7: csrr a0, hstatus)
  EXPECT_VIRTUAL(7b)
  /* 5: MPV = 0, MPP = S: HS-mode, ecall cause 9, hstatus readable. */
  RUN_HS(5, csrr a0, hstatus; 7: ecall)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  EXPECT_EPC(7b)
  EXPECT_MPV(0)
  EXPECT_MPP(MPP_S)
  /* 6-7: MPV = 0, MPP = U: U-mode, ecall cause 8 with MPV = 0; hstatus is illegal. */
  RUN_U(6, 7: ecall)
  EXPECT_CAUSE(CAUSE_ECALL_U)
  EXPECT_MPV(0)
  EXPECT_MPP(MPP_U)
  RUN_U(7, 7: csrr a0, hstatus)
  EXPECT_ILLEGAL_NV(7b)
  /* 8: ecall in M-mode: cause 11, MPV = 0, MPP = M. */
  li gp, 8
  la s5, 1f
7:
  ecall
  j fail
1:
  la s5, fail
  EXPECT_CAUSE(CAUSE_ECALL_M)
  EXPECT_EPC(7b)
  EXPECT_MPV(0)
  EXPECT_MPP(MPP_M)
  /* 9: MRET with MPP = M and MPV = 1 stays in M-mode and sets MPV = 0, MPP = U (H "Trap
     Return"). The ecall that follows is harmless where V stayed 0 (see the deviations). */
  li gp, 9
  li t0, MSTATUS_MPP | MSTATUS_MPV
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
1:
  csrr a0, mstatus
  la s5, 2f
  ecall
2:
  la s5, fail
  EXPECT_BITS(a0, MSTATUS_MPV | MSTATUS_MPP, 0)
  call hyp_reset

  /* 10-12: SRET in HS-mode goes to V = hstatus.SPV and the privilege in sstatus.SPP, then
     clears SPV and SPP, sets SIE = SPIE and SPIE = 1 (H "Trap Return"). */
#define SRET_FROM_HS(spv, spp) \
  li t0, HSTATUS_SPV; csrc hstatus, t0; li t0, spv; csrs hstatus, t0; \
  li t0, MSTATUS_SPP | MSTATUS_SIE; csrc sstatus, t0; \
  li t0, MSTATUS_SPIE | spp; csrs sstatus, t0; \
  la t0, 7f; csrw sepc, t0; sret; j fail; 7:
  RUN_HS(10, SRET_FROM_HS(HSTATUS_SPV, MSTATUS_SPP))
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  EXPECT_MPV(1)
  EXPECT_CSR_BITS(hstatus, HSTATUS_SPV, 0)
  EXPECT_CSR_BITS(mstatus, MSTATUS_SPP | MSTATUS_SIE | MSTATUS_SPIE, MSTATUS_SIE | MSTATUS_SPIE)
  call hyp_reset
  RUN_HS(11, SRET_FROM_HS(HSTATUS_SPV, 0))
  EXPECT_CAUSE(CAUSE_ECALL_U)
  EXPECT_MPV(1)
  EXPECT_MPP(MPP_U)
  EXPECT_CSR_BITS(hstatus, HSTATUS_SPV, 0)
  call hyp_reset
  RUN_HS(12, SRET_FROM_HS(0, 0))
  EXPECT_CAUSE(CAUSE_ECALL_U)
  EXPECT_MPV(0)
  call hyp_reset

  /* 13-14: SRET in VS-mode uses vsstatus and vsepc: SPP = 0 -> VU-mode, SPP = 1 -> VS-mode,
     V stays 1; vsstatus gets SIE = SPIE, SPIE = 1, SPP = 0; hstatus and the HS-level sstatus
     are untouched (H "Trap Return"). */
  li t0, HSTATUS_VSXL_64 | HSTATUS_SPV | HSTATUS_SPVP
  csrw hstatus, t0
  li t0, MSTATUS_SPP
  csrs mstatus, t0
  li t0, MSTATUS_SPIE
  csrs vsstatus, t0
  RUN_VS(13, la t0, 7f; csrw sepc, t0; li t0, MSTATUS_SPP; csrc sstatus, t0; sret; j fail; 7:)
  EXPECT_CAUSE(CAUSE_ECALL_U)
  EXPECT_MPV(1)
  EXPECT_EPC(7b)
  EXPECT_CSR_BITS(vsstatus, MSTATUS_SPP | MSTATUS_SIE | MSTATUS_SPIE, MSTATUS_SIE | MSTATUS_SPIE)
  EXPECT_CSR_BITS(hstatus, HSTATUS_SPV | HSTATUS_SPVP, HSTATUS_SPV | HSTATUS_SPVP)
  EXPECT_CSR_BITS(mstatus, MSTATUS_SPP | MSTATUS_SIE | MSTATUS_SPIE, MSTATUS_SPP)
  call hyp_reset
  RUN_VS(14, la t0, 7f; csrw sepc, t0; li t0, MSTATUS_SPP; csrs sstatus, t0; sret; j fail; 7:)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  EXPECT_MPV(1)
  EXPECT_EPC(7b)

  /* 15-16: exceptions from VS/VU-mode that are not delegated go to M-mode: MPV = 1, MPP = the
     nominal privilege; for EBREAK, GVA follows whether mtval got the address; mtval2 = 0 and
     mtinst = 0 (H "Trap Entry", "mtval2"). */
  PRESET_TRAP_INFO
  RUN_VS(15, 7: ebreak)
  EXPECT_CAUSE(CAUSE_BREAKPOINT)
  EXPECT_EPC(7b)
  EXPECT_MPV(1)
  EXPECT_MPP(MPP_S)
  srli t4, s6, 38
  andi t4, t4, 1
  EXPECT_EBREAK_TVAL(s4, s3, t4)
  EXPECT_MTVAL2(0)
  EXPECT_MTINST(0)
  PRESET_TRAP_INFO
  RUN_VU(16, 7: ebreak)
  EXPECT_CAUSE(CAUSE_BREAKPOINT)
  EXPECT_EPC(7b)
  EXPECT_MPV(1)
  EXPECT_MPP(MPP_U)
  srli t4, s6, 38
  andi t4, t4, 1
  EXPECT_EBREAK_TVAL(s4, s3, t4)
  EXPECT_MTVAL2(0)
  EXPECT_MTINST(0)
  /* 17: a misaligned LR.D from VS-mode: address-misaligned (or access fault) with mtval = the
     guest virtual address, so GVA = 1; mtval2 = 0; mtinst zero or the transformed LR. */
  PRESET_TRAP_INFO
  la t1, data_area + MISALIGNED_OFFSET
  RUN_VS(17, 7: lr.d a0, (t1))
  li t6, CAUSE_LOAD_MISALIGNED
  beq s2, t6, 1f
  EXPECT_CAUSE(CAUSE_LOAD_ACCESS)
1:
  EXPECT_EPC(7b)
  EXPECT_TVAL_REG(t1)
  EXPECT_MPV(1)
  EXPECT_MGVA(1)
  EXPECT_MTVAL2(0)
  EXPECT_TINST_ATOMIC(s8, s3)
  /* 18: a VS-stage load page fault to M-mode: mtval = the guest virtual address, GVA = 1,
     mtval2 = 0 (not a guest-page fault), mtinst zero or the transformed load. */
  VS_PAGING
  PRESET_TRAP_INFO
  RUN_VS(18, li t1, UNMAPPED_VA; 7: ld a0, 0(t1))
  EXPECT_CAUSE(CAUSE_LOAD_PAGE)
  EXPECT_EPC(7b)
  EXPECT_TVAL(UNMAPPED_VA)
  EXPECT_MPV(1)
  EXPECT_MGVA(1)
  EXPECT_MTVAL2(0)
  EXPECT_TINST_LOAD(s8, s3)
  call hyp_reset

  /* 19-23: exceptions delegated with medeleg only go to HS-mode: SPV = 1 and SPVP = SPP = the
     nominal privilege for traps from V = 1, GVA as for M-mode, htval = 0 (not a guest-page
     fault) and htinst = 0 or the transformed instruction (H "Trap Entry", "hstatus",
     "htval"). htval is preset to a nonzero value where it can hold one. */
  li t0, (1 << CAUSE_BREAKPOINT)
  csrw medeleg, t0
  PRESET_TRAP_INFO
  RUN_VS(19, 7: ebreak)
  EXPECT_AT_HS
  EXPECT_SCAUSE(CAUSE_BREAKPOINT)
  EXPECT_SEPC(7b)
  EXPECT_HSTATUS(HSTATUS_SPV | HSTATUS_SPVP, HSTATUS_SPV | HSTATUS_SPVP)
  EXPECT_SSTATUS(MSTATUS_SPP, MSTATUS_SPP)
  srli t4, a5, 6
  andi t4, t4, 1
  EXPECT_EBREAK_TVAL(a4, a3, t4)
  EXPECT_HTVAL_HTINST_ZERO
  li t0, HSTATUS_SPVP
  csrs hstatus, t0                 /* SPVP = 1 before a trap from VU-mode */
  RUN_VU(20, 7: ebreak)
  EXPECT_AT_HS
  EXPECT_SCAUSE(CAUSE_BREAKPOINT)
  EXPECT_SEPC(7b)
  EXPECT_HSTATUS(HSTATUS_SPV | HSTATUS_SPVP, HSTATUS_SPV)
  EXPECT_SSTATUS(MSTATUS_SPP, 0)
  EXPECT_HTVAL_HTINST_ZERO
  /* 21: VS-stage load page fault to HS-mode: stval = gVA, GVA = 1, htval = 0. */
  li t0, (1 << CAUSE_LOAD_PAGE)
  csrw medeleg, t0
  VS_PAGING
  RUN_VS(21, li t1, UNMAPPED_VA; 7: ld a0, 0(t1))
  EXPECT_AT_HS
  EXPECT_SCAUSE(CAUSE_LOAD_PAGE)
  EXPECT_SEPC(7b)
  EXPECT_STVAL(UNMAPPED_VA)
  EXPECT_HSTATUS(HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA)
  bnez a7, fail
  EXPECT_TINST_LOAD(t3, a3)
  csrw vsatp, zero
  hfence.vvma
  /* 22: misaligned LR.D from VS-mode to HS-mode: stval = gVA, GVA = 1. */
  li t0, (1 << CAUSE_LOAD_MISALIGNED) | (1 << CAUSE_LOAD_ACCESS)
  csrw medeleg, t0
  la t1, data_area + MISALIGNED_OFFSET
  RUN_VS(22, 7: lr.d a0, (t1))
  EXPECT_AT_HS
  EXPECT_SEPC(7b)
  bne a4, t1, fail
  EXPECT_HSTATUS(HSTATUS_SPV | HSTATUS_GVA, HSTATUS_SPV | HSTATUS_GVA)
  bnez a7, fail
  EXPECT_TINST_ATOMIC(t3, a3)
  /* 23: ecall from VU-mode to HS-mode: scause 8, stval = 0, GVA = 0, htinst = 0. */
  li t0, (1 << CAUSE_ECALL_U)
  csrw medeleg, t0
  PRESET_TRAP_INFO
  RUN_VU(23, 7: ecall)
  EXPECT_AT_HS
  EXPECT_SCAUSE(CAUSE_ECALL_U)
  EXPECT_SEPC(7b)
  EXPECT_STVAL(0)
  EXPECT_HSTATUS(HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA, HSTATUS_SPV)
  EXPECT_HTVAL_HTINST_ZERO
  /* 24-26: a trap from V = 0 into HS-mode sets SPV = 0 and leaves SPVP alone (H "Trap
     Entry"): from U-mode with SPVP = 1, from HS-mode with SPVP = 1 and SPV = 1, and from
     HS-mode with SPVP = 0. */
  li t0, (1 << CAUSE_BREAKPOINT)
  csrw medeleg, t0
  li t0, HSTATUS_SPVP | HSTATUS_SPV
  csrs hstatus, t0
  RUN_U(24, 7: ebreak)
  EXPECT_AT_HS
  EXPECT_SCAUSE(CAUSE_BREAKPOINT)
  EXPECT_SEPC(7b)
  EXPECT_HSTATUS(HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA, HSTATUS_SPVP)
  EXPECT_SSTATUS(MSTATUS_SPP, 0)
  li t0, HSTATUS_SPVP | HSTATUS_SPV
  csrs hstatus, t0
  RUN_HS(25, 7: ebreak)
  EXPECT_AT_HS
  EXPECT_SEPC(7b)
  EXPECT_HSTATUS(HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA, HSTATUS_SPVP)
  EXPECT_SSTATUS(MSTATUS_SPP, MSTATUS_SPP)
  li t0, HSTATUS_SPVP
  csrc hstatus, t0
  RUN_HS(26, 7: ebreak)
  EXPECT_AT_HS
  EXPECT_HSTATUS(HSTATUS_SPV | HSTATUS_SPVP, 0)
  /* 27-28: hedeleg bits 22 and 10 are read-only zero, so a virtual instruction and an ecall
     from VS-mode delegated by medeleg reach HS-mode even with hedeleg all ones; stval of a
     virtual instruction = its bits, htinst = 0. */
  li t0, -1
  csrw hedeleg, t0
  li t0, (1 << CAUSE_VIRTUAL)
  csrw medeleg, t0
  PRESET_TRAP_INFO
  RUN_VS(27, 7: csrr a0, hstatus)
  EXPECT_AT_HS
  EXPECT_SCAUSE(CAUSE_VIRTUAL)
  EXPECT_SEPC(7b)
  lwu t6, 0(a3)
  bne a4, t6, fail
  EXPECT_HSTATUS(HSTATUS_SPV | HSTATUS_GVA, HSTATUS_SPV)
  EXPECT_HTVAL_HTINST_ZERO
  li t0, (1 << CAUSE_ECALL_VS)
  csrw medeleg, t0
  RUN_VS(28, 7: ecall)
  EXPECT_HANDLER(1)
  EXPECT_MPV(0)
  EXPECT_SCAUSE(CAUSE_ECALL_VS)
  EXPECT_SEPC(7b)
  call hyp_reset

  /* 29-33: exceptions delegated with medeleg and hedeleg go to VS-mode: vscause, vsepc,
     vstval, vsstatus.SPP/SPIE/SIE are written, V stays 1, and hstatus, the HS-level sstatus
     and scause/sepc/stval are not modified (H "Trap Entry"). */
#define PRESET_HS_STATE \
  li t0, HSTATUS_VSXL_64; csrw hstatus, t0; \
  li t0, MSTATUS_SIE; csrs mstatus, t0; \
  li t0, 13; csrw scause, t0; li t0, 0x80001000; csrw sepc, t0; li t0, 0x1234; csrw stval, t0; \
  li t0, MSTATUS_SIE; csrs vsstatus, t0
#define EXPECT_HS_STATE_KEPT \
  EXPECT_CSR_BITS(hstatus, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA, 0); \
  EXPECT_CSR_BITS(mstatus, MSTATUS_SPP | MSTATUS_SIE | MSTATUS_SPIE, MSTATUS_SIE); \
  csrr t4, scause; li t6, 13; bne t4, t6, fail; \
  csrr t4, sepc; li t6, 0x80001000; bne t4, t6, fail; \
  csrr t4, stval; li t6, 0x1234; bne t4, t6, fail
/* The VS handler's record matches vscause/vsepc/vstval as M-mode reads them. */
#define EXPECT_VS_CSRS_MATCH \
  csrr t4, vscause; bne t4, a2, fail; csrr t4, vsepc; bne t4, a3, fail; \
  csrr t4, vstval; bne t4, a4, fail
  li t0, -1
  csrw hedeleg, t0
  li t0, (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U) | (1 << CAUSE_ILLEGAL) | \
         (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_LOAD_MISALIGNED) | (1 << CAUSE_LOAD_ACCESS)
  csrw medeleg, t0
  PRESET_HS_STATE
  RUN_VS(29, 7: ebreak)
  EXPECT_AT_VS
  EXPECT_SCAUSE(CAUSE_BREAKPOINT)
  EXPECT_SEPC(7b)
  EXPECT_SSTATUS(MSTATUS_SPP | MSTATUS_SIE | MSTATUS_SPIE, MSTATUS_SPP | MSTATUS_SPIE)
  beqz a4, 1f
  bne a4, a3, fail
1:
  EXPECT_VS_CSRS_MATCH
  EXPECT_HS_STATE_KEPT
  RUN_VU(30, 7: ecall)
  EXPECT_AT_VS
  EXPECT_SCAUSE(CAUSE_ECALL_U)
  EXPECT_SEPC(7b)
  EXPECT_STVAL(0)
  EXPECT_SSTATUS(MSTATUS_SPP, 0)
  EXPECT_VS_CSRS_MATCH
  EXPECT_HS_STATE_KEPT
  /* 31: an illegal instruction in VS-mode (an M-level CSR): vstval = its bits. (vscause, which
     must be 2, is not checked: see the deviations above.) */
  RUN_VS(31, 7: csrr a0, mstatus)
  EXPECT_AT_VS
  EXPECT_SEPC(7b)
  lwu t6, 0(a3)
  bne a4, t6, fail
  EXPECT_VS_CSRS_MATCH
  EXPECT_HS_STATE_KEPT
  /* 32: a VS-stage load page fault: vscause 13, vstval = the guest virtual address. */
  VS_PAGING
  RUN_VS(32, li t1, UNMAPPED_VA; 7: ld a0, 0(t1))
  EXPECT_AT_VS
  EXPECT_SCAUSE(CAUSE_LOAD_PAGE)
  EXPECT_SEPC(7b)
  EXPECT_STVAL(UNMAPPED_VA)
  EXPECT_VS_CSRS_MATCH
  EXPECT_HS_STATE_KEPT
  csrw vsatp, zero
  hfence.vvma
  /* 33: a misaligned LR.D: vstval = the address. */
  la t1, data_area + MISALIGNED_OFFSET
  RUN_VS(33, 7: lr.d a0, (t1))
  EXPECT_AT_VS
  EXPECT_SEPC(7b)
  bne a4, t1, fail
  EXPECT_HS_STATE_KEPT
  call hyp_reset

  /* 34-36: hvip VS-level interrupts delegated with hideleg are taken in VS-mode when
     vsstatus.SIE = 1 and vsie has the bit, with the cause translated to 1/5/9 (H "hideleg")
     and the interrupt bit set; vsstatus.SPP = 1, SPIE = 1, SIE = 0; vsepc = an instruction of
     the interrupted code. */
#define VS_IRQ_CASE(n, bit, cause) \
  call hyp_reset; li t0, VS_INTS; csrw hideleg, t0; li t0, bit; csrw hie, t0; \
  li t0, MSTATUS_SIE; csrs vsstatus, t0; li t0, bit; csrw hvip, t0; \
  RUN_VS(n, 7: SPIN; 6:); \
  EXPECT_AT_VS; EXPECT_SCAUSE(IRQ(cause)); EXPECT_IN(a3, 7b, 6b); \
  EXPECT_SSTATUS(MSTATUS_SPP | MSTATUS_SIE | MSTATUS_SPIE, MSTATUS_SPP | MSTATUS_SPIE); \
  EXPECT_VS_CSRS_MATCH
  VS_IRQ_CASE(34, MIP_VSSIP, 1)
  VS_IRQ_CASE(35, MIP_VSTIP, 5)
  VS_IRQ_CASE(36, MIP_VSEIP, 9)
  /* 37: in VU-mode the VS-level interrupt is taken whatever vsstatus.SIE says; SPP = 0. */
  li t0, MSTATUS_SIE
  csrc vsstatus, t0
  RUN_VU(37, 7: SPIN; 6:)
  EXPECT_AT_VS
  EXPECT_SCAUSE(IRQ(9))
  EXPECT_IN(a3, 7b, 6b)
  EXPECT_SSTATUS(MSTATUS_SPP | MSTATUS_SPIE, 0)
  /* 38-39: in VS-mode with vsstatus.SIE = 0 it is not taken; setting SIE takes it at once. */
  RUN_VS(38, SPIN)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  EXPECT_HANDLER(0)
  RUN_VS(39, li t0, MSTATUS_SIE; csrs sstatus, t0; 7: SPIN; 6:)
  EXPECT_AT_VS
  EXPECT_SCAUSE(IRQ(9))
  EXPECT_IN(a3, 7b, 6b)
  /* 40: vsie (hie) gates it: VSEIP pending with only VSSIE enabled is not taken. */
  li t0, MIP_VSSIP
  csrw hie, t0
  li t0, MSTATUS_SIE
  csrs vsstatus, t0
  RUN_VS(40, SPIN)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  EXPECT_HANDLER(0)

  /* 41-44: with the hideleg bit clear the VS-level interrupt goes to HS-mode with its own
     cause (2/6/10), and HS-level interrupts are always enabled while V = 1 (H "hip and hie"),
     even with sstatus.SIE = vsstatus.SIE = 0; SPV = 1, SPP/SPVP = the nominal privilege,
     GVA = 0, stval = htval = htinst = 0 (H "htinst": zero on interrupts). */
#define HS_IRQ_CASE(n, run, bit, cause, spp) \
  call hyp_reset; PRESET_TRAP_INFO; li t0, bit; csrw hie, t0; csrw hvip, t0; \
  run(n, 7: SPIN; 6:); \
  EXPECT_AT_HS; EXPECT_SCAUSE(IRQ(cause)); EXPECT_IN(a3, 7b, 6b); EXPECT_STVAL(0); \
  EXPECT_HSTATUS(HSTATUS_SPV | HSTATUS_GVA, HSTATUS_SPV); EXPECT_SSTATUS(MSTATUS_SPP, spp); \
  EXPECT_HTVAL_HTINST_ZERO
  HS_IRQ_CASE(41, RUN_VS, MIP_VSSIP, 2, MSTATUS_SPP)
  EXPECT_HSTATUS(HSTATUS_SPVP, HSTATUS_SPVP)
  HS_IRQ_CASE(42, RUN_VS, MIP_VSTIP, 6, MSTATUS_SPP)
  HS_IRQ_CASE(43, RUN_VS, MIP_VSEIP, 10, MSTATUS_SPP)
  HS_IRQ_CASE(44, RUN_VU, MIP_VSSIP, 2, 0)
  EXPECT_HSTATUS(HSTATUS_SPVP, 0)
  /* 45-46: the same interrupt is taken in HS-mode only when sstatus.SIE = 1 (SPV = 0). */
  RUN_HS(45, SPIN)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  EXPECT_HANDLER(0)
  RUN_HS(46, li t0, MSTATUS_SIE; csrs sstatus, t0; 7: SPIN; 6:)
  EXPECT_AT_HS
  EXPECT_SCAUSE(IRQ(2))
  EXPECT_IN(a3, 7b, 6b)
  EXPECT_HSTATUS(HSTATUS_SPV, 0)
  /* 47-48: VS-level interrupts delegated to VS-mode are never taken while V = 0: not in
     HS-mode with sstatus.SIE = 1, not in U-mode. */
  call hyp_reset
  li t0, VS_INTS
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0
  li t0, MSTATUS_SIE
  csrs vsstatus, t0
  RUN_HS(47, li t0, MSTATUS_SIE; csrs sstatus, t0; SPIN)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  EXPECT_HANDLER(0)
  RUN_U(48, SPIN)
  EXPECT_CAUSE(CAUSE_ECALL_U)
  EXPECT_HANDLER(0)

  /* 49-52: priority of simultaneous interrupts to HS-mode, taken from VS-mode: SEI, SSI, STI,
     SGEI, VSEI, VSSI, VSTI (H "hip and hie"). The S-level ones are raised through mip by
     M-mode. Each run takes the highest pending one; M-mode then clears what the next step
     needs. Only orderings QEMU 7.2 gets right are checked (see the deviations above):
     {SSI, STI, VSSI, VSTI} -> SSI; {STI, VSTI} -> STI, then VSTI; {VSSI, VSTI} -> VSSI. */
#define PRIO_HS(n, cause) RUN_VS(n, SPIN); EXPECT_AT_HS; EXPECT_SCAUSE(IRQ(cause))
  call hyp_reset
  li t0, S_INTS
  csrw mideleg, t0
  li t0, MIP_SSIP | MIP_STIP | MIP_VSSIP | MIP_VSTIP
  csrw mie, t0                     /* sie and hie */
  li t0, MIP_SSIP | MIP_STIP
  csrs mip, t0
  li t0, MIP_VSSIP | MIP_VSTIP
  csrw hvip, t0
  PRIO_HS(49, 1)
  li t0, MIP_SSIP
  csrc mip, t0
  li t0, MIP_VSSIP
  csrc hvip, t0
  PRIO_HS(50, 5)
  li t0, MIP_STIP
  csrc mip, t0
  PRIO_HS(51, 6)
  li t0, MIP_VSSIP | MIP_VSTIP
  csrw hvip, t0
  PRIO_HS(52, 2)
  /* 53-54: delegated to VS-mode, VS-level SSI and STI arrive as SSI (1) before STI (5). */
  call hyp_reset
  li t0, VS_INTS
  csrw hideleg, t0
  csrw hie, t0
  li t0, MIP_VSSIP | MIP_VSTIP
  csrw hvip, t0
#define PRIO_VS(n, cause, clear_bit) \
  li t0, MSTATUS_SIE; csrs vsstatus, t0; \
  RUN_VS(n, SPIN); EXPECT_AT_VS; EXPECT_SCAUSE(IRQ(cause)); li t0, clear_bit; csrc hvip, t0
  PRIO_VS(53, 1, MIP_VSSIP)
  PRIO_VS(54, 5, MIP_VSTIP)

  /* 55: an interrupt not delegated by mideleg (SSI) taken from VS-mode goes to M-mode: MPV = 1,
     MPP = S, GVA = 0, mtval = mtval2 = mtinst = 0 (H "Trap Entry", "htinst"). */
  call hyp_reset
  li t0, MIP_SSIP
  csrw mie, t0
  csrs mip, t0
  PRESET_TRAP_INFO
  RUN_VS(55, 7: SPIN; 6:)
  EXPECT_CAUSE(IRQ(1))
  EXPECT_IN(s3, 7b, 6b)
  EXPECT_MPV(1)
  EXPECT_MPP(MPP_S)
  EXPECT_MGVA(0)
  EXPECT_TVAL(0)
  EXPECT_MTVAL2(0)
  EXPECT_MTINST(0)
  call hyp_reset
  /* 56: a misaligned LR.D in HS-mode trapping to M-mode writes a (non-guest) virtual address
     to mtval: GVA = 0, MPV = 0. */
  PRESET_TRAP_INFO
  la t1, data_area + MISALIGNED_OFFSET
  RUN_HS(56, 7: lr.d a0, (t1))
  li t6, CAUSE_LOAD_MISALIGNED
  beq s2, t6, 1f
  EXPECT_CAUSE(CAUSE_LOAD_ACCESS)
1:
  EXPECT_EPC(7b)
  EXPECT_TVAL_REG(t1)
  EXPECT_MPV(0)
  EXPECT_MGVA(0)
  EXPECT_MTVAL2(0)
  EXPECT_TINST_ATOMIC(s8, s3)
  j pass

  HYP_TRAP_RECORDER
  HS_HANDLER
  VS_HANDLER
  HYP_RESET_FN

  SV39_IDENTITY_ROOT(vs_root)

  .data
  .balign 16
data_area:
  .dword 0x0123456789abcdef
  .dword 0xfedcba9876543210
