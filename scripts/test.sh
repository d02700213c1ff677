#!/usr/bin/env bash
# One command: install everything (Debian, apt-get), build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build --no-tests=error --output-on-failure -j "$(nproc)"
