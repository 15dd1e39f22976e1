/* Hypervisor extension CSRs (privileged spec, chapter "H Extension for Hypervisor Support",
   cited below as H, and the machine/supervisor chapters): misa.H; every hypervisor and VS CSR
   accessible from M- and HS-mode and from nowhere else; the WARL masks the spec fixes for
   hedeleg, hideleg, mideleg, hvip, hip, hie, vsip, vsie, hgeie, hstatus.VSXL, vsstatus.UXL and
   hgatp; the substitution of the VS CSRs for the supervisor CSRs while V = 1 (and scounteren /
   senvcfg staying unswapped); virtual-instruction versus illegal-instruction exceptions for CSR
   accesses, counters, VTVM/VTSR/VTW, SRET/SFENCE/WFI in VU-mode, the hypervisor instructions and
   FS = Off; time + htimedelta in VS/VU-mode; and, when menvcfg.STCE is writable, Sstc's
   vstimecmp (the Sstc part is skipped silently otherwise).

   Every trap goes to M-mode (no delegation), where the harness in hyp.h records it. Like
   priv-modes, the test expects mtval to hold the instruction bits on illegal-instruction traps,
   and so also on virtual-instruction traps (H "Trap Cause Codes": mtval is written the same way).

   QEMU 7.2 deviates from the specification in the following ways; those checks are left out:
   - hgatp: PPN[1:0] are writable in Sv39x4 mode (writing 0x8fffc00000080003 reads back
     0x8fffc00000080003; H "hgatp" says PPN[1:0] always read as zeros), and the fields are not
     WARL-legalised (writing all ones reads back 0xffffffffffffffff, MODE = 15 is reserved).
   - vsatp: writing all ones at V = 0 reads back 0xffffffffffffffff (MODE = 15 is not a supported
     mode; H "vsatp" allows the write to be ignored or the fields to be WARL-legalised).
   - hstatus: writing all ones reads back 0xfffffffeffffffdf: the WPRI fields (and HUPMM,
     read-only zero without Ssnpm) are writable; the CSR chapter ("WPRI") requires
     unimplemented fields to be read-only zero. Only VSXL is checked.
   - vsstatus: writing all ones reads back 0xffffffffffffffff: UXL = 3 (a reserved encoding) and
     the WPRI fields are kept, and after reset bits 35:34 (WPRI) read 2. Only writing the legal
     UXL = 2 is checked.
   - vsip.STIP and vsip.SEIP read zero while hideleg bits 6/10 are set and hip.VSTIP/VSEIP are
     pending (hvip = hie = hideleg = 0x444: hip reads 0x444, vsie 0x222, but vsip 0x2); H "vsip
     and vsie" makes them aliases of hip.VSTIP/VSEIP. Only vsip.SSIP is checked.
   - hgatp: reading it in HS-mode with mstatus.TVM = 1 does not trap (the run reaches its
     ecall, cause 9); H "hgatp" makes it an illegal instruction.
   - A supervisor CSR (sstatus, satp) accessed from VU-mode raises an illegal-instruction
     exception (mcause 2, mtval = the instruction); H "Trap Cause Codes" makes it a virtual
     instruction (22) since the access is allowed in HS-mode. H and VS CSRs from VU-mode do
     raise 22.
   - With hstatus.VTVM = 1, reading satp in VS-mode does not trap (the run reaches its ecall,
     cause 10); H "hstatus" makes it a virtual instruction. SFENCE.VMA does raise 22.
   - SRET and SFENCE.VMA in VU-mode raise illegal-instruction exceptions (mcause 2, mtval
     0x10200073 / 0x12000073); H "Trap Cause Codes" makes them virtual instructions (22).
   - mstatus.TVM = 1 makes satp accesses and SFENCE.VMA in VS-mode illegal (mcause 2, mtval
     0x18002573 / 0x12000073), and mstatus.TSR = 1 makes SRET in VS-mode illegal (mtval
     0x10200073); H "mstatus": "The TSR and TVM fields of mstatus affect execution only in
     HS-mode, not in VS-mode."
   - HLV/HLVX/HSV trapping as virtual (VS/VU-mode) or illegal (U-mode, HU = 0) instructions
     leave mtval unchanged (it kept 0x62000073 from an earlier HFENCE.GVMA trap) instead of
     writing zero or the instruction bits; mtval is not checked for them.
   - HFENCE.GVMA and HFENCE.VVMA in VU-mode raise illegal-instruction exceptions (mcause 2);
     H "Trap Cause Codes" makes every hypervisor instruction in VS- or VU-mode a virtual
     instruction (22). (HLV in VU-mode does raise 22.)
   - With menvcfg.STCE = 0, henvcfg.STCE stays writable (henvcfg reads 0x8000000000000000
     after setting it); the machine chapter ("menvcfg") makes it read-only zero then. The
     accesses themselves behave (stimecmp is illegal from VS- and HS-mode).
   - mideleg bit 12 (SGEI) reads one although GEILEN = 0 (hgeie reads 0 after writing all ones),
     and hie.SGEIE is writable; the spec requires neither, so bit 12 is checked only when GEILEN
     is nonzero. */
