// Compiled with -mavx2; entered only when cpu_features() reports AVX2. Eight values per step: the epilogue's double
// arithmetic in two halves of four, then the float quantizer on all eight, with the constants loaded once per call.
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

bool threshold_case(const ref::IntLinearEpilogue& e) {
  return e.thresholds && !std::isnan(e.lo) && !std::isnan(e.hi);
}

// MultiThreshold levels of eight floats: #{j : x >= T[c, j]} (NaN reaches none), as quant::multithreshold_count, then
// 2 * count - 1 when bipolar. Channel c onwards with c_step 0 (one row for all eight) or 1 (eight rows, gathered).
class Thresholds8 {
 public:
  Thresholds8(const ref::IntLinearEpilogue& e, int64_t c_step)
      : t_(e.thresholds->data_as<float>()),
        steps_(e.thresholds->shape[1]),
        per_channel_(e.thresholds->shape[0] != 1),
        c_step_(c_step),
        bipolar_(e.threshold_bipolar) {}

  __m256i operator()(__m256 x, int64_t c) const {
    __m256i count = _mm256_setzero_si256();
    if (!per_channel_ || c_step_ == 0) {
      const float* row = t_ + (per_channel_ ? c : 0) * steps_;
      for (int64_t j = 0; j < steps_; ++j) {
        count = _mm256_sub_epi32(count, _mm256_castps_si256(_mm256_cmp_ps(x, _mm256_set1_ps(row[j]), _CMP_GE_OQ)));
      }
    } else {
      const __m256i rows = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                              _mm256_set1_epi32(static_cast<int32_t>(steps_)));
      const float* base = t_ + c * steps_;
      for (int64_t j = 0; j < steps_; ++j) {
        const __m256 t = _mm256_i32gather_ps(base + j, rows, 4);
        count = _mm256_sub_epi32(count, _mm256_castps_si256(_mm256_cmp_ps(x, t, _CMP_GE_OQ)));
      }
    }
    return bipolar_ ? _mm256_sub_epi32(_mm256_add_epi32(count, count), _mm256_set1_epi32(1)) : count;
  }

 private:
  const float* t_;
  int64_t steps_;
  bool per_channel_;
  int64_t c_step_;
  bool bipolar_;
};

// QuantizeSpec::level of eight floats: the same float operations in the same order; NaN gives level 0.
class Levels8 {
 public:
  explicit Levels8(const ref::QuantizeSpec& o)
      : s_(_mm256_set1_ps(o.scale[0])),
        zp_(_mm256_set1_ps(o.zero_point[0])),
        rmin_(_mm256_set1_ps(o.range_min)),
        rmax_(_mm256_set1_ps(o.range_max)),
        zp_after_round_(o.zp_after_round) {}

  __m256i operator()(__m256 x) const {
    constexpr int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    __m256 q;
    if (zp_after_round_) {
      q = _mm256_add_ps(_mm256_round_ps(_mm256_div_ps(x, s_), kRound), zp_);
      q = _mm256_min_ps(_mm256_max_ps(q, rmin_), rmax_);
    } else {
      q = _mm256_round_ps(_mm256_min_ps(_mm256_max_ps(_mm256_add_ps(_mm256_div_ps(x, s_), zp_), rmin_), rmax_),
                          kRound);
    }
    const __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
    return _mm256_cvttps_epi32(_mm256_andnot_ps(nan, q));
  }

 private:
  __m256 s_, zp_, rmin_, rmax_;
  bool zp_after_round_;
};

// The epilogue's v * mult + add (separate multiply and add, as the scalar code), then the clamp bounds (NaN takes lo),
// of eight doubles (two halves), as floats for the quantizer.
class Affine8 {
 public:
  Affine8(const ref::IntLinearEpilogue& e, int64_t c_step)
      : e_(e), lo_(_mm256_set1_pd(e.lo)), hi_(_mm256_set1_pd(e.hi)), c_step_(c_step) {}

  __m256 operator()(__m256d v0, __m256d v1, int64_t c) const {
    return _mm256_set_m128(_mm256_cvtpd_ps(half(v1, c + 4 * c_step_)), _mm256_cvtpd_ps(half(v0, c)));
  }

 private:
  // Four channel parameters as doubles: broadcast when per tensor or when every element shares channel c.
  __m256d params4(const std::vector<float>& v, int64_t c) const {
    if (v.size() == 1 || c_step_ == 0) return _mm256_set1_pd(static_cast<double>(v[v.size() == 1 ? 0 : c]));
    return _mm256_cvtps_pd(_mm_loadu_ps(v.data() + c));
  }

  __m256d half(__m256d v, int64_t c) const {
    v = _mm256_add_pd(_mm256_mul_pd(v, params4(e_.mult, c)), params4(e_.add, c));
    return _mm256_min_pd(_mm256_max_pd(v, lo_), hi_);
  }

  const ref::IntLinearEpilogue& e_;
  __m256d lo_, hi_;
  int64_t c_step_;
};

// Stores eight levels (already within the output type's range, so the saturating packs are exact) as y's type.
__attribute__((always_inline)) inline void store8(Tensor& y, int64_t at, __m256i levels) {
  const __m128i lo = _mm256_castsi256_si128(levels), hi = _mm256_extracti128_si256(levels, 1);
  switch (y.dtype) {
    case DType::kUint8: {
      const __m128i b = _mm_packus_epi16(_mm_packs_epi32(lo, hi), _mm_setzero_si128());
      _mm_storel_epi64(reinterpret_cast<__m128i*>(static_cast<uint8_t*>(y.data) + at), b);
      return;
    }
    case DType::kInt8: {
      const __m128i b = _mm_packs_epi16(_mm_packs_epi32(lo, hi), _mm_setzero_si128());
      _mm_storel_epi64(reinterpret_cast<__m128i*>(static_cast<int8_t*>(y.data) + at), b);
      return;
    }
    case DType::kInt32:
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(static_cast<int32_t*>(y.data) + at), levels);
      return;
    default: {
      alignas(32) int32_t l[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(l), levels);
      for (int k = 0; k < 8; ++k) ref::set_int_element(y, at + k, l[k]);
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
  if (!cpu_features().avx2_fma || (c_step != 0 && c_step != 1)) return 0;
  if (threshold_case(e)) {
    const Affine8 affine(e, c_step);
    const Thresholds8 thresholds(e, c_step);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
      const __m256d v0 = _mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + i)));
      const __m256d v1 = _mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + i + 4)));
      const int64_t c = c0 + i * c_step;
      store8(y, base + i, thresholds(affine(v0, v1, c), c));
    }
    return i;
  }
  if (!common_case(e)) return 0;
  const Affine8 affine(e, c_step);
  const Levels8 levels(e.out);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256d v0 = _mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + i)));
    const __m256d v1 = _mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + i + 4)));
    store8(y, base + i, levels(affine(v0, v1, c0 + i * c_step)));
  }
  return i;
}

int64_t qadd_avx2(const ref::IntLinearEpilogue& e, const QAddOperand& a, const QAddOperand& b, int64_t n, Tensor& y,
                  int64_t base) {
  if (!cpu_features().avx2_fma || !common_case(e)) return 0;
  const Affine8 affine(e, 0);
  const Levels8 levels(e.out);
  const __m256d a_zp = _mm256_set1_pd(static_cast<double>(a.zero_point)), a_s = _mm256_set1_pd(a.scale);
  const __m256d b_zp = _mm256_set1_pd(static_cast<double>(b.zero_point)), b_s = _mm256_set1_pd(b.scale);
  // (a - a_zp) * a_scale + (b - b_zp) * b_scale: the differences are exact small integers, as in the scalar code.
  const auto sum4 = [&](int64_t at) {
    const __m256d va = _mm256_mul_pd(_mm256_sub_pd(bytes4(a.data + at, a.is_signed), a_zp), a_s);
    const __m256d vb = _mm256_mul_pd(_mm256_sub_pd(bytes4(b.data + at, b.is_signed), b_zp), b_s);
    return _mm256_add_pd(va, vb);
  };
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) store8(y, base + i, levels(affine(sum4(base + i), sum4(base + i + 4), 0)));
  return i;
}

int64_t quantize_avx2(const ref::QuantizeSpec& spec, const float* x, int64_t n, Tensor& y, int64_t base) {
  if (!cpu_features().avx2_fma || !common_spec(spec)) return 0;
  const Levels8 levels(spec);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) store8(y, base + i, levels(_mm256_loadu_ps(x + i)));
  return i;
}

}  // namespace qedge::fast
