// The low-bit GEMM driver: columns of C in kNc slices (split across threads by 16-column panels), k in kKc slices
// whose B slice is packed into 16-column panels of u8 quads, then the 4 x 16 micro-kernel over the weights' row
// panels (packed once, whole k, so a slice is an offset); edge tiles go through a scratch tile. Zero points are
// removed afterwards: C -= offset * column sums of B + b_zero_point * row sums of W'.
#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "gemm_lowbit/gemm_lowbit_microkernel.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "qedge/cpu_fast/gemm_lowbit.h"

namespace qedge::fast {
namespace {

constexpr int64_t kKc = 512;  // a multiple of 8 (octets)
constexpr int64_t kNc = 256;  // a multiple of kLowbitNr

GemmLowbitMicroKernel micro_kernel(LowbitFormat f) {
#if defined(__x86_64__)
  if (cpu_features().avx512_vnni) return f == LowbitFormat::kS4 ? gemm_u8s4_4x16_vnni : gemm_u8s8_4x16_vnni;
  if (cpu_features().avx2_fma) return f == LowbitFormat::kS4 ? gemm_u8s4_4x16_avx2 : gemm_u8s8_4x16_avx2;
#endif
  return f == LowbitFormat::kS4 ? gemm_u8s4_4x16_scalar : gemm_u8s8_4x16_scalar;
}

// One quad of 16 whole columns from 4 whole rows of row-major B: a 4 x 16 byte transpose.
void pack_quad_rows(const uint8_t* b, int64_t ldb, uint8_t* out) {
#if defined(__SSE2__)
  const __m128i r0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
  const __m128i r1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + ldb));
  const __m128i r2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 2 * ldb));
  const __m128i r3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 3 * ldb));
  const __m128i t0 = _mm_unpacklo_epi8(r0, r1), t1 = _mm_unpackhi_epi8(r0, r1);
  const __m128i t2 = _mm_unpacklo_epi8(r2, r3), t3 = _mm_unpackhi_epi8(r2, r3);
  auto* o = reinterpret_cast<__m128i*>(out);
  _mm_storeu_si128(o, _mm_unpacklo_epi16(t0, t2));
  _mm_storeu_si128(o + 1, _mm_unpackhi_epi16(t0, t2));
  _mm_storeu_si128(o + 2, _mm_unpacklo_epi16(t1, t3));
  _mm_storeu_si128(o + 3, _mm_unpackhi_epi16(t1, t3));
#else
  for (int64_t j = 0; j < kLowbitNr; ++j) {
    for (int64_t p = 0; p < 4; ++p) out[j * 4 + p] = b[p * ldb + j];
  }
#endif
}

// B[0:kc, 0:nc] (already offset to the slice) into 16-column panels of kc_pad / 4 quads; k past kc and columns
// past nc are zero.
void pack_b(const uint8_t* b, int64_t ldb, bool trans, int64_t kc, int64_t kc_pad, int64_t nc, uint8_t* out) {
  for (int64_t j0 = 0; j0 < nc; j0 += kLowbitNr) {
    const int64_t cols = std::min(kLowbitNr, nc - j0);
    for (int64_t p0 = 0; p0 < kc_pad; p0 += 4, out += 4 * kLowbitNr) {
      const int64_t rows = std::clamp<int64_t>(kc - p0, 0, 4);
      if (!trans && rows == 4 && cols == kLowbitNr) {
        pack_quad_rows(b + p0 * ldb + j0, ldb, out);
        continue;
      }
      std::memset(out, 0, 4 * kLowbitNr);
      for (int64_t j = 0; j < cols; ++j) {
        for (int64_t p = 0; p < rows; ++p) {
          out[j * 4 + p] = trans ? b[(j0 + j) * ldb + p0 + p] : b[(p0 + p) * ldb + j0 + j];
        }
      }
    }
  }
}

// sums[j] += sum over p < kc of B[p, j], j < nc.
void add_column_sums(const uint8_t* b, int64_t ldb, bool trans, int64_t kc, int64_t nc, int32_t* sums) {
  if (trans) {
    for (int64_t j = 0; j < nc; ++j) {
      int32_t s = 0;
      for (int64_t p = 0; p < kc; ++p) s += b[j * ldb + p];
      sums[j] += s;
    }
    return;
  }
  for (int64_t p = 0; p < kc; ++p) {
    const uint8_t* row = b + p * ldb;
    for (int64_t j = 0; j < nc; ++j) sums[j] += row[j];
  }
}

