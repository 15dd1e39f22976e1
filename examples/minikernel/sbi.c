/* minikernel: calls into the M-mode firmware through ecall (RISC-V SBI specification, chapter 3
   "Binary Encoding": a7 = extension ID, a6 = function ID, arguments in a0..a5, result
   error/value in a0/a1). */
#include "minikernel.h"

struct sbiret sbi_call(long eid, long fid, long arg0, long arg1, long arg2)
{
  register long a0 __asm__("a0") = arg0;
  register long a1 __asm__("a1") = arg1;
  register long a2 __asm__("a2") = arg2;
  register long a6 __asm__("a6") = fid;
  register long a7 __asm__("a7") = eid;
  __asm__ __volatile__("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
  return (struct sbiret){ a0, a1 };
}

/* BASE sbi_get_spec_version (FID 0): bits 30:24 major, 23:0 minor. */
long sbi_spec_version(void)
{
  return sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value;
}

/* BASE sbi_probe_extension (FID 3): nonzero value when the extension is implemented. */
int sbi_has_extension(long eid)
{
  return sbi_call(SBI_EXT_BASE, 3, eid, 0, 0).value != 0;
}

/* TIME sbi_set_timer (FID 0): one timer interrupt (sip.STIP) when `time` reaches `when`; a call
   also clears the pending interrupt. */
void sbi_set_timer(uint64_t when)
{
  sbi_call(SBI_EXT_TIME, 0, (long)when, 0, 0);
}

/* SRST sbi_system_reset (FID 0), type 0 = shutdown, reason 0 = no reason. */
void sbi_shutdown(void)
{
  sbi_call(SBI_EXT_SRST, 0, 0, 0, 0);
  for (;;) __asm__ __volatile__("wfi");
}
