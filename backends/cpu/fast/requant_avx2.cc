// Compiled with -mavx2; entered only when cpu_features() reports AVX2. Eight values per step: the epilogue's double
// arithmetic in two halves of four, then the float quantizer on all eight, with the constants loaded once per call.
#include <immintrin.h>

#include <cmath>
#include <cstring>

#include "qedge/cpu_fast/cpu_features.h"
#include "requant.h"
#include "requant_eight_avx2.h"

namespace qedge::fast {
namespace {

// The quantizers the vector code reproduces: round half to even, per tensor, not bipolar, within int32.
bool common_spec(const ref::QuantizeSpec& o) {
  return !o.bipolar && o.params.mode == quant::RoundingMode::kHalfEven &&
         !quant::is_bipolar(o.params.bits, o.params.is_signed) && o.params.bits <= 24 && o.scale.size() == 1;
}

bool common_case(const ref::IntLinearEpilogue& e) {
  return e.quantized && !e.thresholds && common_spec(e.out) && float_clamp_bounds(e);
}

bool threshold_case(const ref::IntLinearEpilogue& e) { return e.thresholds && float_clamp_bounds(e); }

// A BipolarQuant output (levels -1/+1 by the sign of the clamped value).
bool bipolar_case(const ref::IntLinearEpilogue& e) {
  return e.quantized && !e.thresholds && e.out.bipolar && float_clamp_bounds(e);
}

// A float output: the clamped affine value itself.
bool float_case(const ref::IntLinearEpilogue& e, const Tensor& y) {
  return !e.quantized && !e.thresholds && y.dtype == DType::kFloat32 && float_clamp_bounds(e);
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

// QuantizeSpec::level of eight floats: the same float operations in the same order; NaN gives level 0. With
// `x_not_nan` (the epilogue's clamped values), a finite nonzero scale and a finite zero point no step can make a NaN,
// and the NaN test is left out.
class Levels8 {
 public:
  Levels8(const ref::QuantizeSpec& o, bool x_not_nan)
      : s_(_mm256_set1_ps(o.scale[0])),
        zp_(_mm256_set1_ps(o.zero_point[0])),
        rmin_(_mm256_set1_ps(o.range_min)),
        rmax_(_mm256_set1_ps(o.range_max)),
        zp_after_round_(o.zp_after_round),
        nan_free_(x_not_nan && std::isfinite(o.scale[0]) && o.scale[0] != 0.0f && std::isfinite(o.zero_point[0])) {}

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
    if (nan_free_) return _mm256_cvttps_epi32(q);
    const __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
    return _mm256_cvttps_epi32(_mm256_andnot_ps(nan, q));
  }

 private:
  __m256 s_, zp_, rmin_, rmax_;
  bool zp_after_round_;
  bool nan_free_;
};

// The epilogue's v * mult + add (separate multiply and add, as the scalar code) of eight doubles (two halves), as
// floats clamped to the bounds (float_clamp_bounds holds; NaN takes lo: max_ps returns its second operand), never NaN. Element i of a run has channel c0 + i * c_step; the
// parameters are broadcast once per run when every element shares them (per tensor, or c_step 0), so the loop only
// loads them when they change per element.
class Affine8 {
 public:
  Affine8(const ref::IntLinearEpilogue& e, int64_t c_step, int64_t c0)
      : lo_(_mm256_set1_ps(static_cast<float>(e.lo))),
        hi_(_mm256_set1_ps(static_cast<float>(e.hi))),
        mult_(per_element(e.mult, c_step) ? e.mult.data() + c0 : nullptr),
        add_(per_element(e.add, c_step) ? e.add.data() + c0 : nullptr),
        m_(broadcast(e.mult, c0)),
        a_(broadcast(e.add, c0)) {}

  // Elements [i, i + 8) of the run.
  __m256 operator()(__m256d v0, __m256d v1, int64_t i) const {
    const __m256 x = _mm256_set_m128(_mm256_cvtpd_ps(half(v1, i + 4)), _mm256_cvtpd_ps(half(v0, i)));
    return _mm256_min_ps(_mm256_max_ps(x, lo_), hi_);
  }

 private:
  static bool per_element(const std::vector<float>& v, int64_t c_step) { return v.size() != 1 && c_step != 0; }
  static __m256d broadcast(const std::vector<float>& v, int64_t c0) {
    return _mm256_set1_pd(static_cast<double>(v[v.size() == 1 ? 0 : c0]));
  }
  static __m256d params4(const float* p, __m256d same, int64_t i) {
    return p ? _mm256_cvtps_pd(_mm_loadu_ps(p + i)) : same;
  }

