// Float Clip on XNNPACK's clamp, when its bounds are known when the operators are made: attributes before opset 11,
// constant scalar inputs from 11 on. Equal to the reference except that the clamp maps NaN to the lower bound (the
// reference keeps NaN) and -0 at a lower bound of 0 to +0 (docs/perf/cpu.md). Bounds that are not constants, NaN, or
// min > max (the reference's "max wins") use the reference.
#include <cmath>
#include <limits>

#include "xnn_unary.h"

namespace qedge::fast::xnn {
namespace {

// Absent bounds are the largest finite floats, as in the reference (which clamps infinities to them).
struct Bounds {
  float lo = std::numeric_limits<float>::lowest();
  float hi = std::numeric_limits<float>::max();
};

// The bounds, when XNNPACK can take them.
bool read_bounds(const KernelContext& ctx, Bounds* b) {
  if (ctx.opset < 11) {
    b->lo = ctx.attr().get_float("min", b->lo);
    b->hi = ctx.attr().get_float("max", b->hi);
  } else {
    for (int i = 1; i <= 2; ++i) {
      const Tensor* t = ctx.input(i);
      if (t == nullptr) continue;
      if (t->dtype != DType::kFloat32 || t->numel() != 1 || !t->constant || !t->has_value || !t->data) return false;
      (i == 1 ? b->lo : b->hi) = t->data_as<float>()[0];
    }
  }
  return !std::isnan(b->lo) && !std::isnan(b->hi) && b->lo <= b->hi;
}

}  // namespace

void register_clip(KernelRegistry& r, const KernelRegistry& ref) {
  register_unary(
      r, ref, "Clip",
      [](const KernelContext& ctx, xnn_operator_t* op) {
        Bounds b;
        read_bounds(ctx, &b);
        return xnn_create_clamp_nc_f32(1, 1, 1, b.lo, b.hi, 0, op);
      },
      xnn_setup_clamp_nc_f32,
      [](const KernelContext& ctx) {
        Bounds b;
        return read_bounds(ctx, &b);
      });
}

}  // namespace qedge::fast::xnn
