#!/usr/bin/env bash
# Checks the qedge CLI contract: --help everywhere, errors on stderr with a non-zero exit, convert/run/inspect work.
# Usage: cli_test.sh QEDGE SOURCE_DIR
set -u
qedge=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/check.sh"

check "top-level help" 0 "$qedge" --help
check "version" 0 "$qedge" --version
check "no command" 2 "$qedge"
check "unknown command" 2 "$qedge" frobnicate
for cmd in convert run inspect conform quantize; do
  check "$cmd --help" 0 "$qedge" "$cmd" --help
  grep -q "usage: qedge $cmd" "$tmp/out" || { echo "FAIL: $cmd --help prints no usage"; failures=$((failures + 1)); }
  check "$cmd with an unknown option" 2 "$qedge" "$cmd" --no-such-option
done
check "run on a missing file" 1 "$qedge" run "$tmp/missing.qedge"
grep -q "missing.qedge" "$tmp/err" || { echo "FAIL: error does not name the file"; failures=$((failures + 1)); }
printf 'garbage' >"$tmp/bad.qedge"
check "inspect a corrupt file" 1 "$qedge" inspect "$tmp/bad.qedge"
check "convert a missing model" 1 "$qedge" convert "$tmp/none.onnx" -o "$tmp/none.qedge"
[ ! -e "$tmp/none.qedge" ] || { echo "FAIL: failed convert left a file"; failures=$((failures + 1)); }

model=$src/model_zoo/tiny_cnn
check "convert the bundled model" 0 "$qedge" convert "$model/model.onnx" -o "$tmp/m.qedge" --report
check "run it" 0 "$qedge" run "$tmp/m.qedge" --input "input=$model/input.npy" --output-dir "$tmp/out_dir" --profile
[ -s "$tmp/out_dir/probabilities.npy" ] || { echo "FAIL: run wrote no .npy output"; failures=$((failures + 1)); }
check "run with random inputs and 2 threads" 0 "$qedge" run "$tmp/m.qedge" --random-inputs --threads 2
check "run without inputs" 1 "$qedge" run "$tmp/m.qedge"
printf '\x93NUMPY\x01\x00\x3a\x00{"descr": "<f4", "fortran_order": False, "shape": (1,x), }' >"$tmp/bad.npy"
sed -i "s/\"/'/g" "$tmp/bad.npy"
check "run with a malformed .npy shape" 1 "$qedge" run "$tmp/m.qedge" --input "input=$tmp/bad.npy"
grep -q "invalid dimension 'x'" "$tmp/err" || { echo "FAIL: malformed .npy shape not reported"; failures=$((failures + 1)); }
check "inspect --json" 0 "$qedge" inspect "$tmp/m.qedge" --json
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["arena_bytes"] > 0 and d["tensors"]' "$tmp/out" \
  || { echo "FAIL: inspect --json is not valid JSON with tensors"; failures=$((failures + 1)); }

embed=$(dirname "$qedge")/qedge_embed_example
check "C embedding example" 0 "$embed" "$tmp/m.qedge"
grep -q "probabilities: 1 10 = " "$tmp/out" || { echo "FAIL: embedding example printed no output"; failures=$((failures + 1)); }

echo "$failures failure(s)"
[ "$failures" = 0 ]
