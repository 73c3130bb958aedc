#include "common/binary.h"
#include "common/int_math.h"

namespace qedge::ref {

void register_mul(KernelRegistry& r) {
  register_binary<kNumericTypes>(r, "Mul", [](auto a, auto b) { return wrap_mul(a, b); });
}

}  // namespace qedge::ref
