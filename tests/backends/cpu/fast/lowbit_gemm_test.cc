// The low-bit GEMM (u8 activations x byte or nibble weights, vpmaddubsw) and the QConv/QMatMul layers on it,
// bit-exact against plain integer sums and the reference kernels: weight bit widths 1..8 (bit-packed constants),
// signed and unsigned activations and weights, zero points (per channel too), odd sizes, padding, strides,
// dilation, groups, 1 and 3 threads; layers outside the exact bound fall back to the int16 GEMM and stay exact.
#include <gtest/gtest.h>

#include <random>

#include "../../../support/kernel_harness.h"
#include "fast_test_support.h"
#include "gemm_lowbit/gemm_lowbit_microkernel.h"
#include "lowbit_operands.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "qedge/cpu_fast/fast_kernels.h"
#include "qedge/cpu_fast/gemm_lowbit.h"

namespace qedge::testing {
namespace {

// Levels of a `bits`-bit signed or unsigned type.
struct Levels {
  int bits = 4;
  bool is_signed = true;
  int32_t lo() const { return is_signed ? -(1 << (bits - 1)) : 0; }
  int32_t hi() const { return lo() + (1 << bits) - 1; }
};

std::vector<int32_t> random_levels(Levels l, int64_t n, std::mt19937& rng) {
  std::vector<int32_t> v(static_cast<size_t>(n));
  for (auto& e : v) e = l.lo() + static_cast<int32_t>(rng() % static_cast<uint32_t>(l.hi() - l.lo() + 1));
  return v;
}

using Weight = PackedTestWeight;

// The weight as the converter stores it: bit-packed below 8 bits, a model constant.
Weight make_weight(Levels l, const Dims& shape, const std::vector<int32_t>& levels) {
  return packed_test_weight(l.bits, l.is_signed, false, shape, levels);
}

// Prepares and runs the qedge-domain kernel `op` of `registry` on X and a packed W (run_kernel cannot mark a
// weight packed); runs twice so the packed-weight cache is used too, and requires both outputs equal.
Result<TensorData> run_with_weight(const KernelRegistry& registry, const std::string& op, const AttrMap& a,
                                   const TensorData& x, const Weight& w, ThreadPool* threads, bool* lowbit) {
  const Tensor xv = x.view();
  return run_qedge_twice(registry, op, a, {&xv, &w.view}, threads, [&](const KernelContext& ctx) {
    const int64_t k = op == "QConv" ? num_elements(w.view.shape) / w.view.shape[0] : x.shape.back();
    if (lowbit) *lowbit = fast::lowbit_layout_for(ctx, k).has_value();
  });
}

// Fast (1 and 3 threads) against reference, bit for bit; returns whether the layer took the low-bit GEMM.
bool expect_identical(const std::string& op, const AttrMap& a, const TensorData& x, const Weight& w) {
  auto want = run_with_weight(ref_registry(), op, a, x, w, nullptr, nullptr);
  EXPECT_TRUE(want.ok()) << want.status().message();
  if (!want.ok()) return false;
  TestThreads threads;
  bool lowbit = false;
  for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
    auto got = run_with_weight(fast_registry(), op, a, x, w, pool, &lowbit);
    EXPECT_TRUE(got.ok()) << got.status().message();
    if (!got.ok()) return false;
    EXPECT_EQ(got->shape, want->shape);
    EXPECT_EQ(got->bytes, want->bytes) << op;
  }
  return lowbit;
}

TensorData random_input(bool is_signed, const Dims& shape, std::mt19937& rng) {
  std::vector<uint8_t> v(static_cast<size_t>(num_elements(shape)));
  for (auto& e : v) e = static_cast<uint8_t>(rng() % 256);
  return make_tensor<uint8_t>(is_signed ? DType::kInt8 : DType::kUint8, shape, v);
}

std::vector<Attr> requant_attrs(int64_t channels) {
  std::vector<float> mult(static_cast<size_t>(channels)), add(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) mult[c] = 0.0007f * static_cast<float>(c + 1), add[c] = 0.3f * static_cast<float>(c % 3) - 0.4f;
  return {floats_attr("mult", mult), floats_attr("add", add), floats_attr("out_scale", {0.05f}),
          floats_attr("out_zero_point", {0}), int_attr("out_bits", 8), int_attr("out_signed", 1),
          int_attr("out_to", static_cast<int64_t>(DType::kInt8))};
}

// Weight zero points inside the type's range: one, or one per channel.
std::vector<float> weight_zero_points(Levels l, int64_t channels, bool per_channel, std::mt19937& rng) {
  std::vector<float> zp(per_channel ? static_cast<size_t>(channels) : 1);
  for (auto& z : zp) z = static_cast<float>(l.lo() + static_cast<int32_t>(rng() % static_cast<uint32_t>(l.hi() - l.lo() + 1)));
  return zp;
}

// The AVX2 micro-kernels, and the AVX-512 VNNI ones where the CPU has them, against the portable ones.
TEST(LowbitGemm, MicroKernelsAgree) {
#if defined(__x86_64__)
  if (!fast::cpu_features().avx2_fma) GTEST_SKIP() << "no AVX2";
  std::mt19937 rng(1);
  for (bool nibbles : {false, true}) {
    for (int64_t kq : {2, 6, 40}) {
      const int64_t group = nibbles ? 4 : 1;
      std::vector<uint8_t> w(static_cast<size_t>(kq * 16)), b(static_cast<size_t>(kq * 64));
      for (auto& e : w) e = nibbles ? static_cast<uint8_t>(rng()) : static_cast<uint8_t>(static_cast<int8_t>(rng() % 129 - 64));
      for (auto& e : b) e = static_cast<uint8_t>(rng());
      for (bool accumulate : {false, true}) {
        std::vector<int32_t> want(4 * 20, 7), got(4 * 20, 7);
        (nibbles ? fast::gemm_u8s4_4x16_scalar : fast::gemm_u8s8_4x16_scalar)(kq, group, w.data(), b.data(), want.data(), 20, accumulate);
        (nibbles ? fast::gemm_u8s4_4x16_avx2 : fast::gemm_u8s8_4x16_avx2)(kq, group, w.data(), b.data(), got.data(), 20, accumulate);
        EXPECT_EQ(got, want) << nibbles << " " << kq << " " << accumulate;
        if (!fast::cpu_features().avx512_vnni) continue;
        std::vector<int32_t> vnni(4 * 20, 7);
        (nibbles ? fast::gemm_u8s4_4x16_vnni : fast::gemm_u8s8_4x16_vnni)(kq, group, w.data(), b.data(), vnni.data(), 20, accumulate);
        EXPECT_EQ(vnni, want) << "vnni " << nibbles << " " << kq << " " << accumulate;
      }
    }
  }
#else
  GTEST_SKIP() << "x86-64 only";
#endif
}

TEST(LowbitGemm, LayoutFollowsTheExactBound) {
  EXPECT_EQ(fast::lowbit_layout(-8, 7, 100)->format, fast::LowbitFormat::kS4);
  EXPECT_EQ(fast::lowbit_layout(-8, 7, 100)->group, 4);
  EXPECT_EQ(fast::lowbit_layout(0, 1, 100)->group, 64);
  EXPECT_EQ(fast::lowbit_layout(-64, 63, 100)->format, fast::LowbitFormat::kS8);
  EXPECT_EQ(fast::lowbit_layout(-64, 63, 100)->group, 1);
  EXPECT_FALSE(fast::lowbit_layout(-65, 62, 100).has_value());   // 2 * 255 * 65 > 32767
  EXPECT_FALSE(fast::lowbit_layout(-128, 127, 100).has_value());  // 8-bit weights keep the int16 GEMM
  EXPECT_FALSE(fast::lowbit_layout(-8, 7, 1 << 20).has_value());  // int32 headroom
}

TEST(LowbitGemm, MatchesIntegerSums) {
  std::mt19937 rng(2);
  TestThreads threads;
  for (int bits = 1; bits <= 7; ++bits) {
    for (auto [m, k, n] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{{1, 1, 1}, {5, 13, 17}, {33, 520, 70}, {8, 1100, 300}}) {
      const Levels l{bits, bits % 2 == 0 || bits == 7};
      const int32_t wzp = bits == 7 ? 0 : l.lo() + static_cast<int32_t>(rng() % static_cast<uint32_t>(1 << bits));
      const auto layout = fast::lowbit_layout(l.lo() - wzp, l.hi() - wzp, k);
      ASSERT_TRUE(layout.has_value()) << bits;
      std::vector<int16_t> w(static_cast<size_t>(m * k));
      for (auto& e : w) e = static_cast<int16_t>(l.lo() + static_cast<int32_t>(rng() % static_cast<uint32_t>(1 << bits)) - wzp);
      std::vector<uint8_t> b(static_cast<size_t>(k * n));
      for (auto& e : b) e = static_cast<uint8_t>(rng());
      const auto bzp = static_cast<int32_t>(rng() % 256);
      for (bool trans : {false, true}) {
        // W' stored [k, m] when trans (exercises the strided packing), B [n, k] when trans.
        const fast::LowbitWeights pw = trans ? [&] {
          std::vector<int16_t> wt(w.size());
          for (int64_t i = 0; i < m; ++i) for (int64_t p = 0; p < k; ++p) wt[p * m + i] = w[i * k + p];
          return fast::pack_lowbit_weights(*layout, wt.data(), m, k, 1, m);
        }() : fast::pack_lowbit_weights(*layout, w.data(), m, k, k, 1);
        std::vector<int32_t> want(static_cast<size_t>(m * n));
        for (int64_t i = 0; i < m; ++i) {
          for (int64_t j = 0; j < n; ++j) {
            int64_t s = 0;
            for (int64_t p = 0; p < k; ++p) s += static_cast<int64_t>(w[i * k + p]) * ((trans ? b[j * k + p] : b[p * n + j]) - bzp);
            want[i * n + j] = static_cast<int32_t>(s);
          }
        }
        for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
          std::vector<int32_t> got(static_cast<size_t>(m * n), -1);
          fast::gemm_lowbit(pw, b.data(), trans ? k : n, trans, n, bzp, got.data(), n, pool);
          EXPECT_EQ(got, want) << "bits " << bits << " " << m << "x" << k << "x" << n << " trans " << trans;
        }
      }
    }
  }
}

