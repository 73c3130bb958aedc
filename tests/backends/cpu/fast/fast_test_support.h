// Shared by the fast-kernel tests: a thread pool that runs chunks on plain threads (enough to exercise the kernels'
// splitting) and the fast kernels registered over the reference ones.
#pragma once

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

}  // namespace qedge::testing
