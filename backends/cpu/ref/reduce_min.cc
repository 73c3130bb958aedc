#include <functional>

#include "common/reduce_kernel.h"

namespace qedge::ref {

void register_reduce_min(KernelRegistry& r) {
  register_reduce<ExtremeRule<std::less<>, false>>(r, "ReduceMin");
}

}  // namespace qedge::ref
