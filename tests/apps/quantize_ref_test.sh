#!/usr/bin/env bash
# Checks models written by `qedge quantize` against the numpy QONNX executor SHARED_DIR/tools/qonnx_ref.py: every
# quantizer's output within one quantization step, model outputs within 1e-3 (quantize_ref_check.py).
# Usage: quantize_ref_test.sh QEDGE SOURCE_DIR SHARED_DIR
# Without qonnx_ref.py (or python3 with onnx and numpy) it reports SKIPPED (exit 77), except under CI=true.
set -u
qedge=$1
src=$2
ref=$3/tools/qonnx_ref.py
py=/usr/bin/python3
skip() {
  if [ "${CI:-}" = true ]; then echo "FAIL: $1 (required under CI=true)"; exit 1; fi
  echo "SKIPPED: $1"; exit 77
}
[ -f "$ref" ] || skip "$ref not found (configure with -DQEDGE_SHARED_DIR=PATH)"
"$py" -c 'import onnx, numpy' 2>/dev/null || skip "$py with onnx and numpy is not available"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
model=$src/model_zoo/tiny_cnn
"$py" -c 'import sys, numpy as np; np.save(sys.argv[1], np.random.default_rng(5).uniform(-1, 1, (1, 1, 8, 8)).astype(np.float32))' \
  "$tmp/random.npy"
failures=0
run_case() {  # run_case NAME INPUT QUANTIZE_ARGS...
  local name=$1 input=$2
  shift 2
  echo "== $name"
  if ! "$qedge" quantize "$model/model.onnx" -o "$tmp/$name.onnx" "$@" >"$tmp/log" 2>&1; then
    cat "$tmp/log"; echo "FAIL: $name: quantize failed"; failures=$((failures + 1)); return
  fi
  "$py" "$src/tests/apps/quantize_ref_check.py" "$qedge" "$tmp/$name.onnx" "$input" "$tmp" "$ref" \
    || { echo "FAIL: $name"; failures=$((failures + 1)); }
}
run_case w8a8 "$model/input.npy" --random 8
run_case w8a8_random_input "$tmp/random.npy" --random 8
run_case w4a4_per_channel_mse "$tmp/random.npy" --random 8 --weight-bits 4 --act-bits 4 --per-channel --method mse
run_case w2a3_percentile "$tmp/random.npy" --random 8 --weight-bits 2 --act-bits 3 --method percentile
run_case w1a2 "$tmp/random.npy" --random 8 --weight-bits 1 --act-bits 2
echo "$failures failure(s)"
[ "$failures" = 0 ]
