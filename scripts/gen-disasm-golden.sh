#!/usr/bin/env bash
# Regenerates test/fixtures/disasm/golden.txt from golden.S with GNU binutils (riscv64-unknown-elf, 2.40):
# each line is "<hex word>\t<pc hex>\t<objdump text>". Needs the toolchain; the test itself does not.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
dir="$here/test/fixtures/disasm"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Zicond is assembled only when binutils knows it; golden.S carries it as raw .insn words either way.
march=rv64gch_zba_zbb_zbs_zicond
if ! echo 'nop' | riscv64-unknown-elf-as -march="$march" -o /dev/null - 2>/dev/null; then
  march=rv64gch_zba_zbb_zbs
fi

# Privileged spec 1.12 CSR names; link at the usual RAM base so targets look like a real kernel's.
riscv64-unknown-elf-as -march="$march" -mpriv-spec=1.12 "$dir/golden.S" -o "$work/golden.o"
riscv64-unknown-elf-ld -Ttext=0x80000000 -e 0x80000000 --no-relax "$work/golden.o" -o "$work/golden.elf"

# Keep instruction lines only ("  addr:\tHEX \tTEXT"); drop "<symbol>" annotations and objdump's
# "# ..." comments (they depend on neighbouring instructions, which a one-word disassembler cannot see).
riscv64-unknown-elf-objdump -d "$work/golden.elf" \
  | awk -F'\t' '/^ *[0-9a-f]+:\t/ {
      pc = $1; sub(/^ */, "", pc); sub(/:$/, "", pc);
      hex = $2; gsub(/ +$/, "", hex);
      text = $3; for (i = 4; i <= NF; i++) text = text "\t" $i;
      sub(/ *<[^>]*>$/, "", text); sub(/ *#.*$/, "", text);
      print hex "\t" pc "\t" text
    }' > "$work/golden.txt"

# Expected text for encodings newer than binutils 2.40 (Zicond), in the syntax later binutils print.
if [ -s "$dir/overrides.txt" ]; then
  awk -F'\t' 'NR == FNR { if ($0 !~ /^#/ && NF >= 2) o[$1] = substr($0, length($1) + 2); next }
              ($1 in o) { print $1 "\t" $2 "\t" o[$1]; next } { print }' \
    "$dir/overrides.txt" "$work/golden.txt" > "$dir/golden.txt"
else
  cp "$work/golden.txt" "$dir/golden.txt"
fi
echo "wrote $(wc -l < "$dir/golden.txt") lines to $dir/golden.txt"