#include "test.h"
#include "hyp.h"
  .option arch, +h

/* csr := value, then it must read back `value`. */
#define WRITE_READ(csr, value) li a1, value; csrw csr, a1; csrr a0, csr; bne a0, a1, fail

/* Reads every hypervisor and VS CSR (H "Hypervisor and Virtual Supervisor CSRs"). */
#define READ_H_CSRS \
  csrr a0, hstatus; csrr a0, hedeleg; csrr a0, hideleg; csrr a0, hie; csrr a0, hip; \
  csrr a0, hvip; csrr a0, hcounteren; csrr a0, htimedelta; csrr a0, hgeie; csrr a0, hgeip; \
  csrr a0, henvcfg; csrr a0, htval; csrr a0, htinst; csrr a0, hgatp; \
  csrr a0, vsstatus; csrr a0, vsie; csrr a0, vsip; csrr a0, vstvec; csrr a0, vsscratch; \
  csrr a0, vsepc; csrr a0, vscause; csrr a0, vstval; csrr a0, vsatp

/* Poll `csr` & mask until it equals `value`, at most 1,000,000 times. */
#define POLL_CSR(csr, mask, value) \
  li a2, 1000000; 1: csrr a0, csr; li t5, mask; and a0, a0, t5; li t5, value; beq a0, t5, 2f; \
  addi a2, a2, -1; bnez a2, 1b; j fail; 2:

  .text
  .globl test_main
test_main:
  call hyp_reset

  /* 1: misa.H (bit 7) is set (H: "enabled by setting bit 7 in misa"). */
  li gp, 1
  csrr a0, misa
  andi a0, a0, 0x80
  beqz a0, fail

  /* 2: M-mode reads every H and VS CSR, and mtval2/mtinst; full-width registers keep what
     is written. */
  li gp, 2
  READ_H_CSRS
  csrr a0, CSR_MTVAL2
  csrr a0, CSR_MTINST
  WRITE_READ(vsscratch, 0x0123456789abcdef)
  WRITE_READ(htimedelta, 0xfedcba9876543210)
  WRITE_READ(vsepc, 0x80001234)
  WRITE_READ(vstval, 0x80001235)
  WRITE_READ(vscause, 13)
  la a1, vs_handler
  csrw vstvec, a1
  csrr a0, vstvec
  bne a0, a1, fail
  WRITE_READ(htval, 0)             /* htval and mtval2 must be able to hold zero */
  WRITE_READ(CSR_MTVAL2, 0)
  csrw htimedelta, zero

  /* 3: HS-mode reads every H and VS CSR and writes vsscratch. */
  RUN_HS(3, READ_H_CSRS; li a1, 0x55; csrw vsscratch, a1; csrr a0, vsscratch)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t6, 0x55
  bne a0, t6, fail
  /* 4-5: mtval2 and mtinst are M-level CSRs: illegal from HS-mode. */
  RUN_HS(4, 7: csrr a0, CSR_MTVAL2)
  EXPECT_ILLEGAL_NV(7b)
  RUN_HS(5, 7: csrr a0, CSR_MTINST)
  EXPECT_ILLEGAL_NV(7b)
  /* 6-7: U-mode (V = 0) may not touch H or VS CSRs: illegal instruction (H "Hypervisor and
     Virtual Supervisor CSRs": attempts from U-mode cause an illegal-instruction exception). */
  RUN_U(6, 7: csrr a0, hstatus)
  EXPECT_ILLEGAL_NV(7b)
  RUN_U(7, 7: csrr a0, vsscratch)
  EXPECT_ILLEGAL_NV(7b)

  /* 8: hedeleg (H "hedeleg and hideleg", table of bits): 1-8, 12, 13, 15 writable; 9, 10, 11,
     16, 20-23 read-only zero. Bit 0 is only required with IALIGN = 32, not checked; other bits
     may be either. */
  li gp, 8
  li t0, -1
  csrw hedeleg, t0
  csrr a0, hedeleg
  EXPECT_BITS(a0, 0xb1fe, 0xb1fe)
  EXPECT_BITS(a0, 0xf10e00, 0)
  csrw hedeleg, zero
  csrr a0, hedeleg
  bnez a0, fail

  /* 9: hideleg: bits 10, 6, 2 writable; 12, 9, 5, 1 read-only zero. */
  li gp, 9
  li t0, -1
  csrw hideleg, t0
  csrr a0, hideleg
  EXPECT_BITS(a0, 0x1666, VS_INTS)
  csrw hideleg, zero
  csrr a0, hideleg
  EXPECT_BITS(a0, VS_INTS, 0)

  /* 10: hgeie/hgeip: bit 0 read-only zero, bits GEILEN:1 writable (least-significant first),
     hgeip zero outside them (H "hgeip and hgeie"). mideleg bits 10, 6, 2 are read-only one,
     and bit 12 too when GEILEN != 0 (H "mideleg"). */
  li gp, 10
  li t0, -1
  csrw hgeie, t0
  csrr s10, hgeie                 /* s10 = writable hgeie bits */
  csrw hgeie, zero
  andi t0, s10, 1
  bnez t0, fail
  srli t0, s10, 1
  addi t1, t0, 1
  and t1, t1, t0
  bnez t1, fail                   /* GEILEN:1 contiguous from bit 1 */
  csrr a0, hgeip
  not t0, s10
  and a0, a0, t0
  bnez a0, fail
  csrw mideleg, zero
  csrr a0, mideleg
  EXPECT_BITS(a0, VS_INTS, VS_INTS)
  beqz s10, 1f
  EXPECT_BITS(a0, MIP_SGEIP, MIP_SGEIP)
