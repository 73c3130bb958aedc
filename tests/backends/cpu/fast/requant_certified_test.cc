// The certified requantization (requant_certified_avx2.cc) against the scalar epilogue, element by element: sums
// whose value lands exactly on a rounding tie or a hair from one (where the multiply-add and the reference's division
// round apart), saturating sums, clamp bounds of fused activations, both zero-point rules, 8- and 16-bit outputs,
// per-tensor and per-channel parameters, channel per run (c_step 0) and per element (c_step 1), every run length mod
// 8. Also which epilogues have the certified form, and QAdd's certified form on every pair of input levels.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "fast_test_support.h"
#include "requant.h"

namespace qedge::testing {
namespace {

struct Form {
  DType to = DType::kUint8;
  bool zp_after_round = true;
  float zero_point = 0.0f;
  float scale = 0.05f;
  std::vector<float> mult, add;
  float clamp_min = -std::numeric_limits<float>::infinity();
  float clamp_max = std::numeric_limits<float>::infinity();
};

AttrMap form_attrs(const Form& f) {
  const bool is_signed = f.to == DType::kInt8 || f.to == DType::kInt16;
  const int64_t bits = f.to == DType::kInt16 || f.to == DType::kUint16 ? 16 : 8;
  return attrs({floats_attr("mult", f.mult), floats_attr("add", f.add), float_attr("clamp_min", f.clamp_min),
                float_attr("clamp_max", f.clamp_max), floats_attr("out_scale", {f.scale}),
                floats_attr("out_zero_point", {f.zero_point}), int_attr("out_bits", bits),
                int_attr("out_signed", is_signed ? 1 : 0), int_attr("out_to", static_cast<int64_t>(f.to)),
                int_attr("out_zp_after_round", f.zp_after_round ? 1 : 0)});
}

// The op the epilogues are read for; the context keeps a view of its name, so it has static storage.
const std::string& op() {
  static const std::string name = "QConv";
  return name;
}

// Reads the epilogue of `form` for `channels` channels; the output tensor gets its type and `n` elements of storage.
struct Epilogue {
  AttrMap a;
  KernelContext ctx;
  Tensor y;
  std::vector<int32_t> storage;
  fast::Requant r;
  bool ok = false;

  Epilogue(const Form& form, int64_t channels, int64_t n) : a(form_attrs(form)), ctx(qedge_context(op(), a, nullptr)) {
    ctx.outputs = {&y};
    ok = r.read(ctx, channels, {n}).ok();
    storage.assign(static_cast<size_t>(n), 0);
    y.data = storage.data();
  }

