// Operands of the integer ops on the low-bit GEMM (gemm_lowbit.h): whether a QConv/QMatMul layer qualifies (8-bit
// activations, weight levels minus zero points inside a byte layout's exact bound, decided from bit widths and
// zero points), its activations as u8, and its packed weights kept while they are a model constant.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "common/int_linear.h"
#include "qedge/cpu_fast/gemm_lowbit.h"

namespace qedge::fast {

// X's zero point on the u8 scale (int8 levels are shifted by 128); nothing when X is not 8-bit or the zero point
// is not itself a u8 value (it pads the convolution input).
inline std::optional<int32_t> u8_zero_point(const KernelContext& ctx) {
  const Tensor* x = ctx.input(0);
  if (!x || (x->dtype != DType::kUint8 && x->dtype != DType::kInt8)) return std::nullopt;
  const int64_t zp = ctx.attr().get_int("x_zero_point", 0) + (x->dtype == DType::kInt8 ? 128 : 0);
  if (zp < 0 || zp > 255) return std::nullopt;
  return static_cast<int32_t>(zp);
}

// The range [lo, hi] of W's levels minus zero points over every channel, from its storage type or packed bit width
// and the zero points; nothing when W is not integer or a zero point is not an integer.
inline std::optional<std::pair<int64_t, int64_t>> adjusted_weight_range(const KernelContext& ctx) {
  const Tensor* w = ctx.input(1);
  if (!w) return std::nullopt;
  int64_t lo = 0, hi = 0;
  if (w->packed_bipolar) {
    lo = -1, hi = 1;
  } else if (w->packed_bits > 0 && w->packed_bits <= 8) {
    const int64_t bits = w->packed_bits;
    lo = w->dtype == DType::kInt8 ? -(int64_t{1} << (bits - 1)) : 0;
    hi = lo + (int64_t{1} << bits) - 1;
  } else if (w->dtype == DType::kInt8 || w->dtype == DType::kUint8) {
    lo = w->dtype == DType::kInt8 ? -128 : 0;
    hi = lo + 255;
  } else {
    return std::nullopt;
  }
  int64_t wlo = 0, whi = 0;
  bool first = true;
  for (float z : ctx.attr().get_floats("w_zero_point", {0.0f})) {
    if (std::floor(z) != z || std::fabs(z) > 1024) return std::nullopt;
    const auto zi = static_cast<int64_t>(z);
    wlo = first ? lo - zi : std::min(wlo, lo - zi);
    whi = first ? hi - zi : std::max(whi, hi - zi);
    first = false;
  }
  if (first) return std::nullopt;
  return std::make_pair(wlo, whi);
}

// The low-bit layout of W for dot products of length k, or nothing when the layer keeps the int16 GEMM.
inline std::optional<LowbitLayout> lowbit_layout_for(const KernelContext& ctx, int64_t k) {
  if (!u8_zero_point(ctx) || ctx.attr().get_int("xnor", 0) != 0) return std::nullopt;
  const auto range = adjusted_weight_range(ctx);
  if (!range) return std::nullopt;
  return lowbit_layout(range->first, range->second, k);
}

// What XORed into X's bytes puts its levels on the u8 scale: 0x80 for int8, 0 for uint8 (for packers that shift as
// they read, instead of u8_activations' copy).
inline uint8_t u8_flip(const KernelContext& ctx) { return ctx.input(0)->dtype == DType::kInt8 ? 0x80 : 0; }

// X's levels on the u8 scale: the tensor itself for uint8, shifted by 128 into `storage` for int8 (in chunks across
// ctx's threads).
inline const uint8_t* u8_activations(const KernelContext& ctx, std::vector<uint8_t>* storage) {
  const Tensor& x = *ctx.input(0);
  const auto* data = static_cast<const uint8_t*>(x.data);
  if (x.dtype == DType::kUint8) return data;
  storage->resize(static_cast<size_t>(x.numel()));
  uint8_t* out = storage->data();
  constexpr int64_t kChunk = 64 * 1024;
  ctx.parallel_for((x.numel() + kChunk - 1) / kChunk, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin * kChunk, i_end = std::min(x.numel(), end * kChunk); i < i_end; ++i) {
      out[i] = static_cast<uint8_t>(data[i] ^ 0x80);
    }
  });
  return out;
}

// Where a packed-weight cache finds W' in the levels read_int_weights returns: group g holds rows
// [g * m, (g + 1) * m), W'[i, p] at w[i * row_stride + p * k_stride].
struct PackedWeightsShape {
  int channel_axis = 0;
  int64_t groups = 1, m = 0, k = 0, row_stride = 0, k_stride = 0;
};

// A QMatMul's W ([k, n], or [n, k] when trans_b) as m = n rows of length k.
inline PackedWeightsShape qmatmul_weights_shape(int64_t k, int64_t n, bool trans_b) {
  PackedWeightsShape s;
  s.channel_axis = trans_b ? 0 : 1;
  s.m = n, s.k = k;
  s.row_stride = trans_b ? k : 1, s.k_stride = trans_b ? 1 : n;
  return s;
}

// W' packed per group (see PackedWeightsShape), kept across runs while W is a model constant at the same address.
class LowbitWeightsCache {
 public:
  using Shape = PackedWeightsShape;

  Result<const std::vector<LowbitWeights>*> get(const KernelContext& ctx, const LowbitLayout& layout, const Shape& s) {
    const Tensor& w = *ctx.input(1);
    if (!(w.constant && w.data == source_ && !packed_.empty())) {
      // int16 holds every W' of 8-bit storage less a zero point adjusted_weight_range accepts.
      std::vector<int16_t> levels;
      QEDGE_RETURN_IF_ERROR(ref::read_int_weights(ctx, s.channel_axis, &levels));
      packed_.clear();
      for (int64_t g = 0; g < s.groups; ++g) {
        packed_.push_back(pack_lowbit_weights(layout, levels.data() + g * s.m * s.row_stride, s.m, s.k,
                                              s.row_stride, s.k_stride));
      }
      source_ = w.constant ? w.data : nullptr;
    }
    return &packed_;
  }

 private:
  std::vector<LowbitWeights> packed_;
  const void* source_ = nullptr;
};

}  // namespace qedge::fast
