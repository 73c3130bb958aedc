#!/usr/bin/env bash
# Runs every case with reference data in the shared QONNX/FINN model collection; all must pass.
# Usage: run_qonnx_models.sh QEDGE SHARED_DIR
set -uo pipefail
qedge=$1
models=$2/qonnx-models
if [ ! -d "$models" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAILED: the QONNX models are missing at $models (CI=true requires ../shared)"
    exit 1
  fi
  echo "SKIPPED: the QONNX models are not at $models (configure with -DQEDGE_SHARED_DIR=PATH)"
  exit 77
fi
out=$(mktemp)
"$qedge" conform --jobs "$(nproc)" "$models" | tee "$out"
status=${PIPESTATUS[0]}
summary=$(tail -n 1 "$out")
rm -f "$out"
case "$summary" in
  "0 passed"*) echo "FAILED: no case found under $models"; exit 1 ;;
  *" 0 failed, 0 unsupported") exit "$status" ;;
  *) exit 1 ;;
esac
