// Shared by the pass tests: convert a small ONNX model and run it through the public API.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "../../support/kernel_harness.h"
#include "../../support/onnx_builder.h"
#include "ir/graph.h"
#include "qedge/converter/converter.h"
#include "qedge/qedge.hpp"

namespace qedge::testing {

// Saves `builder`'s model and converts it.
inline Result<ConvertResult> convert_built(const OnnxBuilder& builder, const ConvertOptions& options = {}) {
  const std::string path = make_temp_dir() + "/model.onnx";
  builder.save(path);
  return convert_onnx_file(path, options);
}

// The op types of a conversion report, in node order.
inline std::vector<std::string> report_ops(const ConvertResult& r) {
  std::vector<std::string> ops;
  for (const NodeReport& n : r.report) ops.push_back(n.op_type);
  return ops;
}

// Runs a converted float model on float inputs (`runs` times on one session) and returns its first output.
inline std::vector<float> run_float_model(const std::vector<uint8_t>& bytes, const std::vector<TensorData>& inputs,
                                          int threads = 1, int runs = 1) {
  Model model;
  EXPECT_FALSE(model.load_memory(bytes.data(), bytes.size()));
  Session session;
  EXPECT_FALSE(session.create(model, threads));
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_FALSE(session.set_input(static_cast<int>(i), QEDGE_FLOAT32, inputs[i].shape, inputs[i].bytes.data(),
                                   inputs[i].bytes.size()));
  }
  qedge_tensor out{};
  for (int r = 0; r < runs; ++r) EXPECT_FALSE(session.run());
  EXPECT_FALSE(session.output(0, &out));
  const auto* p = static_cast<const float*>(out.data);
  return p ? std::vector<float>(p, p + out.bytes / sizeof(float)) : std::vector<float>();
}

// A float32 tensor of `shape` with values uniform in [-1, 1).
inline TensorData random_float_tensor(const Dims& shape, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(num_elements(shape)));
  for (float& e : v) e = u(rng);
  return make_tensor<float>(DType::kFloat32, shape, v);
}

// IR-level graphs: a float32 tensor of known shape, and a main-graph node with one output.
inline int add_float_tensor(conv::IrModel& m, const std::string& name, Dims shape) {
  conv::IrTensor t;
  t.name = name;
  t.dtype = DType::kFloat32;
  t.shape = std::move(shape);
  t.shape_known = true;
  return m.add_tensor(t);
}

inline conv::IrNode& add_node(conv::IrModel& m, const std::string& op, std::vector<int> inputs, int output) {
  conv::IrNode n;
  n.name = "n" + std::to_string(m.main().nodes.size());
  n.op_type = op;
  n.inputs = std::move(inputs);
  n.outputs = {output};
  m.main().nodes.push_back(n);
  return m.main().nodes.back();
}

}  // namespace qedge::testing
