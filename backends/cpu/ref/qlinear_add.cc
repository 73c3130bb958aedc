#include <functional>

#include "common/contrib_quant.h"

namespace qedge::ref {

// com.microsoft QLinearAdd: C = quantize(A_scale * (A - A_zp) + B_scale * (B - B_zp)).
void register_qlinear_add(KernelRegistry& r) { register_qlinear_binary<std::plus<float>>(r, "QLinearAdd"); }

}  // namespace qedge::ref
