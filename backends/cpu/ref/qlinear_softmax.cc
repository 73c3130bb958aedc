#include "common/contrib_wrap.h"

namespace qedge::ref {

void register_softmax(KernelRegistry& r);  // softmax.cc

// com.microsoft QLinearSoftmax: Y = quantize(Softmax(dequantize(X), axis)), Softmax as of the ai.onnx
// version in attribute `opset`; axis defaults to -1 whatever that version's default is.
void register_qlinear_softmax(KernelRegistry& r) {
  Attr axis;
  axis.name = "axis";
  axis.kind = AttrKind::kInt;
  axis.i = -1;
  register_contrib_wrap(r, kMsDomain, "QLinearSoftmax", "Softmax", register_softmax, true, 0, {axis});
}

}  // namespace qedge::ref
