// The inner loops of the fast MultiThreshold and Thresholds kernels: how many thresholds each value reaches, with
// C++'s x >= t (a NaN on either side reaches nothing), exactly as quant::multithreshold_count. A portable version of
// each and, on x86-64, an AVX2 one (threshold_rows_avx2.cc, compiled with -mavx2), chosen at run time from
// cpu_features(); a NEON version would add a third entry to ThresholdRowKernels.
#pragma once

#include <cstdint>

namespace qedge::fast {

// counts[i] = #{j < steps : x[i] >= t[i * lane_stride + j * step_stride]} for i < n. lane_stride 0: one thresholds
// row for all n values (an NCHW plane, or global thresholds); 1: consecutive channels of a transposed [S, C] copy
// (step_stride C); steps: consecutive channels of the [C, S] thresholds themselves (step_stride 1).
using CountLinearFn = void (*)(const float* x, int64_t n, const float* t, int64_t lane_stride, int64_t step_stride,
                               int64_t steps, int32_t* counts);

// The same count by binary search: value i searches the table at t + i * lane_stride, its thresholds sorted
// ascending without NaN and padded with NaN (which no value reaches) to 2^levels - 1 entries. Sorted, the thresholds
// a value reaches are a prefix, so the prefix's length found by the search is the count.
using CountSearchFn = void (*)(const float* x, int64_t n, const float* t, int64_t lane_stride, int levels,
                               int32_t* counts);

void count_linear_scalar(const float* x, int64_t n, const float* t, int64_t lane_stride, int64_t step_stride,
                         int64_t steps, int32_t* counts);
void count_search_scalar(const float* x, int64_t n, const float* t, int64_t lane_stride, int levels, int32_t* counts);
#if defined(__x86_64__)
void count_linear_avx2(const float* x, int64_t n, const float* t, int64_t lane_stride, int64_t step_stride,
                       int64_t steps, int32_t* counts);
void count_search_avx2(const float* x, int64_t n, const float* t, int64_t lane_stride, int levels, int32_t* counts);
#endif

struct ThresholdRowKernels {
  CountLinearFn linear = count_linear_scalar;
  CountSearchFn search = count_search_scalar;
};

// The versions this CPU runs.
ThresholdRowKernels threshold_row_kernels();

}  // namespace qedge::fast
