/* virtio-blk driver test: an M-mode, polled virtio-mmio (version 2) driver that scans the eight
   virt-board slots, brings up every block device and exercises it: capacity and features, reads of
   sectors 0..3, GET_ID, a write of sector 2 + FLUSH + read-back (or, on a read-only disk, a write
   that must fail with IOERR), an out-of-range read and an unsupported request type. The output does
   not depend on which slot a device sits in (QEMU fills the slots from the top, vmscope from the
   bottom), so it is identical on both. Exit 0 when every result is the expected one (or when
   there is no block device at all), 1 otherwise.

   Written from the virtio 1.x specification: "Virtio Over MMIO", "Device Initialization",
   "Split Virtqueues" and "Block Device". */
#include "lib.h"

#define VIRTIO_MMIO_BASE   0x10001000UL
#define VIRTIO_MMIO_STRIDE 0x1000UL
#define VIRTIO_MMIO_SLOTS  8

/* "MMIO Device Register Layout". */
#define REG_MAGIC           0x000
#define REG_VERSION         0x004
#define REG_DEVICE_ID       0x008
#define REG_VENDOR_ID       0x00c
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
#define REG_CONFIG_GEN      0x0fc
#define REG_CONFIG          0x100

#define MMIO_MAGIC 0x74726976u /* "virt" */

/* "Device Status Field". */
#define STATUS_ACKNOWLEDGE 1u
#define STATUS_DRIVER      2u
#define STATUS_DRIVER_OK   4u
#define STATUS_FEATURES_OK 8u
#define STATUS_NEEDS_RESET 0x40u
#define STATUS_FAILED      0x80u

/* Feature bits: "Reserved Feature Bits" and "Block Device / Feature bits". */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_VERSION_1    32
#define VIRTIO_BLK_F_RO        5
#define VIRTIO_BLK_F_BLK_SIZE  6
#define VIRTIO_BLK_F_FLUSH     9

#define VIRTIO_ID_BLOCK 2

/* "Block Device / Device Operation". */
#define VIRTIO_BLK_T_IN     0u
#define VIRTIO_BLK_T_OUT    1u
#define VIRTIO_BLK_T_FLUSH  4u
#define VIRTIO_BLK_T_GET_ID 8u
#define VIRTIO_BLK_T_BOGUS  0x7eu /* no such request type */
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_ID_BYTES 20
#define SECTOR 512

/* "The Virtqueue Descriptor Table". */
#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define QUEUE_SIZE 8
/* Each request uses at most this many descriptors; requests alternate between the two halves
   of the table so that both chain heads (0 and 4) are exercised. */
#define MAX_CHAIN 4

/* How long to wait for the device to use a buffer: 2 s of CLINT time. */
#define REQUEST_TIMEOUT_TICKS (2 * TIMEBASE_HZ)

struct virtq_desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};

struct virtq_avail {
  uint16_t flags;
  uint16_t idx;
  uint16_t ring[QUEUE_SIZE];
  uint16_t used_event;
};

struct virtq_used_elem {
  uint32_t id;
  uint32_t len;
};

struct virtq_used {
  uint16_t flags;
  uint16_t idx;
  struct virtq_used_elem ring[QUEUE_SIZE];
  uint16_t avail_event;
};

/* The three areas of queue 0, with the alignments "Split Virtqueues" requires (descriptor table
   16, available ring 2, used ring 4); the block is page aligned and zeroed before each setup. */
static struct {
  struct virtq_desc desc[QUEUE_SIZE];
  struct virtq_avail avail __attribute__((aligned(16)));
  struct virtq_used used __attribute__((aligned(16)));
} vq __attribute__((aligned(4096)));

struct blk_req_hdr {
  uint32_t type;
  uint32_t reserved;
  uint64_t sector;
};

