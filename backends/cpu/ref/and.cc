#include "common/binary.h"

namespace qedge::ref {

void register_and(KernelRegistry& r) {
  register_binary<kBoolType, BinaryOutput::kBool>(r, "And", [](auto a, auto b) { return a && b; });
}

}  // namespace qedge::ref
