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
  // Splits [0, n) into one contiguous chunk per thread. Whichever thread comes first claims a chunk, so the calling
  // thread runs the chunks of workers that have not started yet (asleep, or their core busy with another process)
  // instead of waiting for them.
  void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) override;

 private:
  void worker_loop();
  // Claims the next chunk of job `generation`: its index, or -1 when all are taken or that job is over.
  int claim(uint32_t generation);
  // Runs chunk `chunk` of the job and counts it finished.
  void run_claimed(const std::function<void(int64_t, int64_t)>& fn, int64_t n, int chunk);

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t job_n_ = 0;
  // Read without the lock while spinning; written under it so that sleepers never miss a change.
  std::atomic<uint64_t> generation_{0};
  // The current job's generation (high 32 bits) and its next unclaimed chunk (low 32 bits): a thread that wakes after
  // a job ended sees another generation and claims nothing from it.
  std::atomic<uint64_t> claims_{0};
  std::atomic<int> unfinished_{0};  // chunks of the current job not yet finished
  bool stop_ = false;
};

}  // namespace qedge::rt