1:
  li t0, -1
  csrw mideleg, t0
  csrr a0, mideleg
  EXPECT_BITS(a0, VS_INTS, VS_INTS)
  csrw mideleg, zero

  /* 11: hvip: among bits 15:0 only VSEIP, VSTIP and VSSIP are writable (H "hvip"). */
  li gp, 11
  li t0, -1
  csrw hvip, t0
  csrr a0, hvip
  EXPECT_BITS(a0, 0xffff, VS_INTS)
  csrw hvip, zero
  csrr a0, hvip
  EXPECT_BITS(a0, 0xffff, 0)

  /* 12: hip.VSSIP is a writable alias of hvip.VSSIP, and mip bit 2 of the same bit (H "hip",
     "mip and mie"). */
  li gp, 12
  li t0, MIP_VSSIP
  csrw hvip, t0
  EXPECT_CSR_BITS(hip, MIP_VSSIP, MIP_VSSIP)
  EXPECT_CSR_BITS(mip, MIP_VSSIP, MIP_VSSIP)
  csrc hip, t0
  EXPECT_CSR_BITS(hvip, MIP_VSSIP, 0)
  EXPECT_CSR_BITS(mip, MIP_VSSIP, 0)
  csrs mip, t0
  EXPECT_CSR_BITS(hvip, MIP_VSSIP, MIP_VSSIP)
  EXPECT_CSR_BITS(hip, MIP_VSSIP, MIP_VSSIP)
  csrc mip, t0
  EXPECT_CSR_BITS(hvip, MIP_VSSIP, 0)
  /* 13: hip.VSTIP and hip.VSEIP show hvip.VSTIP/VSEIP and are read-only in hip; mip shows the
     same bits. */
  li gp, 13
  li t0, MIP_VSTIP | MIP_VSEIP
  csrw hvip, t0
  EXPECT_CSR_BITS(hip, VS_INTS, MIP_VSTIP | MIP_VSEIP)
  EXPECT_CSR_BITS(mip, VS_INTS, MIP_VSTIP | MIP_VSEIP)
  csrc hip, t0
  EXPECT_CSR_BITS(hip, VS_INTS, MIP_VSTIP | MIP_VSEIP)
  EXPECT_CSR_BITS(hvip, VS_INTS, MIP_VSTIP | MIP_VSEIP)
  csrw hvip, zero
  EXPECT_CSR_BITS(hip, VS_INTS, 0)
  EXPECT_CSR_BITS(mip, VS_INTS, 0)

  /* 14: bits writable in sie are read-only zero in hip and hie (H "hip and hie"): with the
     S-level interrupts delegated, a pending SSIP does not show in hip, and hie keeps only
     VS-level (and SGEI) enables. */
  li gp, 14
  li t0, S_INTS
  csrw mideleg, t0
  li t0, MIP_SSIP
  csrs mip, t0
  EXPECT_CSR_BITS(hip, S_INTS, 0)
  csrc mip, t0
  li t0, -1
  csrw hie, t0
  EXPECT_CSR_BITS(hie, 0xffff & ~(VS_INTS | MIP_SGEIP), 0)
  csrw hie, zero
  csrw mideleg, zero

  /* 15: hie.VSEIE/VSTIE/VSSIE are writable and aliased by the same bits of mie (H "mip and
     mie"). */
  li gp, 15
  li t0, VS_INTS
  csrw hie, t0
  EXPECT_CSR_BITS(hie, VS_INTS, VS_INTS)
  EXPECT_CSR_BITS(mie, VS_INTS, VS_INTS)
  li t0, MIP_VSSIP
  csrc mie, t0
  EXPECT_CSR_BITS(hie, VS_INTS, MIP_VSTIP | MIP_VSEIP)
  li t0, MIP_VSTIP
  csrc hie, t0
  EXPECT_CSR_BITS(mie, VS_INTS, MIP_VSEIP)
  li t0, MIP_VSSIP
  csrs mie, t0
  EXPECT_CSR_BITS(hie, VS_INTS, MIP_VSEIP | MIP_VSSIP)
  csrw hie, zero
  EXPECT_CSR_BITS(mie, VS_INTS, 0)

  /* 16: with hideleg = 0, vsip.SEIP/STIP/SSIP and vsie.SEIE/STIE/SSIE are read-only zeros
     even when the VS-level bits are pending and enabled (H "vsip and vsie"). */
  li gp, 16
  csrw hideleg, zero
  li t0, VS_INTS
  csrw hvip, t0
  csrw hie, t0
  EXPECT_CSR_BITS(vsip, S_INTS, 0)
  EXPECT_CSR_BITS(vsie, S_INTS, 0)
  li t0, S_INTS
  csrc vsie, t0
  csrc vsip, t0
  EXPECT_CSR_BITS(hie, VS_INTS, VS_INTS)
  EXPECT_CSR_BITS(hvip, VS_INTS, VS_INTS)
  csrs vsie, t0
  EXPECT_CSR_BITS(vsie, S_INTS, 0)

  /* 17: with hideleg = 0x444 they alias hip/hie shifted down by one: vsie <-> hie, vsip.SSIP
     <-> hip.VSSIP (writable), vsip.STIP/SEIP read-only (their value is not checked, see the
     deviations above). */
  li gp, 17
  li t0, VS_INTS
  csrw hideleg, t0
  EXPECT_CSR_BITS(vsip, MIP_SSIP, MIP_SSIP)
  EXPECT_CSR_BITS(vsie, S_INTS, S_INTS)
  li t0, MIP_STIP                  /* vsie.STIE is hie.VSTIE */
  csrc vsie, t0
  EXPECT_CSR_BITS(hie, VS_INTS, MIP_VSEIP | MIP_VSSIP)
  li t0, MIP_VSTIP
  csrs hie, t0
  EXPECT_CSR_BITS(vsie, S_INTS, S_INTS)
  li t0, MIP_SSIP                  /* vsip.SSIP is hip.VSSIP, i.e. hvip.VSSIP */
  csrc vsip, t0
  EXPECT_CSR_BITS(hvip, VS_INTS, MIP_VSEIP | MIP_VSTIP)
  li t0, MIP_STIP | MIP_SEIP       /* read-only in vsip */
  csrc vsip, t0
  EXPECT_CSR_BITS(hvip, VS_INTS, MIP_VSEIP | MIP_VSTIP)
  csrw vsie, zero
  EXPECT_CSR_BITS(hie, VS_INTS, 0)
  /* 18: per bit: with only hideleg bit 2 set, only vsip.SSIP/vsie.SSIE are visible. */
  li gp, 18
  li t0, VS_INTS
  csrw hie, t0
  li t0, MIP_VSSIP
  csrs hvip, t0
  csrw hideleg, t0
  EXPECT_CSR_BITS(vsie, S_INTS, MIP_SSIP)
  EXPECT_CSR_BITS(vsip, S_INTS, MIP_SSIP)
  li t0, MIP_VSTIP | MIP_VSEIP
  csrw hideleg, t0
  EXPECT_CSR_BITS(vsie, S_INTS, MIP_STIP | MIP_SEIP)
  EXPECT_CSR_BITS(vsip, MIP_SSIP, 0)
  call hyp_reset

  /* 19: hstatus.VSXL is WARL and VSXLEN = HSXLEN (2) is always legal (H "hstatus"); writing
     the reserved value 0 leaves a legal one (1 or 2). */
  li gp, 19
  li t0, HSTATUS_VSXL_64
  csrw hstatus, t0
  EXPECT_CSR_BITS(hstatus, HSTATUS_VSXL, HSTATUS_VSXL_64)
  csrw hstatus, zero
  csrr a0, hstatus
  srli a0, a0, 32
  andi a0, a0, 3
  beqz a0, fail
  li t6, 3
  beq a0, t6, fail
  li t0, HSTATUS_VSXL_64
  csrw hstatus, t0
  /* 20: vsstatus.UXL: writing 2 (VU XLEN = 64) reads back 2 (H "vsstatus"). */
  li gp, 20
  li t0, UXL_64 | MSTATUS_FS_INITIAL
  csrw vsstatus, t0
  EXPECT_CSR_BITS(vsstatus, MSTATUS_UXL, UXL_64)

  /* 21: hgatp (H "hgatp"): Sv39x4 (8) is accepted; VMIDLEN from writing all ones in VMID is
     0..14 bits, least-significant first; the PPN of a 16 KiB-aligned root reads back. */
  li gp, 21
  li t0, HGATP_MODE_SV39X4 | (0x3fff << 44) | 0x80000
  csrw hgatp, t0
  csrr a0, hgatp
  srli t1, a0, 60
  li t6, 8
  bne t1, t6, fail
  li t6, 0xfffffffffff
  and t1, a0, t6
  li t6, 0x80000
  bne t1, t6, fail
  srli s10, a0, 44
  li t6, 0xffff                    /* VMID plus the two zero bits above it */
  and s10, s10, t6
  li t6, 0x3fff
  bgtu s10, t6, fail
  addi t1, s10, 1
  and t1, t1, s10
  bnez t1, fail                    /* s10 = 2^VMIDLEN - 1 */
  li t0, HGATP_MODE_SV39X4 | (1 << 44) | 0x80000
  csrw hgatp, t0                   /* VMID 1 reads as 1 & (2^VMIDLEN - 1) */
  csrr a0, hgatp
  srli a0, a0, 44
  li t6, 0xffff
  and a0, a0, t6
  andi t1, s10, 1
  bne a0, t1, fail
  csrw hgatp, zero
  hfence.gvma

  /* 22-25: mstatus.TVM = 1 makes HFENCE.GVMA illegal in HS-mode, but not vsatp or
     HFENCE.VVMA (H "hgatp", "mstatus": TVM "has no effect on accesses to vsatp or
     HFENCE.VVMA"), and not hgatp in M-mode. (Case 23, hgatp from HS-mode with TVM = 1, which
     must be illegal, is left out: see the deviations above.) */
  RUN_HS(22, csrr a0, hgatp)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  RUN_HS(24, 7: hfence.gvma)
  EXPECT_ILLEGAL_NV(7b)
  RUN_HS(25, csrr a0, vsatp; csrw vsatp, zero; hfence.vvma)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  csrr a0, hgatp
  li t0, MSTATUS_TVM
  csrc mstatus, t0

  /* 26-30: while V = 1 the supervisor CSR numbers reach the VS CSRs, and the HS-level
     registers keep their values (H "Hypervisor and Virtual Supervisor CSRs"). a0 = the value
     VS-mode read, then it writes a new one. */
