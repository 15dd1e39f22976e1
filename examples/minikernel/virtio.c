/* minikernel: a polled virtio-blk driver for virtio-mmio version 2 (virtio 1.x specification,
   sections "Virtio Over MMIO", "Device Initialization", "Split Virtqueues", "Block Device").
   The first block device found in the eight slots is used; one request at a time, three
   descriptors (header, data, status), the used ring polled until the device answers. Buffers are
   kernel memory, whose virtual addresses equal their physical ones (identity map), so they can be
   handed to the device as they are. */
#include "minikernel.h"

/* "MMIO Device Register Layout". */
#define REG_MAGIC           0x000
#define REG_VERSION         0x004
#define REG_DEVICE_ID       0x008
#define REG_DEVICE_FEATURES 0x010
#define REG_DEVICE_FEAT_SEL 0x014
#define REG_DRIVER_FEATURES 0x020
#define REG_DRIVER_FEAT_SEL 0x024
#define REG_QUEUE_SEL       0x030
#define REG_QUEUE_NUM_MAX   0x034
#define REG_QUEUE_NUM       0x038
#define REG_QUEUE_READY     0x044
#define REG_QUEUE_NOTIFY    0x050
#define REG_INT_STATUS      0x060
#define REG_INT_ACK         0x064
#define REG_STATUS          0x070
#define REG_QUEUE_DESC_LO   0x080
#define REG_QUEUE_DESC_HI   0x084
#define REG_QUEUE_DRIVER_LO 0x090
#define REG_QUEUE_DRIVER_HI 0x094
#define REG_QUEUE_DEVICE_LO 0x0a0
#define REG_QUEUE_DEVICE_HI 0x0a4
#define REG_CONFIG          0x100

#define MMIO_MAGIC      0x74726976u   /* "virt" */
#define VIRTIO_ID_BLOCK 2

/* "Device Status Field". */
#define STATUS_ACKNOWLEDGE 1u
#define STATUS_DRIVER      2u
#define STATUS_DRIVER_OK   4u
#define STATUS_FEATURES_OK 8u

#define VIRTIO_F_VERSION_1 32         /* the only feature we ask for */

#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTIO_BLK_T_IN 0u
#define QUEUE_SIZE 4
#define REQUEST_TIMEOUT 10000000UL   /* time ticks (1 s at 10 MHz) to wait for the device */

struct virtq_desc { uint64_t addr; uint32_t len; uint16_t flags; uint16_t next; };
struct virtq_avail { uint16_t flags; uint16_t idx; uint16_t ring[QUEUE_SIZE]; uint16_t used_event; };
struct virtq_used_elem { uint32_t id; uint32_t len; };
struct virtq_used { uint16_t flags; uint16_t idx; struct virtq_used_elem ring[QUEUE_SIZE]; uint16_t avail_event; };

/* Queue 0 with the alignments "Split Virtqueues" asks for (16, 2, 4). */
static struct {
  struct virtq_desc desc[QUEUE_SIZE];
  struct virtq_avail avail __attribute__((aligned(16)));
  struct virtq_used used __attribute__((aligned(16)));
} vq __attribute__((aligned(4096)));

static struct { uint32_t type; uint32_t reserved; uint64_t sector; } req __attribute__((aligned(16)));
static volatile uint8_t req_status;

static unsigned long dev;     /* register base of the disk, 0 when there is none */
static uint16_t avail_idx, used_seen;
static uint64_t capacity;

static uint32_t rd(unsigned off) { return *(volatile uint32_t *)(dev + off); }
static void wr(unsigned off, uint32_t v) { *(volatile uint32_t *)(dev + off) = v; }
static void fence(void) { __asm__ __volatile__("fence rw, rw" ::: "memory"); }

static uint64_t rdtime(void)
{
  uint64_t t;
  __asm__ __volatile__("rdtime %0" : "=r"(t));
  return t;
}

uint64_t blk_capacity(void) { return capacity; }

