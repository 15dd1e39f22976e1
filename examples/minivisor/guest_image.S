/* minivisor: the guest kernel, embedded as a file. examples/build.sh assembles this from
   examples/ after it has linked the guest ELF; the minivisor reads the ELF's program headers
   at boot and copies the PT_LOAD segments into guest pages as the guest first touches them.
   GUEST_ELF names the file (a string, e.g. -DGUEST_ELF='"build/bench-int-guest.elf"'); the
   default is the minikernel. */
#ifndef GUEST_ELF
#define GUEST_ELF "build/minikernel.elf"
#endif
  .section .rodata.guest, "a", @progbits
  .balign 8
  .globl guest_elf, guest_elf_end
guest_elf:
  .incbin GUEST_ELF
guest_elf_end:
