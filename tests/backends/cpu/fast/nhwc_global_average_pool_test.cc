// qedge.NhwcGlobalAveragePool, the channels-last GlobalAveragePool of the converter's layout pass: the fast kernel
// sums each channel over the pixels in the reference's order, so its output is the reference's bit for bit, on 1 and
// 3 threads: odd channel counts, more channels than one thread's block (256), batch 2, 1-D to 3-D images; a bad node
// is an error naming the op.
#include <gtest/gtest.h>

#include <random>

#include "fast_test_support.h"

namespace qedge::testing {
namespace {

TEST(NhwcGlobalAveragePool, IdenticalToReference) {
  std::mt19937 rng(17);
  const std::vector<Dims> shapes = {{1, 7, 7, 1280}, {2, 5, 3, 37}, {1, 1, 1, 3}, {1, 13, 300}, {2, 3, 4, 2, 513}};
  for (const Dims& x : shapes) {
    expect_identical_to_reference("NhwcGlobalAveragePool", attrs({}), {random_tensor(x, rng)});
  }
}

TEST(NhwcGlobalAveragePool, BadNodesAreErrorsNamingTheOp) {
  std::mt19937 rng(18);
  KernelRun run;
  run.domain = "qedge";
  run.opset = 1;
  auto r = run_kernel(fast_registry(), "NhwcGlobalAveragePool", attrs({}), {random_tensor({4, 5}, rng)}, run);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("NhwcGlobalAveragePool"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace qedge::testing
