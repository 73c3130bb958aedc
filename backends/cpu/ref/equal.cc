#include "common/binary.h"

namespace qedge::ref {

void register_equal(KernelRegistry& r) {
  register_binary<kAllTypes, BinaryOutput::kBool>(r, "Equal", [](auto a, auto b) { return a == b; });
}

}  // namespace qedge::ref
