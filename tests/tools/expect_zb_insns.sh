#!/usr/bin/env bash
# Checks that a guest built with -march=..._zba_zbb really contains Zba/Zbb instructions (so the
# zba_zbb differential tests test them): counts them in objdump's disassembly (binutils, an
# independent decoder) and fails below MIN.
# usage: expect_zb_insns.sh OBJDUMP MIN ELF
set -u
objdump=$1 min=$2 elf=$3
# Zba and Zbb mnemonics (RISC-V unprivileged spec, "B" chapter), as objdump prints them without aliases.
re=$'\t(sh[123]add|sh[123]add\\.uw|add\\.uw|slli\\.uw|andn|orn|xnor|clzw?|ctzw?|cpopw?|maxu?|minu?|sext\\.[bh]|zext\\.h|rolw?|rorw?|roriw?|orc\\.b|rev8)\t'
list=$("$objdump" -d -M no-aliases "$elf" | grep -oE "$re" | tr -d '\t' | sort | uniq -c | sort -rn | awk '{printf "%s %s, ", $2, $1}')
n=$("$objdump" -d -M no-aliases "$elf" | grep -cE "$re")
echo "$elf: $n Zba/Zbb instructions (${list%, })"
[ "$n" -ge "$min" ] || { echo "expected at least $min"; exit 1; }
