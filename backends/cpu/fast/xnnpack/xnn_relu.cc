// Float Relu as XNNPACK's clamp to [0, inf): NaN becomes 0 there as in the reference (x > 0 ? x : 0).
#include <cmath>

#include "xnn_unary.h"

namespace qedge::fast::xnn {

void register_relu(KernelRegistry& r, const KernelRegistry& ref) {
  register_unary(
      r, ref, "Relu",
      [](const KernelContext&, xnn_operator_t* op) { return xnn_create_clamp_nc_f32(1, 1, 1, 0.0f, INFINITY, 0, op); },
      xnn_setup_clamp_nc_f32);
}

}  // namespace qedge::fast::xnn
