// QAdd's certified form 64 elements per step (qadd_certified_avx512, requant_certified_avx512.cc) against the scalar
// epilogue, element by element: every pair of 8-bit levels, u8/s8 inputs and outputs, both zero-point rules, fused
// clamps, scales that put sums exactly on a tie or a hair from one (so that lanes are in doubt, and some of them would
// come out wrong were they not settled: the test counts both from its own copy of the lanes' arithmetic), every length
// 1..200 at unaligned offsets (the masked rest) and long runs (several blocks of 64 steps). Then the fast QAdd kernel,
// which dispatches to it, against the reference kernel with 1 and 3 threads, zero points far outside 8 bits included.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "fast_test_support.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "requant.h"

namespace qedge::testing {
namespace {

struct Case {
  DType a_type = DType::kUint8, b_type = DType::kUint8, out = DType::kUint8;
  float a_scale = 0.031f, b_scale = 0.017f, out_scale = 0.04f, add = 0.0f, out_zero_point = 128.0f;
  int64_t a_zero_point = 128, b_zero_point = 7;
  bool zp_after_round = true, relu = false;
};

AttrMap case_attrs(const Case& c) {
  const bool out_signed = c.out == DType::kInt8 || c.out == DType::kInt16;
  AttrMap at = attrs({float_attr("a_scale", c.a_scale), float_attr("b_scale", c.b_scale),
                      int_attr("a_zero_point", c.a_zero_point), int_attr("b_zero_point", c.b_zero_point),
                      floats_attr("add", {c.add}), floats_attr("out_scale", {c.out_scale}),
                      floats_attr("out_zero_point", {c.out_zero_point}),
                      int_attr("out_bits", c.out == DType::kInt16 ? 16 : 8), int_attr("out_signed", out_signed ? 1 : 0),
                      int_attr("out_to", static_cast<int64_t>(c.out)),
                      int_attr("out_zp_after_round", c.zp_after_round ? 1 : 0)});
  if (c.relu) at.set(float_attr("clamp_min", 0.0f));
  return at;
}

// The op the epilogue is read for; the context keeps a view of its name, so it has static storage.
const std::string& op() {
  static const std::string name = "QAdd";
  return name;
}

// A case's epilogue and certified constants as the fast QAdd reads them, over input levels a and b.
struct QAddSetup {
  AttrMap at;
  Tensor a, b, y;
  ref::IntLinearEpilogue e;
  fast::QAddOperand oa, ob;
  fast::CertifiedQAdd c;

