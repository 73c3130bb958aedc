// Float Mul with broadcasting on XNNPACK's multiply_nd_f32 operator.
#include "xnn_binary.h"

namespace qedge::fast::xnn {

void register_mul(KernelRegistry& r, const KernelRegistry& ref) {
  register_binary(r, ref, "Mul", xnn_create_multiply_nd_f32, xnn_setup_multiply_nd_f32);
}

}  // namespace qedge::fast::xnn
