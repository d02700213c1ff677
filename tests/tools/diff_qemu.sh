#!/usr/bin/env bash
# Differential test: run a guest under rvtrace and under qemu-riscv64 (the independent oracle);
# stdout and exit code must be identical.
# usage: diff_qemu.sh [--input FILE] [--isa NAME] [--qemu-cpu CPU] RVTRACE_CLI QEMU ENGINE ELF [ARGS...]
#   FILE: the guests' stdin; NAME: rvtrace's --isa; CPU: qemu's -cpu (e.g. rv64,zba=true,zbb=true)
set -u
input=/dev/null
rv_opts=() qemu_opts=()
while :; do
  case "$1" in
    --input) input=$2; shift 2 ;;
    --isa) rv_opts+=(--isa "$2"); shift 2 ;;
    --qemu-cpu) qemu_opts+=(-cpu "$2"); shift 2 ;;
    *) break ;;
  esac
done
cli=$1 qemu=$2 engine=$3 elf=$4; shift 4
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$qemu" "${qemu_opts[@]}" "$elf" "$@" <"$input" >"$tmp/qemu.out" 2>"$tmp/qemu.err"; qrc=$?
"$cli" run "${rv_opts[@]}" --engine "$engine" "$elf" "$@" <"$input" >"$tmp/rv.out" 2>"$tmp/rv.err"; rrc=$?
fail=0
if ! cmp -s "$tmp/qemu.out" "$tmp/rv.out"; then
  echo "stdout differs ($elf $*):"; diff "$tmp/qemu.out" "$tmp/rv.out" | head -20; fail=1
fi
if [ "$qrc" != "$rrc" ]; then
  echo "exit code differs: qemu $qrc, rvtrace $rrc"; cat "$tmp/qemu.err" "$tmp/rv.err"; fail=1
fi
[ "$fail" = 0 ] && echo "same stdout ($(wc -c <"$tmp/rv.out") bytes) and exit code $rrc as qemu-riscv64"
exit $fail
