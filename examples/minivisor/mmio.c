/* minivisor: trap-and-emulate of the guest's devices. The guest-physical pages of the UART and of
   the virtio-mmio slots are never mapped in the G-stage, so every guest load or store there is a
   guest-page fault (cause 21 or 23). The minivisor finds out which instruction trapped, performs
   its effect on the emulated device, writes the result register for a load, and resumes the guest
   after the instruction.

   Devices:
     UART (16550) at 0x1000_0000: a THR write sends the byte to the real UART; an LSR read says
       "transmitter empty", so the guest never waits; every other register reads 0 and ignores
       writes (the guest cannot change the line settings; there is no input).
     virtio-mmio slots at 0x1000_1000..0x1000_8fff: no device. Every register reads 0 (so the magic
       value does not match and a driver finds no disk) and writes are ignored. */
#include "minivisor.h"

#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20   /* transmit holding register empty */
#define UART_LSR_TEMT 0x40   /* transmitter empty */

/* One decoded load or store: what an emulated MMIO access needs to know. */
struct access {
  int is_store;
  unsigned size;       /* bytes: 1, 2, 4 or 8 */
  int is_signed;       /* loads: sign-extend the value into the register */
  unsigned reg;        /* rd of a load, rs2 of a store */
  unsigned length;     /* of the instruction in the guest: 2 or 4 bytes */
};

int mmio_contains(uint64_t gpa)
{
  return (gpa >= UART0_BASE && gpa < UART0_BASE + UART0_SIZE) || (gpa >= VIRTIO_MMIO_BASE && gpa < VIRTIO_MMIO_END);
}

/* ---- finding the instruction ---- */

/* HLVX.HU rd, (rs1): reads a halfword of guest memory at a guest virtual address through both
   translation stages, with the privilege in hstatus.SPVP and requiring execute permission, as an
   instruction fetch of the guest would (hypervisor spec "Hypervisor Virtual-Machine Load and Store
   Instructions"). The trap that caused this exit set SPVP to the guest's privilege. */
static uint16_t hlvx_hu(uint64_t guest_va)
{
  uint64_t v;
  __asm__ __volatile__(".insn r 0x73, 4, 0x32, %0, %1, x3" : "=r"(v) : "r"(guest_va) : "memory");
  return (uint16_t)v;
}

/* A 32-bit load (LB LH LW LD LBU LHU LWU) or store (SB SH SW SD) into `a`; 0 if it is neither. */
static int decode_32(uint32_t insn, struct access *a)
{
  unsigned opcode = insn & 0x7f, funct3 = (insn >> 12) & 7;
  a->length = 4;
  if (opcode == 0x03 && funct3 != 7) {
    a->is_store = 0;
    a->size = 1u << (funct3 & 3);
    a->is_signed = funct3 < 4;
    a->reg = (insn >> 7) & 0x1f;
    return 1;
  }
  if (opcode == 0x23 && funct3 < 4) {
    a->is_store = 1;
    a->size = 1u << funct3;
    a->is_signed = 0;
    a->reg = (insn >> 20) & 0x1f;
    return 1;
  }
  return 0;
}

/* The compressed forms a driver may use for a device register: C.LW, C.LD, C.SW, C.SD (quadrant 0;
   rd'/rs2' in bits 4:2 name x8..x15). */
static int decode_16(uint16_t insn, struct access *a)
{
  unsigned funct3 = (insn >> 13) & 7;
  if ((insn & 3) != 0 || (funct3 != 2 && funct3 != 3 && funct3 != 6 && funct3 != 7)) return 0;
  a->length = 2;
  a->is_store = funct3 >= 6;
  a->size = (funct3 & 1) ? 8 : 4;
  a->is_signed = 1;
  a->reg = 8 + ((insn >> 2) & 7);
  return 1;
}

/* The guest's instruction at guest_va (its pc): one halfword, and a second one when the low two
   bits of the first say the instruction is 32 bits long. */
uint32_t guest_instruction_at(uint64_t guest_va)
{
  uint16_t low = hlvx_hu(guest_va);
  if ((low & 3) != 3) return low;
  return low | (uint32_t)hlvx_hu(guest_va + 2) << 16;
}

/* Where the trapping instruction comes from. htinst may hold a transformed copy of it: bit 0 set,
   bits 63:32 zero, and bit 1 telling a compressed original (0) from a 32-bit one (1); with bit 1
   set it decodes as the 32-bit load/store itself (hypervisor spec "Transformed Instruction or
   Pseudoinstruction for mtinst or htinst"). A value with bit 0 clear is zero or a pseudoinstruction
   (an implicit access of a VS-stage page-table walk), which says nothing about the instruction;
   any value not understood counts as zero. Then the instruction is read from guest memory at sepc
   with HLVX.HU. */
static int decode_trapping_access(struct vcpu *g, struct access *a)
{
  uint64_t tinst = csr_read(htinst);
  if ((tinst & 1) != 0 && (tinst >> 32) == 0 && decode_32((uint32_t)tinst | 2, a)) {
    a->length = (tinst & 2) ? 4 : 2;
    return 1;
  }
  uint32_t insn = guest_instruction_at(g->pc);
  return (insn & 3) == 3 ? decode_32(insn, a) : decode_16((uint16_t)insn, a);
}

/* ---- the devices ---- */

static uint64_t uart_load(uint64_t offset)
{
  return offset == UART_LSR ? UART_LSR_THRE | UART_LSR_TEMT : 0;
}

static void uart_store(uint64_t offset, uint64_t value)
{
  if (offset == UART_THR) uart_put_raw((uint8_t)value);
}

/* ---- the exit ---- */

/* A guest-page fault at gpa in a device page (cause 21 = load, 23 = store). */
void mmio_emulate(struct vcpu *g, uint64_t gpa, uint64_t cause)
{
  struct access a;
  if (!decode_trapping_access(g, &a)) fatal("cannot decode the instruction that accessed a device", g);
  if (a.is_store != (cause == EXC_STORE_GUEST_PAGE)) fatal("instruction does not match the fault", g);

  int is_uart = gpa < UART0_BASE + UART0_SIZE;
  if (is_uart) exits.uart++;
  else exits.virtio++;

  if (a.is_store) {
    if (is_uart) uart_store(gpa - UART0_BASE, g->x[a.reg]);
  } else {
    uint64_t value = is_uart ? uart_load(gpa - UART0_BASE) : 0;
    unsigned shift = 64 - 8 * a.size;
    if (a.is_signed) value = (uint64_t)((int64_t)(value << shift) >> shift);
    else if (a.size < 8) value &= (1UL << (8 * a.size)) - 1;
    if (a.reg != 0) g->x[a.reg] = value;
  }
  g->pc += a.length;
}
