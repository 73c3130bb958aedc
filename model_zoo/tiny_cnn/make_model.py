#!/usr/bin/python3
"""Builds the bundled demo model: a tiny CNN over an 8x8 grey image with fixed pseudo-random weights.

Reproducible (seeded); needs only Debian's python3-onnx and python3-numpy. Writes model.onnx and input.npy
(an 8x8 drawing of the digit 1) next to this script.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261128)

conv_w = rng.normal(0, 0.5, (4, 1, 3, 3)).astype(np.float32)
conv_b = rng.normal(0, 0.1, (4,)).astype(np.float32)
fc_w = rng.normal(0, 0.2, (10, 64)).astype(np.float32)
fc_b = np.zeros(10, dtype=np.float32)

nodes = [
    helper.make_node("Conv", ["input", "conv_w", "conv_b"], ["conv"], name="conv", pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["conv"], ["relu"], name="relu"),
    helper.make_node("MaxPool", ["relu"], ["pool"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("Flatten", ["pool"], ["flat"], name="flatten"),
    helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], name="fc", transB=1),
    helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=1),
]
graph = helper.make_graph(
    nodes,
    "tiny_cnn",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 8, 8])],
    [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 10])],
    [numpy_helper.from_array(a, n) for a, n in
     [(conv_w, "conv_w"), (conv_b, "conv_b"), (fc_w, "fc_w"), (fc_b, "fc_b")]],
)
model = helper.make_model(graph, producer_name="qedge-model-zoo", opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.save(model, os.path.join(here, "model.onnx"))

digit_one = np.zeros((1, 1, 8, 8), dtype=np.float32)
digit_one[0, 0, 1:7, 4] = 1.0
digit_one[0, 0, 2, 3] = 1.0
digit_one[0, 0, 6, 3:6] = 1.0
np.save(os.path.join(here, "input.npy"), digit_one)
