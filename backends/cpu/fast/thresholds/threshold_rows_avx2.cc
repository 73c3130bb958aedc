// AVX2 threshold counts (threshold_rows.h), eight values per vector. _CMP_GE_OQ is false when either side is NaN,
// C++'s x >= t; a true lane is all ones (-1 as int32), so subtracting the mask adds one. Tails go to the portable
// versions. Compiled with -mavx2 only: nothing here may become a fused multiply-add.
#include <immintrin.h>

#include "thresholds/threshold_rows.h"

namespace qedge::fast {
namespace {

// Independent vectors per step, to hide latency: the compares of the linear count, the chains of permutes, blends
// and gathers of the search (8 measured 1.5x faster than 4 there).
constexpr int kUnroll = 4;
constexpr int kSearchUnroll = 8;

inline __m256i reach(__m256 x, __m256 t, __m256i count) {
  return _mm256_sub_epi32(count, _mm256_castps_si256(_mm256_cmp_ps(x, t, _CMP_GE_OQ)));
}

inline __m256i lane_offsets(int64_t lane_stride) {
  return _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                            _mm256_set1_epi32(static_cast<int32_t>(lane_stride)));
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

// The first levels of the search in one table for all lanes (lane_stride 0): level l's 2^l thresholds sit in
// max(1, 2^l / 8) registers and each lane picks its own by permute (and blends between registers), cheaper than a
// gather.
constexpr int kTopLevels = 6;
constexpr int kTopRegisters = 1 + 1 + 1 + 1 + 2 + 4;
struct TopLevels {
  __m256 regs[kTopRegisters];
  int first[kTopLevels];  // level l's registers: regs[first[l]], ... (registers_of(l) of them)
  int count = 0;          // levels held
};

constexpr int registers_of(int level) { return level <= 3 ? 1 : 1 << (level - 3); }

TopLevels top_levels(const float* t, int levels) {
  TopLevels top;
  top.count = levels < kTopLevels ? levels : kTopLevels;
  int next = 0;
  for (int l = 0; l < top.count; ++l) {
    // Node i of level l: after l levels a lane is at i * 2^(s + 1), s = levels - 1 - l, and compares the threshold
    // `step` = 2^s further on. Levels of fewer than 8 nodes repeat them across the register.
    const int s = levels - 1 - l;
    top.first[l] = next;
    for (int r = 0; r < registers_of(l); ++r) {
      alignas(32) float v[8];
      for (int k = 0; k < 8; ++k) v[k] = t[((2 * ((r * 8 + k) % (1 << l)) + 1) << s) - 1];
      top.regs[next++] = _mm256_load_ps(v);
    }
  }
  return top;
}

// The threshold of node `node` in `count` registers of 8 nodes: the node's low 3 bits pick within a register (the
// permute reads only those), its higher bits the register, one bit per round of blends.
inline __m256 pick(const __m256* regs, int count, __m256i node) {
  __m256 a[4];
  for (int r = 0; r < count; ++r) a[r] = _mm256_permutevar8x32_ps(regs[r], node);
  for (int bit = 3, width = count; width > 1; ++bit, width /= 2) {
    const __m256 upper = _mm256_castsi256_ps(_mm256_slli_epi32(node, 31 - bit));  // the bit in the sign
    for (int r = 0; r < width / 2; ++r) a[r] = _mm256_blendv_ps(a[2 * r], a[2 * r + 1], upper);
  }
  return a[0];
}

// U vectors of the branchless search: at each level a lane moves past `step` thresholds when it reaches the last of
// them; the top levels by permute, the rest by gather.
template <int U>
void search_block(const float* x, const float* t, int64_t lane_stride, __m256i lanes, int levels, const TopLevels& top,
                  int32_t* counts) {
  __m256 v[U];
  __m256i pos[U];
  for (int k = 0; k < U; ++k) {
    v[k] = _mm256_loadu_ps(x + 8 * k);
    pos[k] = _mm256_setzero_si256();
  }
  int l = 0;
  for (; l < top.count; ++l) {
    const int s = levels - 1 - l;
    const __m256i steps = _mm256_set1_epi32(int32_t{1} << s);
    for (int k = 0; k < U; ++k) {
      const __m256 tk = pick(top.regs + top.first[l], registers_of(l), _mm256_srli_epi32(pos[k], s + 1));
      const __m256i reached = _mm256_castps_si256(_mm256_cmp_ps(v[k], tk, _CMP_GE_OQ));
      pos[k] = _mm256_add_epi32(pos[k], _mm256_and_si256(reached, steps));
    }
  }
  for (; l < levels; ++l) {
    const int32_t step = int32_t{1} << (levels - 1 - l);
    const __m256i last = _mm256_add_epi32(lanes, _mm256_set1_epi32(step - 1));
    const __m256i steps = _mm256_set1_epi32(step);
    for (int k = 0; k < U; ++k) {
      const __m256 tk = _mm256_i32gather_ps(t + 8 * k * lane_stride, _mm256_add_epi32(pos[k], last), 4);
      const __m256i reached = _mm256_castps_si256(_mm256_cmp_ps(v[k], tk, _CMP_GE_OQ));
      pos[k] = _mm256_add_epi32(pos[k], _mm256_and_si256(reached, steps));
    }
  }
  for (int k = 0; k < U; ++k) _mm256_storeu_si256(reinterpret_cast<__m256i*>(counts + 8 * k), pos[k]);
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
  const TopLevels top = lane_stride == 0 ? top_levels(t, levels) : TopLevels{};
  int64_t i = 0;
  for (; i + 8 * kSearchUnroll <= n; i += 8 * kSearchUnroll) {
    search_block<kSearchUnroll>(x + i, t + i * lane_stride, lane_stride, lanes, levels, top, counts + i);
  }
  for (; i + 8 <= n; i += 8) search_block<1>(x + i, t + i * lane_stride, lane_stride, lanes, levels, top, counts + i);
  if (i < n) count_search_scalar(x + i, n - i, t + i * lane_stride, lane_stride, levels, counts + i);
}

}  // namespace qedge::fast
