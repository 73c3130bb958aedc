// The float GEMM: packing for gemm_blocking.h (A in 6-row panels, B in 16-column panels, zero-padded at edges).
#include <algorithm>

#include "gemm/gemm_blocking.h"
#include "gemm/gemm_f32_microkernel.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "qedge/cpu_fast/gemm_f32.h"

namespace qedge::fast {
namespace {

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
  if (!trans) {
    // Full 16-column panels copy rows whole; only the last panel may need zero padding.
    int64_t j0 = 0;
    for (; j0 + kGemmNr <= nc; j0 += kGemmNr) {
      for (int64_t p = 0; p < kc; ++p, out += kGemmNr) std::copy(b + p * ldb + j0, b + p * ldb + j0 + kGemmNr, out);
    }
    if (j0 == nc) return;
    b += j0;
    nc -= j0;
  }
  for (int64_t j0 = 0; j0 < nc; j0 += kGemmNr) {
    const int64_t cols = std::min<int64_t>(kGemmNr, nc - j0);
    for (int64_t p = 0; p < kc; ++p) {
      for (int64_t q = 0; q < kGemmNr; ++q) {
        *out++ = q >= cols ? 0.0f : trans ? b[(j0 + q) * ldb + p] : b[p * ldb + j0 + q];
      }
    }
  }
}

struct F32Traits {
  using In = float;
  using Out = float;
  using Kernel = GemmMicroKernel;
  static constexpr int64_t kKc = 256;
  static constexpr int64_t k_slots(int64_t kc) { return kc; }
  static constexpr int64_t kernel_k(int64_t kc) { return kc; }
  static void pack_a(const float* a, int64_t lda, int64_t mc, int64_t kc, float* out) { fast::pack_a(a, lda, mc, kc, out); }
  static void pack_b(const float* b, int64_t ldb, bool trans, int64_t kc, int64_t nc, float* out) {
    fast::pack_b(b, ldb, trans, kc, nc, out);
  }
};

}  // namespace

void gemm_f32(const GemmShape& s, const float* a, const float* b, float* c, bool accumulate, ThreadPool* threads) {
  gemm_blocked<F32Traits>(s, a, nullptr, b, c, accumulate, threads, micro_kernel());
}

void GemmF32PackedA::reserve(int64_t m, int64_t k) {
  const int64_t size = packed_a_size<F32Traits>(m, k);
  if (size != size_) {
    data_.reset(new float[static_cast<size_t>(size)]);
    size_ = size;
  }
  m_ = m, k_ = k, source_ = nullptr;
}

void GemmF32PackedA::pack(int64_t m, int64_t k, const float* a, int64_t lda, ThreadPool* threads) {
  reserve(m, k);
  GemmShape s;
  s.m = m, s.k = k, s.lda = lda;
  pack_a_whole<F32Traits>(s, a, data_.get(), threads);
  source_ = a, lda_ = lda;
}

void GemmF32ConstantA::prepare(const Tensor& t, int64_t count, int64_t m, int64_t k) {
  const float* a = t.data_as<float>();
  if (!t.constant || !t.has_value || a == nullptr || count <= 0 || m <= 0 || k <= 0) {
    packed_.clear();
    source_ = nullptr;
    return;
  }
  if (static_cast<int64_t>(packed_.size()) == count && packed_.front().holds(a, m, k, k)) return;
  packed_.resize(static_cast<size_t>(count));
  for (GemmF32PackedA& p : packed_) p.reserve(m, k);
  source_ = a, m_ = m, k_ = k;
}

void GemmF32ConstantA::pack_once(ThreadPool* threads) {
  for (size_t i = 0; i < packed_.size(); ++i) {
    const float* a = source_ + static_cast<int64_t>(i) * m_ * k_;
    if (!packed_[i].holds(a, m_, k_, k_)) packed_[i].pack(m_, k_, a, k_, threads);
  }
}

void gemm_f32_prepacked(const GemmShape& s, const GemmF32PackedA& a, const float* b, float* c, bool accumulate,
                        ThreadPool* threads) {
  const APanels<F32Traits> panels{a.data(), padded_panel_rows(a.m()), 0};
  gemm_blocked<F32Traits>(s, nullptr, &panels, b, c, accumulate, threads, micro_kernel());
}

void gemm_f32(const GemmShape& s, const float* a, const GemmF32PackedA* packed, const float* b, float* c,
              bool accumulate, ThreadPool* threads) {
  if (packed && packed->holds(a, s.m, s.k, s.lda)) {
    gemm_f32_prepacked(s, *packed, b, c, accumulate, threads);
  } else {
    gemm_f32(s, a, b, c, accumulate, threads);
  }
}

const char* gemm_f32_kernel_name() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return "avx2_fma_6x16";
#endif
  return "scalar_6x16";
}

}  // namespace qedge::fast
