// Dispatch and buffer sizes of the integer depthwise 3x3 kernels; the kernels themselves are in ISA-flagged files.
#include "depthwise_qplane.h"

#include <algorithm>

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
  *rows = (g.out[1] - 1) * g.stride[1] + 3;
  *cols = (g.out[2] - 1) * g.stride[2] + 3;
}

int64_t depthwise_qplane_scratch_size(const ref::NnGeometry& g) {
  int64_t rows, cols;
  depthwise_qplane_padded_dims(g, &rows, &cols);
  // The int16 kernel reads whole blocks, up to 16 values past a row's last column, and its padding stores spill up to
  // 16 past a row's end: past the last row, into this slack. The 8-bit kernel (half as many bytes a value) keeps rows
  // of up to 64 columns 16, 32 or 64 bytes apart, and reads and spills up to 67 bytes past the last.
  return rows * std::max<int64_t>(cols, 64) + 128;
}

void depthwise_qplane(const DepthwiseQPlane& p) {
#if defined(__x86_64__)
  // Taps outside int8 (weights whose zero point is off their range's middle) take the int16 kernel.
  if (cpu_features().avx512_vnni && std::all_of(p.w, p.w + 9, [](int16_t v) { return v >= -128 && v <= 127; })) {
    return depthwise_qplane_3x3_u8s8_vnni_avx512(p);
  }
  depthwise_qplane_3x3_avx2(p);
#else
  // depthwise_qplane_available is false without a kernel (the float plane kernels run instead), so nothing calls
  // this; a NEON kernel would be chosen here.
  (void)p;
#endif
}

const char* depthwise_qplane_kernel_name() {
#if defined(__x86_64__)
  if (cpu_features().avx512_vnni) return "u8s8_vnni_avx512";
  if (cpu_features().avx2_fma) return "avx2";
#endif
  return "none";
}

}  // namespace qedge::fast
