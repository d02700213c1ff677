#!/bin/sh
# The Python readers in tools/, written from the docs alone, against files the CLI writes:
#  - tools/rvmt.py checks every checksum of a .rvmt file (docs/trace-format.md), and finds a
#    changed log word as the chunk checksum mismatch that `rvtrace verify` also reports;
#  - tools/rvtrace_witness.py (numpy) reads the binary witness of `replay --policy witness`
#    (docs/witness.md) and matches the sequential text witness on every row; a changed text
#    row is found.
# usage: python_readers.sh RVTRACE PYTHON3 TOOLS_DIR GUEST_DIR WORK
set -eu
rv=$1 py=$2 tools=$3 guests=$4 work=$5
rm -rf "$work" && mkdir -p "$work" && cd "$work"
fail() { echo "python_readers: $*" >&2; exit 1; }
for g in "sha256-rv64imac.elf 300" "atomics-rv64im.elf" "keccak-rv64imac.elf 100"; do
  set -- $g
  elf=$guests/$1; shift
  name=$(basename "$elf" .elf)
  # Chunks of 2^10 steps: many chunks, log lengths of every residue mod 4.
  "$rv" trace -o "$name.rvmt" --chunk-steps 1024 "$elf" "$@" >/dev/null
  "$py" "$tools/rvmt.py" check "$name.rvmt"
  "$rv" replay "$name.rvmt" --elf "$elf" --policy witness -o "$name.bin" --threads 2 2>/dev/null
  "$rv" witness "$elf" "$@" -o "$name.txt" >/dev/null
  "$py" "$tools/rvtrace_witness.py" "$name.bin" --check-text "$name.txt"
done
# Negative controls: one changed log word, one changed text row.
cp sha256-rv64imac.rvmt bad.rvmt
printf '\377' | dd of=bad.rvmt bs=1 seek=$((256 + 8 * 40 + 3)) conv=notrunc 2>/dev/null
if "$py" "$tools/rvmt.py" check bad.rvmt 2>err.txt; then fail "rvmt.py accepted a changed log word"; fi
grep -q "chunk [0-9]*: checksum mismatch" err.txt || fail "rvmt.py: $(cat err.txt)"
chunk=$(sed 's/.*chunk \([0-9]*\):.*/\1/' err.txt)
if "$rv" verify bad.rvmt --elf "$guests/sha256-rv64imac.elf" 300 >out.txt 2>&1; then fail "verify accepted bad.rvmt"; fi
grep -q "chunk $chunk (.*checksum mismatch" out.txt || fail "verify and rvmt.py disagree: $(cat out.txt) / chunk $chunk"
sed '1000s/^\([0-9]*\) [0-9a-f]*/\1 00000000deadbeef/' sha256-rv64imac.txt > bad.txt
cmp -s bad.txt sha256-rv64imac.txt && fail "the negative control did not change line 1000"
if "$py" "$tools/rvtrace_witness.py" sha256-rv64imac.bin --check-text bad.txt 2>err.txt; then
  fail "rvtrace_witness.py accepted a changed row"
fi
grep -q "first at step 999" err.txt || fail "rvtrace_witness.py: $(cat err.txt)"
echo "python_readers: OK"
