#!/usr/bin/env bash
# Installs everything rvtrace needs on a fresh Debian (bookworm) machine. Run as root.
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  g++ cmake make ninja-build git ca-certificates \
  libboost-dev libxbyak-dev catch2 libbenchmark-dev libcli11-dev nlohmann-json3-dev \
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-user python3 python3-numpy python3-unicorn \
  openmpi-bin libopenmpi-dev \
  chromium >/dev/null  # chromium: the profile tests (flame graph rendering)
# npm (speedscope schema check): Debian's npm conflicts with a nodejs from elsewhere, so only when absent.
command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
