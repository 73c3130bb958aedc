// Float Add with broadcasting on XNNPACK's add_nd_f32 operator.
#include "xnn_binary.h"

namespace qedge::fast::xnn {

void register_add(KernelRegistry& r, const KernelRegistry& ref) {
  register_binary(r, ref, "Add", xnn_create_add_nd_f32, xnn_setup_add_nd_f32);
}

}  // namespace qedge::fast::xnn
