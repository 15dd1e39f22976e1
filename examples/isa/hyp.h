/* Helpers for the hypervisor-extension tests (hyp-csr.S, hyp-trap.S).

   Every run in a lower mode ends with a trap into M-mode, which `record_trap` (HYP_TRAP_RECORDER)
   records before resuming M-mode code at the address in s5:
     s2 = mcause, s3 = mepc, s4 = mtval, s6 = mstatus, s7 = mtval2, s8 = mtinst.
   The HS-mode handler (HS_HANDLER, installed in stvec) and the VS-mode handler (VS_HANDLER,
   installed in vstvec) never return to the code that trapped: they copy their trap CSRs into
   registers, mark which handler ran in s9 (1 = HS, 2 = VS; the run macros clear it) and ecall
   into M-mode:
     HS: a2 = scause, a3 = sepc, a4 = stval, a5 = hstatus, a6 = sstatus, a7 = htval, t3 = htinst
     VS: a2 = scause, a3 = sepc, a4 = stval, a6 = sstatus (these are vscause ... vsstatus, V = 1)
   RUN_VS/RUN_VU/RUN_HS/RUN_U(n, code) set gp = n and enter the mode with mret (MPP and MPV,
   hypervisor chapter "Trap Return"); the code is followed by an ecall, so s2 afterwards holds
   either the cause of the trap the code raised or the ecall cause (8 U/VU, 9 HS, 10 VS).
   Outside a run s5 = `fail`, so an unexpected trap in M-mode code fails the case in gp.
   The including file needs `.option arch, +h` for the hypervisor instruction mnemonics. */
#ifndef VMSCOPE_ISA_HYP_H
#define VMSCOPE_ISA_HYP_H

#include "priv.h"

#define MSTATUS_SPIE 0x20
#define MSTATUS_FS   0x6000
#define MSTATUS_FS_INITIAL 0x2000
#define MSTATUS_GVA  0x4000000000
#define MSTATUS_MPV  0x8000000000
#define MSTATUS_UXL  0x300000000
#define UXL_64       0x200000000

#define HSTATUS_GVA   0x40
#define HSTATUS_SPV   0x80
#define HSTATUS_SPVP  0x100
#define HSTATUS_HU    0x200
#define HSTATUS_VTVM  0x100000
#define HSTATUS_VTW   0x200000
#define HSTATUS_VTSR  0x400000
#define HSTATUS_VSXL  0x300000000
#define HSTATUS_VSXL_64 0x200000000

#define MIP_SSIP  0x2
#define MIP_VSSIP 0x4
#define MIP_STIP  0x20
#define MIP_VSTIP 0x40
#define MIP_SEIP  0x200
#define MIP_VSEIP 0x400
#define MIP_SGEIP 0x1000
#define VS_INTS   0x444          /* VSEIP | VSTIP | VSSIP */
#define S_INTS    0x222          /* SEIP | STIP | SSIP */

#define ENVCFG_STCE 0x8000000000000000
#define HGATP_MODE_SV39X4 0x8000000000000000
#define SATP_SV39 0x8000000000000000

#define CAUSE_ECALL_VS  10
#define CAUSE_VIRTUAL   22
#define IRQ(n) (0x8000000000000000 | (n))

#define CLINT_MTIMECMP 0x2004000

/* CSR numbers for names the assembler may not know. */
#define CSR_MTINST 0x34a
#define CSR_MTVAL2 0x34b

/* Enter a mode with mret: `mpp` is MPP_S/MPP_U, `mpv` is MSTATUS_MPV or 0. */
#define RUN_MODE(mpp, mpv, n, code...) \
  li gp, n; li s2, -1; li s4, -1; li s9, 0; la s5, 9f; la t0, 8f; csrw mepc, t0; \
  li t0, MSTATUS_MPP | MSTATUS_MPV; csrc mstatus, t0; li t0, (mpp) | (mpv); csrs mstatus, t0; \
  mret; \
8: code; ecall; j fail; 9: la s5, fail

#define RUN_VS(n, code...) RUN_MODE(MPP_S, MSTATUS_MPV, n, code)
#define RUN_VU(n, code...) RUN_MODE(MPP_U, MSTATUS_MPV, n, code)
#define RUN_HS(n, code...) RUN_MODE(MPP_S, 0, n, code)
#define RUN_U(n, code...)  RUN_MODE(MPP_U, 0, n, code)

/* M-mode trap recorder: records the trap CSRs and resumes M-mode at s5 with mret, MPP = M,
   MPV = 0 and MPIE = 0, so M-mode code keeps running with V = 0 and MIE = 0. (MPV is cleared
   although MPP = M alone must keep V = 0; hyp-trap checks that rule on its own.) */
#define HYP_TRAP_RECORDER \
  .balign 4; \
record_trap: \
  csrr s2, mcause; csrr s3, mepc; csrr s4, mtval; csrr s6, mstatus; \
  csrr s7, CSR_MTVAL2; csrr s8, CSR_MTINST; \
  li t0, MSTATUS_MPP; csrs mstatus, t0; li t0, MSTATUS_MPIE | MSTATUS_MPV; csrc mstatus, t0; \
  csrw mepc, s5; mret

/* HS-mode handler (stvec): record and ecall to M-mode. */
#define HS_HANDLER \
  .balign 4; \
