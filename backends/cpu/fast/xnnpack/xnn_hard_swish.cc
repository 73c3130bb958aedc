// Float HardSwish, x * clamp(x / 6 + 1/2, 0, 1), on XNNPACK's hardswish operator.
#include "xnn_unary.h"

namespace qedge::fast::xnn {

void register_hard_swish(KernelRegistry& r, const KernelRegistry& ref) {
  register_unary(
      r, ref, "HardSwish",
      [](const KernelContext&, xnn_operator_t* op) { return xnn_create_hardswish_nc_f32(1, 1, 1, 0, op); },
      xnn_setup_hardswish_nc_f32);
}

}  // namespace qedge::fast::xnn
