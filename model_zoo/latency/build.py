#!/usr/bin/python3
"""Builds the latency workloads (random weights, seeded) into model_zoo/latency/models/ and records them in
model_zoo/zoo.json (committed: false, task "latency").

    /usr/bin/python3 model_zoo/latency/build.py [--qedge build/bin/qedge] [--only NAME...]

- mobilenet_v2 and resnet18 (torchvision, 1x3x224x224): float ONNX (opset 13), QDQ int8 with int8 and with uint8
  activations (qdq.py, per-channel int8 weights, activation ranges from 4 random inputs run with qedge), and QONNX
  w4a8 from `qedge quantize --random 4 --weight-bits 4 --act-bits 8 --per-channel`;
- kws_dscnn, a depthwise-separable keyword-spotting CNN on a 1x1x49x10 MFCC-like input: float and QONNX w4a8;
- transformer_encoder: 2 layers, d=128, 4 heads, sequence 64 (input 1x64x128): float, opset 14.
Every file is converted and run by qedge (--random-inputs) before it is recorded. Needs python3-torch,
python3-torchvision (model_zoo/install_build_deps.sh) and a built qedge.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import manifest  # noqa: E402
import qdq  # noqa: E402
from nets import DSCNN, Encoder  # noqa: E402

SEED = 20261128
OUT = os.path.join(HERE, "models")
BUILD_COMMAND = "/usr/bin/python3 model_zoo/latency/build.py"
CALIBRATION_SAMPLES = 4

# name -> (constructor, input name, input shape, opset)
NETWORKS = {
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(weights=None), "input", [1, 3, 224, 224], 13),
    "resnet18": (lambda: torchvision.models.resnet18(weights=None), "input", [1, 3, 224, 224], 13),
    "kws_dscnn": (DSCNN, "mfcc", [1, 1, 49, 10], 13),
    "transformer_encoder": (Encoder, "tokens", [1, 64, 128], 14),
}
# name -> the variants built beyond float
VARIANTS = {
    "mobilenet_v2": ["qdq_s8", "qdq_u8", "w4a8"],
    "resnet18": ["qdq_s8", "qdq_u8", "w4a8"],
    "kws_dscnn": ["w4a8"],
    "transformer_encoder": [],
}


def export_float(name, path):
    make, input_name, shape, opset = NETWORKS[name]
    torch.manual_seed(SEED)
    net = make().eval()
    with torch.no_grad():
        torch.onnx.export(net, torch.rand(shape), path, input_names=[input_name], output_names=["output"],
                          opset_version=opset, do_constant_folding=True)


def run(*cmd):
    done = subprocess.run(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        raise SystemExit("%s failed:\n%s" % (" ".join(cmd), done.stdout))
    return done.stdout


def build_variant(qedge, name, variant, float_path, path):
    if variant == "w4a8":
        run(qedge, "quantize", float_path, "-o", path, "--random", str(CALIBRATION_SAMPLES), "--seed", str(SEED),
            "--weight-bits", "4", "--act-bits", "8", "--per-channel")
        return
    model = onnx.load(float_path)
    rng = np.random.default_rng(SEED)
    shape = NETWORKS[name][2]
    samples = [rng.uniform(-1, 1, shape).astype(np.float32) for _ in range(CALIBRATION_SAMPLES)]
    ranges = qdq.calibrate(qedge, model, samples)
    onnx.save(qdq.to_qdq(model, ranges, unsigned=variant == "qdq_u8"), path)


def check_and_size(qedge, path):
    """Converts and runs the model with qedge; returns the .qedge size in bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "m.qedge")
        run(qedge, "convert", path, "-o", out)
        run(qedge, "run", out, "--random-inputs")
        return os.path.getsize(out)


def describe(name, variant, path, qedge_bytes):
    _, input_name, shape, _ = NETWORKS[name]
    fmt, wb, ab = {"float": ("float", None, None), "qdq_s8": ("qdq", 8, 8), "qdq_u8": ("qdq", 8, 8),
                   "w4a8": ("qonnx", 4, 8)}[variant]
    notes = {"qdq_s8": "int8 activations (symmetric), per-channel int8 weights",
             "qdq_u8": "uint8 activations (asymmetric), per-channel int8 weights",
             "w4a8": "qedge quantize --random %d --weight-bits 4 --act-bits 8 --per-channel" % CALIBRATION_SAMPLES,
             "float": "random weights (seed %d)" % SEED}[variant]
    return manifest.entry(
        "%s_%s" % (name, variant), "latency", name, os.path.relpath(path, manifest.ZOO_DIR), fmt, wb, ab,
        [{"name": input_name, "shape": shape, "dtype": "float32"}], None if variant == "float" else name + "_float",
        None, False, "%s --only %s" % (BUILD_COMMAND, name), onnx_bytes=os.path.getsize(path), qedge_bytes=qedge_bytes, notes=notes)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qedge", default=os.path.join(manifest.REPO_ROOT, "build", "bin", "qedge"))
    ap.add_argument("--only", nargs="*", default=list(NETWORKS), choices=list(NETWORKS))
    args = ap.parse_args()
    if not os.access(args.qedge, os.X_OK):
        raise SystemExit("build.py: qedge not found at %s (build it: bash scripts/build.sh, or pass --qedge)"
                         % args.qedge)
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    entries = []
    for name in args.only:
        float_path = os.path.join(OUT, name + "_float.onnx")
        export_float(name, float_path)
        for variant in ["float"] + VARIANTS[name]:
            path = os.path.join(OUT, "%s_%s.onnx" % (name, variant))
            if variant != "float":
                build_variant(args.qedge, name, variant, float_path, path)
            size = check_and_size(args.qedge, path)
            print("%-28s onnx %9d B  qedge %9d B" % (os.path.basename(path), os.path.getsize(path), size), flush=True)
            entries.append(describe(name, variant, path, size))
    manifest.upsert(entries)


if __name__ == "__main__":
    main()
