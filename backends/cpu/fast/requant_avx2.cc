// Compiled with -mavx2; entered only when cpu_features() reports AVX2.
#include <immintrin.h>

#include <cmath>
#include <cstring>

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

// The epilogue of four values v (doubles, channel c onwards): v * mult + add (separate multiply and add, as the
// scalar code), then the clamp bounds (NaN takes lo), then the output levels.
__m128i epilogue4(const ref::IntLinearEpilogue& e, __m256d v, int64_t c, int64_t c_step) {
  v = _mm256_add_pd(_mm256_mul_pd(v, params4(e.mult, c, c_step)), params4(e.add, c, c_step));
  v = _mm256_min_pd(_mm256_max_pd(v, _mm256_set1_pd(e.lo)), _mm256_set1_pd(e.hi));
  return levels4(e.out, _mm256_cvtpd_ps(v));
}

// Stores four levels (already within the output type's range, so the saturating packs are exact) as y's type.
void store4(Tensor& y, int64_t at, __m128i levels) {
  switch (y.dtype) {
    case DType::kUint8: {
      const int32_t v = _mm_cvtsi128_si32(_mm_packus_epi16(_mm_packs_epi32(levels, levels), levels));
      std::memcpy(static_cast<uint8_t*>(y.data) + at, &v, sizeof v);
      return;
    }
    case DType::kInt8: {
      const int32_t v = _mm_cvtsi128_si32(_mm_packs_epi16(_mm_packs_epi32(levels, levels), levels));
      std::memcpy(static_cast<int8_t*>(y.data) + at, &v, sizeof v);
      return;
    }
    case DType::kInt32:
      _mm_storeu_si128(reinterpret_cast<__m128i*>(static_cast<int32_t*>(y.data) + at), levels);
      return;
    default: {
      alignas(16) int32_t l[4];
      _mm_store_si128(reinterpret_cast<__m128i*>(l), levels);
      for (int k = 0; k < 4; ++k) ref::set_int_element(y, at + k, l[k]);
    }
  }
}

// Four 8-bit levels as doubles.
__m256d bytes4(const uint8_t* p, bool is_signed) {
  int32_t word;
  std::memcpy(&word, p, sizeof word);
  const __m128i v = _mm_cvtsi32_si128(word);
  return _mm256_cvtepi32_pd(is_signed ? _mm_cvtepi8_epi32(v) : _mm_cvtepu8_epi32(v));
}

}  // namespace

int64_t requant_avx2(const ref::IntLinearEpilogue& e, const int32_t* acc, int64_t n, int64_t c0, int64_t c_step,
                     Tensor& y, int64_t base) {
  if (!cpu_features().avx2_fma || !common_case(e) || (c_step != 0 && c_step != 1)) return 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d v = _mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + i)));
    store4(y, base + i, epilogue4(e, v, c0 + i * c_step, c_step));
  }
  return i;
}

int64_t qadd_avx2(const ref::IntLinearEpilogue& e, const QAddOperand& a, const QAddOperand& b, int64_t n, Tensor& y,
                  int64_t base) {
  if (!cpu_features().avx2_fma || !common_case(e)) return 0;
  const __m256d a_zp = _mm256_set1_pd(static_cast<double>(a.zero_point)), a_s = _mm256_set1_pd(a.scale);
  const __m256d b_zp = _mm256_set1_pd(static_cast<double>(b.zero_point)), b_s = _mm256_set1_pd(b.scale);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    // (a - a_zp) * a_scale + (b - b_zp) * b_scale: the differences are exact small integers, as in the scalar code.
    const __m256d va = _mm256_mul_pd(_mm256_sub_pd(bytes4(a.data + base + i, a.is_signed), a_zp), a_s);
    const __m256d vb = _mm256_mul_pd(_mm256_sub_pd(bytes4(b.data + base + i, b.is_signed), b_zp), b_s);
    store4(y, base + i, epilogue4(e, _mm256_add_pd(va, vb), 0, 0));
  }
  return i;
}

int64_t quantize_avx2(const ref::QuantizeSpec& spec, const float* x, int64_t n, Tensor& y, int64_t base) {
  if (!cpu_features().avx2_fma || !common_spec(spec)) return 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) store4(y, base + i, levels4(spec, _mm_loadu_ps(x + i)));
  return i;
}

}  // namespace qedge::fast