hs_handler: \
  csrr a2, scause; csrr a3, sepc; csrr a4, stval; csrr a5, hstatus; csrr a6, sstatus; \
  csrr a7, htval; csrr t3, htinst; li s9, 1; ecall; j fail

/* VS-mode handler (vstvec, runs with V = 1): record and ecall to M-mode. */
#define VS_HANDLER \
  .balign 4; \
vs_handler: \
  csrr a2, scause; csrr a3, sepc; csrr a4, stval; csrr a6, sstatus; \
  li s9, 2; ecall; j fail

/* Checks on the M-mode record. */
#define EXPECT_EPC(label) la t6, label; bne s3, t6, fail
#define EXPECT_MTVAL2(v) li t6, v; bne s7, t6, fail
#define EXPECT_MTINST(v) li t6, v; bne s8, t6, fail
/* MPV (and so the V the trap came from) as recorded in mstatus. */
#define EXPECT_MPV(v) srli t6, s6, 39; andi t6, t6, 1; li t5, v; bne t6, t5, fail
#define EXPECT_MPP(mpp) li t5, MSTATUS_MPP; and t6, s6, t5; li t5, mpp; bne t6, t5, fail
#define EXPECT_MGVA(v) srli t6, s6, 38; andi t6, t6, 1; li t5, v; bne t6, t5, fail
/* mtval holds the bits of the (32-bit) instruction at mepc, as for illegal instructions
   (machine chapter "Machine Trap Value Register"; virtual-instruction traps write mtval "the
   same as for an illegal-instruction trap", hypervisor chapter "Trap Cause Codes"). */
#define EXPECT_TVAL_INSN lwu t6, 0(s3); bne s4, t6, fail
/* The instruction at `label` raised `cause` with V = `mpv` and went to M-mode: mepc = the
   instruction, mtval = its bits, mtval2 = 0, mtinst = 0 (no transformation is defined for
   non-memory instructions, "Transformed Instruction or Pseudoinstruction"). */
#define EXPECT_INSN_TRAP(cause, label, mpv) \
  EXPECT_CAUSE(cause); EXPECT_EPC(label); EXPECT_TVAL_INSN; EXPECT_MPV(mpv); \
  EXPECT_MTVAL2(0); EXPECT_MTINST(0)
/* The same without the mtval check. */
#define EXPECT_INSN_TRAP_ANY_TVAL(cause, label, mpv) \
  EXPECT_CAUSE(cause); EXPECT_EPC(label); EXPECT_MPV(mpv); EXPECT_MTVAL2(0); EXPECT_MTINST(0)
#define EXPECT_VIRTUAL(label) EXPECT_INSN_TRAP(CAUSE_VIRTUAL, label, 1)
#define EXPECT_ILLEGAL_V(label) EXPECT_INSN_TRAP(CAUSE_ILLEGAL, label, 1)
#define EXPECT_ILLEGAL_NV(label) EXPECT_INSN_TRAP(CAUSE_ILLEGAL, label, 0)
/* Which handler ran (0 = none, 1 = HS, 2 = VS). */
#define EXPECT_HANDLER(h) li t6, h; bne s9, t6, fail

/* reg & mask must equal value. */
#define EXPECT_BITS(reg, mask, value) li t5, mask; and t6, reg, t5; li t5, value; bne t6, t5, fail
/* csr & mask must equal value. */
#define EXPECT_CSR_BITS(csr, mask, value) csrr a0, csr; EXPECT_BITS(a0, mask, value)

/* `call hyp_reset` puts the hart in the state every case starts from: all traps go to M, no
   delegation, nothing pending from hvip/mip, no interrupt enabled, translation off, every
   counter enabled, the handlers installed, hstatus = VSXL 64 only, vsstatus = FS Initial and
   UXL 64 only, mstatus trap and translation controls clear. Clobbers t0, t1, s5. */
#define HYP_RESET_FN \
  .balign 4; \
hyp_reset: \
  la s5, fail; la t0, record_trap; csrw mtvec, t0; \
  li t0, -1; csrw pmpaddr0, t0; li t0, 0x1f; csrw pmpcfg0, t0; \
  li t0, CLINT_MTIMECMP; li t1, -1; sd t1, 0(t0); \
  csrw mie, zero; csrw medeleg, zero; csrw mideleg, zero; \
  csrw hedeleg, zero; csrw hideleg, zero; csrw hvip, zero; csrw hie, zero; \
  csrw mip, zero; \
  csrw satp, zero; csrw vsatp, zero; csrw hgatp, zero; sfence.vma; hfence.gvma; hfence.vvma; \
  li t0, 7; csrw mcounteren, t0; csrw hcounteren, t0; csrw scounteren, t0; \
  la t0, hs_handler; csrw stvec, t0; la t0, vs_handler; csrw vstvec, t0; \
  li t0, HSTATUS_VSXL_64; csrw hstatus, t0; \
  li t0, MSTATUS_FS_INITIAL | UXL_64; csrw vsstatus, t0; \
  li t0, MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | \
         MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_MIE | MSTATUS_GVA | MSTATUS_MPV; \
  csrc mstatus, t0; ret

/* A page-aligned Sv39 root table mapping the 1 GiB at 0x8000_0000 (this program) onto itself,
   readable, writable and executable by S-mode, A and D set; nothing else is mapped. */
#define SV39_IDENTITY_ROOT(name) \
  .pushsection .data; .balign 4096; name: .dword 0, 0, 0x200000cf; .fill 509, 8, 0; .popsection

#endif
