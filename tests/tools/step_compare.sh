#!/usr/bin/env bash
# Per-step differential test: every step's pc and full register state of rvtrace's sequential
# interpreter (its text witness) against qemu-riscv64's single-step CPU dumps.
# usage: step_compare.sh [--fault] [--input FILE] [--isa NAME] [--qemu-cpu CPU] RVTRACE_CLI QEMU ELF [ARGS...]
#   --fault: the guest faults; qemu's last record is the faulting (not retired) instruction.
#   NAME: rvtrace's --isa; CPU: qemu's -cpu (e.g. rv64,zba=true,zbb=true)
set -u
input=/dev/null fault=() rv_opts=() qemu_opts=()
while :; do
  case "$1" in
    --fault) fault=(--fault); shift ;;
    --input) input=$2; shift 2 ;;
    --isa) rv_opts+=(--isa "$2"); shift 2 ;;
    --qemu-cpu) qemu_opts+=(-cpu "$2"); shift 2 ;;
    *) break ;;
  esac
done
cli=$1 qemu=$2 elf=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$qemu" "${qemu_opts[@]}" -singlestep -d cpu,nochain -D "$tmp/qemu.log" "$elf" "$@" <"$input" >/dev/null 2>&1
if [ ${#rv_opts[@]} = 0 ]; then
  "$cli" witness -o "$tmp/witness.txt" "$elf" "$@" <"$input" >/dev/null 2>&1
else  # (witness runs rv64imac only; replay's text policy writes the same lines)
  "$cli" trace "${rv_opts[@]}" -o "$tmp/t.rvmt" "$elf" "$@" <"$input" >/dev/null 2>&1
  "$cli" replay "$tmp/t.rvmt" --elf "$elf" --policy text -o "$tmp/witness.txt" >/dev/null 2>&1
fi
python3 "$here/qemu_steps.py" "$elf" "$tmp/qemu.log" "$tmp/witness.txt" "${fault[@]}"
