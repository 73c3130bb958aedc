#!/usr/bin/python3
"""Draws the README demo's input, a "7" on the 8x8 grid, from the picture below (no third-party data).

Scaled like the training data (model_zoo/datasets.py): flat float32 [1, 64], grey levels k/16 in [0, 1]; '#' is
full ink (16), '+' half (8), '.' faint (4), ' ' none, mimicking the anti-aliased UCI digits. Writes seven.npy next
to this script.
"""
import os

import numpy as np

PICTURE = [
    "  .+##+ ",
    "  +..##.",
    "     #+ ",
    "  .+##+ ",
    "   ##.  ",
    "   #+   ",
    "  +#    ",
    "  #+    ",
]
LEVELS = {" ": 0, ".": 4, "+": 8, "#": 16}

image = np.array([[LEVELS[c] for c in row] for row in PICTURE], dtype=np.float32)
np.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "seven.npy"), (image / 16).reshape(1, 64))
