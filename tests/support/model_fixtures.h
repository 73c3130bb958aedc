// Small models shared by converter, format and runtime tests.
#pragma once

#include <string>
#include <vector>

#include "onnx_builder.h"

namespace qedge::testing {

// y = Relu(x + bias) with x float[2,3] (or [N,3] when `dynamic_batch`) and bias a constant [3].
OnnxBuilder add_relu_model(bool dynamic_batch = false);
// Converts `builder`'s model (saved under a temp dir) to .qedge bytes; fails the test on error.
std::vector<uint8_t> convert_to_bytes(const OnnxBuilder& builder, const std::string& backend = "cpu");

}  // namespace qedge::testing
