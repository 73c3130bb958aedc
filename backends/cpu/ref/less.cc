#include "common/binary.h"

namespace qedge::ref {

void register_less(KernelRegistry& r) {
  register_binary<kNumericTypes, BinaryOutput::kBool>(r, "Less", [](auto a, auto b) { return a < b; });
}

}  // namespace qedge::ref
