// AVX2 threshold counts (threshold_rows.h), eight values per vector. _CMP_GE_OQ is false when either side is NaN,
// C++'s x >= t; a true lane is all ones (-1 as int32), so subtracting the mask adds one. Tails go to the portable
// versions. Compiled with -mavx2 only: nothing here may become a fused multiply-add.
#include <immintrin.h>

#include "thresholds/threshold_rows.h"

namespace qedge::fast {
namespace {

constexpr int kUnroll = 4;  // independent vectors per step, to hide the compare (and gather) latency

inline __m256i reach(__m256 x, __m256 t, __m256i count) {
  return _mm256_sub_epi32(count, _mm256_castps_si256(_mm256_cmp_ps(x, t, _CMP_GE_OQ)));
}

inline __m256i lane_offsets(int64_t lane_stride) {
  return _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(static_cast<int32_t>(lane_stride)));
}

// One row for all values: each threshold broadcast once per kUnroll vectors.
int64_t linear_one_row(const float* x, int64_t n, const float* t, int64_t step_stride, int64_t steps, int32_t* counts) {
  int64_t i = 0;
  for (; i + 8 * kUnroll <= n; i += 8 * kUnroll) {
    __m256 v[kUnroll];
    __m256i c[kUnroll];
    for (int k = 0; k < kUnroll; ++k) {
      v[k] = _mm256_loadu_ps(x + i + 8 * k);
      c[k] = _mm256_setzero_si256();
    }
    for (int64_t j = 0; j < steps; ++j) {
      const __m256 tj = _mm256_broadcast_ss(t + j * step_stride);
      for (int k = 0; k < kUnroll; ++k) c[k] = reach(v[k], tj, c[k]);
    }
    for (int k = 0; k < kUnroll; ++k) _mm256_storeu_si256(reinterpret_cast<__m256i*>(counts + i + 8 * k), c[k]);
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    __m256i c = _mm256_setzero_si256();
    for (int64_t j = 0; j < steps; ++j) c = reach(v, _mm256_broadcast_ss(t + j * step_stride), c);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(counts + i), c);
  }
  return i;
}

// A row per value (consecutive channels): loaded when the rows' j-th thresholds are adjacent, else gathered.
int64_t linear_row_per_lane(const float* x, int64_t n, const float* t, int64_t lane_stride, int64_t step_stride,
                            int64_t steps, int32_t* counts) {
  const __m256i lanes = lane_offsets(lane_stride);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const float* rows = t + i * lane_stride;
    __m256i c = _mm256_setzero_si256();
    if (lane_stride == 1) {
      for (int64_t j = 0; j < steps; ++j) c = reach(v, _mm256_loadu_ps(rows + j * step_stride), c);
    } else {
      for (int64_t j = 0; j < steps; ++j) c = reach(v, _mm256_i32gather_ps(rows + j * step_stride, lanes, 4), c);
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(counts + i), c);
  }
  return i;
}

// kUnroll vectors of the branchless search: at each level a lane moves past `step` thresholds when it reaches the
// last of them. With one table for all lanes (lane_stride 0) the first level's threshold is the same for every lane.
void search_block(const float* x, const float* t, int64_t lane_stride, __m256i lanes, int levels, int32_t* counts) {
  __m256 v[kUnroll];
  __m256i pos[kUnroll];
  for (int k = 0; k < kUnroll; ++k) {
    v[k] = _mm256_loadu_ps(x + 8 * k);
    pos[k] = _mm256_setzero_si256();
  }
  int s = levels - 1;
  if (lane_stride == 0) {
    const int32_t step = int32_t{1} << s;
    const __m256 top = _mm256_broadcast_ss(t + step - 1);
    for (int k = 0; k < kUnroll; ++k) {
      pos[k] = _mm256_and_si256(_mm256_castps_si256(_mm256_cmp_ps(v[k], top, _CMP_GE_OQ)), _mm256_set1_epi32(step));
    }
    --s;
  }
  for (; s >= 0; --s) {
    const int32_t step = int32_t{1} << s;
    const __m256i last = _mm256_add_epi32(lanes, _mm256_set1_epi32(step - 1));
    const __m256i steps = _mm256_set1_epi32(step);
    for (int k = 0; k < kUnroll; ++k) {
      const __m256 tk = _mm256_i32gather_ps(t + 8 * k * lane_stride, _mm256_add_epi32(pos[k], last), 4);
      const __m256i reached = _mm256_castps_si256(_mm256_cmp_ps(v[k], tk, _CMP_GE_OQ));
      pos[k] = _mm256_add_epi32(pos[k], _mm256_and_si256(reached, steps));
    }
  }
  for (int k = 0; k < kUnroll; ++k) _mm256_storeu_si256(reinterpret_cast<__m256i*>(counts + 8 * k), pos[k]);
}

}  // namespace

void count_linear_avx2(const float* x, int64_t n, const float* t, int64_t lane_stride, int64_t step_stride,
                       int64_t steps, int32_t* counts) {
  const int64_t i = lane_stride == 0 ? linear_one_row(x, n, t, step_stride, steps, counts)
                                     : linear_row_per_lane(x, n, t, lane_stride, step_stride, steps, counts);
  if (i < n) count_linear_scalar(x + i, n - i, t + i * lane_stride, lane_stride, step_stride, steps, counts + i);
}

void count_search_avx2(const float* x, int64_t n, const float* t, int64_t lane_stride, int levels, int32_t* counts) {
  const __m256i lanes = lane_offsets(lane_stride);
  int64_t i = 0;
  for (; i + 8 * kUnroll <= n; i += 8 * kUnroll) search_block(x + i, t + i * lane_stride, lane_stride, lanes, levels, counts + i);
  if (i < n) count_search_scalar(x + i, n - i, t + i * lane_stride, lane_stride, levels, counts + i);
}

}  // namespace qedge::fast
