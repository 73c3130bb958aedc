// The fast transformer kernels (Softmax, LayerNormalization, Gelu, Concat) against the reference, 1 and 3 threads,
// random shapes with odd widths: float results within 1e-5 relative (both NaN counts as equal; `floor` is the
// absolute error allowed where the exact result is near 0), Concat bit-identical. The portable row functions are
// checked too, since this machine's kernels take the AVX2 ones.
#include <cmath>
#include <limits>

#include "fast_test_support.h"
#include "transformer/row_kernels.h"

namespace qedge::testing {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

void expect_close(const TensorData& got, const TensorData& want, double floor) {
  const auto g = values_of<float>(got), w = values_of<float>(want);
  ASSERT_EQ(g.size(), w.size());
  for (size_t i = 0; i < g.size(); ++i) {
    if (std::isnan(w[i]) || std::isinf(w[i])) {
      ASSERT_TRUE(std::isnan(w[i]) ? std::isnan(g[i]) : g[i] == w[i]) << "element " << i << ": " << g[i] << " vs "
                                                                        << w[i];
      continue;
    }
    ASSERT_LE(std::fabs(g[i] - w[i]), 1e-5 * (std::fabs(w[i]) + floor)) << "element " << i << ": " << g[i] << " vs "
                                                                          << w[i];
  }
}

// `op` at `opset` on the fast kernels (1 and 3 threads) against the reference.
void expect_matches(const std::string& op, const AttrMap& a, const std::vector<std::optional<TensorData>>& in,
                    double floor, int opset = 22) {
  auto want = run_ref_kernel(op, a, in, 1, opset);
  ASSERT_TRUE(want.ok()) << want.status().message();
  TestThreads threads;
  for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
    KernelRun run;
    run.opset = opset;
    run.threads = pool;
    auto got = run_kernel(fast_registry(), op, a, in, run);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ((*got)[0].shape, (*want)[0].shape);
    expect_close((*got)[0], (*want)[0], floor);
  }
}

TensorData scaled_tensor(const Dims& shape, float scale, float offset, std::mt19937& rng) {
  auto v = random_floats(static_cast<size_t>(num_elements(shape)), rng);
  for (float& e : v) e = e * scale + offset;
  return make_tensor<float>(DType::kFloat32, shape, v);
}

// Random shapes of rank 1..4 whose last dim is `width`; enough rows now and then for the threaded path.
Dims random_shape(int64_t width, std::mt19937& rng) {
  std::uniform_int_distribution<int> rank(1, 4), dim(1, 5);
  Dims s;
  for (int d = rank(rng) - 1; d > 0; --d) s.push_back(dim(rng));
  if (width < 64 && rng() % 3 == 0) s.insert(s.begin(), 300);
  s.push_back(width);
  return s;
}

const int64_t kWidths[] = {1, 3, 7, 8, 9, 16, 17, 31, 64, 100, 257, 1000};

TEST(FastSoftmax, RandomShapesMatchReference) {
  std::mt19937 rng(5);
  for (int64_t w : kWidths) {
    for (float scale : {1.0f, 30.0f}) {
      const auto x = scaled_tensor(random_shape(w, rng), scale, 0.0f, rng);
      SCOPED_TRACE(dims_to_string(x.shape) + " scale " + std::to_string(scale));
      expect_matches("Softmax", AttrMap(), {x}, 1e-30);
      if (x.shape.size() > 1) expect_matches("Softmax", attrs({int_attr("axis", 0)}), {x}, 1e-30);
    }
  }
}

TEST(FastSoftmax, OpsetBefore13CoercesTo2D) {
  std::mt19937 rng(6);
  const auto x = scaled_tensor({3, 5, 7, 9}, 4.0f, 0.0f, rng);
  for (int64_t axis : {0, 1, 2, -1}) {
    SCOPED_TRACE(axis);
    expect_matches("Softmax", attrs({int_attr("axis", axis)}), {x}, 1e-30, 11);
  }
  expect_matches("Softmax", AttrMap(), {x}, 1e-30, 11);
}

