#include "qedge/quant/rounding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "test_data.h"

namespace qedge::quant {
namespace {

using testing::qonnx_vectors;

TEST(QuantRounding, ParsesQonnxNamesCaseInsensitively) {
  EXPECT_EQ(parse_rounding_mode("ROUND"), RoundingMode::kHalfEven);
  EXPECT_EQ(parse_rounding_mode("half_even"), RoundingMode::kHalfEven);
  EXPECT_EQ(parse_rounding_mode("Half_Up"), RoundingMode::kHalfUp);
  EXPECT_EQ(parse_rounding_mode("HALF_DOWN"), RoundingMode::kHalfDown);
  EXPECT_EQ(parse_rounding_mode("ceil"), RoundingMode::kCeil);
  EXPECT_EQ(parse_rounding_mode("FLOOR"), RoundingMode::kFloor);
  EXPECT_EQ(parse_rounding_mode("UP"), RoundingMode::kUp);
  EXPECT_EQ(parse_rounding_mode("down"), RoundingMode::kDown);
  EXPECT_FALSE(parse_rounding_mode("NEAREST").has_value());
  EXPECT_FALSE(parse_rounding_mode("").has_value());
  EXPECT_STREQ(rounding_mode_name(RoundingMode::kHalfEven), "ROUND");
}

TEST(QuantRounding, NumberingMatchesSchema) {
  // format/qedge.fbs: HALF_EVEN=0, HALF_UP=1, HALF_DOWN=2, CEIL=3, FLOOR=4, UP=5, DOWN=6.
  EXPECT_EQ(static_cast<int>(RoundingMode::kHalfEven), 0);
  EXPECT_EQ(static_cast<int>(RoundingMode::kHalfDown), 2);
  EXPECT_EQ(static_cast<int>(RoundingMode::kDown), 6);
}

// The table of qonnx tests/custom_op/test_runding_mode.py, from vectors.json "rounding_modes".
TEST(QuantRounding, MatchesUpstreamTable) {
  const testing::Json* v = qonnx_vectors();
  QEDGE_REQUIRE_SHARED(v != nullptr, testing::shared_path("docs/qonnx-vectors/vectors.json"));
  const testing::Json& table = (*v)["rounding_modes"];
  const std::vector<float> x = table["x"].floats();
  ASSERT_EQ(x.size(), 10u);
  ASSERT_EQ(table["expected"].obj.size(), 7u);
  for (const auto& [name, expected] : table["expected"].obj) {
    const auto mode = parse_rounding_mode(name);
    ASSERT_TRUE(mode.has_value()) << name;
    const std::vector<float> want = expected.floats();
    for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(round_value(x[i], *mode), want[i]) << name << " x=" << x[i];
  }
}

TEST(QuantRounding, HalfEvenIgnoresTheEnvironmentAndKeepsSpecials) {
  EXPECT_EQ(round_value(0.5f, RoundingMode::kHalfEven), 0.0f);
  EXPECT_EQ(round_value(1.5f, RoundingMode::kHalfEven), 2.0f);
  EXPECT_EQ(round_value(-0.5f, RoundingMode::kHalfEven), 0.0f);
  EXPECT_TRUE(std::signbit(round_value(-0.3f, RoundingMode::kHalfEven)));  // -0.0, as numpy.round gives
  EXPECT_FALSE(std::signbit(round_value(0.3f, RoundingMode::kHalfEven)));
  EXPECT_EQ(round_value(-3.5f, RoundingMode::kHalfEven), -4.0f);
  EXPECT_EQ(round_value(16777216.0f, RoundingMode::kHalfEven), 16777216.0f);
  EXPECT_EQ(round_value(0.49999997f, RoundingMode::kHalfEven), 0.0f);
  const float inf = std::numeric_limits<float>::infinity();
  for (int m = 0; m <= 6; ++m) {
    const auto mode = static_cast<RoundingMode>(m);
    EXPECT_TRUE(std::isnan(round_value(std::nanf(""), mode))) << m;
    EXPECT_EQ(round_value(inf, mode), inf) << m;
    EXPECT_EQ(round_value(-inf, mode), -inf) << m;
  }
}

}  // namespace
}  // namespace qedge::quant
