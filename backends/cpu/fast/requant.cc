// The certified requantization's constants, folded once at prepare from the epilogue's attributes (the bound they
// must satisfy is derived in requant_certified_avx2.cc).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <optional>

#include "requant.h"

namespace qedge::fast {
namespace {

bool float_bound(double b) { return !std::isnan(b) && static_cast<double>(static_cast<float>(b)) == b; }

// What the certified forms need of an epilogue's output quantizer and clamp bounds.
struct CertifiedOutput {
  double scale = 1.0, zero_point = 0.0;
  float level_lo = 0.0f, level_hi = 0.0f;  // the reference's levels of clamp_min and clamp_max
  double f_max = 0.0;                       // the larger magnitude of the two
};

// An integer output quantizer rounding half to even, per tensor, at most 16 bits, with float clamp bounds, a scale in
// [2^-60, 2^60] (the bound's slack for gradual underflow assumes it) and an integer zero point (which keeps the rounding
// edges of q and q + zp apart by a whole number); nullopt otherwise.
std::optional<CertifiedOutput> certified_output(const ref::IntLinearEpilogue& e) {
  const ref::QuantizeSpec& o = e.out;
  if (!e.quantized || e.thresholds || o.bipolar || quant::is_bipolar(o.params.bits, o.params.is_signed) ||
      o.params.mode != quant::RoundingMode::kHalfEven || o.params.bits > 16 || o.scale.size() != 1 ||
      !float_clamp_bounds(e)) {
    return std::nullopt;
  }
  CertifiedOutput out;
  out.scale = o.scale[0], out.zero_point = o.zero_point[0];
  if (!(out.scale >= 0x1p-60 && out.scale <= 0x1p60) || out.zero_point != std::nearbyint(out.zero_point) ||
      std::fabs(out.zero_point) > 65536.0) {
    return std::nullopt;
  }
  out.level_lo = static_cast<float>(o.level(static_cast<float>(e.lo), 0));
  out.level_hi = static_cast<float>(o.level(static_cast<float>(e.hi), 0));
  out.f_max = std::max(std::fabs(out.level_lo), std::fabs(out.level_hi));
  return out;
}

// 1/2 - bound rounded down, so that the test against it stays as strict as the bound; nullopt for a bound of 1/4 or
// more (or NaN), which the proof does not cover.
std::optional<float> margin_below(double bound) {
  if (!(bound < 0.25)) return std::nullopt;
  float margin = static_cast<float>(0.5 - bound);
  if (static_cast<double>(margin) > 0.5 - bound) margin = std::nextafter(margin, 0.0f);
  return margin;
}

bool all_finite(std::initializer_list<float> v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

// The largest |level - zero_point| of an 8-bit operand.
double max_offset(const QAddOperand& o) {
  const double lo = o.is_signed ? -128.0 : 0.0, hi = o.is_signed ? 127.0 : 255.0;
  return std::max(std::fabs(lo - static_cast<double>(o.zero_point)), std::fabs(hi - static_cast<double>(o.zero_point)));
}

}  // namespace

bool float_clamp_bounds(const ref::IntLinearEpilogue& e) { return float_bound(e.lo) && float_bound(e.hi); }

Status Requant::read(KernelContext& ctx, int64_t channels, const Dims& out_shape) {
  QEDGE_RETURN_IF_ERROR(e_.read(ctx, channels, out_shape));
  c_ = CertifiedRequant();
  const std::optional<CertifiedOutput> out = certified_output(e_);
  if (!out) return Status::Ok();
  c_.m.resize(e_.mult.size());
  c_.b.resize(e_.add.size());
  double b_max = 0.0;
  for (size_t i = 0; i < e_.mult.size(); ++i) {
    c_.m[i] = static_cast<float>(e_.mult[i] / out->scale);
    if (!all_finite({e_.mult[i], c_.m[i]})) return Status::Ok();
  }
  for (size_t i = 0; i < e_.add.size(); ++i) {
    c_.b[i] = static_cast<float>(e_.add[i] / out->scale + out->zero_point);
    if (!all_finite({e_.add[i], c_.b[i]})) return Status::Ok();
    b_max = std::max(b_max, std::fabs(static_cast<double>(c_.b[i])));
  }
  const std::optional<float> margin =
      margin_below(0x1p-20 * (out->f_max + b_max + std::fabs(out->zero_point) + 1.0));
  if (!margin) return Status::Ok();
  c_.level_lo = out->level_lo, c_.level_hi = out->level_hi, c_.margin = *margin;
  c_.on = true;
  return Status::Ok();
}

CertifiedQAdd certify_qadd(const ref::IntLinearEpilogue& e, const QAddOperand& a, const QAddOperand& b) {
  CertifiedQAdd c;
  const std::optional<CertifiedOutput> out = certified_output(e);
  // The vector forms take level - zero point as an int32 and then a float, both exact only for a zero point near the
  // 8-bit range; a tiny scale would let the bound below admit any zero point (a hostile file).
  const auto near = [](const QAddOperand& o) { return std::llabs(o.zero_point) <= 65536; };
  if (!out || e.mult.size() != 1 || e.add.size() != 1 || !near(a) || !near(b)) return c;
  c.ma = static_cast<float>(a.scale * e.mult[0] / out->scale);
  c.mb = static_cast<float>(b.scale * e.mult[0] / out->scale);
  c.b = static_cast<float>(e.add[0] / out->scale + out->zero_point);
  if (!all_finite({static_cast<float>(a.scale), static_cast<float>(b.scale), e.mult[0], e.add[0], c.ma, c.mb, c.b})) {
    return c;
  }
  const std::optional<float> margin =
      margin_below(0x1p-20 * (max_offset(a) * std::fabs(c.ma) + max_offset(b) * std::fabs(c.mb) + std::fabs(c.b) +
                              std::fabs(out->zero_point) + out->f_max + 1.0));
  if (!margin) return c;
  c.level_lo = out->level_lo, c.level_hi = out->level_hi, c.margin = *margin;
  c.on = true;
  return c;
}

}  // namespace qedge::fast
