/* minivisor: boot, the VM-exit dispatcher and the exits that are not about memory or SBI.

   The minivisor is an HS-mode kernel that runs one guest, the minikernel, in VS-mode. What the
   guest kernel can handle itself is delegated to it (hedeleg, hideleg): its processes' system
   calls, page faults, breakpoints, misaligned accesses, illegal instructions, and the VS-level
   interrupts. Everything else is a VM exit, a trap into HS-mode, handled by vm_exit:
     cause 10  ecall from VS-mode: an SBI call (sbi.c);
     20 21 23  guest-page faults: a RAM page touched for the first time (gstage.c maps it), or an
               access to an emulated device (mmio.c);
     22        virtual instruction: the guest executed something its VS-mode may not (injected back
               into the guest as an illegal instruction; wfi is treated as a hint);
     interrupt 5, the host's supervisor timer: the guest's timer deadline has passed, so a VS-level
               timer interrupt is injected (hvip.VSTIP).
   Anything else is reported and powers the machine off with a failure status. */
#include "minivisor.h"

struct exit_counts exits;
static struct vcpu guest;
static uint64_t guest_deadline = ~0UL;   /* `time` at which the guest wants its timer interrupt */

extern const uint8_t guest_elf[], guest_elf_end[];   /* guest_image.S */

static uint64_t rdtime(void)
{
  uint64_t t;
  __asm__ __volatile__("rdtime %0" : "=r"(t));
  return t;
}

/* ---- diagnostics ---- */

void print_exit_summary(void)
{
  printk("minivisor: VM exits: %lu guest-page faults mapping RAM, %lu UART and %lu virtio-mmio accesses emulated, "
         "%lu virtual-instruction\n",
         exits.ram_faults[0] + exits.ram_faults[1] + exits.ram_faults[2], exits.uart, exits.virtio, exits.virtual_insn);
  printk("minivisor: SBI calls: BASE %lu, SRST %lu, DBCN %lu, legacy %lu, unsupported %lu\n", exits.sbi_base,
         exits.sbi_srst, exits.sbi_dbcn, exits.sbi_legacy, exits.sbi_other);
  /* These depend on timing (the timer) or on the hart, so tests may ignore the line. */
  printk("minivisor stats: guest-page faults fetch %lu load %lu store %lu, host timer interrupts %lu, "
         "SBI TIME calls %lu, host pages used %lu\n",
         exits.ram_faults[0], exits.ram_faults[1], exits.ram_faults[2], exits.timer_irqs, exits.sbi_time,
         host_pages_used());
}

/* Reports what went wrong, with the trap CSRs of the last exit, and powers off with a failure. */
void fatal(const char *what, struct vcpu *g)
{
  printk("minivisor: FATAL: %s\n", what);
  printk("minivisor:   scause 0x%lx sepc 0x%lx stval 0x%lx htval 0x%lx htinst 0x%lx\n", csr_read(scause),
         g != 0 ? g->pc : csr_read(sepc), csr_read(stval), csr_read(htval), csr_read(htinst));
  if (g != 0) {
    printk("minivisor:   guest in %s-mode, ra 0x%lx sp 0x%lx, vsatp 0x%lx\n",
           (csr_read(sstatus) & SSTATUS_SPP) ? "VS" : "VU", g->x[1], g->x[2], csr_read(vsatp));
  }
  firmware_shutdown(1);
}

/* A trap taken by the minivisor itself (entry.S, hs_trap): a bug, or no H extension on this hart.
   Reads no hypervisor CSR (they may not exist), and gives up at once on a trap while reporting. */
void hs_trap_report(void)
{
  static int reporting;
  if (reporting++) firmware_shutdown(1);
  uint64_t cause = csr_read(scause);
  printk("minivisor: FATAL: trap in the minivisor itself: scause 0x%lx sepc 0x%lx stval 0x%lx\n", cause,
         csr_read(sepc), csr_read(stval));
  if (cause == EXC_ILLEGAL_INSTRUCTION)
    printk("minivisor: an illegal instruction in HS-mode: does the hart implement the H extension?\n");
  firmware_shutdown(1);
}

/* ---- the guest's timer ---- */

/* SBI set_timer from the guest: a new deadline, which also withdraws a pending guest timer
   interrupt (SBI spec, TIME extension). The firmware's timer serves as the host timer. */
void guest_timer_set(uint64_t when)
{
  guest_deadline = when;
  csr_clear(hvip, HVIP_VSTIP);
  firmware_set_timer(when);
}