struct ConvCase {
  Dims x, w;
  std::vector<Attr> attrs;
};

std::vector<ConvCase> conv_cases() {
  return {
      {{1, 16, 9, 9}, {24, 16, 1, 1}, {}},
      {{2, 5, 7, 6}, {9, 5, 3, 3}, {ints_attr("pads", {1, 1, 1, 1})}},
      {{1, 6, 11, 10}, {8, 3, 3, 2}, {int_attr("group", 2), ints_attr("strides", {2, 1}), ints_attr("pads", {1, 0, 2, 1})}},
      {{1, 7, 13, 12}, {5, 7, 3, 3}, {ints_attr("dilations", {2, 2}), ints_attr("pads", {2, 1, 2, 2})}},
      {{1, 40, 8, 8}, {70, 40, 1, 1}, {ints_attr("strides", {2, 2})}},
      {{1, 3, 15}, {6, 3, 4}, {ints_attr("pads", {2, 1})}},
  };
}

TEST(LowbitQConv, BitIdenticalToReferenceForBitWidths1To8) {
  std::mt19937 rng(3);
  int on_lowbit = 0;
  for (int bits = 1; bits <= 8; ++bits) {
    for (const ConvCase& c : conv_cases()) {
      const Levels l{bits, (bits + static_cast<int>(c.x.size())) % 2 == 0};
      const bool signed_x = rng() % 2 == 0;
      std::vector<Attr> list = c.attrs;
      for (Attr& a : requant_attrs(c.w[0])) list.push_back(std::move(a));
      list.push_back(int_attr("x_zero_point", signed_x ? static_cast<int64_t>(rng() % 40) - 20 : static_cast<int64_t>(rng() % 256)));
      list.push_back(floats_attr("w_zero_point", weight_zero_points(l, c.w[0], bits < 4, rng)));
      const Weight w = make_weight(l, c.w, random_levels(l, num_elements(c.w), rng));
      on_lowbit += expect_identical("QConv", attrs(list), random_input(signed_x, c.x, rng), w);
    }
  }
  // 1..4-bit weights with one zero point, and most per-channel ones, take the low-bit GEMM.
  EXPECT_GE(on_lowbit, 18);
}

