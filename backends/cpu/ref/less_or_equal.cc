#include "common/binary.h"

namespace qedge::ref {

void register_less_or_equal(KernelRegistry& r) {
  register_binary<kNumericTypes, BinaryOutput::kBool>(r, "LessOrEqual", [](auto a, auto b) { return a <= b; });
}

}  // namespace qedge::ref
