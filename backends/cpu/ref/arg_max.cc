#include <functional>

#include "common/reduce_kernel.h"

namespace qedge::ref {

void register_arg_max(KernelRegistry& r) {
  r.add("", "ArgMax", [] { return std::make_unique<ArgReduceKernel<std::greater<>>>(); });
}

}  // namespace qedge::ref
