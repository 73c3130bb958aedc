// QMatMul with xnor=1 (see xnor_ops.h).
#include <vector>

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
  // Grown only, so that steady-state runs do not allocate.
  thread_local std::vector<uint8_t> signs;
  QEDGE_RETURN_IF_ERROR(bipolar_signs(ctx, "QMatMul X", &signs));
  const int64_t rows = static_cast<int64_t>(signs.size()) / k, words = ref::xnor_words(k);
  const XnorDotsFn dots = xnor_dots();
  Tensor& y = *ctx.output(0);
  // A pointer, not the thread_local name: inside the workers' lambda that would name each worker's own.
  const uint8_t* x = signs.data();
  ctx.parallel_for(rows, [&](int64_t begin, int64_t end) {
    thread_local std::vector<ref::XnorWord> xb;
    thread_local std::vector<int32_t> acc;
    xb.resize(static_cast<size_t>(words));
    acc.resize(static_cast<size_t>(n));
    for (int64_t r = begin; r < end; ++r) {
      std::fill(xb.begin(), xb.end(), 0);
      for (int64_t p = 0; p < k; ++p) {
        if (x[r * k + p]) ref::xnor_set(xb.data(), p);
      }
      dots(xb.data(), wb->data(), n, nullptr, words, k, acc.data(), 1);
      requant_run(epilogue, acc.data(), n, 0, 1, y, r * n);
    }
  });
  return Status::Ok();
}

}  // namespace qedge::fast
