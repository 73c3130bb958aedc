// Portable integer Winograd F(2x2, 3x3) kernels (also the reference the AVX2 ones are tested against). Sums are
// uint32 so that they wrap like the AVX2 lanes (winograd_int_kernels.h says why wrapping is exact).
#include "winograd_int/winograd_int_kernels.h"

namespace qedge::fast {

void winograd_int_filter(const int16_t* g, int32_t* u) {
  // t = (2G) g with 2G = [[2, 0, 0], [1, 1, 1], [1, -1, 1], [0, 0, 2]], then u = t (2G)^T.
  int32_t t[4][3];
  for (int j = 0; j < 3; ++j) {
    const int32_t g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
    t[0][j] = 2 * g0, t[1][j] = g0 + g1 + g2, t[2][j] = g0 - g1 + g2, t[3][j] = 2 * g2;
  }
  for (int i = 0; i < 4; ++i) {
    const int32_t t0 = t[i][0], t1 = t[i][1], t2 = t[i][2];
    u[i * 4 + 0] = 2 * t0, u[i * 4 + 1] = t0 + t1 + t2, u[i * 4 + 2] = t0 - t1 + t2, u[i * 4 + 3] = 2 * t2;
  }
}

void winograd_int_input_tile_scalar(const int16_t* d, int64_t row_stride, int64_t channels, int16_t* v,
                                    int64_t p_stride) {
  for (int64_t c = 0; c < channels; ++c) {
    int32_t w[4][4], t[4][4];
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) w[i][j] = d[i * row_stride + j * channels + c];
    }
    // t = B^T w (rows), then V = t B (columns); B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]].
    for (int j = 0; j < 4; ++j) {
      t[0][j] = w[0][j] - w[2][j], t[1][j] = w[1][j] + w[2][j];
      t[2][j] = w[2][j] - w[1][j], t[3][j] = w[1][j] - w[3][j];
    }
    for (int i = 0; i < 4; ++i) {
      v[(i * 4 + 0) * p_stride + c] = static_cast<int16_t>(t[i][0] - t[i][2]);
      v[(i * 4 + 1) * p_stride + c] = static_cast<int16_t>(t[i][1] + t[i][2]);
      v[(i * 4 + 2) * p_stride + c] = static_cast<int16_t>(t[i][2] - t[i][1]);
      v[(i * 4 + 3) * p_stride + c] = static_cast<int16_t>(t[i][1] - t[i][3]);
    }
  }
}

void winograd_int_gemm_4x16_scalar(int64_t kp, const int16_t* a, int64_t lda, const int16_t* b, int32_t* c,
                                   int64_t ldc) {
  for (int r = 0; r < kWinoIntMr; ++r) {
    uint32_t acc[kWinoIntNr] = {};
    const int16_t* ar = a + r * lda;
    for (int64_t p = 0; p < kp; ++p) {
      const int32_t a0 = ar[2 * p], a1 = ar[2 * p + 1];
      const int16_t* bp = b + p * 2 * kWinoIntNr;
      for (int j = 0; j < kWinoIntNr; ++j) {
        acc[j] += static_cast<uint32_t>(a0 * bp[2 * j]) + static_cast<uint32_t>(a1 * bp[2 * j + 1]);
      }
    }
    for (int j = 0; j < kWinoIntNr; ++j) c[r * ldc + j] = static_cast<int32_t>(acc[j]);
  }
}

void winograd_int_output_tile_scalar(const int32_t* m, int64_t p_stride, int64_t maps, int32_t* out) {
  for (int64_t k = 0; k < maps; ++k) {
    uint32_t s[4][4], t[2][4];
    for (int p = 0; p < kWinoIntPositions; ++p) s[p / 4][p % 4] = static_cast<uint32_t>(m[p * p_stride + k]);
    // t = A^T s (rows), then Y = t A (columns); A^T = [[1, 1, 1, 0], [0, 1, -1, -1]].
    for (int j = 0; j < 4; ++j) t[0][j] = s[0][j] + s[1][j] + s[2][j], t[1][j] = s[1][j] - s[2][j] - s[3][j];
    for (int i = 0; i < 2; ++i) {
      // The wrapped sum is 4x an int32 result: as int32 it divides by 4 exactly.
      out[(2 * i) * maps + k] = static_cast<int32_t>(t[i][0] + t[i][1] + t[i][2]) / 4;
      out[(2 * i + 1) * maps + k] = static_cast<int32_t>(t[i][1] - t[i][2] - t[i][3]) / 4;
    }
  }
}

}  // namespace qedge::fast