  int64_t at(int64_t i) const { return ref::int_element(y, i); }
};

// requant_run over acc (channel c0 + i * c_step) against the scalar epilogue's store, element by element.
void expect_as_scalar(const Form& form, int64_t channels, const std::vector<int32_t>& acc, int64_t c0, int64_t c_step,
                      bool certified) {
  const auto n = static_cast<int64_t>(acc.size());
  Epilogue fast(form, channels, n), scalar(form, channels, n);
  ASSERT_TRUE(fast.ok && scalar.ok);
  ASSERT_EQ(fast.r.certified().on, certified);
  fast::requant_run(fast.r, acc.data(), n, c0, c_step, fast.y, 0);
  for (int64_t i = 0; i < n; ++i) {
    scalar.r.epilogue().store(scalar.y, i, c0 + i * c_step, static_cast<double>(acc[static_cast<size_t>(i)]));
  }
  for (int64_t i = 0; i < n; ++i) {
    ASSERT_EQ(fast.at(i), scalar.at(i)) << "element " << i << " sum " << acc[static_cast<size_t>(i)];
  }
}

// Sums around every value whose level changes: acc with (acc * mult + add) / scale near k + 1/2 for each output level
// k, two on either side, plus random and extreme sums.
std::vector<int32_t> sums_near_ties(const Form& f, size_t c, std::mt19937& rng) {
  const double m = f.mult[f.mult.size() == 1 ? 0 : c], b = f.add[f.add.size() == 1 ? 0 : c];
  std::vector<int32_t> acc;
  for (int k = -300; k <= 300; ++k) {
    const double at = ((k + 0.5) * f.scale - b) / m;
    if (!(std::fabs(at) < 2e9)) continue;
    for (int d = -2; d <= 2; ++d) acc.push_back(static_cast<int32_t>(std::llround(at)) + d);
  }
  std::uniform_int_distribution<int32_t> any(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
  for (int i = 0; i < 64; ++i) acc.push_back(any(rng));
  for (int32_t e : {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 0, 1, -1}) acc.push_back(e);
  return acc;
}

TEST(RequantCertified, ExactTiesAndNearTiesAsTheScalarEpilogue) {
  std::mt19937 rng(71);
  for (DType to : {DType::kUint8, DType::kInt8, DType::kInt16}) {
    for (bool zp_after_round : {true, false}) {
      // mult / scale = 1/8 puts every odd multiple of 4 exactly on a tie; add = scale * (1/2 - 2^-e) puts the values a
      // hair below one, at distances the float multiply-add and the reference's division resolve differently.
      for (int e : {0, 12, 16, 20, 22, 24, 30}) {
        Form f;
        f.to = to, f.zp_after_round = zp_after_round;
        f.zero_point = to == DType::kUint8 ? 128.0f : -3.0f;
        f.scale = 0.0375f;
        f.mult.assign(1, f.scale / 8.0f);
        f.add.assign(1, e == 0 ? 0.0f : f.scale * static_cast<float>(0.5 - std::ldexp(1.0, -e)));
        SCOPED_TRACE(std::string(dtype_name(to)) + (zp_after_round ? " onnx" : " qonnx") + " e " + std::to_string(e));
        expect_as_scalar(f, 1, sums_near_ties(f, 0, rng), 0, 0, true);
      }
    }
  }
}

// 16-bit levels: values up to 2^15, where the float estimate and the reference's value differ by up to about 2^-9,
// sampled across the whole range with the multiplier not a power of two.
TEST(RequantCertified, LargeLevelsNearTiesAsTheScalarEpilogue) {
  std::mt19937 rng(76);
  std::uniform_real_distribution<float> u(0.1f, 1.0f);
  for (int trial = 0; trial < 8; ++trial) {
    Form f;
    f.to = DType::kInt16, f.zp_after_round = trial % 2 == 0, f.zero_point = trial < 4 ? 0.0f : -1000.0f;
    f.scale = 0.01f * u(rng);
    f.mult.assign(1, f.scale * u(rng)), f.add.assign(1, f.scale * 100.0f * u(rng));
    std::vector<int32_t> acc;
    for (int k = -32768; k < 32768; k += 7) {
      const double at = ((k + 0.5) * f.scale - f.add[0]) / f.mult[0];
      for (int d = -2; d <= 2; ++d) acc.push_back(static_cast<int32_t>(std::llround(at)) + d);
    }
    SCOPED_TRACE("trial " + std::to_string(trial));
    expect_as_scalar(f, 1, acc, 0, 0, true);
  }
}

TEST(RequantCertified, RandomPerChannelFormsAsTheScalarEpilogue) {
  std::mt19937 rng(72);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int trial = 0; trial < 24; ++trial) {
    const int64_t channels = 1 + trial % 5;
    Form f;
    f.to = trial % 3 == 0 ? DType::kInt8 : DType::kUint8;
    f.zp_after_round = trial % 2 == 0;
    f.zero_point = f.to == DType::kUint8 ? static_cast<float>(rng() % 256) : static_cast<float>(rng() % 256) - 128.0f;
    f.scale = std::ldexp(1.0f + 0.5f * u(rng), -static_cast<int>(rng() % 12));
    for (int64_t c = 0; c < channels; ++c) {
      f.mult.push_back(f.scale * std::ldexp(1.0f + 0.9f * u(rng), -static_cast<int>(rng() % 14)));
      f.add.push_back(f.scale * 40.0f * u(rng));
    }
    if (trial % 4 == 1) f.clamp_min = 0.0f;                                   // Relu
    if (trial % 4 == 2) f.clamp_min = 0.0f, f.clamp_max = 6.0f * f.scale;     // Relu6
    if (trial % 4 == 3) f.clamp_min = f.clamp_max = 0.25f;                   // Clip(min == max)
    SCOPED_TRACE("trial " + std::to_string(trial));
    for (int64_t c = 0; c < channels; ++c) expect_as_scalar(f, channels, sums_near_ties(f, c, rng), c, 0, true);
    // One sum per channel in turn (c_step 1), as QMatMul's rows: lengths of every remainder mod 8.
    for (int64_t n = 1; n <= 17; ++n) {
      if (channels != 1 && n > channels) break;
      std::vector<int32_t> acc(static_cast<size_t>(n));
      for (auto& v : acc) v = static_cast<int32_t>(rng() % 20001) - 10000;
      expect_as_scalar(f, channels == 1 ? 1 : channels, acc, 0, channels == 1 ? 0 : 1, true);
    }
  }
}

TEST(RequantCertified, RunsOfEveryLengthAsTheScalarEpilogue) {
  std::mt19937 rng(73);
  Form f;
  f.mult.assign(1, 0.0013f), f.add.assign(1, 0.37f), f.zero_point = 7.0f, f.clamp_min = 0.0f;
  for (int64_t n = 0; n <= 140; ++n) {
    std::vector<int32_t> acc(static_cast<size_t>(n));
    for (auto& v : acc) v = static_cast<int32_t>(rng() % 40001) - 20000;
    expect_as_scalar(f, 1, acc, 0, 0, true);
  }
}

// Long runs of 8-bit levels (the 64-element groups, marked for doubt 64 groups at a time): near ties spread over
// several such stretches, at every offset in a group.
TEST(RequantCertified, LongRunsWithNearTiesAsTheScalarEpilogue) {
  std::mt19937 rng(77);
  for (DType to : {DType::kUint8, DType::kInt8}) {
    Form f;
    f.to = to, f.zero_point = to == DType::kUint8 ? 128.0f : -3.0f;
    f.scale = 0.0375f;
    f.mult.assign(1, f.scale / 8.0f), f.add.assign(1, f.scale * static_cast<float>(0.5 - std::ldexp(1.0, -22)));
    const std::vector<int32_t> ties = sums_near_ties(f, 0, rng);
    std::vector<int32_t> acc;
    while (acc.size() < 64 * 64 * 3 + 100) {
      acc.insert(acc.end(), ties.begin(), ties.begin() + static_cast<std::ptrdiff_t>(rng() % ties.size()));
      for (int k = static_cast<int>(rng() % 200); k > 0; --k) acc.push_back(static_cast<int32_t>(rng() % 4001) - 2000);
    }
    SCOPED_TRACE(dtype_name(to));
    expect_as_scalar(f, 1, acc, 0, 0, true);
  }
}

// requant_rows on rows of n sums back to back (acc and y n apart), row k with channel c0 + k, as the depthwise QConv
// hands over a batch of planes: short rows (the sixteen-lane groups that straddle two rows take each row's constants),
// long ones, one row, per-channel and shared constants, channels from an offset. Every third channel puts its sums on
// or a hair from ties, so that lanes in doubt come up in groups that straddle rows.
TEST(RequantCertified, RowsBackToBackAsTheScalarEpilogue) {
  std::mt19937 rng(78);
  std::uniform_real_distribution<float> u(0.5f, 1.0f);
  for (DType to : {DType::kUint8, DType::kInt8}) {
    for (bool shared : {false, true}) {
      for (auto [rows, n] : std::vector<std::pair<int64_t, int64_t>>{
               {2, 16}, {3, 17}, {7, 49}, {64, 49}, {5, 31}, {4, 196}, {3, 255}, {2, 256}, {9, 300}, {1, 49}}) {
        const int64_t c0 = 3, channels = c0 + rows;
        Form f;
        f.to = to, f.zero_point = to == DType::kUint8 ? 7.0f : -5.0f, f.scale = 0.0375f;
        for (int64_t c = 0; c < (shared ? 1 : channels); ++c) {
          const bool ties = c % 3 == 0;
          f.mult.push_back(ties ? f.scale / 8.0f : f.scale * 0.01f * u(rng));
          f.add.push_back(ties ? f.scale * static_cast<float>(0.5 - std::ldexp(1.0, -22)) : f.scale * 3.0f * u(rng));
        }
        std::vector<int32_t> acc(static_cast<size_t>(rows * n));
        for (int64_t r = 0; r < rows; ++r) {
          const std::vector<int32_t> near = sums_near_ties(f, shared ? 0 : static_cast<size_t>(c0 + r), rng);
          for (int64_t i = 0; i < n; ++i) {
            acc[static_cast<size_t>(r * n + i)] =
                i % 2 == 0 ? near[rng() % near.size()] : static_cast<int32_t>(rng() % 4001) - 2000;
          }
        }
        SCOPED_TRACE(std::string(dtype_name(to)) + (shared ? " shared " : " per channel ") + std::to_string(rows) +
                     " x " + std::to_string(n));
        Epilogue fast(f, channels, rows * n), scalar(f, channels, rows * n);
        ASSERT_TRUE(fast.ok && scalar.ok && fast.r.certified().on);
        fast::requant_rows(fast.r, acc.data(), n, rows, n, c0, fast.y, 0, n);
        for (int64_t k = 0; k < rows * n; ++k) {
          scalar.r.epilogue().store(scalar.y, k, c0 + k / n, static_cast<double>(acc[static_cast<size_t>(k)]));
        }
        for (int64_t k = 0; k < rows * n; ++k) {
          ASSERT_EQ(fast.at(k), scalar.at(k)) << "row " << k / n << " element " << k % n << " sum " << acc[k];
        }
      }
    }
  }
}

TEST(RequantCertified, TinyAndHugeParametersAsTheScalarEpilogue) {
  std::mt19937 rng(75);
  Form f;
  for (float mult : {1e-40f, 1e-20f, 3e3f}) {
    for (float add : {0.0f, 1e-41f, -7.3f}) {
      f.mult.assign(1, mult), f.add.assign(1, add);
      SCOPED_TRACE(std::to_string(mult) + " " + std::to_string(add));
      expect_as_scalar(f, 1, sums_near_ties(f, 0, rng), 0, 0, true);
    }
  }
}

TEST(RequantCertified, OtherFormsKeepTheExactPath) {
  std::mt19937 rng(74);
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  Form base;
  base.mult.assign(1, 0.002f), base.add.assign(1, 0.5f);
  std::vector<Form> forms(6, base);
  forms[0].zero_point = 3.5f;                 // not an integer
  forms[1].scale = 1e-30f;                    // below the bound's range
  forms[2].mult.assign(1, inf);               // non-finite parameters
  forms[3].add.assign(1, nan);
  forms[4].clamp_min = nan;                   // NaN bound
  forms[5].add.assign(1, 3e5f * base.scale);  // a bound of 1/4 or more
  for (size_t i = 0; i < forms.size(); ++i) {
    SCOPED_TRACE("form " + std::to_string(i));
    expect_as_scalar(forms[i], 1, sums_near_ties(base, 0, rng), 0, 0, false);
  }
}

// Every pair of 8-bit levels (a 256 x 256 tensor pair), scales that put sums exactly on ties or a hair from them,
// u8/s8 inputs and outputs, both zero-point rules, a fused Relu, and a float output (the exact vector path).
TEST(RequantCertified, QAddOnEveryPairOfLevelsAsTheReference) {
  std::vector<uint8_t> a(65536), b(65536);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i >> 8), b[i] = static_cast<uint8_t>(i);
  const float s = 0.0625f;
  struct Case {
    DType in, out;
    float a_scale, b_scale, add;
    bool zp_after_round, relu, float_out;
  };
  const std::vector<Case> cases = {
      {DType::kUint8, DType::kUint8, s / 2, s / 4, 0.0f, true, false, false},  // exact ties
      {DType::kUint8, DType::kUint8, s / 2, s * 0.3f, s * (0.5f - 0x1p-20f), true, true, false},
      {DType::kInt8, DType::kInt8, s * 0.37f, s * 0.81f, s * 0x1p-22f, false, false, false},
      {DType::kInt8, DType::kUint8, s * 1.5f, s / 2, -s * 0.5f, false, true, false},
      {DType::kUint8, DType::kUint8, s * 0.37f, s * 0.81f, 0.25f, true, true, true},
  };
  for (size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    SCOPED_TRACE("case " + std::to_string(k));
    AttrMap at = attrs({float_attr("a_scale", c.a_scale), float_attr("b_scale", c.b_scale),
                        int_attr("a_zero_point", c.in == DType::kUint8 ? 128 : -3),
                        int_attr("b_zero_point", c.in == DType::kUint8 ? 7 : 0), floats_attr("add", {c.add})});
    if (c.relu) at.set(float_attr("clamp_min", 0.0f));
    if (!c.float_out) {
      const bool is_signed = c.out == DType::kInt8;
      for (Attr x : {floats_attr("out_scale", {s}), floats_attr("out_zero_point", {is_signed ? 5.0f : 100.0f}),
                     int_attr("out_bits", 8), int_attr("out_signed", is_signed ? 1 : 0),
                     int_attr("out_to", static_cast<int64_t>(c.out)), int_attr("out_zp_after_round", c.zp_after_round)}) {
        at.set(std::move(x));
      }
    }
    expect_identical_to_reference("QAdd", at, {make_tensor<uint8_t>(c.in, {1, 256, 16, 16}, a),
                                               make_tensor<uint8_t>(c.in, {1, 256, 16, 16}, b)});
  }
}

}  // namespace
}  // namespace qedge::testing
