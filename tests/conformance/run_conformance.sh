#!/usr/bin/env bash
# Runs the in-scope ONNX backend tests; fails when a case listed in the passing list no longer passes.
# Usage: run_conformance.sh QEDGE SHARED_DIR PASSING_LIST
set -uo pipefail
qedge=$1
suite=$2/onnx-node-tests
expect=$3

if [ ! -f "$suite/in_scope.txt" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAILED: the ONNX backend tests are missing at $suite (CI=true requires ../shared)"
    exit 1
  fi
  echo "SKIPPED: the ONNX backend tests are not at $suite (configure with -DQEDGE_SHARED_DIR=PATH)"
  exit 77
fi

out=$(mktemp)
"$qedge" conform --jobs "$(nproc)" --timeout 600 --only "$suite/in_scope.txt" --expect "$expect" \
  "$suite/node" "$suite/simple" "$suite/pytorch-converted" "$suite/pytorch-operator" "$suite/light" >"$out"
status=$?
grep -v '^PASS ' "$out"
echo "in scope: $(wc -l <"$suite/in_scope.txt") cases; expected to pass: $(grep -cv '^#' "$expect")"
tail -n 1 "$out"
rm -f "$out"
exit $status
