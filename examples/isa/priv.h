/* Helpers for the privileged-architecture tests. Traps go to `record_trap` (defined by
   TRAP_RECORDER), which stores mcause/mepc/mtval/mstatus in s2/s3/s4/s6 and resumes in M-mode at the
   address held in s5. RUN_IN(mode, n, code) runs `code` in S- or U-mode, followed by an
   ecall, so s2 afterwards holds either the fault the code raised or the ecall cause. */
#ifndef VMSCOPE_ISA_PRIV_H
#define VMSCOPE_ISA_PRIV_H

#define MSTATUS_MIE  0x8
#define MSTATUS_SIE  0x2
#define MSTATUS_SPP  0x100
#define MSTATUS_MPIE 0x80
#define MSTATUS_MPP  0x1800
#define MSTATUS_MPRV 0x20000
#define MSTATUS_SUM  0x40000
#define MSTATUS_MXR  0x80000
#define MSTATUS_TVM  0x100000
#define MSTATUS_TW   0x200000
#define MSTATUS_TSR  0x400000
#define MPP_U 0x0000
#define MPP_S 0x0800
#define MPP_M 0x1800

#define CAUSE_FETCH_MISALIGNED 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL          2
#define CAUSE_BREAKPOINT       3
#define CAUSE_LOAD_MISALIGNED  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_STORE_MISALIGNED 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE       12
#define CAUSE_LOAD_PAGE        13
#define CAUSE_STORE_PAGE       15

#define TRAP_RECORDER \
  .balign 4; \
record_trap: \
  csrr s2, mcause; csrr s3, mepc; csrr s4, mtval; csrr s6, mstatus; \
  li t0, MSTATUS_MPP; csrs mstatus, t0; \
  csrw mepc, s5; mret

/* Enter `mode` (MPP_S or MPP_U) at the code that follows; it ends with an ecall. */
#define RUN_IN(mode, n, code...) \
  li gp, n; li s2, -1; li s4, -1; la s5, 9f; la t0, 8f; csrw mepc, t0; \
  li t0, MSTATUS_MPP; csrc mstatus, t0; li t0, mode; csrs mstatus, t0; mret; \
8: code; ecall; j fail; 9:

#define EXPECT_CAUSE(cause) li t6, cause; bne s2, t6, fail
#define EXPECT_TVAL(tval) li t6, tval; bne s4, t6, fail
#define EXPECT_TVAL_REG(reg) bne s4, reg, fail

#endif
