// Portable low-bit micro-kernels (also the reference the AVX2 ones are tested against). Sums are exact in int32,
// which equals the AVX2 kernels' int16 partial sums wherever the layout's bound holds.
#include "gemm_lowbit/gemm_lowbit_microkernel.h"

namespace qedge::fast {
namespace {

// Weight p (0..3) of row r in quad q.
int32_t s8_weight(const uint8_t* w, int64_t q, int64_t r, int64_t p) {
  return static_cast<int8_t>(w[q * 16 + r * 4 + p]);
}
int32_t s4_weight(const uint8_t* w, int64_t q, int64_t r, int64_t p) {
  const uint8_t byte = w[q / 2 * 16 + r * 4 + p];
  return q % 2 == 0 ? byte & 0x0F : byte >> 4;
}

template <int32_t (*Weight)(const uint8_t*, int64_t, int64_t, int64_t)>
void micro_kernel(int64_t kq, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc, bool accumulate) {
  int32_t acc[kLowbitMr][kLowbitNr] = {};
  for (int64_t q = 0; q < kq; ++q) {
    for (int64_t r = 0; r < kLowbitMr; ++r) {
      for (int64_t j = 0; j < kLowbitNr; ++j) {
        for (int64_t p = 0; p < 4; ++p) acc[r][j] += Weight(w, q, r, p) * b[q * 64 + j * 4 + p];
      }
    }
  }
  for (int64_t r = 0; r < kLowbitMr; ++r) {
    for (int64_t j = 0; j < kLowbitNr; ++j) c[r * ldc + j] = (accumulate ? c[r * ldc + j] : 0) + acc[r][j];
  }
}

}  // namespace

void gemm_u8s8_4x16_scalar(int64_t kq, int64_t, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                           bool accumulate) {
  micro_kernel<s8_weight>(kq, w, b, c, ldc, accumulate);
}

void gemm_u8s4_4x16_scalar(int64_t kq, int64_t, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                           bool accumulate) {
  micro_kernel<s4_weight>(kq, w, b, c, ldc, accumulate);
}

}  // namespace qedge::fast
