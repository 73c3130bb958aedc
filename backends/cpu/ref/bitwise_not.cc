#include "common/unary.h"

namespace qedge::ref {

void register_bitwise_not(KernelRegistry& r) {
  register_unary<kIntTypes>(r, "BitwiseNot", [](auto x, const UnaryParams&) {
    return static_cast<decltype(x)>(~x);
  });
}

}  // namespace qedge::ref
