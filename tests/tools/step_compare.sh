#!/usr/bin/env bash
# Per-step differential test: every step's pc and full register state of rvtrace's sequential
# interpreter (its text witness) against qemu-riscv64's single-step CPU dumps.
# usage: step_compare.sh [--fault] [--input FILE] RVTRACE_CLI QEMU ELF [ARGS...]
#   --fault: the guest faults; qemu's last record is the faulting (not retired) instruction.
set -u
input=/dev/null fault=()
if [ "$1" = --fault ]; then fault=(--fault); shift; fi
if [ "$1" = --input ]; then input=$2; shift 2; fi
cli=$1 qemu=$2 elf=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$qemu" -singlestep -d cpu,nochain -D "$tmp/qemu.log" "$elf" "$@" <"$input" >/dev/null 2>&1
"$cli" witness -o "$tmp/witness.txt" "$elf" "$@" <"$input" >/dev/null 2>&1
python3 "$here/qemu_steps.py" "$elf" "$tmp/qemu.log" "$tmp/witness.txt" "${fault[@]}"