TEST(FastSoftmax, ExtremeInputs) {
  const std::vector<std::vector<float>> rows = {
      {1e30f, -1e30f, 0.0f, 1e30f, 3.0f, -3.0f, 1e-30f, 2.0f, 1.0f, 0.5f, -0.5f},
      {-kInf, 0.0f, -kInf, 1.0f, -kInf, 2.0f, -kInf, 3.0f, -kInf, 4.0f, -kInf},
      {-kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf},
      {0.0f, kInf, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f, 9.0f},
      {0.0f, 1.0f, 2.0f, kNaN, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f, 9.0f},
      {-80.0f, -85.0f, -87.0f, -87.5f, -88.0f, -90.0f, -100.0f, 0.0f, -20.0f, -40.0f, -60.0f},
      {88.0f, 88.5f, 88.7f, 88.8f, 89.0f, 100.0f, 50.0f, 0.0f, -1.0f, 1.0f, 2.0f},
      {7.0f, 7.0f, 7.0f, 7.0f, 7.0f, 7.0f, 7.0f, 7.0f, 7.0f, 7.0f, 7.0f},
  };
  std::vector<float> v;
  for (const auto& r : rows) v.insert(v.end(), r.begin(), r.end());
  const auto x = make_tensor<float>(DType::kFloat32, {static_cast<int64_t>(rows.size()), 11}, v);
  expect_matches("Softmax", AttrMap(), {x}, 1e-30);
}

TEST(FastLayerNorm, RandomShapesAxesAndOffsetsMatchReference) {
  std::mt19937 rng(7);
  for (int64_t w : kWidths) {
    for (float offset : {0.0f, 100.0f}) {
      const Dims shape = random_shape(w, rng);
      for (int64_t axis : {int64_t{-1}, int64_t{1} - static_cast<int64_t>(shape.size())}) {
        const Dims row(shape.end() + (axis < 0 ? axis : axis - static_cast<int64_t>(shape.size())), shape.end());
        const auto x = scaled_tensor(shape, 2.0f, offset, rng);
        const auto scale = scaled_tensor(row, 1.0f, 0.0f, rng);
        const auto bias = scaled_tensor(row, 1.0f, 0.0f, rng);
        const AttrMap a = attrs({int_attr("axis", axis), float_attr("epsilon", w == 1 ? 1e-2f : 1e-5f)});
        SCOPED_TRACE(dims_to_string(shape) + " axis " + std::to_string(axis) + " offset " + std::to_string(offset));
        // Scale up to 1 times normalized values up to ~3, plus the bias: terms of about 4.
        expect_matches("LayerNormalization", a, {x, scale, bias}, 4.0);
        expect_matches("LayerNormalization", a, {x, scale}, 4.0);
      }
    }
  }
}

TEST(FastLayerNorm, BroadcastParametersAndStatisticsOutputsFallBack) {
  std::mt19937 rng(8);
  const auto x = scaled_tensor({4, 6, 10}, 1.0f, 0.0f, rng);
  const auto one = make_tensor<float>(DType::kFloat32, {1}, {0.5f});
  expect_matches("LayerNormalization", attrs({int_attr("axis", -2)}), {x, scaled_tensor({1, 10}, 1, 0, rng), one},
                 4.0);
  // The Mean and InvStdDev outputs come from the reference kernel.
  const auto scale = scaled_tensor({10}, 1, 0, rng);
  auto want = run_ref_kernel("LayerNormalization", AttrMap(), {x, scale}, 3);
  ASSERT_TRUE(want.ok()) << want.status().message();
  KernelRun run;
  run.num_outputs = 3;
  auto got = run_kernel(fast_registry(), "LayerNormalization", AttrMap(), {x, scale}, run);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ((*got)[i].bytes, (*want)[i].bytes) << "output " << i;
}

TEST(FastGelu, BothFormsMatchReference) {
  std::mt19937 rng(9);
  for (const char* form : {"none", "tanh"}) {
    for (int64_t n : {int64_t{1}, int64_t{7}, int64_t{8}, int64_t{13}, int64_t{4096 * 3 + 5}}) {
      SCOPED_TRACE(std::string(form) + " n " + std::to_string(n));
      // Where the result is below ~1e-9 (x < -6) the reference itself, 0.5 x (1 + erf) in double, cancels to an
      // absolute precision of ~1e-16: the floor allows that.
      const auto x = scaled_tensor({n}, 8.0f, 0.0f, rng);
      expect_matches("Gelu", attrs({string_attr("approximate", form)}), {x}, 1e-9);
    }
    const auto special = make_tensor<float>(
        DType::kFloat32, {12}, {0.0f, -0.0f, kNaN, kInf, 1e-30f, -1e-30f, 20.0f, -20.0f, 1e4f, -1e4f, 3.0f, -3.0f});
    expect_matches("Gelu", attrs({string_attr("approximate", form)}), {special}, 1e-9);
  }
}

