// Weight-only QConv / QMatMul (float X, integer W, float Y; backends/cpu/fast/weight_only) against the reference
// kernels, within 1e-5 of the terms' scale: random shapes with odd sizes, pads, strides, dilations, groups (thin ones,
// whose inner float Conv takes the reference loops, too), depthwise layers (XNNPACK's forms too), 3x3 stride-1 layers
// (Winograd) and 1x1 ones; weights of 1..8 bits (bit-packed below 8, and bipolar), signed and unsigned, per-tensor and
// per-channel zero points, mult and add; no clamp, Relu and Clip bounds; QMatMul with trans_b, X of rank 1..3 and
// K = 0; constant weights (converted once, run twice) and non-constant ones; 1 and 3 threads. Layers with integer
// outputs (quantized or MultiThreshold), XNOR, and non-finite mult keep the integer kernels and stay bit-identical to
// the reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "../../../support/kernel_harness.h"
#include "fast_test_support.h"
#include "weight_only/weight_only_kernel.h"

namespace qedge::testing {
namespace {

// A `bits`-bit signed or unsigned weight type, or bipolar (+-1, one bit each).
struct Levels {
  int bits = 4;
  bool is_signed = true;
  bool bipolar = false;
  int32_t lo() const { return bipolar ? -1 : is_signed ? -(1 << (bits - 1)) : 0; }
  int32_t hi() const { return bipolar ? 1 : lo() + (1 << bits) - 1; }
};

// The weight as the converter stores it (packed_test_weight), and its largest |level - zero point|.
struct Weight : PackedTestWeight {
  int32_t max_abs_adjusted = 0;
};

Weight make_weight(Levels l, const Dims& shape, const std::vector<float>& zp, bool constant, std::mt19937& rng) {
  std::vector<int32_t> levels(static_cast<size_t>(num_elements(shape)));
  for (auto& e : levels) {
    e = l.bipolar ? (rng() % 2 ? 1 : -1)
                  : l.lo() + static_cast<int32_t>(rng() % static_cast<uint32_t>(l.hi() - l.lo() + 1));
  }
  Weight w;
  static_cast<PackedTestWeight&>(w) = packed_test_weight(l.bits, l.is_signed, l.bipolar, shape, levels, constant);
  for (float z : zp) {
    w.max_abs_adjusted = std::max(
        {w.max_abs_adjusted, std::abs(l.lo() - static_cast<int32_t>(z)), std::abs(l.hi() - static_cast<int32_t>(z))});
  }
  return w;
}

// `op` of `registry` on X and W, run twice (run_qedge_twice).
Result<TensorData> run_layer(const KernelRegistry& registry, const std::string& op, const AttrMap& a,
                             const TensorData& x, const Weight& w, ThreadPool* threads) {
  const Tensor xv = x.view();
  return run_qedge_twice(registry, op, a, {&xv, &w.view}, threads);
}

// Whether the fast kernel takes the weight-only float path for these operands.
bool takes_float_path(const std::string& op, const AttrMap& a, const TensorData& x, const Weight& w) {
  Tensor xv = x.view();
  KernelContext ctx = qedge_context(op, a, nullptr);
  ctx.inputs = {&xv, &w.view};
  return fast::weight_only_applies(ctx);
}

// Fast (1 and 3 threads) against the reference: floats within 1e-5 * (|ref| + terms), where `terms` bounds the sum
// of |x * (w - zp) * mult| of one output (k terms); integer outputs bit for bit.
void expect_matches(const std::string& op, const AttrMap& a, const TensorData& x, const Weight& w, double terms) {
  auto want = run_layer(ref_registry(), op, a, x, w, nullptr);
  ASSERT_TRUE(want.ok()) << want.status().message();
  TestThreads threads;
  for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
    SCOPED_TRACE(pool ? "3 threads" : "1 thread");
    auto got = run_layer(fast_registry(), op, a, x, w, pool);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ(got->shape, want->shape);
    ASSERT_EQ(got->dtype, want->dtype);
    if (want->dtype != DType::kFloat32) {
      ASSERT_EQ(got->bytes, want->bytes) << op;
      continue;
    }
    const auto g = values_of<float>(*got), r = values_of<float>(*want);
    for (size_t i = 0; i < g.size(); ++i) {
      ASSERT_LE(std::fabs(g[i] - r[i]), 1e-5 * (std::fabs(r[i]) + terms)) << op << " element " << i;
    }
  }
}

// Random weight type: 1..8 bits signed or unsigned, or bipolar.
Levels random_levels(std::mt19937& rng) {
  Levels l;
  l.bits = 1 + static_cast<int>(rng() % 8);
  l.is_signed = rng() % 2 == 0;
  l.bipolar = rng() % 10 == 0;
  if (l.bipolar) l.bits = 1;
  return l;
}

// Zero points inside the weight type's range (0 for bipolar): one, or one per channel.
std::vector<float> random_zero_points(Levels l, int64_t channels, bool per_channel, std::mt19937& rng) {
  std::vector<float> zp(per_channel ? static_cast<size_t>(channels) : 1, 0.0f);
  if (l.bipolar) return zp;
  for (auto& z : zp)
    z = static_cast<float>(l.lo() + static_cast<int32_t>(rng() % static_cast<uint32_t>(l.hi() - l.lo() + 1)));
  return zp;
}

// Random mult/add (one or per channel) and clamp: none, Relu or Clip; returns the largest |mult|.
float set_epilogue(AttrMap& a, int64_t channels, int variant, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const size_t n = variant % 2 ? static_cast<size_t>(channels) : 1;
  std::vector<float> mult(n), add(n);
  float max_mult = 0.0f;
  for (size_t c = 0; c < n; ++c) {
    mult[c] = 0.01f * u(rng);
    add[c] = variant % 3 == 0 ? 0.0f : u(rng);
    max_mult = std::max(max_mult, std::fabs(mult[c]));
  }
  a.set(floats_attr("mult", mult));
  a.set(floats_attr("add", add));
  if (variant % 4 == 1) a.set(float_attr("clamp_min", 0.0f));
  if (variant % 4 == 2) a.set(float_attr("clamp_min", -0.5f)), a.set(float_attr("clamp_max", 0.25f));
  if (variant % 4 == 3) a.set(float_attr("clamp_max", 0.1f));
  return max_mult;
}

struct ConvCase {
  Dims x, w;
  int64_t group = 1;
  std::vector<int64_t> strides, pads, dilations;
};

// A random 1-D, 2-D or 3-D convolution; `form` picks depthwise, 3x3 stride 1 (Winograd's), 1x1, thin groups or any.
ConvCase random_conv(int form, std::mt19937& rng) {
  auto pick = [&rng](int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng() % static_cast<uint32_t>(hi - lo + 1));
  };
  ConvCase c;
  const int nd = form == 5 ? 1 : form == 6 ? 3 : 2;
  const int64_t batch = pick(1, 2);
  int64_t channels = pick(1, 9), maps = pick(1, 13);
  if (form == 0) channels = pick(2, 24), c.group = channels, maps = channels * pick(1, 2);  // depthwise
  // Half the depthwise layers in the form XNNPACK's NCHW kernels take (multiplier 1, equal strides of 1 or 2, pads 1).
  const bool regular = form == 0 && rng() % 2 == 0;
  const int64_t regular_stride = pick(1, 2);
  if (regular) maps = channels;
  if (form == 1) channels = pick(8, 20), maps = pick(8, 20);                                // 3x3 stride 1
  if (form == 3) c.group = 3, channels = 3 * pick(1, 3), maps = 3 * pick(1, 2);             // thin groups
  if (form == 4) c.group = 2, channels = 2 * pick(2, 6), maps = 2 * pick(4, 8);             // groups of >= 4 maps
  c.x = {batch, channels};
  c.w = {maps, channels / c.group};
  for (int d = 0; d < nd; ++d) {
    const int64_t kernel = form == 1 || form == 0 ? 3 : form == 2 ? 1 : pick(1, 4);
    const bool spread = form != 1 && form != 2;
    const int64_t stride = regular ? regular_stride : spread ? pick(1, 3) : 1;
    const int64_t dilation = spread && !regular && rng() % 3 == 0 ? 2 : 1;
    const int64_t pad0 = form == 2 ? 0 : form == 1 || regular ? 1 : pick(0, 2);
    const int64_t pad1 = form == 2 ? 0 : form == 1 || regular ? 1 : pick(0, 2);
    const int64_t extent = (kernel - 1) * dilation + 1;
    c.x.push_back(std::max(extent - pad0 - pad1, int64_t{1}) + pick(0, nd == 3 ? 4 : 17));
    c.w.push_back(kernel);
    c.strides.push_back(stride);
    c.dilations.push_back(dilation);
    c.pads.push_back(pad0);
    c.pads.push_back(pad1);
  }
  // ONNX pads: all begins, then all ends.
  std::vector<int64_t> pads;
  for (int d = 0; d < nd; ++d) pads.push_back(c.pads[2 * d]);
  for (int d = 0; d < nd; ++d) pads.push_back(c.pads[2 * d + 1]);
  c.pads = pads;
  return c;
}

