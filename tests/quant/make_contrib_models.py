#!/usr/bin/env python3
"""Writes ONNX backend-test style cases for the com.microsoft quantized contrib ops and the qonnx
channels-last wrappers: OUT/test_<name>/model.onnx and test_data_set_0/{input,output}_K.pb.

Expected outputs follow ONNX Runtime's reference definitions, in float32 as qedge computes them:
dequantize scale * (x - zero_point), compute in float, requantize rint(v / scale) + zero_point
(half to even) saturated to int8 / uint8. Scales are mostly powers of two so that the float sums
are exact and both sides round the same ties. Channels-last ops transpose around plain numpy
NCHW math. Deterministic (seeded).

usage: make_contrib_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

MS = "com.microsoft"
CL = "qonnx.custom_op.channels_last"
F32 = np.float32
RNG = np.random.default_rng(20261128)

ONNX_TYPE = {np.dtype(np.uint8): TensorProto.UINT8, np.dtype(np.int8): TensorProto.INT8,
             np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.int32): TensorProto.INT32}


# ----- quantization as the kernels define it -----

def deq(x, scale, zp=0):
    return F32(scale) * (x.astype(np.int64) - int(zp)).astype(F32)


def req(v, scale, zp, dtype):
    info = np.iinfo(dtype)
    q = np.rint(v.astype(F32) / F32(scale)).astype(np.float64) + int(zp)
    return np.clip(q, info.min, info.max).astype(dtype)


def qrand(dtype, shape):
    info = np.iinfo(dtype)
    return RNG.integers(info.min, info.max + 1, size=shape, dtype=np.int64).astype(dtype)


# ----- float NCHW reference math -----

def pads_of(pads, s):
    return (pads[:s], pads[s:]) if pads else ([0] * s, [0] * s)


def conv_nchw(x, w, b, strides, pads, group):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    (pt, pl), (pb, pr) = pads_of(pads, 2)
    xp = np.zeros((n, c, h + pt + pb, wd + pl + pr), F32)
    xp[:, :, pt:pt + h, pl:pl + wd] = x
    oh = (h + pt + pb - kh) // strides[0] + 1
    ow = (wd + pl + pr - kw) // strides[1] + 1
    y = np.zeros((n, m, oh, ow), np.float64)
    mg = m // group
    for oc in range(m):
        g = oc // mg
        for i in range(oh):
            for j in range(ow):
                win = xp[:, g * cg:(g + 1) * cg, i * strides[0]:i * strides[0] + kh, j * strides[1]:j * strides[1] + kw]
                y[:, oc, i, j] = (win.astype(np.float64) * w[oc]).sum(axis=(1, 2, 3))
        if b is not None:
            y[:, oc] += b[oc]
    return y.astype(F32)


def pool_nchw(x, k, strides, pads, kind, count_include_pad=0):
    """Max or average pool; averages sum the window in row-major order in float32, like qedge."""
    n, c, h, wd = x.shape
    (pt, pl), (pb, pr) = pads_of(pads, 2)
    oh = (h + pt + pb - k[0]) // strides[0] + 1
    ow = (wd + pl + pr - k[1]) // strides[1] + 1
    y = np.zeros((n, c, oh, ow), F32)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * strides[0] - pt, j * strides[1] - pl
            rows = [r for r in range(r0, r0 + k[0]) if 0 <= r < h]
            cols = [q for q in range(c0, c0 + k[1]) if 0 <= q < wd]
            win = x[:, :, rows][:, :, :, cols]
            if kind == "max":
                y[:, :, i, j] = win.max(axis=(2, 3))
            else:
                acc = np.zeros((n, c), F32)
                for r in range(len(rows)):
                    for q in range(len(cols)):
                        acc = acc + win[:, :, r, q]
                cnt = k[0] * k[1] if count_include_pad else len(rows) * len(cols)
                y[:, :, i, j] = acc / F32(cnt)
    return y


def to_first(a):
    return np.moveaxis(a, -1, 1)


def to_last(a):
    return np.ascontiguousarray(np.moveaxis(a, 1, -1))


def sigmoid32(v):
    v = v.astype(F32)
    pos = F32(1) / (F32(1) + np.exp(-np.abs(v)))
    e = np.exp(-np.abs(v))
    return np.where(v >= 0, pos, e / (F32(1) + e)).astype(F32)


def softmax32(v, axis):
    v = np.moveaxis(v.astype(F32), axis, -1)
    m = v.max(axis=-1, keepdims=True)
    e = np.exp(v - m).astype(F32)
    s = np.zeros(v.shape[:-1] + (1,), F32)
    for k in range(v.shape[-1]):
        s = s + e[..., k:k + 1]
    return np.moveaxis(e / s, -1, axis)


# ----- writing cases -----

def scalar(name, value, dtype):
    return numpy_helper.from_array(np.array(value, dtype=dtype), name)


def write_case(out_dir, name, node, inputs, outputs, initializers):
    """inputs / outputs: list of (name, array); initializers: list of TensorProto."""
    vi = lambda n, a: helper.make_tensor_value_info(n, ONNX_TYPE[a.dtype], list(a.shape))
    graph = helper.make_graph([node], name, [vi(n, a) for n, a in inputs], [vi(n, a) for n, a in outputs],
                              initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(MS, 1),
                                                    helper.make_opsetid(CL, 1)])
    model.ir_version = 8
    case = os.path.join(out_dir, "test_" + name)
    data = os.path.join(case, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    onnx.save(model, os.path.join(case, "model.onnx"))
    for kind, tensors in (("input", inputs), ("output", outputs)):
        for k, (n, a) in enumerate(tensors):
            with open(os.path.join(data, "%s_%d.pb" % (kind, k)), "wb") as f:
                f.write(numpy_helper.from_array(a, n).SerializeToString())


def qparams(prefix, scale, zp, dtype):
    """Initializers for a scale / zero point pair (zp None: omitted)."""
    inits = [scale_init := scalar(prefix + "_scale", scale, F32)]
    names = [scale_init.name]
    if zp is None:
        names.append("")
    else:
        inits.append(scalar(prefix + "_zp", zp, dtype))
        names.append(prefix + "_zp")
    return names, inits


def binary_case(out, name, op, dtype, a_shape, b_shape, a_q, b_q, c_q):
    a, b = qrand(dtype, a_shape), qrand(dtype, b_shape)
    an, ai = qparams("a", *a_q, dtype)
    bn, bi = qparams("b", *b_q, dtype)
    cn, ci = qparams("c", *c_q, dtype)
    fa, fb = deq(a, a_q[0], a_q[1] or 0), deq(b, b_q[0], b_q[1] or 0)
    v = fa + fb if op == "QLinearAdd" else fa * fb
    y = req(v, c_q[0], c_q[1] or 0, dtype)
    node = helper.make_node(op, ["A"] + an + ["B"] + bn + cn, ["C"], domain=MS)
    write_case(out, name, node, [("A", a), ("B", b)], [("C", y)], ai + bi + ci)


def unary_case(out, name, op, dtype, x, x_q, y_q, fn, **attrs):
    xn, xi = qparams("x", *x_q, dtype)
    yn, yi = qparams("y", *y_q, dtype)
    y = req(fn(deq(x, *x_q)), *y_q, dtype)
    node = helper.make_node(op, ["X"] + xn + yn, ["Y"], domain=MS, **attrs)
    write_case(out, name, node, [("X", x)], [("Y", y)], xi + yi)


def qgemm_case(out, name, a_t, b_t, m, k, n, alpha, trans_a, trans_b, b_per_col, c_shape, y_q):
    a = qrand(a_t, (k, m) if trans_a else (m, k))
    b = qrand(b_t, (n, k) if trans_b else (k, n))
    a_scale, a_zp = 0.125, int(qrand(a_t, ()))
    b_scale = (RNG.integers(1, 5, size=n) / 16.0).astype(F32) if b_per_col else np.array(0.0625, F32)
    b_zp = qrand(b_t, (n,) if b_per_col else ())
    inits = [scalar("a_scale", a_scale, F32), scalar("a_zp", a_zp, a_t), numpy_helper.from_array(b_scale, "b_scale"),
             numpy_helper.from_array(b_zp, "b_zp")]
    names = ["A", "a_scale", "a_zp", "B", "b_scale", "b_zp"]
    am = (a.T if trans_a else a).astype(np.int64) - a_zp
    bm = (b.T if trans_b else b).astype(np.int64) - b_zp.astype(np.int64)
    acc = am @ bm
    c = None
    if c_shape is not None:
        c = RNG.integers(-2000, 2000, size=c_shape).astype(np.int32)
        acc = acc + c
        inits.append(numpy_helper.from_array(c, "C"))
        names.append("C")
    scale = (F32(alpha) * F32(a_scale)) * b_scale.astype(F32)
    if y_q is None:
        y = (acc.astype(F32) * scale).astype(F32)
    else:
        names += [] if c_shape is not None else [""]
        scale = scale / F32(y_q[0])
        inits += [scalar("y_scale", y_q[0], F32), scalar("y_zp", y_q[1], a_t)]
        names += ["y_scale", "y_zp"]
        info = np.iinfo(a_t)
        q = np.rint(acc.astype(F32) * scale).astype(np.float64) + y_q[1]
        y = np.clip(q, info.min, info.max).astype(a_t)
    node = helper.make_node("QGemm", names, ["Y"], domain=MS, alpha=alpha, transA=int(trans_a), transB=int(trans_b))
    write_case(out, name, node, [("A", a), ("B", b)], [("Y", y)], inits)


def main():
    out = sys.argv[1]
    u8, i8 = np.uint8, np.int8

    binary_case(out, "qlinear_add_u8_broadcast", "QLinearAdd", u8, (2, 3, 4), (4,), (0.25, 128), (0.5, 100),
                (0.5, 120))
    binary_case(out, "qlinear_add_i8_no_zero_points", "QLinearAdd", i8, (3, 5), (3, 5), (0.125, None),
                (0.25, None), (0.25, None))
    binary_case(out, "qlinear_mul_u8_broadcast", "QLinearMul", u8, (2, 1, 3), (4, 1), (0.0625, 130), (0.125, 120),
                (0.5, 10))
    binary_case(out, "qlinear_mul_i8", "QLinearMul", i8, (4, 4), (1,), (0.5, -3), (0.25, 2), (16.0, 0))

    x = qrand(u8, (2, 3, 4, 4))
    gap = lambda v: v.reshape(v.shape[0], v.shape[1], -1).sum(axis=2, dtype=np.float64).astype(F32)[..., None, None] \
        / F32(v.shape[2] * v.shape[3])
    unary_case(out, "qlinear_global_average_pool_u8", "QLinearGlobalAveragePool", u8, x, (0.5, 128), (0.25, 100), gap)
    x = qrand(i8, (2, 4, 4, 3))
    unary_case(out, "qlinear_global_average_pool_i8_channels_last", "QLinearGlobalAveragePool", i8, x, (0.5, 3),
               (0.125, -5), lambda v: to_last(gap(to_first(v))), channels_last=1)

    unary_case(out, "qlinear_sigmoid_u8", "QLinearSigmoid", u8, qrand(u8, (3, 7)), (0.0625, 128),
               (1.0 / 256, 0), sigmoid32)
    unary_case(out, "qlinear_sigmoid_i8", "QLinearSigmoid", i8, qrand(i8, (20,)), (0.03125, 0), (1.0 / 256, -128),
               sigmoid32)
    unary_case(out, "qlinear_leaky_relu_i8", "QLinearLeakyRelu", i8, qrand(i8, (2, 9)), (0.25, 5), (0.125, -10),
               lambda v: np.where(v >= 0, v, (F32(0.1) * v).astype(F32)), alpha=0.1)
    unary_case(out, "qlinear_leaky_relu_u8", "QLinearLeakyRelu", u8, qrand(u8, (11,)), (0.5, 128), (0.25, 128),
               lambda v: np.where(v >= 0, v, (F32(0.25) * v).astype(F32)), alpha=0.25)

    unary_case(out, "qlinear_average_pool_u8", "QLinearAveragePool", u8, qrand(u8, (1, 2, 5, 5)), (0.5, 128),
               (0.25, 128), lambda v: pool_nchw(v, (3, 3), (2, 2), [1, 1, 1, 1], "avg"), kernel_shape=[3, 3],
               strides=[2, 2], pads=[1, 1, 1, 1])
    unary_case(out, "qlinear_average_pool_i8_channels_last_include_pad", "QLinearAveragePool", i8,
               qrand(i8, (1, 4, 4, 3)), (0.25, 0), (0.125, 1),
               lambda v: to_last(pool_nchw(to_first(v), (2, 2), (1, 1), [1, 1, 0, 0], "avg", 1)),
               kernel_shape=[2, 2], pads=[1, 1, 0, 0], count_include_pad=1, channels_last=1)
    unary_case(out, "qlinear_softmax_u8", "QLinearSoftmax", u8, qrand(u8, (2, 3, 6)), (0.0625, 128),
               (1.0 / 256, 0), lambda v: softmax32(v, -1), axis=-1, opset=13)
    # Softmax-11 semantics: the input is flattened to 2-D at axis and normalized over [axis:].
    unary_case(out, "qlinear_softmax_i8_opset11_axis1", "QLinearSoftmax", i8, qrand(i8, (2, 3, 4)), (0.0625, 0),
               (1.0 / 256, -128), lambda v: softmax32(v.reshape(2, 12), -1).reshape(2, 3, 4), axis=1, opset=11)

    # QLinearConcat: three inputs with their own parameters, requantized to Y's.
    xs = [qrand(u8, (2, s, 3)) for s in (1, 2, 3)]
    xq = [(0.5, 128), (0.25, 100), (1.0, 0)]
    yq = (0.5, 120)
    names, inits = ["y_scale", "y_zp"], [scalar("y_scale", yq[0], F32), scalar("y_zp", yq[1], u8)]
    for i, (s, z) in enumerate(xq):
        names += ["X%d" % i, "x%d_scale" % i, "x%d_zp" % i]
        inits += [scalar("x%d_scale" % i, s, F32), scalar("x%d_zp" % i, z, u8)]
    y = np.concatenate([req(deq(v, *q), *yq, u8) for v, q in zip(xs, xq)], axis=1)
    write_case(out, "qlinear_concat_u8", helper.make_node("QLinearConcat", names, ["Y"], domain=MS, axis=1),
               [("X%d" % i, v) for i, v in enumerate(xs)], [("Y", y)], inits)
    xs = [qrand(i8, (2, 2, s)) for s in (2, 3)]
    y = np.concatenate([req(deq(xs[0], 0.25, -4), 0.5, 3, i8), req(deq(xs[1], 1.0, 0), 0.5, 3, i8)], axis=-1)
    inits = [scalar("y_scale", 0.5, F32), scalar("y_zp", 3, i8), scalar("s0", 0.25, F32), scalar("z0", -4, i8),
             scalar("s1", 1.0, F32), scalar("z1", 0, i8)]
    node = helper.make_node("QLinearConcat", ["y_scale", "y_zp", "X0", "s0", "z0", "X1", "s1", "z1"], ["Y"],
                            domain=MS, axis=-1)
    write_case(out, "qlinear_concat_i8_negative_axis", node, [("X0", xs[0]), ("X1", xs[1])], [("Y", y)], inits)

    qgemm_case(out, "qgemm_u8_float_out_trans_a", u8, u8, 3, 5, 4, 0.5, True, False, False, (4,), None)
    qgemm_case(out, "qgemm_i8_requant_trans_b_per_column", i8, i8, 4, 6, 3, 1.0, False, True, True, (4, 3),
               (32.0, -3))
    qgemm_case(out, "qgemm_u8_s8_requant_no_bias", u8, i8, 2, 7, 5, 2.0, False, False, True, None, (64.0, 130))
    qgemm_case(out, "qgemm_u8_requant_scalar_bias", u8, u8, 3, 4, 2, 1.0, True, True, False, (1,), (2.0, 10))

    # Channels-last wrappers (float).
    x = RNG.standard_normal((1, 5, 5, 3)).astype(F32)
    w = RNG.standard_normal((4, 3, 3, 3)).astype(F32)  # [M, kh, kw, C]
    b = RNG.standard_normal(4).astype(F32)
    y = to_last(conv_nchw(to_first(x), to_first(w), b, (1, 1), [1, 1, 1, 1], 1))
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], domain=CL, kernel_shape=[3, 3], strides=[1, 1],
                            dilations=[1, 1], pads=[1, 1, 1, 1], group=1)
    write_case(out, "channels_last_conv", node, [("x", x)], [("y", y)],
               [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    x = RNG.standard_normal((2, 6, 6, 4)).astype(F32)
    w = RNG.standard_normal((4, 2, 2, 1)).astype(F32)  # depthwise
    y = to_last(conv_nchw(to_first(x), to_first(w), None, (2, 2), [], 4))
    node = helper.make_node("Conv", ["x", "w"], ["y"], domain=CL, kernel_shape=[2, 2], strides=[2, 2],
                            dilations=[1, 1], pads=[0, 0, 0, 0], group=4)
    write_case(out, "channels_last_conv_depthwise_strided", node, [("x", x), ("w", w)], [("y", y)], [])

    x = RNG.standard_normal((1, 6, 6, 2)).astype(F32)
    y = to_last(pool_nchw(to_first(x), (2, 2), (2, 2), [], "max"))
    node = helper.make_node("MaxPool", ["x"], ["y"], domain=CL, kernel_shape=[2, 2], strides=[2, 2])
    write_case(out, "channels_last_max_pool", node, [("x", x)], [("y", y)], [])
    x = RNG.standard_normal((1, 5, 3)).astype(F32)
    y = to_last(np.stack([to_first(x)[:, :, i:i + 3].max(axis=2) for i in range(3)], axis=2))
    node = helper.make_node("MaxPool", ["x"], ["y"], domain=CL, kernel_shape=[3])
    write_case(out, "channels_last_max_pool_1d", node, [("x", x)], [("y", y)], [])

    x = RNG.standard_normal((2, 3, 3, 4)).astype(F32)
    scale, bias, mean = (RNG.standard_normal(4).astype(F32) for _ in range(3))
    var = RNG.uniform(0.5, 2.0, 4).astype(F32)
    eps = 1e-5
    xf = to_first(x).astype(np.float64)
    sh = (1, 4, 1, 1)
    yf = (xf - mean.reshape(sh)) / np.sqrt(var.reshape(sh) + eps) * scale.reshape(sh) + bias.reshape(sh)
    node = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], domain=CL, epsilon=eps)
    write_case(out, "channels_last_batch_normalization", node, [("x", x)], [("y", to_last(yf.astype(F32)))],
               [numpy_helper.from_array(a, n) for a, n in ((scale, "s"), (bias, "b"), (mean, "m"), (var, "v"))])


if __name__ == "__main__":
    main()
