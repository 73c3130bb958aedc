// The int16 GEMM: packing for gemm_blocking.h with k taken in pairs (vpmaddwd sums two products); an odd k slice
// is padded with a zero.
#include <algorithm>

#include "gemm/gemm_blocking.h"
#include "gemm/gemm_f32_microkernel.h"
#include "gemm/gemm_s16_microkernel.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "qedge/cpu_fast/gemm_s16.h"

namespace qedge::fast {
namespace {

GemmS16MicroKernel micro_kernel() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return gemm_s16_6x16_avx2;
#endif
  return gemm_s16_6x16_scalar;
}

GemmS16PackPanel pack_panel() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return gemm_s16_pack_panel_avx2;
#endif
  return gemm_s16_pack_panel_scalar;
}

// A[0:mc, 0:kc] into 6-row panels of k-pairs (rows past mc and the k past kc are zero). The weights are packed on
// every call, so each row is read in order (the panel's pairs of one row are 12 values apart in the output, which
// stays in cache) instead of six rows in step, whose loads missed the cache.
void pack_a(const int16_t* a, int64_t lda, int64_t mc, int64_t kc, int16_t* out) {
  constexpr int64_t kPairStride = 2 * kGemmMr;
  const int64_t pairs = (kc + 1) / 2, whole = kc / 2;
  for (int64_t i0 = 0; i0 < mc; i0 += kGemmMr, out += pairs * kPairStride) {
    const int64_t rows = std::min<int64_t>(kGemmMr, mc - i0);
    for (int64_t r = 0; r < kGemmMr; ++r) {
      int16_t* o = out + 2 * r;
      if (r >= rows) {
        for (int64_t q = 0; q < pairs; ++q) o[q * kPairStride] = o[q * kPairStride + 1] = 0;
        continue;
      }
      const int16_t* ar = a + (i0 + r) * lda;
      for (int64_t q = 0; q < whole; ++q) o[q * kPairStride] = ar[2 * q], o[q * kPairStride + 1] = ar[2 * q + 1];
      if (whole < pairs) o[whole * kPairStride] = ar[2 * whole], o[whole * kPairStride + 1] = 0;
    }
  }
}

// B[0:kc, 0:nc] into 16-column panels of k-pairs (columns past nc and the k past kc are zero).
void pack_b(const int16_t* b, int64_t ldb, bool trans, int64_t kc, int64_t nc, int16_t* out) {
  auto at = [&](int64_t p, int64_t j) -> int16_t {
    if (p >= kc || j >= nc) return 0;
    return trans ? b[j * ldb + p] : b[p * ldb + j];
  };
  static const GemmS16PackPanel whole_panel = pack_panel();
  for (int64_t j0 = 0; j0 < nc; j0 += kGemmNr) {
    // Whole panels of an untransposed B interleave rows p and p + 1, 16 columns at a time; only the last panel of
    // a width such as 49 or 196 (7x7 and 14x14 images), the odd last k and transposed B go element by element.
    int64_t p = 0;
    if (!trans && j0 + kGemmNr <= nc) {
      whole_panel(b + j0, ldb, kc / 2, out);
      p = kc / 2 * 2;
      out += p * kGemmNr;
    }
    for (; p < kc; p += 2) {
      for (int64_t q = 0; q < kGemmNr; ++q) {
        *out++ = at(p, j0 + q);
        *out++ = at(p + 1, j0 + q);
      }
    }
  }
}

struct S16Traits {
  using In = int16_t;
  using Out = int32_t;
  using Kernel = GemmS16MicroKernel;
  static constexpr int64_t kKc = 512;  // even
  static constexpr int64_t k_slots(int64_t kc) { return (kc + 1) / 2 * 2; }
  static constexpr int64_t kernel_k(int64_t kc) { return (kc + 1) / 2; }
  static void pack_a(const int16_t* a, int64_t lda, int64_t mc, int64_t kc, int16_t* out) {
    fast::pack_a(a, lda, mc, kc, out);
  }
  static void pack_b(const int16_t* b, int64_t ldb, bool trans, int64_t kc, int64_t nc, int16_t* out) {
    fast::pack_b(b, ldb, trans, kc, nc, out);
  }
};

}  // namespace

void gemm_s16(const GemmShape& s, const int16_t* a, const int16_t* b, int32_t* c, ThreadPool* threads) {
  gemm_blocked<S16Traits>(s, a, nullptr, b, c, false, threads, micro_kernel());
}

void GemmS16PackedA::reserve(int64_t m, int64_t k) {
  const int64_t size = packed_a_size<S16Traits>(m, k);
  if (size != size_) {
    data_.reset(new int16_t[static_cast<size_t>(size)]);
    size_ = size;
  }
  m_ = m, k_ = k;
}

void GemmS16PackedA::pack(int64_t m, int64_t k, const int16_t* a, int64_t lda) {
  reserve(m, k);
  GemmShape s;
  s.m = m, s.k = k, s.lda = lda;
  pack_a_whole<S16Traits>(s, a, data_.get(), nullptr);
}

void gemm_s16_prepacked(const GemmShape& s, const GemmS16PackedA& a, const int16_t* b, int32_t* c,
                        ThreadPool* threads) {
  const APanels<S16Traits> panels{a.data(), padded_panel_rows(a.m()), 0};
  gemm_blocked<S16Traits>(s, nullptr, &panels, b, c, false, threads, micro_kernel());
}

const char* gemm_s16_kernel_name() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return "avx2_madd_6x16";
#endif
  return "scalar_6x16";
}

}  // namespace qedge::fast
