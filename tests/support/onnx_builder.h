// Builds small ONNX models in C++ for converter and end-to-end tests (no Python needed).
#pragma once

#include <string>
#include <vector>

#include "onnx/onnx_pb.h"
#include "qedge/kernel_api/tensor.h"

namespace qedge::testing {

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int opset = 17);
  // Dims of -1 become symbolic dimensions.
  OnnxBuilder& input(const std::string& name, DType dtype, const Dims& dims);
  OnnxBuilder& output(const std::string& name, DType dtype);
  OnnxBuilder& initializer(const std::string& name, const TensorData& data);
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "");
  static void set_int(onnx::NodeProto& n, const std::string& name, int64_t v);
  static void set_ints(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v);
  // Writes the model to `path`.
  void save(const std::string& path) const;
  onnx::ModelProto& proto() { return model_; }

 private:
  onnx::ModelProto model_;
};

// A fresh empty folder under the system temp dir.
std::string make_temp_dir();

}  // namespace qedge::testing
