#!/usr/bin/python3
"""Compactness of quantized models: the same network as float ONNX, QONNX w8a8 and QONNX w4a4, converted by qedge.

    /usr/bin/python3 tests/quant/check_compactness.py QEDGE OUT_DIR

The network is a small CNN + MLP head (conv 3->32->64 3x3, fc 4096->256->10; ~1.1 M weights). Checks what the issue
asks of `qedge convert`: the w4 .qedge file is at most 0.55x the w8 one and at most 0.15x the float ONNX file, and
`qedge inspect --json` shows every weight payload at exactly ceil(elements * bits / 8) bytes. Exit 1 on a miss.
"""

import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

QONNX = "qonnx.custom_op.general"


def build(path, w_bits, a_bits):
    rng = np.random.default_rng(0)
    inits, nodes = [], []

    def const(name, value):
        inits.append(numpy_helper.from_array(np.asarray(value, np.float32), name))
        return name

    def quant(x, bits, signed, name, scale):
        if bits is None:
            return x
        const(name + "_s", scale)
        const(name + "_z", 0.0)
        const(name + "_b", float(bits))
        nodes.append(helper.make_node("Quant", [x, name + "_s", name + "_z", name + "_b"], [name], domain=QONNX,
                                      signed=int(signed), narrow=int(signed), rounding_mode="ROUND"))
        return name

    def weight(name, shape, axis_shape):
        w = const(name, rng.normal(0, 0.1, shape))
        scale = np.full(axis_shape, 0.3 / (2 ** (w_bits - 1) - 1) if w_bits else 1.0, np.float32)
        return quant(w, w_bits, True, name + "_q", scale)

    x = quant("x", a_bits, True, "xq", 0.05)
    h = x
    for i, (cin, cout) in enumerate([(3, 32), (32, 64)]):
        w = weight(f"conv{i}_w", (cout, cin, 3, 3), (cout, 1, 1, 1))
        nodes.append(helper.make_node("Conv", [h, w, const(f"conv{i}_b", np.zeros(cout))], [f"conv{i}"],
                                      pads=[1, 1, 1, 1], strides=[2, 2]))
        nodes.append(helper.make_node("Relu", [f"conv{i}"], [f"relu{i}"]))
        h = quant(f"relu{i}", a_bits, False, f"act{i}", 0.1)
    nodes.append(helper.make_node("Flatten", [h], ["flat"]))
    h = "flat"
    for i, (k, n) in enumerate([(64 * 8 * 8, 256), (256, 10)]):
        w = weight(f"fc{i}_w", (k, n), (1, n))
        nodes.append(helper.make_node("MatMul", [h, w], [f"fc{i}"]))
        h = f"fc{i}"
        if i == 0:
            nodes.append(helper.make_node("Relu", [h], ["fc_relu"]))
            h = quant("fc_relu", a_bits, False, "fc_act", 0.1)
    graph = helper.make_graph(nodes, "compactness", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
                              [helper.make_tensor_value_info(h, TensorProto.FLOAT, [1, 10])], inits)
    opsets = [helper.make_opsetid("", 13)] + ([helper.make_opsetid(QONNX, 1)] if w_bits else [])
    onnx.save(helper.make_model(graph, opset_imports=opsets), path)


def main():
    qedge, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    sizes, failures = {}, []
    for tag, w_bits, a_bits in [("float", None, None), ("w8a8", 8, 8), ("w4a4", 4, 4)]:
        src, dst = os.path.join(out, tag + ".onnx"), os.path.join(out, tag + ".qedge")
        build(src, w_bits, a_bits)
        subprocess.run([qedge, "convert", src, "-o", dst], check=True, stdout=subprocess.DEVNULL)
        info = json.loads(subprocess.run([qedge, "inspect", dst, "--json"], check=True, capture_output=True).stdout)
        weights = [t for t in info["tensors"] if t["name"].endswith("_w_q.levels")]
        if w_bits is not None and len(weights) != 4:
            failures.append(f"{tag}: {len(weights)} of 4 weights are stored as integer levels")
        for t in weights:
            n = t["elements"]
            if t["bits"] != w_bits or t["bytes"] != (n * w_bits + 7) // 8:
                failures.append(f"{tag}: {t['name']} holds {t['bytes']} bytes at {t['bits']} bits, "
                                f"expected ceil({n} * {w_bits} / 8)")
        sizes[tag] = (os.path.getsize(src), os.path.getsize(dst))
        print(f"{tag:6s} onnx {sizes[tag][0]:9d} bytes   qedge {sizes[tag][1]:9d} bytes")
    w4, w8, f_onnx = sizes["w4a4"][1], sizes["w8a8"][1], sizes["float"][0]
    print(f"w4/w8 = {w4 / w8:.3f} (limit 0.55)   w4/float onnx = {w4 / f_onnx:.3f} (limit 0.15)")
    if w4 > 0.55 * w8:
        failures.append(f"w4 file is {w4 / w8:.3f}x the w8 file")
    if w4 > 0.15 * f_onnx:
        failures.append(f"w4 file is {w4 / f_onnx:.3f}x the float ONNX file")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
