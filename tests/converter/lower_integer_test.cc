// The integer lowering: quantized layers become qedge integer ops with bit-packed weights, the lowered model gives
// the fake-quantized float model's results, and what stays float says why.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "../support/kernel_harness.h"
#include "../support/onnx_builder.h"
#include "qedge/converter/converter.h"
#include "qedge/qedge.hpp"
#include "qedge/runtime/model_file.h"

namespace qedge::testing {
namespace {

constexpr const char* kQonnx = "qonnx.custom_op.general";

TensorData scalar(float v) { return make_tensor<float>(DType::kFloat32, {}, {v}); }

// x [2, k] -> Quant(8-bit) -> MatMul(Quant(W, w_bits, per-column scales)) -> Add(bias) -> Relu -> Quant(4-bit unsigned).
// With batchnorm_training_mode 0 or 1, a BatchNormalization (opset 15, that training_mode) after the Add.
std::string build_mlp(int k, int n, int w_bits, bool quantize_weight, int batchnorm_training_mode = -1) {
  OnnxBuilder b(batchnorm_training_mode < 0 ? 13 : 15);
  auto* op = b.proto().add_opset_import();
  op->set_domain(kQonnx);
  op->set_version(1);
  b.input("x", DType::kFloat32, {2, k});
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> w(static_cast<size_t>(k * n)), bias(static_cast<size_t>(n)), ws(static_cast<size_t>(n));
  for (float& v : w) v = normal(rng);
  for (float& v : bias) v = 0.5f * normal(rng);
  for (int c = 0; c < n; ++c) ws[c] = 0.25f / static_cast<float>(1 + c % 3);
  b.initializer("w", make_tensor<float>(DType::kFloat32, {k, n}, w));
  b.initializer("bias", make_tensor<float>(DType::kFloat32, {n}, bias));
  b.initializer("ws", make_tensor<float>(DType::kFloat32, {1, n}, ws));
  b.initializer("xs", scalar(0.05f));
  b.initializer("ys", scalar(0.5f));
  b.initializer("zero", scalar(0.0f));
  b.initializer("bits8", scalar(8.0f));
  b.initializer("bits4", scalar(4.0f));
  b.initializer("wbits", scalar(static_cast<float>(w_bits)));
  auto quant = [&](const std::vector<std::string>& in, const std::string& out, int is_signed, int narrow) {
    auto& q = b.node("Quant", in, {out}, out + "_quant");
    q.set_domain(kQonnx);
    OnnxBuilder::set_int(q, "signed", is_signed);
    OnnxBuilder::set_int(q, "narrow", narrow);
  };
  quant({"x", "xs", "zero", "bits8"}, "xq", 1, 0);
  if (quantize_weight) quant({"w", "ws", "zero", "wbits"}, "wq", 1, 1);
  b.node("MatMul", {"xq", quantize_weight ? "wq" : "w"}, {"mm"}, "fc");
  b.node("Add", {"mm", "bias"}, {"biased"});
  if (batchnorm_training_mode >= 0) {
    std::vector<float> gamma(static_cast<size_t>(n)), beta(static_cast<size_t>(n)), mean(static_cast<size_t>(n)),
        var(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) gamma[c] = 1.5f, beta[c] = 0.1f * static_cast<float>(c), mean[c] = 0.2f, var[c] = 2.0f;
    b.initializer("gamma", make_tensor<float>(DType::kFloat32, {n}, gamma));
    b.initializer("beta", make_tensor<float>(DType::kFloat32, {n}, beta));
    b.initializer("mean", make_tensor<float>(DType::kFloat32, {n}, mean));
    b.initializer("var", make_tensor<float>(DType::kFloat32, {n}, var));
    auto& bn = b.node("BatchNormalization", {"biased", "gamma", "beta", "mean", "var"}, {"normalized"}, "bn");
    OnnxBuilder::set_int(bn, "training_mode", batchnorm_training_mode);
  }
  b.node("Relu", {batchnorm_training_mode < 0 ? "biased" : "normalized"}, {"act"});
  quant({"act", "ys", "zero", "bits4"}, "y", 0, 0);
  b.output("y", DType::kFloat32);
  const std::string path = make_temp_dir() + "/mlp.onnx";
  b.save(path);
  return path;
}

// Runs a one-input, one-output float model and returns its output.
std::vector<float> run_model(const std::vector<uint8_t>& bytes, const std::vector<int64_t>& shape,
                             const std::vector<float>& x) {
  Model model;
  EXPECT_FALSE(model.load_memory(bytes.data(), bytes.size()));
  Session session;
  EXPECT_FALSE(session.create(model));
  EXPECT_FALSE(session.set_input(0, QEDGE_FLOAT32, shape, x.data(), x.size() * sizeof(float)));
  EXPECT_FALSE(session.run());
  qedge_tensor out{};
  EXPECT_FALSE(session.output(0, &out));
  const float* p = static_cast<const float*>(out.data);
  return p ? std::vector<float>(p, p + out.bytes / sizeof(float)) : std::vector<float>();
}

// The report line of node `name`, or null.
const NodeReport* report_of(const ConvertResult& r, const std::string& name) {
  for (const NodeReport& n : r.report) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

// Converts `path` with and without the integer lowering and runs both on x: every element of the integer model's
// output is within one output step of the float fake-quantization model's.
void expect_within_one_step(const std::string& path, const std::vector<int64_t>& shape, const std::vector<float>& x,
                            float step) {
  auto lowered = convert_onnx_file(path, {});
  ConvertOptions float_options;
  float_options.integer = false;
  auto fake = convert_onnx_file(path, float_options);
  ASSERT_TRUE(lowered.ok()) << lowered.status().message();
  ASSERT_TRUE(fake.ok()) << fake.status().message();
  const auto got = run_model(lowered->bytes, shape, x), want = run_model(fake->bytes, shape, x);
  ASSERT_EQ(got.size(), want.size());
  ASSERT_FALSE(got.empty());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_LE(std::fabs(got[i] - want[i]), step * 1.0001f) << "element " << i;
}

const fb::Node* find_node(const fb::Model& m, const std::string& op) {
  for (const fb::Node* n : *m.graphs()->Get(0)->nodes()) {
    if (n->op_type()->str() == op) return n;
  }
  return nullptr;
}

TEST(LowerInteger, QuantizedMatMulRunsOnIntegersWithPackedWeights) {
  constexpr int k = 64, n = 8;
  for (int w_bits : {1, 2, 3, 4, 5, 8}) {
    SCOPED_TRACE("weight bits " + std::to_string(w_bits));
    const std::string path = build_mlp(k, n, w_bits, true);
    auto lowered = convert_onnx_file(path, {});
    ASSERT_TRUE(lowered.ok()) << lowered.status().message();
    auto file = rt::ModelFile::from_memory(lowered->bytes.data(), lowered->bytes.size(), true);
    ASSERT_TRUE(file.ok()) << file.status().message();
    const fb::Model& m = (*file)->model();
    const fb::Node* mm = find_node(m, "QMatMul");
    ASSERT_NE(mm, nullptr);
    EXPECT_EQ(mm->domain()->str(), "qedge");
    // Input 0 is the 8-bit activation levels, input 1 the weight at its bit width; the output is the 4-bit levels.
    const fb::Tensor& x = *m.tensors()->Get(mm->inputs()->Get(0));
    const fb::Tensor& w = *m.tensors()->Get(mm->inputs()->Get(1));
    const fb::Tensor& y = *m.tensors()->Get(mm->outputs()->Get(0));
    EXPECT_EQ(x.dtype(), fb::DataType::INT8);
    EXPECT_EQ(y.dtype(), fb::DataType::UINT8);
    ASSERT_NE(w.quant(), nullptr);
    EXPECT_EQ(w.quant()->bit_width(), w_bits);
    EXPECT_EQ(w.quant()->scale()->size(), static_cast<size_t>(n));
    EXPECT_EQ(w.layout(), w_bits < 8 ? fb::StorageLayout::PACKED_BITS : fb::StorageLayout::NATURAL);
    EXPECT_EQ(m.segments()->Get(w.segment())->size(), static_cast<uint64_t>((k * n * w_bits + 7) / 8));
    EXPECT_EQ(find_node(m, "MatMul"), nullptr);
    EXPECT_EQ(find_node(m, "Relu"), nullptr);  // folded into the clamp bounds

    std::mt19937 rng(w_bits);
    std::uniform_real_distribution<float> uniform(-4.0f, 4.0f);
    std::vector<float> input(2 * k);
    for (float& v : input) v = uniform(rng);
    expect_within_one_step(path, {2, k}, input, 0.5f);
  }
}

// x [1, 2, 6, 6] -> Quant(8-bit) -> Conv(Quant(W, 4-bit per channel)) -> Relu -> MaxPool 2x2 -> Flatten -> Quant(4u).
std::string build_conv_pool() {
  OnnxBuilder b(13);
  auto* op = b.proto().add_opset_import();
  op->set_domain(kQonnx);
  op->set_version(1);
  b.input("x", DType::kFloat32, {1, 2, 6, 6});
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> w(3 * 2 * 3 * 3);
  for (float& v : w) v = normal(rng);
  b.initializer("w", make_tensor<float>(DType::kFloat32, {3, 2, 3, 3}, w));
  b.initializer("ws", make_tensor<float>(DType::kFloat32, {3, 1, 1, 1}, {0.25f, 0.5f, 0.125f}));
  b.initializer("xs", scalar(0.05f));
  b.initializer("ys", scalar(0.25f));
  b.initializer("zero", scalar(0.0f));
  b.initializer("bits8", scalar(8.0f));
  b.initializer("bits4", scalar(4.0f));
  auto quant = [&](const std::vector<std::string>& in, const std::string& out, int is_signed) {
    auto& q = b.node("Quant", in, {out}, out + "_quant");
    q.set_domain(kQonnx);
    OnnxBuilder::set_int(q, "signed", is_signed);
  };
  quant({"x", "xs", "zero", "bits8"}, "xq", 1);
  quant({"w", "ws", "zero", "bits4"}, "wq", 1);
  auto& conv = b.node("Conv", {"xq", "wq"}, {"c"}, "conv");
  OnnxBuilder::set_ints(conv, "pads", {1, 1, 1, 1});
  b.node("Relu", {"c"}, {"r"});
  auto& pool = b.node("MaxPool", {"r"}, {"p"}, "pool");
  OnnxBuilder::set_ints(pool, "kernel_shape", {2, 2});
  OnnxBuilder::set_ints(pool, "strides", {2, 2});
  b.node("Flatten", {"p"}, {"f"}, "flatten");
  quant({"f", "ys", "zero", "bits4"}, "y", 0);
  b.output("y", DType::kFloat32);
  const std::string path = make_temp_dir() + "/conv_pool.onnx";
  b.save(path);
  return path;
}

// An inference BatchNormalization after a quantized MatMul folds into its epilogue; one in training mode normalizes
// with the batch's own statistics, which no constant epilogue can, so it stays a node of its own.
TEST(LowerInteger, BatchNormFoldsIntoTheEpilogueOnlyInInferenceMode) {
  for (int training_mode : {0, 1}) {
    SCOPED_TRACE("training_mode " + std::to_string(training_mode));
    auto lowered = convert_onnx_file(build_mlp(16, 4, 4, true, training_mode), {});
    ASSERT_TRUE(lowered.ok()) << lowered.status().message();
    auto file = rt::ModelFile::from_memory(lowered->bytes.data(), lowered->bytes.size(), true);
    ASSERT_TRUE(file.ok()) << file.status().message();
    EXPECT_EQ(find_node((*file)->model(), "BatchNormalization") != nullptr, training_mode == 1);
  }
}

TEST(LowerInteger, PoolingAndFlattenRunOnLevelsWhenAQuantizerFollowsThem) {
  const std::string path = build_conv_pool();
  auto lowered = convert_onnx_file(path, {});
  ASSERT_TRUE(lowered.ok()) << lowered.status().message();
  const NodeReport* conv = report_of(*lowered, "conv");
  ASSERT_NE(conv, nullptr);
  EXPECT_NE(conv->note.find("requantized to uint4"), std::string::npos) << conv->note;
  for (const char* name : {"pool", "flatten"}) {
    const NodeReport* n = report_of(*lowered, name);
    ASSERT_NE(n, nullptr) << name;
    EXPECT_EQ(n->precision, "uint8") << name;
  }
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> uniform(-5.0f, 5.0f);
  std::vector<float> x(72);
  for (float& v : x) v = uniform(rng);
  expect_within_one_step(path, {1, 2, 6, 6}, x, 0.25f);
}

TEST(LowerInteger, AddOfTwoQuantizedActivationsRescalesOnIntegers) {
  // x -> Quant(8-bit, 0.05) = a; x -> Quant(4-bit, 0.3) = b; Add(a, b) -> Relu -> Quant(uint4, 0.5).
  OnnxBuilder b(13);
  auto* op = b.proto().add_opset_import();
  op->set_domain(kQonnx);
  op->set_version(1);
  b.input("x", DType::kFloat32, {2, 3, 5});
  for (auto [name, v] : std::vector<std::pair<std::string, float>>{{"sa", 0.05f}, {"sb", 0.3f}, {"sy", 0.5f},
                                                                    {"zero", 0.0f}, {"b8", 8.0f}, {"b4", 4.0f}}) {
    b.initializer(name, scalar(v));
  }
  auto quant = [&](const std::vector<std::string>& in, const std::string& out, int is_signed) {
    auto& q = b.node("Quant", in, {out}, out + "_quant");
    q.set_domain(kQonnx);
    OnnxBuilder::set_int(q, "signed", is_signed);
  };
  quant({"x", "sa", "zero", "b8"}, "a", 1);
  quant({"x", "sb", "zero", "b4"}, "bq", 1);
  b.node("Add", {"a", "bq"}, {"sum"}, "residual");
  b.node("Relu", {"sum"}, {"r"});
  quant({"r", "sy", "zero", "b4"}, "y", 0);
  b.output("y", DType::kFloat32);
  const std::string path = make_temp_dir() + "/add.onnx";
  b.save(path);
  auto lowered = convert_onnx_file(path, {});
  ASSERT_TRUE(lowered.ok()) << lowered.status().message();
  const NodeReport* n = report_of(*lowered, "residual");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->op_type, "qedge.QAdd");
  EXPECT_NE(n->note.find("int8 + int4 levels, rescaled, requantized to uint4; fused Relu Quant"), std::string::npos) << n->note;
  std::vector<float> x(30);
  for (size_t i = 0; i < x.size(); ++i) x[i] = -3.0f + 0.2137f * static_cast<float>(i);
  expect_within_one_step(path, {2, 3, 5}, x, 0.5f);
}

TEST(LowerInteger, ReportSaysWhyALayerStaysFloat) {
  auto r = convert_onnx_file(build_mlp(16, 8, 4, false), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const NodeReport* n = report_of(*r, "fc");
  ASSERT_NE(n, nullptr);
  // A float MatMul with its bias Add and Relu (fuse_matmul_bias, fuse_activations).
  EXPECT_EQ(n->op_type, "qedge.FusedGemm");
  EXPECT_NE(n->note.find("float: weight is not quantized"), std::string::npos) << n->note;
}

TEST(LowerInteger, ReportNamesOperandPrecisionsAndFusedOps) {
  auto r = convert_onnx_file(build_mlp(16, 8, 3, true), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const NodeReport* n = report_of(*r, "fc");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->op_type, "qedge.QMatMul");
  EXPECT_NE(n->note.find("int8 x int3 weights"), std::string::npos) << n->note;
  EXPECT_NE(n->note.find("requantized to uint4"), std::string::npos) << n->note;
  EXPECT_NE(n->note.find("fused Add Relu Quant"), std::string::npos) << n->note;
}

}  // namespace
}  // namespace qedge::testing
