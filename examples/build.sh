#!/bin/sh
# Builds every guest program under examples/ into examples/build/*.elf.
# Needs riscv64-unknown-elf-gcc (Debian's gcc-riscv64-unknown-elf 12 works; newlib is not used).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
OUT=build
CC=${CC:-riscv64-unknown-elf-gcc}

# GCC 12 / binutils 2.40 do not know Zicond; its instructions are emitted with `.insn r`.
ARCH=rv64gc_zba_zbb_zbs
CFLAGS="-march=$ARCH -mabi=lp64d -mcmodel=medany -O2 -g -ffreestanding -fno-builtin \
  -fno-tree-loop-distribute-patterns -fno-stack-protector -fno-pic -Wall -Wextra -Icommon \
  -ffile-prefix-map=$HERE/=examples/ -fdebug-prefix-map=$HERE=examples"
LDFLAGS="-nostdlib -nostartfiles -static -Wl,--no-relax -Wl,--build-id=none \
  -Wl,--no-warn-rwx-segments"

mkdir -p "$OUT"
rm -rf "$OUT"/*.elf "$OUT/obj"
COMMON_M="common/start.S common/lib.c"
COMMON_VM="$COMMON_M common/vm.c"
# S-mode guest programs: their own entry and linker script (0x8020_0000), SBI for exit, identity Sv39.
COMMON_GUEST="-Tcommon/slink.ld common/sstart.S common/slib.c"
MINIVISOR="-Tminivisor/link.ld minivisor/entry.S minivisor/guest_image.S minivisor/console.c minivisor/sbi.c \
  minivisor/gstage.c minivisor/mmio.c minivisor/main.c"
# Benchmarks that exist only as guests (they manage page tables and address spaces themselves).
GUEST_ONLY="tlbstress ptchurn pgstress"

# build <output name> [-Tlinkscript] [-Dflags/-Iflags...] <sources...>: compiles each source into
# build/obj/<name>/ (named objects keep the ELFs reproducible) and links them with the linker
# script (common/link.ld unless -T names another).
build() {
  target=$1
  shift
  objdir="$OUT/obj/$target"
  mkdir -p "$objdir"
  flags=""
  objs=""
  script=common/link.ld
  for arg in "$@"; do
    case "$arg" in
      -T*) script=${arg#-T} ;;
      -*) flags="$flags $arg" ;;
      *)
        obj="$objdir/$(basename "$arg" | tr . _).o"
        # shellcheck disable=SC2086
        $CC $CFLAGS $flags -c "$arg" -o "$obj"
        objs="$objs $obj"
        ;;
    esac
  done
  echo "  LD $target.elf"
  # shellcheck disable=SC2086
  $CC $CFLAGS $objs $LDFLAGS -T"$script" -o "$OUT/$target.elf" -lgcc
}

build demo $COMMON_VM demo/demo.c
build fpdiff $COMMON_M diff/fpdiff.c
build intdiff $COMMON_M diff/intdiff.c
build virtio-blk $COMMON_M virtio/blktest.c
# The same runtime with DWARF 4 debug information (the debugger's tests read both versions).
build dwarf4 -gdwarf-4 $COMMON_M dwarf4/dwarf4.c
# The teaching kernel: its own entry and linker script (linked at 0x8020_0000 for OpenSBI), no common runtime.
build minikernel -Tminikernel/link.ld minikernel/entry.S minikernel/console.c minikernel/sbi.c minikernel/vm.c \
  minikernel/virtio.c minikernel/main.c minikernel/user_primes.c minikernel/user_collatz.c minikernel/user_disk.c \
  minikernel/copyengine.c
build minivisor $MINIVISOR

for src in bench/*.c; do
  name=$(basename "$src" .c)
  case " $GUEST_ONLY " in
    *" $name "*) ;;
    *)
      build "bench-$name-m" -DBENCH_MODE_M $COMMON_M "$src"
      build "bench-$name-sv39" -DBENCH_MODE_SV39 $COMMON_VM "$src"
      ;;
  esac
  build "bench-$name-guest" -DBENCH_MODE_GUEST $COMMON_GUEST "$src"
  # The same guest embedded in the minivisor (guest_image.S includes the file named by GUEST_ELF).
  build "minivisor-$name" -DGUEST_ELF=\"build/bench-$name-guest.elf\" $MINIVISOR
done

for src in isa/*.S; do
  name=$(basename "$src" .S)
  [ "$name" = common ] && continue
  build "isa-$name" -Iisa isa/common.S "$src"
done
# The same two-stage tests with the checks QEMU 7.2 fails (see the top of isa/hyp-mem.S): vmscope only.
build spec-hyp-mem -DHM_CHECK_ALL -Iisa isa/common.S isa/hyp-mem.S

{
  echo "# examples/build — built by examples/build.sh"
  echo "compiler: $($CC --version | head -n 1)"
  echo "assembler: $(riscv64-unknown-elf-as --version | head -n 1)"
  echo "march: $ARCH (+ Zicond via .insn) mabi: lp64d"
  echo "files (sha256):"
  (cd "$OUT" && sha256sum *.elf | sed 's/^/  /')
} > "$OUT/MANIFEST"
rm -rf "$OUT/obj"
echo "wrote $OUT/MANIFEST"
