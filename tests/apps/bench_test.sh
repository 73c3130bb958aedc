#!/usr/bin/env bash
# Checks `qedge bench` and `qedge eval` on model_zoo/tiny_cnn: its float, w8a8 and w4a4 forms through the test
# manifest tests/apps/bench_zoo.json (copied next to the generated models and eval set), the JSON/CSV/SVG outputs
# (tests/apps/bench_check.py), eval against bench, and clear errors for bad inputs.
# Usage: bench_test.sh QEDGE SOURCE_DIR
set -u
qedge=$1
src=$2
py=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$here/check.sh"
zoo=$tmp/zoo/zoo.json

mkdir -p "$tmp/zoo"
cp "$here/bench_zoo.json" "$zoo"
cp "$src/model_zoo/tiny_cnn/model.onnx" "$tmp/zoo/tiny_cnn.onnx"
"$py" "$here/bench_make_eval.py" "$tmp/zoo/tiny_cnn.onnx" "$tmp/zoo/data/tiny_eval" "$tmp/calib" \
  || fail "making the eval set"
check "quantize w8a8" 0 "$qedge" quantize "$tmp/zoo/tiny_cnn.onnx" -o "$tmp/zoo/tiny_cnn_w8a8.onnx" --calib "$tmp/calib"
check "quantize w4a4" 0 "$qedge" quantize "$tmp/zoo/tiny_cnn.onnx" -o "$tmp/zoo/tiny_cnn_w4a4.onnx" --calib "$tmp/calib" \
  --weight-bits 4 --act-bits 4
check "convert" 0 "$qedge" convert "$tmp/zoo/tiny_cnn.onnx" -o "$tmp/tiny_cnn.qedge"

check "bench --help" 0 "$qedge" bench --help
grep -q "usage: qedge bench" "$tmp/out" || fail "bench --help prints no usage"
check "eval --help" 0 "$qedge" eval --help
grep -q "usage: qedge eval" "$tmp/out" || fail "eval --help prints no usage"

# The whole test zoo on two backends: every output format.
check "bench --zoo" 0 "$qedge" bench --zoo "$zoo" --backends cpu,null --runs 5 --json "$tmp/zoo.json.out" \
  --csv "$tmp/zoo.csv" --plot "$tmp/plots"
cat "$tmp/out"
grep -q "skipping not_built: .*not_built.onnx is missing (build it with: true)" "$tmp/err" \
  || fail "the missing zoo file is not reported"
grep -q "bench: 8/8 measurements" "$tmp/err" || fail "no progress on stderr"
grep -q "^tiny_cnn_w4a4 .* cpu .* w4a4 " "$tmp/out" || fail "the table has no tiny_cnn_w4a4 row"
grep -q "^top ops by time" "$tmp/out" || fail "the table has no top ops"
"$py" "$here/bench_check.py" zoo "$tmp/zoo.json.out" "$tmp/zoo.csv" "$tmp/plots" "$tmp/zoo" || fail "zoo bench output"

# --only one quantized entry: its float model is not benchmarked, so bench runs it for float_agreement itself.
check "bench --only tiny_cnn_w4a4" 0 "$qedge" bench --zoo "$zoo" --only tiny_cnn_w4a4 --runs 2 --json "$tmp/only.json"
"$py" -c "
import json, sys
only = json.load(open(sys.argv[1]))
full = [r for r in json.load(open(sys.argv[2])) if r['model'] == 'tiny_cnn_w4a4' and r['backend'] == 'cpu'][0]
assert [r['model'] for r in only] == ['tiny_cnn_w4a4'], only
assert only[0]['float_agreement'] == full['float_agreement'] is not None, (only[0], full)
" "$tmp/only.json" "$tmp/zoo.json.out" || fail "float_agreement without the float model in the run"

# MODEL files (.onnx converted on the fly, and .qedge) with a zoo entry's eval set; the peer never makes it fail.
check "bench MODEL..." 0 "$qedge" bench "$tmp/zoo/tiny_cnn.onnx" "$tmp/tiny_cnn.qedge" --zoo "$zoo" \
  --zoo-entry tiny_cnn_float --runs 5 --json "$tmp/models.json" --peer ort
cat "$tmp/out" "$tmp/err"
"$py" "$here/bench_check.py" models "$tmp/models.json" "$tmp/zoo/tiny_cnn.onnx" "$tmp/tiny_cnn.qedge" \
  || fail "MODEL bench output"

# Without onnxruntime-node (the script alone, where no node_modules can be found) the peer is skipped, not failed.
mkdir -p "$tmp/peer"
cp "$src/apps/peer/ort_bench.mjs" "$tmp/peer/"
if command -v node >/dev/null; then
  QEDGE_PEER_SCRIPT=$tmp/peer/ort_bench.mjs check "bench --peer ort without onnxruntime-node" 0 \
    "$qedge" bench "$tmp/zoo/tiny_cnn.onnx" --runs 2 --peer ort
  grep -q "peer ort skipped: onnxruntime-node is not installed" "$tmp/err" || fail "no skip message: $(cat "$tmp/err")"
  grep -q "^tiny_cnn.onnx .* - *-$" "$tmp/out" || fail "a skipped peer still shows a ratio: $(cat "$tmp/out")"
fi

