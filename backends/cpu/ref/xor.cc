#include "common/binary.h"

namespace qedge::ref {

void register_xor(KernelRegistry& r) {
  register_binary<kBoolType, BinaryOutput::kBool>(r, "Xor", [](auto a, auto b) { return a != b; });
}

}  // namespace qedge::ref
