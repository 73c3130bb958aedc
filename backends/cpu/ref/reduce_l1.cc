#include "common/reduce_kernel.h"

namespace qedge::ref {

namespace {
struct Abs {
  template <typename A>
  A operator()(A x) const {
    if constexpr (std::is_signed_v<A>) {
      return x < 0 ? wrap_sub(A{0}, x) : x;
    } else {
      return x;
    }
  }
};
}  // namespace

void register_reduce_l1(KernelRegistry& r) {
  register_reduce<SumRule<kNumericTypes, Abs, ReduceIdentity>>(r, "ReduceL1");
}

}  // namespace qedge::ref
