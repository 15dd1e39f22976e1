/* Entry point and machine-mode trap vector shared by the C guest programs.
   Hart 0 sets up the C environment and calls main(); other harts park in wfi. */
#define REGBYTES 8
#define FRAME_SIZE (34 * REGBYTES)   /* x0..x31, mepc, spare */

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  csrr  t0, mhartid
  bnez  t0, park

  .option push
  .option norelax
  la    gp, __global_pointer$
  .option pop
  la    sp, __stack_top

  /* Zero .bss (it is 16-byte aligned at both ends). */
  la    t0, __bss_start
  la    t1, __bss_end
1:
  bgeu  t0, t1, 2f
  sd    zero, 0(t0)
  sd    zero, 8(t0)
  addi  t0, t0, 16
  j     1b
2:
  /* mstatus.FS = Initial (01): the FPU is usable (priv spec 3.1.6.6). */
  li    t0, (1 << 13)
  csrs  mstatus, t0
  csrw  fcsr, zero

  la    t0, __trap_stack_top
  csrw  mscratch, t0
  la    t0, trap_entry
  csrw  mtvec, t0

  call  main
  call  exit
park:
  csrw  mie, zero
3:
  wfi
  j     3b

/* Machine-mode trap vector (direct mode, so 4-byte aligned). Swaps to the trap stack held in
   mscratch, saves every integer register and mepc into a frame, and calls
   m_trap(frame); the handler may change any saved register or mepc before we return. */
  .text
  .balign 4
  .globl trap_entry
trap_entry:
  csrrw sp, mscratch, sp
  addi  sp, sp, -FRAME_SIZE
  sd    x1, 1*REGBYTES(sp)
  sd    x3, 3*REGBYTES(sp)
  sd    x4, 4*REGBYTES(sp)
  sd    x5, 5*REGBYTES(sp)
  sd    x6, 6*REGBYTES(sp)
  sd    x7, 7*REGBYTES(sp)
  sd    x8, 8*REGBYTES(sp)
  sd    x9, 9*REGBYTES(sp)
  sd    x10, 10*REGBYTES(sp)
  sd    x11, 11*REGBYTES(sp)
  sd    x12, 12*REGBYTES(sp)
  sd    x13, 13*REGBYTES(sp)
  sd    x14, 14*REGBYTES(sp)
  sd    x15, 15*REGBYTES(sp)
  sd    x16, 16*REGBYTES(sp)
  sd    x17, 17*REGBYTES(sp)
  sd    x18, 18*REGBYTES(sp)
  sd    x19, 19*REGBYTES(sp)
  sd    x20, 20*REGBYTES(sp)
  sd    x21, 21*REGBYTES(sp)
  sd    x22, 22*REGBYTES(sp)
  sd    x23, 23*REGBYTES(sp)
  sd    x24, 24*REGBYTES(sp)
  sd    x25, 25*REGBYTES(sp)
  sd    x26, 26*REGBYTES(sp)
  sd    x27, 27*REGBYTES(sp)
  sd    x28, 28*REGBYTES(sp)
  sd    x29, 29*REGBYTES(sp)
  sd    x30, 30*REGBYTES(sp)
  sd    x31, 31*REGBYTES(sp)
  /* The interrupted sp is in mscratch; save it and restore mscratch to the trap stack top. */
  csrr  t0, mscratch
  sd    t0, 2*REGBYTES(sp)
  addi  t0, sp, FRAME_SIZE
  csrw  mscratch, t0
  csrr  t0, mepc
  sd    t0, 32*REGBYTES(sp)
  sd    zero, 0(sp)

  .option push
  .option norelax
  la    gp, __global_pointer$
  .option pop
  mv    a0, sp
  call  m_trap

  ld    t0, 32*REGBYTES(sp)
  csrw  mepc, t0
  ld    x1, 1*REGBYTES(sp)
  ld    x3, 3*REGBYTES(sp)
  ld    x4, 4*REGBYTES(sp)
  ld    x5, 5*REGBYTES(sp)
  ld    x6, 6*REGBYTES(sp)
  ld    x7, 7*REGBYTES(sp)
  ld    x8, 8*REGBYTES(sp)
  ld    x9, 9*REGBYTES(sp)
  ld    x10, 10*REGBYTES(sp)
  ld    x11, 11*REGBYTES(sp)
  ld    x12, 12*REGBYTES(sp)
  ld    x13, 13*REGBYTES(sp)
  ld    x14, 14*REGBYTES(sp)
  ld    x15, 15*REGBYTES(sp)
  ld    x16, 16*REGBYTES(sp)
  ld    x17, 17*REGBYTES(sp)
  ld    x18, 18*REGBYTES(sp)
  ld    x19, 19*REGBYTES(sp)
  ld    x20, 20*REGBYTES(sp)
  ld    x21, 21*REGBYTES(sp)
  ld    x22, 22*REGBYTES(sp)
  ld    x23, 23*REGBYTES(sp)
  ld    x24, 24*REGBYTES(sp)
  ld    x25, 25*REGBYTES(sp)
  ld    x26, 26*REGBYTES(sp)
  ld    x27, 27*REGBYTES(sp)
  ld    x28, 28*REGBYTES(sp)
  ld    x29, 29*REGBYTES(sp)
  ld    x30, 30*REGBYTES(sp)
  ld    x31, 31*REGBYTES(sp)
  ld    sp, 2*REGBYTES(sp)
  mret