/* The host timer fired (supervisor timer interrupt, taken from the guest because HS-level
   interrupts are always enabled while V = 1). At or after the guest's deadline, the guest's timer
   interrupt becomes pending (hvip.VSTIP; the guest sees it as its supervisor timer interrupt, cause
   5, through hideleg) and the host timer is switched off until the guest sets a new deadline. */
static void host_timer_interrupt(void)
{
  exits.timer_irqs++;
  if (rdtime() >= guest_deadline) {
    csr_set(hvip, HVIP_VSTIP);
    guest_deadline = ~0UL;
    firmware_set_timer(~0UL);
  } else {
    firmware_set_timer(guest_deadline);
  }
}

/* ---- exits ---- */

/* Guest-page fault (cause 20 fetch, 21 load, 23 store). htval holds the guest-physical address
   shifted right by 2 (or 0 if the hart does not report it); the two low bits are those of the
   guest virtual address in stval (hypervisor spec "htval"). The exception is an implicit access of
   a VS-stage page-table walk (htinst then holds a pseudoinstruction: nonzero, bit 0 clear), whose
   low bits are 0; it can only need a RAM page, mapped whole, so those bits never matter. */
static void guest_page_fault(struct vcpu *g, uint64_t cause)
{
  uint64_t tinst = csr_read(htinst);
  uint64_t gpa = (csr_read(htval) << 2) | (csr_read(stval) & 3);
  if (guest_ram_contains(gpa)) {
    gstage_map_ram_page(gpa);   /* the guest retries the access: pc stays */
    exits.ram_faults[cause == EXC_INST_GUEST_PAGE ? 0 : cause == EXC_LOAD_GUEST_PAGE ? 1 : 2]++;
    return;
  }
  int walk_access = tinst != 0 && (tinst & 1) == 0;   /* pseudoinstruction: a VS-stage page-table read/write */
  if (mmio_contains(gpa) && cause != EXC_INST_GUEST_PAGE && !walk_access) {
    mmio_emulate(g, gpa, cause);
    return;
  }
  fatal("guest access outside its RAM and devices", g);
}

/* Delivers an illegal-instruction exception to the guest kernel, as the hart does for a trap into
   VS-mode (hypervisor spec "Trap Entry"): vsepc, vscause, vstval, and in vsstatus SPP = the
   guest's previous privilege, SPIE = SIE, SIE = 0. The guest resumes at its trap vector (vstvec
   BASE: synchronous exceptions do not use vectored entries) in VS-mode; hstatus.SPV stays 1. */
static void inject_illegal_instruction(struct vcpu *g, uint64_t insn)
{
  uint64_t vs = csr_read(vsstatus);
  uint64_t spp = csr_read(sstatus) & SSTATUS_SPP;   /* 1: the guest was in VS-mode, 0: in VU-mode */
  uint64_t spie = (vs & SSTATUS_SIE) ? SSTATUS_SPIE : 0;
  vs &= ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
  csr_write(vsstatus, vs | spp | spie);
  csr_write(vsepc, g->pc);
  csr_write(vscause, EXC_ILLEGAL_INSTRUCTION);
  csr_write(vstval, insn);
  g->pc = csr_read(vstvec) & ~3UL;
  csr_set(sstatus, SSTATUS_SPP);
}

/* Virtual-instruction exception (cause 22). stval holds the instruction bits as for an illegal
   instruction (hypervisor spec "Trap Cause Codes"), or 0 if the hart does not report them. */
static void virtual_instruction(struct vcpu *g)
{
  exits.virtual_insn++;
  uint64_t insn = csr_read(stval);
  if (insn == 0) insn = guest_instruction_at(g->pc);
  if (insn == 0x10500073) {   /* wfi: a hint; the guest's next interrupt is not lost by going on */
    g->pc += 4;
    return;
  }
  inject_illegal_instruction(g, insn);
}

/* Called by trap_vector for every trap from the guest; returns the frame to resume. */
struct vcpu *vm_exit(struct vcpu *g)
{
  uint64_t cause = csr_read(scause);
  if (cause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
    host_timer_interrupt();
    return g;
  }
  switch (cause) {
  case EXC_ECALL_VS: guest_sbi_call(g); break;
  case EXC_INST_GUEST_PAGE:
  case EXC_LOAD_GUEST_PAGE:
  case EXC_STORE_GUEST_PAGE: guest_page_fault(g, cause); break;
  case EXC_VIRTUAL_INSTRUCTION: virtual_instruction(g); break;
  default: fatal("unexpected VM exit", g);
  }
  return g;
}

