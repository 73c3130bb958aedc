// The per-row work of the fast transformer kernels (Softmax, LayerNormalization, Gelu): a portable version of each
// and, on x86-64, an AVX2+FMA version (the *_avx2_fma.cc files, compiled with -mavx2 -mfma) that the kernels choose
// at run time when cpu_features() reports AVX2 and FMA. A NEON version would add a third column here.
#pragma once

#include <cstdint>

namespace qedge::fast {

// y[i] = exp(x[i] - max(x)) / sum_j exp(x[j] - max(x)) over a row of n >= 1 values; y may be x.
using SoftmaxRowFn = void (*)(const float* x, float* y, int64_t n);
void softmax_row_scalar(const float* x, float* y, int64_t n);

// y[i] = (x[i] - mean) / sqrt(var + epsilon) * scale[i] + bias[i] over a row of n >= 1 values (population variance);
// bias may be null (no bias); y may be x.
using LayerNormRowFn = void (*)(const float* x, float* y, int64_t n, const float* scale, const float* bias,
                                float epsilon);
void layer_norm_row_scalar(const float* x, float* y, int64_t n, const float* scale, const float* bias, float epsilon);

// Gelu over n values, y may be x: x * Phi(x) with the normal CDF (erf), or its tanh approximation
// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
using GeluFn = void (*)(const float* x, float* y, int64_t n);
void gelu_erf_scalar(const float* x, float* y, int64_t n);
void gelu_tanh_scalar(const float* x, float* y, int64_t n);

#if defined(__x86_64__)
void softmax_row_avx2_fma(const float* x, float* y, int64_t n);
void layer_norm_row_avx2_fma(const float* x, float* y, int64_t n, const float* scale, const float* bias,
                             float epsilon);
void gelu_erf_avx2_fma(const float* x, float* y, int64_t n);
void gelu_tanh_avx2_fma(const float* x, float* y, int64_t n);
#endif

// The versions this CPU runs.
SoftmaxRowFn softmax_row();
LayerNormRowFn layer_norm_row();
GeluFn gelu_erf();
GeluFn gelu_tanh();

}  // namespace qedge::fast
