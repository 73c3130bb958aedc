// One-step differences and argmax agreement of quantized outputs (qedge conform).
#include "quantized_compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "qedge/runtime/model_file.h"

namespace qedge::cli {
namespace {

const Tolerance kOnnx;  // rtol 1e-3, atol 1e-7

TEST(StepDiff, OneStepDifferencesAreCounted) {
  // Step 0.25: two elements off by one step (a tie rounded the other way), one by a float error.
  const std::vector<double> expected = {0.0, 0.25, 0.5, -0.75, 1.0, 2.0};
  const std::vector<double> actual = {0.0, 0.5, 0.5, -1.0, 1.0000001, 2.0};
  const StepDiff d = diff_in_steps(actual, expected, {2, 3}, OutputStep{{0.25}, -1}, kOnnx);
  EXPECT_TRUE(d.error.empty());
  EXPECT_EQ(d.differing, 2);
  EXPECT_EQ(d.total, 6);
  EXPECT_DOUBLE_EQ(d.max_steps, 1.0);
  EXPECT_TRUE(d.within_one_step());
}

TEST(StepDiff, TwoStepsFail) {
  const std::vector<double> expected = {0.0, 0.25, 0.5, 0.75};
  const std::vector<double> actual = {0.25, 0.75, 0.5, 0.75};
  const StepDiff d = diff_in_steps(actual, expected, {4}, OutputStep{{0.25}, -1}, kOnnx);
  EXPECT_EQ(d.differing, 2);
  EXPECT_DOUBLE_EQ(d.max_steps, 2.0);
  EXPECT_EQ(d.worst, 1);
  EXPECT_FALSE(d.within_one_step());
}

TEST(StepDiff, FloatSlackOnOneStep) {
  // 0.1 is not a binary fraction: a one-step difference measures 1 + a few ulps.
  const double step = 0.1;
  const StepDiff d = diff_in_steps({0.3 + step}, {0.3}, {1}, OutputStep{{step}, -1}, kOnnx);
  EXPECT_NEAR(d.max_steps, 1.0, 1e-9);
  EXPECT_TRUE(d.within_one_step());
  EXPECT_FALSE(diff_in_steps({0.3 + 1.01 * step}, {0.3}, {1}, OutputStep{{step}, -1}, kOnnx).within_one_step());
}

TEST(StepDiff, PerAxisStepsUseTheElementsChannel) {
  // Shape [1, 2, 2], axis 1: channel 0 has step 1, channel 1 step 0.125.
  const std::vector<double> expected = {1, 2, 0.125, 0.25};
  const OutputStep step{{1.0, 0.125}, 1};
  EXPECT_TRUE(diff_in_steps({2, 2, 0.25, 0.25}, expected, {1, 2, 2}, step, kOnnx).within_one_step());
  const StepDiff d = diff_in_steps({1, 2, 0.125, 0.5}, expected, {1, 2, 2}, step, kOnnx);
  EXPECT_DOUBLE_EQ(d.max_steps, 2.0);
  EXPECT_EQ(d.worst, 3);
  // A negative axis counts from the end.
  EXPECT_TRUE(diff_in_steps({2, 2, 0.25, 0.25}, expected, {1, 2, 2}, OutputStep{{1.0, 0.125}, -2}, kOnnx).within_one_step());
}

TEST(StepDiff, NanAndInfinity) {
  const OutputStep step{{0.5}, -1};
  EXPECT_EQ(diff_in_steps({NAN, INFINITY}, {NAN, INFINITY}, {2}, step, kOnnx).differing, 0);
  EXPECT_FALSE(diff_in_steps({NAN}, {0.5}, {1}, step, kOnnx).within_one_step());
  EXPECT_FALSE(diff_in_steps({INFINITY}, {0.5}, {1}, step, kOnnx).within_one_step());
}

TEST(StepDiff, StepsThatDoNotFitAreReported) {
  const StepDiff wrong_axis = diff_in_steps({1, 2}, {1, 2}, {2}, OutputStep{{1.0, 2.0, 3.0}, 0}, kOnnx);
  EXPECT_NE(wrong_axis.error.find("3 scales along axis 0"), std::string::npos) << wrong_axis.error;
  EXPECT_FALSE(wrong_axis.within_one_step());
  const StepDiff zero = diff_in_steps({1}, {1}, {1}, OutputStep{{0.0}, -1}, kOnnx);
  EXPECT_NE(zero.error.find("not a positive finite step"), std::string::npos) << zero.error;
}

TEST(Argmax, RowsAlongTheLastAxis) {
  const std::vector<double> expected = {0.1, 0.9, 0.0, /**/ 0.5, 0.2, 0.1};
  EXPECT_EQ(compare_argmax({0.0, 1.0, 0.0, 0.4, 0.3, 0.0}, expected, {2, 3}).mismatched, 0);
  const ArgmaxCheck c = compare_argmax({0.0, 1.0, 0.0, 0.1, 0.3, 0.0}, expected, {2, 3});
  EXPECT_EQ(c.rows, 2);
  EXPECT_EQ(c.mismatched, 1);
}

TEST(Argmax, ATieInTheReferenceAcceptsEitherPosition) {
  const std::vector<double> expected = {0.5, 0.0, 0.5};
  EXPECT_EQ(compare_argmax({0.25, 0.0, 0.5}, expected, {3}).mismatched, 0);
  EXPECT_EQ(compare_argmax({0.5, 0.0, 0.25}, expected, {3}).mismatched, 0);
  EXPECT_EQ(compare_argmax({0.0, 0.5, 0.25}, expected, {3}).mismatched, 1);
}

// A model whose outputs are: y = qedge::Dequantize(q) with q per-axis quantized, z with its own bipolar record,
// w unquantized.
std::vector<uint8_t> build_model_with_quantized_outputs() {
  flatbuffers::FlatBufferBuilder b;
  const std::vector<int64_t> shape = {2, 3};
  auto tensor = [&](const char* name, fb::DataType dt, fb::TensorKind kind, flatbuffers::Offset<fb::Quantization> q) {
    return fb::CreateTensor(b, b.CreateString(name), dt, b.CreateVector(shape), true, kind, -1, -1, q);
  };
  const std::vector<float> per_axis = {0.5f, 0.25f, 0.125f}, one = {0.25f};
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      tensor("x", fb::DataType::FLOAT, fb::TensorKind::INPUT, 0),
      tensor("q", fb::DataType::INT8, fb::TensorKind::ACTIVATION,
             fb::CreateQuantization(b, 4, true, false, false, b.CreateVector(per_axis), 0, 1)),
      tensor("y", fb::DataType::FLOAT, fb::TensorKind::ACTIVATION, 0),
      tensor("z", fb::DataType::FLOAT, fb::TensorKind::ACTIVATION,
             fb::CreateQuantization(b, 1, true, false, true, b.CreateVector(one))),
      tensor("w", fb::DataType::FLOAT, fb::TensorKind::ACTIVATION, 0)};
  auto node = [&](const char* op, const char* domain, int32_t in, int32_t out) {
    const std::vector<int32_t> ins = {in}, outs = {out};
    return fb::CreateNode(b, 0, b.CreateString(op), b.CreateString(domain), 1, b.CreateVector(ins), b.CreateVector(outs));
  };
  std::vector<flatbuffers::Offset<fb::Node>> nodes = {node("Quantize", "qedge", 0, 1), node("Dequantize", "qedge", 1, 2),
                                                      node("BipolarQuant", "qonnx.custom_op.general", 0, 3),
                                                      node("Relu", "", 0, 4)};
  const std::vector<int32_t> inputs = {0}, outputs = {2, 3, 4};
  std::vector<flatbuffers::Offset<fb::Graph>> graphs = {
      fb::CreateGraph(b, b.CreateString("main"), b.CreateVector(nodes), b.CreateVector(inputs), b.CreateVector(outputs))};
  auto model = fb::CreateModel(b, format::kSchemaMajor, format::kSchemaMinor, b.CreateString("test"),
                               b.CreateVector(graphs), b.CreateVector(tensors));
  b.FinishSizePrefixed(model, fb::ModelIdentifier());
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

TEST(OutputSteps, FromTheDequantizeInputOrTheOutputsOwnRecord) {
  const std::vector<uint8_t> bytes = build_model_with_quantized_outputs();
  auto file = rt::ModelFile::from_memory(bytes.data(), bytes.size(), /*copy=*/true);
  ASSERT_TRUE(file.ok()) << file.status().message();
  const std::vector<OutputStep> steps = output_steps((*file)->model());
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].scale, (std::vector<double>{0.5, 0.25, 0.125}));
  EXPECT_EQ(steps[0].axis, 1);
  EXPECT_EQ(steps[1].scale, (std::vector<double>{0.5}));  // bipolar: the levels +-0.25 are 0.5 apart
  EXPECT_TRUE(steps[2].scale.empty());
  // A one-step difference in channel 2 of the Dequantize output passes; two steps fail.
  const std::vector<double> expected = {0, 0, 0, 1, 1, 1};
  EXPECT_TRUE(diff_in_steps({0, 0, 0.125, 1, 1, 1}, expected, {2, 3}, steps[0], kOnnx).within_one_step());
  EXPECT_FALSE(diff_in_steps({0, 0, 0.25, 1, 1, 1}, expected, {2, 3}, steps[0], kOnnx).within_one_step());
}

}  // namespace
}  // namespace qedge::cli
