// Float LeakyRelu (x >= 0 ? x : alpha * x) on XNNPACK's leaky_relu operator, which takes only finite slopes.
#include <cmath>

#include "xnn_unary.h"

namespace qedge::fast::xnn {
namespace {

float slope(const AttrMap& a) { return a.get_float("alpha", 0.01f); }

}  // namespace

void register_leaky_relu(KernelRegistry& r, const KernelRegistry& ref) {
  register_unary(
      r, ref, "LeakyRelu",
      [](const KernelContext& ctx, xnn_operator_t* op) {
        return xnn_create_leaky_relu_nc_f32(1, 1, 1, slope(ctx.attr()), 0, op);
      },
      xnn_setup_leaky_relu_nc_f32, [](const KernelContext& ctx) { return std::isfinite(slope(ctx.attr())); });
}

}  // namespace qedge::fast::xnn
