#include "common/unary.h"

namespace qedge::ref {

void register_thresholded_relu(KernelRegistry& r) {
  register_unary<kFloatTypes>(
      r, "ThresholdedRelu",
      [](auto x, const UnaryParams& p) {
        return x > p.alpha ? x : decltype(x)(0);
      },
      [](const AttrMap& a, UnaryParams* p) {
        p->alpha = a.get_float("alpha", 1.0f);
      });
}

}  // namespace qedge::ref