TEST(WeightOnlyQConv, MatchesReference) {
  std::mt19937 rng(51);
  for (int i = 0; i < 120; ++i) {
    const ConvCase c = random_conv(i % 7, rng);
    const Levels l = random_levels(rng);
    const int64_t maps = c.w[0];
    AttrMap a;
    a.set(int_attr("group", c.group));
    a.set(ints_attr("strides", c.strides));
    a.set(ints_attr("pads", c.pads));
    a.set(ints_attr("dilations", c.dilations));
    const std::vector<float> zp = random_zero_points(l, maps, i % 3 == 1, rng);
    a.set(floats_attr("w_zero_point", zp));
    const float max_mult = set_epilogue(a, maps, i, rng);
    const Weight w = make_weight(l, c.w, zp, i % 5 != 4, rng);
    const TensorData x = random_tensor(c.x, rng);
    SCOPED_TRACE("case " + std::to_string(i) + ": x " + dims_to_string(c.x) + " w " + dims_to_string(c.w) + " group " +
                 std::to_string(c.group) + " bits " + std::to_string(l.bits) + (l.is_signed ? " signed" : " unsigned") +
                 (l.bipolar ? " bipolar" : ""));
    ASSERT_TRUE(takes_float_path("QConv", a, x, w));
    const double k = static_cast<double>(num_elements(c.w) / maps);
    expect_matches("QConv", a, x, w, k * w.max_abs_adjusted * max_mult);
  }
}

