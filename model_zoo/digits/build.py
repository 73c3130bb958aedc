#!/usr/bin/python3
"""Trains the digits MLP and CNN in float and with quantization-aware training, exports them, checks them, and
records them in model_zoo/zoo.json.

    /usr/bin/python3 model_zoo/digits/build.py [--qedge build/bin/qedge] [--shared ../shared]

Needs Debian's python3-torch and python3-sklearn (model_zoo/install_build_deps.sh) and a built qedge. Deterministic:
fixed seeds, one thread, torch's deterministic algorithms. For each family: float training, then QAT from the float
weights at w8a8, w4a4, w3a3, w2a2 and w1a1. Each exported model is checked against the numpy QONNX oracle
(shared/tools/qonnx_ref.py: argmax must agree with the torch fake-quant forward on every eval sample), converted by
qedge, and its accuracy is measured with qedge on the held-out split; that is the accuracy recorded.
"""
import argparse
import importlib.util
import os
import sys
import tempfile

import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import datasets  # noqa: E402
import manifest  # noqa: E402
import qedge_accuracy  # noqa: E402
from export import to_onnx  # noqa: E402
from nets import DigitsNet  # noqa: E402

FAMILIES = ["digits_mlp", "digits_cnn"]
# name suffix -> (weight bits, act bits, head weight bits); the w1a1 head keeps 8-bit weights (see README).
PRECISIONS = {"w8a8": (8, 8, 8), "w4a4": (4, 4, 4), "w3a3": (3, 3, 3), "w2a2": (2, 2, 2), "w1a1": (1, 1, 8)}
FLOAT_EPOCHS, QAT_EPOCHS, BATCH = 60, 60, 32
SEED = 20261128
BUILD_COMMAND = "/usr/bin/python3 model_zoo/digits/build.py"
EVAL_DATA = "data/digits_test"


def make_net(family, *bits):
    """A DigitsNet with seeded initial weights (torch's own initial seed differs per process)."""
    torch.manual_seed(SEED)
    return DigitsNet(family, *bits)


def train(net, x, y, epochs, lr):
    torch.manual_seed(SEED)
    order = torch.Generator().manual_seed(SEED)
    steps = epochs * ((len(x) + BATCH - 1) // BATCH)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    net.train()
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=order)
        for i in range(0, len(x), BATCH):
            idx = perm[i:i + BATCH]
            loss = torch.nn.functional.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    net.eval()
    return net


def predict(net, x):
    with torch.no_grad():
        return net(x).argmax(dim=1).numpy()


def load_module(name, path):
    if not os.path.isfile(path):
        raise SystemExit("build.py: %s not found" % path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Oracle:
    """shared/tools/qonnx_ref.py, driven node by node by the evaluator of tests/apps/quantize_ref_check.py (which
    adds the Conv and MaxPool that qonnx_ref lacks)."""

    def __init__(self, shared_dir):
        self.driver = load_module("quantize_ref_check",
                                  os.path.join(manifest.REPO_ROOT, "tests", "apps", "quantize_ref_check.py"))
        self.ref = self.driver.load_reference(os.path.join(shared_dir, "tools", "qonnx_ref.py"))

    def logits(self, model, x):
        return self.driver.evaluate(self.ref, model, {"x": x})["logits"]


def check_oracle(oracle, model, net, x):
    """The exported graph must give the torch module's argmax on every sample (numpy QONNX oracle)."""
    want = predict(net, x)
    for i in range(len(x)):
        logits = oracle.logits(model, x[i:i + 1].numpy())
        if int(logits.argmax()) != int(want[i]):
            raise SystemExit("%s: qonnx_ref argmax %d != torch %d on eval sample %d"
                             % (model.graph.name, logits.argmax(), want[i], i))


def describe(name, family, precision, path, acc, torch_acc, onnx_bytes, qedge_bytes):
    wb, ab, head = PRECISIONS.get(precision, (None, None, None))
    notes = "input quantized at 8 bits (unsigned, step 1/128: exact on the 17 grey levels)" if wb else None
    if wb and head != wb:
        notes += "; the head (last Gemm) keeps %d-bit weights" % head
    return manifest.entry(
        name, "classification", family, os.path.relpath(path, manifest.ZOO_DIR), "qonnx" if wb else "float", wb, ab,
        [{"name": "x", "shape": [1, 64], "dtype": "float32"}], None if not wb else family + "_float",
        {"data": EVAL_DATA, "accuracy": acc}, True, BUILD_COMMAND,
        torch_accuracy=torch_acc, onnx_bytes=onnx_bytes, qedge_bytes=qedge_bytes, notes=notes)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qedge", default=os.path.join(manifest.REPO_ROOT, "build", "bin", "qedge"))
    ap.add_argument("--shared", default=os.environ.get("QEDGE_SHARED_DIR",
                                                       os.path.join(manifest.REPO_ROOT, "..", "shared")))
    ap.add_argument("--families", nargs="*", default=FAMILIES, choices=FAMILIES)
    args = ap.parse_args()
    if not os.access(args.qedge, os.X_OK):
        raise SystemExit("build.py: qedge not found at %s (build it: bash scripts/build.sh, or pass --qedge)"
                         % args.qedge)
    oracle = Oracle(args.shared)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    x_train, y_train, x_test, y_test = datasets.digits()
    xt, yt, xe = torch.from_numpy(x_train), torch.from_numpy(y_train), torch.from_numpy(x_test)
    data_dir = os.path.join(manifest.ZOO_DIR, EVAL_DATA)
    datasets.write_split(data_dir, x_test, y_test)

    entries = []
    for family in args.families:
        float_net = train(make_net(family), xt, yt, FLOAT_EPOCHS, 3e-3)
        nets = {"float": float_net}
        for precision, (wb, ab, head) in PRECISIONS.items():
            net = make_net(family, wb, ab, head)
            net.load_state_dict(float_net.state_dict(), strict=False)
            nets[precision] = train(net, xt, yt, QAT_EPOCHS, 1e-3)
        for precision, net in nets.items():
            name = "%s_%s" % (family, precision)
            path = os.path.join(HERE, name + ".onnx")
            model = to_onnx(net, name)
            check_oracle(oracle, model, net, xe)
            onnx.save(model, path)
            torch_acc = float((predict(net, xe) == y_test).mean())
            correct, n = qedge_accuracy.accuracy(args.qedge, path, data_dir)
            with tempfile.TemporaryDirectory() as tmp:
                qedge_accuracy.convert(args.qedge, path, os.path.join(tmp, "m.qedge"))
                qedge_bytes = os.path.getsize(os.path.join(tmp, "m.qedge"))
            acc = round(correct / n, 4)
            print("%-18s torch %.4f  qedge %.4f (%d/%d)  onnx %7d B  qedge %7d B"
                  % (name, torch_acc, acc, correct, n, os.path.getsize(path), qedge_bytes), flush=True)
            entries.append(describe(name, family, precision, path, acc, round(torch_acc, 4),
                                    os.path.getsize(path), qedge_bytes))
    manifest.upsert(entries)


if __name__ == "__main__":
    main()
