#!/usr/bin/env bash
# Bad input on the zisk platform: a clear one-line error and a documented exit code below 128.
# usage: bad_inputs.sh RVTRACE ZISK_ELF LINUX_ELF INPUT WORKDIR
set -u
cli=$1 zelf=$2 lelf=$3 input=$4 work=$5
here=$(cd "$(dirname "$0")" && pwd)
expect="$here/../tools/expect_error.sh"
mkdir -p "$work"
fails=0
check() { echo "--- $1"; shift; bash "$expect" "$@" || fails=$((fails + 1)); }
head -c 1001 "$input" >"$work/misaligned.bin"                 # not a multiple of 8 bytes
head -c 4096 "$input" >"$work/truncated.bin"                  # records cut short: INPUT_READY fails
truncate -s $((134217728)) "$work/huge.bin"                    # 128 MiB: more than 128 MiB - 8
check "input size not a multiple of 8" 120 'multiple of 8' "$cli" run --platform zisk --input "$work/misaligned.bin" "$zelf"
check "input larger than the region" 120 'larger than' "$cli" run --platform zisk --input "$work/huge.bin" "$zelf"
for engine in interp aot; do
  check "truncated input ($engine)" 121 'input_ready.*beyond' "$cli" run --platform zisk --engine $engine --input "$work/truncated.bin" "$zelf"
done
check "ZisK ELF on --platform linux" 121 'illegal instruction|outside' "$cli" run --platform linux "$zelf"
check "Linux ELF on --platform zisk" 120 'not a ZisK program' "$cli" run --platform zisk --input "$input" "$lelf"
check "unknown platform" 120 'platform' "$cli" run --platform sp1 "$zelf"
check "zisk without --input" 120 'needs --input' "$cli" run --platform zisk "$zelf"
check "--outputs without zisk" 120 'outputs' "$cli" run --outputs "$lelf"
rm -f "$work/huge.bin"
[ "$fails" = 0 ] || { echo "$fails checks failed"; exit 1; }
echo "all bad-input checks passed"
