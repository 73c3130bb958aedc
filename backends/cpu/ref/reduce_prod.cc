#include "common/reduce_kernel.h"

namespace qedge::ref {

namespace {
struct ProdRule {
  static constexpr unsigned kTypes = kNumericTypes;
  template <typename A>
  static A init() {
    return A{1};
  }
  template <typename A>
  static A step(A acc, A x) {
    return wrap_mul(acc, x);
  }
  template <typename A>
  static A finish(A acc, int64_t) {
    return acc;
  }
};
}  // namespace

void register_reduce_prod(KernelRegistry& r) { register_reduce<ProdRule>(r, "ReduceProd"); }

}  // namespace qedge::ref
