/* minivisor: definitions shared by the hypervisor's C files (console, firmware and guest SBI,
   G-stage paging, MMIO emulation, VM exits). */
#ifndef MINIVISOR_H
#define MINIVISOR_H

#include <stddef.h>
#include <stdint.h>

/* ---- virt board (docs/board.md) ---- */
#define TEST_FINISHER     0x00100000UL   /* SiFive test device: exit status for QEMU and vmscope */
#define UART0_BASE        0x10000000UL
#define UART0_SIZE        0x1000UL
#define VIRTIO_MMIO_BASE  0x10001000UL
#define VIRTIO_MMIO_END   0x10009000UL   /* eight 4 KiB slots */
#define HOST_RAM_BASE     0x80000000UL

/* ---- the guest's machine ---- */
#define GUEST_RAM_BASE    0x80000000UL
#define GUEST_RAM_SIZE    (128UL << 20)  /* what the minikernel assumes (its RAM_END) */
#define GUEST_RAM_END     (GUEST_RAM_BASE + GUEST_RAM_SIZE)
#define GUEST_DTB         0x87e00000UL   /* where the virt board puts the device tree in 128 MiB */

#define PAGE_SIZE 4096UL

/* ---- CSR access ---- */
#define csr_read(reg) ({ unsigned long v_; __asm__ __volatile__("csrr %0, " #reg : "=r"(v_)); v_; })
#define csr_write(reg, val) __asm__ __volatile__("csrw " #reg ", %0" :: "rK"((unsigned long)(val)))
#define csr_set(reg, bits) __asm__ __volatile__("csrs " #reg ", %0" :: "rK"((unsigned long)(bits)))
#define csr_clear(reg, bits) __asm__ __volatile__("csrc " #reg ", %0" :: "rK"((unsigned long)(bits)))

/* sstatus and vsstatus (priv spec "Supervisor Status Register"; hypervisor spec "vsstatus"). */
#define SSTATUS_SIE    (1UL << 1)
#define SSTATUS_SPIE   (1UL << 5)
#define SSTATUS_SPP    (1UL << 8)
#define SSTATUS_FS     (3UL << 13)
#define SSTATUS_UXL_64 (2UL << 32)

/* hstatus (hypervisor spec "Hypervisor Status Register"). */
#define HSTATUS_SPV     (1UL << 7)
#define HSTATUS_SPVP    (1UL << 8)
#define HSTATUS_HU      (1UL << 9)
#define HSTATUS_VTVM    (1UL << 20)
#define HSTATUS_VTW     (1UL << 21)
#define HSTATUS_VTSR    (1UL << 22)
#define HSTATUS_VSXL    (3UL << 32)
#define HSTATUS_VSXL_64 (2UL << 32)

/* hgatp (hypervisor spec "hgatp"): MODE 63:60, VMID 57:44, PPN 43:0. */
#define HGATP_MODE_SV39X4 (8UL << 60)
#define HGATP_MODE_SHIFT  60
#define HGATP_VMID_SHIFT  44
#define HGATP_VMID_MASK   0x3fffUL

#define HENVCFG_STCE (1UL << 63)
#define HCOUNTEREN_TM (1UL << 1)

/* Interrupt numbers: S timer (HS level) and the three VS-level interrupts. */
#define IRQ_S_TIMER  5
#define IRQ_VS_SOFT  2
#define IRQ_VS_TIMER 6
#define IRQ_VS_EXT   10
#define SIE_STIE     (1UL << IRQ_S_TIMER)
#define HVIP_VSTIP   (1UL << IRQ_VS_TIMER)

/* scause values (priv spec table "Supervisor cause register values", hypervisor spec "Trap Cause Codes"). */
#define SCAUSE_INTERRUPT        (1UL << 63)
#define EXC_INST_MISALIGNED     0
#define EXC_ILLEGAL_INSTRUCTION 2
#define EXC_BREAKPOINT          3
#define EXC_LOAD_MISALIGNED     4
#define EXC_STORE_MISALIGNED    6
#define EXC_ECALL_U             8
#define EXC_ECALL_VS            10
#define EXC_INST_PAGE           12
#define EXC_LOAD_PAGE           13
#define EXC_STORE_PAGE          15
#define EXC_INST_GUEST_PAGE     20
#define EXC_LOAD_GUEST_PAGE     21
#define EXC_VIRTUAL_INSTRUCTION 22
#define EXC_STORE_GUEST_PAGE    23

/* ---- entry.S ---- */
/* The guest's registers while the minivisor runs: x0..x31 (x0 unused) and the pc of the
   instruction to resume at (sepc of the VM exit). */
struct vcpu {
  uint64_t x[32];
  uint64_t pc;
};
void trap_vector(void);
void enter_guest(struct vcpu *g) __attribute__((noreturn));

/* ---- console.c: the host console (16550 UART) ---- */
void uart_put_raw(uint8_t byte);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

/* ---- sbi.c: calls into the firmware, and the SBI the guest sees ---- */
struct sbiret { long error; long value; };
struct sbiret sbi_call(long eid, long fid, long a0, long a1, long a2);
void firmware_init(void);
void firmware_set_timer(uint64_t when);
void firmware_shutdown(int failure) __attribute__((noreturn));
void guest_sbi_call(struct vcpu *g);
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45   /* "TIME" */
#define SBI_EXT_SRST 0x53525354   /* "SRST" */
#define SBI_EXT_DBCN 0x4442434E   /* "DBCN" */
#define SBI_ERR_NOT_SUPPORTED  -2
#define SBI_ERR_INVALID_PARAM  -3

/* ---- gstage.c: guest memory (G-stage Sv39x4 tables filled on demand) ---- */
void host_pool_init(uint64_t host_dtb);
uint64_t host_pool_start(void);
uint64_t host_pages_used(void);
uint64_t guest_image_init(const uint8_t *elf, uint64_t size, const uint8_t *dtb);
unsigned guest_segment_count(void);
uint64_t gstage_init(unsigned *vmid);
int guest_ram_contains(uint64_t gpa);
void gstage_map_ram_page(uint64_t gpa);
uint8_t *guest_ram_at(uint64_t gpa);

/* ---- mmio.c: trap-and-emulate of the UART and the virtio-mmio slots ---- */
int mmio_contains(uint64_t gpa);
uint32_t guest_instruction_at(uint64_t guest_va);
void mmio_emulate(struct vcpu *g, uint64_t gpa, uint64_t cause);

/* ---- main.c: VM exits ---- */
struct exit_counts {
  uint64_t ram_faults[3];     /* guest-page faults that mapped a RAM page: fetch, load, store */
  uint64_t uart, virtio;      /* emulated MMIO accesses */
  uint64_t sbi_base, sbi_time, sbi_srst, sbi_dbcn, sbi_legacy, sbi_other;
  uint64_t timer_irqs;        /* host timer interrupts (guest timer injections) */
  uint64_t virtual_insn;
};
extern struct exit_counts exits;
void guest_timer_set(uint64_t when);
void print_exit_summary(void);
void fatal(const char *what, struct vcpu *g) __attribute__((noreturn));

#endif
