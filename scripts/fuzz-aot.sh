#!/bin/sh
# Longer differential fuzzing of the AOT engine against the interpreter.
# usage: scripts/fuzz-aot.sh [COUNT] [SEED] [BUILD_DIR]   (default 100000 sequences, build dir ./build)
set -eu
count=${1:-100000}
seed=${2:-$(date +%s)}
build=${3:-build}
cmake --build "$build" -j2 --target test_aot
RVTRACE_AOT_FUZZ_COUNT=$count RVTRACE_AOT_FUZZ_SEED=$seed "$build/bin/test_aot" "[fuzz]"