// Weights of 2..4 bits with zero point 0, signed and unsigned: on a VNNI CPU they go to the VNNI GEMM as nibbles
// (W' in [-8, 7] sign-extended, W' in [0, 15] not), elsewhere to the low-bit GEMM; bit-identical either way, with the
// top and bottom levels present in every layer.
TEST(LowbitQConv, ZeroPointZeroSubByteWeightsBitIdenticalToReference) {
  std::mt19937 rng(8);
  for (int bits = 2; bits <= 4; ++bits) {
    for (bool is_signed : {true, false}) {
      const Levels l{bits, is_signed};
      for (const ConvCase& c : conv_cases()) {
        std::vector<Attr> list = c.attrs;
        for (Attr& a : requant_attrs(c.w[0])) list.push_back(std::move(a));
        list.push_back(int_attr("x_zero_point", static_cast<int64_t>(rng() % 256)));
        std::vector<int32_t> levels = random_levels(l, num_elements(c.w), rng);
        levels.front() = l.lo(), levels.back() = l.hi();
        expect_identical("QConv", attrs(list), random_input(false, c.x, rng), make_weight(l, c.w, levels));
        std::vector<Attr> mm = requant_attrs(24);
        mm.push_back(int_attr("x_zero_point", 7));
        std::vector<int32_t> mm_levels = random_levels(l, 300 * 24, rng);
        mm_levels.front() = l.lo(), mm_levels.back() = l.hi();
        expect_identical("QMatMul", attrs(mm), random_input(true, {5, 300}, rng), make_weight(l, {300, 24}, mm_levels));
      }
    }
  }
}

