#include "common/binary.h"

namespace qedge::ref {

void register_or(KernelRegistry& r) {
  register_binary<kBoolType, BinaryOutput::kBool>(r, "Or", [](auto a, auto b) { return a || b; });
}

}  // namespace qedge::ref
