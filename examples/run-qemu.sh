#!/bin/sh
# Runs every built guest program on QEMU (qemu-system-riscv64 -M virt; -bios none, or OpenSBI for the
# S-mode kernels: minikernel, minivisor*, bench-*-guest) and reports its exit status and last line of
# output; each run's full output is kept in $OUTDIR/<name>.txt (default /tmp/vmscope-qemu-out).
# spec-*.elf check rules QEMU 7.2 gets wrong and are skipped. Usage: ./run-qemu.sh [name.elf ...]
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
QEMU=${QEMU:-qemu-system-riscv64}
OUTDIR=${OUTDIR:-${TMPDIR:-/tmp}/vmscope-qemu-out}
mkdir -p "$OUTDIR"

if [ $# -eq 0 ]; then
  set -- $(cd "$HERE/build" && ls *.elf | grep -v '^spec-')
fi

failed=0
for elf in "$@"; do
  name=$(basename "$elf" .elf)
  start=$(date +%s.%N)
  case "$name" in
    minikernel|minivisor*|bench-*-guest) bios=default ;;
    *) bios=none ;;
  esac
  timeout 120 "$QEMU" -M virt -cpu rv64,h=true -m 128M -bios "$bios" -nographic -kernel "$HERE/build/$name.elf" \
    > "$OUTDIR/$name.txt" 2>&1
  rc=$?
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  status=ok
  [ $rc -ne 0 ] && status=FAIL && failed=$((failed + 1))
  printf '%-28s exit=%-3d %6.2fs %s  %s\n' "$name" "$rc" "$secs" "$status" \
    "$(tail -n 1 "$OUTDIR/$name.txt" | cut -c1-70)"
done
[ $failed -eq 0 ] && echo "all passed" || echo "$failed failed"
exit $failed
