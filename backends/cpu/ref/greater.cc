#include "common/binary.h"

namespace qedge::ref {

void register_greater(KernelRegistry& r) {
  register_binary<kNumericTypes, BinaryOutput::kBool>(r, "Greater", [](auto a, auto b) { return a > b; });
}

}  // namespace qedge::ref
