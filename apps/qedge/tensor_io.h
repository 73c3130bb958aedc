// Reading and writing tensors for the CLI: ONNX .pb (TensorProto) and numpy .npy files.
#pragma once

#include <string>

#include "qedge/kernel_api/status.h"
#include "qedge/kernel_api/tensor.h"

namespace qedge::cli {

// Reads a .pb or .npy file (by extension).
Result<TensorData> read_tensor_file(const std::string& path);
// Writes a .pb (ONNX TensorProto) or .npy file (by extension).
Status write_tensor_file(const std::string& path, const TensorData& t, const std::string& name);
// "1x3x224x224" -> {1,3,224,224}
Result<Dims> parse_dims(const std::string& text);
// A short preview: "[0.1, 0.2, ... ] (min -1, max 3)".
std::string preview(const TensorData& t, int max_values = 8);
// Element `i` as double (for comparisons and previews); NaN for unsupported types.
double element_as_double(const TensorData& t, int64_t i);

}  // namespace qedge::cli
