#!/bin/sh
# Builds and runs tests/consumer against rvtrace in one of four ways (a ctest per mode):
#   run.sh find_package|subdirectory|fetchcontent|single SRC RVTRACE_BUILD WORK GUEST_DIR
# SRC: the rvtrace checkout; RVTRACE_BUILD: its build tree (installed from, for find_package);
# WORK: a scratch directory (emptied first); GUEST_DIR: built guests (single mode).
set -eu
mode=$1 src=$2 rvbuild=$3 work=$4 guests=$5
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
fail() { echo "consumer/$mode: $*" >&2; exit 1; }
need() { [ -e "$1" ] || fail "missing $1"; }
gen=""; command -v ninja >/dev/null && gen="-G Ninja"

case $mode in
find_package)
  prefix=$work/prefix
  cmake --install "$rvbuild" --prefix "$prefix" >/dev/null
  for f in bin/rvtrace include/rvtrace/rvtrace.hpp include/rvtrace/core.hpp include/rvtrace/version.hpp \
           include/rvtrace/single/rvtrace.hpp share/cmake/rvtrace/rvtraceConfig.cmake \
           share/cmake/rvtrace/rvtraceConfigVersion.cmake share/pkgconfig/rvtrace.pc \
           share/rvtrace/guest/crt0.S share/rvtrace/guest/syscalls.c share/rvtrace/guest/guest.ld \
           share/rvtrace/guest/rvtraceGuest.cmake share/rvtrace/guest/rvtrace_region.h share/doc/rvtrace/LICENSE; do
    need "$prefix/$f"
  done
  # pkg-config: the version, and flags that compile against the installed headers.
  export PKG_CONFIG_PATH=$prefix/share/pkgconfig
  v=$(pkg-config --modversion rvtrace)
  printf '#include <rvtrace/version.hpp>\nstatic_assert(sizeof(RVTRACE_VERSION_STRING) > 5);\nint main() {}\n' > "$work/pc.cpp"
  # shellcheck disable=SC2046
  ${CXX:-c++} -std=c++20 $(pkg-config --cflags rvtrace) "$work/pc.cpp" -o "$work/pc" $(pkg-config --libs rvtrace)
  grep -q "RVTRACE_VERSION_MAJOR ${v%%.*}\$" "$prefix/include/rvtrace/version.hpp" || fail "pkg-config version $v"
  # A version the package must refuse.
  mkdir -p "$work/too_new" && printf 'cmake_minimum_required(VERSION 3.18)\nproject(p NONE)\nfind_package(rvtrace 99 REQUIRED)\n' > "$work/too_new/CMakeLists.txt"
  if cmake -S "$work/too_new" -B "$work/too_new/b" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>&1; then
    fail "find_package(rvtrace 99) succeeded"
  fi
  # shellcheck disable=SC2086
  cmake -S "$here" -B "$work/b" $gen -DRVTRACE_CONSUME=find_package -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$work/b" -j2 >/dev/null
  "$work/b/app" && "$work/b/app_core"
  out=$("$prefix/bin/rvtrace" run "$work/b/count_guest.elf" 10) || fail "installed CLI failed"
  [ "$out" = "sum 55" ] || fail "installed CLI printed '$out'"
  ;;
subdirectory)
  # shellcheck disable=SC2086
  cmake -S "$here" -B "$work/b" $gen -DRVTRACE_CONSUME=subdirectory -DRVTRACE_SOURCE="$src" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 >/dev/null
  cmake --build "$work/b" -j2 >/dev/null
  "$work/b/app" && "$work/b/app_core"
  cmake --install "$work/b" --prefix "$work/prefix" >/dev/null
  need "$work/prefix/bin/app"
  [ ! -e "$work/prefix/include/rvtrace" ] || fail "rvtrace installed its headers into the parent's prefix"
  [ ! -e "$work/prefix/share/cmake/rvtrace" ] || fail "rvtrace installed its package into the parent's prefix"
  ;;
fetchcontent)
  tag=$(git -C "$src" rev-parse HEAD 2>/dev/null) || { echo "consumer/fetchcontent: $src is not a git checkout: skipped"; exit 77; }
  # No build type: rvtrace must not set one for its parent.
  # shellcheck disable=SC2086
  cmake -S "$here" -B "$work/b" $gen -DRVTRACE_CONSUME=fetchcontent -DRVTRACE_SOURCE="$src" -DRVTRACE_GIT_TAG="$tag" >/dev/null
  grep -q '^CMAKE_BUILD_TYPE:STRING=$' "$work/b/CMakeCache.txt" || fail "the build type was set: $(grep ^CMAKE_BUILD_TYPE "$work/b/CMakeCache.txt")"
  cmake --build "$work/b" -j2 >/dev/null
  "$work/b/app" && "$work/b/app_core"
  ;;
single)
  python3 "$src/tools/amalgamate.py" --output "$work/single/rvtrace/rvtrace.hpp" >/dev/null
  ${CXX:-c++} -std=c++20 -O0 -I "$work/single" "$here/single.cpp" -o "$work/single_app" -pthread
  "$work/single_app" "$guests/keccak-rv64imac.elf" >/dev/null
  "$work/single_app" "$guests/keccak-rv64imac.elf" | grep -q "^single: [0-9.]* [0-9]* steps$" || fail "output"
  ;;
*) fail "unknown mode" ;;
esac
echo "consumer/$mode: OK"
