// Float Div with broadcasting on XNNPACK's divide_nd_f32 operator.
#include "xnn_binary.h"

namespace qedge::fast::xnn {

void register_div(KernelRegistry& r, const KernelRegistry& ref) {
  register_binary(r, ref, "Div", xnn_create_divide_nd_f32, xnn_setup_divide_nd_f32);
}

}  // namespace qedge::fast::xnn
