// The VNNI GEMM (u8 activations x s8 weights, vpdpbusd) and the QConv/QMatMul layers on it, bit-exact against plain
// integer sums and the reference kernels: odd M/N/K (K not a multiple of 4, K past one k slice), transposed B, u8
// and s8 activations, per-tensor and per-channel weight zero points (ones that push W' out of s8 must decline and
// stay exact on the other paths), extreme values at large K, padding, strides, dilation, groups, 1 and 3 threads.
// On CPUs without AVX-512 VNNI the GEMM tests skip and the dispatch must decline.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <tuple>

#include "../../../support/kernel_harness.h"
#include "fast_test_support.h"
#include "gemm_vnni/vnni_ops.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "qedge/cpu_fast/gemm_vnni.h"

namespace qedge::testing {
namespace {

constexpr const char* kNoVnni = "this CPU has no AVX-512 VNNI: the VNNI GEMM is never chosen here";

// C = W' (B - bzp) as int64 sums; B is [k, n], or [n, k] when trans.
std::vector<int32_t> integer_sums(const std::vector<int8_t>& w, const std::vector<uint8_t>& b, int64_t m, int64_t k,
                                  int64_t n, bool trans, int32_t bzp) {
  std::vector<int32_t> c(static_cast<size_t>(m * n));
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      int64_t s = 0;
      for (int64_t p = 0; p < k; ++p) s += static_cast<int64_t>(w[i * k + p]) * ((trans ? b[j * k + p] : b[p * n + j]) - bzp);
      c[i * n + j] = static_cast<int32_t>(s);
    }
  }
  return c;
}

// gemm_vnni on W' [m, k] (packed from a [k, m] copy when trans, exercising the strided packing; 4-bit with
// `nibbles`) against integer_sums.
void expect_gemm_exact(const std::vector<int8_t>& w, const std::vector<uint8_t>& b, int64_t m, int64_t k, int64_t n,
                       int32_t bzp, bool nibbles = false) {
  TestThreads threads;
  for (bool trans : {false, true}) {
    std::vector<int8_t> wt(w.size());
    for (int64_t i = 0; i < m; ++i) for (int64_t p = 0; p < k; ++p) wt[p * m + i] = w[i * k + p];
    const fast::VnniWeights pw = trans ? fast::pack_vnni_weights(wt.data(), m, k, 1, m, bzp, nibbles)
                                       : fast::pack_vnni_weights(w.data(), m, k, k, 1, bzp, nibbles);
    EXPECT_EQ(pw.nibbles.empty(), !nibbles);
    EXPECT_EQ(pw.data.empty(), nibbles);
    const std::vector<int32_t> want = integer_sums(w, b, m, k, n, trans, bzp);
    for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
      std::vector<int32_t> got(static_cast<size_t>(m * n), -1);
      fast::gemm_vnni(pw, b.data(), trans ? k : n, trans, n, got.data(), n, pool);
      EXPECT_EQ(got, want) << m << "x" << k << "x" << n << " trans " << trans << " threads " << (pool != nullptr);
    }
  }
}

TEST(GemmVnni, ExactBound) {
  EXPECT_TRUE(fast::gemm_vnni_exact(-128, 127, 100));
  EXPECT_FALSE(fast::gemm_vnni_exact(-129, 126, 100));  // W' past s8
  EXPECT_FALSE(fast::gemm_vnni_exact(-1, 128, 100));
  EXPECT_TRUE(fast::gemm_vnni_exact(-128, 127, 32896));  // 2 * k * 255 * 128 < 2^31
  EXPECT_FALSE(fast::gemm_vnni_exact(-128, 127, 32897));
  EXPECT_FALSE(fast::gemm_vnni_exact(0, 1, 0));
}

TEST(GemmVnni, MatchesIntegerSums) {
  if (!fast::gemm_vnni_available()) GTEST_SKIP() << kNoVnni;
  std::mt19937 rng(11);
  for (auto [m, k, n] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
           {1, 1, 1}, {5, 13, 17}, {9, 1030, 70}, {33, 7, 300}, {64, 2101, 5}, {17, 259, 129}, {3, 4, 33},
           {11, 40, 36}, {9, 1100, 49}, {16, 24, 52}}) {
    std::vector<int8_t> w(static_cast<size_t>(m * k));
    for (auto& e : w) e = static_cast<int8_t>(static_cast<int32_t>(rng() % 256) - 128);
    std::vector<uint8_t> b(static_cast<size_t>(k * n));
    for (auto& e : b) e = static_cast<uint8_t>(rng());
    expect_gemm_exact(w, b, m, k, n, static_cast<int32_t>(rng() % 256));
  }
}