void gemm_columns(const LowbitWeights& w, const uint8_t* b, int64_t ldb, bool trans_b, int32_t b_zero_point,
                  int32_t* c, int64_t ldc, int64_t j_begin, int64_t j_end, const LowbitColumnsDone& done) {
  const LowbitLayout& l = w.layout;
  const GemmLowbitMicroKernel kernel = micro_kernel(l.format);
  // Bytes per k of one row panel: a nibble or a byte per row.
  const int64_t panel_k_bytes = l.format == LowbitFormat::kS4 ? kLowbitMr / 2 : kLowbitMr;
  thread_local std::vector<uint8_t> pb;
  thread_local std::vector<int32_t> col_sums;
  pb.resize(static_cast<size_t>(kKc * kNc));
  int32_t tile[kLowbitMr * kLowbitNr];
  for (int64_t jc = j_begin; jc < j_end; jc += kNc) {
    const int64_t nc = std::min(kNc, j_end - jc);
    col_sums.assign(static_cast<size_t>(nc), 0);
    for (int64_t pc = 0; pc < w.k; pc += kKc) {
      const int64_t kc = std::min(kKc, w.k - pc), kc_pad = (kc + 7) / 8 * 8;
      const uint8_t* bs = trans_b ? b + jc * ldb + pc : b + pc * ldb + jc;
      pack_b(bs, ldb, trans_b, kc, kc_pad, nc, pb.data());
      if (l.offset != 0) add_column_sums(bs, ldb, trans_b, kc, nc, col_sums.data());
      for (int64_t jr = 0; jr < nc; jr += kLowbitNr) {
        const uint8_t* bp = pb.data() + jr * kc_pad;
        const int64_t cols = std::min(kLowbitNr, nc - jr);
        for (int64_t ir = 0; ir < w.m; ir += kLowbitMr) {
          const uint8_t* wp = w.data.data() + (ir * w.k_pad + pc * kLowbitMr) / kLowbitMr * panel_k_bytes;
          const int64_t rows = std::min(kLowbitMr, w.m - ir);
          int32_t* ct = c + ir * ldc + jc + jr;
          if (rows == kLowbitMr && cols == kLowbitNr) {
            kernel(kc_pad / 4, l.group, wp, bp, ct, ldc, pc > 0);
            continue;
          }
          kernel(kc_pad / 4, l.group, wp, bp, tile, kLowbitNr, false);
          for (int64_t r = 0; r < rows; ++r) {
            for (int64_t q = 0; q < cols; ++q) ct[r * ldc + q] = (pc > 0 ? ct[r * ldc + q] : 0) + tile[r * kLowbitNr + q];
          }
        }
      }
    }
    for (int64_t i = 0; i < w.m; ++i) {
      const int32_t row_term = b_zero_point * w.row_sums[static_cast<size_t>(i)];
      int32_t* ci = c + i * ldc + jc;
      for (int64_t j = 0; j < nc; ++j) ci[j] -= l.offset * col_sums[static_cast<size_t>(j)] + row_term;
    }
    if (done) done(jc, jc + nc);
  }
}

}  // namespace

void gemm_lowbit(const LowbitWeights& w, const uint8_t* b, int64_t ldb, bool trans_b, int64_t n,
                 int32_t b_zero_point, int32_t* c, int64_t ldc, ThreadPool* threads, const LowbitColumnsDone& done) {
  if (w.m <= 0 || n <= 0) return;
  if (w.k <= 0) {
    for (int64_t i = 0; i < w.m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0);
    if (done) done(0, n);
    return;
  }
  const int64_t panels = (n + kLowbitNr - 1) / kLowbitNr;
  auto columns = [&](int64_t begin, int64_t end) {
    gemm_columns(w, b, ldb, trans_b, b_zero_point, c, ldc, begin * kLowbitNr, std::min(end * kLowbitNr, n), done);
  };
  if (threads && threads->num_threads() > 1 && panels > 1) {
    threads->parallel_for(panels, columns);
  } else {
    columns(0, panels);
  }
}

const char* gemm_lowbit_kernel_name() {
#if defined(__x86_64__)
  if (cpu_features().avx512_vnni) return "avx512_vnni_dpbusd_4x16";
  if (cpu_features().avx2_fma) return "avx2_maddubs_4x16";
#endif
  return "scalar_4x16";
}

}  // namespace qedge::fast
