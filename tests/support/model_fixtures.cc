#include "model_fixtures.h"

#include <gtest/gtest.h>

#include "kernel_harness.h"
#include "qedge/converter/converter.h"

namespace qedge::testing {

OnnxBuilder add_relu_model(bool dynamic_batch) {
  OnnxBuilder b;
  b.input("x", DType::kFloat32, {dynamic_batch ? -1 : 2, 3});
  b.initializer("bias", make_tensor<float>(DType::kFloat32, {3}, {1.0f, -2.0f, 0.5f}));
  b.node("Add", {"x", "bias"}, {"sum"}, "add");
  b.node("Relu", {"sum"}, {"y"}, "relu");
  b.output("y", DType::kFloat32);
  return b;
}

std::vector<uint8_t> convert_to_bytes(const OnnxBuilder& builder, const std::string& backend) {
  const std::string dir = make_temp_dir();
  const std::string path = dir + "/model.onnx";
  builder.save(path);
  ConvertOptions options;
  options.backend = backend;
  auto result = convert_onnx_file(path, options);
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? result->bytes : std::vector<uint8_t>{};
}

}  // namespace qedge::testing