# eval prints the accuracy bench measured, and fails (exit 1) below the recorded accuracy.
check "eval" 0 "$qedge" eval "$tmp/tiny_cnn.qedge" --zoo "$zoo" --zoo-entry tiny_cnn_float
grep -qx "accuracy 0.7500 (36/48) on data/tiny_eval" "$tmp/out" || fail "eval printed: $(cat "$tmp/out")"
check "eval --json" 0 "$qedge" eval "$tmp/zoo/tiny_cnn_w4a4.onnx" --zoo "$zoo" --zoo-entry tiny_cnn_w4a4 --json
"$py" -c "
import json, sys
e = json.load(open(sys.argv[1]))
b = [r for r in json.load(open(sys.argv[2])) if r['model'] == 'tiny_cnn_w4a4' and r['backend'] == 'cpu'][0]
assert e['entry'] == 'tiny_cnn_w4a4' and e['samples'] == 48 and e['recorded_accuracy'] == 0.5833, e
assert e['accuracy'] == b['accuracy'] and e['correct'] == b['correct'], (e, b)
print('   w4a4 accuracy', e['accuracy'], 'float agreement', b['float_agreement'])
" "$tmp/out" "$tmp/zoo.json.out" || fail "eval --json does not match bench"
"$py" -c "
import json, sys
z = json.load(open(sys.argv[1]))
z['models'][0]['eval']['accuracy'] = 0.9
json.dump(z, open(sys.argv[1], 'w'))" "$zoo"
check "eval below the recorded accuracy" 1 "$qedge" eval "$tmp/tiny_cnn.qedge" --zoo "$zoo" --zoo-entry tiny_cnn_float
grep -q "below the recorded 0.9" "$tmp/err" || fail "eval failure does not say why: $(cat "$tmp/err")"

# Bad inputs: a clear message on stderr, exit 2 for usage errors and 1 for models that cannot run.
expect_error() {  # expect_error DESCRIPTION EXIT MESSAGE COMMAND...
  local what=$1 want=$2 message=$3
  shift 3
  check "$what" "$want" "$@"
  grep -qF -- "$message" "$tmp/err" || fail "$what: stderr lacks '$message': $(cat "$tmp/err")"
}
echo "not a model" > "$tmp/bad.qedge"
echo "not a model" > "$tmp/model.txt"
echo "{" > "$tmp/broken.json"
expect_error "bench without models" 2 "give MODEL files or --zoo FILE" "$qedge" bench
expect_error "bench --threads 0" 2 "--threads must be a positive number" "$qedge" bench "$tmp/tiny_cnn.qedge" --threads 0
expect_error "bench --runs x" 2 "--runs must be a positive number" "$qedge" bench "$tmp/tiny_cnn.qedge" --runs x
expect_error "bench unknown backend" 2 "unknown backend 'gpu' (this build has: cpu, null)" \
  "$qedge" bench "$tmp/tiny_cnn.qedge" --backends cpu,gpu
expect_error "bench missing model" 2 "cannot read model file $tmp/none.onnx" "$qedge" bench "$tmp/none.onnx"
expect_error "bench corrupt .qedge" 1 "bad.qedge on cpu: " "$qedge" bench "$tmp/bad.qedge" "$tmp/tiny_cnn.qedge" --runs 2
grep -q "^tiny_cnn.qedge " "$tmp/out" || fail "a corrupt model stops the others from being measured"
expect_error "bench .txt model" 1 "model.txt: a model must be an .onnx or .qedge file" "$qedge" bench "$tmp/model.txt"
expect_error "bench broken manifest" 2 "broken.json is not valid JSON" "$qedge" bench --zoo "$tmp/broken.json"
expect_error "bench --only unknown" 2 "--only: no entry 'nope'" "$qedge" bench --zoo "$zoo" --only nope
expect_error "bench --peer other" 2 "--peer supports only 'ort'" "$qedge" bench "$tmp/tiny_cnn.qedge" --peer tvm
"$py" -c "
import json, sys
z = json.load(open(sys.argv[1]))
z['models'][1]['float_reference'] = 'no_such_model'
json.dump(z, open(sys.argv[1] + '.bad', 'w'))" "$zoo"
expect_error "manifest with a dangling float_reference" 2 "names float_reference 'no_such_model'" \
  "$qedge" bench --zoo "$zoo.bad"
expect_error "eval without --zoo-entry" 2 "missing --zoo-entry NAME" "$qedge" eval "$tmp/tiny_cnn.qedge" --zoo "$zoo"
expect_error "eval unknown entry" 2 "no entry 'nope' in" "$qedge" eval "$tmp/tiny_cnn.qedge" --zoo "$zoo" --zoo-entry nope
expect_error "eval latency entry" 2 "entry 'tiny_cnn_latency' has no eval set" \
  "$qedge" eval "$tmp/tiny_cnn.qedge" --zoo "$zoo" --zoo-entry tiny_cnn_latency
expect_error "eval corrupt model" 1 "bad.qedge" "$qedge" eval "$tmp/bad.qedge" --zoo "$zoo" --zoo-entry tiny_cnn_float
rm "$tmp/zoo/data/tiny_eval/labels.npy"
expect_error "eval without labels" 1 "labels.npy" "$qedge" eval "$tmp/tiny_cnn.qedge" --zoo "$zoo" --zoo-entry tiny_cnn_float

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all bench checks passed"
