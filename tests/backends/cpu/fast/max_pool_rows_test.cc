// The fast MaxPool's vectorized rows (max_pool_rows_avx2.cc) against the reference, bit for bit: rows wide enough for
// several vector steps and remainders, stride 1 and 2, kernels 2..5, pads, ceil_mode, row dilation, float with NaN,
// infinities and signed zeros (the taps' order decides which NaN or zero wins), int8 and uint8 at their limits, 1 and
// 3 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "fast_test_support.h"

namespace qedge::testing {
namespace {

void expect_bit_identical(const TensorData& x, const std::vector<Attr>& list) {
  auto want = run_ref_kernel("MaxPool", attrs(list), {x});
  ASSERT_TRUE(want.ok()) << want.status().message();
  TestThreads threads;
  for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
    KernelRun run;
    run.threads = pool;
    auto got = run_kernel(fast_registry(), "MaxPool", attrs(list), {x}, run);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ((*got)[0].shape, (*want)[0].shape);
    ASSERT_EQ((*got)[0].bytes, (*want)[0].bytes) << dims_to_string(x.shape);
  }
}

// Floats with NaN, infinities and signed zeros sprinkled in, and runs of equal values of either sign.
TensorData special_floats(const Dims& shape, std::mt19937& rng) {
  std::vector<float> v = random_floats(static_cast<size_t>(num_elements(shape)), rng);
  const float specials[] = {std::nanf(""), -std::nanf(""), INFINITY, -INFINITY, 0.0f, -0.0f};
  for (size_t i = 0; i < v.size(); ++i) {
    if (rng() % 7 == 0) v[i] = specials[rng() % 6];
    if (rng() % 5 == 0) v[i] = rng() % 2 ? 0.0f : -0.0f;
  }
  return make_tensor<float>(DType::kFloat32, shape, v);
}

template <typename T>
TensorData byte_levels(DType t, const Dims& shape, std::mt19937& rng) {
  std::vector<T> v(static_cast<size_t>(num_elements(shape)));
  for (T& e : v) {
    const uint32_t r = rng() % 8;
    e = r == 0 ? std::numeric_limits<T>::min() : r == 1 ? std::numeric_limits<T>::max() : static_cast<T>(rng());
  }
  return make_tensor<T>(t, shape, v);
}

TEST(FastMaxPoolRows, BitIdenticalToReference) {
  std::mt19937 rng(21);
  const std::vector<std::pair<Dims, std::vector<Attr>>> cases = {
      // resnet18's stem pool
      {{1, 4, 112, 112}, {ints_attr("kernel_shape", {3, 3}), ints_attr("strides", {2, 2}), ints_attr("pads", {1, 1, 1, 1})}},
      {{2, 3, 17, 61}, {ints_attr("kernel_shape", {3, 3}), ints_attr("strides", {2, 2})}},
      {{1, 2, 9, 70}, {ints_attr("kernel_shape", {2, 2}), ints_attr("strides", {2, 2}), int_attr("ceil_mode", 1)}},
      {{1, 3, 11, 83}, {ints_attr("kernel_shape", {3, 5}), ints_attr("pads", {1, 2, 1, 2})}},
      {{1, 2, 12, 47}, {ints_attr("kernel_shape", {2, 4}), ints_attr("strides", {1, 2}), ints_attr("pads", {0, 3, 1, 0})}},
      {{1, 2, 13, 52}, {ints_attr("kernel_shape", {3, 3}), ints_attr("dilations", {2, 1}), ints_attr("pads", {2, 1, 2, 1})}},
      {{1, 1, 5, 40}, {ints_attr("kernel_shape", {5, 5}), ints_attr("strides", {2, 2}), ints_attr("pads", {4, 4, 4, 4})}},
      {{1, 2, 3, 100}, {ints_attr("kernel_shape", {1, 3}), ints_attr("strides", {1, 2}), int_attr("ceil_mode", 1)}},
      {{1, 2, 200}, {ints_attr("kernel_shape", {3}), ints_attr("strides", {2}), ints_attr("pads", {1, 1})}},
  };
  for (const auto& [shape, list] : cases) {
    SCOPED_TRACE(dims_to_string(shape));
    expect_bit_identical(special_floats(shape, rng), list);
    expect_bit_identical(byte_levels<int8_t>(DType::kInt8, shape, rng), list);
    expect_bit_identical(byte_levels<uint8_t>(DType::kUint8, shape, rng), list);
  }
}

}  // namespace
}  // namespace qedge::testing
