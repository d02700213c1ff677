#!/usr/bin/env bash
# Differential test: run a guest under rvtrace and under qemu-riscv64 (the independent oracle);
# stdout and exit code must be identical.
# usage: diff_qemu.sh [--input FILE] RVTRACE_CLI QEMU ENGINE ELF [ARGS...]   (FILE: the guests' stdin)
set -u
input=/dev/null
if [ "$1" = --input ]; then input=$2; shift 2; fi
cli=$1 qemu=$2 engine=$3 elf=$4; shift 4
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$qemu" "$elf" "$@" <"$input" >"$tmp/qemu.out" 2>"$tmp/qemu.err"; qrc=$?
"$cli" run --engine "$engine" "$elf" "$@" <"$input" >"$tmp/rv.out" 2>"$tmp/rv.err"; rrc=$?
fail=0
if ! cmp -s "$tmp/qemu.out" "$tmp/rv.out"; then
  echo "stdout differs ($elf $*):"; diff "$tmp/qemu.out" "$tmp/rv.out" | head -20; fail=1
fi
if [ "$qrc" != "$rrc" ]; then
  echo "exit code differs: qemu $qrc, rvtrace $rrc"; cat "$tmp/rv.err"; fail=1
fi
[ "$fail" = 0 ] && echo "same stdout ($(wc -c <"$tmp/rv.out") bytes) and exit code $rrc as qemu-riscv64"
exit $fail
