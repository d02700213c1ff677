#!/usr/bin/env bash
# Regenerates the README's flame graph, docs/profile_calls.svg: traces the profile_calls test guest
# and profiles the trace with `rvtrace profile --format svg` (rvtrace writes the SVG itself).
# usage: scripts/flamegraph.sh [BUILD_DIR]   (default: build; configured by scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target rvtrace_cli guest_profile_calls -j "$(nproc)"
elf="$build/guests/profile_calls-rv64imac.elf"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$build/bin/rvtrace" trace -o "$tmp/p.rvmt" --chunk-steps 1024 "$elf" 12 >/dev/null
"$build/bin/rvtrace" profile "$tmp/p.rvmt" --elf "$elf" --threads 2 --format svg -o docs/profile_calls.svg
"$build/bin/rvtrace" profile "$tmp/p.rvmt" --elf "$elf" --threads 2 --top 8
echo "wrote docs/profile_calls.svg"
