#include "common/unary.h"

namespace qedge::ref {

void register_reciprocal(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Reciprocal", [](auto x, const UnaryParams&) {
    return decltype(x)(1) / x;
  });
}

}  // namespace qedge::ref
