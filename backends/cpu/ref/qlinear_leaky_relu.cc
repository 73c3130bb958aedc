#include "common/contrib_wrap.h"

namespace qedge::ref {

void register_leaky_relu(KernelRegistry& r);  // leaky_relu.cc

// com.microsoft QLinearLeakyRelu: Y = quantize(LeakyRelu(dequantize(X), alpha)).
void register_qlinear_leaky_relu(KernelRegistry& r) {
  register_contrib_wrap(r, kMsDomain, "QLinearLeakyRelu", "LeakyRelu", register_leaky_relu, true, 0);
}

}  // namespace qedge::ref
