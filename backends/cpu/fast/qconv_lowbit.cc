// QConv's GEMM branch on the low-bit GEMM (see lowbit_ops.h). A 1x1 convolution with stride 1 and no padding reads
// the input planes directly instead of an im2col copy.
#include <vector>

#include "im2col.h"
#include "int_op_scratch.h"
#include "lowbit_ops.h"
#include "requant.h"

namespace qedge::fast {

Status run_qconv_lowbit(KernelContext& ctx, const ref::NnGeometry& g, int64_t group, const LowbitLayout& layout,
                        const Requant& epilogue, LowbitWeightsCache& cache) {
  const Tensor& x = *ctx.input(0);
  const Tensor& w = *ctx.input(1);
  Tensor& y = *ctx.output(0);
  const int64_t batch = x.shape[0], channels = x.shape[1], maps = w.shape[0];
  const int64_t cg = channels / group, mg = maps / group, k = cg * g.kernel_size();
  const int64_t in_size = g.in_size(), out_size = g.out_size();
  LowbitWeightsCache::Shape shape;
  shape.groups = group, shape.m = mg, shape.k = k, shape.row_stride = k, shape.k_stride = 1;
  QEDGE_ASSIGN_OR_RETURN(const std::vector<LowbitWeights>* weights, cache.get(ctx, layout, shape));
  IntOpScratch& scratch = IntOpScratch::mine();
  const uint8_t* xu = u8_activations(ctx, &scratch.shifted);
  const int32_t zp = *u8_zero_point(ctx);
  const bool pointwise = is_pointwise(g);
  uint8_t* col = pointwise ? nullptr : scratch.col.grow(static_cast<size_t>(k * out_size));
  int32_t* acc = scratch.acc.grow(static_cast<size_t>(mg * out_size));
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t grp = 0; grp < group; ++grp) {
      const uint8_t* plane = xu + (n * channels + grp * cg) * in_size;
      if (!pointwise) im2col_parallel(ctx, g, plane, cg, col, static_cast<uint8_t>(zp));
      // Each column slice is requantized while it is still in cache.
      auto requantize = [&](int64_t j0, int64_t j1) {
        requant_rows(epilogue, acc + j0, out_size, mg, j1 - j0, grp * mg, y, (n * maps + grp * mg) * out_size + j0,
                     out_size);
      };
      gemm_lowbit((*weights)[static_cast<size_t>(grp)], pointwise ? plane : col, out_size, false, out_size, zp, acc,
                  out_size, ctx.threads, requantize);
    }
  }
  return Status::Ok();
}

}  // namespace qedge::fast