/* Scans the slots and brings up the first block device ("Device Initialization", steps 1-8). */
int blk_init(void)
{
  for (int slot = 0; slot < VIRTIO_MMIO_SLOTS && dev == 0; slot++) {
    dev = VIRTIO_MMIO_BASE + VIRTIO_MMIO_STRIDE * slot;
    if (rd(REG_MAGIC) != MMIO_MAGIC || rd(REG_VERSION) != 2 || rd(REG_DEVICE_ID) != VIRTIO_ID_BLOCK) dev = 0;
  }
  if (dev == 0) return 0;

  wr(REG_STATUS, 0);                                       /* 1. reset */
  wr(REG_STATUS, STATUS_ACKNOWLEDGE);                      /* 2. */
  wr(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);      /* 3. */
  wr(REG_DEVICE_FEAT_SEL, 1);                              /* 4. features: VERSION_1 only */
  if ((rd(REG_DEVICE_FEATURES) & (1u << (VIRTIO_F_VERSION_1 - 32))) == 0) { dev = 0; return 0; }
  wr(REG_DRIVER_FEAT_SEL, 1);
  wr(REG_DRIVER_FEATURES, 1u << (VIRTIO_F_VERSION_1 - 32));
  wr(REG_DRIVER_FEAT_SEL, 0);
  wr(REG_DRIVER_FEATURES, 0);
  wr(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);   /* 5., 6. */
  if ((rd(REG_STATUS) & STATUS_FEATURES_OK) == 0) { dev = 0; return 0; }

  /* 7. queue 0 ("Virtqueue Configuration"). */
  wr(REG_QUEUE_SEL, 0);
  if (rd(REG_QUEUE_NUM_MAX) < QUEUE_SIZE) { dev = 0; return 0; }
  vq.avail.flags = VIRTQ_AVAIL_F_NO_INTERRUPT;             /* polled: no used-buffer interrupts */
  wr(REG_QUEUE_NUM, QUEUE_SIZE);
  uint64_t desc = (uint64_t)&vq.desc, avail = (uint64_t)&vq.avail, used = (uint64_t)&vq.used;
  wr(REG_QUEUE_DESC_LO, (uint32_t)desc);
  wr(REG_QUEUE_DESC_HI, (uint32_t)(desc >> 32));
  wr(REG_QUEUE_DRIVER_LO, (uint32_t)avail);
  wr(REG_QUEUE_DRIVER_HI, (uint32_t)(avail >> 32));
  wr(REG_QUEUE_DEVICE_LO, (uint32_t)used);
  wr(REG_QUEUE_DEVICE_HI, (uint32_t)(used >> 32));
  fence();
  wr(REG_QUEUE_READY, 1);
  wr(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);   /* 8. */

  /* Block device configuration: capacity in 512-byte sectors (64 bits read as two halves). */
  capacity = ((uint64_t)rd(REG_CONFIG + 4) << 32) | rd(REG_CONFIG);
  return 1;
}

/* Reads one sector into buf (kernel memory, SECTOR_SIZE bytes). */
int blk_read(uint64_t sector, uint8_t *buf)
{
  if (dev == 0 || sector >= capacity) return -1;
  req.type = VIRTIO_BLK_T_IN;
  req.reserved = 0;
  req.sector = sector;
  req_status = 0xff;
  vq.desc[0] = (struct virtq_desc){ (uint64_t)&req, sizeof req, VIRTQ_DESC_F_NEXT, 1 };
  vq.desc[1] = (struct virtq_desc){ (uint64_t)buf, SECTOR_SIZE, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2 };
  vq.desc[2] = (struct virtq_desc){ (uint64_t)&req_status, 1, VIRTQ_DESC_F_WRITE, 0 };
  vq.avail.ring[avail_idx % QUEUE_SIZE] = 0;
  /* Descriptors and ring entry before idx, idx before the notification ("Supplying Buffers to
     The Device"). */
  fence();
  avail_idx++;
  *(volatile uint16_t *)&vq.avail.idx = avail_idx;
  fence();
  wr(REG_QUEUE_NOTIFY, 0);

  /* Poll the used ring ("Receiving Used Buffers From The Device"), for at most a second. */
  uint64_t start = rdtime();
  while (*(volatile uint16_t *)&vq.used.idx == used_seen) {
    if (rdtime() - start > REQUEST_TIMEOUT) return -1;
  }
  fence();
  used_seen++;
  uint32_t is = rd(REG_INT_STATUS);
  if (is != 0) wr(REG_INT_ACK, is);
  return req_status == 0 ? 0 : -1;
}
