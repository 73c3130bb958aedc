// Compiled with -mavx512f -mavx512bw -mavx512vl; entered only when cpu_features() reports AVX-512 (the avx512_vnni
// group). The certified requantization of requant_certified_avx2.cc, sixteen lanes per step: the same operations on
// the same constants, so the levels and the lanes sent back to the scalar epilogue are the same; the last partial
// group is loaded and stored under a mask. Runs with one channel and 8-bit levels go 64 elements per step, packed to
// bytes in registers. Whole blocks of rows per call, so that a GEMM's block of maps pays the dispatch once. QAdd's
// certified form likewise: qadd_certified_avx2's operations, 64 elements per step.
#include <immintrin.h>

#include <algorithm>
#include <type_traits>

#include "qedge/cpu_fast/cpu_features.h"
#include "requant.h"
#include "requant_sixteen_avx512.h"

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

  // The levels of the lanes in `lanes`, and in *doubt those not proven.
  __m512i operator()(const int32_t* acc, int64_t i, __mmask16 lanes, __mmask16* doubt) const {
    const __m512 x = _mm512_maskz_cvtepi32_ps(lanes, _mm512_maskz_loadu_epi32(lanes, acc + i));
    const __m512 m = m_per_element_ ? _mm512_maskz_loadu_ps(lanes, m_per_element_ + i) : m_;
    const __m512 b = b_per_element_ ? _mm512_maskz_loadu_ps(lanes, b_per_element_ + i) : b_;
    return sixteen_levels(_mm512_fmadd_ps(x, m, b), level_lo_, level_hi_, margin_, lanes, doubt);
  }

  // Whether every element shares M and B (the 64-wide run below needs that).
  bool shared_constants() const { return m_per_element_ == nullptr && b_per_element_ == nullptr; }

  // Levels of acc[i, i + 64) (shared constants) as 8-bit levels at out + i (T: int8_t or uint8_t), packed in registers
  // and stored at once; true when some lane is in doubt.
  template <typename T>
  bool sixty_four(const int32_t* acc, int64_t i, T* out) const {
    __mmask16 d0, d1, d2, d3;
    const auto levels = [&](int64_t at, __mmask16* doubt) {
      const __m512 x = _mm512_maskz_cvtepi32_ps(0xffff, _mm512_loadu_si512(acc + at));
      return sixteen_levels(_mm512_fmadd_ps(x, m_, b_), level_lo_, level_hi_, margin_, 0xffff, doubt);
    };
    const __m512i l0 = levels(i, &d0), l1 = levels(i + 16, &d1), l2 = levels(i + 32, &d2), l3 = levels(i + 48, &d3);
    _mm512_storeu_si512(out + i, bytes_of_levels<std::is_signed_v<T>>(l0, l1, l2, l3));
    return (d0 | d1 | d2 | d3) != 0;
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

// The whole 64-element groups of a run with shared constants into y's 8-bit levels at y[at, ...); returns how many
// elements it stored. The vector loop makes no call (a call would send its constants to the stack on every group): it
// marks the groups with a lane in doubt, up to 64 groups at a time, and settle(i, doubt) then stores those lanes
// again, group of 16 by group of 16, from the same levels computation.
template <typename Settle>
int64_t sixty_fours(const CertifiedSixteen& sixteen, const int32_t* a, int64_t n, Tensor& y, int64_t at,
                    const Settle& settle) {
  const int64_t whole = n / 64 * 64;
  for (int64_t start = 0; start < whole; start += 64 * 64) {
    const int64_t stop = std::min(whole, start + 64 * 64);
    uint64_t marked = 0;
    if (y.dtype == DType::kUint8) {
      uint8_t* out = static_cast<uint8_t*>(y.data) + at;
      for (int64_t i = start; i < stop; i += 64) {
        marked |= uint64_t{sixteen.sixty_four(a, i, out)} << ((i - start) / 64);
      }
    } else {
      int8_t* out = static_cast<int8_t*>(y.data) + at;
      for (int64_t i = start; i < stop; i += 64) {
        marked |= uint64_t{sixteen.sixty_four(a, i, out)} << ((i - start) / 64);
      }
    }
    for (; marked != 0; marked &= marked - 1) {
      const int64_t group = start + 64 * __builtin_ctzll(marked);
      for (int64_t i = group; i < group + 64; i += 16) {
        __mmask16 doubt;
        sixteen(a, i, 0xffff, &doubt);
        settle(i, doubt);
      }
    }
  }
  return whole;
}

// Sixteen 8-bit levels at p (those in `lanes`, read under the mask when it is not whole) minus the zero point zp, as
// floats (exact: small integers).
template <bool kSigned>
__m512 offsets16(const uint8_t* p, __m512i zp, __mmask16 lanes) {
  const __m128i bytes =
      lanes == 0xffff ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)) : _mm_maskz_loadu_epi8(lanes, p);
  const __m512i v = kSigned ? _mm512_maskz_cvtepi8_epi32(lanes, bytes) : _mm512_maskz_cvtepu8_epi32(lanes, bytes);
  return _mm512_maskz_cvtepi32_ps(lanes, _mm512_maskz_sub_epi32(lanes, v, zp));
}

