/* User program "disk" (runs in U-mode at 0x3_0000): reads sector 0 of the disk with the readblk
   system call and prints a checksum of it (or "no disk"), then shows that the kernel refuses a
   write() whose buffer is a kernel address. */
#include "ulib.h"

static uint8_t sector[512];   /* in the program's .bss: a user page the kernel copies into */

void disk_main(void)
{
  struct line l;
  long r = readblk(0, sector);
  line_start(&l, "disk");
  if (r != 0) {
    put_str(&l, "no disk");
  } else {
    /* Sum the sector the slow way, a byte at a time, 64 rounds: computation to preempt. */
    unsigned long sum = 0;
    for (int round = 0; round < 64; round++)
      for (int i = 0; i < 512; i++) sum = sum * 31 + sector[i] + (unsigned)round;
    put_str(&l, "sector 0: bytes 510-511 = 0x");
    put_uint(&l, (unsigned long)sector[510] << 8 | sector[511], 16);
    put_str(&l, ", checksum 0x");
    put_uint(&l, sum & 0xffffffffUL, 16);
  }
  line_end(&l);
  yield();

  line_start(&l, "disk");
  put_str(&l, "write from kernel address 0x80200000 returns ");
  put_int(&l, write(1, (const void *)0x80200000UL, 16));
  line_end(&l);
  yield();
  exit(0);
}