/* ---- boot ---- */

/* Delegation and the guest's view of the hart. */
static void setup_hypervisor_csrs(void)
{
  csr_write(hedeleg, (1UL << EXC_INST_MISALIGNED) | (1UL << EXC_ILLEGAL_INSTRUCTION) | (1UL << EXC_BREAKPOINT) |
                         (1UL << EXC_LOAD_MISALIGNED) | (1UL << EXC_STORE_MISALIGNED) | (1UL << EXC_ECALL_U) |
                         (1UL << EXC_INST_PAGE) | (1UL << EXC_LOAD_PAGE) | (1UL << EXC_STORE_PAGE));
  csr_write(hideleg, (1UL << IRQ_VS_SOFT) | (1UL << IRQ_VS_TIMER) | (1UL << IRQ_VS_EXT));
  csr_write(hvip, 0);
  csr_write(hie, 0);
  /* The guest reads cycle, time and instret directly; its time is the host's (htimedelta = 0).
     Its timer is the SBI one: henvcfg.STCE = 0 keeps vstimecmp out of the guest's reach and
     hip.VSTIP equal to hvip.VSTIP (hypervisor spec "henvcfg"). */
  csr_write(hcounteren, 7);
  csr_write(htimedelta, 0);
  csr_clear(henvcfg, HENVCFG_STCE);

  /* The guest kernel starts as a kernel does on the bare board: satp (vsatp) = 0, interrupts off,
     the floating-point state as the firmware left it for us. */
  csr_write(vsstatus, SSTATUS_UXL_64 | (csr_read(sstatus) & SSTATUS_FS));
  csr_write(vsatp, 0);
  csr_write(vstvec, 0);
  csr_write(vsscratch, 0);
}

/* The first sret into the guest: V = 1 (hstatus.SPV), VS-mode (sstatus.SPP = 1), 64-bit VS-mode,
   no VS-mode traps on wfi/sret/satp (VTW, VTSR, VTVM = 0). SPVP = 1 until the first exit sets it. */
static void enter_guest_first(uint64_t entry, uint64_t hartid)
{
  uint64_t hs = csr_read(hstatus);
  hs &= ~(HSTATUS_VTSR | HSTATUS_VTW | HSTATUS_VTVM | HSTATUS_HU | HSTATUS_VSXL);
  hs |= HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VSXL_64;
  csr_write(hstatus, hs);
  csr_set(sstatus, SSTATUS_SPP);
  csr_clear(sstatus, SSTATUS_SPIE | SSTATUS_SIE);   /* the minivisor itself is never interrupted */

  memset(&guest, 0, sizeof guest);
  guest.pc = entry;
  guest.x[10] = hartid;      /* a0 */
  guest.x[11] = GUEST_DTB;   /* a1 */
  enter_guest(&guest);
}

void hv_main(uint64_t hartid, uint64_t dtb)
{
  printk("minivisor: HS-mode hypervisor on hart %lu\n", hartid);
  (void)csr_read(hstatus);   /* traps (hs_trap_report) without the H extension */
  firmware_init();

  uint64_t entry = guest_image_init(guest_elf, (uint64_t)(guest_elf_end - guest_elf), (const uint8_t *)dtb);
  if (entry == 0) fatal("the embedded guest is not a RISC-V ELF64 that fits in guest RAM", 0);
  printk("minivisor: guest kernel: %lu-byte ELF, %u PT_LOAD segments, entry 0x%lx\n",
         (unsigned long)(guest_elf_end - guest_elf), guest_segment_count(), entry);

  host_pool_init(dtb);
  unsigned vmid;
  uint64_t hgatp = gstage_init(&vmid);
  if (hgatp == 0) fatal("the hart has no Sv39x4 G-stage translation", 0);
  printk("minivisor: G-stage Sv39x4, root table 0x%lx, VMID %u\n", (hgatp & ((1UL << 44) - 1)) << 12, vmid);
  printk("minivisor: guest RAM %lu MiB at gPA 0x%lx, mapped on first touch with 4 KiB pages from 0x%lx on\n",
         GUEST_RAM_SIZE >> 20, GUEST_RAM_BASE, host_pool_start());

  setup_hypervisor_csrs();
  firmware_set_timer(~0UL);   /* no host timer until the guest asks for one */
  csr_write(sie, SIE_STIE);

  printk("minivisor: UART and virtio-mmio emulated; entering the guest in VS-mode at 0x%lx, a1 = 0x%lx\n", entry,
         GUEST_DTB);
  enter_guest_first(entry, hartid);
}
