// The portable threshold counts (threshold_rows.h) and the choice of versions for this CPU.
#include "qedge/cpu_fast/cpu_features.h"
#include "thresholds/threshold_rows.h"

namespace qedge::fast {

void count_linear_scalar(const float* x, int64_t n, const float* t, int64_t lane_stride, int64_t step_stride,
                         int64_t steps, int32_t* counts) {
  if (lane_stride == 0) {
    // One row for every value: thresholds outside, values inside, a loop the compiler vectorizes.
    for (int64_t i = 0; i < n; ++i) counts[i] = 0;
    for (int64_t j = 0; j < steps; ++j) {
      const float tj = t[j * step_stride];
      for (int64_t i = 0; i < n; ++i) counts[i] += x[i] >= tj ? 1 : 0;
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    const float* row = t + i * lane_stride;
    int32_t c = 0;
    for (int64_t j = 0; j < steps; ++j) c += x[i] >= row[j * step_stride] ? 1 : 0;
    counts[i] = c;
  }
}

void count_search_scalar(const float* x, int64_t n, const float* t, int64_t lane_stride, int levels, int32_t* counts) {
  for (int64_t i = 0; i < n; ++i) {
    const float* table = t + i * lane_stride;
    int32_t pos = 0;
    for (int s = levels - 1; s >= 0; --s) {
      const int32_t step = int32_t{1} << s;
      pos += x[i] >= table[pos + step - 1] ? step : 0;
    }
    counts[i] = pos;
  }
}

ThresholdRowKernels threshold_row_kernels() {
  ThresholdRowKernels k;
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) {
    k.linear = count_linear_avx2;
    k.search = count_search_avx2;
  }
#endif
  return k;
}

}  // namespace qedge::fast
