#include "common/binary.h"

namespace qedge::ref {

void register_bitwise_and(KernelRegistry& r) {
  register_binary<kIntTypes>(r, "BitwiseAnd", [](auto a, auto b) { return static_cast<decltype(a)>(a & b); });
}

}  // namespace qedge::ref
