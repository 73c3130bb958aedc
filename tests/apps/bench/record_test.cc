// Bench records: percentiles as numpy computes them, the JSON form round-trips (nulls included) and keeps the
// internal fields out of the public output, and chart text is XML-escaped.
#include "bench/record.h"

#include <gtest/gtest.h>

#include "bench/stats.h"
#include "bench/svg.h"

namespace qedge::cli::bench {
namespace {

TEST(BenchStats, PercentileInterpolatesLikeNumpy) {
  EXPECT_DOUBLE_EQ(percentile({}, 50), 0);
  EXPECT_DOUBLE_EQ(percentile({3}, 90), 3);
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 50), 2.5);    // numpy.percentile([1,2,3,4], 50)
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90), 9.1);
  EXPECT_DOUBLE_EQ(percentile({5, 1, 9}, 100), 9);
}

Record sample() {
  Record r;
  r.model = "m_w4a4";
  r.path = "zoo/m.onnx";
  r.entry = "m_w4a4";
  r.backend = "cpu";
  r.threads = 2;
  r.runs = 7;
  r.convert_ms = 1.5;
  r.load_ms = 0.25;
  r.first_ms = 0.5;
  r.median_ms = 0.125;
  r.p90_ms = 0.2;
  r.peak_rss_mb = 4.5;
  r.arena_bytes = 576;
  r.file_bytes = 4032;
  r.onnx_bytes = 4442;
  r.accuracy = 0.75;
  r.samples = 48;
  r.correct = 36;
  r.top_ops = {{"QConv", 0.1, 0.8}, {"Softmax", 0.025, 0.2}};
  r.format = "qonnx";
  r.weight_bits = 4;
  r.predictions = {1, 2, 3};
  r.input_specs = {"input=1x1x8x8"};
  return r;
}

TEST(BenchRecord, JsonRoundTripsWithNulls) {
  const Record r = sample();
  const nlohmann::json j = to_json(r, /*with_internal=*/true);
  EXPECT_TRUE(j["float_agreement"].is_null());
  EXPECT_TRUE(j["act_bits"].is_null());
  EXPECT_TRUE(j["family"].is_null());
  const Record back = from_json(j);
  EXPECT_EQ(to_json(back, true), j);
  EXPECT_EQ(back.predictions, r.predictions);
  EXPECT_FALSE(back.ratio_vs_ort.has_value());
}

TEST(BenchRecord, PublicJsonHasTheRequiredKeysAndNoInternals) {
  const nlohmann::json j = to_json(sample());
  for (const char* key : {"model", "backend", "threads", "convert_ms", "load_ms", "first_ms", "median_ms", "p90_ms",
                          "peak_rss_mb", "arena_bytes", "file_bytes", "onnx_bytes", "accuracy", "top_ops"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_FALSE(j.contains("predictions"));
  EXPECT_FALSE(j.contains("input_specs"));
  EXPECT_EQ(j["top_ops"][0], (nlohmann::json{{"op", "QConv"}, {"ms", 0.1}, {"share", 0.8}}));
}

TEST(BenchSvg, EscapesTextAndIsOneDocument) {
  EXPECT_EQ(xml_escape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
  Svg svg(100, 50, "t<1>");
  svg.text(1, 2, "x & y");
  const std::string doc = svg.str();
  EXPECT_EQ(doc.rfind("<?xml", 0), 0u);
  EXPECT_NE(doc.find("<title>t&lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(doc.find(">x &amp; y</text>"), std::string::npos);
  EXPECT_EQ(doc.substr(doc.size() - 7), "</svg>\n");
}

}  // namespace
}  // namespace qedge::cli::bench