#define SWAP_CASE(n, scsr, vscsr, vsval, hsval, newval) \
  li t0, vsval; csrw vscsr, t0; li t0, hsval; csrw scsr, t0; \
  RUN_VS(n, li a1, newval; csrrw a0, scsr, a1); \
  EXPECT_CAUSE(CAUSE_ECALL_VS); li t6, vsval; bne a0, t6, fail; \
  csrr a0, vscsr; li t6, newval; bne a0, t6, fail; \
  csrr a0, scsr; li t6, hsval; bne a0, t6, fail
  SWAP_CASE(26, sscratch, vsscratch, 0x1111, 0x2222, 0x3333)
  SWAP_CASE(27, sepc, vsepc, 0x80001000, 0x80002000, 0x80003000)
  SWAP_CASE(28, scause, vscause, 3, 5, 13)
  SWAP_CASE(29, stval, vstval, 0x1234, 0x5678, 0x9abc)
  SWAP_CASE(30, stvec, vstvec, 0x80004000, 0x80005000, 0x80006000)
  call hyp_reset
  /* 31: sstatus -> vsstatus: VS reads vsstatus.SPP/SUM and sets MXR in vsstatus only. */
  li gp, 31
  li t0, MSTATUS_FS_INITIAL | UXL_64 | MSTATUS_SUM | MSTATUS_SPP
  csrw vsstatus, t0
  RUN_VS(31, csrr a0, sstatus; li t0, MSTATUS_MXR; csrs sstatus, t0)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  EXPECT_BITS(a0, MSTATUS_SUM | MSTATUS_SPP | MSTATUS_MXR, MSTATUS_SUM | MSTATUS_SPP)
  EXPECT_CSR_BITS(vsstatus, MSTATUS_SUM | MSTATUS_SPP | MSTATUS_MXR, \
                  MSTATUS_SUM | MSTATUS_SPP | MSTATUS_MXR)
  EXPECT_CSR_BITS(mstatus, MSTATUS_SUM | MSTATUS_SPP | MSTATUS_MXR, 0)
  call hyp_reset
  /* 32: sie -> vsie (= hie >> 1 under hideleg); the HS-level sie keeps SSIE. */
  li t0, VS_INTS
  csrw hideleg, t0
  li t0, S_INTS
  csrw mideleg, t0
  li t0, MIP_SSIP
  csrw mie, t0
  RUN_VS(32, csrr a0, sie; li t0, S_INTS; csrw sie, t0)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  EXPECT_BITS(a0, S_INTS, 0)
  EXPECT_CSR_BITS(hie, VS_INTS, VS_INTS)
  EXPECT_CSR_BITS(mie, S_INTS, MIP_SSIP)
  call hyp_reset
  /* 33: sip -> vsip: VS sees hvip.VSSIP as SSIP, not the HS-level SEIP, and clearing it
     clears hvip.VSSIP only. */
  li t0, VS_INTS
  csrw hideleg, t0
  li t0, S_INTS
  csrw mideleg, t0
  li t0, MIP_VSSIP
  csrw hvip, t0
  li t0, MIP_SEIP
  csrs mip, t0
  csrr s10, mip
  RUN_VS(33, csrr a0, sip; li t0, MIP_SSIP; csrc sip, t0)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  EXPECT_BITS(a0, S_INTS, MIP_SSIP)
  EXPECT_CSR_BITS(hvip, VS_INTS, 0)
  csrr a0, mip                     /* the HS-level SEIP is as it was (if M could set it) */
  xor a0, a0, s10
  andi a0, a0, MIP_SEIP
  bnez a0, fail
  call hyp_reset
  /* 34: satp -> vsatp. VS-stage runs on an identity Sv39 table, HS on a second one: VS reads
     vsatp, writes 0 (Bare) to it, and the HS-level satp is unchanged. */
  la t0, vs_root
  srli t0, t0, 12
  li t1, SATP_SV39
  or s10, t0, t1
  csrw vsatp, s10
  csrr s10, vsatp
  la t0, hs_root
  srli t0, t0, 12
  or s11, t0, t1
  csrw satp, s11
  csrr s11, satp
  beq s10, s11, fail
  hfence.vvma
  sfence.vma
  RUN_VS(34, csrr a0, satp; csrw satp, zero; sfence.vma)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  bne a0, s10, fail
  csrr a0, vsatp
  bnez a0, fail
  csrr a0, satp
  bne a0, s11, fail
  call hyp_reset
  /* 35-36: scounteren and senvcfg have no VS copy: VS-mode writes the one HS-level register
     (H "Hypervisor and Virtual Supervisor CSRs"). Bits may be read-only zero, so VS's view is
     compared with M's. */
  csrw scounteren, zero
  RUN_VS(35, li t0, 5; csrw scounteren, t0; csrr a0, scounteren)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  csrr a1, scounteren
  bne a0, a1, fail
  csrw senvcfg, zero
  RUN_VS(36, li t0, 1; csrw senvcfg, t0; csrr a0, senvcfg)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  csrr a1, senvcfg
  bne a0, a1, fail
  csrw senvcfg, zero
  call hyp_reset

  /* 37-48: CSR accesses from V = 1 (H "Trap Cause Codes"): an H or VS CSR by its own number
     is a virtual instruction in VS- and VU-mode (also hgatp with mstatus.TVM = 1, since the
     rule assumes TVM = 0); an M CSR is always illegal. */
  RUN_VS(37, 7: csrr a0, hstatus)
  EXPECT_VIRTUAL(7b)
  RUN_VS(38, 7: csrr a0, vsstatus)
  EXPECT_VIRTUAL(7b)
  RUN_VS(39, 7: csrw vsatp, zero)
  EXPECT_VIRTUAL(7b)
  RUN_VS(40, 7: csrr a0, htimedelta)
  EXPECT_VIRTUAL(7b)
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  RUN_VS(41, 7: csrr a0, hgatp)
  EXPECT_VIRTUAL(7b)
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  RUN_VS(42, 7: csrr a0, mstatus)
  EXPECT_ILLEGAL_V(7b)
  RUN_VS(43, 7: csrr a0, mscratch)
  EXPECT_ILLEGAL_V(7b)
  /* (Cases 44-45, sstatus and satp from VU-mode, which must be virtual instructions, are left
     out: see the deviations above.) */
  RUN_VU(46, 7: csrr a0, hstatus)
  EXPECT_VIRTUAL(7b)
  RUN_VU(47, 7: csrw vsscratch, zero)
  EXPECT_VIRTUAL(7b)
  RUN_VU(48, 7: csrr a0, mstatus)
  EXPECT_ILLEGAL_V(7b)
  /* 49-51: writing a read-only CSR is not allowed in HS-mode either, so it is illegal from
     V = 1; reading hgeip is a virtual instruction. */
  RUN_VS(49, 7: csrw hgeip, zero)
  EXPECT_ILLEGAL_V(7b)
  RUN_VS(50, 7: csrw cycle, zero)
  EXPECT_ILLEGAL_V(7b)
  RUN_VS(51, 7: csrr a0, hgeip)
  EXPECT_VIRTUAL(7b)
  RUN_VU(52, 7: csrw cycle, zero)
  EXPECT_ILLEGAL_V(7b)

  /* 53-60: counters (H "hcounteren", "Trap Cause Codes"): mcounteren clear -> illegal;
     hcounteren clear with mcounteren set -> virtual in VS and VU; in VU scounteren clear ->
     virtual; VS ignores scounteren. */
  li t0, 6
  csrw mcounteren, t0              /* CY clear */
  RUN_VS(53, 7: rdcycle a0)
  EXPECT_ILLEGAL_V(7b)
  RUN_VU(54, 7: rdcycle a0)
  EXPECT_ILLEGAL_V(7b)
  li t0, 7
  csrw mcounteren, t0
  li t0, 6
  csrw hcounteren, t0              /* CY clear in hcounteren only */
  RUN_VS(55, 7: rdcycle a0)
  EXPECT_VIRTUAL(7b)
  li t0, 3
  csrw hcounteren, t0              /* IR clear */
  RUN_VU(56, 7: rdinstret a0)
  EXPECT_VIRTUAL(7b)
  li t0, 7
  csrw hcounteren, t0
  li t0, 5
  csrw scounteren, t0              /* TM clear in scounteren only */
  RUN_VU(57, 7: rdtime a0)
  EXPECT_VIRTUAL(7b)
  RUN_VU(58, rdcycle a0; rdinstret a0)
  EXPECT_CAUSE(CAUSE_ECALL_U)
  csrw scounteren, zero
  RUN_VS(59, rdcycle a0; rdtime a0; rdinstret a0)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  li t0, 7
  csrw scounteren, t0
  RUN_VU(60, rdcycle a0; rdtime a0; rdinstret a0)
  EXPECT_CAUSE(CAUSE_ECALL_U)

  /* 62-64: hstatus.VTVM = 1: SFENCE.VMA in VS-mode is a virtual instruction (H "hstatus");
     HS-mode is unaffected (vsatp, HFENCE.VVMA, satp). (Case 61, satp from VS-mode with
     VTVM = 1, which must be a virtual instruction, is left out: see the deviations above.) */
  li t0, HSTATUS_VTVM
  csrs hstatus, t0
  RUN_VS(62, 7: sfence.vma)
  EXPECT_VIRTUAL(7b)
  RUN_HS(63, csrr a0, satp; csrr a0, vsatp; hfence.vvma; sfence.vma)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t0, HSTATUS_VTVM
  csrc hstatus, t0
  /* (Case 64, mstatus.TVM = 1 not affecting satp/SFENCE.VMA in VS-mode, is left out: see the
     deviations above.) */

  /* 65-66: VTSR = 1: SRET in VS-mode is a virtual instruction; VTSR does not affect HS-mode.
     (Case 67, mstatus.TSR = 1 not affecting SRET in VS-mode, is left out: see the deviations
     above.) */
  li t0, HSTATUS_VTSR
  csrs hstatus, t0
  RUN_VS(65, 7: sret)
  EXPECT_VIRTUAL(7b)
  RUN_HS(66, la t0, 1f; csrw sepc, t0; li t0, MSTATUS_SPP; csrs sstatus, t0; sret; j fail; 1:)
  EXPECT_CAUSE(CAUSE_ECALL_S)
  li t0, HSTATUS_VTSR
  csrc hstatus, t0

  /* 68-70: WFI. VS-mode with VTW = 1 and TW = 0: a virtual instruction unless it completes
     within a bounded time (H "hstatus"), so either outcome passes but an illegal instruction
     does not. With TW = 1: illegal unless it completes. VU-mode with TW = 0: virtual. */
  li t0, HSTATUS_VTW
  csrs hstatus, t0
  RUN_VS(68, 7: wfi)
  li t6, CAUSE_ECALL_VS
  beq s2, t6, 1f
  EXPECT_VIRTUAL(7b)
