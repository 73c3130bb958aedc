// The output epilogue of the fast float kernels: a per-row bias and the fused activation of a qedge.Fused* node,
// applied in place while the rows are still in cache.
#pragma once

#include <cstdint>

#include "common/activation.h"

namespace qedge::fast {

// The activation of a qedge.Fused* node; none for the plain ONNX op (whose attributes mean nothing here).
Result<ref::Activation> fused_activation(const KernelContext& ctx);

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