// Bit-packed weights larger than the piece read_int_weights unpacks at a time (16,384 values), with per-channel zero
// points, so that pieces end inside a channel (QConv: channel axis 0, 576 values a channel) and channels change every
// value (QMatMul: axis 1): the reference on the packed weight gives what it gives on the same levels stored as bytes,
// and the fast kernels follow it.
TEST(LowbitWeights, PackedWeightsReadAcrossUnpackPieces) {
  std::mt19937 rng(10);
  for (int bits : {1, 3, 4}) {
    const Levels l{bits, bits != 3};
    const Levels bytes_form{8, l.is_signed};
    for (const std::string op : {"QConv", "QMatMul"}) {
      const Dims wshape = op == "QConv" ? Dims{60, 64, 3, 3} : Dims{2000, 24};
      const int64_t channels = op == "QConv" ? wshape[0] : wshape[1];
      std::vector<Attr> list = requant_attrs(channels);
      list.push_back(int_attr("x_zero_point", 100));
      list.push_back(floats_attr("w_zero_point", weight_zero_points(l, channels, true, rng)));
      if (op == "QConv") list.push_back(ints_attr("pads", {1, 1, 1, 1}));
      const AttrMap a = attrs(list);
      const TensorData x = random_input(false, op == "QConv" ? Dims{1, 64, 6, 5} : Dims{3, 2000}, rng);
      const std::vector<int32_t> levels = random_levels(l, num_elements(wshape), rng);
      const Weight packed = make_weight(l, wshape, levels), natural = make_weight(bytes_form, wshape, levels);
      SCOPED_TRACE(op + " bits " + std::to_string(bits));
      auto from_packed = run_with_weight(ref_registry(), op, a, x, packed, nullptr, nullptr);
      auto from_bytes = run_with_weight(ref_registry(), op, a, x, natural, nullptr, nullptr);
      ASSERT_TRUE(from_packed.ok() && from_bytes.ok());
      EXPECT_EQ(from_packed->bytes, from_bytes->bytes);
      expect_identical(op, a, x, packed);
    }
  }
}

TEST(LowbitQMatMul, BitIdenticalToReferenceForBitWidths1To8) {
  std::mt19937 rng(4);
  int on_lowbit = 0;
  for (int bits = 1; bits <= 8; ++bits) {
    for (auto [m, k, n, trans] : std::vector<std::tuple<int64_t, int64_t, int64_t, int>>{{1, 64, 10, 0}, {7, 33, 17, 1}, {20, 600, 41, 0}}) {
      const Levels l{bits, bits % 2 == 1};
      const bool signed_x = trans == 1;
      std::vector<Attr> list = requant_attrs(n);
      list.push_back(int_attr("trans_b", trans));
      list.push_back(int_attr("x_zero_point", signed_x ? -5 : 131));
      list.push_back(floats_attr("w_zero_point", weight_zero_points(l, n, trans == 0, rng)));
      const Dims wshape = trans ? Dims{n, k} : Dims{k, n};
      const Weight w = make_weight(l, wshape, random_levels(l, num_elements(wshape), rng));
      on_lowbit += expect_identical("QMatMul", attrs(list), random_input(signed_x, {m, k}, rng), w);
    }
  }
  EXPECT_GE(on_lowbit, 12);
}

TEST(LowbitQConv, OutsideTheBoundFallsBackExactly) {
  std::mt19937 rng(5);
  const ConvCase c = conv_cases()[1];
  // 8-bit weights, and 5-bit weights whose per-channel zero points stretch |w'| past 64.
  for (const auto& [l, zp] : std::vector<std::pair<Levels, std::vector<float>>>{{{8, true}, {0.0f}}, {{5, false}, {0, 0, 31, -40, 1, 2, 3, 4, 5}}}) {
    std::vector<Attr> list = c.attrs;
    for (Attr& a : requant_attrs(c.w[0])) list.push_back(std::move(a));
    list.push_back(int_attr("x_zero_point", 7));
    list.push_back(floats_attr("w_zero_point", zp));
    const Weight w = make_weight(l, c.w, random_levels(l, num_elements(c.w), rng));
    EXPECT_FALSE(expect_identical("QConv", attrs(list), random_input(false, c.x, rng), w)) << l.bits;
  }
}

}  // namespace
}  // namespace qedge::testing