  __m256d half(__m256d v, int64_t i) const {
    return _mm256_add_pd(_mm256_mul_pd(v, params4(mult_, m_, i)), params4(add_, a_, i));
  }

  __m256 lo_, hi_;
  const float* mult_;
  const float* add_;
  __m256d m_, a_;
};

// Eight int32 as two halves of doubles.
__m256d acc4(const int32_t* p) { return _mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }

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
    const Affine8 affine(e, c_step, c0);
    const Thresholds8 thresholds(e, c_step);
    return with_store(y, base, [&](auto store) {
      int64_t i = 0;
      for (; i + 8 <= n; i += 8) store(i, thresholds(affine(acc4(acc + i), acc4(acc + i + 4), i), c0 + i * c_step));
      return i;
    });
  }
  const Affine8 affine(e, c_step, c0);
  const auto values = [&](const int32_t* p, int64_t i) { return affine(acc4(p), acc4(p + 4), i); };
  if (float_case(e, y)) {
    float* out = y.data_as<float>() + base;
    return each_eight(acc, n, c_step, values, [&](int64_t i, __m256 v, int64_t count) {
      if (count == 8) return _mm256_storeu_ps(out + i, v);
      alignas(32) float part[8];
      _mm256_store_ps(part, v);
      std::memcpy(out + i, part, static_cast<size_t>(count) * sizeof(float));
    });
  }
  if (!common_case(e) && !bipolar_case(e)) return 0;
  const Levels8 levels(e.out, true);
  // BipolarQuant's rule on the clamped value: x >= 0 (-0 included; never NaN here) gives +1, else -1.
  const auto sign = [](__m256 x) {
    const __m256i ge = _mm256_castps_si256(_mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ));
    return _mm256_or_si256(_mm256_xor_si256(ge, _mm256_set1_epi32(-1)), _mm256_set1_epi32(1));
  };
  const bool bipolar = bipolar_case(e);
  const auto eight = [&](const int32_t* p, int64_t i) { return bipolar ? sign(values(p, i)) : levels(values(p, i)); };
  return with_store(y, base, [&](auto store) {
    return each_eight(acc, n, c_step, eight, [&](int64_t i, __m256i v, int64_t count) {
      if (count == 8) return store(i, v);
      alignas(32) int32_t part[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(part), v);
      for (int64_t k = 0; k < count; ++k) ref::set_int_element(y, base + i + k, part[k]);
    });
  });
}

int64_t qadd_avx2(const ref::IntLinearEpilogue& e, const QAddOperand& a, const QAddOperand& b, int64_t n, Tensor& y,
                  int64_t base) {
  if (!cpu_features().avx2_fma || !(common_case(e) || float_case(e, y))) return 0;
  const Affine8 affine(e, 0, 0);
  const __m256d a_zp = _mm256_set1_pd(static_cast<double>(a.zero_point)), a_s = _mm256_set1_pd(a.scale);
  const __m256d b_zp = _mm256_set1_pd(static_cast<double>(b.zero_point)), b_s = _mm256_set1_pd(b.scale);
  // (a - a_zp) * a_scale + (b - b_zp) * b_scale: the differences are exact small integers, as in the scalar code.
  const auto sum4 = [&](int64_t at) {
    const __m256d va = _mm256_mul_pd(_mm256_sub_pd(bytes4(a.data + at, a.is_signed), a_zp), a_s);
    const __m256d vb = _mm256_mul_pd(_mm256_sub_pd(bytes4(b.data + at, b.is_signed), b_zp), b_s);
    return _mm256_add_pd(va, vb);
  };
  const auto values = [&](int64_t at) { return affine(sum4(at), sum4(at + 4), 0); };
  if (!e.quantized) {
    float* out = y.data_as<float>() + base;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, values(base + i));
    return i;
  }
  const Levels8 levels(e.out, true);
  return with_store(y, base, [&](auto store) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) store(i, levels(values(base + i)));
    return i;
  });
}

int64_t quantize_avx2(const ref::QuantizeSpec& spec, const float* x, int64_t n, Tensor& y, int64_t base) {
  if (!cpu_features().avx2_fma || !common_spec(spec)) return 0;
  const Levels8 levels(spec, false);
  return with_store(y, base, [&](auto store) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) store(i, levels(_mm256_loadu_ps(x + i)));
    return i;
  });
}

}  // namespace qedge::fast