  QAddSetup(const Case& k, const std::vector<uint8_t>& la, const std::vector<uint8_t>& lb) : at(case_attrs(k)) {
    a.dtype = k.a_type, b.dtype = k.b_type;
    a.shape = b.shape = {static_cast<int64_t>(la.size())};
    a.data = const_cast<uint8_t*>(la.data()), b.data = const_cast<uint8_t*>(lb.data());
    KernelContext ctx = qedge_context(op(), at, nullptr);
    ctx.inputs = {&a, &b};
    ctx.outputs = {&y};
    EXPECT_TRUE(e.read(ctx, 1, a.shape).ok());
    oa.data = la.data(), ob.data = lb.data();
    oa.is_signed = k.a_type == DType::kInt8, ob.is_signed = k.b_type == DType::kInt8;
    oa.scale = k.a_scale, ob.scale = k.b_scale;
    oa.zero_point = k.a_zero_point, ob.zero_point = k.b_zero_point;
    c = fast::certify_qadd(e, oa, ob);
  }
};

// What a lane of the certified form computes, in scalar float with the same fused operations: its level before
// settling, and whether it is in doubt.
struct Lane {
  int64_t level;
  bool doubt;
};

Lane lane(const fast::CertifiedQAdd& c, const fast::QAddOperand& a, const fast::QAddOperand& b, int64_t i) {
  const auto oa = static_cast<float>(a.level(i) - a.zero_point), ob = static_cast<float>(b.level(i) - b.zero_point);
  const float f = std::fma(oa, c.ma, std::fma(ob, c.mb, c.b));
  const float g = std::fmin(std::fmax(f, c.level_lo), c.level_hi);
  const float n = std::nearbyint(g);
  return {static_cast<int64_t>(n), !(std::fabs(g - n) < c.margin)};
}

struct Counts {
  int64_t doubts = 0, wrong_unless_settled = 0;
};

// qadd_certified_avx512 on elements [base, base + n) against the scalar epilogue; the bytes around them keep their
// guard value. Adds up the lanes in doubt and those whose unsettled level differs from the reference's.
void expect_as_scalar(const Case& k, const std::vector<uint8_t>& la, const std::vector<uint8_t>& lb, int64_t base,
                      int64_t n, Counts* counts) {
  QAddSetup s(k, la, lb);
  ASSERT_TRUE(s.c.on);
  const auto total = static_cast<int64_t>(la.size());
  ASSERT_LE(base + n, total);
  std::vector<uint8_t> got(static_cast<size_t>(total), 0x5a), want(static_cast<size_t>(total), 0x5a);
  s.y.dtype = k.out, s.y.shape = s.a.shape;
  Tensor scalar = s.y;
  s.y.data = got.data(), scalar.data = want.data();
  ASSERT_EQ(fast::qadd_certified_avx512(s.e, s.c, s.oa, s.ob, n, s.y, base), n);
  for (int64_t i = base; i < base + n; ++i) s.e.store(scalar, i, 0, fast::qadd_value(s.oa, s.ob, i));
  for (int64_t i = 0; i < total; ++i) {
    ASSERT_EQ(got[static_cast<size_t>(i)], want[static_cast<size_t>(i)])
        << "element " << i << " of [" << base << ", " << base + n << ") levels " << s.oa.level(i) << " "
        << s.ob.level(i);
  }
  for (int64_t i = base; i < base + n; ++i) {
    const Lane l = lane(s.c, s.oa, s.ob, i);
    counts->doubts += l.doubt;
    counts->wrong_unless_settled += l.doubt && l.level != ref::int_element(scalar, i);
  }
}

bool has_avx512() { return fast::cpu_features().avx512_vnni; }

// Every (a, b) pair of levels as a 256 x 256 run, then 17 more elements (a masked rest).
std::vector<uint8_t> every_pair(bool high) {
  std::vector<uint8_t> v(65536 + 17);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(high ? (i >> 8) : i) * (i < 65536 ? 1 : 7);
  return v;
}

// Tie scales: out_scale s with a_scale s / 2 and b_scale s / 4 puts a quarter of the sums exactly on a tie; an `add`
// of s (1/2 - 2^-e) moves them a hair below it, at distances the float estimate and the reference's double value
// resolve differently. Non-power-of-two output scales and the QONNX rule round apart more.
std::vector<Case> tie_cases() {
  std::vector<Case> cases;
  for (DType in_a : {DType::kUint8, DType::kInt8}) {
    for (DType in_b : {DType::kUint8, DType::kInt8}) {
      for (DType out : {DType::kUint8, DType::kInt8}) {
        for (int e : {0, 18, 22, 24}) {
          Case k;
          k.a_type = in_a, k.b_type = in_b, k.out = out;
          k.out_scale = e == 18 ? 0.0375f : 0.0625f;
          k.a_scale = k.out_scale / 2, k.b_scale = k.out_scale / 4;
          k.add = e == 0 ? 0.0f : k.out_scale * static_cast<float>(0.5 - std::ldexp(1.0, -e));
          k.a_zero_point = in_a == DType::kUint8 ? 128 : -3, k.b_zero_point = in_b == DType::kUint8 ? 7 : 0;
          k.out_zero_point = out == DType::kUint8 ? 100.0f : 5.0f;
          k.zp_after_round = e != 22;
          k.relu = e == 24;
          cases.push_back(k);
        }
      }
    }
  }
  return cases;
}

std::string name(const Case& k) {
  return std::string(dtype_name(k.a_type)) + "+" + dtype_name(k.b_type) + "->" + dtype_name(k.out) +
         " add " + std::to_string(k.add) + (k.zp_after_round ? " onnx" : " qonnx") + (k.relu ? " relu" : "");
}

TEST(QAddCertifiedAvx512, EveryLevelPairAsTheScalarEpilogue) {
  if (!has_avx512()) GTEST_SKIP() << "no AVX-512 on this CPU";
  const std::vector<uint8_t> a = every_pair(true), b = every_pair(false);
  Counts all;
  for (const Case& k : tie_cases()) {
    SCOPED_TRACE(name(k));
    Counts counts;
    expect_as_scalar(k, a, b, 0, static_cast<int64_t>(a.size()), &counts);
    expect_as_scalar(k, a, b, 1, static_cast<int64_t>(a.size()) - 1, &counts);  // every step unaligned
    EXPECT_GT(counts.doubts, 1000);
    all.doubts += counts.doubts, all.wrong_unless_settled += counts.wrong_unless_settled;
  }
  // The doubt path decides: some lanes in doubt hold a level other than the reference's until settled.
  EXPECT_GT(all.wrong_unless_settled, 100) << all.doubts << " lanes in doubt";
}

// Random levels and scales over lengths 1..200 at offsets 0, 3 and 64, then long runs: several blocks of 64 steps with
// a masked rest, and resnet18's largest residual map (64 x 56 x 56).
TEST(QAddCertifiedAvx512, EveryLengthAndOffsetAsTheScalarEpilogue) {
  if (!has_avx512()) GTEST_SKIP() << "no AVX-512 on this CPU";
  std::mt19937 rng(51);
  std::uniform_real_distribution<float> u(0.5f, 2.0f);
  std::vector<uint8_t> a(200704 + 64), b(a.size());
  for (auto* v : {&a, &b}) {
    for (auto& x : *v) x = static_cast<uint8_t>(rng());
  }
  Counts counts;
  const std::vector<Case> ties = tie_cases();
  for (int64_t n = 1; n <= 200; ++n) {
    Case k = ties[static_cast<size_t>(n) % ties.size()];
    if (n % 2 == 1) {
      k.a_scale *= u(rng), k.b_scale *= u(rng);
      k.add = k.out_scale * (u(rng) - 1.0f);
      k.out_zero_point = static_cast<float>(rng() % 50);
    }
    SCOPED_TRACE(name(k) + " n " + std::to_string(n));
    for (int64_t base : {0, 3, 64}) expect_as_scalar(k, a, b, base, n, &counts);
  }
  for (int64_t n : {int64_t{64 * 64 * 3 + 77}, int64_t{64 * 64 * 2}, int64_t{200704}}) {
    for (const Case& k : {ties[0], ties[13], ties[30]}) {
      SCOPED_TRACE(name(k) + " n " + std::to_string(n));
      expect_as_scalar(k, a, b, 64 - n % 64, n, &counts);
    }
  }
  EXPECT_GT(counts.doubts, 0);
}

// 16-bit outputs are left to the AVX2 form (0 written); so is everything on a CPU without AVX-512.
TEST(QAddCertifiedAvx512, WiderOutputsOrNoAvx512LeaveItToTheCaller) {
  const std::vector<uint8_t> a(100, 3), b(100, 250);
  for (DType out : {DType::kInt16, DType::kUint8}) {
    Case k;
    k.out = out, k.out_scale = out == DType::kInt16 ? 0.001f : 0.04f, k.out_zero_point = 0.0f;
    QAddSetup s(k, a, b);
    ASSERT_TRUE(s.c.on);
    std::vector<int16_t> y(a.size(), 0x5a5a);
    s.y.dtype = out, s.y.shape = s.a.shape, s.y.data = y.data();
    const int64_t expect = out == DType::kUint8 && has_avx512() ? 100 : 0;
    EXPECT_EQ(fast::qadd_certified_avx512(s.e, s.c, s.oa, s.ob, 100, s.y, 0), expect) << dtype_name(out);
    if (expect == 0) {
      EXPECT_EQ(y, std::vector<int16_t>(a.size(), 0x5a5a));
    }
  }
}

// The fast QAdd kernel (which takes the AVX-512 form first here, the AVX2 or portable one in the ctest variants with
// CPU features off) against the reference kernel, 1 and 3 threads: every level pair in odd shapes, tie scales, all
// input and output types.
TEST(FastQAddAvx512, KernelBitIdenticalToReference) {
  const std::vector<uint8_t> a = every_pair(true), b = every_pair(false);
  const std::vector<Case> ties = tie_cases();
  for (size_t i = 0; i < ties.size(); ++i) {
    SCOPED_TRACE(name(ties[i]));
    const Dims shape = i % 2 == 0 ? Dims{1, 3, 21851} : Dims{7, 9363, 1};
    const auto n = static_cast<size_t>(num_elements(shape));
    expect_identical_to_reference(
        "QAdd", case_attrs(ties[i]),
        {make_tensor<uint8_t>(ties[i].a_type, shape, std::vector<uint8_t>(a.begin(), a.begin() + n)),
         make_tensor<uint8_t>(ties[i].b_type, shape, std::vector<uint8_t>(b.begin(), b.begin() + n))});
  }
  std::mt19937 rng(52);
  for (int trial = 0; trial < 12; ++trial) {
    Case k = ties[static_cast<size_t>(trial * 5) % ties.size()];
    const Dims shape = {1, 1 + trial, 1 + static_cast<int64_t>(rng() % 97), 1 + static_cast<int64_t>(rng() % 61)};
    std::vector<uint8_t> x(static_cast<size_t>(num_elements(shape))), z(x.size());
    for (auto& v : x) v = static_cast<uint8_t>(rng());
    for (auto& v : z) v = static_cast<uint8_t>(rng());
    SCOPED_TRACE(name(k) + " " + dims_to_string(shape));
    expect_identical_to_reference("QAdd", case_attrs(k),
                                  {make_tensor<uint8_t>(k.a_type, shape, x), make_tensor<uint8_t>(k.b_type, shape, z)});
  }
}

// Zero points far outside the 8-bit range (a hostile file; the bound alone would admit them with a tiny scale): the
// offsets would be neither int32 nor exact floats, so they keep the exact path, and the kernel still matches the
// reference.
TEST(FastQAddAvx512, HugeZeroPointsKeepTheExactPath) {
  const std::vector<uint8_t> a = every_pair(true), b = every_pair(false);
  for (int64_t zp : {(int64_t{1} << 31) + 5, -(int64_t{1} << 40), int64_t{1} << 25}) {
    Case k;
    // (a - zp) * a_scale about -+0.5: a dozen output levels.
    k.a_zero_point = zp, k.a_scale = 0.5f / std::fabs(static_cast<float>(zp));
    SCOPED_TRACE("a zero point " + std::to_string(zp));
    QAddSetup s(k, a, b);
    EXPECT_FALSE(s.c.on);
    const Dims shape = {1, 3, 21851};
    expect_identical_to_reference("QAdd", case_attrs(k),
                                  {make_tensor<uint8_t>(k.a_type, shape, a), make_tensor<uint8_t>(k.b_type, shape, b)});
  }
}

}  // namespace
}  // namespace qedge::testing
