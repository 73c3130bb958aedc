// One-step differences and argmax agreement of quantized outputs (qedge conform).
#include "quantized_compare.h"

#include <gtest/gtest.h>

#include <cmath>

namespace qedge::cli {
namespace {

const Tolerance kOnnx;  // rtol 1e-3, atol 1e-7

TEST(StepDiff, OneStepDifferencesAreCounted) {
  // Step 0.25: two elements off by one step (a tie rounded the other way), one by a float error.
  const std::vector<double> expected = {0.0, 0.25, 0.5, -0.75, 1.0, 2.0};
  const std::vector<double> actual = {0.0, 0.5, 0.5, -1.0, 1.0000001, 2.0};
  const StepDiff d = diff_in_steps(actual, expected, {2, 3}, OutputStep{{0.25}, -1}, kOnnx);
  EXPECT_TRUE(d.error.empty());
  EXPECT_EQ(d.differing, 2);
  EXPECT_EQ(d.total, 6);
  EXPECT_DOUBLE_EQ(d.max_steps, 1.0);
  EXPECT_TRUE(d.within_one_step());
}

TEST(StepDiff, TwoStepsFail) {
  const std::vector<double> expected = {0.0, 0.25, 0.5, 0.75};
  const std::vector<double> actual = {0.25, 0.75, 0.5, 0.75};
  const StepDiff d = diff_in_steps(actual, expected, {4}, OutputStep{{0.25}, -1}, kOnnx);
  EXPECT_EQ(d.differing, 2);
  EXPECT_DOUBLE_EQ(d.max_steps, 2.0);
  EXPECT_EQ(d.worst, 1);
  EXPECT_FALSE(d.within_one_step());
}

TEST(StepDiff, FloatSlackOnOneStep) {
  // 0.1 is not a binary fraction: a one-step difference measures 1 + a few ulps.
  const double step = 0.1;
  const StepDiff d = diff_in_steps({0.3 + step}, {0.3}, {1}, OutputStep{{step}, -1}, kOnnx);
  EXPECT_NEAR(d.max_steps, 1.0, 1e-9);
  EXPECT_TRUE(d.within_one_step());
  EXPECT_FALSE(diff_in_steps({0.3 + 1.01 * step}, {0.3}, {1}, OutputStep{{step}, -1}, kOnnx).within_one_step());
}

TEST(StepDiff, PerAxisStepsUseTheElementsChannel) {
  // Shape [1, 2, 2], axis 1: channel 0 has step 1, channel 1 step 0.125.
  const std::vector<double> expected = {1, 2, 0.125, 0.25};
  const OutputStep step{{1.0, 0.125}, 1};
  EXPECT_TRUE(diff_in_steps({2, 2, 0.25, 0.25}, expected, {1, 2, 2}, step, kOnnx).within_one_step());
  const StepDiff d = diff_in_steps({1, 2, 0.125, 0.5}, expected, {1, 2, 2}, step, kOnnx);
  EXPECT_DOUBLE_EQ(d.max_steps, 2.0);
  EXPECT_EQ(d.worst, 3);
  // A negative axis counts from the end.
  EXPECT_TRUE(diff_in_steps({2, 2, 0.25, 0.25}, expected, {1, 2, 2}, OutputStep{{1.0, 0.125}, -2}, kOnnx).within_one_step());
}

TEST(StepDiff, NanAndInfinity) {
  const OutputStep step{{0.5}, -1};
  EXPECT_EQ(diff_in_steps({NAN, INFINITY}, {NAN, INFINITY}, {2}, step, kOnnx).differing, 0);
  EXPECT_FALSE(diff_in_steps({NAN}, {0.5}, {1}, step, kOnnx).within_one_step());
  EXPECT_FALSE(diff_in_steps({INFINITY}, {0.5}, {1}, step, kOnnx).within_one_step());
}

TEST(StepDiff, StepsThatDoNotFitAreReported) {
  const StepDiff wrong_axis = diff_in_steps({1, 2}, {1, 2}, {2}, OutputStep{{1.0, 2.0, 3.0}, 0}, kOnnx);
  EXPECT_NE(wrong_axis.error.find("3 scales along axis 0"), std::string::npos) << wrong_axis.error;
  EXPECT_FALSE(wrong_axis.within_one_step());
  const StepDiff zero = diff_in_steps({1}, {1}, {1}, OutputStep{{0.0}, -1}, kOnnx);
  EXPECT_NE(zero.error.find("not a positive finite step"), std::string::npos) << zero.error;
}

TEST(Argmax, RowsAlongTheLastAxis) {
  const std::vector<double> expected = {0.1, 0.9, 0.0, /**/ 0.5, 0.2, 0.1};
  EXPECT_EQ(compare_argmax({0.0, 1.0, 0.0, 0.4, 0.3, 0.0}, expected, {2, 3}).mismatched, 0);
  const ArgmaxCheck c = compare_argmax({0.0, 1.0, 0.0, 0.1, 0.3, 0.0}, expected, {2, 3});
  EXPECT_EQ(c.rows, 2);
  EXPECT_EQ(c.mismatched, 1);
}

TEST(Argmax, ATieInTheReferenceAcceptsEitherPosition) {
  const std::vector<double> expected = {0.5, 0.0, 0.5};
  EXPECT_EQ(compare_argmax({0.25, 0.0, 0.5}, expected, {3}).mismatched, 0);
  EXPECT_EQ(compare_argmax({0.5, 0.0, 0.25}, expected, {3}).mismatched, 0);
  EXPECT_EQ(compare_argmax({0.0, 0.5, 0.25}, expected, {3}).mismatched, 1);
}

}  // namespace
}  // namespace qedge::cli
