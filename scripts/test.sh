#!/usr/bin/env bash
# Fresh machine to test results: installs dependencies, builds, runs the suite under ASan+UBSan
# first, then in the Release build. Ends with CTest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
jobs=$(nproc)

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQEDGE_SANITIZE=address,undefined >/dev/null
cmake --build build-asan -j "$jobs"
ctest --test-dir build-asan --output-on-failure -j "$jobs"

bash scripts/build.sh
ctest --test-dir build --output-on-failure -j "$jobs"