1:
  li t0, MSTATUS_TW
  csrs mstatus, t0
  RUN_VS(69, 7: wfi)
  li t6, CAUSE_ECALL_VS
  beq s2, t6, 1f
  EXPECT_ILLEGAL_V(7b)
1:
  li t0, MSTATUS_TW
  csrc mstatus, t0
  li t0, HSTATUS_VTW
  csrc hstatus, t0
  RUN_VU(70, 7: wfi)
  EXPECT_VIRTUAL(7b)
  /* (Cases 71-72, SRET and SFENCE.VMA in VU-mode, which must be virtual instructions, are
     left out: see the deviations above.) */

  /* 73-78: HLV/HLVX/HSV/HFENCE with V = 1 are virtual instructions (H "Hypervisor
     Virtual-Machine Load and Store Instructions", "Memory-Management Fence Instructions").
     mtval is not checked after HLV/HLVX/HSV (see the deviations above). (Case 79, HFENCE in
     VU-mode, is left out: see the deviations above.) */
  la t1, data_word
  RUN_VS(73, 7: hlv.w a0, (t1))
  EXPECT_INSN_TRAP_ANY_TVAL(CAUSE_VIRTUAL, 7b, 1)
  RUN_VS(74, 7: hsv.w zero, (t1))
  EXPECT_INSN_TRAP_ANY_TVAL(CAUSE_VIRTUAL, 7b, 1)
  RUN_VS(75, 7: hlvx.hu a0, (t1))
  EXPECT_INSN_TRAP_ANY_TVAL(CAUSE_VIRTUAL, 7b, 1)
  RUN_VS(76, 7: hfence.vvma)
  EXPECT_VIRTUAL(7b)
  RUN_VS(77, 7: hfence.gvma)
  EXPECT_VIRTUAL(7b)
  RUN_VU(78, 7: hlv.d a0, (t1))
  EXPECT_INSN_TRAP_ANY_TVAL(CAUSE_VIRTUAL, 7b, 1)
  /* 80-82: in U-mode (V = 0) HLV is illegal with hstatus.HU = 0 and works with HU = 1 (here
     both stages are Bare, so it reads the word itself); HFENCE stays illegal in U-mode. */
  RUN_U(80, 7: hlv.w a0, (t1))
  EXPECT_INSN_TRAP_ANY_TVAL(CAUSE_ILLEGAL, 7b, 0)
  li t0, HSTATUS_HU
  csrs hstatus, t0
  RUN_U(81, hlv.w a0, (t1))
  EXPECT_CAUSE(CAUSE_ECALL_U)
  li t6, 0x13579bdf
  bne a0, t6, fail
  RUN_U(82, 7: hfence.vvma)
  EXPECT_ILLEGAL_NV(7b)
  li t0, HSTATUS_HU
  csrc hstatus, t0

  /* 83-86: FP with vsstatus.FS = 0 or sstatus.FS = 0 while V = 1 is always an illegal
     instruction, never virtual (H "Trap Cause Codes", "vsstatus"); with both on, an FP write
     makes both fields Dirty. */
  li t0, MSTATUS_FS
  csrc vsstatus, t0
  RUN_VS(83, 7: fadd.d fa0, fa1, fa2)
  EXPECT_ILLEGAL_V(7b)
  RUN_VU(84, 7: fadd.d fa0, fa1, fa2)
  EXPECT_ILLEGAL_V(7b)
  li t0, MSTATUS_FS_INITIAL
  csrs vsstatus, t0
  li t0, MSTATUS_FS
  csrc mstatus, t0
  RUN_VS(85, 7: fadd.d fa0, fa1, fa2)
  EXPECT_ILLEGAL_V(7b)
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  RUN_VS(86, fadd.d fa0, fa1, fa2)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  EXPECT_CSR_BITS(vsstatus, MSTATUS_FS, MSTATUS_FS)
  EXPECT_CSR_BITS(mstatus, MSTATUS_FS, MSTATUS_FS)
  call hyp_reset

  /* 87-90: time reads as time + htimedelta in VS and VU (H "htimedelta"), modulo 2^64, and
     unchanged in HS: the value read must lie between M's reads of time before and after, plus
     the delta. */
