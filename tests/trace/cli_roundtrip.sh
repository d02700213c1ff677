#!/bin/sh
# rvtrace trace/info/verify/replay/witness round trip on small guests:
#   verify prints OK; replay --policy text == witness (byte for byte); replay digest (1 and 2
#   threads) == witness --policy digest; a corrupted log byte fails verify (exit 1, names the
#   chunk); the wrong ELF is rejected; an existing file is not overwritten without --force.
# usage: cli_roundtrip.sh RVTRACE GUEST_DIR WORK_DIR
set -eu
cli=$1 g=$2 w=$3
rm -rf "$w" && mkdir -p "$w"
fail() { echo "FAIL: $*" >&2; exit 1; }

for case in "sha256-rv64imac.elf 2" "misaligned-rv64imac.elf" "atomics-rv64im.elf" "sort-rv64imac.elf 100"; do
  set -- $case
  elf=$g/$1; shift
  for engine in interp aot; do
    for chunk in 16 1024 262144; do
      t=$w/t.rvmt
      "$cli" trace --engine $engine --chunk-steps $chunk --force -o "$t" "$elf" "$@" > "$w/guest.out"
      "$cli" info "$t" > "$w/info.txt"
      grep -q "^chunk steps *$chunk$" "$w/info.txt" || fail "info chunk steps"
      "$cli" verify "$t" --elf "$elf" --threads 2 "$@" | grep -q '^OK' || fail "verify $elf $engine $chunk"
      "$cli" replay "$t" --elf "$elf" --threads 2 --policy text --force -o "$w/replay.txt"
      "$cli" witness "$elf" "$@" --force -o "$w/witness.txt" > /dev/null
      cmp -s "$w/replay.txt" "$w/witness.txt" || fail "text differs: $elf $engine $chunk"
      "$cli" replay "$t" --elf "$elf" --threads 1 --policy digest > "$w/d1.txt"
      "$cli" replay "$t" --elf "$elf" --threads 2 --policy digest > "$w/d2.txt"
      "$cli" witness "$elf" "$@" --policy digest > "$w/dseq.txt" 2> /dev/null
      cmp -s "$w/d1.txt" "$w/dseq.txt" && cmp -s "$w/d2.txt" "$w/dseq.txt" || fail "digest differs: $elf $engine $chunk"
      for p in histogram memops witness; do
        "$cli" replay "$t" --elf "$elf" --threads 2 --policy $p --force -o "$w/r.$p"
        "$cli" witness "$elf" "$@" --policy $p --force -o "$w/s.$p" > /dev/null 2>&1
        cmp -s "$w/r.$p" "$w/s.$p" || fail "$p differs: $elf $engine $chunk"
      done
    done
  done
done

elf=$g/sha256-rv64imac.elf
t=$w/s.rvmt
"$cli" trace --chunk-steps 1024 -o "$t" "$elf" 2 > /dev/null
if "$cli" trace -o "$t" "$elf" 2 > /dev/null 2>&1; then fail "overwrote without --force"; fi
# Corrupt one byte in the middle of the log: verify fails naming a chunk.
cp "$t" "$w/bad.rvmt"
printf '\377' | dd of="$w/bad.rvmt" bs=1 seek=4000 conv=notrunc 2> /dev/null
if "$cli" verify "$w/bad.rvmt" --elf "$elf" 2 > "$w/v.txt"; then fail "corrupt trace verified"; fi
grep -q "chunk [0-9]" "$w/v.txt" || fail "verify error does not name the chunk: $(cat "$w/v.txt")"
# Wrong ELF.
if "$cli" verify "$t" --elf "$g/keccak-rv64imac.elf" 2 > "$w/v.txt"; then fail "wrong ELF verified"; fi
grep -q "different program" "$w/v.txt" || fail "wrong ELF message: $(cat "$w/v.txt")"
if "$cli" replay "$t" --elf "$g/keccak-rv64imac.elf" > /dev/null 2> "$w/e.txt"; then fail "wrong ELF replayed"; fi
grep -q "different program" "$w/e.txt" || fail "wrong ELF replay message"
# A faulting guest: the trace records the fault, exit code 121, verify OK.
set +e
"$cli" trace --force -o "$w/f.rvmt" "$g/fault_store_text-rv64imac.elf" > /dev/null 2>&1
rc=$?
set -e
[ $rc -eq 121 ] || fail "fault exit code $rc"
"$cli" info "$w/f.rvmt" | grep -q "stop *fault: store to read-only" || fail "fault not recorded"
"$cli" verify "$w/f.rvmt" --elf "$g/fault_store_text-rv64imac.elf" | grep -q '^OK' || fail "fault trace verify"
echo "cli round trip OK"
