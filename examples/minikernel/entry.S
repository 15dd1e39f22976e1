/* minikernel: boot entry, trap vector and return to user mode.

   OpenSBI (fw_dynamic) enters _start in S-mode with a0 = hart id, a1 = device tree address and
   satp = 0 (no translation). The trap vector saves all 31 integer registers of the interrupted
   user process, plus sepc, into that process's trap frame (struct trapframe in minikernel.h);
   trap_return restores a frame and executes sret. Switching processes is simply returning into
   another process's frame: the whole user context is in the frame, and the kernel keeps no
   per-process kernel stack because it never blocks inside a trap. */

/* Offset of sepc in struct trapframe: after x0..x31. */
#define TF_SEPC (32 * 8)

  .section .text.entry, "ax", @progbits
  .globl _start
_start:
  /* Only one hart runs the kernel: the first to swap a 1 into boot_lottery. With OpenSBI only the
     boot hart arrives here; the others stay stopped in the firmware. */
  la    t0, boot_lottery
  li    t1, 1
  amoswap.w t1, t1, (t0)
  bnez  t1, park

  la    sp, __kernel_stack_top

  /* Zero .bss (16-byte aligned at both ends). a0 and a1 are kept for kmain. */
  la    t0, __bss_start
  la    t1, __bss_end
1:
  bgeu  t0, t1, 2f
  sd    zero, 0(t0)
  sd    zero, 8(t0)
  addi  t0, t0, 16
  j     1b
2:
  call  kmain                 /* kmain(hartid, dtb) never returns */
park:
  csrw  sie, zero
3:
  wfi
  j     3b

  .section .data
  .balign 4
boot_lottery:
  .word 0

/* Supervisor trap vector (stvec direct mode: 4-byte aligned). Traps are only taken from U-mode
   (the kernel runs with sstatus.SIE = 0); sscratch holds the current process's trap frame. */
  .text
  .balign 4
  .globl trap_vector
trap_vector:
  csrrw t6, sscratch, t6      /* t6 = trap frame, sscratch = user t6 */
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
  csrr  t5, sscratch          /* the user's t6 (x31) */
  sd    t5, 31*8(t6)
  csrw  sscratch, t6
  csrr  t5, sepc
  sd    t5, TF_SEPC(t6)

  la    sp, __kernel_stack_top
  mv    a0, t6
  call  trap_handler          /* returns the frame of the process to run next */
  /* fall through */

/* trap_return(frame): enters U-mode with the registers and pc of `frame`. sstatus.SPP is 0 (the
   previous mode was U) whenever we get here: set by kmain for the first entry, by the hart on
   every trap taken from U-mode. */
  .globl trap_return
trap_return:
  csrw  sscratch, a0
  ld    t5, TF_SEPC(a0)
  csrw  sepc, t5
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
