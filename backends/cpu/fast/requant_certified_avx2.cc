// Compiled with -mavx2 -mfma; entered only when cpu_features() reports both. The certified requantization: eight
// levels per step without the division, each one proven equal to the reference's or recomputed by it.
//
// The reference (ref::IntLinearEpilogue::store, ref::QuantizeSpec::level) computes, for an int32 sum `acc`,
//   v = acc * mult + add (double), x = float(clamp(v, lo, hi)), q = x / s (float),
// then the level round_half_even(q) + zp (ONNX rule) or round_half_even(float(q + zp)) (QONNX rule), clamped to the
// output range; zp is an integer here. That level is a non-decreasing function L of x, and lo, hi are floats, so the
// level of the clamped value is min(max(L(x'), L(lo)), L(hi)) with x' = float(v) unclamped: the clamp moves to the
// level, with L(lo) and L(hi) computed once by the reference itself, and the output range falls inside them.
//
// Here F = float(acc) * M + B in float (M = mult / s and B = add / s + zp, folded in double and rounded once to float),
// an estimate of V, the reference's value before its last rounding, moved by zp (q + zp, or float(q + zp)). With
// u = 2^-24, P = acc * mult / s, Q = add / s:
//   reference: |q - R| <= 2.0000002 u (|P| + |Q|) + 2^-88, R = P + Q (double steps 2.0001 2^-53, float(v) and the
//              division u each, gradual underflow at most 2^-150 (1 + 2 / s) with s >= 2^-60); the QONNX rule adds
//              u |q + zp|;
//   here:      |F - (R + zp)| <= 3.0000004 u |P| + 1.0000001 u (|Q| + |zp|) + u |F| (acc, M, the product: u each,
//              B: u, the sum: u; fused or not; subnormal M or B add at most 2^-118).
// Lanes with F outside [L(lo), L(hi)] are clamped to that interval first; inside it |F| <= F_max = max |L(lo)|, |L(hi)|,
// and with |P| <= |F| + |B| + small, |Q| <= |B| + |zp|:
//   |V - F| <= u (7.1 F_max + 8.1 B_max + 4.1 |zp| + 1.1) < E = 2^-20 (F_max + B_max + |zp| + 1)   (E < 1/4 is required)
// a factor of about 2 to spare on each term. So with G = clamp(F, L(lo), L(hi)) and N = round_half_even(G):
//   |G - N| < 1/2 - E: no rounding edge N +- 1/2 within E of G, so V rounds to N too (whatever the tie rule);
//   F <= L(lo) or F >= L(hi): G is that bound, an integer (|G - N| = 0), and V < L(lo) + 1/2 or V > L(hi) - 1/2
//   (for |F| beyond F_max the error grows with |F| but F is farther still), so the clamped level is that bound.
// The test is exact in float (G - N is exact; `margin` = 1/2 - E is rounded down). A lane that fails it (about 2 E of
// them) is stored again by the scalar epilogue.
//
// QAdd: the reference's value is ((a - a_zp) a_s + (b - b_zp) b_s) * mult + add in double (the products exact, the sum
// one more rounding), then the same quantizer. Here F = (a - a_zp) Ma + ((b - b_zp) Mb + B) in float (Ma = a_s mult / s,
// Mb = b_s mult / s, B = add / s + zp; the offsets are exact small integers). The same steps give
//   |V - F| <= u (4.2 (|a - a_zp| |Ma| + |b - b_zp| |Mb|) + 4.2 |B| + 5.3 |zp| + 2 F_max + 1)
//           < 2^-20 (A_max |Ma| + B_max |Mb| + |B| + |zp| + F_max + 1)
// with A_max, B_max the operands' largest |level - zero point| (certify_qadd), and the same test.
#include <immintrin.h>

#include <algorithm>
#include <type_traits>

#include "qedge/cpu_fast/cpu_features.h"
#include "requant.h"
#include "requant_eight_avx2.h"

