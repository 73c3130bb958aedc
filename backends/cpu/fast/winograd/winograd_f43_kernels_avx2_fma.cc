// The F(4x4, 3x3) transforms compiled with -mavx2 -mfma: the lane loops become 8-wide vector code. Only called
// when cpu_features() says so.
#include "winograd/winograd_f43_transforms.h"

namespace qedge::fast {

void winograd_f43_input_tiles_avx2_fma(const float* plane, const int64_t* base, int64_t row_stride, float* v,
                                       int64_t p_stride) {
  winograd_input_tiles(plane, base, row_stride, v, p_stride);
}

void winograd_f43_output_tiles_avx2_fma(const float* y, int64_t p_stride, float bias, float* out) {
  winograd_output_tiles(y, p_stride, bias, out);
}

}  // namespace qedge::fast