TEST(WeightOnlyQMatMul, MatchesReference) {
  std::mt19937 rng(52);
  for (int i = 0; i < 80; ++i) {
    const int64_t k = i == 0 ? 0 : 1 + static_cast<int64_t>(rng() % 70), n = 1 + static_cast<int64_t>(rng() % 90);
    Dims xs{k};
    const int rank = 1 + i % 3;
    for (int d = 1; d < rank; ++d) xs.insert(xs.begin(), 1 + static_cast<int64_t>(rng() % 9));
    const bool trans_b = i % 2 == 1;
    const Levels l = random_levels(rng);
    AttrMap a;
    a.set(int_attr("trans_b", trans_b ? 1 : 0));
    const std::vector<float> zp = random_zero_points(l, n, i % 3 == 1, rng);
    a.set(floats_attr("w_zero_point", zp));
    const float max_mult = set_epilogue(a, n, i / 2, rng);
    const Weight w = make_weight(l, trans_b ? Dims{n, k} : Dims{k, n}, zp, i % 5 != 4, rng);
    const TensorData x = random_tensor(xs, rng);
    SCOPED_TRACE("case " + std::to_string(i) + ": x " + dims_to_string(xs) + " w " + dims_to_string(w.view.shape) +
                 (trans_b ? " trans_b" : "") + " bits " + std::to_string(l.bits));
    ASSERT_TRUE(takes_float_path("QMatMul", a, x, w));
    expect_matches("QMatMul", a, x, w, static_cast<double>(k) * w.max_abs_adjusted * max_mult);
  }
}

