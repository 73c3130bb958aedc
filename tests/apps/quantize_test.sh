#!/usr/bin/env bash
# Checks `qedge quantize` on model_zoo/tiny_cnn: accuracy (output SQNR), per-layer settings, the QONNX structure
# it writes, that qedge runs the result, and clear errors that leave no file behind.
# Usage: quantize_test.sh QEDGE SOURCE_DIR
# The structure checks read the written models with /usr/bin/python3 + onnx (a build dependency).
set -u
qedge=$1
src=$2
py=/usr/bin/python3
model=$src/model_zoo/tiny_cnn/model.onnx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/check.sh"
# The model output SQNR from the last table printed (last field of the "model output" line).
output_sqnr() { awk '/^model output/ {v = $NF} END {print v}' "$tmp/out"; }
# at_least A B: A >= B (decimal numbers)
at_least() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a + 0 >= b + 0)}'; }
# Runs a python snippet on a written model: `structure MODEL 'python code using m (onnx.ModelProto)'`.
structure() {
  "$py" -c "import onnx, sys; from onnx import numpy_helper as nh; m = onnx.load(sys.argv[1]); $2" "$1" \
    || fail "structure of $(basename "$1"): $2"
}

check "quantize --help" 0 "$qedge" quantize --help
grep -q "usage: qedge quantize" "$tmp/out" || fail "--help prints no usage"
grep -q -- "--config FILE" "$tmp/out" || fail "--help does not document --config"
check "unknown option" 2 "$qedge" quantize "$model" -o "$tmp/x.onnx" --random 2 --no-such-option
check "neither --calib nor --random" 2 "$qedge" quantize "$model" -o "$tmp/x.onnx"
check "missing -o" 2 "$qedge" quantize "$model" --random 2
check "bad --method" 2 "$qedge" quantize "$model" -o "$tmp/x.onnx" --random 2 --method median
check "bad --weight-bits" 2 "$qedge" quantize "$model" -o "$tmp/x.onnx" --random 2 --weight-bits 0
check "bad --random" 2 "$qedge" quantize "$model" -o "$tmp/x.onnx" --random many
check "--seed without --random" 2 "$qedge" quantize "$model" -o "$tmp/x.onnx" --calib "$tmp" --seed 3

# w8a8: the 8-bit model must stay close to the float one. Measured: 37.95 dB on tiny_cnn (--random 8, seed 0);
# a scale off by a factor of two costs about 6 dB, so 32 dB is a bound that such a bug fails.
check "w8a8 --random 8" 0 "$qedge" quantize "$model" -o "$tmp/w8a8.onnx" --random 8
w8=$(output_sqnr)
echo "   w8a8 output SQNR: $w8 dB"
at_least "$w8" 32 || fail "w8a8 output SQNR $w8 dB < 32 dB"
grep -q "calibrating: 8/8 samples" "$tmp/err" || fail "no progress lines on stderr"
# On a terminal the bar redraws in place with \r (script(1) provides one; skipped where it is missing).
if command -v script >/dev/null; then
  script -qc "'$qedge' quantize '$model' -o '$tmp/tty.onnx' --random 3 >/dev/null" "$tmp/tty.log" >/dev/null 2>&1
  grep -q $'\rcalibrating \[#* *\] 3/3 samples' "$tmp/tty.log" || fail "no \\r-redrawn progress bar on a terminal"
fi
grep -q "<- lowest" "$tmp/out" || fail "the lowest-SQNR layer is not marked"
grep -Eq "^conv +Conv +int8 +int8 " "$tmp/out" || fail "table has no int8 conv row (random inputs are signed)"
grep -Eq "^fc +Gemm +int8 +uint8 " "$tmp/out" || fail "table has no int8/uint8 fc row (its input follows Relu)"
structure "$tmp/w8a8.onnx" '
onnx.checker.check_model(m, full_check=True)
q = [n for n in m.graph.node if n.op_type == "Quant"]
assert sorted(n.name for n in q) == ["conv_act_quant", "conv_weight_quant", "fc_act_quant", "fc_weight_quant"], q
assert all(n.domain == "qonnx.custom_op.general" for n in q)
assert any(o.domain == "qonnx.custom_op.general" for o in m.opset_import)
attrs = {n.name: {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute} for n in q}
assert attrs["conv_weight_quant"] == {"signed": 1, "narrow": 1, "rounding_mode": b"ROUND"}, attrs
assert attrs["fc_act_quant"]["signed"] == 0 and attrs["conv_act_quant"]["signed"] == 1, attrs
init = {t.name: nh.to_array(t) for t in m.graph.initializer}
assert init["conv_weight_scale"].shape == () and init["fc_weight_bitwidth"] == 8
assert abs(init["conv_weight_scale"] - abs(init["conv_w"]).max() / 127) < 1e-7
conv = [n for n in m.graph.node if n.op_type == "Conv"][0]
assert list(conv.input) == ["conv_act_quantized", "conv_weight_quantized", "conv_b"], conv.input'

