/* minivisor: the two sides of the SBI (RISC-V SBI specification, "Binary Encoding": a7 = extension
   ID, a6 = function ID, arguments in a0..a5, result error/value in a0/a1, every other register
   preserved).

   Firmware side: the minivisor's own calls into OpenSBI (or vmscope's built-in SBI) in M-mode.

   Guest side: an ecall from VS-mode is cause 10, which the hart cannot delegate to VS-mode
   (hedeleg bit 10 is read-only zero, hypervisor spec "hedeleg"), so every SBI call of the guest
   is a VM exit. The minivisor implements:
     BASE  spec version (the firmware's, so the guest reports what it would on the bare board),
           implementation ID/version, probe, mvendorid/marchid/mimpid = 0;
     TIME  set_timer: a virtual timer (main.c) on top of the firmware's;
     SRST  system_reset: prints the exit summary and passes the request to the firmware;
     DBCN  write, write_byte (to the console UART; read returns 0 bytes: no input);
     legacy console_putchar (EID 0x01);
   and returns SBI_ERR_NOT_SUPPORTED for everything else. */
#include "minivisor.h"

#define SBI_SUCCESS 0
#define MINIVISOR_IMPL_ID 0x6d76   /* "mv": not one of the registered implementation IDs */
#define MINIVISOR_IMPL_VERSION 1

static long firmware_spec_version;

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

/* Checks that the firmware has what the minivisor relies on (TIME and SRST); remembers its spec
   version for the guest. */
void firmware_init(void)
{
  firmware_spec_version = sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value;
  if (sbi_call(SBI_EXT_BASE, 3, SBI_EXT_TIME, 0, 0).value == 0) fatal("the firmware has no SBI TIME extension", 0);
  if (sbi_call(SBI_EXT_BASE, 3, SBI_EXT_SRST, 0, 0).value == 0) fatal("the firmware has no SBI SRST extension", 0);
}

/* TIME set_timer: one host timer interrupt (sip.STIP) when `time` reaches `when`; the call also
   clears a pending one. */
void firmware_set_timer(uint64_t when)
{
  sbi_call(SBI_EXT_TIME, 0, (long)when, 0, 0);
}

/* SRST shutdown. A failure is first reported to the board's test finisher with exit code 1
   ((1 << 16) | 0x3333): OpenSBI 1.1 turns SRST reason 1 ("system failure") into a finisher
   write with exit code 0, so QEMU would exit with status 0. */
void firmware_shutdown(int failure)
{
  if (failure) *(volatile uint32_t *)TEST_FINISHER = (1u << 16) | 0x3333;
  sbi_call(SBI_EXT_SRST, 0, 0, failure ? 1 : 0, 0);
  for (;;) __asm__ __volatile__("wfi");
}

/* ---- the guest's SBI ---- */

static int guest_has_extension(uint64_t eid)
{
  return eid == SBI_EXT_BASE || eid == SBI_EXT_TIME || eid == SBI_EXT_SRST || eid == SBI_EXT_DBCN ||
         eid == SBI_EXT_LEGACY_PUTCHAR;
}

static struct sbiret guest_base(uint64_t fid, uint64_t arg0)
{
  switch (fid) {
  case 0: return (struct sbiret){ SBI_SUCCESS, firmware_spec_version };
  case 1: return (struct sbiret){ SBI_SUCCESS, MINIVISOR_IMPL_ID };
  case 2: return (struct sbiret){ SBI_SUCCESS, MINIVISOR_IMPL_VERSION };
  case 3: return (struct sbiret){ SBI_SUCCESS, guest_has_extension((uint32_t)arg0) };
  case 4: case 5: case 6: return (struct sbiret){ SBI_SUCCESS, 0 };   /* mvendorid, marchid, mimpid */
  default: return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
  }
}

/* DBCN console_write: num_bytes from the guest-physical buffer at base_hi:base_lo. The buffer must
   lie in guest RAM ("Shared memory physical address range parameter"). */
static struct sbiret guest_console_write(uint64_t num_bytes, uint64_t base_lo, uint64_t base_hi)
{
  if (base_hi != 0 || !guest_ram_contains(base_lo) || num_bytes > GUEST_RAM_END - base_lo)
    return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
  for (uint64_t i = 0; i < num_bytes; i++) uart_put_raw(*guest_ram_at(base_lo + i));
  return (struct sbiret){ SBI_SUCCESS, (long)num_bytes };
}

static struct sbiret guest_dbcn(uint64_t fid, uint64_t arg0, uint64_t arg1, uint64_t arg2)
{
  switch (fid) {
  case 0: return guest_console_write(arg0, arg1, arg2);
  case 1: return (struct sbiret){ SBI_SUCCESS, 0 };            /* console_read: no input */
  case 2: uart_put_raw((uint8_t)arg0); return (struct sbiret){ SBI_SUCCESS, 0 };
  default: return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
  }
}

/* SRST system_reset(type, reason): the guest is done, so the machine is. */
static struct sbiret guest_system_reset(uint64_t fid, uint64_t type, uint64_t reason)
{
  if (fid != 0) return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
  print_exit_summary();
  return sbi_call(SBI_EXT_SRST, 0, (long)(uint32_t)type, (long)(uint32_t)reason, 0);   /* returns only on error */
}

/* An ecall from VS-mode (cause 10). Extension and function IDs are 32-bit values ("Binary
   Encoding"). The result goes to a0/a1 (legacy extensions: a0 only) and the guest resumes after
   the 4-byte ecall. */
void guest_sbi_call(struct vcpu *g)
{
  uint64_t *x = g->x;
  uint32_t eid = (uint32_t)x[17], fid = (uint32_t)x[16];
  struct sbiret r = { SBI_ERR_NOT_SUPPORTED, 0 };
  int legacy = 0;
  switch (eid) {
  case SBI_EXT_BASE: exits.sbi_base++; r = guest_base(fid, x[10]); break;
  case SBI_EXT_TIME:
    exits.sbi_time++;
    if (fid == 0) {
      guest_timer_set(x[10]);
      r = (struct sbiret){ SBI_SUCCESS, 0 };
    }
    break;
  case SBI_EXT_SRST: exits.sbi_srst++; r = guest_system_reset(fid, x[10], x[11]); break;
  case SBI_EXT_DBCN: exits.sbi_dbcn++; r = guest_dbcn(fid, x[10], x[11], x[12]); break;
  case SBI_EXT_LEGACY_PUTCHAR:
    exits.sbi_legacy++;
    uart_put_raw((uint8_t)x[10]);
    r.error = 0;
    legacy = 1;
    break;
  default:
    exits.sbi_other++;
    legacy = eid < 0x10;
    break;
  }
  x[10] = (uint64_t)r.error;
  if (!legacy) x[11] = (uint64_t)r.value;
  g->pc += 4;
}