// A quantized output, MultiThreshold levels, XNOR, a NaN clamp bound or a non-finite mult keep the integer kernels
// (here: the reference, as X is float), bit-identical.
TEST(WeightOnlyQConv, IntegerOutputsAndOddEpiloguesKeepTheReference) {
  std::mt19937 rng(53);
  const Levels l{4, true, false};
  const Dims xs{1, 6, 9, 7}, ws{8, 6, 3, 3};
  AttrMap base;
  base.set(ints_attr("pads", {1, 1, 1, 1}));
  base.set(floats_attr("mult", {0.01f}));
  base.set(floats_attr("add", {0.2f}));
  const TensorData x = random_tensor(xs, rng);
  const Weight w = make_weight(l, ws, {0.0f}, true, rng);
  AttrMap quantized = base;
  quantized.set(floats_attr("out_scale", {0.02f}));
  quantized.set(floats_attr("out_zero_point", {0.0f}));
  quantized.set(int_attr("out_bits", 8));
  quantized.set(int_attr("out_signed", 1));
  quantized.set(int_attr("out_to", static_cast<int64_t>(DType::kInt8)));
  AttrMap nan_clamp = base;
  nan_clamp.set(float_attr("clamp_min", std::nanf("")));
  AttrMap inf_mult = base;
  inf_mult.set(floats_attr("mult", {std::numeric_limits<float>::infinity()}));
  for (const AttrMap* a : {&quantized, &nan_clamp, &inf_mult}) {
    EXPECT_FALSE(takes_float_path("QConv", *a, x, w));
    auto want = run_layer(ref_registry(), "QConv", *a, x, w, nullptr);
    auto got = run_layer(fast_registry(), "QConv", *a, x, w, nullptr);
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(got->bytes, want->bytes);
  }
  // MultiThreshold levels (a third input) and XNOR: the applicability check alone (their operands are covered by the
  // integer kernels' own tests).
  const TensorData t = make_tensor<float>(DType::kFloat32, {1, 2}, {0.0f, 0.5f});
  Tensor xv = x.view(), tv = t.view();
  const std::string op = "QConv";  // the context keeps a view of the name
  KernelContext ctx = qedge_context(op, base, nullptr);
  ctx.inputs = {&xv, &w.view, &tv};
  EXPECT_FALSE(fast::weight_only_applies(ctx));
  AttrMap xnor = base;
  xnor.set(int_attr("xnor", 1));
  EXPECT_FALSE(takes_float_path("QConv", xnor, x, w));
}

// One kernel re-prepared for another constant weight (as a runtime re-binding its constants would) converts the new
// one: its float copy and the inner kernel's packed weights follow the weight, not the first one seen.
TEST(WeightOnlyQConv, NewConstantWeightIsConvertedAgain) {
  std::mt19937 rng(55);
  const Levels l{3, false, false};
  const Dims xs{1, 8, 12, 12}, ws{16, 8, 3, 3};
  AttrMap a;
  a.set(ints_attr("pads", {1, 1, 1, 1}));
  a.set(floats_attr("w_zero_point", {4.0f}));
  a.set(floats_attr("mult", {0.02f}));
  const TensorData x = random_tensor(xs, rng);
  const Weight first = make_weight(l, ws, {4.0f}, true, rng), second = make_weight(l, ws, {4.0f}, true, rng);
  std::unique_ptr<OpKernel> kernel = (*fast_registry().find("qedge", "QConv"))();
  Tensor xv = x.view(), out;
  const std::string op = "QConv";  // the context keeps a view of the name
  KernelContext ctx = qedge_context(op, a, nullptr);
  ctx.outputs = {&out};
  for (const Weight* w : {&first, &second}) {
    ctx.inputs = {&xv, &w->view};
    const Status prepared = kernel->prepare(ctx);
    ASSERT_TRUE(prepared.ok()) << prepared.message();
    std::vector<uint8_t> bytes(out.nbytes(), 0);
    out.data = bytes.data();
    ASSERT_TRUE(kernel->run(ctx).ok());
    auto want = run_layer(ref_registry(), op, a, x, *w, nullptr);
    ASSERT_TRUE(want.ok());
    const auto* g = reinterpret_cast<const float*>(bytes.data());
    const auto r = values_of<float>(*want);
    for (size_t i = 0; i < r.size(); ++i) ASSERT_NEAR(g[i], r[i], 1e-5 * (std::fabs(r[i]) + 72 * 4 * 0.02)) << i;
  }
}

// Shape errors name the op, as the reference's do.
TEST(WeightOnlyQMatMul, ShapeErrorsNameTheOp) {
  std::mt19937 rng(54);
  const Weight w = make_weight(Levels{8, true, false}, {5, 3}, {0.0f}, true, rng);
  const TensorData x = random_tensor({2, 4}, rng);
  auto got = run_layer(fast_registry(), "QMatMul", AttrMap(), x, w, nullptr);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("QMatMul"), std::string::npos) << got.status().message();
}

}  // namespace
}  // namespace qedge::testing
