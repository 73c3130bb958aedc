// QMatMul with xnor=1 (see xnor_ops.h).
#include <algorithm>
#include <vector>

#include "int_op_scratch.h"
#include "requant.h"
#include "xnor/xnor_popcount.h"
#include "xnor_ops.h"

namespace qedge::fast {

Status run_qmatmul_xnor(KernelContext& ctx, int64_t k, int64_t n, bool trans_b, const Requant& epilogue,
                        XnorWeightsCache& cache) {
  XnorWeightsCache::Shape shape;
  shape.channel_axis = trans_b ? 0 : 1;
  shape.rows = n, shape.k = k;
  shape.row_stride = trans_b ? k : 1, shape.k_stride = trans_b ? 1 : n;
  QEDGE_ASSIGN_OR_RETURN(const std::vector<ref::XnorWord>* wb, cache.get(ctx, shape, "QMatMul W"));
  IntOpScratch& scratch = IntOpScratch::mine();
  QEDGE_ASSIGN_OR_RETURN(const uint8_t* x, bipolar_signs(ctx, "QMatMul X", &scratch.signs));
  const int64_t rows = ctx.input(0)->numel() / k, words = ref::xnor_words(k);
  const XnorDotsFn dots = xnor_dots();
  Tensor& y = *ctx.output(0);
  ctx.parallel_for(rows, [&](int64_t begin, int64_t end) {
    // A row's bits and dots in the running thread's own scratch.
    IntOpScratch& mine = IntOpScratch::mine();
    ref::XnorWord* xb = mine.window_bits.grow(static_cast<size_t>(words));
    int32_t* acc = mine.row.grow(static_cast<size_t>(n));
    for (int64_t r = begin; r < end; ++r) {
      std::fill(xb, xb + words, 0);
      for (int64_t p = 0; p < k; ++p) {
        if (x[r * k + p]) ref::xnor_set(xb, p);
      }
      dots(xb, wb->data(), n, nullptr, words, k, acc, 1);
      requant_run(epilogue, acc, n, 0, 1, y, r * n);
    }
  });
  return Status::Ok();
}

}  // namespace qedge::fast
