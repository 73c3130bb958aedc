#include "common/binary.h"
#include "common/int_math.h"

namespace qedge::ref {

void register_add(KernelRegistry& r) {
  register_binary<kNumericTypes>(r, "Add", [](auto a, auto b) { return wrap_add(a, b); });
}

}  // namespace qedge::ref
