// B = im2col(x) of one image and group as a VNNI GEMM operand, packed panel by panel straight from the input planes
// (u8 levels, the zero point in the padding): no column matrix is written or read back.
#pragma once

#include "common/nn_geometry.h"
#include "qedge/cpu_fast/gemm_vnni.h"

namespace qedge::fast {

class VnniIm2colPanels final : public VnniPanelSource {
 public:
  // x: the group's first input plane of `channels` (channel c's at x + c * g.in_size()), its bytes XORed with flip
  // (0x80 for int8 levels); pad on the u8 scale. B's k rows in the order tap_major() gives.
  VnniIm2colPanels(const ref::NnGeometry& g, const uint8_t* x, int64_t channels, uint8_t pad, uint8_t flip)
      : g_(g), x_(x), channels_(channels), pad_(pad), flip_(flip), tap_major_(tap_major(g, channels)) {}
  void pack(int64_t p0, int64_t kc, int64_t kq, int64_t j0, int64_t cols, uint8_t* out) const override;

  // Whether k row tap * channels + c is channel c at that tap (tap-major), rather than row c * taps + tap: when the
  // kernel has several taps and channels come in fours, so that each quad of k is four channels at one tap and its
  // rows share their runs.
  static bool tap_major(const ref::NnGeometry& g, int64_t channels) {
    return g.kernel_size() > 1 && channels % 4 == 0;
  }

 private:
  const ref::NnGeometry& g_;
  const uint8_t* x_;
  int64_t channels_;
  uint8_t pad_;
  uint8_t flip_;
  bool tap_major_;
};

}  // namespace qedge::fast