TEST(FastConcat, AnyAxisAndTypeIdenticalToReference) {
  std::mt19937 rng(10);
  std::uniform_int_distribution<int> dim(0, 4), count(1, 4), rank(1, 4);
  for (int trial = 0; trial < 60; ++trial) {
    Dims base;
    for (int d = rank(rng); d > 0; --d) base.push_back(dim(rng) + 1);
    const int axis = static_cast<int>(rng() % base.size());
    const DType type = trial % 3 == 0 ? DType::kInt8 : trial % 3 == 1 ? DType::kFloat32 : DType::kInt64;
    std::vector<std::optional<TensorData>> in;
    for (int i = count(rng); i > 0; --i) {
      Dims s = base;
      s[axis] = dim(rng);  // 0 now and then: an empty input
      TensorData t;
      t.dtype = type;
      t.shape = s;
      t.bytes.resize(static_cast<size_t>(num_elements(s)) * (dtype_bits(type) / 8));
      for (uint8_t& b : t.bytes) b = static_cast<uint8_t>(rng());
      in.push_back(t);
    }
    const AttrMap a = attrs({int_attr("axis", axis - (trial % 2 ? static_cast<int>(base.size()) : 0))});
    SCOPED_TRACE("trial " + std::to_string(trial));
    compare_with_reference("Concat", a, in, [](const TensorData& got, const TensorData& want) {
      EXPECT_EQ(got.bytes, want.bytes);
    });
  }
}

TEST(FastConcat, LargeCopySplitAcrossThreads) {
  std::mt19937 rng(11);
  const auto a = random_tensor({3, 200, 129}, rng), b = random_tensor({3, 77, 129}, rng);
  for (int64_t axis : {0, 1}) {
    const auto c = axis == 0 ? random_tensor({5, 200, 129}, rng) : random_tensor({3, 150, 129}, rng);
    const auto& second = axis == 0 ? c : b;
    compare_with_reference("Concat", attrs({int_attr("axis", axis)}), {a, second, a},
                           [](const TensorData& got, const TensorData& want) { EXPECT_EQ(got.bytes, want.bytes); });
  }
}

TEST(FastConcat, MismatchedShapesAreReported) {
  std::mt19937 rng(12);
  KernelRun run;
  auto r = run_kernel(fast_registry(), "Concat", attrs({int_attr("axis", 1)}),
                      {random_tensor({2, 3}, rng), random_tensor({3, 3}, rng)}, run);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Concat"), std::string::npos) << r.status().message();
}

// The portable row functions (the kernels above ran the AVX2 ones on this machine) against the reference.
TEST(TransformerRows, PortableVersionsMatchReference) {
  std::mt19937 rng(13);
  const Dims shape{5, 37};
  const auto x = scaled_tensor(shape, 6.0f, 0.0f, rng);
  const auto scale = scaled_tensor({37}, 1.0f, 0.0f, rng), bias = scaled_tensor({37}, 1.0f, 0.0f, rng);
  const auto xv = values_of<float>(x), sv = values_of<float>(scale), bv = values_of<float>(bias);
  std::vector<float> y(xv.size());
  const auto as_tensor = [&] { return make_tensor<float>(DType::kFloat32, shape, y); };
  const auto rows = [&](const std::function<void(const float*, float*)>& row) {
    for (int64_t r = 0; r < 5; ++r) row(xv.data() + r * 37, y.data() + r * 37);
  };

  rows([](const float* in, float* out) { fast::softmax_row_scalar(in, out, 37); });
  auto want = run_ref_kernel("Softmax", AttrMap(), {x});
  ASSERT_TRUE(want.ok());
  expect_close(as_tensor(), (*want)[0], 1e-30);

  rows([&](const float* in, float* out) { fast::layer_norm_row_scalar(in, out, 37, sv.data(), bv.data(), 1e-5f); });
  want = run_ref_kernel("LayerNormalization", AttrMap(), {x, scale, bias});
  ASSERT_TRUE(want.ok());
  expect_close(as_tensor(), (*want)[0], 4.0);

  for (const char* form : {"none", "tanh"}) {
    const fast::GeluFn gelu = std::string(form) == "tanh" ? fast::gelu_tanh_scalar : fast::gelu_erf_scalar;
    gelu(xv.data(), y.data(), static_cast<int64_t>(xv.size()));
    want = run_ref_kernel("Gelu", attrs({string_attr("approximate", form)}), {x});
    ASSERT_TRUE(want.ok());
    expect_close(as_tensor(), (*want)[0], 1e-9);
  }
}

}  // namespace
}  // namespace qedge::testing
