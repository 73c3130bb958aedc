// Conv + inference BatchNormalization fold into one Conv whose results match the two ops run separately.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "../support/kernel_harness.h"
#include "../support/onnx_builder.h"
#include "qedge/converter/converter.h"
#include "qedge/qedge.hpp"

namespace qedge::testing {
namespace {

TEST(FoldBatchNorm, ConvAbsorbsTheNormalization) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f), pos(0.5f, 2.0f);
  auto values = [&](size_t n, bool positive) {
    std::vector<float> v(n);
    for (float& e : v) e = positive ? pos(rng) : u(rng);
    return v;
  };
  const auto x = make_tensor<float>(DType::kFloat32, {1, 3, 6, 6}, values(108, false));
  const auto w = make_tensor<float>(DType::kFloat32, {4, 3, 3, 3}, values(108, false));
  const auto b = make_tensor<float>(DType::kFloat32, {4}, values(4, false));
  const auto gamma = make_tensor<float>(DType::kFloat32, {4}, values(4, true));
  const auto beta = make_tensor<float>(DType::kFloat32, {4}, values(4, false));
  const auto mean = make_tensor<float>(DType::kFloat32, {4}, values(4, false));
  const auto var = make_tensor<float>(DType::kFloat32, {4}, values(4, true));

  OnnxBuilder builder(13);
  builder.input("x", DType::kFloat32, {1, 3, 6, 6});
  for (auto& [name, t] : std::vector<std::pair<std::string, TensorData>>{
           {"w", w}, {"b", b}, {"gamma", gamma}, {"beta", beta}, {"mean", mean}, {"var", var}}) {
    builder.initializer(name, t);
  }
  auto& conv = builder.node("Conv", {"x", "w", "b"}, {"c"}, "conv");
  OnnxBuilder::set_ints(conv, "pads", {1, 1, 1, 1});
  builder.node("BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, {"y"}, "bn");
  builder.output("y", DType::kFloat32);
  const std::string path = make_temp_dir() + "/conv_bn.onnx";
  builder.save(path);
  auto r = convert_onnx_file(path, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->report.size(), 1u);
  EXPECT_EQ(r->report[0].op_type, "Conv");
  EXPECT_NE(r->report[0].note.find("fused BatchNormalization"), std::string::npos);

  AttrMap conv_attrs;
  conv_attrs.set(ints_attr("pads", {1, 1, 1, 1}));
  auto c = run_ref_kernel("Conv", conv_attrs, {x, w, b});
  ASSERT_TRUE(c.ok());
  auto want = run_ref_kernel("BatchNormalization", AttrMap(), {(*c)[0], gamma, beta, mean, var});
  ASSERT_TRUE(want.ok());
  Model model;
  ASSERT_FALSE(model.load_memory(r->bytes.data(), r->bytes.size()));
  Session session;
  ASSERT_FALSE(session.create(model));
  ASSERT_FALSE(session.set_input(0, QEDGE_FLOAT32, {1, 3, 6, 6}, x.bytes.data(), x.bytes.size()));
  ASSERT_FALSE(session.run());
  qedge_tensor out{};
  ASSERT_FALSE(session.output(0, &out));
  const auto expected = values_of<float>((*want)[0]);
  ASSERT_EQ(out.bytes, expected.size() * sizeof(float));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(static_cast<const float*>(out.data)[i], expected[i], 1e-5f * (1.0f + std::fabs(expected[i]))) << i;
  }
}

}  // namespace
}  // namespace qedge::testing