check "convert the quantized model" 0 "$qedge" convert "$tmp/w8a8.onnx" -o "$tmp/w8a8.qedge"
check "run it with qedge run" 0 "$qedge" run "$tmp/w8a8.qedge" --input "input=$src/model_zoo/tiny_cnn/input.npy"
grep -q "probabilities: float \[1,10\]" "$tmp/out" || fail "qedge run printed no probabilities"

check "w4a4 --random 8" 0 "$qedge" quantize "$model" -o "$tmp/w4a4.onnx" --random 8 --weight-bits 4 --act-bits 4
w4=$(output_sqnr)
echo "   w4a4 output SQNR: $w4 dB"
at_least "$w4" "$w8" && fail "w4a4 SQNR $w4 dB is not below w8a8's $w8 dB"

check "per-channel w4a4 mse" 0 "$qedge" quantize "$model" -o "$tmp/pc.onnx" --random 8 --weight-bits 4 --act-bits 4 \
  --per-channel --method mse
pc=$(output_sqnr)
echo "   w4a4 per-channel mse output SQNR: $pc dB"
grep -Eq "^conv .* per-channel +mse " "$tmp/out" || fail "table does not show per-channel mse"
structure "$tmp/pc.onnx" '
init = {t.name: nh.to_array(t) for t in m.graph.initializer}
assert init["conv_weight_scale"].shape == (4, 1, 1, 1), init["conv_weight_scale"].shape
assert init["fc_weight_scale"].shape == (10, 1), init["fc_weight_scale"].shape  # Gemm transB=1: W is [N, K]
w = init["fc_w"]
assert (init["fc_weight_scale"][:, 0] <= abs(w).max(axis=1) / 7 + 1e-7).all()'
check "per-channel model runs" 0 "$qedge" convert "$tmp/pc.onnx" -o "$tmp/pc.qedge"

check "percentile, 1-bit weights (BipolarQuant)" 0 "$qedge" quantize "$model" -o "$tmp/bin.onnx" --random 4 \
  --weight-bits 1 --method percentile --percentile 99.9
structure "$tmp/bin.onnx" '
b = [n.name for n in m.graph.node if n.op_type == "BipolarQuant"]
assert b == ["conv_weight_quant", "fc_weight_quant"], b'
check "1-bit model converts" 0 "$qedge" convert "$tmp/bin.onnx" -o "$tmp/bin.qedge"

# --config: layer overrides and last = float.
cat >"$tmp/last_float.json" <<'EOF'
{"weight_bits": 4, "act_bits": 6, "first": 8, "last": "float"}
EOF
check "--config with last=float" 0 "$qedge" quantize "$model" -o "$tmp/cfg.onnx" --random 4 --config "$tmp/last_float.json"
grep -Eq "^fc +Gemm +float +float " "$tmp/out" || fail "table does not show fc as float"
grep -Eq "^conv +Conv +int8 +int8 " "$tmp/out" || fail "first=8 did not give the first layer 8 bits"
structure "$tmp/cfg.onnx" '
q = {n.output[0]: n for n in m.graph.node if n.op_type in ("Quant", "BipolarQuant")}
fc = [n for n in m.graph.node if n.op_type == "Gemm"][0]
assert not any(i in q for i in fc.input), list(fc.input)
assert sorted(n.name for n in q.values()) == ["conv_act_quant", "conv_weight_quant"]'
cat >"$tmp/layers.json" <<'EOF'
{"layers": {"conv": {"weight_bits": 3, "per_channel": true}, "fc": 5}}
EOF
check "--config per-layer entries" 0 "$qedge" quantize "$model" -o "$tmp/layers.onnx" --random 4 --config "$tmp/layers.json"
grep -Eq "^conv +Conv +int3 +int8 +per-channel " "$tmp/out" || fail "conv override not applied"
grep -Eq "^fc +Gemm +int5 +uint5 +per-tensor " "$tmp/out" || fail "fc override not applied"