// W' of at most 4 bits kept as nibbles, signed ([-8, 7]) or unsigned ([0, 15]): odd quad counts, k past one and two
// k slices, rows past whole panels; half the bytes of the byte form.
TEST(GemmVnni, NibbleWeightsMatchIntegerSums) {
  if (!fast::gemm_vnni_available()) GTEST_SKIP() << kNoVnni;
  EXPECT_TRUE(fast::gemm_vnni_nibbles_fit(-8, 7));
  EXPECT_TRUE(fast::gemm_vnni_nibbles_fit(0, 15));
  EXPECT_FALSE(fast::gemm_vnni_nibbles_fit(-9, 7));
  EXPECT_FALSE(fast::gemm_vnni_nibbles_fit(-1, 8));  // 10 levels, but neither form holds both ends
  EXPECT_FALSE(fast::gemm_vnni_nibbles_fit(0, 16));
  std::mt19937 rng(16);
  for (auto [m, k, n] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
           {1, 1, 1}, {5, 13, 17}, {9, 1030, 70}, {33, 7, 300}, {16, 2101, 5}, {17, 259, 129}, {8, 12, 33}}) {
    for (int lowest : {-8, 0}) {
      std::vector<int8_t> w(static_cast<size_t>(m * k));
      for (auto& e : w) e = static_cast<int8_t>(static_cast<int32_t>(rng() % 16) + lowest);
      w[0] = lowest + 15;  // the form's top level, in every shape
      std::vector<uint8_t> b(static_cast<size_t>(k * n));
      for (auto& e : b) e = static_cast<uint8_t>(rng());
      expect_gemm_exact(w, b, m, k, n, static_cast<int32_t>(rng() % 256), true);
      const fast::VnniWeights bytes = fast::pack_vnni_weights(w.data(), m, k, k, 1, 0);
      const fast::VnniWeights nibbles = fast::pack_vnni_weights(w.data(), m, k, k, 1, 0, true);
      EXPECT_EQ(nibbles.unsigned_nibbles, lowest == 0);
      EXPECT_LE(nibbles.nibbles.size(), (bytes.data.size() + 32 * 8) / 2) << m << "x" << k;
    }
  }
}

// The exact level of sum c under row constants m, b and clamp [lo, hi]: round half to even of c * m + b, in long
// double (64-bit mantissa: the product of an int32 and a float is exact).
int32_t exact_level(int32_t c, float m, float b, float lo, float hi) {
  const long double v = std::nearbyintl(static_cast<long double>(c) * m + b);
  return static_cast<int32_t>(std::min<long double>(std::max<long double>(v, lo), hi));
}

