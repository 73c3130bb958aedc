// QMatMul on the VNNI GEMM (see vnni_ops.h).
#include <vector>

#include "gemm_vnni/vnni_ops.h"
#include "requant.h"

namespace qedge::fast {

Status run_qmatmul_vnni(KernelContext& ctx, int64_t k, int64_t n, bool trans_b, const ref::IntLinearEpilogue& epilogue,
                        VnniWeightsCache& cache) {
  VnniWeightsCache::Shape shape;
  shape.channel_axis = trans_b ? 0 : 1;
  shape.m = n, shape.k = k;
  shape.row_stride = trans_b ? k : 1, shape.k_stride = trans_b ? 1 : n;
  QEDGE_ASSIGN_OR_RETURN(const std::vector<VnniWeights>* weights, cache.get(ctx, shape));
  std::vector<uint8_t> shifted;
  const uint8_t* xu = u8_activations(ctx, &shifted);
  const int64_t rows = ctx.input(0)->numel() / k;
  // acc_t[j, r] = Y[r, j]: the rows of X are the GEMM's columns.
  std::vector<int32_t> acc_t(static_cast<size_t>(n * rows)), row(static_cast<size_t>(n));
  gemm_vnni(weights->front(), xu, k, true, rows, acc_t.data(), rows, ctx.threads);
  Tensor& y = *ctx.output(0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < n; ++j) row[static_cast<size_t>(j)] = acc_t[static_cast<size_t>(j * rows + r)];
    requant_run(epilogue, row.data(), n, 0, 1, y, r * n);
  }
  return Status::Ok();
}

}  // namespace qedge::fast
