// The converter's public entry point: ONNX/QONNX model in, .qedge bytes out.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "qedge/kernel_api/shape.h"
#include "qedge/kernel_api/status.h"

namespace qedge {

struct ConvertOptions {
  // Pins dynamic input dimensions: name -> full shape.
  std::map<std::string, Dims> input_shapes;
  // Backend every node prefers ("cpu" by default); the runtime falls back to cpu per node.
  std::string backend = "cpu";
  // Lower quantized Conv/MatMul/Gemm to integer ops with bit-packed weights. False keeps QONNX/QDQ models as
  // float fake-quantization, as their reference semantics describe them.
  bool integer = true;
};

// One line of `qedge convert --report`.
struct NodeReport {
  std::string name;
  std::string op_type;
  std::string backend;
  std::string precision;  // output dtypes, e.g. "float" or "int8"
  std::string shapes;     // output shapes; "?" for dynamic
  std::string note;       // why it runs as it does (e.g. dynamic shape)
};

struct ConvertResult {
  std::vector<uint8_t> bytes;
  std::vector<NodeReport> report;
  int folded_nodes = 0;
};

Result<ConvertResult> convert_onnx_file(const std::string& onnx_path, const ConvertOptions& options);
// Writes the result atomically (temporary file + rename).
Status write_model_file(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace qedge
