// Shared by the fast-kernel tests: a thread pool that runs chunks on plain threads (enough to exercise the kernels'
// splitting), the fast kernels registered over the reference ones, and the bit-exact comparison of a qedge-domain
// op against its reference kernel.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "../../../support/kernel_harness.h"
#include "qedge/cpu_fast/fast_kernels.h"

namespace qedge::testing {

class TestThreads : public ThreadPool {
 public:
  int num_threads() const override { return 3; }
  void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) override {
    std::vector<std::thread> t;
    for (int64_t i = 0; i < 3; ++i) {
      const int64_t b = n * i / 3, e = n * (i + 1) / 3;
      if (b < e) t.emplace_back(fn, b, e);
    }
    for (auto& th : t) th.join();
  }
};

inline const KernelRegistry& fast_registry() {
  static const KernelRegistry r = [] {
    KernelRegistry k;
    fast::register_fast_kernels(k, ref_registry());
    return k;
  }();
  return r;
}

inline AttrMap attrs(std::vector<Attr> list) {
  AttrMap m;
  for (Attr& a : list) m.set(std::move(a));
  return m;
}

// The fast qedge-domain `op` (1 and 3 threads) against the reference: bit-identical outputs.
inline void expect_identical_to_reference(const std::string& op, const AttrMap& a,
                                          const std::vector<std::optional<TensorData>>& in) {
  auto want = run_ref_kernel(op, a, in, 1, 1, "qedge");
  ASSERT_TRUE(want.ok()) << want.status().message();
  TestThreads threads;
  for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
    KernelRun run;
    run.domain = "qedge";
    run.opset = 1;
    run.threads = pool;
    auto got = run_kernel(fast_registry(), op, a, in, run);
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ((*got)[0].dtype, (*want)[0].dtype);
    EXPECT_EQ((*got)[0].shape, (*want)[0].shape);
    EXPECT_EQ((*got)[0].bytes, (*want)[0].bytes) << op;
  }
}

}  // namespace qedge::testing