static struct blk_req_hdr req_hdr __attribute__((aligned(16)));
static volatile uint8_t req_status __attribute__((aligned(16)));
static uint8_t data[4 * SECTOR] __attribute__((aligned(16)));
static uint8_t data2[4 * SECTOR] __attribute__((aligned(16)));
/* An indirect table: header, one descriptor per sector, status. */
#define INDIRECT_LEN 6
static struct virtq_desc itable[INDIRECT_LEN] __attribute__((aligned(16)));
static uint8_t pattern[SECTOR] __attribute__((aligned(16)));
static char id_buf[VIRTIO_BLK_ID_BYTES + 4] __attribute__((aligned(16)));

/* State of the device being driven. */
static unsigned long dev;        /* register base */
static uint16_t next_avail;      /* free-running avail idx */
static uint16_t last_used;       /* free-running used idx seen */
static unsigned requests;        /* requests issued on this device */
static uint32_t used_len;        /* len of the last used element */

static int failures;

static uint32_t rd(unsigned off) { return mmio_read32(dev + off); }
static void wr(unsigned off, uint32_t v) { mmio_write32(dev + off, v); }

static void fence(void) { __asm__ __volatile__("fence rw, rw" ::: "memory"); }

static void fail(const char *what)
{
  printf("  FAIL: %s\n", what);
  failures++;
}

/* FNV-1a, 32 bits. */
static uint32_t checksum(const uint8_t *p, size_t n)
{
  uint32_t h = 0x811c9dc5u;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x01000193u;
  }
  return h;
}

/* The sector-2 pattern: a linear congruential sequence seeded with sector 0's checksum; the top
   byte of each state is one data byte. */
static void make_pattern(uint32_t seed)
{
  uint32_t x = seed;
  for (int i = 0; i < SECTOR; i++) {
    x = x * 1103515245u + 12345u;
    pattern[i] = (uint8_t)(x >> 24);
  }
}

struct seg {
  void *addr;
  uint32_t len;
  int writable;
};

