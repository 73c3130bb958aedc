#include "common/reduce_kernel.h"

namespace qedge::ref {

namespace {
struct Exp {
  double operator()(double x) const { return std::exp(x); }
};
struct Log {
  double operator()(double acc, int64_t) const { return std::log(acc); }
};
}  // namespace

// Sums exp in double: overflows only for inputs above ~709, far outside float16/float data ranges.
void register_reduce_log_sum_exp(KernelRegistry& r) {
  register_reduce<SumRule<kFloatTypes, Exp, Log>>(r, "ReduceLogSumExp");
}

}  // namespace qedge::ref
