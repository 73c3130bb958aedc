#include "depthwise_plane.h"

#include "qedge/cpu_fast/cpu_features.h"

namespace qedge::fast {

void depthwise_plane_f32(const DepthwisePlane& p) {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return depthwise_plane_f32_avx2_fma(p);
#endif
  depthwise_plane_f32_scalar(p);
}

bool depthwise_3x3(const ref::NnGeometry& g) {
  return g.kernel[0] == 1 && g.kernel[1] == 3 && g.kernel[2] == 3 && g.dilation[1] == 1 && g.dilation[2] == 1 &&
         (g.stride[1] == 1 || g.stride[1] == 2) && (g.stride[2] == 1 || g.stride[2] == 2);
}

void depthwise_3x3_padded_dims(const ref::NnGeometry& g, int64_t* rows, int64_t* cols) {
  const int64_t blocks = (g.out[2] + 7) / 8;
  *rows = (g.out[1] - 1) * g.stride[1] + 3;
  *cols = (blocks * 8 - 1) * g.stride[2] + 3;
}

int64_t depthwise_scratch_size(const ref::NnGeometry& g) {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma && depthwise_3x3(g)) {
    int64_t rows, cols;
    depthwise_3x3_padded_dims(g, &rows, &cols);
    return rows * cols;
  }
#endif
  return 0;
}

const char* depthwise_plane_kernel_name() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return "avx2_fma";
#endif
  return "scalar";
}

}  // namespace qedge::fast
