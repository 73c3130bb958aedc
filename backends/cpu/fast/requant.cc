// The certified requantization's constants, folded once at prepare from the epilogue's attributes (the bound they
// must satisfy is derived in requant_certified_avx2.cc).
#include <algorithm>
#include <cmath>

#include "requant.h"

namespace qedge::fast {
namespace {

// Clamp bounds that are floats (they come from float attributes) and not NaN.
bool float_bound(double b) { return !std::isnan(b) && static_cast<double>(static_cast<float>(b)) == b; }

}  // namespace

Status Requant::read(KernelContext& ctx, int64_t channels, const Dims& out_shape) {
  QEDGE_RETURN_IF_ERROR(e_.read(ctx, channels, out_shape));
  c_ = CertifiedRequant();
  const ref::QuantizeSpec& o = e_.out;
  if (!e_.quantized || e_.thresholds || o.bipolar || quant::is_bipolar(o.params.bits, o.params.is_signed) ||
      o.params.mode != quant::RoundingMode::kHalfEven || o.params.bits > 16 || o.scale.size() != 1 ||
      !float_bound(e_.lo) || !float_bound(e_.hi)) {
    return Status::Ok();
  }
  // The bound's slack for gradual underflow assumes a scale in [2^-60, 2^60]; an integer zero point keeps the rounding
  // edges of q and q + zp apart by a whole number.
  const double s = o.scale[0], zp = o.zero_point[0];
  if (!(s >= 0x1p-60 && s <= 0x1p60) || zp != std::nearbyint(zp) || std::fabs(zp) > 65536.0) return Status::Ok();
  c_.m.resize(e_.mult.size());
  c_.b.resize(e_.add.size());
  for (size_t i = 0; i < e_.mult.size(); ++i) c_.m[i] = static_cast<float>(e_.mult[i] / s);
  for (size_t i = 0; i < e_.add.size(); ++i) c_.b[i] = static_cast<float>(e_.add[i] / s + zp);
  double b_max = 0.0;
  for (const std::vector<float>* v : {&e_.mult, &e_.add, &c_.m, &c_.b}) {
    for (float x : *v) {
      if (!std::isfinite(x)) return Status::Ok();
    }
  }
  for (float b : c_.b) b_max = std::max(b_max, std::fabs(static_cast<double>(b)));
  c_.level_lo = static_cast<float>(o.level(static_cast<float>(e_.lo), 0));
  c_.level_hi = static_cast<float>(o.level(static_cast<float>(e_.hi), 0));
  const double f_max = std::max(std::fabs(c_.level_lo), std::fabs(c_.level_hi));
  const double bound = 0x1p-20 * (f_max + b_max + std::fabs(zp) + 1.0);
  if (!(bound < 0.25)) return Status::Ok();
  // Rounded down, so that the test against it stays as strict as the bound.
  c_.margin = static_cast<float>(0.5 - bound);
  if (static_cast<double>(c_.margin) > 0.5 - bound) c_.margin = std::nextafter(c_.margin, 0.0f);
  c_.on = true;
  return Status::Ok();
}

}  // namespace qedge::fast
