#include <functional>

#include "common/contrib_quant.h"

namespace qedge::ref {

// com.microsoft QLinearMul: C = quantize(A_scale * (A - A_zp) * B_scale * (B - B_zp)).
void register_qlinear_mul(KernelRegistry& r) { register_qlinear_binary<std::multiplies<float>>(r, "QLinearMul"); }

}  // namespace qedge::ref
