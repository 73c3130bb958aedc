// The runtime's worker pool: every index of every job runs exactly once, whether the workers are still spinning from
// the previous job or have gone to sleep, for job sizes below, at and above the thread count; the caller does not wait
// for workers that have not woken.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "thread_pool.h"

namespace qedge::rt {
namespace {

void expect_each_index_once(WorkerPool& pool, int64_t n) {
  std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
  pool.parallel_for(n, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) hits[static_cast<size_t>(i)].fetch_add(1);
  });
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << "n " << n << " index " << i;
}

TEST(WorkerPool, BackToBackJobsCoverEveryIndexOnce) {
  WorkerPool pool(3);
  EXPECT_EQ(pool.num_threads(), 3);
  for (int round = 0; round < 2000; ++round) expect_each_index_once(pool, round % 7);
}

TEST(WorkerPool, JobsAfterTheWorkersSleptCoverEveryIndexOnce) {
  WorkerPool pool(2);
  for (int round = 0; round < 5; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // longer than the spin: the workers sleep
    expect_each_index_once(pool, 1000 + round);
  }
}

// A worker that has not woken yet leaves its chunk to the caller instead of making it wait: after the workers went to
// sleep, the caller (whose own chunk is empty work) takes the other chunks in most rounds.
TEST(WorkerPool, CallerRunsTheChunksOfWorkersNotYetAwake) {
  WorkerPool pool(3);
  const auto caller = std::this_thread::get_id();
  int rounds_all_on_caller = 0;
  for (int round = 0; round < 20; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // longer than the active wait: the workers sleep
    std::atomic<int> on_caller{0};
    pool.parallel_for(3, [&](int64_t begin, int64_t end) {
      if (std::this_thread::get_id() == caller) on_caller.fetch_add(static_cast<int>(end - begin));
    });
    rounds_all_on_caller += on_caller.load() == 3;
    expect_each_index_once(pool, 3);
  }
  EXPECT_GT(rounds_all_on_caller, 0);
}

TEST(WorkerPool, OneThreadRunsInline) {
  WorkerPool pool(1);
  const auto caller = std::this_thread::get_id();
  pool.parallel_for(10, [&](int64_t begin, int64_t end) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    EXPECT_EQ(begin, 0);
    EXPECT_EQ(end, 10);
  });
}

TEST(WorkerPool, DestroyedWhileWorkersSpinOrSleep) {
  { WorkerPool spinning(4); }
  WorkerPool sleeping(4);
  expect_each_index_once(sleeping, 100);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace
}  // namespace qedge::rt
