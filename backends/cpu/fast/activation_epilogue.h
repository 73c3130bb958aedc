// The output epilogue of the fast float kernels: a per-row bias and the fused activation of a qedge.Fused* node,
// applied in place while the rows are still in cache.
#pragma once

#include <cstdint>
#include <limits>

#include "common/activation.h"

namespace qedge::fast {

// The activation of a qedge.Fused* node; none for the plain ONNX op (whose attributes mean nothing here).
Result<ref::Activation> fused_activation(const KernelContext& ctx);

// An activation as a kernel's output clamp where it is one: Relu (lo 0; `relu` marks it, whose NaN and -0 become +0)
// and Clip with min < max (values outside go to the bounds, NaN passes). Any other activation (and Clip with
// min >= max, which yields max) is `after`, to run over the output afterwards, with the clamp at [-inf, inf].
struct OutputClamp {
  float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
  bool relu = false;
  ref::Activation after;
};
OutputClamp output_clamp(const ref::Activation& act);

// y[r][c] = act(y[r][c] + bias[r]) for rows x cols values with row stride `cols`; bias may be null.
void bias_activation_rows(const ref::Activation& act, const float* bias, float* y, int64_t rows, int64_t cols);

#if defined(__x86_64__)
// One row of bias_activation_rows for Relu, Clip or no activation, eight values at a time (AVX2): returns how many of
// the n values it did (a multiple of 8; 0 for other activations or without AVX2). `bias` points at the row's bias or
// is null.
int64_t bias_activation_row_avx2(const ref::Activation& act, const float* bias, float* row, int64_t n);
#endif

// bias_activation_rows with the rows split across ctx's threads.
void bias_activation_rows_parallel(const KernelContext& ctx, const ref::Activation& act, const float* bias, float* y,
                                   int64_t rows, int64_t cols);

// The activation alone over rows x cols values, rows split across ctx's threads: for kernels that write their
// output in an order of their own (Winograd).
void activation_rows_parallel(const KernelContext& ctx, const ref::Activation& act, float* y, int64_t rows,
                              int64_t cols);

}  // namespace qedge::fast
