#!/usr/bin/env bash
# Regenerates test/fixtures/dwarf/ from the committed ELFs with GNU binutils (riscv64-unknown-elf, 2.40): the oracle
# for the DWARF reader's tests (test/core/dwarf*.test.ts), which do not need the toolchain. For each ELF:
#   NAME.lines.txt      the decoded line table (readelf -wL): "file<TAB>line<TAB>address<TAB>stmt" per row, in
#                       table order; an end of sequence has line "-"; "# CU path" starts each unit
#   NAME.addr2line.txt  "address<TAB>function<TAB>file:line[;function<TAB>file:line...]" (addr2line -a -f -i: the
#                       inline chain, innermost first) for each row address of the table
#   NAME.frames.txt     objdump --dwarf=frames-interp (the CFA and register rules of every FDE)
#   NAME.functions.txt  "low<TAB>length<TAB>name" of each subprogram with low_pc/high_pc (readelf --debug-dump=info;
#                       DWARF 4 and 5 give high_pc as the length), with the name of its own DW_AT_name if it has one
# The first line of each file is "# sha256 <hash of the ELF>": the tests refuse a fixture made from another build.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/test/fixtures/dwarf"
mkdir -p "$out"
elfs=(demo minivisor dwarf4)

for name in "${elfs[@]}"; do
  elf="$here/examples/build/$name.elf"
  sum="# sha256 $(sha256sum "$elf" | cut -d' ' -f1)"

  { echo "$sum"
    riscv64-unknown-elf-readelf -wL --wide "$elf" | awk '
      /^CU: / { cu = substr($0, 5); sub(/:$/, "", cu); print "# CU " cu; next }
      NF >= 3 && $3 ~ /^0x[0-9a-f]+$/ {
        stmt = ($NF == "x") ? "x" : "";
        print $1 "\t" $2 "\t" $3 "\t" stmt
      }'
  } > "$out/$name.lines.txt"

  { echo "$sum"
    awk -F'\t' 'NR > 1 && $0 !~ /^#/ && $2 != "-" { print $3 }' "$out/$name.lines.txt" | sort -u \
      | riscv64-unknown-elf-addr2line -e "$elf" -a -f -i \
      | awk '
        /^0x[0-9a-f]+$/ { if (line != "") print line; a = $0; sub(/^0x0*/, "0x", a); if (a == "0x") a = "0x0"; line = a; n = 0; next }
        { if (n % 2 == 0) fn = $0; else { loc = $0; sub(/ \(discriminator [0-9]+\)$/, "", loc); line = line (n == 1 ? "\t" : ";") fn "\t" loc } n++ }
        END { if (line != "") print line }'
  } > "$out/$name.addr2line.txt"

  { echo "$sum"
    riscv64-unknown-elf-objdump --dwarf=frames-interp "$elf" | sed -n '/^Contents of the .debug_frame section:/,$p' | tail -n +2
  } > "$out/$name.frames.txt"

  { echo "$sum"
    riscv64-unknown-elf-readelf --debug-dump=info --wide "$elf" | awk '
      function flush() { if (tag == "DW_TAG_subprogram" && low != "" && high != "") print low "\t" high "\t" nm }
      /^ *<[0-9]+><[0-9a-f]+>: Abbrev Number:/ { flush(); tag = $NF; gsub(/[()]/, "", tag); nm = ""; low = ""; high = ""; next }
      / DW_AT_name / { nm = $NF; next }
      / DW_AT_low_pc / { low = $NF; next }
      / DW_AT_high_pc / { high = $NF; next }
      END { flush() }' | sort
  } > "$out/$name.functions.txt"
  echo "wrote $out/$name.{lines,addr2line,frames,functions}.txt"
done
