#!/bin/sh
# Trace/info/verify/replay round trip of Zba/Zbb guests (built with -march=rv64imac_zba_zbb) through
# the CLI: traced with --isa rv64imac_zba_zbb by both engines at chunk sizes 16, 1024 and the
# default, info names the ISA, verify prints OK, every replay digest (1 and 2 threads) is the same
# and the replayed per-step text is the same at every chunk size (qemu_steps/*-rv64imac_zba_zbb
# checks that text against qemu); the guest's output while traced is qemu's. Without --isa the
# guest faults at its first Zba/Zbb instruction.
# usage: zb_roundtrip.sh RVTRACE QEMU GUEST_DIR WORK_DIR
set -eu
cli=$1 qemu=$2 g=$3 w=$4
rm -rf "$w" && mkdir -p "$w"
fail() { echo "FAIL: $*" >&2; exit 1; }
isa=rv64imac_zba_zbb

for case in "keccak-$isa.elf 135" "sha256-$isa.elf 55" "bytecode-$isa.elf 30 10"; do
  set -- $case
  elf=$g/$1; shift
  "$qemu" -cpu rv64,zba=true,zbb=true "$elf" "$@" > "$w/qemu.out"
  ref=""
  for engine in interp aot; do
    for chunk in 16 1024 262144; do
      t=$w/t.rvmt
      "$cli" trace --isa $isa --engine $engine --chunk-steps $chunk --force -o "$t" "$elf" "$@" > "$w/guest.out"
      cmp -s "$w/guest.out" "$w/qemu.out" || fail "traced output differs from qemu's: $elf $engine $chunk"
      "$cli" info "$t" > "$w/info.txt"
      grep -q "^isa  *$isa$" "$w/info.txt" || fail "info does not name the ISA: $elf"
      "$cli" verify "$t" --elf "$elf" --threads 2 "$@" | grep -q '^OK' || fail "verify $elf $engine $chunk"
      "$cli" replay "$t" --elf "$elf" --threads 1 --policy digest > "$w/d1.txt"
      "$cli" replay "$t" --elf "$elf" --threads 2 --policy digest > "$w/d2.txt"
      cmp -s "$w/d1.txt" "$w/d2.txt" || fail "digest differs between 1 and 2 threads: $elf $engine $chunk"
      "$cli" replay "$t" --elf "$elf" --threads 2 --policy text --force -o "$w/text.txt"
      if [ -z "$ref" ]; then
        ref=1; cp "$w/d1.txt" "$w/dref.txt"; cp "$w/text.txt" "$w/textref.txt"
      fi
      cmp -s "$w/d1.txt" "$w/dref.txt" || fail "digest differs: $elf $engine $chunk"
      cmp -s "$w/text.txt" "$w/textref.txt" || fail "replayed text differs: $elf $engine $chunk"
    done
  done
  echo "ok $elf: $(grep '^steps' "$w/info.txt" | tr -s ' '), 6 traces, same digest and text"
done

# Without the extension the first Zba/Zbb instruction is illegal (exit 121).
rc=0
"$cli" trace --force -o "$w/bad.rvmt" "$g/keccak-$isa.elf" 135 > /dev/null 2> "$w/err.txt" || rc=$?
[ "$rc" = 121 ] && grep -q "illegal instruction" "$w/err.txt" || fail "trace without --isa: exit $rc"
echo "zb round trip ok"