// gemm_vnni_levels against the exact levels of the integer sums, the lanes in doubt stored by settle with the exact
// rule. Small weights and multipliers of 1/4 put a quarter of the values exactly on a tie, addends of 2^-22 a hair
// away from one; other rows take random constants (one per row, or one for all). Rows past whole panels, columns
// past whole tiles, byte and 4-bit weights, int8 and uint8 levels, clamps inside the type, 1 and 3 threads.
TEST(GemmVnni, LevelsMatchTheExactLevelsOfTheSums) {
  if (!fast::gemm_vnni_available()) GTEST_SKIP() << kNoVnni;
  std::mt19937 rng(21);
  TestThreads threads;
  int64_t settled = 0, total = 0;
  for (auto [m, k, n] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
           {5, 16, 40}, {24, 27, 33}, {17, 259, 129}, {96, 16, 300}, {9, 1024, 70}, {8, 4, 9}, {13, 40, 49},
           {24, 100, 52}, {7, 36, 196}}) {
    EXPECT_TRUE(fast::gemm_vnni_levels_fit(fast::pack_vnni_weights(std::vector<int8_t>(m * k).data(), m, k, k, 1, 0), n));
    for (int form = 0; form < 4; ++form) {
      const bool is_signed = form % 2 == 1, nibbles = form >= 2, shared = form == 3;
      std::vector<int8_t> w(static_cast<size_t>(m * k));
      for (auto& e : w) e = static_cast<int8_t>(static_cast<int32_t>(rng() % 5) - 2);
      std::vector<uint8_t> b(static_cast<size_t>(k * n));
      for (auto& e : b) e = static_cast<uint8_t>(rng());
      const auto bzp = static_cast<int32_t>(rng() % 256);
      const std::vector<int32_t> sums = integer_sums(w, b, m, k, n, false, bzp);
      std::vector<float> mult(static_cast<size_t>(m)), add(static_cast<size_t>(m));
      for (int64_t i = 0; i < m; ++i) {
        const bool ties = i % 3 != 2;
        mult[i] = ties ? 0.25f : std::uniform_real_distribution<float>(0.001f, 0.5f)(rng);
        add[i] = ties ? (i % 2 == 0 ? 0.0f : 0x1p-22f) : std::uniform_real_distribution<float>(-20.0f, 20.0f)(rng);
      }
      const float lo = is_signed ? -100.0f : 3.0f, hi = is_signed ? 90.0f : 255.0f;
      const float b_max = 20.0f, f_max = std::max(std::fabs(lo), std::fabs(hi));
      fast::VnniLevels out;
      out.m = mult.data(), out.b = add.data(), out.step = shared ? 0 : 1;
      out.lo = lo, out.hi = hi, out.is_signed = is_signed;
      out.margin = std::nextafter(static_cast<float>(0.5 - 0x1p-20 * (f_max + b_max + 1.0)), 0.0f);
      const fast::VnniWeights pw = fast::pack_vnni_weights(w.data(), m, k, k, 1, bzp, nibbles);
      for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
        std::vector<uint8_t> y(static_cast<size_t>(m * (n + 3)), 0xEE);  // 3 columns of slack per row stay untouched
        out.y = y.data(), out.ldy = n + 3;
        std::atomic<int64_t> doubts{0};
        const auto row_m = [&](int64_t i) { return mult[shared ? 0 : i]; };
        const auto row_b = [&](int64_t i) { return add[shared ? 0 : i]; };
        out.settle = [&](int64_t i, int64_t j, int32_t sum) {
          EXPECT_EQ(sum, sums[i * n + j]);
          y[i * (n + 3) + j] = static_cast<uint8_t>(exact_level(sum, row_m(i), row_b(i), lo, hi));
          ++doubts;
        };
        fast::gemm_vnni_levels(pw, fast::VnniMatrixPanels(b.data(), n, false), n, pool, out);
        for (int64_t i = 0; i < m; ++i) {
          for (int64_t j = 0; j < n + 3; ++j) {
            const uint8_t got = y[i * (n + 3) + j];
            const int32_t want = j < n ? exact_level(sums[i * n + j], row_m(i), row_b(i), lo, hi) : 0xEE;
            ASSERT_EQ(is_signed && j < n ? static_cast<int32_t>(static_cast<int8_t>(got)) : got, want)
                << m << "x" << k << "x" << n << " form " << form << " at " << i << "," << j << " sum " << sums[i * n + j];
          }
        }
        settled += doubts, total += m * n;
      }
    }
  }
  // The ties must have reached the scalar path, and only a minority of the values.
  EXPECT_GT(settled, 0);
  EXPECT_LT(settled, total / 2);
}

TEST(GemmVnni, ExtremeValuesAtLargeK) {
  if (!fast::gemm_vnni_available()) GTEST_SKIP() << kNoVnni;
  // All-255 activations against weights at -128 (and 127) over the largest exact k: the sum and the zero-point term
  // each near 2^30, with zero points 0 and 255.
  // 35 columns take the 32-column tile, 3 the one-column kernel.
  const int64_t m = 9, k = 32896;
  for (int64_t n : {35, 3}) {
    std::vector<uint8_t> b(static_cast<size_t>(k * n), 255);
    for (int8_t level : {int8_t{-128}, int8_t{127}}) {
      std::vector<int8_t> w(static_cast<size_t>(m * k), level);
      // Row 0 not constant, still s8.
      for (int64_t p = 0; p < k; p += 7) w[static_cast<size_t>(p)] = static_cast<int8_t>(-1 - level);
      for (int32_t bzp : {0, 255}) expect_gemm_exact(w, b, m, k, n, bzp);
    }
  }
}

std::vector<Attr> requant_attrs(int64_t channels) {
  std::vector<float> mult(static_cast<size_t>(channels)), add(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) mult[c] = 0.0003f * static_cast<float>(c % 7 + 1), add[c] = 0.2f * static_cast<float>(c % 3) - 0.3f;
  return {floats_attr("mult", mult), floats_attr("add", add), floats_attr("out_scale", {0.05f}),
          floats_attr("out_zero_point", {3}), int_attr("out_bits", 8), int_attr("out_signed", 0),
          int_attr("out_to", static_cast<int64_t>(DType::kUint8))};
}

