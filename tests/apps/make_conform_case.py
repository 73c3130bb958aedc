#!/usr/bin/python3
"""Makes a `qedge conform` case folder from a model, its input and an output .npy, optionally with the reference's
largest value moved to another class (so that the argmax differs).

    make_conform_case.py MODEL.onnx INPUT.npy OUTPUT.npy CASE_DIR [--move-argmax]
"""

import os
import shutil
import sys

import numpy as np
from onnx import load, numpy_helper


def main(argv):
    if len(argv) not in (5, 6) or (len(argv) == 6 and argv[5] != "--move-argmax"):
        sys.stderr.write(__doc__)
        return 2
    model_path, input_path, output_path, case = argv[1:5]
    graph = load(model_path).graph
    os.makedirs(os.path.join(case, "test_data_set_0"))
    shutil.copy(model_path, os.path.join(case, "model.onnx"))
    y = np.load(output_path)
    if len(argv) == 6:
        row = y.reshape(-1, y.shape[-1])
        row[:, 0] = row.max(axis=1) + 1.0
        y = row.reshape(y.shape)
    for kind, value, name in (("input", np.load(input_path), graph.input[0].name), ("output", y, graph.output[0].name)):
        with open(os.path.join(case, "test_data_set_0", kind + "_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(value, name).SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
