#include "common/binary.h"

namespace qedge::ref {

void register_bitwise_or(KernelRegistry& r) {
  register_binary<kIntTypes>(r, "BitwiseOr", [](auto a, auto b) { return static_cast<decltype(a)>(a | b); });
}

}  // namespace qedge::ref
