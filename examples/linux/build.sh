#!/usr/bin/env bash
# Builds the vmscope Linux test guest: a small riscv64 kernel Image from Debian's linux-source-6.1 with the
# configuration fragment kept here, and an initramfs whose /init is init.c (static, gcc-riscv64-linux-gnu).
# Output: examples/linux/out/Image and examples/linux/out/init.cpio (not committed).
# Needs: apt-get install linux-source-6.1 gcc-riscv64-linux-gnu bc flex bison libssl-dev libelf-dev cpio
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/out"
src_tar=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -1 || true)
if [ -z "$src_tar" ]; then
  echo "linux-source-6.1 is not installed: apt-get install linux-source-6.1" >&2
  exit 2
fi
command -v riscv64-linux-gnu-gcc >/dev/null || { echo "apt-get install gcc-riscv64-linux-gnu" >&2; exit 2; }
mkdir -p "$out"
work="$out/linux-src"
if [ ! -d "$work" ]; then
  mkdir -p "$work"
  tar -xf "$src_tar" -C "$work" --strip-components=1
fi
jobs=${JOBS:-$(nproc)}
make_k() { make -C "$work" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- O="$out/kbuild" "$@"; }
mkdir -p "$out/kbuild"
make_k tinyconfig >/dev/null
"$work/scripts/kconfig/merge_config.sh" -m -O "$out/kbuild" "$out/kbuild/.config" "$here/vmscope.config" >/dev/null
make_k olddefconfig >/dev/null
make_k -j"$jobs" Image
cp "$out/kbuild/arch/riscv/boot/Image" "$out/Image"

# initramfs: /init plus the mount points it uses
root="$out/initramfs"
rm -rf "$root"
mkdir -p "$root/proc" "$root/sys" "$root/dev"
riscv64-linux-gnu-gcc -static -O2 -Wall -o "$root/init" "$here/init.c"
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --reproducible > "$out/init.cpio")
echo "built $out/Image ($(stat -c %s "$out/Image") bytes) and $out/init.cpio ($(stat -c %s "$out/init.cpio") bytes)"