static void fill_desc(struct virtq_desc *table, unsigned first, const struct seg *segs, int n)
{
  for (int i = 0; i < n; i++) {
    struct virtq_desc *d = &table[first + i];
    d->addr = (uint64_t)(unsigned long)segs[i].addr;
    d->len = segs[i].len;
    d->flags = (uint16_t)((segs[i].writable ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
    d->next = (uint16_t)(i + 1 < n ? first + i + 1 : 0);
  }
}

/* Places a chain of n segments in the descriptor table, offers it in the available ring, notifies
   queue 0 and polls the used ring ("Supplying Buffers to The Device", "Receiving Used Buffers From
   The Device"). With `indirect` the segments go into the indirect table and the ring gets one
   VIRTQ_DESC_F_INDIRECT descriptor pointing at it ("Indirect Descriptors"). Returns the chain's used
   len through used_len; 0 on success, -1 on a timeout or a used element that does not name the chain. */
static int submit(const struct seg *segs, int n, int indirect)
{
  unsigned head = (requests++ & 1) * MAX_CHAIN;
  if (indirect) {
    fill_desc(itable, 0, segs, n);
    vq.desc[head] = (struct virtq_desc){ (uint64_t)(unsigned long)itable, (uint32_t)(n * sizeof itable[0]),
                                         VIRTQ_DESC_F_INDIRECT, 0 };
  } else {
    fill_desc(vq.desc, head, segs, n);
  }
  vq.avail.ring[next_avail % QUEUE_SIZE] = (uint16_t)head;
  /* The ring entry and descriptors are visible before idx moves ("Updating idx"), and idx before
     the notification ("Notifying The Device"). */
  fence();
  next_avail++;
  *(volatile uint16_t *)&vq.avail.idx = next_avail;
  fence();
  wr(REG_QUEUE_NOTIFY, 0);

  unsigned long start = mmio_read64(CLINT_MTIME);
  while (*(volatile uint16_t *)&vq.used.idx == last_used) {
    if (mmio_read64(CLINT_MTIME) - start > REQUEST_TIMEOUT_TICKS) {
      printf("  timeout: used idx stays %u (status 0x%x, interrupt status 0x%x)\n",
             (unsigned)last_used, (unsigned)rd(REG_STATUS), (unsigned)rd(REG_INT_STATUS));
      return -1;
    }
  }
  fence();
  struct virtq_used_elem e = ((volatile struct virtq_used *)&vq.used)->ring[last_used % QUEUE_SIZE];
  last_used++;
  /* Polled driver: interrupts stay masked, but the used-buffer bit is acknowledged anyway. */
  uint32_t is = rd(REG_INT_STATUS);
  if (is != 0) wr(REG_INT_ACK, is);
  if (e.id != head) {
    printf("  used element names descriptor %u, expected %u\n", (unsigned)e.id, head);
    return -1;
  }
  used_len = e.len;
  return 0;
}

/* One block request: header, optional data (split over two descriptors when it is longer than a
   sector, to exercise scatter-gather), status byte. Returns the status byte, or -1. */
static int blk_request(uint32_t type, uint64_t sector, void *buf, uint32_t len, int device_writes)
{
  struct seg s[MAX_CHAIN];
  int n = 0;
  req_hdr.type = type;
  req_hdr.reserved = 0;
  req_hdr.sector = sector;
  req_status = 0xff;
  s[n++] = (struct seg){ &req_hdr, sizeof req_hdr, 0 };
  if (len > SECTOR) {
    s[n++] = (struct seg){ buf, SECTOR, device_writes };
    s[n++] = (struct seg){ (uint8_t *)buf + SECTOR, len - SECTOR, device_writes };
  } else if (len > 0) {
    s[n++] = (struct seg){ buf, len, device_writes };
  }
  s[n++] = (struct seg){ (void *)&req_status, 1, 1 };
  if (submit(s, n, 0) != 0) return -1;
  return req_status;
}

/* A read of `count` sectors through an indirect table, one data descriptor per sector. */
static int blk_read_indirect(uint64_t sector, uint8_t *buf, int count)
{
  struct seg s[INDIRECT_LEN];
  int n = 0;
  req_hdr.type = VIRTIO_BLK_T_IN;
  req_hdr.reserved = 0;
  req_hdr.sector = sector;
  req_status = 0xff;
  s[n++] = (struct seg){ &req_hdr, sizeof req_hdr, 0 };
  for (int i = 0; i < count; i++) s[n++] = (struct seg){ buf + i * SECTOR, SECTOR, 1 };
  s[n++] = (struct seg){ (void *)&req_status, 1, 1 };
  if (submit(s, n, 1) != 0) return -1;
  return req_status;
}

static uint64_t read_features(void)
{
  wr(REG_DEVICE_FEAT_SEL, 1);
  uint64_t hi = rd(REG_DEVICE_FEATURES);
  wr(REG_DEVICE_FEAT_SEL, 0);
  return (hi << 32) | rd(REG_DEVICE_FEATURES);
}

static int has(uint64_t features, int bit) { return (features >> bit) & 1; }

/* A 64-bit configuration field read as two 32-bit halves, repeated until ConfigGeneration is the
   same before and after ("Device Configuration Space", driver requirements; "Virtio Over MMIO":
   32-bit accesses for 64-bit fields). */
static uint64_t config_read64(unsigned off)
{
  uint32_t gen, lo, hi;
  do {
    gen = rd(REG_CONFIG_GEN);
    lo = rd(REG_CONFIG + off);
    hi = rd(REG_CONFIG + off + 4);
  } while (rd(REG_CONFIG_GEN) != gen);
  return ((uint64_t)hi << 32) | lo;
}

/* "Device Initialization" steps 1-6 plus queue 0 ("Virtqueue Configuration"); returns the
   negotiated features, or 0 when the device is unusable. */
static uint64_t init_device(void)
{
  wr(REG_STATUS, 0);
  if (rd(REG_STATUS) != 0) { fail("status not 0 after reset"); return 0; }
  wr(REG_STATUS, STATUS_ACKNOWLEDGE);
  wr(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);

  uint64_t offered = read_features();
  if (!has(offered, VIRTIO_F_VERSION_1)) { fail("VIRTIO_F_VERSION_1 not offered"); return 0; }
  uint64_t want = (1UL << VIRTIO_F_VERSION_1) | (1UL << VIRTIO_F_INDIRECT_DESC) | (1UL << VIRTIO_BLK_F_RO) |
                  (1UL << VIRTIO_BLK_F_FLUSH) | (1UL << VIRTIO_BLK_F_BLK_SIZE);
  uint64_t features = offered & want;
  wr(REG_DRIVER_FEAT_SEL, 1);
  wr(REG_DRIVER_FEATURES, (uint32_t)(features >> 32));
  wr(REG_DRIVER_FEAT_SEL, 0);
  wr(REG_DRIVER_FEATURES, (uint32_t)features);
  wr(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
  if ((rd(REG_STATUS) & STATUS_FEATURES_OK) == 0) {
    wr(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FAILED);
    fail("FEATURES_OK not accepted");
    return 0;
  }

  wr(REG_QUEUE_SEL, 0);
  if (rd(REG_QUEUE_READY) != 0) { fail("queue 0 already ready"); return 0; }
  uint32_t max = rd(REG_QUEUE_NUM_MAX);
  if (max < QUEUE_SIZE) { printf("  queue 0: QueueSizeMax %u\n", (unsigned)max); fail("queue 0 too small"); return 0; }
  memset(&vq, 0, sizeof vq);
  next_avail = last_used = 0;
  requests = 0;
  vq.avail.flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
  wr(REG_QUEUE_NUM, QUEUE_SIZE);
  unsigned long desc = (unsigned long)&vq.desc, avail = (unsigned long)&vq.avail, used = (unsigned long)&vq.used;
  wr(REG_QUEUE_DESC_LO, (uint32_t)desc);
  wr(REG_QUEUE_DESC_HI, (uint32_t)(desc >> 32));
  wr(REG_QUEUE_DRIVER_LO, (uint32_t)avail);
  wr(REG_QUEUE_DRIVER_HI, (uint32_t)(avail >> 32));
  wr(REG_QUEUE_DEVICE_LO, (uint32_t)used);
  wr(REG_QUEUE_DEVICE_HI, (uint32_t)(used >> 32));
  fence();
  wr(REG_QUEUE_READY, 1);
  if (rd(REG_QUEUE_READY) != 1) { fail("QueueReady did not stick"); return 0; }

  wr(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
  return features;
}

static void print_features(uint64_t f)
{
  printf("  features:");
  if (has(f, VIRTIO_F_VERSION_1)) printf(" VERSION_1");
  if (has(f, VIRTIO_F_INDIRECT_DESC)) printf(" INDIRECT_DESC");
  if (has(f, VIRTIO_BLK_F_RO)) printf(" RO");
  if (has(f, VIRTIO_BLK_F_BLK_SIZE)) printf(" BLK_SIZE");
  if (has(f, VIRTIO_BLK_F_FLUSH)) printf(" FLUSH");
  printf("\n");
}

static void expect_status(const char *what, int st, int want)
{
  printf("  %s: status %d\n", what, st);
  if (st != want) fail(what);
}

static void test_block_device(void)
{
  printf("blk device found: vendor 0x%x\n", (unsigned)rd(REG_VENDOR_ID));
  uint64_t f = init_device();
  if (f == 0) return;
  print_features(f);
  uint64_t capacity = config_read64(0);
  printf("  capacity: %lu sectors (%lu bytes)\n", (unsigned long)capacity, (unsigned long)capacity * SECTOR);
  if (has(f, VIRTIO_BLK_F_BLK_SIZE)) printf("  blk_size: %u\n", (unsigned)rd(REG_CONFIG + 20));
  if (capacity < 4) { fail("disk smaller than 4 sectors"); return; }
  int ro = has(f, VIRTIO_BLK_F_RO);

  /* Sectors 0..3 in one request whose data spans two descriptors. */
  memset(data, 0xa5, sizeof data);
  int st = blk_request(VIRTIO_BLK_T_IN, 0, data, sizeof data, 1);
  printf("  read sectors 0-3: status %d, used len %u\n", st, (unsigned)used_len);
  if (st != VIRTIO_BLK_S_OK) { fail("read sectors 0-3"); return; }
  if (used_len != sizeof data + 1) fail("used len of the read");
  uint32_t sum[4];
  for (int i = 0; i < 4; i++) {
    sum[i] = checksum(data + i * SECTOR, SECTOR);
    printf("  sector %d: checksum 0x%08x\n", i, (unsigned)sum[i]);
  }
  printf("  sector 0 starts:");
  for (int i = 0; i < 16; i++) printf(" %02x", data[i]);
  printf("\n");

  if (has(f, VIRTIO_F_INDIRECT_DESC)) {
    memset(data2, 0xc3, sizeof data2);
    st = blk_read_indirect(0, data2, 4);
    int same = st == VIRTIO_BLK_S_OK && memcmp(data, data2, sizeof data) == 0;
    printf("  indirect read sectors 0-3: status %d, %s\n", st, same ? "same data" : "DIFFERENT DATA");
    if (!same) fail("indirect read");
  }

  /* GET_ID: exactly 20 bytes of data, NUL-padded ("Device Operation", driver requirements). */
  memset(id_buf, 0, sizeof id_buf);
  st = blk_request(VIRTIO_BLK_T_GET_ID, 0, id_buf, VIRTIO_BLK_ID_BYTES, 1);
  if (st == VIRTIO_BLK_S_OK) {
    id_buf[VIRTIO_BLK_ID_BYTES] = 0;
    printf("  id: \"%s\"\n", id_buf);
  } else {
    expect_status("get id", st, VIRTIO_BLK_S_OK);
  }

  /* Sector 2 gets a pattern derived from sector 0; a read-only device must refuse it with IOERR
     and write nothing ("Block Device / Device Operation", device requirements). */
  make_pattern(sum[0]);
  printf("  pattern for sector 2: seed 0x%08x checksum 0x%08x\n", (unsigned)sum[0], (unsigned)checksum(pattern, SECTOR));
  st = blk_request(VIRTIO_BLK_T_OUT, 2, pattern, SECTOR, 0);
  if (ro) {
    expect_status("write sector 2 (read-only disk)", st, VIRTIO_BLK_S_IOERR);
  } else {
    expect_status("write sector 2", st, VIRTIO_BLK_S_OK);
  }
  if (has(f, VIRTIO_BLK_F_FLUSH)) {
    st = blk_request(VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0);
    expect_status("flush", st, VIRTIO_BLK_S_OK);
  } else {
    printf("  flush: not offered\n");
  }

  /* Read sector 2 back through the other descriptor half. */
  memset(data, 0x5a, SECTOR);
  st = blk_request(VIRTIO_BLK_T_IN, 2, data, SECTOR, 1);
  if (st != VIRTIO_BLK_S_OK) {
    expect_status("read sector 2 back", st, VIRTIO_BLK_S_OK);
  } else {
    uint32_t back = checksum(data, SECTOR);
    int ok = ro ? back == sum[2] : memcmp(data, pattern, SECTOR) == 0;
    printf("  read back sector 2: checksum 0x%08x, %s\n", (unsigned)back,
           ok ? (ro ? "unchanged, OK" : "matches the pattern, OK") : "MISMATCH");
    if (!ok) fail("read back sector 2");
  }

  /* A read that ends past the last sector fails with IOERR; an unknown request type with UNSUPP. */
  st = blk_request(VIRTIO_BLK_T_IN, capacity - 1, data, 2 * SECTOR, 1);
  expect_status("read past the end", st, VIRTIO_BLK_S_IOERR);
  st = blk_request(VIRTIO_BLK_T_BOGUS, 0, 0, 0, 0);
  expect_status("unknown request type", st, VIRTIO_BLK_S_UNSUPP);

  if (rd(REG_STATUS) & STATUS_NEEDS_RESET) fail("device set DEVICE_NEEDS_RESET");
  /* "Device Cleanup": reset, so the queue memory can serve the next device. */
  wr(REG_STATUS, 0);
}

static int strcmp_(const char *a, const char *b)
{
  while (*a != 0 && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

/* Brings the device up just far enough to ask for its ID string, then resets it. */
static void probe_id(char *out)
{
  out[0] = 0;
  if (init_device() != 0) {
    memset(id_buf, 0, sizeof id_buf);
    if (blk_request(VIRTIO_BLK_T_GET_ID, 0, id_buf, VIRTIO_BLK_ID_BYTES, 1) == VIRTIO_BLK_S_OK) {
      memcpy(out, id_buf, VIRTIO_BLK_ID_BYTES);
      out[VIRTIO_BLK_ID_BYTES] = 0;
    }
  }
  wr(REG_STATUS, 0);
}

int main(void)
{
  uint32_t ids[VIRTIO_MMIO_SLOTS];
  int nids = 0, blk = 0, legacy = 0;
  printf("virtio-blk driver test\n");
  for (int slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++) {
    dev = VIRTIO_MMIO_BASE + VIRTIO_MMIO_STRIDE * slot;
    /* "MMIO-specific Initialization": check MagicValue and Version before anything else, and
       touch nothing more when DeviceID is 0. */
    if (rd(REG_MAGIC) != MMIO_MAGIC) continue;
    if (rd(REG_VERSION) != 2) { legacy++; continue; }
    ids[nids++] = rd(REG_DEVICE_ID);
  }
  /* Slot order differs between machines; print the IDs sorted. */
  for (int i = 1; i < nids; i++)
    for (int j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
      uint32_t t = ids[j]; ids[j] = ids[j - 1]; ids[j - 1] = t;
    }
  if (legacy > 0) printf("virtio-mmio: %d legacy (version 1) slots skipped\n", legacy);
  printf("virtio-mmio: %d slots, device ids (sorted):", nids);
  for (int i = 0; i < nids; i++) printf(" %u", (unsigned)ids[i]);
  printf("\n");

  /* Block devices are tested in the order of their ID strings, which does not depend on the slots. */
  int order[VIRTIO_MMIO_SLOTS];
  static char names[VIRTIO_MMIO_SLOTS][VIRTIO_BLK_ID_BYTES + 1];
  for (int slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++) {
    dev = VIRTIO_MMIO_BASE + VIRTIO_MMIO_STRIDE * slot;
    if (rd(REG_MAGIC) != MMIO_MAGIC || rd(REG_VERSION) != 2 || rd(REG_DEVICE_ID) != VIRTIO_ID_BLOCK) continue;
    probe_id(names[slot]);
    int j = blk++;
    for (; j > 0 && strcmp_(names[order[j - 1]], names[slot]) > 0; j--) order[j] = order[j - 1];
    order[j] = slot;
  }
  for (int i = 0; i < blk; i++) {
    dev = VIRTIO_MMIO_BASE + VIRTIO_MMIO_STRIDE * order[i];
    test_block_device();
  }
  if (blk == 0) {
    /* Not an error: run without a disk (as examples/run-qemu.sh does) there is nothing to test. */
    printf("no virtio-blk device\n");
    return 0;
  }
  printf("%d blk device%s, %d failure%s\n", blk, blk == 1 ? "" : "s", failures, failures == 1 ? "" : "s");
  return failures == 0 ? 0 : 1;
}
