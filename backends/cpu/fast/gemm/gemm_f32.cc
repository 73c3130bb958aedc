// BLIS-style blocking: columns of C in kNc slices, K in kKc slices (B slice packed into 16-column panels, kept
// in cache), rows in kMc slices (A slice packed into 6-row panels), then the 6 x 16 micro-kernel per tile.
// Edge tiles run the micro-kernel into a scratch tile and copy the valid part.
#include <algorithm>
#include <vector>

#include "gemm/gemm_f32_microkernel.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "qedge/cpu_fast/gemm_f32.h"

namespace qedge::fast {
namespace {

constexpr int64_t kKc = 256;
constexpr int64_t kMc = 72;
constexpr int64_t kNc = 2048;

GemmMicroKernel micro_kernel() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return gemm_f32_6x16_avx2_fma;
#endif
  return gemm_f32_6x16_scalar;
}

// A[0:mc, 0:kc] into 6-row panels, each kc steps of 6 floats (rows past mc are zero).
void pack_a(const float* a, int64_t lda, int64_t mc, int64_t kc, float* out) {
  for (int64_t i0 = 0; i0 < mc; i0 += kGemmMr) {
    const int64_t rows = std::min<int64_t>(kGemmMr, mc - i0);
    for (int64_t p = 0; p < kc; ++p) {
      for (int64_t r = 0; r < kGemmMr; ++r) *out++ = r < rows ? a[(i0 + r) * lda + p] : 0.0f;
    }
  }
}

// B[0:kc, 0:nc] into 16-column panels, each kc rows of 16 floats (columns past nc are zero).
void pack_b(const float* b, int64_t ldb, bool trans, int64_t kc, int64_t nc, float* out) {
  for (int64_t j0 = 0; j0 < nc; j0 += kGemmNr) {
    const int64_t cols = std::min<int64_t>(kGemmNr, nc - j0);
    for (int64_t p = 0; p < kc; ++p) {
      for (int64_t q = 0; q < kGemmNr; ++q) {
        *out++ = q >= cols ? 0.0f : trans ? b[(j0 + q) * ldb + p] : b[p * ldb + j0 + q];
      }
    }
  }
}

void gemm_columns(const GemmShape& s, const float* a, const float* b, float* c, bool accumulate, int64_t j_begin,
                  int64_t j_end, GemmMicroKernel kernel) {
  std::vector<float> pa(static_cast<size_t>(kMc * kKc));
  std::vector<float> pb(static_cast<size_t>(kKc * kNc));
  float tile[kGemmMr * kGemmNr];
  for (int64_t jc = j_begin; jc < j_end; jc += kNc) {
    const int64_t nc = std::min(kNc, j_end - jc);
    for (int64_t pc = 0; pc < s.k; pc += kKc) {
      const int64_t kc = std::min(kKc, s.k - pc);
      const bool acc = accumulate || pc > 0;
      pack_b(s.trans_b ? b + jc * s.ldb + pc : b + pc * s.ldb + jc, s.ldb, s.trans_b, kc, nc, pb.data());
      for (int64_t ic = 0; ic < s.m; ic += kMc) {
        const int64_t mc = std::min(kMc, s.m - ic);
        pack_a(a + ic * s.lda + pc, s.lda, mc, kc, pa.data());
        for (int64_t jr = 0; jr < nc; jr += kGemmNr) {
          const float* bp = pb.data() + (jr / kGemmNr) * kc * kGemmNr;
          const int64_t cols = std::min<int64_t>(kGemmNr, nc - jr);
          for (int64_t ir = 0; ir < mc; ir += kGemmMr) {
            const float* ap = pa.data() + (ir / kGemmMr) * kc * kGemmMr;
            const int64_t rows = std::min<int64_t>(kGemmMr, mc - ir);
            float* ct = c + (ic + ir) * s.ldc + jc + jr;
            if (rows == kGemmMr && cols == kGemmNr) {
              kernel(kc, ap, bp, ct, s.ldc, acc);
              continue;
            }
            kernel(kc, ap, bp, tile, kGemmNr, false);
            for (int64_t r = 0; r < rows; ++r) {
              for (int64_t q = 0; q < cols; ++q) ct[r * s.ldc + q] = (acc ? ct[r * s.ldc + q] : 0.0f) + tile[r * kGemmNr + q];
            }
          }
        }
      }
    }
  }
}

}  // namespace

void gemm_f32(const GemmShape& s, const float* a, const float* b, float* c, bool accumulate, ThreadPool* threads) {
  if (s.m <= 0 || s.n <= 0) return;
  if (s.k <= 0) {
    if (!accumulate) {
      for (int64_t i = 0; i < s.m; ++i) std::fill(c + i * s.ldc, c + i * s.ldc + s.n, 0.0f);
    }
    return;
  }
  const GemmMicroKernel kernel = micro_kernel();
  const int64_t panels = (s.n + kGemmNr - 1) / kGemmNr;
  auto columns = [&](int64_t begin, int64_t end) {
    gemm_columns(s, a, b, c, accumulate, begin * kGemmNr, std::min(end * kGemmNr, s.n), kernel);
  };
  if (threads && threads->num_threads() > 1 && panels > 1) {
    threads->parallel_for(panels, columns);
  } else {
    columns(0, panels);
  }
}

const char* gemm_f32_kernel_name() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return "avx2_fma_6x16";
#endif
  return "scalar_6x16";
}

}  // namespace qedge::fast
