#include "thread_pool.h"

#include <chrono>

namespace qedge::rt {
namespace {

// How long a thread waits actively for the next job (workers) or for the others to finish (the caller) before it
// sleeps. A model runs one parallel_for per op, often tens of microseconds apart: waking a sleeping thread costs about
// as much as such an op, so a short active wait keeps the pool useful for small ops without burning a core when idle.
// The first part spins on `pause`; the rest yields, so that a thread sharing the core with the one it waits for (the
// VM's other core busy elsewhere) lets it run.
constexpr auto kSpin = std::chrono::microseconds(20);
constexpr auto kActiveWait = std::chrono::microseconds(200);

// Waits actively until done() or kActiveWait has passed; returns done().
template <typename Done>
bool spin_until(Done done) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 1;; ++i) {
    if (done()) return true;
    if (i % 64 != 0) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
      continue;
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited > kActiveWait) return done();
    if (waited > kSpin) std::this_thread::yield();
  }
}

void run_chunk(const std::function<void(int64_t, int64_t)>& fn, int64_t n, int index, int parts) {
  const int64_t begin = n * index / parts;
  const int64_t end = n * (index + 1) / parts;
  if (begin < end) fn(begin, end);
}

}  // namespace

WorkerPool::WorkerPool(int num_threads) {
  for (int i = 1; i < num_threads; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void WorkerPool::parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
  if (workers_.empty() || n <= 1) {
    if (n > 0) fn(0, n);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &fn;
    job_n_ = n;
    pending_.store(static_cast<int>(workers_.size()));
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  run_chunk(fn, n, 0, num_threads());
  const auto finished = [this] { return pending_.load() == 0; };
  if (!spin_until(finished)) {
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, finished);
  }
  std::lock_guard<std::mutex> lock(mu_);
  job_ = nullptr;
}

void WorkerPool::worker_loop(int index) {
  uint64_t seen = 0;
  for (;;) {
    spin_until([&] { return generation_.load() != seen; });
    const std::function<void(int64_t, int64_t)>* job;
    int64_t n;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      if (stop_) return;
      seen = generation_.load();
      job = job_;
      n = job_n_;
    }
    run_chunk(*job, n, index, num_threads());
    if (pending_.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(mu_);
      done_.notify_one();
    }
  }
}

}  // namespace qedge::rt
