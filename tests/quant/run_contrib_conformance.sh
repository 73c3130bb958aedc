#!/usr/bin/env bash
# Generates the contrib-op conformance cases (com.microsoft QLinear*/QGemm, qonnx channels-last
# wrappers) with make_contrib_models.py and runs `qedge conform` on them; every case must PASS.
# Usage: run_contrib_conformance.sh QEDGE OUT_DIR
set -uo pipefail
qedge=$1
out_dir=$2
here=$(cd "$(dirname "$0")" && pwd)

if ! /usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null; then
  echo "SKIPPED: /usr/bin/python3 lacks onnx or numpy"
  exit 77
fi
rm -rf "$out_dir"
mkdir -p "$out_dir"
/usr/bin/python3 "$here/make_contrib_models.py" "$out_dir" || exit 1

log=$(mktemp)
"$qedge" conform --jobs 2 --timeout 120 "$out_dir" >"$log"
status=$?
cat "$log"
# UNSUPPORTED does not fail `conform`, but here every case is expected to pass.
if grep -Eq '^(FAIL|UNSUPPORTED) ' "$log"; then status=1; fi
rm -f "$log"
exit $status
