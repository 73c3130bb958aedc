#include "common/reduce_kernel.h"

namespace qedge::ref {

void register_reduce_sum(KernelRegistry& r) {
  register_reduce<SumRule<kNumericTypes, ReduceIdentity, ReduceIdentity>>(r, "ReduceSum", 13);
}

}  // namespace qedge::ref
