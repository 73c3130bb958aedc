"""Multi-layer quantized chains for make_qonnx_models.py: the graphs the integer pipeline lowers end to end.

Every scale, BatchNormalization parameter and bias is a power of two or a dyadic value on the accumulator's grid,
so every sum is exact in float32 (the reference asserts it for MatMul, Gemm, Conv, Add and BatchNormalization):
float fake-quantization, the integer pipeline and the reference agree bit for bit, and no expected value depends on
summation order. BatchNormalization uses epsilon 0 with variances 1/4, 1 and 4 (square roots 1/2, 1, 2).

Groups (README.md has the table):
  chain_conv_b<b>_...      Quant(act, 8u|4u) -> Conv(Quant(W, b bits, per-channel)) + bias -> BatchNormalization ->
                           Relu -> Quant(act, b) -> MaxPool -> Flatten|Reshape -> MatMul(Quant(W, b)) -> Add(bias)
                           -> Quant, for b in 2..8 with signedness, narrow and rounding mode rotating
  chain_bipolar_*          BipolarQuant(act) -> MatMul|Conv(BipolarQuant(W)) -> BatchNormalization -> BipolarQuant
                           (the XNOR-popcount path; the Conv pads with zeros, which are neither -1 nor +1), and
                           1W2A: 2-bit signed narrow activations with bipolar weights
  chain_concat_*, chain_transpose_*
                           Concat and Transpose of quantized tensors with identical quantization between layers
  qdq_*                    ONNX QDQ: QuantizeLinear -> DequantizeLinear -> Conv|MatMul|Gemm(DequantizeLinear(int8 W,
                           per-axis scales)) -> Relu -> QuantizeLinear -> DequantizeLinear, at opset 13 and 21
                           (opset 21 with an INT4 weight, written by hand since onnx 1.12 has no INT4)
"""

import numpy as np

from make_qonnx_models import DOMAINS, MODES, SIGNEDNESS, Case, f32, q_range, sn_name


def grid_input(rng, lo, hi, scale, shape):
    """Float32 X on the half-step grid of an activation quantizer: ties (k + 0.5) and levels over the range and
    2 steps beyond it, so every rounding mode and both clips matter."""
    return f32(rng.randint(2 * (lo - 2), 2 * (hi + 2) + 1, shape) * (scale / 2.0))


def dyadic_weight(rng, shape, bits, signed, narrow, scale):
    """Float weights around the b-bit range in quarter steps: ties, levels and values beyond both ends."""
    lo, hi = q_range(bits, signed, narrow)
    return f32(rng.randint(4 * (lo - 1), 4 * (hi + 1) + 1, shape) * 0.25 * scale)


def out_scale(ref, c, pre, bits, signed, narrow):
    """A power-of-two scale for a quantizer on `pre` that makes its largest values clip."""
    acc = ref.run(c.model(pre, [0]), c.input)
    _, hi = q_range(bits, signed, narrow)
    peak = max(float(np.max(np.abs(acc))), 2.0 ** -10)
    return f32(2.0 ** np.floor(np.log2(peak / (hi + 1))))


def batchnorm(rng, c, x, y, channels, grid):
    """BatchNormalization with epsilon 0: scales +-1/2, +-1, 2; variances 1/4, 1, 4; mean and bias on `grid`
    (a multiple of the input's grid), so (x - mean) / sqrt(var) * scale + bias is exact."""
    scale = f32(rng.choice([0.5, 1.0, 2.0, -0.5, -1.0], channels))
    var = f32(rng.choice([0.25, 1.0, 4.0], channels))
    mean = f32(rng.randint(-40, 40, channels) * grid)
    bias = f32(rng.randint(-40, 40, channels) * grid)
    names = [c.init(y + "_" + k, v) for k, v in (("scale", scale), ("bias", bias), ("mean", mean), ("var", var))]
    return c.node("BatchNormalization", [x] + names, [y], epsilon=0.0)


