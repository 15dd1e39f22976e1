/* minikernel: boot, processes, system calls and the scheduler.

   Scheduling is round-robin over the runnable processes, driven by the timer interrupt
   (preemption, every TICK_INTERVAL of `time`) and by the yield system call.

   Deterministic output. Timer interrupts arrive at different instructions on different machines
   (vmscope derives time from retired instructions, QEMU from the host clock), so preemption must not
   decide the order of the output. The kernel therefore passes an output *turn* around: only the
   process holding the turn may complete write or exit; another process that tries is blocked (its
   ecall is restarted when it gets the turn). The holder passes the turn to the next live process
   (by pid, cyclically) when it yields or exits. Each program computes (preemptible), writes its
   line(s), and yields; the transcript is then the same on every machine, while the computation
   still interleaves under timer preemption. */
#include "minikernel.h"

#define NPROC 3
#define TICK_INTERVAL 20000UL   /* time ticks between timer interrupts: 2 ms at 10 MHz */

static struct proc procs[NPROC];
static struct proc *current;
static int turn;                /* pid allowed to write/exit now; 0 when nobody is left */
static int live;                /* processes not yet exited */
static uint64_t preemptions;    /* timer interrupts taken (depends on timing: not printed) */
static uint8_t disk_sector[SECTOR_SIZE] __attribute__((aligned(16)));
static int have_disk;
/* Frame used by the trap vector before the first process runs (sscratch must never be 0). */
static struct trapframe boot_frame;

/* The user programs' images, placed by link.ld. */
extern char __user_primes_load[], __user_primes_size[], __user_primes_va[];
extern char __user_collatz_load[], __user_collatz_size[], __user_collatz_va[];
extern char __user_disk_load[], __user_disk_size[], __user_disk_va[];
/* Their entry points (at user addresses: taken through absolute data relocations, since they
   are more than 2 GiB away from kernel code). */
void primes_main(void);
void collatz_main(void);
void disk_main(void);

struct program { const char *name; const char *load; const char *size; const char *va; void (*entry)(void); };
static const struct program programs[NPROC] = {
  { "primes", __user_primes_load, __user_primes_size, __user_primes_va, primes_main },
  { "collatz", __user_collatz_load, __user_collatz_size, __user_collatz_va, collatz_main },
  { "disk", __user_disk_load, __user_disk_size, __user_disk_va, disk_main },
};

static uint64_t rdtime(void)
{
  uint64_t t;
  __asm__ __volatile__("rdtime %0" : "=r"(t));
  return t;
}

static void sfence_vma_asid(unsigned asid) { __asm__ __volatile__("sfence.vma zero, %0" :: "r"(asid) : "memory"); }

/* FNV-1a, 32 bits: a short fingerprint of a sector. */
uint32_t fnv1a(const uint8_t *p, size_t n)
{
  uint32_t h = 0x811c9dc5u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x01000193u;
  return h;
}

static void create_process(int i)
{
  const struct program *prog = &programs[i];
  struct proc *p = &procs[i];
  size_t size = (size_t)prog->size;
  p->pid = i + 1;
  p->name = prog->name;
  p->root = uvm_create((uint64_t)prog->va, prog->load, size);
  p->satp = uvm_satp(p->root, (unsigned)p->pid);   /* ASID = pid */
  sfence_vma_asid((unsigned)p->pid);              /* new tables for this ASID (priv spec 4.2.1) */
  memset(&p->tf, 0, sizeof p->tf);
  p->tf.sepc = (uint64_t)prog->entry;
  p->tf.x[2] = USER_STACK_TOP;                     /* sp */
  p->state = RUNNABLE;
  live++;
  kprintf("minikernel: pid %d \"%s\": %lu bytes at va 0x%lx, entry 0x%lx, stack top 0x%lx, root table %p\n",
          p->pid, p->name, (unsigned long)size, (unsigned long)prog->va, (unsigned long)p->tf.sepc, USER_STACK_TOP,
          (void *)p->root);
}

/* Hands the output turn to the next live process after the current holder. */
static void pass_turn(void)
{
  for (int i = 1; i <= NPROC; i++) {
    struct proc *p = &procs[(turn - 1 + i) % NPROC];
    if (p->state == RUNNABLE) { turn = p->pid; return; }
  }
  turn = 0;
}

static void all_done(void) __attribute__((noreturn));
static void all_done(void)
{
  csr_write(satp, kvm_satp());
  sbi_set_timer(~0UL);
  kprintf("minikernel: all processes exited\n");
  sbi_shutdown();
}

/* Round-robin: the next runnable process after `current` (possibly `current` itself). A process
   blocked on the turn can run only once it holds the turn. */
static struct trapframe *schedule(void)
{
  int start = current != 0 ? current->pid - 1 : NPROC - 1;
  for (int i = 1; i <= NPROC; i++) {
    struct proc *p = &procs[(start + i) % NPROC];
    if (p->state == RUNNABLE && (!p->waiting_turn || p->pid == turn)) {
      if (p != current) csr_write(satp, p->satp);   /* its own ASID: no TLB flush needed */
      current = p;
      return &p->tf;
    }
  }
  all_done();
}

/* True when the current process may produce output now; otherwise it is blocked until it gets
   the turn and its ecall will be executed again (sepc is left on it). */
static int take_turn(void)
{
  if (current->pid == turn) { current->waiting_turn = 0; return 1; }
  current->waiting_turn = 1;
  return 0;
}

/* write(fd, buf, len): fd 1 is the console. The bytes are read straight from user memory with
   sstatus.SUM = 1 (priv spec 4.1.1.2), after checking they are mapped readable for U-mode. */
