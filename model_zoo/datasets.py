#!/usr/bin/python3
"""The model zoo's datasets: deterministic train/held-out splits of data that ships in Debian packages.

    /usr/bin/python3 model_zoo/datasets.py digits model_zoo/data/digits_test

writes the held-out split as `inputs.npy` (float32 [N, 64]) and `labels.npy` (int64 [N]), the layout `qedge eval`
reads (model_zoo/zoo.json's `eval.data`). The data is scikit-learn's bundled copy of the UCI 8x8 digits (Debian
`python3-sklearn`); it is third-party, so it is generated here and never committed.
"""
import os
import sys

import numpy as np

# 20 % held out, stratified, fixed seed: the same 360 samples on every machine.
DIGITS_TEST_SIZE = 360
DIGITS_SEED = 0
# Grey levels are 0..16; inputs are scaled to [0, 1] (multiples of 1/16, exact on an 8-bit grid of step 1/128).
DIGITS_MAX = 16.0


def digits():
    """Returns (x_train, y_train, x_test, y_test): x float32 [N, 64] in [0, 1], y int64 [N]."""
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise SystemExit("datasets.py: scikit-learn is missing (apt-get install python3-sklearn)")
    data = load_digits()
    x = (data.data / DIGITS_MAX).astype(np.float32)
    y = data.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=DIGITS_TEST_SIZE, random_state=DIGITS_SEED, stratify=y)
    return x_train, y_train, x_test, y_test


def write_split(folder, inputs, labels):
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, "inputs.npy"), np.ascontiguousarray(inputs, dtype=np.float32))
    np.save(os.path.join(folder, "labels.npy"), np.ascontiguousarray(labels, dtype=np.int64))


DATASETS = {"digits": digits}


def main(argv):
    if len(argv) != 3 or argv[1] not in DATASETS:
        print("usage: datasets.py {%s} OUTPUT_DIR" % "|".join(DATASETS), file=sys.stderr)
        return 2
    _, _, x_test, y_test = DATASETS[argv[1]]()
    write_split(argv[2], x_test, y_test)
    print("%s: %d held-out samples -> %s" % (argv[1], len(y_test), argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
