#include "activation_epilogue.h"

#include "common/int_quantize.h"

namespace qedge::fast {

Result<ref::Activation> fused_activation(const KernelContext& ctx) {
  if (ctx.domain != ref::kQedgeDomain) return ref::Activation();
  return ref::read_activation(ctx.attr(), std::string(ctx.op_type));
}

OutputClamp output_clamp(const ref::Activation& act) {
  OutputClamp c;
  if (act.kind == ref::ActivationKind::kRelu) {
    c.lo = 0.0f;
    c.relu = true;
  } else if (act.kind == ref::ActivationKind::kClip && act.min < act.max) {
    c.lo = act.min, c.hi = act.max;
  } else {
    c.after = act;
  }
  return c;
}

void bias_activation_rows(const ref::Activation& act, const float* bias, float* y, int64_t rows, int64_t cols) {
  if (bias == nullptr && act.kind == ref::ActivationKind::kNone) return;
  for (int64_t r = 0; r < rows; ++r) {
    float* row = y + r * cols;
#if defined(__x86_64__)
    const int64_t done = bias_activation_row_avx2(act, bias ? bias + r : nullptr, row, cols);
#else
    const int64_t done = 0;
#endif
    if (bias != nullptr) {
      const float b = bias[r];
      for (int64_t c = done; c < cols; ++c) row[c] += b;
    }
    ref::apply_activation(act, row + done, cols - done);
  }
}

void bias_activation_rows_parallel(const KernelContext& ctx, const ref::Activation& act, const float* bias, float* y,
                                   int64_t rows, int64_t cols) {
  if (bias == nullptr && act.kind == ref::ActivationKind::kNone) return;
  ctx.parallel_for(rows, [&](int64_t begin, int64_t end) {
    bias_activation_rows(act, bias ? bias + begin : nullptr, y + begin * cols, end - begin, cols);
  });
}

void activation_rows_parallel(const KernelContext& ctx, const ref::Activation& act, float* y, int64_t rows,
                              int64_t cols) {
  bias_activation_rows_parallel(ctx, act, nullptr, y, rows, cols);
}

}  // namespace qedge::fast