static long sys_write(long fd, uint64_t buf, uint64_t len)
{
  if (fd != 1) return -1;
  if (!uvm_check(current->root, buf, len, PTE_R)) return -1;
  csr_set(sstatus, SSTATUS_SUM);
  for (uint64_t i = 0; i < len; i++) console_putc(((const volatile char *)buf)[i]);
  csr_clear(sstatus, SSTATUS_SUM);
  return (long)len;
}

/* readblk(sector, buf): one 512-byte sector of the disk into user memory. */
static long sys_readblk(uint64_t sector, uint64_t buf)
{
  if (!have_disk || !uvm_check(current->root, buf, SECTOR_SIZE, PTE_W)) return -1;
  if (blk_read(sector, disk_sector) != 0) return -1;
  csr_set(sstatus, SSTATUS_SUM);
  memcpy((void *)buf, disk_sector, SECTOR_SIZE);
  csr_clear(sstatus, SSTATUS_SUM);
  return 0;
}

static void exit_current(long status)
{
  current->state = EXITED;
  current->exit_status = status;
  live--;
  kprintf("minikernel: pid %d \"%s\" exited with status %ld\n", current->pid, current->name, status);
  if (turn == current->pid) pass_turn();
}

/* An ecall from U-mode: a7 = number, a0..a2 = arguments, result in a0 (scause 8). */
static struct trapframe *syscall(struct trapframe *tf)
{
  uint64_t *x = tf->x;
  long a0 = (long)x[10], a1 = (long)x[11], a2 = (long)x[12];
  switch (x[17]) {
  case SYS_WRITE:
    if (!take_turn()) return schedule();
    x[10] = (uint64_t)sys_write(a0, (uint64_t)a1, (uint64_t)a2);
    break;
  case SYS_GETPID:
    x[10] = (uint64_t)current->pid;
    break;
  case SYS_YIELD:
    tf->sepc += 4;
    if (current->pid == turn) pass_turn();
    return schedule();
  case SYS_EXIT:
    if (!take_turn()) return schedule();
    exit_current(a0);
    return schedule();
  case SYS_READBLK:
    x[10] = (uint64_t)sys_readblk((uint64_t)a0, (uint64_t)a1);
    break;
  default:
    x[10] = (uint64_t)-1;
    break;
  }
  tf->sepc += 4;   /* past the ecall */
  return tf;
}

/* Called by trap_vector with the frame of the interrupted process; returns the frame to resume. */
struct trapframe *trap_handler(struct trapframe *tf)
{
  uint64_t scause = csr_read(scause);
  if (csr_read(sstatus) & SSTATUS_SPP) panic("trap from S-mode");

  if (scause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
    preemptions++;
    sbi_set_timer(rdtime() + TICK_INTERVAL);   /* also clears sip.STIP */
    return schedule();
  }
  if (scause == EXC_ECALL_U) {
    /* A blocked ecall is restarted later: sepc moves past it only when it completes. */
    return syscall(tf);
  }
  /* Any other exception kills the process (this happens at a deterministic point). */
  if (!take_turn()) return schedule();
  kprintf("minikernel: pid %d \"%s\": exception %lu at pc 0x%lx (stval 0x%lx), killed\n", current->pid, current->name,
          scause, tf->sepc, csr_read(stval));
  exit_current(-1);
  return schedule();
}

void kmain(unsigned long hartid, unsigned long dtb)
{
  kprintf("\nminikernel: hello from S-mode on hart %lu, device tree at 0x%lx\n", hartid, dtb);
  long v = sbi_spec_version();
  kprintf("minikernel: SBI specification v%ld.%ld, TIME extension %s, SRST extension %s\n", (v >> 24) & 0x7f,
          v & 0xffffff, sbi_has_extension(SBI_EXT_TIME) ? "yes" : "no", sbi_has_extension(SBI_EXT_SRST) ? "yes" : "no");

  kvm_init();
  csr_write(satp, kvm_satp());
  __asm__ __volatile__("sfence.vma" ::: "memory");
  kprintf("minikernel: Sv39 paging on, kernel root table %p\n", (void *)(kvm_satp() << 12));

  have_disk = blk_init();
  if (have_disk && blk_read(0, disk_sector) == 0) {
    kprintf("minikernel: virtio-blk disk, %lu sectors; sector 0 fnv1a 0x%08x, starts", (unsigned long)blk_capacity(),
            fnv1a(disk_sector, SECTOR_SIZE));
    for (int i = 0; i < 8; i++) kprintf(" %02x", disk_sector[i]);
    kprintf("\n");
  } else {
    have_disk = 0;
    kprintf("minikernel: no disk\n");
  }
  copy_engine_selftest(dtb);

  for (int i = 0; i < NPROC; i++) create_process(i);
  turn = 1;

  /* Traps go to trap_vector; the supervisor timer interrupt is enabled in sie. sstatus.SIE stays
     0: the kernel itself is never interrupted, while in U-mode S-level interrupts are always
     enabled (priv spec 4.1.1). sret returns to U-mode (SPP = 0). */
  csr_write(sscratch, &boot_frame);
  csr_write(stvec, trap_vector);
  csr_clear(sstatus, SSTATUS_SPP | SSTATUS_SIE);
  csr_set(sstatus, SSTATUS_SPIE);
  csr_set(sie, SIE_STIE);
  sbi_set_timer(rdtime() + TICK_INTERVAL);
  kprintf("minikernel: starting %d processes\n", live);
  current = 0;
  trap_return(schedule());
}
