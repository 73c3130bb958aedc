#!/usr/bin/python3
"""Writes a small ONNX model whose constants stay integers after conversion (uint8 zero points, an int8 weight
of 16x8 and an int32 bias), for the byte accounting test of `qedge inspect`.

    make_int8_model.py OUT.onnx
"""

import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    rng = np.random.RandomState(7)
    inits = [
        numpy_helper.from_array(np.float32(0.05), "x_scale"),
        numpy_helper.from_array(np.uint8(128), "x_zp"),
        numpy_helper.from_array(rng.randint(-128, 128, (16, 8)).astype(np.int8), "w"),
        numpy_helper.from_array(np.int8(0), "w_zp"),
        numpy_helper.from_array(rng.randint(-1000, 1000, 8).astype(np.int32), "bias"),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["xq"]),
        helper.make_node("MatMulInteger", ["xq", "w", "x_zp", "w_zp"], ["acc"]),
        helper.make_node("Add", ["acc", "bias"], ["y"]),
    ]
    g = helper.make_graph(nodes, "int8_matmul", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
                          [helper.make_tensor_value_info("y", TensorProto.INT32, [1, 8])], initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    with open(argv[1], "wb") as f:
        f.write(m.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
