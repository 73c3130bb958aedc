#include "common/binary.h"

namespace qedge::ref {

void register_bitwise_xor(KernelRegistry& r) {
  register_binary<kIntTypes>(r, "BitwiseXor", [](auto a, auto b) { return static_cast<decltype(a)>(a ^ b); });
}

}  // namespace qedge::ref
