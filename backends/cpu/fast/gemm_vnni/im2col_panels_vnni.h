// B = im2col(x) of one image and group as a VNNI GEMM operand, packed panel by panel straight from the input planes
// (u8 levels, the zero point in the padding): no column matrix is written or read back.
#pragma once

#include "common/nn_geometry.h"
#include "qedge/cpu_fast/gemm_vnni.h"

namespace qedge::fast {

class VnniIm2colPanels final : public VnniPanelSource {
 public:
  // x: the group's first input plane (channel c's at x + c * g.in_size()).
  VnniIm2colPanels(const ref::NnGeometry& g, const uint8_t* x, uint8_t pad) : g_(g), x_(x), pad_(pad) {}
  void pack(int64_t p0, int64_t kc, int64_t kq, int64_t j0, int64_t cols, uint8_t* out) const override;

 private:
  const ref::NnGeometry& g_;
  const uint8_t* x_;
  uint8_t pad_;
};

}  // namespace qedge::fast
