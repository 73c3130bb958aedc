// Float Sub with broadcasting on XNNPACK's subtract_nd_f32 operator.
#include "xnn_binary.h"

namespace qedge::fast::xnn {

void register_sub(KernelRegistry& r, const KernelRegistry& ref) {
  register_binary(r, ref, "Sub", xnn_create_subtract_nd_f32, xnn_setup_subtract_nd_f32);
}

}  // namespace qedge::fast::xnn