def conv_chain_case(rng, ref, i, bits):
    signed, narrow = SIGNEDNESS[i % 4]
    mode = MODES[(3 * i + 1) % 8]
    in_bits = 8 if i % 2 == 0 else 4
    domain = DOMAINS[i % 4]
    flatten = bits % 2 == 0
    name = "chain_conv_b%d_%s_%s_in%du_%s" % (bits, sn_name(signed, narrow), mode.lower(), in_bits,
                                             "flatten" if flatten else "reshape")
    c = Case(name, {"kind": "chain Conv-BN-Relu-Quant-MaxPool-MatMul", "bits": bits,
                    "signedness": sn_name(signed, narrow), "mode": mode, "granularity": "per-channel",
                    "domain": domain})
    in_scale = 2.0 ** -4 if in_bits == 8 else 2.0 ** -1
    c.input = grid_input(rng, 0, 2 ** in_bits - 1, in_scale, (4, 3, 6, 6))
    c.quant("x", "xq", in_bits, 0, 0, "ROUND", f32(in_scale), 0.0, domain)
    oc = 4
    w_scale = f32(2.0 ** -(bits - 1) * 0.5 ** (np.arange(oc) % 3)).reshape(oc, 1, 1, 1)
    c.init("w1", dyadic_weight(rng, (oc, 3, 3, 3), bits, signed, narrow, w_scale))
    c.quant("w1", "w1q", bits, signed, narrow, mode, w_scale, 0.0, domain)
    grid = in_scale * float(w_scale.min())
    c.node("Conv", ["xq", "w1q", c.init("b1", f32(rng.randint(-64, 64, oc) * grid))], ["conv"],
           kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    batchnorm(rng, c, "conv", "bn", oc, grid)
    c.node("Relu", ["bn"], ["relu"])
    a1_scale = out_scale(ref, c, "relu", bits, signed, narrow)
    c.quant("relu", "a1", bits, signed, narrow, mode, a1_scale, 0.0, domain)
    c.node("MaxPool", ["a1"], ["pool"], kernel_shape=[2, 2], strides=[2, 2])
    if flatten:
        c.node("Flatten", ["pool"], ["flat"], axis=1)
    else:
        c.node("Reshape", ["pool", c.init("flat_shape", np.asarray([0, -1], np.int64))], ["flat"])
    n_out = 8
    w2_scale = f32(2.0 ** -(bits - 1) * 0.5 ** (np.arange(n_out) % 2)).reshape(1, n_out)
    c.init("w2", dyadic_weight(rng, (oc * 9, n_out), bits, signed, narrow, w2_scale))
    c.quant("w2", "w2q", bits, signed, narrow, mode, w2_scale, 0.0, domain)
    c.node("MatMul", ["flat", "w2q"], ["mm"])
    c.node("Add", ["mm", c.init("b2", f32(rng.randint(-64, 64, n_out) * float(a1_scale) * float(w2_scale.min())))],
           ["fc"])
    c.quant("fc", "y", 8, 1, 0, "ROUND", out_scale(ref, c, "fc", 8, 1, 0), 0.0, domain)
    return c


def bipolar_chain_case(rng, ref, kind, act_bits):
    """Bipolar weights with bipolar (act_bits 1) or 2-bit signed narrow activations (1W2A)."""
    domain = DOMAINS[0] if kind == "matmul" else DOMAINS[2]
    name = "chain_bipolar_%s_%s" % (kind, "w1a1" if act_bits == 1 else "w1a2")
    c = Case(name, {"kind": "chain bipolar %s" % kind, "bits": act_bits, "granularity": "per-tensor",
                    "domain": domain})

    def act(x, y, scale):
        if act_bits == 1:
            return c.node("BipolarQuant", [x, c.init(y + "_scale", f32(scale))], [y], domain)
        return c.quant(x, y, 2, 1, 1, "ROUND", f32(scale), 0.0, domain)

    if kind == "matmul":
        c.input = grid_input(rng, -2, 2, 0.5, (4, 16))
        w_shape, channels = (16, 8), 8
    else:
        c.input = grid_input(rng, -2, 2, 0.5, (1, 4, 5, 5))
        w_shape, channels = (6, 4, 3, 3), 6
    act("x", "xq", 0.5 if act_bits == 2 else 1.0)
    c.init("w", f32(rng.uniform(-1, 1, w_shape)))
    c.node("BipolarQuant", ["w", c.init("wq_scale", f32(1.0))], ["wq"], domain)
    if kind == "matmul":
        c.node("MatMul", ["xq", "wq"], ["acc"])
    else:
        c.node("Conv", ["xq", "wq"], ["acc"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    # BatchNormalization on a half-integer grid, so some values land exactly on 0 (BipolarQuant: x >= 0 is +1).
    batchnorm(rng, c, "acc", "bn", channels, 0.5)
    act("bn", "y", 1.0 if act_bits == 1 else out_scale(ref, c, "bn", 2, 1, 1))
    return c


def concat_chain_case(rng, ref):
    """Two 4-bit conv branches quantized with the same scale, concatenated on channels, then a third layer."""
    domain = DOMAINS[1]
    c = Case("chain_concat_conv_b4", {"kind": "chain Concat", "bits": 4, "signedness": "u", "mode": "ROUND",
                                      "granularity": "per-tensor", "domain": domain})
    in_scale = 2.0 ** -4
    c.input = grid_input(rng, 0, 255, in_scale, (1, 2, 4, 4))
    c.quant("x", "xq", 8, 0, 0, "ROUND", f32(in_scale), 0.0, domain)
    w_scale = 2.0 ** -3
    for br in ("a", "b"):
        c.init("w" + br, dyadic_weight(rng, (3, 2, 3, 3), 4, 1, 0, w_scale))
        c.quant("w" + br, "w%sq" % br, 4, 1, 0, "ROUND", f32(w_scale), 0.0, domain)
        c.node("Conv", ["xq", "w%sq" % br], ["conv" + br], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
        c.node("Relu", ["conv" + br], ["relu" + br])
    shared = max(out_scale(ref, c, "relu" + br, 4, 0, 0) for br in ("a", "b"))
    for br in ("a", "b"):
        c.quant("relu" + br, "q" + br, 4, 0, 0, "ROUND", shared, 0.0, domain)
    c.node("Concat", ["qa", "qb"], ["cat"], axis=1)
    c.init("wc", dyadic_weight(rng, (4, 6, 1, 1), 4, 1, 1, w_scale))
    c.quant("wc", "wcq", 4, 1, 1, "HALF_UP", f32(w_scale), 0.0, domain)
    c.node("Conv", ["cat", "wcq"], ["convc"], kernel_shape=[1, 1])
    c.quant("convc", "y", 8, 1, 0, "ROUND", out_scale(ref, c, "convc", 8, 1, 0), 0.0, domain)
    return c


def transpose_chain_case(rng, ref):
    """NCHW -> NHWC around a channels-last MatMul, each transpose on an 8-bit / 6-bit quantized tensor."""
    domain = DOMAINS[3]
    c = Case("chain_transpose_matmul_b3", {"kind": "chain Transpose", "bits": 3, "signedness": "s",
                                           "mode": "FLOOR", "granularity": "per-channel", "domain": domain})
    in_scale = 2.0 ** -3
    c.input = grid_input(rng, -128, 127, in_scale, (1, 4, 3, 3))
    c.quant("x", "xq", 8, 1, 0, "ROUND", f32(in_scale), 0.0, domain)
    c.node("Transpose", ["xq"], ["nhwc"], perm=[0, 2, 3, 1])
    w_scale = f32([0.25, 0.125, 0.25, 0.5, 0.25])
    c.init("w", dyadic_weight(rng, (4, 5), 3, 1, 0, w_scale))
    c.quant("w", "wq", 3, 1, 0, "FLOOR", w_scale, 0.0, domain)
    c.node("MatMul", ["nhwc", "wq"], ["mm"])
    c.quant("mm", "a", 6, 1, 0, "ROUND", out_scale(ref, c, "mm", 6, 1, 0), 0.0, domain)
    c.node("Transpose", ["a"], ["y_nchw"], perm=[0, 3, 1, 2])
    c.node("Relu", ["y_nchw"], ["y"])
    return c


def qdq_chain_case(rng, ref, kind, opset, act_type, int4=False):
    """QuantizeLinear -> DequantizeLinear -> layer(DequantizeLinear(W)) -> Relu -> QuantizeLinear ->
    DequantizeLinear; per-axis weight scales, float bias on the accumulator grid."""
    unsigned = act_type == np.uint8
    name = "qdq_%s_%s_w%s_opset%d" % (kind, "u8" if unsigned else "s8", "4" if int4 else "8", opset)
    c = Case(name, {"kind": "QDQ %s" % kind, "bits": 4 if int4 else 8, "granularity": "per-axis",
                    "domain": ""}, onnx_opset=opset)
    in_scale, in_zp = 2.0 ** -4, (128 if unsigned else 0)
    info = np.iinfo(act_type)
    shape, w_shape, axis = {
        "conv": ((1, 3, 5, 5), (4, 3, 3, 3), 0),
        "matmul": ((2, 16), (16, 8), 1),
        "gemm": ((2, 16), (8, 16), 0),
    }[kind]
    c.input = grid_input(rng, info.min - in_zp, info.max - in_zp, in_scale, shape)
    c.node("QuantizeLinear", ["x", c.init("x_scale", f32(in_scale)), c.init("x_zp", act_type(in_zp))], ["xq"])
    c.node("DequantizeLinear", ["xq", "x_scale", "x_zp"], ["xd"])
    channels = w_shape[axis]
    w_scale = f32(2.0 ** -(3 if int4 else 7) * 0.5 ** (np.arange(channels) % 3))
    lim = 8 if int4 else 128
    w = rng.randint(-lim, lim, w_shape)
    if int4:
        c.init_int4("w", w)
    else:
        c.init("w", w.astype(np.int8))
    c.node("DequantizeLinear", ["w", c.init("w_scale", w_scale)], ["wd"], axis=axis)
    grid = in_scale * float(w_scale.min())
    bias = c.init("bias", f32(rng.randint(-200, 200, channels) * grid))
    if kind == "conv":
        c.node("Conv", ["xd", "wd", bias], ["acc"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    elif kind == "gemm":
        c.node("Gemm", ["xd", "wd", bias], ["acc"], transB=1)
    else:
        c.node("MatMul", ["xd", "wd"], ["mm"])
        c.node("Add", ["mm", bias], ["acc"])
    c.node("Relu", ["acc"], ["relu"])
    o_zp = 0 if unsigned else -10
    peak = max(float(np.max(ref.run(c.model("relu", [0]), c.input))), 2.0 ** -10)
    o_scale = f32(2.0 ** np.floor(np.log2(peak / (info.max - o_zp + 1))))
    c.node("QuantizeLinear", ["relu", c.init("y_scale", o_scale), c.init("y_zp", act_type(o_zp))], ["yq"])
    c.node("DequantizeLinear", ["yq", "y_scale", "y_zp"], ["y"])
    return c


def chain_cases(rng, ref):
    cases = [conv_chain_case(rng, ref, i, b) for i, b in enumerate(range(2, 9))]
    cases += [bipolar_chain_case(rng, ref, "matmul", 1), bipolar_chain_case(rng, ref, "conv", 1),
              bipolar_chain_case(rng, ref, "matmul", 2)]
    cases += [concat_chain_case(rng, ref), transpose_chain_case(rng, ref)]
    for opset in (13, 21):
        cases += [qdq_chain_case(rng, ref, "conv", opset, np.uint8), qdq_chain_case(rng, ref, "matmul", opset, np.int8),
                  qdq_chain_case(rng, ref, "gemm", opset, np.uint8)]
    cases.append(qdq_chain_case(rng, ref, "conv", 21, np.int8, int4=True))
    cases.append(qdq_chain_case(rng, ref, "matmul", 21, np.uint8, int4=True))
    return cases
