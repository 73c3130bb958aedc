// Compiled with -mavx512f -mavx512bw -mavx512vl; entered only when cpu_features() reports AVX-512 (the avx512_vnni
// group). The certified requantization of requant_certified_avx2.cc, sixteen lanes per step: the same operations on
// the same constants, so the levels and the lanes sent back to the scalar epilogue are the same; the last partial
// group is loaded and stored under a mask. Whole blocks of rows per call, so that a GEMM's block of maps pays the
// dispatch once.
#include <immintrin.h>

#include "qedge/cpu_fast/cpu_features.h"
#include "requant.h"

namespace qedge::fast {
namespace {

// The certified levels of sixteen sums, element i of a run whose channel is c0 + i * c_step.
class CertifiedSixteen {
 public:
  CertifiedSixteen(const CertifiedRequant& c, int64_t c0, int64_t c_step)
      : m_per_element_(per_element(c.m, c_step) ? c.m.data() + c0 : nullptr),
        b_per_element_(per_element(c.b, c_step) ? c.b.data() + c0 : nullptr),
        m_(_mm512_set1_ps(c.m[c.m.size() == 1 ? 0 : static_cast<size_t>(c0)])),
        b_(_mm512_set1_ps(c.b[c.b.size() == 1 ? 0 : static_cast<size_t>(c0)])),
        level_lo_(_mm512_set1_ps(c.level_lo)),
        level_hi_(_mm512_set1_ps(c.level_hi)),
        margin_(_mm512_set1_ps(c.margin)) {}

  // The levels of the lanes in `lanes`, and in *certain those proven.
  __m512i operator()(const int32_t* acc, int64_t i, __mmask16 lanes, __mmask16* certain) const {
    constexpr int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    // Zero-masked forms throughout: the lanes past a partial group stay zero (and GCC 12 warns on the unmasked
    // forms' undefined sources).
    const __m512 x = _mm512_maskz_cvtepi32_ps(lanes, _mm512_maskz_loadu_epi32(lanes, acc + i));
    const __m512 m = m_per_element_ ? _mm512_maskz_loadu_ps(lanes, m_per_element_ + i) : m_;
    const __m512 b = b_per_element_ ? _mm512_maskz_loadu_ps(lanes, b_per_element_ + i) : b_;
    const __m512 g = _mm512_maskz_min_ps(lanes, _mm512_maskz_max_ps(lanes, _mm512_fmadd_ps(x, m, b), level_lo_), level_hi_);
    const __m512 n = _mm512_maskz_roundscale_ps(lanes, g, kRound);
    *certain = _mm512_mask_cmp_ps_mask(lanes, _mm512_abs_ps(_mm512_sub_ps(g, n)), margin_, _CMP_LT_OQ);
    return _mm512_maskz_cvttps_epi32(lanes, n);
  }

 private:
  static bool per_element(const std::vector<float>& v, int64_t c_step) { return v.size() != 1 && c_step != 0; }

  const float* m_per_element_;
  const float* b_per_element_;
  __m512 m_, b_, level_lo_, level_hi_, margin_;
};

// Calls group(store) with the masked store of y's type (levels within the type's range, so the narrowing stores
// are exact); returns false for a type without one.
template <typename Group>
bool each_sixteen(Tensor& y, int64_t base, const Group& group) {
  switch (y.dtype) {
    case DType::kUint8: {
      uint8_t* p = static_cast<uint8_t*>(y.data) + base;
      group([&](int64_t i, __m512i v, __mmask16 lanes) { _mm512_mask_cvtusepi32_storeu_epi8(p + i, lanes, v); });
      return true;
    }
    case DType::kInt8: {
      int8_t* p = static_cast<int8_t*>(y.data) + base;
      group([&](int64_t i, __m512i v, __mmask16 lanes) { _mm512_mask_cvtsepi32_storeu_epi8(p + i, lanes, v); });
      return true;
    }
    case DType::kInt16: {
      int16_t* p = static_cast<int16_t*>(y.data) + base;
      group([&](int64_t i, __m512i v, __mmask16 lanes) { _mm512_mask_cvtsepi32_storeu_epi16(p + i, lanes, v); });
      return true;
    }
    case DType::kInt32: {
      int32_t* p = static_cast<int32_t*>(y.data) + base;
      group([&](int64_t i, __m512i v, __mmask16 lanes) { _mm512_mask_storeu_epi32(p + i, lanes, v); });
      return true;
    }
    default: return false;
  }
}

}  // namespace

bool requant_rows_certified_avx512(const Requant& r, const int32_t* acc, int64_t ld_acc, int64_t rows, int64_t n,
                                   int64_t c0, int64_t c_step, Tensor& y, int64_t base, int64_t ld_y) {
  if (!cpu_features().avx512_vnni || (c_step != 0 && c_step != 1) || (rows > 1 && c_step != 0)) return false;
  const ref::IntLinearEpilogue& e = r.epilogue();
  return each_sixteen(y, base, [&](const auto& store) {
    for (int64_t row = 0; row < rows; ++row) {
      const int32_t* a = acc + row * ld_acc;
      const int64_t c = c0 + row, out = row * ld_y;
      const CertifiedSixteen sixteen(r.certified(), c, c_step);
      for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 lanes = n - i >= 16 ? __mmask16{0xffff} : static_cast<__mmask16>((1u << (n - i)) - 1);
        __mmask16 certain;
        store(out + i, sixteen(a, i, lanes, &certain), lanes);
        for (unsigned rest = lanes & ~certain; rest != 0; rest &= rest - 1) {
          const int64_t k = i + __builtin_ctz(rest);
          e.store(y, base + out + k, c + k * c_step, static_cast<double>(a[k]));
        }
      }
    }
  });
}

}  // namespace qedge::fast
