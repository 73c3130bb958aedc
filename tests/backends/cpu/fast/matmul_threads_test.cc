// How the fast float MatMul and Gemm split work across threads: batched products (attention's heads) in equal shares
// of whole products or of their row blocks, constant As packed once, products too small to pay for a worker on the
// calling thread. Random shapes with odd sizes and broadcast batch dims, on 1, 2 and 3 threads: within the float
// tolerance of the reference, and bit-identical whatever the thread count (a split never changes a sum's order).
// Also the Relu a fused MatMul applies as XNNPACK's output clamp, on NaN and infinite sums.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "fast_test_support.h"
#include "qedge/cpu_fast/gemm_f32.h"

namespace qedge::testing {
namespace {

// Runs chunks on `n` plain threads, counting the parallel_for calls.
class CountingThreads : public ThreadPool {
 public:
  explicit CountingThreads(int n) : n_(n) {}
  int num_threads() const override { return n_; }
  void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) override {
    ++calls;
    std::vector<std::thread> t;
    for (int64_t i = 0; i < n_; ++i) {
      const int64_t b = n * i / n_, e = n * (i + 1) / n_;
      if (b < e) t.emplace_back(fn, b, e);
    }
    for (auto& th : t) th.join();
  }
  int calls = 0;

 private:
  int n_;
};

// Runs `op` on the reference and on the fast kernels with 1, 2 and 3 threads; returns the parallel_for calls made with
// 2 threads.
int expect_matches_on_threads(const std::string& op, const AttrMap& a, const std::vector<std::optional<TensorData>>& in,
                              const std::vector<size_t>& constants, double terms, const std::string& domain = "") {
  KernelRun run;
  run.domain = domain;
  run.opset = domain.empty() ? 22 : 1;
  run.constant_inputs = constants;
  auto want = run_kernel(ref_registry(), op, a, in, run);
  EXPECT_TRUE(want.ok()) << want.status().message();
  if (!want.ok()) return 0;
  const auto w = values_of<float>((*want)[0]);
  std::vector<float> first;
  int calls_at_two = 0;
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    CountingThreads pool(threads);
    run.threads = threads > 1 ? &pool : nullptr;
    auto got = run_kernel(fast_registry(), op, a, in, run);
    EXPECT_TRUE(got.ok()) << got.status().message();
    if (!got.ok()) return 0;
    EXPECT_EQ((*got)[0].shape, (*want)[0].shape);
    const auto g = values_of<float>((*got)[0]);
    EXPECT_EQ(g.size(), w.size());
    for (size_t i = 0; i < g.size() && i < w.size(); ++i) {
      EXPECT_NEAR(g[i], w[i], 1e-5 * (std::fabs(w[i]) + terms)) << i;
      if (std::fabs(g[i] - w[i]) > 1e-5 * (std::fabs(w[i]) + terms)) break;
    }
    if (first.empty()) first = g;
    EXPECT_EQ(g, first);
    if (threads == 2) calls_at_two = pool.calls;
  }
  return calls_at_two;
}

Dims concat(Dims batch, std::initializer_list<int64_t> tail) {
  batch.insert(batch.end(), tail);
  return batch;
}

// Products in a batch of x's and y's batch dims broadcast against each other.
int64_t broadcast_count(const Dims& x, const Dims& y) {
  int64_t n = 1;
  for (size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
    n *= std::max(i < x.size() ? x[x.size() - 1 - i] : 1, i < y.size() ? y[y.size() - 1 - i] : 1);
  }
  return n;
}

TEST(FastMatMulThreads, BatchedProductsInHeadsAndRowBlocks) {
  std::mt19937 rng(41);
  // Batch dims of A and B (broadcast against each other) and m, k, n: small ones stay on one thread, large ones split
  // by whole products (4 heads on 2 threads) or by row blocks (3 products on 2 threads, 1 product, 5 on 3).
  struct Case {
    Dims a_batch, b_batch;
    int64_t m, k, n;
  };
  const Case cases[] = {
      {{1, 4}, {1, 4}, 64, 32, 64},   {{1, 4}, {1, 4}, 64, 64, 32},  {{4}, {4}, 129, 67, 129},
      {{3}, {3}, 67, 129, 71},        {{1}, {1}, 203, 97, 61},       {{5}, {1}, 71, 65, 67},
      {{2, 3}, {3}, 45, 77, 97},      {{2, 1}, {1, 3}, 13, 9, 11},   {{7}, {7}, 6, 300, 301},
      {{3}, {3}, 7, 1001, 203},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(dims_to_string(c.a_batch) + " x " + dims_to_string(c.b_batch) + " m " + std::to_string(c.m) + " k " +
                 std::to_string(c.k) + " n " + std::to_string(c.n));
    const TensorData a = random_tensor(concat(c.a_batch, {c.m, c.k}), rng);
    const TensorData b = random_tensor(concat(c.b_batch, {c.k, c.n}), rng);
    const int64_t products = broadcast_count(c.a_batch, c.b_batch);
    const int calls = expect_matches_on_threads("MatMul", AttrMap(), {a, b}, {}, static_cast<double>(c.k));
    // One parallel_for for the whole batch when it is worth two threads, none otherwise.
    EXPECT_EQ(calls, products * c.m * c.n * c.k >= 2 * fast::kGemmMinMacsPerThread ? 1 : 0);
    // A constant A, packed once: whole products per thread.
    expect_matches_on_threads("MatMul", AttrMap(), {a, b}, {0}, static_cast<double>(c.k));
  }
}

