#!/usr/bin/python3
"""Generates small QONNX test models with reference outputs, in the ONNX backend-test layout.

    make_qonnx_models.py OUT_DIR [QONNX_REF_PY]

Writes OUT_DIR/<case>/model.onnx and OUT_DIR/<case>/test_data_set_0/{input_0,output_0}.pb for every case
below, then prints how many cases cover each axis value (the table in README.md). The output is the same
bytes on every run (seeded, no timestamps). OUT_DIR is wiped first, but only if a previous run made it.

Reference outputs come from the numpy QONNX executor shared/tools/qonnx_ref.py, imported from QONNX_REF_PY
(or $QONNX_REF_PY); it is not copied into this repository. It lacks Conv, Trunc, MaxPool and the ONNX QDQ ops,
which are computed here, from shared/docs/qonnx-semantics.md and the ONNX operator definitions. The multi-layer
chain cases are in qonnx_chain_cases.py.

Needs onnx (1.12 is enough) and numpy. Exit status: 0 done, 2 usage error or qonnx_ref.py missing.
"""

import collections
import importlib.util
import os
import shutil
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

MODES = ["ROUND", "HALF_EVEN", "CEIL", "FLOOR", "UP", "DOWN", "HALF_UP", "HALF_DOWN"]
# (signed, narrow) and the suffix a case name gets for it: s/u, then n when narrow.
SIGNEDNESS = [(1, 0), (1, 1), (0, 0), (0, 1)]
# Every domain QONNX quantization ops are found under in real models (qonnx-semantics.md, section 1).
DOMAINS = ["qonnx.custom_op.general", "onnx.brevitas", "finn.custom_op.general", ""]
ONNX_OPSET = 13
MARKER = ".made_by_make_qonnx_models"
SEED = 20261128
OMIT = object()  # an attribute value that means: leave the attribute out


def sn_name(signed, narrow):
    return ("s" if signed else "u") + ("n" if narrow else "")


def q_range(bits, signed, narrow):
    """Integer range of a Quant node; 1-bit signed is bipolar {-1, +1}."""
    if signed and bits == 1:
        return -1, 1
    if signed:
        return -(2 ** (bits - 1)) + narrow, 2 ** (bits - 1) - 1
    return 0, 2 ** bits - 1 - narrow


def f32(a):
    return np.asarray(a, dtype=np.float32)


def balanced(rng, values, n):
    """n picks from values, each equally often (up to one), in a seeded random order."""
    out = [values[i % len(values)] for i in range(n)]
    rng.shuffle(out)
    return out


# ------------------------------------------------------------------------------------------- case builder

class Case:
    """One model: nodes and initializers, one float32 graph input and output, and the axes it covers."""

    def __init__(self, name, tags, onnx_opset=ONNX_OPSET):
        self.name = name
        self.tags = tags
        self.onnx_opset = onnx_opset
        self.nodes = []
        self.inits = []
        self.opsets = {}  # custom domain -> version
        self.input = None  # the value of graph input "x"

    def init(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def init_int4(self, name, value, signed=True):
        """An INT4/UINT4 initializer, which onnx 1.12 cannot make: two elements per byte, the first in the low
        nibble (data types 22 and 21, raw_data)."""
        v = np.asarray(value, dtype=np.int64).reshape(-1)
        nib = (v & 0xF).astype(np.uint8)
        if len(nib) % 2:
            nib = np.append(nib, np.uint8(0))
        t = TensorProto(name=name, dims=list(np.shape(value)), data_type=22 if signed else 21)
        t.raw_data = (nib[0::2] | (nib[1::2] << 4)).astype(np.uint8).tobytes()
        self.inits.append(t)
        return name

    def node(self, op, inputs, outputs, domain="", **attrs):
        self.nodes.append(helper.make_node(op, inputs, outputs, name="n%d_%s" % (len(self.nodes), op),
                                           domain=domain, **attrs))
        if domain:
            self.opsets.setdefault(domain, 1)
        return outputs[0]

    def quant(self, x, y, bits, signed, narrow, mode, scale, zeropt=0.0, domain=DOMAINS[0],
              bits_dtype=np.float32, op="Quant"):
        """A Quant (or IntQuant) node y = Q(x). bits is a number or the name of a tensor computed in the graph;
        a mode of None leaves rounding_mode out (default ROUND)."""
        attrs = {"signed": int(signed), "narrow": int(narrow)}
        if mode is not None:
            attrs["rounding_mode"] = mode
        bw = bits if isinstance(bits, str) else self.init(y + "_bitwidth", np.asarray(bits, dtype=bits_dtype))
        return self.node(op, [x, self.init(y + "_scale", f32(scale)), self.init(y + "_zeropt", f32(zeropt)), bw],
                         [y], domain, **attrs)

    def model(self, output_name, output_shape):
        """The model with graph output output_name (the reference run needs no real shape)."""
        g = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(self.input.shape))],
            [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, list(output_shape))],
            initializer=self.inits)
        opsets = [helper.make_opsetid("", self.onnx_opset)]
        opsets += [helper.make_opsetid(d, v) for d, v in sorted(self.opsets.items())]
        m = helper.make_model(g, opset_imports=opsets, producer_name="qedge tests/quant/make_qonnx_models.py")
        m.ir_version = 10 if self.onnx_opset >= 21 else 8
        return m


