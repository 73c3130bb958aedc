#!/usr/bin/env bash
# Generates the QONNX test models (make_qonnx_models.py, reference outputs from ../shared's qonnx_ref.py)
# into OUT_DIR and runs them through `qedge conform`.
# Usage: run_qonnx_conformance.sh QEDGE SHARED_DIR OUT_DIR
# Exit status: that of qedge conform (0 when every case passed); 77 (skipped) when SHARED_DIR/tools/qonnx_ref.py
# or a python3 with onnx and numpy ($QEDGE_PYTHON, default /usr/bin/python3) is missing, unless CI=true.
set -uo pipefail
if [ $# -ne 3 ]; then
  echo "usage: run_qonnx_conformance.sh QEDGE SHARED_DIR OUT_DIR" >&2
  exit 2
fi
qedge=$1
ref=$2/tools/qonnx_ref.py
out=$3
here=$(cd "$(dirname "$0")" && pwd)
python=${QEDGE_PYTHON:-/usr/bin/python3}

skip() {
  if [ "${CI:-}" = "true" ]; then
    echo "FAILED: $1 (CI=true requires it)"
    exit 1
  fi
  echo "SKIPPED: $1"
  exit 77
}

[ -f "$ref" ] || skip "the QONNX reference executor is not at $ref (configure with -DQEDGE_SHARED_DIR=PATH)"
"$python" -c 'import numpy, onnx' 2>/dev/null || skip "$python cannot import numpy and onnx"
"$python" "$here/make_qonnx_models.py" "$out" "$ref" || {
  echo "FAILED: make_qonnx_models.py could not generate the models"
  exit 1
}

log=$(mktemp)
"$qedge" conform --jobs "$(nproc)" "$out" >"$log"
status=$?
grep -v '^PASS ' "$log"
rm -f "$log"
exit $status
