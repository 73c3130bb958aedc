#include "common/reduce_kernel.h"

namespace qedge::ref {

namespace {
struct Log {
  double operator()(double acc, int64_t) const { return std::log(acc); }
};
}  // namespace

void register_reduce_log_sum(KernelRegistry& r) {
  register_reduce<SumRule<kFloatTypes, ReduceIdentity, Log>>(r, "ReduceLogSum");
}

}  // namespace qedge::ref
