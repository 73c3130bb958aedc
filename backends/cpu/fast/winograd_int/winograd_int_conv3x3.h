// Exact integer 3x3 QConv (stride 1, dilation 1, one group, any padding, NCHW, any batch, 8-bit activations) by
// integer Winograd F(2x2, 3x3) (winograd_int_kernels.h): 4 multiplies per output and input channel instead of 9, on
// the int16 vpmaddwd rate. The accumulators equal the int16 im2col GEMM's, so the reference epilogue that follows
// gives bit-identical levels.
// Per run: X - x_zero_point into a zero-padded NHWC int16 plane (every tile's 4x4 window inside it), then blocks of
// tiles (sized for L2; with fewer blocks than threads, also split over map panels) each do the input transform, 16
// GEMMs M_p[tiles, maps] = V_p[tiles, channels] * U'_p[channels, maps] and the output transform into int32
// accumulators [image, map, pixel], which the epilogue requantizes map by map. U' is made once per constant weight.
#pragma once

#include <cstdint>
#include <vector>

#include "requant.h"
#include "common/nn_geometry.h"

namespace qedge::fast {

class WinogradIntConv3x3 {
 public:
  // Whether this layer takes the path: a covered geometry (see WinogradConv3x3::covers), 8-bit X and W levels
  // whose transforms fit int16 and whose 4x convolution sums fit int32, and a shape where it was measured faster
  // than the int16 im2col GEMM (qedge_kernel_bench BM_QConv3x3Resnet18).
  static bool applies(const KernelContext& ctx, const ref::NnGeometry& g, int64_t group);

  // Y = the epilogue of QConv(X, W) with X, W the context's inputs 0 and 1 and Y its output 0.
  Status run(KernelContext& ctx, const ref::NnGeometry& g, const Requant& epilogue);

 private:
  // U' from W's levels minus w_zero_point; only U' is kept (not the int16 levels: U' is 16/9 of them already).
  Status transform_weights(const KernelContext& ctx, int64_t maps, int64_t channels);

  std::vector<int16_t> u_;          // U' in the GEMM's B panels (winograd_int_kernels.h)
  const void* u_source_ = nullptr;  // the constant weight u_ was made from (null: recompute every run)
};

}  // namespace qedge::fast
