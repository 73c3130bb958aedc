#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_log(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Log", [](auto x, const UnaryParams&) {
    return std::log(x);
  });
}

}  // namespace qedge::ref
