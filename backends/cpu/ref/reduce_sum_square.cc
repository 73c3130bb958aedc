#include "common/reduce_kernel.h"

namespace qedge::ref {

namespace {
struct Square {
  template <typename A>
  A operator()(A x) const {
    return wrap_mul(x, x);
  }
};
}  // namespace

void register_reduce_sum_square(KernelRegistry& r) {
  register_reduce<SumRule<kNumericTypes, Square, ReduceIdentity>>(r, "ReduceSumSquare");
}

}  // namespace qedge::ref
