// The fast QConv and QMatMul for xnor=1 (bipolar X and W): bit rows of +-1 values and XNOR-popcount dot products
// (xnor/xnor_popcount.h). The convolution builds each output position's bit window once for all maps (the reference
// rebuilds it per map) and splits positions, the matrix product rows, across threads. Bit-identical to the
// reference: the same integer dot products and epilogue, and the same errors for values other than -1/+1.
#pragma once

#include <algorithm>
#include <vector>

#include "requant.h"
#include "common/nn_geometry.h"
#include "common/xnor.h"
#include "scratch_buffer.h"

namespace qedge::fast {

// True when the node is an xnor QConv/QMatMul over 8-bit integer levels (float inputs use the reference).
inline bool xnor_applies(const KernelContext& ctx) {
  const Tensor* x = ctx.input(0);
  return ctx.attr().get_int("xnor", 0) != 0 && x && ctx.input(1) &&
         (x->dtype == DType::kInt8 || x->dtype == DType::kUint8);
}

// W's bit rows (rows x xnor_words(k), element (i, p) of W' at w[i * row_stride + p * k_stride]), kept across runs
// while W is a model constant at the same address. With tap_major_taps > 1 each row's k (channel-major: channel *
// taps + tap, rows contiguous) is packed tap-major (tap * channels + channel), the order of QConv's windows.
class XnorWeightsCache {
 public:
  struct Shape {
    int channel_axis = 0;
    int64_t rows = 0, k = 0, row_stride = 0, k_stride = 0;
  };

  Result<const std::vector<ref::XnorWord>*> get(const KernelContext& ctx, const Shape& s, const char* what,
                                                int64_t tap_major_taps = 1) {
    const Tensor& w = *ctx.input(1);
    if (!(w.constant && w.data == source_ && !bits_.empty())) {
      std::vector<double> levels;
      QEDGE_RETURN_IF_ERROR(ref::read_int_weights(ctx, s.channel_axis, &levels));
      if (tap_major_taps > 1) to_tap_major(s.rows, s.k, tap_major_taps, &levels);
      source_ = nullptr;
      QEDGE_RETURN_IF_ERROR(ref::pack_sign_rows(levels, s.rows, s.k, s.row_stride, s.k_stride, what, &bits_));
      source_ = w.constant ? w.data : nullptr;
    }
    return &bits_;
  }

 private:
  // Rows of k = channels * taps levels (contiguous), each from channel-major to tap-major order, through one row.
  static void to_tap_major(int64_t rows, int64_t k, int64_t taps, std::vector<double>* levels) {
    std::vector<double> row(static_cast<size_t>(k));
    const int64_t channels = k / taps;
    for (int64_t r = 0; r < rows; ++r) {
      double* v = levels->data() + r * k;
      std::copy(v, v + k, row.begin());
      for (int64_t c = 0; c < channels; ++c) {
        for (int64_t t = 0; t < taps; ++t) v[t * channels + c] = row[static_cast<size_t>(c * taps + t)];
      }
    }
  }

  std::vector<ref::XnorWord> bits_;
  const void* source_ = nullptr;
};

Status run_qconv_xnor(KernelContext& ctx, const ref::NnGeometry& g, int64_t group,
                      const Requant& epilogue, XnorWeightsCache& cache);

Status run_qmatmul_xnor(KernelContext& ctx, int64_t k, int64_t n, bool trans_b, const Requant& epilogue,
                        XnorWeightsCache& cache);

// X's levels minus x_zero_point as signs (1 for +1) in `signs`; an error naming `what` when one is not -1 or +1.
Result<const uint8_t*> bipolar_signs(const KernelContext& ctx, const char* what, ScratchBuffer<uint8_t>* signs);

}  // namespace qedge::fast
