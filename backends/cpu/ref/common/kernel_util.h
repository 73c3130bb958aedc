// Small checks shared by reference kernels; messages name the operator and the offending value.
#pragma once

#include <string>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

// Requires inputs [0, required) to be present.
inline Status require_inputs(const KernelContext& ctx, int required) {
  for (int i = 0; i < required; ++i) {
    if (ctx.input(i) == nullptr) {
      return InvalidModel(std::string(ctx.op_type) + " requires input " + std::to_string(i));
    }
  }
  return Status::Ok();
}

// Requires input `i` to have its values (not just its shape); used by prepare of ops whose output
// shape depends on an input's values. Converter shape inference then treats the output as dynamic.
inline Status require_value(const KernelContext& ctx, int i) {
  const Tensor* t = ctx.input(i);
  if (t != nullptr && !t->has_value) {
    return NeedsValues(std::string(ctx.op_type) + " output shape depends on the values of input " +
                       std::to_string(i));
  }
  return Status::Ok();
}

// Sets output i to dtype/shape.
inline void set_output(KernelContext& ctx, int i, DType dtype, Dims shape) {
  Tensor* t = ctx.output(i);
  t->dtype = dtype;
  t->shape = std::move(shape);
}

}  // namespace qedge::ref
