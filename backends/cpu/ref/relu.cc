#include "common/unary.h"

namespace qedge::ref {

void register_relu(KernelRegistry& r) {
  register_unary<kFloatTypes | kSignedIntTypes>(r, "Relu", [](auto x, const UnaryParams&) {
    return x > 0 ? x : decltype(x){0};
  });
}

}  // namespace qedge::ref
