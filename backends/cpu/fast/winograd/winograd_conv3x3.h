// Float 3x3 convolution (stride 1, dilation 1, one group, any padding, NCHW, any batch) by Winograd F(4x4, 3x3)
// (2.25 multiplies per output and input channel instead of 9), or F(2x2, 3x3) for tiny images with large weights.
// Tiles of every image form one tile list; each transformed position p is a GEMM
// Y_p[maps, tiles] = U_p[maps, channels] * V_p[channels, tiles] on the float GEMM micro-kernel, with U_p packed once
// (kept while the weight is a model constant) and V_p written by the input transform directly in the micro-kernel's
// panel layout.
#pragma once

#include <cstdint>
#include <vector>

#include "common/nn_geometry.h"
#include "qedge/kernel_api/op_kernel.h"
#include "winograd/winograd_kernels.h"

namespace qedge::fast {

class WinogradConv3x3 {
 public:
  // Whether the geometry is one this kernel computes (a 2-D 3x3 window, stride 1, dilation 1, group 1).
  static bool covers(const ref::NnGeometry& g, int64_t group);
  // The faster output tile for this batch and output size: 4 or 2 (measured in qedge_kernel_bench; channel counts
  // moved the line too little to matter).
  static int64_t best_tile(const ref::NnGeometry& g, int64_t batch);

  // Tile list and sizes for input [batch, channels, g.in], `maps` output maps and output tiles of `tile` x `tile`
  // (4 or 2); `g` must be covered.
  void plan(const ref::NnGeometry& g, int64_t batch, int64_t channels, int64_t maps, int64_t tile);
  // Y = Conv(X, W) + B with X, W, B the context's inputs 0..2 (B optional) and Y its output 0.
  Status run(KernelContext& ctx);

 private:
  // One Winograd form: output tile edge, transformed positions ((tile + 2)^2) and its kernels.
  struct Variant {
    int64_t tile;
    int64_t positions;
    WinogradInputRow input;
    WinogradOutputRow output;
    void (*filter)(const float* g, float* u);
    GemmMicroKernel gemm;
  };
  static const Variant& variant(int64_t tile);

  void transform_weights(const KernelContext& ctx, const float* w);
  void transform_input(const KernelContext& ctx, const float* x, float* v);
  void multiply(const KernelContext& ctx, const float* v, float* m);
  void transform_output(const KernelContext& ctx, const float* m, const float* bias, float* y);

  ref::NnGeometry g_;
  const Variant* variant_ = nullptr;
  int64_t batch_ = 0, channels_ = 0, maps_ = 0;
  int64_t tiles_y_ = 0, tiles_x_ = 0, tiles_ = 0, tile_blocks_ = 0, map_panels_ = 0;
  int64_t plane_h_ = 0, plane_w_ = 0;  // zero-padded input plane holding every tile's (tile + 2)-square window
  std::vector<float> u_;               // [position][map panel][channel][6 maps]
  const void* u_source_ = nullptr;     // the constant weight u_ was made from (null: recompute every run)
};

}  // namespace qedge::fast
