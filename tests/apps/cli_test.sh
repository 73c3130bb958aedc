#!/usr/bin/env bash
# Checks the qedge CLI contract: --help everywhere, errors on stderr with a non-zero exit, convert/run/inspect work.
# Usage: cli_test.sh QEDGE SOURCE_DIR
set -u
qedge=$1
src=$2
here=$(cd "$(dirname "$0")" && pwd)
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
check "run 3 times, profiling the last" 0 "$qedge" run "$tmp/m.qedge" --random-inputs --runs 3 --profile
check "run with --runs 0" 2 "$qedge" run "$tmp/m.qedge" --random-inputs --runs 0
check "run without inputs" 1 "$qedge" run "$tmp/m.qedge"
printf '\x93NUMPY\x01\x00\x3a\x00{"descr": "<f4", "fortran_order": False, "shape": (1,x), }' >"$tmp/bad.npy"
sed -i "s/\"/'/g" "$tmp/bad.npy"
check "run with a malformed .npy shape" 1 "$qedge" run "$tmp/m.qedge" --input "input=$tmp/bad.npy"
grep -q "invalid dimension 'x'" "$tmp/err" || { echo "FAIL: malformed .npy shape not reported"; failures=$((failures + 1)); }
check "inspect --json" 0 "$qedge" inspect "$tmp/m.qedge" --json
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["arena_bytes"] > 0 and d["tensors"]' "$tmp/out" \
  || { echo "FAIL: inspect --json is not valid JSON with tensors"; failures=$((failures + 1)); }
/usr/bin/python3 "$here/check_inspect_bytes.py" "$tmp/out" "$tmp/m.qedge" || failures=$((failures + 1))
check "inspect prints the byte totals" 0 "$qedge" inspect "$tmp/m.qedge"
grep -q "^file [0-9]* bytes = flatbuffer [0-9]* + alignment padding [0-9]* + weight payload [0-9]*" "$tmp/out" \
  || { echo "FAIL: inspect prints no byte totals"; failures=$((failures + 1)); }
if /usr/bin/python3 -c 'import onnx' 2>/dev/null; then
  /usr/bin/python3 "$here/make_int8_model.py" "$tmp/int8.onnx"
  check "convert a model with int8 constants" 0 "$qedge" convert "$tmp/int8.onnx" -o "$tmp/int8.qedge"
  check "inspect it" 0 "$qedge" inspect "$tmp/int8.qedge" --json
  /usr/bin/python3 "$here/check_inspect_bytes.py" "$tmp/out" "$tmp/int8.qedge" || failures=$((failures + 1))
  grep -q '"weight_bytes_by_bits": {"8": 130, "32": 36}' "$tmp/out" \
    || { echo "FAIL: int8 model weight bytes by bit width"; grep weight_bytes "$tmp/out"; failures=$((failures + 1)); }
  # conform --argmax --json on a case whose reference is qedge's own output, then on one whose argmax moved.
  /usr/bin/python3 "$here/make_conform_case.py" "$model/model.onnx" "$model/input.npy" "$tmp/out_dir/probabilities.npy" \
    "$tmp/cases/same"
  /usr/bin/python3 "$here/make_conform_case.py" "$model/model.onnx" "$model/input.npy" "$tmp/out_dir/probabilities.npy" \
    "$tmp/cases/moved" --move-argmax
  check "conform --argmax --json" 1 "$qedge" conform --argmax --json "$tmp/cases"
  /usr/bin/python3 - "$tmp/out" <<'PY' || { echo "FAIL: conform --argmax --json"; cat "$tmp/out"; failures=$((failures + 1)); }
import json, sys
d = json.load(open(sys.argv[1]))
moved, same = d["cases"]
assert same["status"] == "PASS" and same["differing_elements"] == 0 and same["argmax_rows"] == 1, same
assert same["reason"] == "(argmax matches in 1 of 1 rows)", same
assert moved["status"] == "FAIL" and moved["argmax_mismatched_rows"] == 1, moved
assert (d["passed"], d["failed"], d["passed_with_step_differences"]) == (1, 1, 0), d
PY
else
  echo "skipped: the int8 byte accounting and conform checks need /usr/bin/python3 with onnx"
fi

embed=$(dirname "$qedge")/qedge_embed_example
check "C embedding example" 0 "$embed" "$tmp/m.qedge"
grep -q "probabilities: 1 10 = " "$tmp/out" || { echo "FAIL: embedding example printed no output"; failures=$((failures + 1)); }

echo "$failures failure(s)"
[ "$failures" = 0 ]
