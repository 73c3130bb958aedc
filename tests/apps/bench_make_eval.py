#!/usr/bin/python3
"""Writes a small eval set for model_zoo/tiny_cnn (random weights, so no real labels exist): our own random 8x8
images, labelled with the float model's class (computed here in numpy from model.onnx, independent of qedge) except
every 4th sample, which gets the next class. The float model's accuracy is therefore exactly 0.75; samples whose two
best logits are closer than 0.05 are left out so that rounding differences cannot flip a label.

Also writes CALIB_DIR/sample_K.npy: 16 further images of the same distribution, one [1,1,8,8] file each, for
`qedge quantize --calib`.

Usage: bench_make_eval.py MODEL.onnx OUT_DIR CALIB_DIR [N]
       (writes OUT_DIR/inputs.npy float32 [N,1,8,8] and OUT_DIR/labels.npy int64 [N])
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def logits(weights, x):
    w, b = weights["conv_w"], weights["conv_b"]
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    conv = np.zeros((4, 8, 8), dtype=np.float64)
    for oc in range(4):
        for i in range(8):
            for j in range(8):
                conv[oc, i, j] = np.sum(padded[:, i:i + 3, j:j + 3] * w[oc]) + b[oc]
    pool = np.maximum(conv, 0).reshape(4, 4, 2, 4, 2).max(axis=(2, 4))
    return weights["fc_w"] @ pool.reshape(-1) + weights["fc_b"]


def main():
    model_path, out_dir, calib_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 48
    weights = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in onnx.load(model_path).graph.initializer}
    rng = np.random.default_rng(7)
    inputs, labels = [], []
    while len(inputs) < count:
        x = rng.normal(0, 1, (1, 8, 8)).astype(np.float32)
        top2 = np.sort(logits(weights, x.astype(np.float64)))[-2:]
        if top2[1] - top2[0] < 0.05:
            continue
        label = int(np.argmax(logits(weights, x.astype(np.float64))))
        if len(inputs) % 4 == 3:
            label = (label + 1) % 10
        inputs.append(x)
        labels.append(label)
    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, "inputs.npy"), np.stack(inputs).astype(np.float32))
    np.save(os.path.join(out_dir, "labels.npy"), np.array(labels, dtype=np.int64))
    os.makedirs(calib_dir, exist_ok=True)
    for k in range(16):
        np.save(os.path.join(calib_dir, f"sample_{k}.npy"), rng.normal(0, 1, (1, 1, 8, 8)).astype(np.float32))


if __name__ == "__main__":
    main()
