#!/usr/bin/python3
"""Checks a model written by `qedge quantize` against the numpy QONNX executor shared/tools/qonnx_ref.py.

    quantize_ref_check.py QEDGE QONNX_MODEL INPUT.npy WORK_DIR QONNX_REF_PY

Every Quant/BipolarQuant output is exposed as a graph output, the model is converted and run with qedge, and the
same model is evaluated node by node in numpy: qonnx_ref.py for the operators it implements, Conv and MaxPool
here (qonnx_ref.py has neither). Each quantizer's output must match within one quantization step (its scale),
with steps differing on at most 1 % of elements (float sums in a different order can land on the other side of a
rounding boundary), and each model output within 1e-3.
"""
import importlib.util
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

QUANTIZERS = ("Quant", "BipolarQuant")


def load_reference(path):
    spec = importlib.util.spec_from_file_location("qonnx_ref", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def conv2d(x, w, b, attrs):
    assert attrs.get("group", 1) == 1, "grouped Conv is not implemented here"
    sh, sw = attrs.get("strides", [1, 1])
    dh, dw = attrs.get("dilations", [1, 1])
    p = attrs.get("pads", [0, 0, 0, 0])
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])))
    kh, kw = w.shape[2:]
    oh = (x.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (x.shape[3] - dw * (kw - 1) - 1) // sw + 1
    y = np.zeros((x.shape[0], w.shape[0], oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
            y += np.einsum("nchw,oc->nohw", patch, w[:, :, i, j].astype(np.float64))
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y.astype(np.float32)


def maxpool2d(x, attrs):
    kh, kw = attrs["kernel_shape"]
    sh, sw = attrs.get("strides", [1, 1])
    assert not any(attrs.get("pads", [0, 0, 0, 0])), "padded MaxPool is not implemented here"
    oh, ow = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    y = np.full(x.shape[:2] + (oh, ow), -np.inf, dtype=np.float32)
    for i in range(kh):
        for j in range(kw):
            y = np.maximum(y, x[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw])
    return y


def evaluate(ref, model, feeds):
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env.update(feeds)
    for n in model.graph.node:
        args = [env[i] if i else None for i in n.input]
        a = ref.attrs(n)
        if n.op_type == "Conv":
            outs = [conv2d(args[0], args[1], args[2] if len(args) > 2 else None, a)]
        elif n.op_type == "MaxPool":
            outs = [maxpool2d(args[0], a)]
        else:
            g = helper.make_graph([n], "one", [], [helper.make_tensor_value_info(o, onnx.TensorProto.FLOAT, None)
                                                   for o in n.output])
            one = helper.make_model(g, opset_imports=model.opset_import)
            outs = ref.run(one, {i: v for i, v in zip(n.input, args) if i})
        env.update(zip(n.output, outs))
    return env


def run_qedge(qedge, model_path, input_name, input_path, work):
    qfile = os.path.join(work, "ref_check.qedge")
    out_dir = os.path.join(work, "ref_check_out")
    subprocess.run([qedge, "convert", model_path, "-o", qfile], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([qedge, "run", qfile, "--input", "%s=%s" % (input_name, input_path), "--output-dir", out_dir],
                   check=True, stdout=subprocess.DEVNULL)
    return lambda name: np.load(os.path.join(out_dir, name + ".npy"))


def main(argv):
    qedge, model_path, input_path, work, ref_path = argv[1:6]
    ref = load_reference(ref_path)
    model = onnx.load(model_path)
    quantizers = [n for n in model.graph.node if n.op_type in QUANTIZERS]
    if not quantizers:
        print("FAIL: %s has no quantizer nodes" % model_path)
        return 1
    exposed = onnx.ModelProto()
    exposed.CopyFrom(model)
    for n in quantizers:
        exposed.graph.output.append(helper.make_tensor_value_info(n.output[0], onnx.TensorProto.FLOAT, None))
    exposed_path = os.path.join(work, "ref_check.onnx")
    onnx.save(exposed, exposed_path)

    inits = {t.name for t in model.graph.initializer}
    input_name = [v.name for v in model.graph.input if v.name not in inits][0]
    x = np.load(input_path)
    got = run_qedge(qedge, exposed_path, input_name, input_path, work)
    env = evaluate(ref, model, {input_name: x})

    failures = 0
    for n in quantizers:
        scale = env[n.input[1]]
        want, have = env[n.output[0]], got(n.output[0])
        diff = np.abs(have.astype(np.float64) - want)
        steps = diff / np.broadcast_to(scale, diff.shape)
        off = int(np.count_nonzero(steps > 1e-3))
        ok = have.shape == want.shape and steps.max() <= 1.0 + 1e-4 and off <= max(1, diff.size // 100)
        failures += not ok
        print("%s: %s %s, max %.3g steps, %d of %d elements differ" % ("ok" if ok else "FAIL", n.name, n.op_type,
                                                                       steps.max(), off, diff.size))
    for o in model.graph.output:
        diff = float(np.abs(got(o.name).astype(np.float64) - env[o.name]).max())
        ok = diff <= 1e-3
        failures += not ok
        print("%s: model output %s, max difference %.3g" % ("ok" if ok else "FAIL", o.name, diff))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
