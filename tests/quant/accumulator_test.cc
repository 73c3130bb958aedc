#include "qedge/quant/accumulator.h"

#include <gtest/gtest.h>

#include <vector>

namespace qedge::quant {
namespace {

TEST(QuantAccumulator, WorstCaseWidth) {
  // int8 x int8, K = 1: |(-128)(-128)| = 16384 needs 16 signed bits.
  EXPECT_EQ(accumulator_bits(1, 8, true, 8, true), 16);
  // K = 2 doubles it: 32768 needs 17 bits.
  EXPECT_EQ(accumulator_bits(2, 8, true, 8, true), 17);
  // uint8 x int8 over K = 3: 3 * 255 * 128 = 97920 -> 18 bits.
  EXPECT_EQ(accumulator_bits(3, 8, false, 8, true), 18);
  // 1-bit unsigned x 1-bit unsigned over K = 7: sum <= 7 -> 4 bits.
  EXPECT_EQ(accumulator_bits(7, 1, false, 1, false), 4);
  EXPECT_EQ(accumulator_bits(0, 8, true, 8, true), 1);
  EXPECT_EQ(accumulator_bits(uint64_t{1} << 40, 32, true, 32, true), std::nullopt);
}

TEST(QuantAccumulator, FromWeights) {
  const std::vector<int64_t> w{3, -5, 0, 1};  // sum |w| = 9; max |a| for int4 = 8 -> 72 -> 8 bits
  EXPECT_EQ(accumulator_bits_for_weights(w.data(), w.size(), 4, true), 8);
  // uint4 activations: max 15 -> 135 -> 9 bits.
  EXPECT_EQ(accumulator_bits_for_weights(w.data(), w.size(), 4, false), 9);
  // Tighter than the worst case for the same shape (K=4, 4-bit x 4-bit signed: 4 * 8 * 8 = 256 -> 10 bits).
  EXPECT_EQ(accumulator_bits(4, 4, true, 4, true), 10);
  const std::vector<int64_t> none;
  EXPECT_EQ(accumulator_bits_for_weights(none.data(), 0, 8, true), 1);
}

TEST(QuantAccumulator, SignedWidthBoundary) {
  EXPECT_EQ(signed_bits_for_magnitude(0), 1);
  EXPECT_EQ(signed_bits_for_magnitude(1), 2);
  EXPECT_EQ(signed_bits_for_magnitude(127), 8);
  EXPECT_EQ(signed_bits_for_magnitude(128), 9);
  EXPECT_EQ(signed_bits_for_magnitude(uint64_t{0x7fffffffffffffff}), 64);
  EXPECT_EQ(signed_bits_for_magnitude(uint64_t{1} << 63), std::nullopt);
}

}  // namespace
}  // namespace qedge::quant
