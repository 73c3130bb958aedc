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

}  // namespace

WorkerPool::WorkerPool(int num_threads) {
  for (int i = 1; i < num_threads; ++i) workers_.emplace_back([this] { worker_loop(); });
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

int WorkerPool::claim(uint32_t generation) {
  uint64_t state = claims_.load();
  for (;;) {
    const auto chunk = static_cast<uint32_t>(state);
    if (static_cast<uint32_t>(state >> 32) != generation || chunk >= static_cast<uint32_t>(num_threads())) return -1;
    if (claims_.compare_exchange_weak(state, state + 1)) return static_cast<int>(chunk);
  }
}

void WorkerPool::run_claimed(const std::function<void(int64_t, int64_t)>& fn, int64_t n, int chunk) {
  const int parts = num_threads();
  const int64_t begin = n * chunk / parts;
  const int64_t end = n * (chunk + 1) / parts;
  if (begin < end) fn(begin, end);
  if (unfinished_.fetch_sub(1) == 1) {
    std::lock_guard<std::mutex> lock(mu_);
    done_.notify_one();
  }
}

void WorkerPool::parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
  if (workers_.empty() || n <= 1) {
    if (n > 0) fn(0, n);
    return;
  }
  uint32_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &fn;
    job_n_ = n;
    generation = static_cast<uint32_t>(generation_.load() + 1);
    claims_.store(static_cast<uint64_t>(generation) << 32);
    unfinished_.store(num_threads());
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (int chunk; (chunk = claim(generation)) >= 0;) run_claimed(fn, n, chunk);
  const auto finished = [this] { return unfinished_.load() == 0; };
  if (!spin_until(finished)) {
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, finished);
  }
  std::lock_guard<std::mutex> lock(mu_);
  job_ = nullptr;
}

void WorkerPool::worker_loop() {
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
    // A job that ended before this thread woke has no chunks left; claim() then fails without touching `job`.
    if (!job) continue;
    for (int chunk; (chunk = claim(static_cast<uint32_t>(seen))) >= 0;) run_claimed(*job, n, chunk);
  }
}

}  // namespace qedge::rt