TEST(FastMatMulThreads, FusedActivationOnRowBlocks) {
  std::mt19937 rng(43);
  const TensorData a = random_tensor({3, 67, 129}, rng), b = random_tensor({3, 129, 71}, rng);
  for (const char* act : {"Relu", "Sigmoid"}) {
    SCOPED_TRACE(act);
    expect_matches_on_threads("FusedMatMul", attrs({string_attr("activation", act)}), {a, b}, {}, 129.0, "qedge");
  }
}

// Blocked GEMMs (a Gemm with alpha != 1, which XNNPACK's fully connected path does not take) below two threads' worth
// run on the calling thread: no parallel_for at all.
TEST(FastMatMulThreads, SmallProductsStayOnTheCallingThread) {
  std::mt19937 rng(47);
  const AttrMap half = attrs({float_attr("alpha", 0.5f)});
  const TensorData a = random_tensor({37, 29}, rng), w = random_tensor({29, 23}, rng);
  EXPECT_EQ(expect_matches_on_threads("Gemm", half, {a, w}, {}, 29.0), 0);
  EXPECT_EQ(expect_matches_on_threads("Gemm", half, {a, w, random_tensor({23}, rng)}, {1}, 29.0), 0);
  const TensorData big_a = random_tensor({203, 301}, rng), big_w = random_tensor({301, 97}, rng);
  EXPECT_GE(expect_matches_on_threads("Gemm", half, {big_a, big_w}, {}, 301.0), 1);
}

// A FusedMatMul / FusedGemm with a constant 2-D weight runs on XNNPACK's fully connected operator (where built in),
// Relu as its output clamp: a NaN sum becomes 0 as in the reference (x > 0 ? x : 0), an infinite one stays.
TEST(FastMatMulThreads, FusedReluClampKeepsTheReferenceRuleForNaN) {
  std::mt19937 rng(53);
  TensorData a = random_tensor({2, 7, 19}, rng);
  auto* x = reinterpret_cast<float*>(a.bytes.data());
  x[3] = std::nanf("");
  x[19 + 5] = INFINITY;
  const TensorData w = random_tensor({19, 37}, rng);
  const AttrMap relu = attrs({string_attr("activation", "Relu")});
  KernelRun run;
  run.domain = "qedge";
  run.opset = 1;
  run.constant_inputs = {1};
  auto want = run_kernel(ref_registry(), "FusedMatMul", relu, {a, w}, run);
  ASSERT_TRUE(want.ok()) << want.status().message();
  for (int threads : {1, 2}) {
    CountingThreads pool(threads);
    run.threads = threads > 1 ? &pool : nullptr;
    auto got = run_kernel(fast_registry(), "FusedMatMul", relu, {a, w}, run);
    ASSERT_TRUE(got.ok()) << got.status().message();
    const auto g = values_of<float>((*got)[0]), v = values_of<float>((*want)[0]);
    ASSERT_EQ(g.size(), v.size());
    for (size_t i = 0; i < g.size(); ++i) {
      if (!std::isfinite(v[i])) {
        EXPECT_EQ(std::isnan(g[i]), std::isnan(v[i])) << i;
        if (!std::isnan(v[i])) {
          EXPECT_EQ(g[i], v[i]) << i;
        }
        continue;
      }
      EXPECT_NEAR(g[i], v[i], 1e-5 * (std::fabs(v[i]) + 19.0)) << i;
    }
    EXPECT_EQ(g[0], 0.0f);  // the NaN row's sums, after Relu
  }
}

}  // namespace
}  // namespace qedge::testing