# --calib: a folder of .npy and .pb samples.
mkdir -p "$tmp/calib" "$tmp/calib_bad"
"$py" - "$tmp" <<'EOF'
import sys, numpy as np
from onnx import numpy_helper
d = sys.argv[1]
rng = np.random.default_rng(1)
for i in range(6):
    np.save("%s/calib/s%d.npy" % (d, i), (rng.random((1, 1, 8, 8)) > 0.7).astype(np.float32))
np.save("%s/calib/s5_float64.npy" % d, rng.random((1, 1, 8, 8)))  # numpy's default dtype: converted
with open("%s/calib/s6.pb" % d, "wb") as f:
    f.write(numpy_helper.from_array(np.ones((1, 1, 8, 8), np.float32), "input").SerializeToString())
np.save("%s/calib_bad/a.npy" % d, np.zeros((1, 1, 8, 8), np.float32))
np.save("%s/calib_bad/b.npy" % d, np.zeros((1, 3, 8, 8), np.float32))
EOF
check "--calib folder" 0 "$qedge" quantize "$model" -o "$tmp/calib.onnx" --calib "$tmp/calib"
grep -q "8 calibration samples" "$tmp/out" || fail "--calib did not use the 8 samples"
grep -Eq "^conv +Conv +int8 +uint8 " "$tmp/out" || fail "non-negative calibration images should give an unsigned conv input"

# A two-input MatMul/Gemm model with a dynamic batch: per-input calibration subfolders ('/' in a name becomes '_'),
# per-channel scales shaped [1, N] for MatMul [K, N] and Gemm without transB, an unnamed layer named by its output,
# a weight computed from an initializer (Transpose, as older PyTorch exports write Linear), and a MatMul of two
# activations (left float, with a note) feeding a second model output.
mkdir -p "$tmp/mi/calib/a" "$tmp/mi/calib/in_b" "$tmp/mi/uneven/a" "$tmp/mi/uneven/in_b"
"$py" - "$tmp/mi" <<'EOF'
import sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
d = sys.argv[1]
rng = np.random.default_rng(3)
w = {n: rng.normal(0, 0.3, s).astype(np.float32) for n, s in (("W1", (16, 32)), ("W2t", (32, 16)), ("W3", (32, 10)))}
nodes = [helper.make_node("MatMul", ["a", "W1"], ["x"]), helper.make_node("Relu", ["x"], ["y"], name="relu"),
         helper.make_node("Transpose", ["W2t"], ["W2"], name="w2_t", perm=[1, 0]),
         helper.make_node("MatMul", ["in/b", "W2"], ["bp"], name="proj_b"),
         helper.make_node("Add", ["y", "bp"], ["z"], name="add"), helper.make_node("Gemm", ["z", "W3"], ["out"], name="head"),
         helper.make_node("Transpose", ["in/b"], ["bt"], name="b_t"), helper.make_node("MatMul", ["a", "bt"], ["gram"], name="gram")]
inputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", 16]) for n in ("a", "in/b")]
outputs = [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["N", 10]),
           helper.make_tensor_value_info("gram", TensorProto.FLOAT, ["N", "N"])]
g = helper.make_graph(nodes, "two_inputs", inputs, outputs, [numpy_helper.from_array(v, n) for n, v in w.items()])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
m.ir_version = 8
onnx.save(m, d + "/model.onnx")
for i in range(5):
    for sub in ("a", "in_b"):
        np.save("%s/calib/%s/%02d.npy" % (d, sub, i), rng.normal(0, 1, (4, 16)).astype(np.float32))
        if i < 3 or sub == "a":
            np.save("%s/uneven/%s/%02d.npy" % (d, sub, i), rng.normal(0, 1, (4, 16)).astype(np.float32))
EOF
check "two inputs, --calib subfolders, per-channel" 0 "$qedge" quantize "$tmp/mi/model.onnx" -o "$tmp/mi/q.onnx" \
  --calib "$tmp/mi/calib" --per-channel
