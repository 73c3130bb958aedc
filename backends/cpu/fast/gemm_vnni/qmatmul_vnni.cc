// QMatMul on the VNNI GEMM (see vnni_ops.h).
#include "gemm_vnni/vnni_ops.h"
#include "int_op_scratch.h"
#include "requant.h"

namespace qedge::fast {

Status run_qmatmul_vnni(KernelContext& ctx, int64_t k, int64_t n, bool trans_b, const Requant& epilogue,
                        VnniWeightsCache& cache) {
  QEDGE_ASSIGN_OR_RETURN(const std::vector<VnniWeights>* weights, cache.get(ctx, qmatmul_weights_shape(k, n, trans_b)));
  IntOpScratch& scratch = IntOpScratch::mine();
  const int64_t rows = ctx.input(0)->numel() / k;
  // acc_t[j, r] = Y[r, j]: the rows of X are the GEMM's columns.
  int32_t* acc_t = scratch.acc.grow(static_cast<size_t>(n * rows));
  // int8 levels move to the u8 scale as the packer reads them.
  gemm_vnni(weights->front(), VnniMatrixPanels(static_cast<const uint8_t*>(ctx.input(0)->data), k, true, u8_flip(ctx)),
            rows, acc_t, rows, ctx.threads);
  requant_transposed(epilogue, acc_t, rows, n, *ctx.output(0), scratch.row.grow(static_cast<size_t>(n)));
  return Status::Ok();
}

}  // namespace qedge::fast
