#!/usr/bin/env bash
# Fresh machine to first result: installs dependencies, builds, converts the bundled 4-bit QONNX digits CNN to integer
# layers and classifies a drawn "7" with it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
digits=model_zoo/digits
build/bin/qedge convert "$digits/digits_cnn_w4a4.onnx" -o build/digits_cnn_w4a4.qedge --report
build/bin/qedge run build/digits_cnn_w4a4.qedge --input "x=$digits/seven.npy" --output-dir build/demo
/usr/bin/python3 -c "import numpy; print('predicted digit:', int(numpy.load('build/demo/logits.npy').argmax()))"