// 8-bit levels of a tensor: uniform, or all at `fill` when it is set.
TensorData levels(bool is_signed, const Dims& shape, std::mt19937& rng, std::optional<int> fill = std::nullopt) {
  std::vector<uint8_t> v(static_cast<size_t>(num_elements(shape)));
  for (auto& e : v) e = static_cast<uint8_t>(fill ? *fill : static_cast<int>(rng() % 256));
  return make_tensor<uint8_t>(is_signed ? DType::kInt8 : DType::kUint8, shape, v);
}

// Whether the fast op takes the VNNI GEMM for X, W (bit-packed to `packed_bits` when nonzero) and the attributes.
bool takes_vnni(const std::string& op, const AttrMap& a, const TensorData& x, const TensorData& w,
                uint8_t packed_bits = 0) {
  Tensor xv = x.view(), wv = w.view();
  wv.packed_bits = packed_bits;
  KernelContext ctx;
  ctx.op_type = op;
  ctx.domain = "qedge";
  ctx.attrs = &a;
  ctx.inputs = {&xv, &wv};
  return fast::vnni_applies(ctx, op == "QConv" ? num_elements(w.shape) / w.shape[0] : x.shape.back());
}

// Weights and their zero points: int8 with 0 or uint8 with 128 (W' fills s8), per tensor or per channel; `outside`
// moves one channel's zero point so that W' leaves s8.
struct WeightForm {
  bool is_signed = true, per_channel = false, outside = false;
};

std::vector<float> zero_points(const WeightForm& f, int64_t channels) {
  std::vector<float> zp(f.per_channel ? static_cast<size_t>(channels) : 1, f.is_signed ? 0.0f : 128.0f);
  if (f.outside) zp.back() += 1.0f;
  return zp;
}

struct ConvCase {
  Dims x, w;
  std::vector<Attr> attrs;
};

// Odd sizes throughout: pointwise (read in place, with and without batch), padded, strided, dilated, grouped, 1-D,
// 7x7 stride 2 like resnet18's stem, and more channels than one k slice.
std::vector<ConvCase> conv_cases() {
  return {
      {{1, 13, 9, 7}, {21, 13, 1, 1}, {}},
      {{3, 6, 5, 9}, {11, 6, 3, 3}, {ints_attr("pads", {1, 2, 0, 1})}},
      {{1, 9, 12, 10}, {12, 3, 3, 2}, {int_attr("group", 3), ints_attr("strides", {2, 1}), ints_attr("pads", {1, 0, 2, 1})}},
      {{1, 5, 14, 11}, {7, 5, 3, 3}, {ints_attr("dilations", {2, 3}), ints_attr("pads", {2, 1, 2, 2})}},
      {{1, 3, 19, 17}, {9, 3, 7, 7}, {ints_attr("strides", {2, 2}), ints_attr("pads", {3, 3, 3, 3})}},
      {{2, 4, 17}, {5, 4, 5}, {ints_attr("pads", {1, 2})}},
      {{1, 67, 7, 7}, {33, 67, 3, 3}, {ints_attr("pads", {1, 1, 1, 1})}},
      {{2, 131, 13, 11}, {19, 131, 1, 1}, {}},
      {{1, 40, 9, 9}, {17, 40, 1, 1}, {ints_attr("strides", {2, 2})}},
  };
}

TEST(VnniQConv, BitIdenticalToReference) {
  std::mt19937 rng(12);
  int on_vnni = 0, cases = 0;
  for (const ConvCase& c : conv_cases()) {
    for (const WeightForm& f : {WeightForm{true, false, false}, WeightForm{false, true, false}, WeightForm{true, true, true}}) {
      const bool signed_x = rng() % 2 == 0;
      std::vector<Attr> list = c.attrs;
      for (Attr& a : requant_attrs(c.w[0])) list.push_back(std::move(a));
      list.push_back(int_attr("x_zero_point", signed_x ? static_cast<int64_t>(rng() % 40) - 20 : static_cast<int64_t>(rng() % 256)));
      list.push_back(floats_attr("w_zero_point", zero_points(f, c.w[0])));
      const AttrMap a = attrs(list);
      const TensorData x = levels(signed_x, c.x, rng), w = levels(f.is_signed, c.w, rng);
      const bool vnni = takes_vnni("QConv", a, x, w);
      EXPECT_EQ(vnni, fast::gemm_vnni_available() && !f.outside) << cases;
      on_vnni += vnni, ++cases;
      expect_identical_to_reference("QConv", a, {x, w});
    }
  }
  if (fast::gemm_vnni_available()) {
    EXPECT_EQ(on_vnni, cases * 2 / 3);
  }
}

