#include "depthwise_qplane.h"

#include "depthwise_plane.h"
#include "qedge/cpu_fast/cpu_features.h"

namespace qedge::fast {

bool depthwise_qplane_available(const ref::NnGeometry& g) {
#if defined(__x86_64__)
  return cpu_features().avx2_fma && depthwise_3x3(g);
#else
  (void)g;
  return false;
#endif
}

void depthwise_qplane_padded_dims(const ref::NnGeometry& g, int64_t* rows, int64_t* cols) {
  const int64_t blocks = (g.out[2] + 15) / 16;
  *rows = (g.out[1] - 1) * g.stride[1] + 3;
  // A block of 16 outputs at stride s reads 16 * s + 3 columns from its start (stride 1: four loads of 16 from
  // offsets 0..3; stride 2: two vectors of eight outputs, each reading 18 columns).
  *cols = (blocks * 16 * g.stride[2] + 3 + 15) / 16 * 16;
}

int64_t depthwise_qplane_scratch_size(const ref::NnGeometry& g) {
  int64_t rows, cols;
  depthwise_qplane_padded_dims(g, &rows, &cols);
  // The padding stores of the last row may spill 16 values past it.
  return rows * cols + 16;
}

void depthwise_qplane(const DepthwiseQPlane& p) {
#if defined(__x86_64__)
  depthwise_qplane_3x3_avx2(p);
#else
  (void)p;
#endif
}

}  // namespace qedge::fast