// QAdd's certified levels 64 elements per step into T's bytes (T: int8_t or uint8_t; kSignedA, kSignedB: the inputs'
// types). The estimate F = (a - a_zp) Ma + ((b - b_zp) Mb + B) takes qadd_certified_avx2's fused operations in the same
// order on the same constants, so that the bound derived in requant_certified_avx2.cc holds as it stands and the same
// lanes are in doubt.
template <typename T, bool kSignedA, bool kSignedB>
class QAddSixtyFour {
 public:
  QAddSixtyFour(const CertifiedQAdd& c, const QAddOperand& a, const QAddOperand& b, T* out)
      : a_(a.data), b_(b.data), out_(out),
        a_zp_(_mm512_set1_epi32(static_cast<int32_t>(a.zero_point))),
        b_zp_(_mm512_set1_epi32(static_cast<int32_t>(b.zero_point))),
        ma_(_mm512_set1_ps(c.ma)), mb_(_mm512_set1_ps(c.mb)), bias_(_mm512_set1_ps(c.b)),
        lo_(_mm512_set1_ps(c.level_lo)), hi_(_mm512_set1_ps(c.level_hi)), margin_(_mm512_set1_ps(c.margin)) {}

  // The levels of elements [i, i + 64) in `lanes` (bit k: element i + k; the lanes of a partial step are a prefix) at
  // out[i, ...); returns the lanes in doubt. Only the quarters holding a lane are read.
  uint64_t operator()(int64_t i, uint64_t lanes) const {
    __m512i levels[4];
    uint64_t doubt = 0;
    for (int q = 0; q < 4; ++q) {
      const auto part = static_cast<__mmask16>(lanes >> (16 * q));
      levels[q] = _mm512_setzero_si512();
      if (part == 0) continue;
      const int64_t at = i + 16 * q;
      const __m512 f = _mm512_fmadd_ps(offsets16<kSignedA>(a_ + at, a_zp_, part), ma_,
                                       _mm512_fmadd_ps(offsets16<kSignedB>(b_ + at, b_zp_, part), mb_, bias_));
      __mmask16 d;
      levels[q] = sixteen_levels(f, lo_, hi_, margin_, part, &d);
      doubt |= uint64_t{d} << (16 * q);
    }
    const __m512i bytes = bytes_of_levels<std::is_signed_v<T>>(levels[0], levels[1], levels[2], levels[3]);
    if (lanes == ~uint64_t{0}) {
      _mm512_storeu_si512(out_ + i, bytes);
    } else {
      _mm512_mask_storeu_epi8(out_ + i, lanes, bytes);
    }
    return doubt;
  }

 private:
  const uint8_t* a_;
  const uint8_t* b_;
  T* out_;
  __m512i a_zp_, b_zp_;
  __m512 ma_, mb_, bias_, lo_, hi_, margin_;
};

