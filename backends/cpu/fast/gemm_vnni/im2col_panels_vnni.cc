#include "gemm_vnni/im2col_panels_vnni.h"

#include <algorithm>
#include <cstdlib>

#include "gemm_vnni/gemm_vnni_microkernel.h"
#include "im2col_runs.h"

namespace qedge::fast {

void VnniIm2colPanels::pack(int64_t p0, int64_t kc, int64_t kq, int64_t j0, int64_t cols, uint8_t* out) const {
#if defined(__x86_64__)
  // The runs of the taps the k rows use, once for all channels of the panel: channel-major, all of them unless
  // kc < taps; tap-major, those from row p0's to row p0 + kc - 1's.
  thread_local Im2colPanelRuns runs;
  const int64_t taps = g_.kernel_size();
  if (tap_major_) {
    runs.plan(g_, j0, cols, p0 / channels_, (p0 + kc - 1) / channels_ - p0 / channels_ + 1);
  } else {
    runs.plan(g_, j0, cols, p0 % taps, std::min(taps, kc));
  }
  VnniIm2colPanel panel;
  panel.x = x_, panel.in_size = g_.in_size(), panel.taps = taps, panel.channels = channels_;
  panel.tap_major = tap_major_, panel.stride = g_.stride[2];
  panel.runs = runs.runs(), panel.per_tap = runs.per_tap(), panel.inside = runs.inside();
  panel.pad = pad_, panel.flip = flip_;
  pack_im2col_panel_vnni_avx512(panel, p0, kc, kq, out);
#else
  (void)p0, (void)kc, (void)kq, (void)j0, (void)cols, (void)out;
  std::abort();  // gemm_vnni_available() is false off x86-64: callers never get here.
#endif
}

}  // namespace qedge::fast
