/* minivisor: boot entry, the HS-mode trap vector (every VM exit starts here) and the return into
   the guest.

   OpenSBI (fw_dynamic) or vmscope's built-in SBI enters _start in S-mode (HS-mode, since the hart
   implements the H extension) with a0 = hart id, a1 = device tree address and satp = 0; the
   minivisor keeps satp = 0 and addresses host memory physically.

   sscratch tells the trap vector where a trap came from: while the guest runs it holds the
   guest's register frame (struct vcpu in minivisor.h); while the minivisor itself runs it holds 0.
   A trap from the guest saves all 31 integer registers and sepc into the frame, calls vm_exit on
   the minivisor's stack and resumes the guest with enter_guest. A trap from the minivisor itself
   is a bug (or a missing H extension) and goes to hs_trap, which reports it. */

#define VCPU_PC (32 * 8)   /* offset of pc in struct vcpu, after x0..x31 */

  .section .text.entry, "ax", @progbits
  .globl _start
_start:
  /* Only the first hart to arrive runs the minivisor; OpenSBI starts just the boot hart. */
  la    t0, boot_lottery
  li    t1, 1
  amoswap.w t1, t1, (t0)
  bnez  t1, park

  la    sp, __stack_top
  csrw  sscratch, zero
  la    t0, trap_vector
  csrw  stvec, t0

  /* Zero .bss (16-byte aligned at both ends); a0 and a1 are kept for hv_main. */
  la    t0, __bss_start
  la    t1, __bss_end
1:
  bgeu  t0, t1, 2f
  sd    zero, 0(t0)
  sd    zero, 8(t0)
  addi  t0, t0, 16
  j     1b
2:
  call  hv_main               /* hv_main(hartid, dtb) enters the guest and never returns */
park:
  csrw  sie, zero
3:
  wfi
  j     3b

  .section .data
  .balign 4
boot_lottery:
  .word 0

/* Supervisor trap vector (stvec direct mode: 4-byte aligned). */
  .text
  .balign 4
  .globl trap_vector
trap_vector:
  csrrw t6, sscratch, t6      /* t6 = guest frame (0: trap from the minivisor), sscratch = t6 */
  beqz  t6, hs_trap
  sd    x1, 1*8(t6)
  sd    x2, 2*8(t6)
  sd    x3, 3*8(t6)
  sd    x4, 4*8(t6)
  sd    x5, 5*8(t6)
  sd    x6, 6*8(t6)
  sd    x7, 7*8(t6)
  sd    x8, 8*8(t6)
  sd    x9, 9*8(t6)
  sd    x10, 10*8(t6)
  sd    x11, 11*8(t6)
  sd    x12, 12*8(t6)
  sd    x13, 13*8(t6)
  sd    x14, 14*8(t6)
  sd    x15, 15*8(t6)
  sd    x16, 16*8(t6)
  sd    x17, 17*8(t6)
  sd    x18, 18*8(t6)
  sd    x19, 19*8(t6)
  sd    x20, 20*8(t6)
  sd    x21, 21*8(t6)
  sd    x22, 22*8(t6)
  sd    x23, 23*8(t6)
  sd    x24, 24*8(t6)
  sd    x25, 25*8(t6)
  sd    x26, 26*8(t6)
  sd    x27, 27*8(t6)
  sd    x28, 28*8(t6)
  sd    x29, 29*8(t6)
  sd    x30, 30*8(t6)
  csrr  t5, sscratch          /* the guest's t6 (x31) */
  sd    t5, 31*8(t6)
  csrr  t5, sepc
  sd    t5, VCPU_PC(t6)
  csrw  sscratch, zero        /* from here on, traps come from the minivisor */

  la    sp, __stack_top       /* every VM exit starts on an empty stack */
  mv    a0, t6
  call  vm_exit               /* handles the exit; returns the frame to resume */
  /* fall through */

/* enter_guest(frame): resumes the guest with the registers and pc of `frame`. hstatus.SPV = 1
   and sstatus.SPP give the mode sret returns to: VS (SPP = 1) or VU (SPP = 0), as the trap that
   caused the exit left them or as hv_main / an injected trap set them (hypervisor spec "Trap
   Return"). */
  .globl enter_guest
enter_guest:
  ld    t5, VCPU_PC(a0)
  csrw  sepc, t5
  csrw  sscratch, a0
  mv    t6, a0
  ld    x1, 1*8(t6)
  ld    x2, 2*8(t6)
  ld    x3, 3*8(t6)
  ld    x4, 4*8(t6)
  ld    x5, 5*8(t6)
  ld    x6, 6*8(t6)
  ld    x7, 7*8(t6)
  ld    x8, 8*8(t6)
  ld    x9, 9*8(t6)
  ld    x10, 10*8(t6)
  ld    x11, 11*8(t6)
  ld    x12, 12*8(t6)
  ld    x13, 13*8(t6)
  ld    x14, 14*8(t6)
  ld    x15, 15*8(t6)
  ld    x16, 16*8(t6)
  ld    x17, 17*8(t6)
  ld    x18, 18*8(t6)
  ld    x19, 19*8(t6)
  ld    x20, 20*8(t6)
  ld    x21, 21*8(t6)
  ld    x22, 22*8(t6)
  ld    x23, 23*8(t6)
  ld    x24, 24*8(t6)
  ld    x25, 25*8(t6)
  ld    x26, 26*8(t6)
  ld    x27, 27*8(t6)
  ld    x28, 28*8(t6)
  ld    x29, 29*8(t6)
  ld    x30, 30*8(t6)
  ld    t6, 31*8(t6)
  sret

/* A trap taken while the minivisor itself was running. Restore t6 (and sscratch = 0), then report
   it; hs_trap_report never returns. */
hs_trap:
  csrrw t6, sscratch, t6
  call  hs_trap_report
4:
  j     4b
