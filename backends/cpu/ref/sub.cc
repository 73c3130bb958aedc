#include "common/binary.h"
#include "common/int_math.h"

namespace qedge::ref {

void register_sub(KernelRegistry& r) {
  register_binary<kNumericTypes>(r, "Sub", [](auto a, auto b) { return wrap_sub(a, b); });
}

}  // namespace qedge::ref