namespace qedge::fast {
namespace {

// Eight levels and the mask of those certified (bit k for lane k).
struct Levels {
  __m256i levels;
  int certain;
};

// The levels of eight estimates f (the lanes' F): clamped to [lo, hi], rounded half to even, and certain where the
// clamped value lies within `margin` of its level.
Levels certified_levels(__m256 f, __m256 lo, __m256 hi, __m256 margin) {
  const __m256 g = _mm256_min_ps(_mm256_max_ps(f, lo), hi);
  const __m256 n = _mm256_round_ps(g, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 off = _mm256_and_ps(_mm256_sub_ps(g, n), _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
  return {_mm256_cvttps_epi32(n), _mm256_movemask_ps(_mm256_cmp_ps(off, margin, _CMP_LT_OQ))};
}

// The certified levels of eight sums, element i of a run whose channel is c0 + i * c_step: M and B are broadcast once
// when every element shares them, else loaded per element.
class CertifiedEight {
 public:
  CertifiedEight(const CertifiedRequant& c, int64_t c0, int64_t c_step)
      : m_per_element_(per_element(c.m, c_step) ? c.m.data() + c0 : nullptr),
        b_per_element_(per_element(c.b, c_step) ? c.b.data() + c0 : nullptr),
        m_(_mm256_set1_ps(c.m[c.m.size() == 1 ? 0 : static_cast<size_t>(c0)])),
        b_(_mm256_set1_ps(c.b[c.b.size() == 1 ? 0 : static_cast<size_t>(c0)])),
        level_lo_(_mm256_set1_ps(c.level_lo)),
        level_hi_(_mm256_set1_ps(c.level_hi)),
        margin_(_mm256_set1_ps(c.margin)) {}

  Levels operator()(const int32_t* p, int64_t i) const {
    const __m256 x = _mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    const __m256 m = m_per_element_ ? _mm256_loadu_ps(m_per_element_ + i) : m_;
    const __m256 b = b_per_element_ ? _mm256_loadu_ps(b_per_element_ + i) : b_;
    return certified_levels(_mm256_fmadd_ps(x, m, b), level_lo_, level_hi_, margin_);
  }

  // Whether every element shares M and B (the 32-wide run below needs that).
  bool shared_constants() const { return m_per_element_ == nullptr && b_per_element_ == nullptr; }

  // Levels of p[0, 32) (shared constants) as 8-bit levels at out (T: int8_t or uint8_t), packed in registers and
  // stored at once; true when some lane is in doubt.
  template <typename T>
  bool thirty_two(const int32_t* p, T* out) const {
    const auto levels = [&](int64_t at) {
      const __m256 x = _mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + at)));
      return certified_levels(_mm256_fmadd_ps(x, m_, b_), level_lo_, level_hi_, margin_);
    };
    const Levels l0 = levels(0), l1 = levels(8), l2 = levels(16), l3 = levels(24);
    // The levels lie in T's range, so the saturating packs are exact; they work within 128-bit lanes (lane 0 of the
    // result holds elements 0-3 of l0, l1, l2, l3, lane 1 elements 4-7), which the dword permutation puts in order.
    const __m256i words01 = _mm256_packs_epi32(l0.levels, l1.levels), words23 = _mm256_packs_epi32(l2.levels, l3.levels);
    const __m256i bytes =
        std::is_signed_v<T> ? _mm256_packs_epi16(words01, words23) : _mm256_packus_epi16(words01, words23);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_permutevar8x32_epi32(bytes, order));
    return (l0.certain & l1.certain & l2.certain & l3.certain) != 0xff;
  }

 private:
  static bool per_element(const std::vector<float>& v, int64_t c_step) { return v.size() != 1 && c_step != 0; }

  const float* m_per_element_;
  const float* b_per_element_;
  __m256 m_, b_, level_lo_, level_hi_, margin_;
};

// Eight 8-bit levels minus their zero point, as floats (exact).
__m256 offsets8(const QAddOperand& o, int64_t at) {
  const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(o.data + at));
  const __m256i v = o.is_signed ? _mm256_cvtepi8_epi32(bytes) : _mm256_cvtepu8_epi32(bytes);
  return _mm256_cvtepi32_ps(_mm256_sub_epi32(v, _mm256_set1_epi32(static_cast<int32_t>(o.zero_point))));
}

// The whole 32-element groups of a run with shared constants into y's 8-bit levels at y[at, ...); returns how many
// elements it stored. The vector loop makes no call (a call would send its constants to the stack on every group): it
// marks the groups with a lane in doubt, up to 64 groups at a time, and settle(i, levels) then stores those lanes
// again, eight by eight, from the same levels computation.
template <typename T, typename Settle>
int64_t thirty_twos(const CertifiedEight& eight, const int32_t* acc, int64_t n, T* out, const Settle& settle) {
  const int64_t whole = n / 32 * 32;
  for (int64_t start = 0; start < whole; start += 32 * 64) {
    const int64_t stop = std::min(whole, start + 32 * 64);
    uint64_t marked = 0;
    for (int64_t i = start; i < stop; i += 32) {
      marked |= uint64_t{eight.thirty_two(acc + i, out + i)} << ((i - start) / 32);
    }
    for (; marked != 0; marked &= marked - 1) {
      const int64_t group = start + 32 * __builtin_ctzll(marked);
      for (int64_t i = group; i < group + 32; i += 8) settle(i, eight(acc + i, i));
    }
  }
  return whole;
}

}  // namespace