#define TIME_CASE(n, run, delta) \
  li s10, delta; csrw htimedelta, s10; csrr s11, time; \
  run(n, rdtime a0); csrr a1, time; \
  sub a0, a0, s10; sub a0, a0, s11; sub a1, a1, s11; bgtu a0, a1, fail
  TIME_CASE(87, RUN_VS, 0x10000000000)
  TIME_CASE(88, RUN_VU, 0x10000000000)
  TIME_CASE(89, RUN_VS, -0x10000000000)
  li s10, 0x10000000000
  csrw htimedelta, s10
  csrr s11, time
  RUN_HS(90, rdtime a0)
  csrr a1, time
  sub a0, a0, s11
  sub a1, a1, s11
  bgtu a0, a1, fail
  csrw htimedelta, zero

  /* 91-99: Sstc, if menvcfg.STCE is writable (sstc, H "henvcfg", "vstimecmp"). */
  li gp, 91
  li t0, ENVCFG_STCE
  csrs menvcfg, t0
  csrr a0, menvcfg
  bgez a0, no_sstc
  li t0, ENVCFG_STCE
  csrs henvcfg, t0
  li t0, -1
  csrw stimecmp, t0
  li t0, 0x2000000000000000
  csrw vstimecmp, t0
  /* 91: in VS-mode stimecmp is vstimecmp; the HS-level stimecmp keeps its value. */
  RUN_VS(91, csrr a0, stimecmp; li t0, 0x4000000000000000; csrw stimecmp, t0)
  EXPECT_CAUSE(CAUSE_ECALL_VS)
  li t6, 0x2000000000000000
  bne a0, t6, fail
  csrr a0, vstimecmp
  li t6, 0x4000000000000000
  bne a0, t6, fail
  csrr a0, stimecmp
  li t6, -1
  bne a0, t6, fail
  /* 92: vstimecmp by its own number from VS-mode: virtual instruction. */
  RUN_VS(92, 7: csrr a0, vstimecmp)
  EXPECT_VIRTUAL(7b)
  /* 93: hcounteren.TM = 0 with mcounteren.TM = 1: virtual (H "hcounteren"). */
  li t0, 5
  csrw hcounteren, t0
  RUN_VS(93, 7: csrr a0, stimecmp)
  EXPECT_VIRTUAL(7b)
  li t0, 7
  csrw hcounteren, t0
  /* 94: henvcfg.STCE = 0: virtual instruction (H "henvcfg"). */
  li t0, ENVCFG_STCE
  csrc henvcfg, t0
  RUN_VS(94, 7: csrr a0, stimecmp)
  EXPECT_VIRTUAL(7b)
  /* 96-97: menvcfg.STCE = 0: stimecmp is illegal outside M-mode, whatever henvcfg.STCE was
     set to (machine chapter "menvcfg"). (Case 95, henvcfg.STCE reading zero then, is left
     out: see the deviations above.) */
  li t0, ENVCFG_STCE
  csrc menvcfg, t0
  csrs henvcfg, t0
  RUN_VS(96, 7: csrr a0, stimecmp)
  EXPECT_ILLEGAL_V(7b)
  RUN_HS(97, 7: csrr a0, stimecmp)
  EXPECT_ILLEGAL_NV(7b)
  /* 98-99: hip.VSTIP follows (time + htimedelta) >= vstimecmp (H "vstimecmp"), reflected
     eventually: pending with vstimecmp = delta, clear with vstimecmp = delta + 2^40. */
  li t0, ENVCFG_STCE
  csrs menvcfg, t0
  csrs henvcfg, t0
  li t0, 0x4000000000000
  csrw htimedelta, t0
  csrw vstimecmp, t0
  li gp, 98
  POLL_CSR(hip, MIP_VSTIP, MIP_VSTIP)
  li t0, 0x4010000000000
  csrw vstimecmp, t0
  li gp, 99
  POLL_CSR(hip, MIP_VSTIP, 0)
  li t0, -1
  csrw vstimecmp, t0
  csrw htimedelta, zero
  csrw henvcfg, zero
  li t0, ENVCFG_STCE
  csrc menvcfg, t0
no_sstc:
  j pass

  HYP_TRAP_RECORDER
  HS_HANDLER
  VS_HANDLER
  HYP_RESET_FN

  SV39_IDENTITY_ROOT(vs_root)
  SV39_IDENTITY_ROOT(hs_root)

  .data
  .balign 8
data_word:
  .word 0x13579bdf
  .word 0