// All n levels of QAdd's elements [base, base + n) into y (T's type): blocks of up to 64 steps whose vector loop makes
// no call (a call would send the constants to the stack on every step) and keeps each step's lanes in doubt, which the
// scalar epilogue then stores again; the last partial step under a mask.
template <typename T, bool kSignedA, bool kSignedB>
void qadd_sixty_fours(const ref::IntLinearEpilogue& e, const CertifiedQAdd& c, const QAddOperand& a,
                      const QAddOperand& b, int64_t n, Tensor& y, int64_t base) {
  QAddOperand a_at = a, b_at = b;
  a_at.data += base, b_at.data += base;
  const QAddSixtyFour<T, kSignedA, kSignedB> step(c, a_at, b_at, static_cast<T*>(y.data) + base);
  for (int64_t start = 0; start < n; start += 64 * 64) {
    const int64_t stop = std::min(n, start + 64 * 64), whole = start + (stop - start) / 64 * 64;
    uint64_t doubts[64];
    for (int64_t i = start; i < whole; i += 64) doubts[(i - start) / 64] = step(i, ~uint64_t{0});
    if (whole < stop) doubts[(whole - start) / 64] = step(whole, (uint64_t{1} << (stop - whole)) - 1);
    for (int64_t i = start; i < stop; i += 64) {
      for (uint64_t rest = doubts[(i - start) / 64]; rest != 0; rest &= rest - 1) {
        const int64_t k = base + i + __builtin_ctzll(rest);
        e.store(y, k, 0, qadd_value(a, b, k));
      }
    }
  }
}

// Rows shorter than this go through short_rows when they lie back to back.
constexpr int64_t kShortRow = 256;

// Rows of n sums back to back (acc and y both n apart), row k with channel c0 + k's own constants, as one stream of
// sixteen-lane groups: a group that straddles two rows takes each row's constants in its lanes (n >= 16, so a group
// meets at most one row boundary). Short rows (mobilenet_v2's 7x7 and 14x14 depthwise planes) then pay no per-row
// setup or partly empty last group. The doubts of up to 64 groups are kept and settled after their vector loop.
template <typename Store>
void short_rows(const ref::IntLinearEpilogue& e, const CertifiedRequant& c, const int32_t* acc, int64_t rows,
                int64_t n, int64_t c0, Tensor& y, int64_t base, const Store& store) {
  const auto constant = [&](const std::vector<float>& v, int64_t row) {
    return _mm512_set1_ps(v[v.size() == 1 ? 0 : static_cast<size_t>(c0 + std::min(row, rows - 1))]);
  };
  const __m512 lo = _mm512_set1_ps(c.level_lo), hi = _mm512_set1_ps(c.level_hi), margin = _mm512_set1_ps(c.margin);
  const int64_t total = rows * n;
  int64_t row = 0, next = n;  // the row of the group's first lane, and where the row after it starts
  for (int64_t start = 0; start < total; start += 16 * 64) {
    const int64_t stop = std::min(total, start + 16 * 64);
    __mmask16 doubts[64];
    for (int64_t f = start; f < stop; f += 16) {
      if (f >= next) ++row, next += n;
      const __mmask16 lanes = stop - f >= 16 ? __mmask16{0xffff} : static_cast<__mmask16>((1u << (stop - f)) - 1);
      // Lanes from next - f on belong to the next row.
      const auto later = next - f >= 16 ? __mmask16{0} : static_cast<__mmask16>(0xffffu << (next - f));
      const __m512 m = _mm512_mask_blend_ps(later, constant(c.m, row), constant(c.m, row + 1));
      const __m512 b = _mm512_mask_blend_ps(later, constant(c.b, row), constant(c.b, row + 1));
      const __m512 x = _mm512_maskz_cvtepi32_ps(lanes, _mm512_maskz_loadu_epi32(lanes, acc + f));
      store(f, sixteen_levels(_mm512_fmadd_ps(x, m, b), lo, hi, margin, lanes, &doubts[(f - start) / 16]), lanes);
    }
    for (int64_t f = start; f < stop; f += 16) {
      for (unsigned rest = doubts[(f - start) / 16]; rest != 0; rest &= rest - 1) {
        const int64_t k = f + __builtin_ctz(rest);
        e.store(y, base + k, c0 + k / n, static_cast<double>(acc[k]));
      }
    }
  }
}

