#!/usr/bin/env bash
# Fresh machine to first result: installs dependencies, builds, converts the bundled model and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
model=model_zoo/tiny_cnn
build/bin/qedge convert "$model/model.onnx" -o build/tiny_cnn.qedge --report
build/bin/qedge run build/tiny_cnn.qedge --input "input=$model/input.npy"
