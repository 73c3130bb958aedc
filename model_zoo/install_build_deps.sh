#!/usr/bin/env bash
# Installs what rebuilding the model zoo needs beyond qedge's own dependencies: Debian 12's torch and torchvision
# (training, ONNX export). Only the zoo build scripts use them; CI and the runtime never need torch. Run as root.
set -euo pipefail
bash "$(dirname "$0")/../scripts/install_deps.sh" python3-torch python3-torchvision
