// Operands of the fast integer ops as exact int16: levels minus zero points for 8-bit storage, where every product
// and every pair sum of the int16 GEMM is exact and the whole dot product provably fits int32.
#pragma once

#include <cmath>
#include <vector>

#include "common/int_linear.h"

namespace qedge::fast {

// Largest |level - zero_point| over an 8-bit storage type and the given zero points; 0 when the type is not 8-bit.
inline int64_t max_adjusted_level(DType t, const std::vector<float>& zero_points) {
  if (t != DType::kInt8 && t != DType::kUint8) return 0;
  const int64_t lo = t == DType::kInt8 ? -128 : 0, hi = t == DType::kInt8 ? 127 : 255;
  int64_t m = 0;
  for (float z : zero_points) {
    if (std::floor(z) != z || std::fabs(z) > 1024) return 0;
    const auto zi = static_cast<int64_t>(z);
    m = std::max({m, std::abs(lo - zi), std::abs(hi - zi)});
  }
  return m;
}

// True when X and W of a QConv/QMatMul are 8-bit levels whose k-term dot products fit int32 exactly.
inline bool int16_gemm_fits(const KernelContext& ctx, int64_t k) {
  const Tensor* x = ctx.input(0);
  const Tensor* w = ctx.input(1);
  if (!x || !w || ctx.attr().get_int("xnor", 0) != 0) return false;
  const int64_t mx = max_adjusted_level(x->dtype, {static_cast<float>(ctx.attr().get_int("x_zero_point", 0))});
  const int64_t mw = max_adjusted_level(w->dtype, ctx.attr().get_floats("w_zero_point", {0.0f}));
  return mx > 0 && mw > 0 && mx <= 32767 && mw <= 32767 && k > 0 && k * mx * mw < (int64_t{1} << 31);
}

template <typename T>
void subtract_zero_point(const T* x, int64_t n, int32_t zp, int16_t* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int16_t>(static_cast<int32_t>(x[i]) - zp);
}

// X's levels [begin, end) minus x_zero_point, as int16 (int16_gemm_fits holds), into out[begin, end).
inline void adjust_input(const KernelContext& ctx, int64_t begin, int64_t end, int16_t* out) {
  const Tensor& x = *ctx.input(0);
  const auto zp = static_cast<int32_t>(ctx.attr().get_int("x_zero_point", 0));
  // The 8-bit types in loops the compiler vectorizes; the others element by element.
  if (x.dtype == DType::kUint8) {
    subtract_zero_point(x.data_as<uint8_t>() + begin, end - begin, zp, out + begin);
  } else if (x.dtype == DType::kInt8) {
    subtract_zero_point(x.data_as<int8_t>() + begin, end - begin, zp, out + begin);
  } else {
    for (int64_t i = begin; i < end; ++i) out[i] = static_cast<int16_t>(ref::int_element(x, i) - zp);
  }
}

// adjust_input into a new vector.
inline std::vector<int16_t> adjusted_input(const KernelContext& ctx) {
  const int64_t n = ctx.input(0)->numel();
  std::vector<int16_t> out(static_cast<size_t>(n));
  adjust_input(ctx, 0, n, out.data());
  return out;
}

// W's levels minus w_zero_point (packed or natural), as int16 (int16_gemm_fits holds).
inline Status adjusted_weights(const KernelContext& ctx, int channel_axis, std::vector<int16_t>* out) {
  return ref::read_int_weights(ctx, channel_axis, out);
}

// adjusted_weights, kept across runs while W is a model constant at the same address (recomputed otherwise).
class AdjustedWeightsCache {
 public:
  Result<const std::vector<int16_t>*> get(const KernelContext& ctx, int channel_axis) {
    const Tensor& w = *ctx.input(1);
    if (!(w.constant && w.data == source_ && !weights_.empty())) {
      QEDGE_RETURN_IF_ERROR(adjusted_weights(ctx, channel_axis, &weights_));
      source_ = w.constant ? w.data : nullptr;
    }
    return &weights_;
  }

 private:
  std::vector<int16_t> weights_;
  const void* source_ = nullptr;
};

}  // namespace qedge::fast