# ------------------------------------------------------------------------------------------- reference

def tensor_array(t):
    """numpy_helper.to_array, plus the INT4/UINT4 tensors of Case.init_int4 (as int8/uint8)."""
    if t.data_type not in (21, 22):
        return numpy_helper.to_array(t)
    b = np.frombuffer(t.raw_data, dtype=np.uint8)
    v = np.stack([b & 0xF, b >> 4], axis=1).reshape(-1)[:int(np.prod(t.dims))].astype(np.int8)
    if t.data_type == 22:
        v = np.where(v >= 8, v - 16, v).astype(np.int8)
    return v.reshape(list(t.dims))


class Reference:
    """Evaluates a model node by node: qonnx_ref.py for what it implements; Conv, Trunc, MaxPool and the ONNX
    QDQ ops here. Every MatMul, Gemm, Conv, Add and BatchNormalization result must be exact in float32."""

    def __init__(self, ref):
        self.ref = ref

    def run(self, model, x):
        env = {t.name: tensor_array(t) for t in model.graph.initializer}
        env[model.graph.input[0].name] = x
        with np.errstate(all="ignore"):
            for n in model.graph.node:
                args = [env[i] if i else None for i in n.input]
                local = {"Conv": self.conv, "Trunc": self.trunc, "MaxPool": self.maxpool,
                         "QuantizeLinear": self.quantize_linear,
                         "DequantizeLinear": self.dequantize_linear}.get(n.op_type)
                outs = local(n, args) if local else self.run_one(model, n, args)
                if n.op_type in ("MatMul", "Gemm"):
                    assert np.array_equal(outs[0], self.gemm64(n, args)), "%s result is not exact" % n.op_type
                if n.op_type in ("Add", "BatchNormalization"):
                    assert np.array_equal(outs[0], self.affine64(n, args)), "%s result is not exact" % n.op_type
                env.update(zip(n.output, outs))
        return env[model.graph.output[0].name]

    def affine64(self, n, args):
        """Add or BatchNormalization (epsilon 0) in float64, to check that the float32 result is exact."""
        x = args[0].astype(np.float64)
        if n.op_type == "Add":
            return check_exact(x + args[1])
        assert self.ref.attrs(n).get("epsilon") == 0.0, "chain BatchNormalization needs epsilon 0"
        s = [1, -1] + [1] * (x.ndim - 2)
        sc, b, m, v = (p.astype(np.float64).reshape(s) for p in args[1:5])
        return check_exact((x - m) / np.sqrt(v) * sc + b)

    def maxpool(self, n, args):
        # Non-overlapping windows without padding (the only form the chain models use).
        a = self.ref.attrs(n)
        kh, kw = a["kernel_shape"]
        assert list(a.get("strides", [1, 1])) == [kh, kw] and not any(a.get("pads", [])), "unsupported MaxPool"
        x = args[0]
        nb, ch, h, w = x.shape
        x = x[:, :, :h // kh * kh, :w // kw * kw].reshape(nb, ch, h // kh, kh, w // kw, kw)
        return [x.max(axis=(3, 5))]

    @staticmethod
    def qdq_params(args, axis, rank):
        """Scale and zero point of QuantizeLinear/DequantizeLinear, shaped to broadcast along axis."""
        shape = [1] * rank
        scale = args[1]
        zp = args[2] if len(args) > 2 and args[2] is not None else np.zeros(scale.shape, np.uint8)
        if scale.ndim == 1:
            shape[axis] = scale.shape[0]
            return scale.reshape(shape), zp.reshape(shape)
        return scale, zp

    def quantize_linear(self, n, args):
        # saturate(round_half_even(x / scale) + zero_point), in the zero point's type.
        x = args[0]
        scale, zp = self.qdq_params(args, self.ref.attrs(n).get("axis", 1) % x.ndim, x.ndim)
        info = np.iinfo(zp.dtype)
        q = np.clip(np.rint(x / scale) + zp.astype(np.float64), info.min, info.max)
        return [q.astype(zp.dtype)]

    def dequantize_linear(self, n, args):
        x = args[0]
        scale, zp = self.qdq_params(args, self.ref.attrs(n).get("axis", 1) % x.ndim, x.ndim)
        return [f32((x.astype(np.int32) - zp.astype(np.int32)) * scale)]

    def run_one(self, model, n, args):
        g = helper.make_graph([n], "one", [], [helper.make_tensor_value_info(o, TensorProto.FLOAT, None)
                                               for o in n.output])
        one = helper.make_model(g, opset_imports=model.opset_import)
        return self.ref.run(one, {i: a for i, a in zip(n.input, args) if i})

    def gemm64(self, n, args):
        """MatMul or Gemm (alpha = beta = 1) in float64, to check that qonnx_ref's float32 result is exact."""
        a, b = args[0].astype(np.float64), args[1].astype(np.float64)
        y = a @ (b.T if self.ref.attrs(n).get("transB") else b)
        if len(args) > 2 and args[2] is not None:
            y += args[2]
        return check_exact(y)

    def conv(self, n, args):
        # Float64 sums; the models keep every product and partial sum exact in float32 (see check_exact).
        a = self.ref.attrs(n)
        x, w = args[0].astype(np.float64), args[1].astype(np.float64)
        p = a.get("pads", [0, 0, 0, 0])
        x = np.pad(x, ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])))
        kh, kw = w.shape[2:]
        oh, ow = x.shape[2] - kh + 1, x.shape[3] - kw + 1
        y = np.zeros((x.shape[0], w.shape[0], oh, ow))
        for i in range(kh):
            for j in range(kw):
                y += np.einsum("nchw,oc->nohw", x[:, :, i:i + oh, j:j + ow], w[:, :, i, j])
        if len(args) > 2 and args[2] is not None:
            y += args[2].reshape(1, -1, 1, 1)
        return [check_exact(y)]

    def trunc(self, n, args):
        # qonnx-semantics.md section 4: snap to the input grid with half-even, then truncate with rounding_mode.
        a = self.ref.attrs(n)
        rnd = self.ref.round_mode(a.get("rounding_mode", "FLOOR"))
        x, scale, zp = args[:3]
        q = np.round(x / scale + zp)
        if len(args) == 5:
            k = np.float32(args[3]) - np.float32(args[4])
            y = (rnd(q / np.float32(2.0) ** k) - zp) * scale
        else:
            out_scale = args[4]
            s = np.float32(2.0) ** np.round(np.log2(out_scale / scale))
            lo, hi = self.ref.int_range(a.get("signed", 1), a.get("narrow", 0), np.float32(args[5]))
            y = (rnd(np.clip(q / s, lo, hi)) - zp / s) * out_scale
        return [f32(y)]


