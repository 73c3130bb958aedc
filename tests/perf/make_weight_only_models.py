#!/usr/bin/python3
"""Weight-only quantized variants of the latency zoo's QONNX w4a8 models, for timing the weight-only QConv/QMatMul
path (docs/perf/cpu.md, "Weight-only QConv / QMatMul"):

    make_weight_only_models.py MODELS_DIR OUT_DIR

For each MODELS_DIR/<name>_w4a8.onnx writes OUT_DIR/<name>_w4only.onnx: the same graph without its activation Quant
nodes (those whose input is not an initializer), so every Conv/Gemm keeps its 4-bit weight quantizer and reads float
inputs: what a Brevitas QuantConv2d with default weight-only quantization exports. Needs onnx (1.12 is enough).
"""

import glob
import os
import sys

import onnx


def strip_activation_quant(model):
    g = model.graph
    inits = {i.name for i in g.initializer}
    rename = {}
    kept = []
    for n in g.node:
        if n.op_type == "Quant" and n.input[0] not in inits:
            rename[n.output[0]] = rename.get(n.input[0], n.input[0])
            continue
        kept.append(n)
    for n in kept:
        for i, name in enumerate(n.input):
            n.input[i] = rename.get(name, name)
    for o in g.output:
        if o.name in rename:
            raise SystemExit("a graph output is an activation quantizer: " + o.name)
    del g.node[:]
    g.node.extend(kept)
    return len(rename)


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    os.makedirs(sys.argv[2], exist_ok=True)
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*_w4a8.onnx"))):
        model = onnx.load(path)
        removed = strip_activation_quant(model)
        out = os.path.join(sys.argv[2], os.path.basename(path).replace("_w4a8", "_w4only"))
        onnx.save(model, out)
        print("%s: %d activation quantizers removed" % (out, removed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