TEST(VnniQConv, ExtremeValuesBitIdentical) {
  std::mt19937 rng(13);
  // K = 512 * 9: all-255 activations (zero point 0 and 255) against weights all at -128 or all at 127.
  for (int wfill : {-128, 127}) {
    for (int64_t xzp : {0, 255}) {
      std::vector<Attr> list = requant_attrs(16);
      list.push_back(ints_attr("pads", {1, 1, 1, 1}));
      list.push_back(int_attr("x_zero_point", xzp));
      list.push_back(floats_attr("w_zero_point", {0.0f}));
      const AttrMap a = attrs(list);
      const TensorData x = levels(false, {1, 512, 5, 6}, rng, 255), w = levels(true, {16, 512, 3, 3}, rng, wfill);
      EXPECT_EQ(takes_vnni("QConv", a, x, w), fast::gemm_vnni_available());
      expect_identical_to_reference("QConv", a, {x, w});
    }
  }
}

TEST(VnniQMatMul, BitIdenticalToReference) {
  std::mt19937 rng(14);
  for (auto [m, k, n, trans] : std::vector<std::tuple<int64_t, int64_t, int64_t, int>>{
           {1, 1280, 1000, 1}, {7, 33, 17, 0}, {20, 601, 41, 1}, {3, 5, 3, 0}}) {
    for (const WeightForm& f : {WeightForm{true, true, false}, WeightForm{false, false, false}, WeightForm{true, true, true}}) {
      const bool signed_x = rng() % 2 == 0;
      std::vector<Attr> list = requant_attrs(n);
      list.push_back(int_attr("trans_b", trans));
      list.push_back(int_attr("x_zero_point", signed_x ? -5 : 131));
      list.push_back(floats_attr("w_zero_point", zero_points(f, n)));
      const AttrMap a = attrs(list);
      const TensorData x = levels(signed_x, {m, k}, rng), w = levels(f.is_signed, trans ? Dims{n, k} : Dims{k, n}, rng);
      EXPECT_EQ(takes_vnni("QMatMul", a, x, w), fast::gemm_vnni_available() && !f.outside);
      expect_identical_to_reference("QMatMul", a, {x, w});
    }
  }
}

TEST(VnniDispatch, FollowsTheCpu) {
  // An int8 layer every VNNI CPU takes: declined exactly where the CPU lacks VNNI (the AVX2 paths have their tests).
  std::mt19937 rng(15);
  std::vector<Attr> list = requant_attrs(8);
  list.push_back(int_attr("x_zero_point", 128));
  const AttrMap a = attrs(list);
  const TensorData x = levels(false, {1, 8, 4, 4}, rng), w = levels(true, {8, 8, 1, 1}, rng);
  EXPECT_EQ(takes_vnni("QConv", a, x, w), fast::cpu_features().avx512_vnni);
  // Packed sub-byte weights take it where it keeps them as small as the low-bit GEMM does: 4-bit W' in [-8, 7]
  // (signed, zero point 0) or [0, 15] (unsigned, zero point 0) as nibbles, more than 16 levels as bytes; 4-bit
  // unsigned weights with zero point 3 (W' in [-3, 12]) fit neither nibble form and keep the low-bit GEMM. xnor
  // layers never take it.
  const bool vnni = fast::cpu_features().avx512_vnni;
  EXPECT_EQ(takes_vnni("QConv", a, x, w, 4), vnni);
  EXPECT_EQ(takes_vnni("QConv", a, x, w, 6), vnni);
  const TensorData w_unsigned = levels(false, {8, 8, 1, 1}, rng);
  EXPECT_EQ(takes_vnni("QConv", a, x, w_unsigned, 4), vnni);
  std::vector<Attr> shifted = list;
  shifted.push_back(floats_attr("w_zero_point", {3.0f}));
  EXPECT_FALSE(takes_vnni("QConv", attrs(shifted), x, w_unsigned, 4));
  list.push_back(int_attr("xnor", 1));
  EXPECT_FALSE(takes_vnni("QConv", attrs(list), x, w));
}

}  // namespace
}  // namespace qedge::testing