// f(std::bool_constant<s>{}): a run-time signedness as a template argument.
template <typename F>
void with_signedness(bool s, const F& f) {
  if (s) {
    f(std::true_type{});
  } else {
    f(std::false_type{});
  }
}

}  // namespace

bool requant_rows_certified_avx512(const Requant& r, const int32_t* acc, int64_t ld_acc, int64_t rows, int64_t n,
                                   int64_t c0, int64_t c_step, Tensor& y, int64_t base, int64_t ld_y) {
  if (!cpu_features().avx512_vnni || (c_step != 0 && c_step != 1) || (rows > 1 && c_step != 0)) return false;
  const ref::IntLinearEpilogue& e = r.epilogue();
  const CertifiedRequant& c = r.certified();
  const bool back_to_back = rows > 1 && c_step == 0 && ld_acc == n && ld_y == n;
  // Rows sharing their constants are one run.
  if (back_to_back && c.m.size() == 1 && c.b.size() == 1) n *= rows, rows = 1;
  if (back_to_back && rows > 1 && n >= 16 && n < kShortRow) {
    return each_sixteen(y, base, [&](const auto& store) { short_rows(e, c, acc, rows, n, c0, y, base, store); });
  }
  return each_sixteen(y, base, [&](const auto& store) {
    for (int64_t row = 0; row < rows; ++row) {
      const int32_t* a = acc + row * ld_acc;
      const int64_t c = c0 + row, out = row * ld_y;
      const CertifiedSixteen sixteen(r.certified(), c, c_step);
      // Stores the lanes of group i (16 elements) that are in doubt again through the scalar epilogue.
      const auto settle = [&](int64_t i, __mmask16 doubt) {
        for (unsigned rest = doubt; rest != 0; rest &= rest - 1) {
          const int64_t k = i + __builtin_ctz(rest);
          e.store(y, base + out + k, c + k * c_step, static_cast<double>(a[k]));
        }
      };
      int64_t i = 0;
      if (sixteen.shared_constants() && (y.dtype == DType::kUint8 || y.dtype == DType::kInt8)) {
        i = sixty_fours(sixteen, a, n, y, base + out, settle);
      }
      // The rest sixteen at a time, the doubts of up to 64 groups kept and settled after their vector loop, which
      // then makes no call either.
      while (i < n) {
        const int64_t stop = std::min(n, i + 16 * 64);
        __mmask16 doubts[64];
        for (int64_t k = i; k < stop; k += 16) {
          const __mmask16 lanes = stop - k >= 16 ? __mmask16{0xffff} : static_cast<__mmask16>((1u << (stop - k)) - 1);
          store(out + k, sixteen(a, k, lanes, &doubts[(k - i) / 16]), lanes);
        }
        for (int64_t k = i; k < stop; k += 16) settle(k, doubts[(k - i) / 16]);
        i = stop;
      }
    }
  });
}

int64_t qadd_certified_avx512(const ref::IntLinearEpilogue& e, const CertifiedQAdd& c, const QAddOperand& a,
                              const QAddOperand& b, int64_t n, Tensor& y, int64_t base) {
  if (!cpu_features().avx512_vnni || (y.dtype != DType::kUint8 && y.dtype != DType::kInt8)) return 0;
  with_signedness(a.is_signed, [&](auto signed_a) {
    with_signedness(b.is_signed, [&](auto signed_b) {
      constexpr bool kA = decltype(signed_a)::value, kB = decltype(signed_b)::value;
      if (y.dtype == DType::kUint8) {
        qadd_sixty_fours<uint8_t, kA, kB>(e, c, a, b, n, y, base);
      } else {
        qadd_sixty_fours<int8_t, kA, kB>(e, c, a, b, n, y, base);
      }
    });
  });
  return n;
}

}  // namespace qedge::fast
