"""Measures a classifier's top-1 accuracy with qedge on an eval folder (inputs.npy [N, ...], labels.npy [N]).

The model's batch dimension is made dynamic and pinned to N, so the whole set runs in one `qedge run`; the
per-sample computation is the same as with batch 1 (every op of the zoo's classifiers is row-independent).
"""
import os
import subprocess
import tempfile

import numpy as np
import onnx


def run_qedge(qedge, *args):
    done = subprocess.run([qedge] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        raise SystemExit("qedge %s failed:\n%s" % (" ".join(args), done.stdout))
    return done.stdout


def convert(qedge, onnx_path, qedge_path, *extra):
    return run_qedge(qedge, "convert", onnx_path, "-o", qedge_path, *extra)


def accuracy(qedge, onnx_path, data_dir):
    """(correct, samples) of the model's argmax on the eval folder."""
    x = np.load(os.path.join(data_dir, "inputs.npy"))
    labels = np.load(os.path.join(data_dir, "labels.npy"))
    model = onnx.load(onnx_path)
    graph_input = model.graph.input[0]
    graph_input.type.tensor_type.shape.dim[0].dim_param = "batch"
    with tempfile.TemporaryDirectory() as tmp:
        batched = os.path.join(tmp, "batched.onnx")
        onnx.save(model, batched)
        dims = [len(x)] + [d.dim_value for d in graph_input.type.tensor_type.shape.dim[1:]]
        np.save(os.path.join(tmp, "inputs.npy"), x.reshape(dims).astype(np.float32))
        convert(qedge, batched, os.path.join(tmp, "m.qedge"),
                "--input-shape", "%s=%s" % (graph_input.name, "x".join(map(str, dims))))
        run_qedge(qedge, "run", os.path.join(tmp, "m.qedge"), "--input",
                  "%s=%s" % (graph_input.name, os.path.join(tmp, "inputs.npy")), "--output-dir", tmp)
        logits = np.load(os.path.join(tmp, model.graph.output[0].name + ".npy"))
    return int((logits.reshape(len(labels), -1).argmax(axis=1) == labels).sum()), len(labels)
