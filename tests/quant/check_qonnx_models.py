#!/usr/bin/python3
"""Runs every model of shared/qonnx-models through qedge and compares with the numpy oracle.

    /usr/bin/python3 tests/quant/check_qonnx_models.py build/bin/qedge [SHARED_DIR]

For each model: the oracle (shared/tools/qonnx_ref.py, plus the Conv / nearest Resize / DepthToSpace that the
ESPCN and QKeras conv models need, written here) runs on one input, then `qedge convert` + `qedge run` run on
the same input and the outputs are compared. Inputs: the first build_dataflow MNIST digit scaled to [0,1] for the
QONNX-zoo TFC models, the upstream ESPCN input for the ESPCN models, seeded normal(0, 2) noise otherwise. The TFC
models also classify all four digits (expected 7, 2, 1, 0). Needs numpy and onnx (/usr/bin/python3 has both).
Exit status 1 when a model fails to convert or run, or a TFC prediction is wrong; output differences are printed
(float accumulation order can move a value across a rounding tie, i.e. one quantization step).
"""

import glob
import os
import subprocess
import sys
import tempfile
import types

import numpy as np
import onnx
from onnx import numpy_helper


def conv(x, w, b, a):
    s = a.get("strides", [1, 1])
    p = a.get("pads", [0, 0, 0, 0])
    if a.get("group", 1) != 1 or a.get("dilations", [1, 1]) != [1, 1] or a.get("auto_pad", "NOTSET") != "NOTSET":
        raise NotImplementedError("Conv with groups, dilations or auto_pad")
    x = np.pad(x, ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])))
    n, _, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh, ow = (h - kh) // s[0] + 1, (wd - kw) // s[1] + 1
    out = np.zeros((n, o, oh, ow), np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i:i + s[0] * oh:s[0], j:j + s[1] * ow:s[1]].astype(np.float64)
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, i, j].astype(np.float64))
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out.astype(np.float32)


def oracle(Q, model, feeds):
    g = model.graph
    env = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    env.update(feeds)
    for n in g.node:
        a = Q.attrs(n)
        x = [env[i] if i else None for i in n.input]
        if n.op_type == "Conv":
            y = [conv(x[0], x[1], x[2] if len(x) > 2 else None, a)]
        elif n.op_type == "Resize":  # nearest, integer scales (the ESPCN upsampler)
            r = x[0]
            for axis, f in enumerate(x[2]):
                r = np.repeat(r, int(f), axis=axis) if f != 1 else r
            y = [r]
        elif n.op_type == "DepthToSpace":  # CRD
            bs = a["blocksize"]
            nb, c, h, w = x[0].shape
            r = x[0].reshape(nb, c // (bs * bs), bs, bs, h, w).transpose(0, 1, 4, 2, 5, 3)
            y = [r.reshape(nb, c // (bs * bs), h * bs, w * bs)]
        else:  # one node through qonnx_ref's interpreter
            one = types.SimpleNamespace(
                graph=types.SimpleNamespace(initializer=[], node=[n], output=[types.SimpleNamespace(name=o) for o in n.output]),
                opset_import=model.opset_import)
            y = Q.run(one, env)
        env.update(zip(n.output, y))
    return [env[o.name] for o in g.output]


def qedge_run(qedge, model_file, name, x, work):
    np.save(os.path.join(work, "input.npy"), x)
    out_dir = os.path.join(work, "out")
    subprocess.run([qedge, "run", model_file, "--input", name + "=" + os.path.join(work, "input.npy"),
                    "--output-dir", out_dir], check=True, capture_output=True, text=True)
    return out_dir


def main(argv):
    qedge = os.path.abspath(argv[1])
    shared = argv[2] if len(argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared")
    sys.path.insert(0, os.path.join(shared, "tools"))
    import qonnx_ref as Q
    models = os.path.join(shared, "qonnx-models")
    digits_dir = os.path.join(models, "Xilinx__finn/src/finn/qnn-data/build_dataflow")
    digits = [(Q.load_pb(os.path.join(digits_dir, "test_data_set_%d/input_0.pb" % i)) / 255.0).astype(np.float32)
              for i in range(4)]
    espcn_input = os.path.join(models, "fastmachinelearning__qonnx/src/qonnx/data/onnx/bsd300x3-espcn/test_data/input_0.pb")
    ok = True
    for path in sorted(glob.glob(os.path.join(models, "**", "*.onnx"), recursive=True)):
        rel = os.path.relpath(path, models)
        m = onnx.load(path)
        inits = {t.name for t in m.graph.initializer}
        vi = [v for v in m.graph.input if v.name not in inits][0]
        if "TFC_" in rel:
            x = digits[0]
        elif "espcn" in rel:
            x = Q.load_pb(espcn_input).astype(np.float32)
        else:
            shape = [d.dim_value or 1 for d in vi.type.tensor_type.shape.dim]
            x = (np.random.default_rng(0).standard_normal(shape) * 2).astype(np.float32)
        with tempfile.TemporaryDirectory() as work:
            model_file = os.path.join(work, "m.qedge")
            conv_run = subprocess.run([qedge, "convert", path, "-o", model_file], capture_output=True, text=True)
            if conv_run.returncode != 0:
                print("FAIL convert %s: %s" % (rel, conv_run.stderr.strip()))
                ok = False
                continue
            try:
                out_dir = qedge_run(qedge, model_file, vi.name, x, work)
            except subprocess.CalledProcessError as e:
                print("FAIL run %s: %s" % (rel, e.stderr.strip()))
                ok = False
                continue
            want = oracle(Q, m, {vi.name: x})
            for o, r in zip(m.graph.output, want):
                q = np.load(os.path.join(out_dir, o.name + ".npy"))
                r = np.asarray(r)
                if q.shape != r.shape:
                    print("FAIL %s output %s: shape %s, oracle %s" % (rel, o.name, q.shape, r.shape))
                    ok = False
                    continue
                diff = np.abs(q.astype(np.float64) - r.astype(np.float64))
                differing = int((diff > 1e-5 + 1e-4 * np.abs(r)).sum())
                print("%s %s output %s: %d of %d elements differ (max %.3g)" % (
                    "OK  " if differing == 0 else "DIFF", rel, o.name, differing, r.size, diff.max()))
            if "TFC_" in rel:
                preds = []
                for i, d in enumerate(digits):
                    od = qedge_run(qedge, model_file, vi.name, d, work)
                    preds.append(int(np.argmax(np.load(glob.glob(os.path.join(od, "*.npy"))[0]))))
                good = preds == [7, 2, 1, 0]
                ok &= good
                print("%s %s classifies the 4 digits as %s" % ("OK  " if good else "FAIL", rel, preds))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
