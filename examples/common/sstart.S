/* Entry point of the S-mode guest programs (linked with slink.ld at 0x8020_0000, runtime in slib.c).
   Firmware (OpenSBI, vmscope's built-in SBI), the built-in VMM or the minivisor enters _start in S-mode
   (VS-mode for a guest) with a0 = hart id, a1 = device tree address and satp = 0. The first hart to arrive
   sets up the C environment and calls s_boot(hartid, dtb), which never returns; any other hart parks in wfi. */

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  /* The boot hart is whichever swaps a 1 into boot_lottery first: the hart id need not be 0. */
  la    t0, boot_lottery
  li    t1, 1
  amoswap.w t1, t1, (t0)
  bnez  t1, park

  .option push
  .option norelax
  la    gp, __global_pointer$
  .option pop
  la    sp, __stack_top

  /* Zero .bss (16-byte aligned at both ends); a0 and a1 are kept for s_boot. */
  la    t0, __bss_start
  la    t1, __bss_end
1:
  bgeu  t0, t1, 2f
  sd    zero, 0(t0)
  sd    zero, 8(t0)
  addi  t0, t0, 16
  j     1b
2:
  /* sstatus.FS = Initial (01): the FPU is usable (priv spec "Extension Context Status"). */
  li    t0, (1 << 13)
  csrs  sstatus, t0
  csrw  fcsr, zero

  /* No interrupts; every exception goes to s_trap_entry (direct mode). */
  csrw  sie, zero
  la    t0, s_trap_entry
  csrw  stvec, t0

  call  s_boot
park:
  csrw  sie, zero
3:
  wfi
  j     3b

  .section .data
  .balign 4
boot_lottery:
  .word 0

/* Supervisor trap vector. A guest program takes no traps on purpose, so a trap is a failure: report
   scause, sepc and stval from a stack of its own and shut down (s_trap in slib.c). */
  .text
  .balign 4
  .globl s_trap_entry
s_trap_entry:
  la    sp, __trap_stack_top
  csrr  a0, scause
  csrr  a1, sepc
  csrr  a2, stval
  call  s_trap
4:
  j     4b