grep -q "5 calibration samples" "$tmp/out" || fail "two-input model did not use 5 samples"
mi=$(awk '/^model output .out./ {print $NF}' "$tmp/out")
echo "   two-input model output SQNR: $mi dB"
at_least "$mi" 30 || fail "two-input w8a8 output SQNR $mi dB < 30 dB"
grep -Eq "^x +MatMul +int8 +int8 +per-channel " "$tmp/out" || fail "unnamed MatMul is not reported as 'x'"
grep -Eq "^proj_b +MatMul +int8 +int8 +per-channel " "$tmp/out" || fail "MatMul with a computed weight not quantized"
grep -q "^model output 'gram'" "$tmp/out" || fail "the second model output has no SQNR line"
grep -q "note: MatMul 'gram' stays float: its weight 'bt' is not a constant" "$tmp/err" \
  || fail "no note for the MatMul of two activations"
structure "$tmp/mi/q.onnx" '
init = {t.name: nh.to_array(t) for t in m.graph.initializer}
assert init["x_weight_scale"].shape == (1, 32) and init["head_weight_scale"].shape == (1, 10)
w2 = init["W2t"].T
assert init["proj_b_weight_scale"].shape == (1, 32) and abs(init["proj_b_weight_scale"] - abs(w2).max(axis=0) / 127).max() < 1e-7
q = {n.name: list(n.input) for n in m.graph.node}
assert q["proj_b_weight_quant"][0] == "W2" and q["proj_b"] == ["proj_b_act_quantized", "proj_b_weight_quantized"]
assert [n.name for n in m.graph.node if n.op_type == "MatMul"] == ["x", "proj_b", "gram"]
assert q["gram"] == ["a", "bt"]'
check "the two-input model converts" 0 "$qedge" convert "$tmp/mi/q.onnx" -o "$tmp/mi/q.qedge"

# Errors: clear message, non-zero exit, no output file.
expect_error() {  # expect_error DESCRIPTION PATTERN ARGS...
  local what=$1 pattern=$2
  shift 2
  rm -f "$tmp/err.onnx"
  check "$what" 1 "$qedge" quantize "$@"
  grep -q -- "$pattern" "$tmp/err" || { fail "$what: stderr does not say '$pattern'"; cat "$tmp/err"; }
  [ ! -e "$tmp/err.onnx" ] || fail "$what: left an output file"
  ls "$tmp" | grep -q '\.tmp\.' && fail "$what: left a temporary file"
}
expect_error "missing model" "missing.onnx" "$tmp/missing.onnx" -o "$tmp/err.onnx" --random 2
expect_error "--calib with a wrong shape" "calib_bad/b.npy has shape .1,3,8,8. but input .input. expects" "$model" -o "$tmp/err.onnx" --calib "$tmp/calib_bad"
expect_error "missing --calib folder" "nowhere" "$model" -o "$tmp/err.onnx" --calib "$tmp/nowhere"
expect_error "--calib subfolders of different lengths" "input 'in/b' has 3 sample files but input 'a' has 5" \
  "$tmp/mi/model.onnx" -o "$tmp/err.onnx" --calib "$tmp/mi/uneven"
expect_error "two-input model without subfolders" "missing: a, in_b" "$tmp/mi/model.onnx" -o "$tmp/err.onnx" --calib "$tmp/calib"
mkdir -p "$tmp/empty"
expect_error "empty --calib folder" "no .npy or .pb" "$model" -o "$tmp/err.onnx" --calib "$tmp/empty"
echo '{"weight_bits": 4, "wieght_bits": 4}' >"$tmp/bad_key.json"
expect_error "config with a bad key" "'wieght_bits' is not a known key" "$model" -o "$tmp/err.onnx" --random 2 --config "$tmp/bad_key.json"
echo '{"layers": {"conv2": 4}}' >"$tmp/bad_layer.json"
expect_error "config naming an unknown layer" "layer 'conv2'" "$model" -o "$tmp/err.onnx" --random 2 --config "$tmp/bad_layer.json"
echo '{"layers": {"fc": {"act_bits": 40}}}' >"$tmp/bad_bits.json"
expect_error "config with bits out of range" "'layers.fc.act_bits' must be an integer" "$model" -o "$tmp/err.onnx" --random 2 --config "$tmp/bad_bits.json"
echo '{"weight_bits": 4,' >"$tmp/bad_json.json"
expect_error "config that is not JSON" "not valid JSON" "$model" -o "$tmp/err.onnx" --random 2 --config "$tmp/bad_json.json"
expect_error "missing config" "cannot open config file" "$model" -o "$tmp/err.onnx" --random 2 --config "$tmp/none.json"

echo "$failures failure(s)"
[ "$failures" = 0 ]
