// Float Sigmoid on XNNPACK's sigmoid operator (a polynomial approximation within a few ulp of 1 / (1 + e^-x)).
#include "xnn_unary.h"

namespace qedge::fast::xnn {

void register_sigmoid(KernelRegistry& r, const KernelRegistry& ref) {
  register_unary(
      r, ref, "Sigmoid",
      [](const KernelContext&, xnn_operator_t* op) { return xnn_create_sigmoid_nc_f32(1, 1, 1, 0, op); },
      xnn_setup_sigmoid_nc_f32);
}

}  // namespace qedge::fast::xnn
