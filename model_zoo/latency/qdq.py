"""Post-training QDQ quantization of a float ONNX model: QuantizeLinear/DequantizeLinear around the inputs of every
Conv, Gemm and MatMul whose weight is an initializer and of every Add of two activations (residual connections), in
the form ONNX Runtime's static quantization writes.

Weights: int8, symmetric (zero point 0), one scale per output channel (Conv: axis 0; Gemm transB=1: axis 0; MatMul
[K, N] and Gemm transB=0: axis 1), stored as int8 initializers behind a DequantizeLinear.
Activations: one scale per tensor from calibration ranges: int8 symmetric (max |x| -> 127) or uint8 asymmetric
(min..max -> 0..255, the range widened to include 0 so that zero is exact).
"""
import os
import subprocess
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LINEAR_OPS = ("Conv", "Gemm", "MatMul")


def quantizable(model):
    """(node, weight initializer) of every Conv/Gemm/MatMul with a constant weight."""
    inits = {t.name: t for t in model.graph.initializer}
    return [(n, inits[n.input[1]]) for n in model.graph.node
            if n.op_type in LINEAR_OPS and len(n.input) > 1 and n.input[1] in inits]


def residual_adds(model):
    """Every Add whose two inputs are activations (neither is an initializer)."""
    inits = {t.name for t in model.graph.initializer}
    return [n for n in model.graph.node
            if n.op_type == "Add" and len(n.input) == 2 and not any(i in inits for i in n.input)]


def activations_to_quantize(model):
    """The activation tensors that get a QDQ pair: linear ops' data inputs and residual Adds' inputs."""
    names = {n.input[0] for n, _ in quantizable(model)}
    for n in residual_adds(model):
        names.update(n.input)
    return sorted(names)


def calibrate(qedge, model, samples):
    """{activation tensor name: (min, max)} over the samples, run with qedge."""
    names = activations_to_quantize(model)
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    known = {o.name for o in probe.graph.output}
    probe.graph.output.extend(helper.make_tensor_value_info(n, TensorProto.FLOAT, None)
                              for n in names if n not in known)
    ranges = {n: (np.inf, -np.inf) for n in names}
    input_name = model.graph.input[0].name
    with tempfile.TemporaryDirectory() as tmp:
        onnx.save(probe, os.path.join(tmp, "probe.onnx"))
        subprocess.run([qedge, "convert", os.path.join(tmp, "probe.onnx"), "-o", os.path.join(tmp, "probe.qedge")],
                       check=True, stdout=subprocess.DEVNULL)
        for i, sample in enumerate(samples):
            np.save(os.path.join(tmp, "in.npy"), sample)
            out = os.path.join(tmp, "out%d" % i)
            subprocess.run([qedge, "run", os.path.join(tmp, "probe.qedge"), "--input",
                            "%s=%s" % (input_name, os.path.join(tmp, "in.npy")), "--output-dir", out],
                           check=True, stdout=subprocess.DEVNULL)
            for n in names:
                v = np.load(os.path.join(out, output_file_name(n)))
                lo, hi = ranges[n]
                ranges[n] = (min(lo, float(v.min())), max(hi, float(v.max())))
    return ranges


def output_file_name(tensor):
    """The file `qedge run --output-dir` writes for a tensor: '/', '\\' and ':' become '_'."""
    return "".join("_" if c in "/\\:" else c for c in tensor) + ".npy"


def activation_params(lo, hi, unsigned):
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if unsigned:
        scale = max(hi - lo, 1e-8) / 255
        return np.float32(scale), np.uint8(np.clip(np.round(-lo / scale), 0, 255))
    return np.float32(max(abs(lo), abs(hi), 1e-8) / 127), np.int8(0)


def weight_axis(node):
    if node.op_type == "Conv":
        return 0
    if node.op_type == "Gemm":
        return 0 if any(a.name == "transB" and a.i == 1 for a in node.attribute) else 1
    return 1


def quantize_weight(w, axis):
    reduce = tuple(i for i in range(w.ndim) if i != axis)
    scale = (np.maximum(np.abs(w).max(axis=reduce), 1e-8) / 127).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def to_qdq(model, ranges, unsigned):
    """A new model with QDQ pairs on activations (per tensor) and DequantizeLinear on int8 weights."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    g = out.graph
    inits = {t.name: t for t in g.initializer}
    new_inits, new_nodes, qdq_of = [], [], {}

    def activation(name):
        if name not in qdq_of:
            scale, zp = activation_params(*ranges[name], unsigned)
            base = name.replace("/", "_").strip("_")
            new_inits.extend([numpy_helper.from_array(np.array(scale), base + "_scale"),
                              numpy_helper.from_array(np.array(zp), base + "_zp")])
            new_nodes.append(helper.make_node("QuantizeLinear", [name, base + "_scale", base + "_zp"],
                                              [base + "_q"], name=base + "_quantize"))
            new_nodes.append(helper.make_node("DequantizeLinear", [base + "_q", base + "_scale", base + "_zp"],
                                              [base + "_dq"], name=base + "_dequantize"))
            qdq_of[name] = base + "_dq"
        return qdq_of[name]

    for node, w_init in quantizable(model):
        node = next(n for n in g.node if n.name == node.name and list(n.output) == list(node.output))
        axis = weight_axis(node)
        q, scale = quantize_weight(numpy_helper.to_array(inits[w_init.name]), axis)
        wname = w_init.name.replace("/", "_").strip("_")
        new_inits.extend([numpy_helper.from_array(q, wname + "_int8"),
                          numpy_helper.from_array(scale, wname + "_wscale"),
                          numpy_helper.from_array(np.zeros(scale.shape, np.int8), wname + "_wzp")])
        new_nodes.append(helper.make_node("DequantizeLinear", [wname + "_int8", wname + "_wscale", wname + "_wzp"],
                                          [wname + "_wdq"], name=wname + "_dequantize", axis=axis))
        node.input[0] = activation(node.input[0])
        node.input[1] = wname + "_wdq"
    for node in residual_adds(model):
        node = next(n for n in g.node if n.name == node.name and list(n.output) == list(node.output))
        node.input[0] = activation(node.input[0])
        node.input[1] = activation(node.input[1])

    used = {i for n in g.node for i in n.input}
    kept = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    # QDQ nodes go first: each reads a graph input, an initializer or a tensor made earlier, so order them by producer.
    order = topological(list(new_nodes) + list(g.node), {i.name for i in g.input} | {t.name for t in g.initializer})
    del g.node[:]
    g.node.extend(order)
    return out


def topological(nodes, available):
    done, result, pending = set(available), [], list(nodes)
    while pending:
        ready = [n for n in pending if all(not i or i in done for i in n.input)]
        if not ready:
            raise SystemExit("qdq: the graph has a cycle or an undefined input")
        for n in ready:
            result.append(n)
            done.update(n.output)
        pending = [n for n in pending if n not in ready]
    return result
