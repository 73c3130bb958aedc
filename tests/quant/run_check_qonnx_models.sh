#!/usr/bin/env bash
# Runs check_qonnx_models.py (every shared QONNX/FINN model against the numpy oracle; TFC digits 7, 2, 1, 0).
# Usage: run_check_qonnx_models.sh QEDGE SHARED_DIR
set -uo pipefail
here=$(dirname "$0")
if [ ! -d "$2/qonnx-models" ] || [ ! -f "$2/tools/qonnx_ref.py" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAILED: $2/qonnx-models or $2/tools/qonnx_ref.py is missing (CI=true requires ../shared)"
    exit 1
  fi
  echo "SKIPPED: $2/qonnx-models or $2/tools/qonnx_ref.py is missing (configure with -DQEDGE_SHARED_DIR=PATH)"
  exit 77
fi
exec /usr/bin/python3 "$here/check_qonnx_models.py" "$1" "$2"
