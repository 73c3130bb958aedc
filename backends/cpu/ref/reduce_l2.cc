#include "common/reduce_kernel.h"

namespace qedge::ref {

namespace {
struct Square {
  double operator()(double x) const { return x * x; }
};
struct Sqrt {
  double operator()(double acc, int64_t) const { return std::sqrt(acc); }
};
}  // namespace

// Floats only: the square root of an integer sum has no exact integer result to wrap.
void register_reduce_l2(KernelRegistry& r) {
  register_reduce<SumRule<kFloatTypes, Square, Sqrt>>(r, "ReduceL2");
}

}  // namespace qedge::ref