def check_exact(acc64):
    """The accumulator values must be float32-exact, so the result cannot depend on summation order."""
    acc32 = f32(acc64)
    assert np.array_equal(acc32.astype(np.float64), acc64), "accumulation is not exact in float32"
    return acc32


# ------------------------------------------------------------------------------------------- inputs

def probe_levels(lo, hi):
    """Pre-clip values X/scale + zeropt worth testing: ties, range ends and beyond, quarter steps near 0."""
    ties = [lo - 1.5, lo - 0.5, lo + 0.5, lo + 1.5, hi - 1.5, hi - 0.5, hi + 0.5, hi + 1.5,
            -2.5, -1.5, -0.5, 0.5, 1.5, 2.5]
    other = [lo, hi, lo - 1, hi + 1, 0.0, -0.25, 0.25, 0.75, -0.75, 1.25, lo - 100, hi + 100]
    # Just below a tie: in float32, 0.49999997 + 0.5 rounds up to 1, so HALF_UP gives 1 (as qonnx does);
    # 1.4999999 + 0.5 is exact and gives 1.
    below = [float(np.nextafter(np.float32(t), np.float32(0))) for t in (0.5, 1.5)]
    near = below + [-v for v in below]
    return ties + other + near


def act_input(rng, lo, hi, scale, zeropt, shape, nan):
    """Float32 X with the probe levels (X = (v - zeropt) * scale, exact for power-of-two scales), -0.0,
    +-inf, +-3e38 (X/scale may overflow), optionally NaN, the rest uniform over the range and a bit beyond."""
    n = int(np.prod(shape))
    scale = float(np.asarray(scale).reshape(-1)[0])
    zp = float(np.asarray(zeropt).reshape(-1)[0])
    vals = [(v - zp) * scale for v in probe_levels(lo, hi)]
    vals += [-0.0, np.inf, -np.inf, 3e38, -3e38] + ([np.nan] if nan else [])
    rest = n - len(vals)
    vals += list((rng.uniform(lo - 3, hi + 3, rest) - zp) * scale)
    return f32(vals).reshape(shape)


