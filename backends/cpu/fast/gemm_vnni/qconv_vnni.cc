// QConv on the VNNI GEMM (see vnni_ops.h). im2col runs across the threads; each finished block of the GEMM is
// requantized while it is still in cache.
#include <algorithm>
#include <vector>

#include "gemm_vnni/vnni_ops.h"
#include "im2col.h"
#include "requant.h"

namespace qedge::fast {

Status run_qconv_vnni(KernelContext& ctx, const ref::NnGeometry& g, int64_t group,
                      const ref::IntLinearEpilogue& epilogue, VnniWeightsCache& cache) {
  const Tensor& x = *ctx.input(0);
  const Tensor& w = *ctx.input(1);
  Tensor& y = *ctx.output(0);
  const int64_t batch = x.shape[0], channels = x.shape[1], maps = w.shape[0];
  const int64_t cg = channels / group, mg = maps / group, k = cg * g.kernel_size();
  const int64_t in_size = g.in_size(), out_size = g.out_size();
  VnniWeightsCache::Shape shape;
  shape.groups = group, shape.m = mg, shape.k = k, shape.row_stride = k, shape.k_stride = 1;
  QEDGE_ASSIGN_OR_RETURN(const std::vector<VnniWeights>* weights, cache.get(ctx, shape));
  std::vector<uint8_t> shifted;
  const uint8_t* xu = u8_activations(ctx, &shifted);
  const auto zp = static_cast<uint8_t>(*u8_zero_point(ctx));
  const bool pointwise = is_pointwise(g);
  // Scratch kept per thread across runs: every element is written before it is read, and zero-filling fresh
  // vectors each run cost about 4 % of resnet18. The workers reach it through the pointers below (a thread_local
  // named in a lambda is the running thread's own).
  thread_local std::vector<uint8_t> col_scratch;
  thread_local std::vector<int32_t> acc_scratch;
  if (!pointwise) col_scratch.resize(std::max(col_scratch.size(), static_cast<size_t>(k * out_size)));
  acc_scratch.resize(std::max(acc_scratch.size(), static_cast<size_t>(mg * out_size)));
  uint8_t* col = col_scratch.data();
  int32_t* acc = acc_scratch.data();
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t grp = 0; grp < group; ++grp) {
      const uint8_t* plane = xu + (n * channels + grp * cg) * in_size;
      if (!pointwise) im2col_parallel(ctx, g, plane, cg, col, zp);
      auto requantize = [&](int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
        for (int64_t m = i0; m < i1; ++m) {
          const int64_t map = grp * mg + m;
          requant_run(epilogue, acc + m * out_size + j0, j1 - j0, map, 0, y, (n * maps + map) * out_size + j0);
        }
      };
      gemm_vnni((*weights)[static_cast<size_t>(grp)], pointwise ? plane : col, out_size, false, out_size, acc,
                out_size, ctx.threads, requantize);
    }
  }
  return Status::Ok();
}

}  // namespace qedge::fast
