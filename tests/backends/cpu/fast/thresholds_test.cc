// The fast MultiThreshold and Thresholds kernels (backends/cpu/fast/thresholds/) against the reference, bit for bit:
// NCHW planes, channel-last and [N, C] inputs, global and per-channel thresholds, S from 1 to 255 on both sides of
// where the binary search starts; sorted (the search), unsorted, repeated and NaN thresholds, constant or not; X with
// NaN, infinities, signed zeros and values equal to a threshold; float outputs with out_scale / out_bias and the
// integer `to` types, bipolar included; 1 and 3 threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "common/int_quantize.h"
#include "common/quant_qonnx.h"
#include "fast_test_support.h"

namespace qedge::testing {
namespace {

enum class Kind { kSorted, kUnsorted, kWithNan, kSortedWithInf };

// rows x steps thresholds: sorted rows have repeats, -0.0 next to 0.0 and (kSortedWithInf) infinities at the ends.
std::vector<float> make_thresholds(int64_t rows, int64_t steps, Kind kind, std::mt19937& rng) {
  std::vector<float> t = random_floats(static_cast<size_t>(rows * steps), rng);
  for (size_t i = 0; i < t.size(); ++i) {
    if (rng() % 6 == 0) t[i] = std::round(t[i] * 4.0f) / 4.0f;  // repeats
    if (rng() % 17 == 0) t[i] = rng() % 2 ? 0.0f : -0.0f;
  }
  for (int64_t r = 0; r < rows; ++r) {
    float* row = t.data() + r * steps;
    if (kind != Kind::kUnsorted) std::sort(row, row + steps, [](float a, float b) { return a < b; });
    if (kind == Kind::kSortedWithInf && steps >= 2) {
      row[0] = -INFINITY;
      row[steps - 1] = INFINITY;
    }
    if (kind == Kind::kWithNan) row[rng() % steps] = std::nanf("");
  }
  return t;
}

// Values in [-1.5, 1.5) with NaN of both signs, infinities, signed zeros and exact copies of thresholds.
std::vector<float> make_values(int64_t n, const std::vector<float>& thresholds, std::mt19937& rng) {
  std::vector<float> v = random_floats(static_cast<size_t>(n), rng);
  const float specials[] = {std::nanf(""), -std::nanf(""), INFINITY, -INFINITY, 0.0f, -0.0f};
  for (float& e : v) {
    e *= 1.5f;
    const uint32_t r = rng() % 16;
    if (r == 0) e = specials[rng() % 6];
    if (r == 1 && !thresholds.empty()) e = thresholds[rng() % thresholds.size()];
  }
  return v;
}

struct Case {
  Dims shape;
  std::string layout;  // data_layout
  int64_t steps = 1;
  bool global = false;
};

int64_t channels_of(const Case& c) {
  return c.layout.back() == 'C' ? c.shape.back() : c.shape[1];
}

// Runs op (MultiThreshold or Thresholds) on the reference and on the fast kernels (1 and 3 threads, thresholds a
// model constant or not) and requires the same bytes.
void expect_identical(const std::string& op, const std::vector<Attr>& list, const TensorData& x, const TensorData& t) {
  const std::string domain = op == "Thresholds" ? ref::kQedgeDomain : ref::kQonnxDomain;
  const AttrMap a = attrs(list);
  auto want = run_ref_kernel(op, a, {x, t}, 1, 1, domain);
  ASSERT_TRUE(want.ok()) << want.status().message();
  TestThreads threads;
  for (bool constant : {false, true}) {
    for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
      KernelRun run;
      run.domain = domain;
      run.opset = 1;
      run.threads = pool;
      if (constant) run.constant_inputs = {1};
      auto got = run_kernel(fast_registry(), op, a, {x, t}, run);
      ASSERT_TRUE(got.ok()) << got.status().message();
      ASSERT_EQ((*got)[0].dtype, (*want)[0].dtype);
      ASSERT_EQ((*got)[0].shape, (*want)[0].shape);
      ASSERT_EQ((*got)[0].bytes, (*want)[0].bytes)
          << op << " " << dims_to_string(x.shape) << " thresholds " << dims_to_string(t.shape) << " constant "
          << constant << " threads " << (pool ? 3 : 1);
    }
  }
}

const std::vector<Case>& cases() {
  static const std::vector<Case> c = {
      {{1, 3, 5, 7}, "NCHW"},
      {{2, 5, 13, 17}, "NCHW"},
      {{1, 16, 23, 29}, "NCHW"},  // over the threads' threshold
      {{1, 2, 47, 53}, "NCHW"},   // planes longer than one run
      {{4, 37}, "NCHW"},          // [N, C]: the channel axis is innermost
      {{3, 19}, "NC"},
      {{1, 7, 9, 13}, "NHWC"},
      {{1, 11, 13, 67}, "NHWC"},
  };
  return c;
}

TEST(FastThresholds, MultiThresholdMatchesReferenceBitForBit) {
  std::mt19937 rng(5);
  for (const Case& base : cases()) {
    for (int64_t steps : {1, 3, 15, 16, 31, 32, 63, 64, 255}) {
      for (Kind kind : {Kind::kSorted, Kind::kUnsorted, Kind::kWithNan, Kind::kSortedWithInf}) {
        for (bool global : {false, true}) {
          const int64_t rows = global ? 1 : channels_of(base);
          const std::vector<float> t = make_thresholds(rows, steps, kind, rng);
          const TensorData x =
              make_tensor<float>(DType::kFloat32, base.shape, make_values(num_elements(base.shape), t, rng));
          SCOPED_TRACE("S " + std::to_string(steps) + " kind " + std::to_string(static_cast<int>(kind)) + " " +
                       base.layout + (global ? " global" : " per-channel"));
          expect_identical("MultiThreshold",
                           {string_attr("data_layout", base.layout), float_attr("out_scale", 0.37f),
                            float_attr("out_bias", -1.25f)},
                           x, make_tensor<float>(DType::kFloat32, {rows, steps}, t));
        }
      }
    }
  }
}

TEST(FastThresholds, IntegerLevelsMatchReferenceBitForBit) {
  std::mt19937 rng(6);
  struct Out {
    DType to;
    bool bipolar;
  };
  for (const Case& base : cases()) {
    for (int64_t steps : {1, 3, 16, 32, 64, 255}) {
      for (Out out : {Out{DType::kUint8, false}, Out{DType::kInt8, false}, Out{DType::kInt16, false},
                      Out{DType::kUint16, false}, Out{DType::kInt32, false}, Out{DType::kInt8, true},
                      Out{DType::kInt32, true}}) {
        if ((out.bipolar && steps != 1) || (out.to == DType::kInt8 && steps > 127)) continue;
        const int64_t rows = channels_of(base);
        const std::vector<float> t = make_thresholds(rows, steps, rng() % 2 ? Kind::kSorted : Kind::kUnsorted, rng);
        const TensorData x =
            make_tensor<float>(DType::kFloat32, base.shape, make_values(num_elements(base.shape), t, rng));
        SCOPED_TRACE("S " + std::to_string(steps) + " to " + dtype_name(out.to) + (out.bipolar ? " bipolar" : ""));
        expect_identical("Thresholds",
                         {string_attr("data_layout", base.layout), int_attr("to", static_cast<int64_t>(out.to)),
                          int_attr("bipolar", out.bipolar ? 1 : 0)},
                         x, make_tensor<float>(DType::kFloat32, {rows, steps}, t));
      }
    }
  }
}

// More channels than one run of counts holds, in the channel form; and an empty tensor.
TEST(FastThresholds, WideChannelsAndEmptyInput) {
  std::mt19937 rng(7);
  for (int64_t steps : {3, 255}) {
    const std::vector<float> t = make_thresholds(1100, steps, Kind::kSorted, rng);
    const TensorData x = make_tensor<float>(DType::kFloat32, {9, 1100}, make_values(9 * 1100, t, rng));
    expect_identical("MultiThreshold", {}, x, make_tensor<float>(DType::kFloat32, {1100, steps}, t));
  }
  const std::vector<float> t = make_thresholds(4, 3, Kind::kSorted, rng);
  expect_identical("MultiThreshold", {}, make_tensor<float>(DType::kFloat32, {0, 4, 5, 5}, std::vector<float>{}),
                   make_tensor<float>(DType::kFloat32, {4, 3}, t));
}

// A thresholds shape that fits no channel count gets the reference's message.
TEST(FastThresholds, BadThresholdShapeIsAClearError) {
  std::mt19937 rng(8);
  KernelRun run;
  run.domain = ref::kQonnxDomain;
  run.opset = 1;
  auto got = run_kernel(fast_registry(), "MultiThreshold", attrs({}),
                        {random_tensor({1, 5, 3, 3}, rng), random_tensor({2, 3}, rng)}, run);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("thresholds must be [C, S] or [1, S]"), std::string::npos)
      << got.status().message();
}

}  // namespace
}  // namespace qedge::testing
