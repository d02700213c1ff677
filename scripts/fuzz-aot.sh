#!/bin/sh
# Longer differential fuzzing of the AOT engine against the interpreter.
# usage: scripts/fuzz-aot.sh [COUNT] [SEED] [BUILD_DIR]   (default 100000 sequences, build dir ./build)
# COUNT sequences each of RV64IMAC, RV64IMAC + Zba/Zbb and the user ISA with host calls; COUNT/100
# host-call programs also traced, verified and replayed (test_host_fuzz.cpp).
set -eu
count=${1:-100000}
seed=${2:-$(date +%s)}
build=${3:-build}
cmake --build "$build" -j2 --target test_aot
RVTRACE_AOT_FUZZ_COUNT=$count RVTRACE_AOT_FUZZ_SEED=$seed \
RVTRACE_HOST_FUZZ_COUNT=$count RVTRACE_HOST_TRACE_COUNT=$((count / 100)) RVTRACE_HOST_FUZZ_SEED=$seed \
  "$build/bin/test_aot" "[fuzz]"
