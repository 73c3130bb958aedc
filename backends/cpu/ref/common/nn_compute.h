// Buffers that let an nn kernel compute in one accumulator type A (float for float16/bfloat16, the
// type itself otherwise) without copying when the storage type already is A.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "dispatch.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

// The tensor's values as A: the data itself when T is A, otherwise converted into `buf`.
template <typename A, typename T>
const A* nn_as_compute(const Tensor& t, std::vector<A>* buf) {
  if constexpr (std::is_same_v<A, T>) {
    return t.data_as<T>();
  } else {
    const T* p = t.data_as<T>();
    const int64_t n = t.numel();
    buf->resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) (*buf)[i] = static_cast<A>(static_cast<compute_t<T>>(p[i]));
    return buf->data();
  }
}

// Where a kernel computing in A writes: the output itself when T is A, otherwise `buf`, which
// nn_store then rounds into the output.
template <typename A, typename T>
A* nn_compute_out(Tensor& t, std::vector<A>* buf) {
  if constexpr (std::is_same_v<A, T>) {
    return t.data_as<T>();
  } else {
    buf->assign(static_cast<size_t>(t.numel()), A(0));
    return buf->data();
  }
}

template <typename A, typename T>
void nn_store(Tensor& t, const std::vector<A>& buf) {
  if constexpr (!std::is_same_v<A, T>) {
    T* p = t.data_as<T>();
    for (size_t i = 0; i < buf.size(); ++i) p[i] = to_storage<T>(buf[i]);
  }
}

// Checks that input i is int8/uint8 and that its optional zero point, input zp, has the same type
// and either one value or `per_axis` values.
inline Status nn_check_int8_input(const KernelContext& ctx, int i, int zp, int64_t per_axis) {
  const std::string op(ctx.op_type);
  const DType t = ctx.input(i)->dtype;
  if (t != DType::kUint8 && t != DType::kInt8) return unsupported_type(op.c_str(), t);
  const Tensor* z = ctx.input(zp);
  if (z != nullptr && (z->dtype != t || z->rank() > 1 || (z->numel() != 1 && z->numel() != per_axis))) {
    return InvalidModel(op + " zero point input " + std::to_string(zp) + " must be " + dtype_name(t) + " with 1 or " +
                        std::to_string(per_axis) + " values, got " + dtype_name(z->dtype) + " " +
                        dims_to_string(z->shape));
  }
  return Status::Ok();
}

// Values of an int8/uint8 tensor minus a zero point as int32 (ConvInteger, MatMulInteger). The zero
// point is a scalar, or `zp_len` values where element i uses zero point (i / zp_step) % zp_len.
inline void nn_int8_minus_zero_point(const Tensor& t, const Tensor* zp, int64_t zp_step, std::vector<int32_t>* out) {
  const int64_t n = t.numel();
  const int64_t zp_len = zp ? zp->numel() : 0;
  out->resize(static_cast<size_t>(n));
  auto fill = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = t.data_as<T>();
    for (int64_t i = 0; i < n; ++i) {
      const int32_t z = zp_len == 0 ? 0 : static_cast<int32_t>(zp->data_as<T>()[zp_len > 1 ? (i / zp_step) % zp_len : 0]);
      (*out)[i] = static_cast<int32_t>(p[i]) - z;
    }
  };
  if (t.dtype == DType::kUint8) {
    fill(TypeTag<uint8_t>{});
  } else {
    fill(TypeTag<int8_t>{});
  }
}

}  // namespace qedge::ref
