"""Writes a trained DigitsNet as ONNX (float) or QONNX (fake-quantized), node by node with onnx.helper.

The graph computes exactly what the torch module computes in eval mode: float weights stay float initializers and
go through QONNX `Quant` (signed, narrow, per output channel) or `BipolarQuant` nodes; activations through unsigned
`Quant` or `BipolarQuant` (domain qonnx.custom_op.general, rounding_mode ROUND = half to even, like torch.round).
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from nets import IMAGE_SHAPE, Block

QONNX_DOMAIN = "qonnx.custom_op.general"
OPSET = 13


class GraphWriter:
    def __init__(self):
        self.nodes, self.inits = [], []

    def const(self, name, value, dtype=np.float32):
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def node(self, op, inputs, output, domain="", **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attrs))
        return output

    def quant(self, x, name, scale, bits, signed, narrow):
        """Quant (bits >= 2) or BipolarQuant (bits == 1) of x; zero point 0."""
        s = self.const(name + "_scale", scale)
        if bits == 1:
            return self.node("BipolarQuant", [x, s], name, domain=QONNX_DOMAIN)
        return self.node("Quant", [x, s, self.const(name + "_zp", 0.0), self.const(name + "_bits", float(bits))],
                         name, domain=QONNX_DOMAIN, signed=int(signed), narrow=int(narrow), rounding_mode="ROUND")


def numpy(t):
    return t.detach().cpu().numpy().astype(np.float32)


def weight(g, block, name):
    w = g.const(name + "_w", numpy(block.layer.weight))
    if block.wq is None:
        return w
    return g.quant(w, name + "_wq", numpy(block.wq.export_scale(block.layer.weight)), block.wq.bits,
                   signed=True, narrow=True)


def hidden_block(g, block, x, name):
    w = weight(g, block, name)
    if block.kind == "conv":
        y = g.node("Conv", [x, w], name + "_conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    else:
        y = g.node("Gemm", [x, w], name + "_gemm", transB=1)
    n = block.norm
    y = g.node("BatchNormalization",
               [y, g.const(name + "_bn_gamma", numpy(n.weight)), g.const(name + "_bn_beta", numpy(n.bias)),
                g.const(name + "_bn_mean", numpy(n.running_mean)), g.const(name + "_bn_var", numpy(n.running_var))],
               name + "_bn", epsilon=float(n.eps))
    if block.aq is None or block.aq.bits > 1:
        y = g.node("Relu", [y], name + "_relu")
    if block.aq is not None:
        y = g.quant(y, name + "_aq", numpy(block.aq.export_scale()), block.aq.bits, signed=False, narrow=False)
    if block.pool:
        y = g.node("MaxPool", [y], name + "_pool", kernel_shape=[2, 2], strides=[2, 2])
    return y


def to_onnx(net, graph_name):
    """The ONNX model of `net` (eval mode): input x [1, 64], output logits [1, 10]."""
    g = GraphWriter()
    x = "x"
    if net.input_quant is not None:
        x = g.quant(x, "x_q", numpy(net.input_quant.export_scale()), net.input_quant.bits, signed=False, narrow=False)
    if net.is_cnn():
        x = g.node("Reshape", [x, g.const("image_shape", (-1,) + IMAGE_SHAPE, np.int64)], "image")
    for i, block in enumerate(net.blocks):
        name = "layer%d" % (i + 1)
        if isinstance(block, Block):
            x = hidden_block(g, block, x, name)
            continue
        if net.is_cnn():
            x = g.node("Flatten", [x], "flat", axis=1)
        x = g.node("Gemm", [x, weight(g, block, name), g.const(name + "_b", numpy(block.layer.bias))], "logits",
                   transB=1)
    graph = helper.make_graph(g.nodes, graph_name,
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], g.inits)
    opsets = [helper.make_opsetid("", OPSET)]
    if net.input_quant is not None:
        opsets.append(helper.make_opsetid(QONNX_DOMAIN, 1))
    model = helper.make_model(graph, producer_name="qedge-model-zoo", opset_imports=opsets)
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model
