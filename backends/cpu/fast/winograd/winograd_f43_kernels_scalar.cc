// Portable F(4x4, 3x3) transforms (also the reference the AVX2 build is tested against), and the filter transform.
#include "winograd/winograd_f43_transforms.h"

namespace qedge::fast {

void winograd_f43_input_tiles_scalar(const float* plane, const int64_t* base, int64_t row_stride, float* v,
                                     int64_t p_stride) {
  winograd_input_tiles(plane, base, row_stride, v, p_stride);
}

void winograd_f43_output_tiles_scalar(const float* y, int64_t p_stride, float bias, float* out) {
  winograd_output_tiles(y, p_stride, bias, out);
}

void winograd_f43_filter(const float* g, float* u) {
  static const double kG[6][3] = {{1.0 / 4, 0, 0},
                                  {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                  {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                  {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                  {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                  {0, 0, 1}};
  double gt[6][3];  // G g
  for (int a = 0; a < 6; ++a) {
    for (int j = 0; j < 3; ++j) gt[a][j] = kG[a][0] * g[j] + kG[a][1] * g[3 + j] + kG[a][2] * g[6 + j];
  }
  for (int a = 0; a < 6; ++a) {
    for (int b = 0; b < 6; ++b) {
      u[a * 6 + b] = static_cast<float>(gt[a][0] * kG[b][0] + gt[a][1] * kG[b][1] + gt[a][2] * kG[b][2]);
    }
  }
}

}  // namespace qedge::fast
