#include "depthwise_plane.h"

#include "qedge/cpu_fast/cpu_features.h"

namespace qedge::fast {

void depthwise_plane_f32(const DepthwisePlane& p) {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return depthwise_plane_f32_avx2_fma(p);
#endif
  depthwise_plane_f32_scalar(p);
}

const char* depthwise_plane_kernel_name() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return "avx2_fma";
#endif
  return "scalar";
}

}  // namespace qedge::fast
