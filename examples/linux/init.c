/* /init for the vmscope Linux test initramfs: mounts proc, sysfs and devtmpfs, prints the kernel version, the CPUs,
   the memory size and the virtio disks, prints a marker the test looks for, and powers the machine off. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <unistd.h>

static void print_matching(const char *path, const char *prefix)
{
  FILE *f = fopen(path, "r");
  char line[256];
  if (f == NULL) {
    printf("vmscope-init: cannot open %s\n", path);
    return;
  }
  while (fgets(line, sizeof line, f) != NULL) {
    if (prefix == NULL || strncmp(line, prefix, strlen(prefix)) == 0) fputs(line, stdout);
  }
  fclose(f);
}

int main(void)
{
  struct utsname u;
  mount("proc", "/proc", "proc", 0, NULL);
  mount("sysfs", "/sys", "sysfs", 0, NULL);
  mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);

  if (uname(&u) == 0) printf("vmscope-init: %s %s %s\n", u.sysname, u.release, u.machine);
  print_matching("/proc/cpuinfo", "processor");
  print_matching("/proc/cpuinfo", "isa");
  print_matching("/proc/cpuinfo", "mmu");
  print_matching("/proc/meminfo", "MemTotal");

  DIR *d = opendir("/sys/block");
  if (d != NULL) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strncmp(e->d_name, "vd", 2) == 0) {
        char p[128];
        snprintf(p, sizeof p, "/sys/block/%s/size", e->d_name);
        FILE *f = fopen(p, "r");
        long sectors = -1;
        if (f != NULL) {
          if (fscanf(f, "%ld", &sectors) != 1) sectors = -1;
          fclose(f);
        }
        printf("vmscope-init: disk %s, %ld sectors\n", e->d_name, sectors);
      }
    }
    closedir(d);
  }
  {
    /* the hardware RNG in use, if the board has a virtio entropy device */
    FILE *f = fopen("/sys/class/misc/hw_random/rng_current", "r");
    char rng[64];
    if (f != NULL) {
      if (fgets(rng, sizeof rng, f) != NULL) printf("vmscope-init: hwrng %s", rng);
      fclose(f);
    }
  }
  {
    /* a virtio console, when there is one, is hvc1 (hvc0 is the SBI console): say hello on it */
    FILE *f = fopen("/dev/hvc1", "w");
    if (f != NULL) {
      fputs("vmscope-init: hello on the virtio console\n", f);
      fclose(f);
    }
  }
  printf("VMSCOPE-LINUX-BOOT-OK\n");
  fflush(stdout);
  sync();
  reboot(RB_POWER_OFF);
  return 0;
}
