/* minivisor: the guest kernel, embedded as a file. examples/build.sh assembles this from
   examples/ after it has linked build/minikernel.elf; the minivisor reads the ELF's program headers
   at boot and copies the PT_LOAD segments into guest pages as the guest first touches them. */
  .section .rodata.guest, "a", @progbits
  .balign 8
  .globl guest_elf, guest_elf_end
guest_elf:
  .incbin "build/minikernel.elf"
guest_elf_end:
