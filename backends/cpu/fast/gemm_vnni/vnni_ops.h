// The fast QConv and QMatMul on the VNNI GEMM (gemm_vnni.h): whether a layer takes it (a VNNI CPU, 8-bit
// activations, weights whose levels minus zero points fit s8, an exact int32 dot product), its packed weights (4-bit
// for sub-byte weights that fit) kept while they are a model constant, and the runs. Results are bit-identical to the
// reference kernels (exact integer sums, the same epilogue).
#pragma once

#include <algorithm>
#include <vector>

#include "requant.h"
#include "common/nn_geometry.h"
#include "lowbit_operands.h"
#include "qedge/cpu_fast/gemm_vnni.h"

namespace qedge::fast {

// True when a QConv/QMatMul layer with dot products of length k takes the VNNI GEMM. Sub-byte packed weights take it
// only in a form as small in memory as the low-bit GEMM's: 4-bit when W' fits [-8, 7] or [0, 15], bytes when W'
// spans more than 16 levels (where the low-bit GEMM keeps bytes too).
inline bool vnni_applies(const KernelContext& ctx, int64_t k) {
  const Tensor* w = ctx.input(1);
  if (!gemm_vnni_available() || !w || w->packed_bipolar || !u8_zero_point(ctx) || ctx.attr().get_int("xnor", 0) != 0) {
    return false;
  }
  const auto range = adjusted_weight_range(ctx);
  if (!range || !gemm_vnni_exact(range->first, range->second, k)) return false;
  return w->packed_bits == 0 || w->packed_bits >= 8 || gemm_vnni_nibbles_fit(range->first, range->second) ||
         range->second - range->first > 15;
}

// W' packed per group (see PackedWeightsShape) for the layer's activation zero point, kept across runs while W is a
// model constant at the same address. With tap_major_taps > 1 each row's k (channel-major: channel * taps + tap,
// rows contiguous) is packed tap-major (tap * channels + channel), the order of VnniIm2colPanels' tap-major panels;
// a layer always asks with the same order.
class VnniWeightsCache {
 public:
  using Shape = PackedWeightsShape;

  Result<const std::vector<VnniWeights>*> get(const KernelContext& ctx, const Shape& s, int64_t tap_major_taps = 1) {
    const Tensor& w = *ctx.input(1);
    if (!(w.constant && w.data == source_ && !packed_.empty())) {
      // W' fits s8 (vnni_applies), so it is read as bytes: an eighth of doubles' memory on the first run.
      std::vector<int8_t> levels;
      QEDGE_RETURN_IF_ERROR(ref::read_int_weights(ctx, s.channel_axis, &levels));
      const int32_t zp = *u8_zero_point(ctx);
      // Sub-byte weights that fit stay 4-bit (vnni_applies).
      const auto range = adjusted_weight_range(ctx);
      const bool nibbles = w.packed_bits > 0 && w.packed_bits < 8 && range &&
                           gemm_vnni_nibbles_fit(range->first, range->second);
      packed_.clear();
      for (int64_t g = 0; g < s.groups; ++g) {
        packed_.push_back(pack_vnni_weights(levels.data() + g * s.m * s.row_stride, s.m, s.k, s.row_stride,
                                            s.k_stride, zp, nibbles, tap_major_taps));
      }
      source_ = w.constant ? w.data : nullptr;
    }
    return &packed_;
  }

 private:
  std::vector<VnniWeights> packed_;
  const void* source_ = nullptr;
};

// QConv per image and group: W' x im2col(X on the u8 scale, padded with its zero point), then the epilogue; a 1x1
// convolution with stride 1 and no padding reads the input planes directly.
Status run_qconv_vnni(KernelContext& ctx, const ref::NnGeometry& g, int64_t group,
                      const Requant& epilogue, VnniWeightsCache& cache);

// QMatMul as Y^T = W'^T X^T (the weights are the packed operand), transposed back row by row into the epilogue.
Status run_qmatmul_vnni(KernelContext& ctx, int64_t k, int64_t n, bool trans_b, const Requant& epilogue,
                        VnniWeightsCache& cache);

}  // namespace qedge::fast