int64_t requant_certified_avx2(const Requant& r, const int32_t* acc, int64_t n, int64_t c0, int64_t c_step, Tensor& y,
                               int64_t base) {
  if (!cpu_features().avx2_fma || (c_step != 0 && c_step != 1)) return 0;
  const ref::IntLinearEpilogue& e = r.epilogue();
  const CertifiedEight eight(r.certified(), c0, c_step);
  // Stores the first `count` lanes of the levels of elements [i, i + 8) that are in doubt again through the scalar
  // epilogue.
  const auto settle = [&](int64_t i, const Levels& v, int64_t count = 8) {
    if (v.certain == 0xff) return;
    for (int64_t k = 0; k < count; ++k) {
      if (!(v.certain >> k & 1)) e.store(y, base + i + k, c0 + (i + k) * c_step, static_cast<double>(acc[i + k]));
    }
  };
  int64_t done = 0;
  if (eight.shared_constants() && y.dtype == DType::kUint8) {
    done = thirty_twos(eight, acc, n, static_cast<uint8_t*>(y.data) + base, settle);
  } else if (eight.shared_constants() && y.dtype == DType::kInt8) {
    done = thirty_twos(eight, acc, n, static_cast<int8_t*>(y.data) + base, settle);
  }
  if (done == n) return n;
  return done + with_store(y, base + done, [&](auto store) {
    return each_eight(acc + done, n - done, c_step, eight, [&](int64_t i, const Levels& v, int64_t count) {
      if (count == 8) {
        store(i, v.levels);
      } else {
        alignas(32) int32_t part[8];
        _mm256_store_si256(reinterpret_cast<__m256i*>(part), v.levels);
        for (int64_t k = 0; k < count; ++k) ref::set_int_element(y, base + done + i + k, part[k]);
      }
      settle(done + i, v, count);
    });
  });
}

int64_t qadd_certified_avx2(const ref::IntLinearEpilogue& e, const CertifiedQAdd& c, const QAddOperand& a,
                            const QAddOperand& b, int64_t n, Tensor& y, int64_t base) {
  if (!cpu_features().avx2_fma) return 0;
  const __m256 ma = _mm256_set1_ps(c.ma), mb = _mm256_set1_ps(c.mb), bias = _mm256_set1_ps(c.b);
  const __m256 lo = _mm256_set1_ps(c.level_lo), hi = _mm256_set1_ps(c.level_hi), margin = _mm256_set1_ps(c.margin);
  const auto eight = [&](int64_t at) {
    const __m256 f = _mm256_fmadd_ps(offsets8(a, at), ma, _mm256_fmadd_ps(offsets8(b, at), mb, bias));
    return certified_levels(f, lo, hi, margin);
  };
  const int64_t whole = with_store(y, base, [&](auto store) {
    // Groups of eight, the doubts of up to 64 groups kept and settled after their vector loop, which then makes no
    // call (a call would send the constants to the stack on every group).
    const int64_t groups = n / 8 * 8;
    for (int64_t start = 0; start < groups; start += 8 * 64) {
      const int64_t stop = std::min(groups, start + 8 * 64);
      uint8_t doubts[64];
      for (int64_t i = start; i < stop; i += 8) {
        const Levels v = eight(base + i);
        store(i, v.levels);
        doubts[(i - start) / 8] = static_cast<uint8_t>(~v.certain);
      }
      for (int64_t i = start; i < stop; i += 8) {
        for (unsigned rest = doubts[(i - start) / 8]; rest != 0; rest &= rest - 1) {
          const int64_t k = base + i + __builtin_ctz(rest);
          e.store(y, k, 0, qadd_value(a, b, k));
        }
      }
    }
    return groups;
  });
  for (int64_t k = base + whole; k < base + n; ++k) e.store(y, k, 0, qadd_value(a, b, k));
  return n;
}

}  // namespace qedge::fast
