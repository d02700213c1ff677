#!/usr/bin/env bash
# Runs every guest of small_args.txt under qemu-riscv64, in both flavours, and checks the
# exit status (or that it faults) and, where expected/NAME.txt exists, the exact stdout.
# usage: run_qemu.sh [GUEST_DIR]   (default: build/guests)
# Optional: STEPS=1 also counts the executed instructions (qemu -singlestep -d exec, streamed
# to a counter -- never to a file).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-$here/../../build/guests}"
qemu="${QEMU_RISCV64:-qemu-riscv64}"
fail=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
while read -r name want args; do
  case "$name" in ''|\#*) continue ;; esac
  args="${args%%#*}"
  input=/dev/null
  [ -f "$here/expected/$name.in" ] && input="$here/expected/$name.in"
  for fl in rv64im rv64imac; do
    elf="$dir/$name-$fl.elf"
    if [ ! -f "$elf" ]; then echo "MISSING $elf"; fail=1; continue; fi
    # shellcheck disable=SC2086
    rc=$( (timeout 60 "$qemu" "$elf" $args <"$input" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc") 2>/dev/null;
          cat "$tmp/rc")
    status=ok
    if [ "$want" = fault ]; then
      if [ $rc -lt 128 ] || [ $rc -eq 124 ]; then status="expected a fault, got exit $rc"; fi
    elif [ "$rc" != "$want" ]; then
      status="exit $rc, expected $want"
    fi
    if [ "$status" = ok ] && [ "$want" != fault ] && [ -f "$here/expected/$name.txt" ] &&
       ! cmp -s "$tmp/out" "$here/expected/$name.txt"; then
      status="stdout differs from expected/$name.txt"
      diff "$tmp/out" "$here/expected/$name.txt" | head -5
    fi
    steps=""
    if [ "${STEPS:-0}" = 1 ]; then
      # shellcheck disable=SC2086
      steps=" steps=$(timeout 120 "$qemu" -singlestep -d exec,nochain -D /dev/stderr "$elf" $args \
                <"$input" 2>&1 >/dev/null | grep -c '^Trace')"
    fi
    if [ "$status" = ok ]; then
      echo "ok   $name-$fl $args (exit $rc)$steps"
    else
      echo "FAIL $name-$fl $args: $status"
      fail=1
    fi
  done
done <"$here/small_args.txt"
[ $fail = 0 ] && echo "all guests ok under qemu" || echo "SOME GUESTS FAILED"
exit $fail
