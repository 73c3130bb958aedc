// Compiled with -mavx2; entered only when cpu_features() reports AVX2.
#include <immintrin.h>

#include <cmath>

#include "qedge/cpu_fast/cpu_features.h"
#include "requant.h"

namespace qedge::fast {
namespace {

// The quantizers the vector code reproduces: round half to even, per tensor, not bipolar, within int32.
bool common_spec(const ref::QuantizeSpec& o) {
  return !o.bipolar && o.params.mode == quant::RoundingMode::kHalfEven &&
         !quant::is_bipolar(o.params.bits, o.params.is_signed) && o.params.bits <= 24 && o.scale.size() == 1;
}

bool common_case(const ref::IntLinearEpilogue& e) {
  // NaN clamp bounds (a hostile file) stay with the scalar code.
  return e.quantized && !e.thresholds && common_spec(e.out) && !std::isnan(e.lo) && !std::isnan(e.hi);
}

// QuantizeSpec::level of four floats: the same float operations in the same order; NaN gives level 0.
__m128i levels4(const ref::QuantizeSpec& o, __m128 x) {
  constexpr int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
  const __m128 s = _mm_set1_ps(o.scale[0]), zp = _mm_set1_ps(o.zero_point[0]);
  const __m128 rmin = _mm_set1_ps(o.range_min), rmax = _mm_set1_ps(o.range_max);
  __m128 q;
  if (o.zp_after_round) {
    q = _mm_add_ps(_mm_round_ps(_mm_div_ps(x, s), kRound), zp);
    q = _mm_min_ps(_mm_max_ps(q, rmin), rmax);
  } else {
    q = _mm_round_ps(_mm_min_ps(_mm_max_ps(_mm_add_ps(_mm_div_ps(x, s), zp), rmin), rmax), kRound);
  }
  const __m128 nan = _mm_cmpunord_ps(x, x);
  return _mm_cvttps_epi32(_mm_andnot_ps(nan, q));
}

// Four channel parameters as doubles: broadcast when per tensor or when every element shares channel c0.
__m256d params4(const std::vector<float>& v, int64_t c, int64_t c_step) {
  if (v.size() == 1 || c_step == 0) return _mm256_set1_pd(static_cast<double>(v[v.size() == 1 ? 0 : c]));
  return _mm256_cvtps_pd(_mm_loadu_ps(v.data() + c));
}

}  // namespace

int64_t requant_avx2(const ref::IntLinearEpilogue& e, const int32_t* acc, int64_t n, int64_t c0, int64_t c_step,
                     Tensor& y, int64_t base) {
  if (!cpu_features().avx2_fma || !common_case(e) || (c_step != 0 && c_step != 1)) return 0;
  const __m256d lo = _mm256_set1_pd(e.lo), hi = _mm256_set1_pd(e.hi);
  int64_t i = 0;
  alignas(16) int32_t levels[4];
  for (; i + 4 <= n; i += 4) {
    const int64_t c = c0 + i * c_step;
    // v = acc * mult + add (separate multiply and add, as the scalar code), then the clamp bounds; NaN takes lo.
    __m256d v = _mm256_add_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + i))),
                                            params4(e.mult, c, c_step)),
                              params4(e.add, c, c_step));
    v = _mm256_min_pd(_mm256_max_pd(v, lo), hi);
    _mm_store_si128(reinterpret_cast<__m128i*>(levels), levels4(e.out, _mm256_cvtpd_ps(v)));
    for (int k = 0; k < 4; ++k) ref::set_int_element(y, base + i + k, levels[k]);
  }
  return i;
}

int64_t quantize_avx2(const ref::QuantizeSpec& spec, const float* x, int64_t n, Tensor& y) {
  if (!cpu_features().avx2_fma || !common_spec(spec)) return 0;
  int64_t i = 0;
  alignas(16) int32_t levels[4];
  for (; i + 4 <= n; i += 4) {
    _mm_store_si128(reinterpret_cast<__m128i*>(levels), levels4(spec, _mm_loadu_ps(x + i)));
    for (int k = 0; k < 4; ++k) ref::set_int_element(y, i + k, levels[k]);
  }
  return i;
}

}  // namespace qedge::fast
