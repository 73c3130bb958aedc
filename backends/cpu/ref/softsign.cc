#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_softsign(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Softsign", [](auto x, const UnaryParams&) {
    return x / (decltype(x)(1) + std::fabs(x));
  });
}

}  // namespace qedge::ref
