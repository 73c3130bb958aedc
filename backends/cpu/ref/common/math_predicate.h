// Element-wise tests with a bool output (IsNaN, IsInf): the unary template with a bool result.
#pragma once

#include <string>

#include "unary.h"

namespace qedge::ref {

template <unsigned Set, typename Fn>
using PredicateKernel = UnaryKernel<Set, Fn, /*BoolOut=*/true>;

template <unsigned Set, typename Fn>
void register_predicate(KernelRegistry& r, const std::string& op, Fn fn, UnaryParamReader reader = nullptr) {
  r.add("", op, [fn, reader] { return std::make_unique<PredicateKernel<Set, Fn>>(fn, reader); });
}

}  // namespace qedge::ref
