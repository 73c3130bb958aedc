#include <cmath>

#include "common/reduce_kernel.h"

namespace qedge::ref {

namespace {

// The accumulator is the running log-sum-exp, folded with log-add-exp so that large inputs do
// not overflow exp.
struct LogSumExpRule {
  static constexpr unsigned kTypes = kFloatTypes;
  template <typename A>
  static A init() {
    return -std::numeric_limits<A>::infinity();  // log of the empty sum
  }
  template <typename A>
  static A step(A acc, A x) {
    if (std::isinf(acc) && acc < 0) return x;
    if (std::isinf(x) && x < 0) return acc;
    if (acc == x) return acc + std::log(A{2});  // also keeps +inf + +inf away from inf - inf
    return std::max(acc, x) + std::log1p(std::exp(-std::fabs(acc - x)));
  }
  template <typename A>
  static A finish(A acc, int64_t) {
    return acc;
  }
};

}  // namespace

void register_reduce_log_sum_exp(KernelRegistry& r) { register_reduce<LogSumExpRule>(r, "ReduceLogSumExp"); }

}  // namespace qedge::ref
