#include "common/contrib_wrap.h"

namespace qedge::ref {

void register_sigmoid(KernelRegistry& r);  // sigmoid.cc

// com.microsoft QLinearSigmoid: Y = quantize(sigmoid(dequantize(X))).
void register_qlinear_sigmoid(KernelRegistry& r) {
  register_contrib_wrap(r, kMsDomain, "QLinearSigmoid", "Sigmoid", register_sigmoid, true, 0);
}

}  // namespace qedge::ref
