#!/usr/bin/env bash
# Fresh machine to test results: installs dependencies, builds, runs the suite under ASan+UBSan
# first, then in the Release build. Ends with CTest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
jobs=$(nproc)

# -O1 with line tables: sanitizer reports stay readable and the build stays within CI's time.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DCMAKE_C_FLAGS_DEBUG="-O1 -g1" \
  -DQEDGE_SANITIZE=address,undefined >/dev/null
cmake --build build-asan -j "$jobs"
ctest --test-dir build-asan --output-on-failure -j "$jobs"

bash scripts/build.sh
ctest --test-dir build --output-on-failure -j "$jobs"
