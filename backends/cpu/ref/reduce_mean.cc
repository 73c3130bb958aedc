#include "common/reduce_kernel.h"

namespace qedge::ref {

namespace {
struct Mean {
  template <typename A>
  A operator()(A acc, int64_t count) const {
    if constexpr (std::is_floating_point_v<A>) {
      return acc / static_cast<A>(count);  // empty reduction: 0/0 = NaN as numpy gives
    } else {
      using Wide = std::conditional_t<std::is_signed_v<A>, int64_t, uint64_t>;
      return count == 0 ? A{0} : static_cast<A>(acc / static_cast<Wide>(count));
    }
  }
};
}  // namespace

void register_reduce_mean(KernelRegistry& r) {
  register_reduce<SumRule<kNumericTypes, ReduceIdentity, Mean>>(r, "ReduceMean");
}

}  // namespace qedge::ref
