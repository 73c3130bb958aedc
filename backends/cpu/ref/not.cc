#include "common/unary.h"

namespace qedge::ref {

void register_not(KernelRegistry& r) {
  register_unary<kBoolType>(r, "Not", [](auto x, const UnaryParams&) {
    return !x;
  });
}

}  // namespace qedge::ref
