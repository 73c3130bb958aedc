// How threads split qedge.NhwcConv on XNNPACK (xnnpack/xnn_nhwc_conv.cc): bands of output rows, several per thread,
// handed out as threads come, for tall images with small weights (depthwise and dense, 1x1 and 3x3, strides, dilation,
// asymmetric pads, windows reaching only padding); map blocks or groups for batch 2, short images and large weights.
// Each case against the reference within 1e-5 relative, on 1, 2 and 3 threads and on a pool whose workers start only
// after the caller has finished (the caller then runs every part).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fast_test_support.h"

namespace qedge::testing {
namespace {

// Runs the chunks of every job on `n` plain threads.
class Threads : public ThreadPool {
 public:
  explicit Threads(int n) : n_(n) {}
  int num_threads() const override { return n_; }
  void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) override {
    std::vector<std::thread> t;
    for (int64_t i = 0; i < n_; ++i) {
      const int64_t b = n * i / n_, e = n * (i + 1) / n_;
      if (b < e) t.emplace_back(fn, b, e);
    }
    for (auto& th : t) th.join();
  }

 private:
  int n_;
};

// Two threads whose second one starts only when the first has finished its chunk: a worker whose core was busy.
class LateWorker : public ThreadPool {
 public:
  int num_threads() const override { return 2; }
  void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) override {
    if (n / 2 > 0) fn(0, n / 2);
    if (n / 2 < n) std::thread(fn, n / 2, n).join();
  }
};

struct BandCase {
  int64_t n, h, w, c, m, kh, kw, group;
  std::vector<int64_t> strides, pads, dilations;
};

std::vector<BandCase> cases() {
  std::vector<BandCase> c = {
      {1, 40, 38, 32, 32, 3, 3, 32, {1, 1}, {1, 1, 1, 1}, {1, 1}},    // depthwise, mobilenet_v2's 112x112 layer
      {1, 41, 37, 48, 48, 3, 3, 48, {2, 2}, {0, 1, 1, 0}, {1, 1}},    // depthwise stride 2, asymmetric pads
      {1, 29, 30, 24, 48, 5, 5, 24, {1, 1}, {2, 2, 2, 2}, {1, 1}},    // channel multiplier 2, 5x5
      {1, 33, 20, 16, 24, 1, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}},     // projection to few maps
      {1, 30, 30, 24, 144, 1, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}},    // expansion: 9 map blocks
      {1, 45, 45, 3, 32, 3, 3, 1, {2, 2}, {1, 1, 1, 1}, {1, 1}},      // stem
      {1, 30, 17, 12, 20, 3, 3, 1, {1, 1}, {2, 1, 2, 1}, {2, 2}},     // dilated
      {1, 27, 19, 24, 36, 3, 3, 4, {1, 2}, {1, 0, 2, 1}, {1, 1}},     // grouped, uneven strides
      {1, 26, 9, 8, 16, 3, 3, 1, {1, 1}, {9, 1, 9, 1}, {1, 1}},       // first and last bands only in the padding
      {1, 16, 16, 192, 192, 1, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}},   // weights over the band limit: map blocks
      {2, 24, 24, 40, 40, 3, 3, 40, {1, 1}, {1, 1, 1, 1}, {1, 1}},    // batch 2: groups
      {1, 7, 7, 64, 64, 3, 3, 64, {1, 1}, {1, 1, 1, 1}, {1, 1}},      // too few rows for bands
  };
  std::mt19937 rng(41);
  const auto r = [&](int64_t lo, int64_t n) { return lo + static_cast<int64_t>(rng() % n); };
  for (int i = 0; i < 10; ++i) {
    const bool depthwise = i % 2 == 0;
    const int64_t group = depthwise ? r(1, 40) : 1 + static_cast<int64_t>(rng() % 2);
    const int64_t s = r(1, 2), k = 2 * r(0, 2) + 1;
    c.push_back({1, r(12, 40), r(3, 30), group * (depthwise ? 1 : r(1, 24)), group * (depthwise ? 1 : r(1, 40)), k, k,
                 group, {s, s}, {r(0, 2), r(0, 2), r(0, 2), r(0, 2)}, {r(1, 2), r(1, 2)}});
  }
  return c;
}

TEST(NhwcConvBands, MatchesReferenceOnEveryThreadCount) {
  std::mt19937 rng(43);
  Threads two(2), three(3);
  LateWorker late;
  for (const BandCase& c : cases()) {
    SCOPED_TRACE("x [" + std::to_string(c.n) + "," + std::to_string(c.h) + "," + std::to_string(c.w) + "," +
                 std::to_string(c.c) + "] m " + std::to_string(c.m) + " k " + std::to_string(c.kh) + " group " +
                 std::to_string(c.group) + " stride " + std::to_string(c.strides[0]) + " dilation " +
                 std::to_string(c.dilations[0]));
    const TensorData x = random_tensor({c.n, c.h, c.w, c.c}, rng);
    const TensorData w = random_tensor({c.m, c.kh, c.kw, c.c / c.group}, rng);
    const TensorData b = random_tensor({c.m}, rng);
    AttrMap a = attrs({int_attr("group", c.group), ints_attr("strides", c.strides), ints_attr("pads", c.pads),
                       ints_attr("dilations", c.dilations), string_attr("activation", "Clip")});
    a.set(floats_attr("activation_params", {-0.5f, 6.0f}));
    auto want = run_ref_kernel("NhwcConv", a, {x, w, b}, 1, 1, "qedge");
    ASSERT_TRUE(want.ok()) << want.status().message();
    const auto expected = values_of<float>((*want)[0]);
    const double terms = static_cast<double>(c.kh * c.kw * (c.c / c.group));
    for (ThreadPool* pool : std::vector<ThreadPool*>{nullptr, &two, &three, &late}) {
      SCOPED_TRACE(pool ? "threads " + std::to_string(pool->num_threads()) : "no pool");
      KernelRun run;
      run.domain = "qedge";
      run.opset = 1;
      run.threads = pool;
      run.constant_inputs = {1, 2};
      auto got = run_kernel(fast_registry(), "NhwcConv", a, {x, w, b}, run);
      ASSERT_TRUE(got.ok()) << got.status().message();
      ASSERT_EQ((*got)[0].shape, (*want)[0].shape);
      const auto g = values_of<float>((*got)[0]);
      for (size_t i = 0; i < g.size(); ++i) {
        ASSERT_LE(std::fabs(g[i] - expected[i]), 1e-5 * (std::fabs(expected[i]) + terms)) << "element " << i;
      }
    }
  }
}

}  // namespace
}  // namespace qedge::testing
