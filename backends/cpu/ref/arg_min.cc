#include <functional>

#include "common/reduce_kernel.h"

namespace qedge::ref {

void register_arg_min(KernelRegistry& r) {
  r.add("", "ArgMin", [] { return std::make_unique<ArgReduceKernel<std::less<>>>(); });
}

}  // namespace qedge::ref
