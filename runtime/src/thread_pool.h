// A fixed pool of worker threads for KernelContext::parallel_for.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::rt {

class WorkerPool : public ThreadPool {
 public:
  explicit WorkerPool(int num_threads);
  ~WorkerPool() override;
  int num_threads() const override { return static_cast<int>(workers_.size()) + 1; }
  // Splits [0, n) into one contiguous chunk per thread; the calling thread takes the first chunk.
  void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) override;

 private:
  void worker_loop(int index);

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t job_n_ = 0;
  // Read without the lock while spinning; written under it so that sleepers never miss a change.
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  bool stop_ = false;
};

}  // namespace qedge::rt