# ------------------------------------------------------------------------------------------- cases

def act_case(rng, name, bits, signed, narrow, mode, scale, zeropt, domain, bits_dtype, granularity,
             nan=False, op="Quant", shape=(4, 16), mode_attr=None, extra=None):
    """A single Quant/IntQuant node on X; mode_attr overrides the rounding_mode attribute (OMIT: none)."""
    tags = {"kind": "activation %s" % op, "bits": bits, "signedness": sn_name(signed, narrow), "mode": mode,
            "granularity": granularity, "zeropt": "non-zero" if np.any(f32(zeropt)) else "zero",
            "domain": domain, "bitwidth type": np.dtype(bits_dtype).name}
    tags.update(extra or {})
    c = Case(name, tags)
    lo, hi = q_range(bits, signed, narrow)
    c.input = act_input(rng, lo, hi, scale, zeropt, shape, nan)
    attr = mode if mode_attr is None else (None if mode_attr is OMIT else mode_attr)
    c.quant("x", "y", bits, signed, narrow, attr, scale, zeropt, domain, bits_dtype, op)
    return c


def act_cases(rng):
    cases = []
    # Every bit width with every rounding mode; signedness/narrow rotate so each pair of (bits, signedness)
    # and (mode, signedness) appears twice. Domains, bit-width type and scale rank are spread evenly.
    grid = [(b, m) for b in range(1, 9) for m in range(len(MODES))]
    doms = balanced(rng, DOMAINS, len(grid))
    bdts = balanced(rng, [np.float32, np.int64], len(grid))
    for i, (b, m) in enumerate(grid):
        signed, narrow = SIGNEDNESS[(b + m) % 4]
        scale = 2.0 ** ((b + m) % 5 - 2)
        scale = f32(scale) if i % 3 else f32([scale])
        name = "quant_act_b%d_%s_%s" % (b, sn_name(signed, narrow), MODES[m].lower())
        cases.append(act_case(rng, name, b, signed, narrow, MODES[m], scale, 0.0, doms[i], bdts[i],
                              "per-tensor", nan=i % 2 == 0))
    # Scales that are not powers of two: X / scale is rounded, and must be a true division.
    for j, s in enumerate([0.3, 0.037, 1.7, 0.1, 0.77, 3.3, 0.0123, 0.45] * 2):
        b = j % 8 + 1
        signed, narrow = SIGNEDNESS[(j + j // 8) % 4]
        mode = MODES[(3 * j + 1) % 8]
        name = "quant_act_b%d_%s_%s_scale%s" % (b, sn_name(signed, narrow), mode.lower(), str(s).replace(".", "p"))
        cases.append(act_case(rng, name, b, signed, narrow, mode, f32(s), 0.0, DOMAINS[j % 4],
                              [np.float32, np.int64][j // 8], "per-tensor", nan=j % 3 == 0))
    # Non-zero zero points, one of them not an integer; the 1-bit signed one is bipolar around -zeropt.
    for j, (b, signed, narrow, mode, zp) in enumerate([
            (8, 0, 0, "ROUND", 128.0), (8, 0, 1, "HALF_UP", 127.0), (4, 0, 0, "FLOOR", 8.0),
            (4, 1, 0, "CEIL", -3.0), (3, 1, 1, "HALF_DOWN", 2.0), (2, 0, 0, "UP", 1.0), (1, 0, 0, "DOWN", 1.0),
            (1, 1, 0, "ROUND", 0.5), (6, 1, 0, "HALF_EVEN", 2.5), (7, 1, 1, "UP", 10.0), (5, 0, 1, "DOWN", -4.0)]):
        name = "quant_act_b%d_%s_%s_zp%s" % (b, sn_name(signed, narrow), mode.lower(),
                                            ("%g" % zp).replace("-", "m").replace(".", "p"))
        cases.append(act_case(rng, name, b, signed, narrow, mode, f32(0.25), f32(zp), DOMAINS[j % 4],
                              [np.int64, np.float32][j % 2], "per-tensor"))
    # Per-channel activation scales [1,C,1,1] (one also with per-channel zero points).
    for j, b in enumerate([2, 3, 4, 5, 6, 7, 8, 1]):
        signed, narrow = SIGNEDNESS[j % 4]
        mode = MODES[(5 * j + 2) % 8]
        scale = f32([0.5, 0.25, 0.125, 1.0]).reshape(1, 4, 1, 1)
        zp = f32([1, 0, -1, 2]).reshape(1, 4, 1, 1) if j == 2 else 0.0
        name = "quant_act_b%d_%s_%s_perchannel%s" % (b, sn_name(signed, narrow), mode.lower(),
                                                   "_zp" if j == 2 else "")
        cases.append(act_case(rng, name, b, signed, narrow, mode, scale, zp, DOMAINS[(j + 1) % 4],
                              [np.float32, np.int64][j % 2], "per-channel [1,C,1,1]", nan=j % 2 == 1,
                              shape=(2, 4, 2, 4)))
    # Attribute forms: rounding_mode left out (default ROUND), lower-case mode names, the IntQuant alias.
    cases.append(act_case(rng, "quant_act_b8_s_no_rounding_mode", 8, 1, 0, "ROUND", f32(0.5), 0.0, DOMAINS[1],
                          np.float32, "per-tensor", mode_attr=OMIT, extra={"attribute form": "no rounding_mode"}))
    cases.append(act_case(rng, "quant_act_b5_u_half_up_lowercase", 5, 0, 0, "HALF_UP", f32(0.5), 0.0,
                          DOMAINS[0], np.int64, "per-tensor", mode_attr="half_up",
                          extra={"attribute form": "lower-case rounding_mode"}))
    cases.append(act_case(rng, "intquant_act_b4_s_half_even", 4, 1, 0, "HALF_EVEN", f32(0.25), 0.0, DOMAINS[0],
                          np.int64, "per-tensor", op="IntQuant", nan=True))
    cases.append(act_case(rng, "intquant_act_b6_un_ceil", 6, 0, 1, "CEIL", f32(0.125), 0.0, DOMAINS[1],
                          np.float32, "per-tensor", op="IntQuant"))
    cases.append(bitwidth_from_ceil_case(rng))
    return cases


def bitwidth_from_ceil_case(rng):
    """The bit width is Ceil(3.2) = 4, computed in the graph (as in a public Brevitas export)."""
    c = Case("quant_act_b4_s_round_bitwidth_from_ceil",
             {"kind": "activation Quant", "bits": 4, "signedness": "s", "mode": "ROUND",
              "granularity": "per-tensor", "zeropt": "zero", "domain": "onnx.brevitas",
              "bitwidth type": "computed (Ceil)"})
    c.input = act_input(rng, -8, 7, 0.5, 0.0, (4, 16), nan=False)
    c.node("Constant", [], ["bw_raw"], value=numpy_helper.from_array(f32(3.2), "bw_raw_value"))
    c.node("Ceil", ["bw_raw"], ["bw"])
    c.quant("x", "y", "bw", 1, 0, "ROUND", f32(0.5), 0.0, "onnx.brevitas")
    return c


# Weight-quantized layers, like Brevitas QuantLinear/QuantConv2d exports: an 8-bit activation Quant on the
# input, the layer with a Quant on its weight, optionally Relu, and an activation Quant on the output.
# All scales are powers of two and small enough that every accumulation is exact in float32.
IN_SCALE = 2.0 ** -4


def layer_weight(rng, shape, bits, signed, narrow, scale):
    lo, hi = q_range(bits, signed, narrow)
    v = rng.uniform(lo - 1.5, hi + 1.5, shape)
    ties = rng.uniform(size=shape) < 0.25
    v[ties] = np.floor(v[ties]) + 0.5  # some weights exactly between two levels
    return f32(v * scale)


def layer_case(rng, ref, kind, per_channel, bits, signed, narrow, mode, domain, bits_dtype, op="Quant",
               weight_quant="Quant"):
    gran = "per-channel" if per_channel else "per-tensor"
    name = "%s_w_%s_%s" % (weight_quant.lower() if weight_quant == "BipolarQuant" else op.lower(), kind,
                           gran.replace("-", ""))
    if weight_quant == "Quant":
        name += "_b%d_%s_%s" % (bits, sn_name(signed, narrow), mode.lower())
    tags = {"kind": "weight %s %s" % (weight_quant if op == "Quant" else op, kind), "granularity": gran,
            "domain": domain}
    if weight_quant == "Quant":
        tags.update({"bits": bits, "signedness": sn_name(signed, narrow), "mode": mode,
                     "zeropt": "zero", "bitwidth type": np.dtype(bits_dtype).name})
    c = Case(name, tags)
    # Weight shape, the per-channel scale's shape, and the input shape.
    oc = 4 if kind == "conv" else 8
    w_shape, s_shape, x_shape = {
        "matmul": ((16, oc), (1, oc) if bits % 2 else (oc,), (2, 16)),
        "gemm": ((oc, 16), (oc, 1), (2, 16)),
        "conv": ((oc, 3, 3, 3), (oc, 1, 1, 1), (1, 3, 5, 5)),
    }[kind]
    w_scale = 2.0 ** -(bits - 1) * (0.5 ** (np.arange(oc) % 3) if per_channel else np.ones(oc))
    w_scale = f32(w_scale.reshape(s_shape) if per_channel else w_scale[0])
    c.input = f32(rng.uniform(-9, 9, x_shape))
    c.quant("x", "xq", 8, 1, 0, "ROUND", f32(IN_SCALE), 0.0, domain, bits_dtype, op)
    w = layer_weight(rng, w_shape, bits, signed, narrow, w_scale if per_channel else float(w_scale))
    c.init("w", w)
    if weight_quant == "BipolarQuant":
        c.node("BipolarQuant", ["w", c.init("wq_scale", w_scale)], ["wq"], domain)
    else:
        c.quant("w", "wq", bits, signed, narrow, mode, w_scale, 0.0, domain, bits_dtype, op)
    bias = f32(rng.randint(-2000, 2000, oc) * 2.0 ** -10)  # for Gemm and Conv
    if kind == "matmul":
        c.node("MatMul", ["xq", "wq"], ["acc"])
    elif kind == "gemm":
        c.node("Gemm", ["xq", "wq", c.init("bias", bias)], ["acc"], transB=1)
    else:
        c.node("Conv", ["xq", "wq", c.init("bias", bias)], ["acc"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    pre = "acc"
    if not signed:
        pre = c.node("Relu", ["acc"], ["act"])
    # The output quantizer's scale: a power of two that makes the largest values clip.
    acc = ref.run(c.model(pre, [0]), c.input)
    lo, hi = q_range(bits, signed, narrow)
    peak = max(float(np.max(np.abs(acc))), 2.0 ** -10)
    c.quant(pre, "y", bits, signed, narrow, "ROUND", f32(2.0 ** np.floor(np.log2(peak / (hi + 1)))), 0.0, domain,
            bits_dtype, op)
    return c


def layer_cases(rng, ref):
    cases = []
    kinds = [("matmul", False), ("gemm", True), ("conv", False), ("matmul", True), ("gemm", False), ("conv", True)]
    combos = [(b, s, n) for b in range(1, 9) for (s, n) in SIGNEDNESS]
    doms = balanced(rng, DOMAINS, len(combos))
    for i, (b, s, n) in enumerate(combos):
        kind, per_channel = kinds[i % len(kinds)]
        cases.append(layer_case(rng, ref, kind, per_channel, b, s, n, MODES[(i + i // 8) % 8], doms[i],
                                [np.float32, np.int64][i % 2]))
    cases.append(layer_case(rng, ref, "matmul", True, 3, 0, 0, "ROUND", DOMAINS[1], np.float32, op="IntQuant"))
    cases.append(layer_case(rng, ref, "matmul", True, 1, 1, 0, "ROUND", DOMAINS[2], np.float32,
                            weight_quant="BipolarQuant"))
    cases.append(layer_case(rng, ref, "conv", False, 1, 1, 0, "ROUND", DOMAINS[3], np.int64,
                            weight_quant="BipolarQuant"))
    return cases


def bipolar_act_cases(rng):
    cases = []
    for name, scale, domain, shape in [
            ("bipolarquant_act_pertensor", f32(0.5), DOMAINS[0], (4, 16)),
            ("bipolarquant_act_perchannel", f32([1.0, 0.5, 0.25, 2.0]).reshape(1, 4, 1, 1), DOMAINS[3],
             (2, 4, 2, 4))]:
        c = Case(name, {"kind": "activation BipolarQuant", "domain": domain,
                        "granularity": "per-tensor" if scale.ndim == 0 else "per-channel [1,C,1,1]"})
        c.input = act_input(rng, -1, 1, 1.0, 0.0, shape, nan=True)
        c.node("BipolarQuant", ["x", c.init("y_scale", scale)], ["y"], domain)
        cases.append(c)
    return cases


def trunc_cases(rng):
    """Trunc v1 (5 inputs, domain version 1) and v2 (6 inputs, qonnx.custom_op.general version 2), on an
    8-bit grid plus off-grid values and ties of the truncation."""
    cases = []
    for name, version, mode, extra in [
            ("trunc_v1_floor", 1, "FLOOR", {}), ("trunc_v1_round", 1, "ROUND", {}),
            ("trunc_v2_floor_signed", 2, "FLOOR", {"signed": 1, "narrow": 0}),
            ("trunc_v2_half_up_unsigned_narrow", 2, "HALF_UP", {"signed": 0, "narrow": 1})]:
        domain = DOMAINS[1] if name == "trunc_v1_round" else DOMAINS[0]
        c = Case(name, {"kind": "Trunc v%d" % version, "mode": mode, "domain": domain})
        scale = 2.0 ** -3
        # Levels q = 8 (mod 16) are ties of q / 2^4; steps of 1.5 are off the input grid half the time.
        levels = np.concatenate([np.arange(-128, 128, 16) + 8, np.arange(-12, 12, 1.5), [-128, 127, 0]])
        off = rng.uniform(-130, 130, 64 - len(levels))
        c.input = f32(np.concatenate([levels, off]) * scale).reshape(4, 16)
        ins = ["x", c.init("scale", f32(scale)), c.init("zeropt", f32(0.0)), c.init("in_bits", f32(8.0))]
        if version == 2:
            ins += [c.init("out_scale", f32(scale * 16)), c.init("out_bits", f32(4.0))]
        else:
            ins += [c.init("out_bits", np.int64(4))]
        c.node("Trunc", ins, ["y"], domain, rounding_mode=mode, **extra)
        c.opsets[domain] = version
        cases.append(c)
    return cases


def multithreshold_cases(rng):
    cases = []
    for name, layout, shape, global_thr, steps, out, domain in [
            ("multithreshold_nchw_perchannel", "NCHW", (2, 3, 2, 4), False, 7, (1.0, 0.0, "UINT3"), DOMAINS[2]),
            ("multithreshold_nchw_global", "NCHW", (2, 3, 2, 4), True, 3, (0.5, -1.0, "INT2"), DOMAINS[0]),
            ("multithreshold_nhwc_perchannel", "NHWC", (2, 2, 4, 3), False, 3, (1.0, -2.0, "INT2"), DOMAINS[0]),
            ("multithreshold_nhwc_global", "NHWC", (2, 2, 4, 3), True, 15, (1.0, 0.0, "UINT4"), DOMAINS[2]),
            ("multithreshold_nc_bipolar", "NC", (4, 12), False, 1, (2.0, -1.0, "BIPOLAR"), DOMAINS[1])]:
        c = Case(name, {"kind": "MultiThreshold", "layout": layout, "domain": domain,
                        "granularity": "global thresholds" if global_thr else "per-channel thresholds"})
        chans = shape[-1] if layout.endswith("C") else shape[1]
        thr = np.sort(np.round(rng.uniform(-3, 3, (1 if global_thr else chans, steps)), 1), axis=1)
        if name == "multithreshold_nchw_perchannel":
            thr = thr[:, ::-1].copy()  # only the count matters, order need not be ascending
        x = np.round(rng.uniform(-3.5, 3.5, shape), 1)
        x.reshape(-1)[:4] = [np.nan, -np.inf, np.inf, -0.0]
        # The last values of each channel lie exactly on that channel's thresholds (>= counts them).
        by_channel = np.moveaxis(x, -1 if layout.endswith("C") else 1, 0)  # a view into x
        for ch in range(chans):
            by_channel[ch].flat[-2:] = thr[0 if global_thr else ch, :2]
        c.input = f32(x)
        c.node("MultiThreshold", ["x", c.init("thresholds", f32(thr))], ["y"], domain, out_dtype=out[2],
               out_scale=out[0], out_bias=out[1], data_layout=layout)
        cases.append(c)
    return cases


# ------------------------------------------------------------------------------------------- output

def save_tensor(arr, name, path):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(arr, name).SerializeToString())


def write_case(out_dir, c, ref):
    y = ref.run(c.model("y", [0]), c.input)
    model = c.model("y", y.shape)
    d = os.path.join(out_dir, c.name)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    save_tensor(c.input, "x", os.path.join(d, "test_data_set_0", "input_0.pb"))
    save_tensor(y, "y", os.path.join(d, "test_data_set_0", "output_0.pb"))


def summary(cases):
    """Cases per value of each axis (a case counts under the quantizer it is about)."""
    axes = collections.OrderedDict()
    for c in cases:
        for axis, value in c.tags.items():
            axes.setdefault(axis, collections.Counter())[str(value) if value != "" else '"" (default)'] += 1
    lines = ["%d cases" % len(cases)]
    for axis, counts in axes.items():
        lines.append("%s: %s" % (axis, ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    return "\n".join(lines)


def load_reference(path):
    if not path or not os.path.isfile(path):
        sys.stderr.write("make_qonnx_models.py: the QONNX reference executor qonnx_ref.py was not found at %r; "
                         "pass its path (shared/tools/qonnx_ref.py) as the second argument or in $QONNX_REF_PY\n"
                         % path)
        sys.exit(2)
    spec = importlib.util.spec_from_file_location("qonnx_ref", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return Reference(mod)


def prepare_out_dir(out_dir):
    if os.path.isdir(out_dir) and os.listdir(out_dir):
        if not os.path.exists(os.path.join(out_dir, MARKER)):
            sys.stderr.write("make_qonnx_models.py: %s is not empty and was not made by this script; "
                             "refusing to overwrite it\n" % out_dir)
            sys.exit(2)
        shutil.rmtree(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    open(os.path.join(out_dir, MARKER), "w").close()


def main(argv):
    if len(argv) not in (2, 3) or argv[1].startswith("-"):
        sys.stderr.write(__doc__)
        return 2
    import qonnx_chain_cases  # here, not at the top: it imports this module's helpers
    ref = load_reference(argv[2] if len(argv) == 3 else os.environ.get("QONNX_REF_PY"))
    out_dir = argv[1]
    rng = np.random.RandomState(SEED)
    cases = act_cases(rng) + layer_cases(rng, ref) + bipolar_act_cases(rng) + trunc_cases(rng) + \
        multithreshold_cases(rng) + qonnx_chain_cases.chain_cases(rng, ref)
    names = [c.name for c in cases]
    assert len(set(names)) == len(names), "duplicate case names"
    prepare_out_dir(out_dir)
    for c in cases:
        write_case(out_dir, c, ref)
    print(summary(cases))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
