#include <functional>

#include "common/reduce_kernel.h"

namespace qedge::ref {

void register_reduce_max(KernelRegistry& r) {
  register_reduce<ExtremeRule<std::greater<>, true>>(r, "ReduceMax");
}

}  // namespace qedge::ref
