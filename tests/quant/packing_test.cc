#include "qedge/quant/packing.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace qedge::quant {
namespace {

TEST(QuantPacking, SizeIsCeilOfBits) {
  EXPECT_EQ(packed_size(0, 3), 0u);
  EXPECT_EQ(packed_size(1, 1), 1u);
  EXPECT_EQ(packed_size(8, 1), 1u);
  EXPECT_EQ(packed_size(9, 1), 2u);
  EXPECT_EQ(packed_size(3, 3), 2u);  // 9 bits
  EXPECT_EQ(packed_size(5, 8), 5u);
}

// format/README.md: element i occupies bits [i*b, (i+1)*b), bit j is bit j % 8 of byte j / 8.
TEST(QuantPacking, ThreeBitElementsStraddleBytesLittleEndian) {
  const std::vector<int32_t> v{1, 2, 3, 4, 5};  // bits: 100 010 110 001 101 (LSB first per element)
  std::vector<uint8_t> out(packed_size(v.size(), 3), 0xff);
  ASSERT_TRUE(pack_bits(v.data(), v.size(), 3, false, out.data()));
  // stream bits 0..14: 1,0,0, 0,1,0, 1,1,0, 0,0,1, 1,0,1 ; byte0 = bits 0..7, byte1 = bits 8..14 + zero pad
  EXPECT_EQ(out, (std::vector<uint8_t>{0b11010001, 0b01011000}));
  std::vector<int32_t> back(v.size());
  ASSERT_TRUE(unpack_bits(out.data(), v.size(), 3, false, back.data()));
  EXPECT_EQ(back, v);
}

TEST(QuantPacking, SignedFourBitIsLowNibbleFirst) {
  const std::vector<int32_t> v{-1, 7, -8};
  std::vector<uint8_t> out(packed_size(v.size(), 4));
  ASSERT_TRUE(pack_bits(v.data(), v.size(), 4, true, out.data()));
  EXPECT_EQ(out, (std::vector<uint8_t>{0x7f, 0x08}));
  std::vector<int32_t> back(v.size());
  ASSERT_TRUE(unpack_bits(out.data(), v.size(), 4, true, back.data()));
  EXPECT_EQ(back, v);
}

// An empty tensor's storage can be null; packing and unpacking nothing must not touch it (UBSan flagged a memset of
// a null pointer, with length 0, before).
TEST(QuantPacking, EmptyInputsTouchNothing) {
  for (int bits = 1; bits <= 8; ++bits) {
    EXPECT_TRUE(pack_bits(nullptr, 0, bits, true, nullptr));
    EXPECT_TRUE(unpack_bits(nullptr, 0, bits, true, nullptr));
  }
  EXPECT_TRUE(pack_bipolar(nullptr, 0, nullptr));
  unpack_bipolar(nullptr, 0, nullptr);
}

TEST(QuantPacking, RoundTripsEveryWidthAndSign) {
  std::mt19937 rng(1);
  for (int bits = 1; bits <= 8; ++bits) {
    for (bool is_signed : {false, true}) {
      const int lo = is_signed ? -(1 << (bits - 1)) : 0;
      const int hi = is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
      std::uniform_int_distribution<int> dist(lo, hi);
      std::vector<int32_t> v(37);
      for (auto& e : v) e = dist(rng);
      std::vector<uint8_t> packed(packed_size(v.size(), bits));
      ASSERT_TRUE(pack_bits(v.data(), v.size(), bits, is_signed, packed.data()));
      // Trailing bits of the last byte are zero.
      const size_t used = v.size() * bits % 8;
      if (used != 0) {
        EXPECT_EQ(packed.back() >> used, 0) << bits;
      }
      std::vector<int32_t> back(v.size());
      ASSERT_TRUE(unpack_bits(packed.data(), v.size(), bits, is_signed, back.data()));
      EXPECT_EQ(back, v) << "bits=" << bits << " signed=" << is_signed;
    }
  }
}

TEST(QuantPacking, RejectsOutOfRangeValuesAndWidths) {
  std::vector<uint8_t> out(4, 0xaa);
  const std::vector<int32_t> too_big{8};
  EXPECT_FALSE(pack_bits(too_big.data(), 1, 4, true, out.data()));
  EXPECT_EQ(out[0], 0xaa);  // untouched
  const std::vector<int32_t> negative{-1};
  EXPECT_FALSE(pack_bits(negative.data(), 1, 4, false, out.data()));
  EXPECT_FALSE(pack_bits(negative.data(), 1, 9, true, out.data()));
  EXPECT_FALSE(pack_bits(negative.data(), 1, 0, true, out.data()));
  int32_t dummy = 0;
  EXPECT_FALSE(unpack_bits(out.data(), 1, 9, false, &dummy));
}

TEST(QuantPacking, BipolarStoresPlusOneAsOne) {
  const std::vector<int32_t> v{1, -1, -1, 1, 1, 1, -1, 1, -1, 1};
  std::vector<uint8_t> out(packed_size(v.size(), 1));
  ASSERT_TRUE(pack_bipolar(v.data(), v.size(), out.data()));
  EXPECT_EQ(out, (std::vector<uint8_t>{0b10111001, 0b10}));
  std::vector<int32_t> back(v.size());
  unpack_bipolar(out.data(), v.size(), back.data());
  EXPECT_EQ(back, v);
  const std::vector<int32_t> zero{0};
  EXPECT_FALSE(pack_bipolar(zero.data(), 1, out.data()));
}

}  // namespace
}  // namespace qedge::quant
