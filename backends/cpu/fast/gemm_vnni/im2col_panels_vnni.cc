#include "gemm_vnni/im2col_panels_vnni.h"

#include <algorithm>
#include <cstdlib>

#include "gemm_vnni/gemm_vnni_microkernel.h"
#include "im2col_runs.h"

namespace qedge::fast {

void VnniIm2colPanels::pack(int64_t p0, int64_t kc, int64_t kq, int64_t j0, int64_t cols, uint8_t* out) const {
#if defined(__x86_64__)
  // The runs of the taps the k rows use (all of them unless kc < taps), once for all channels of the panel.
  thread_local Im2colPanelRuns runs;
  const int64_t taps = g_.kernel_size();
  runs.plan(g_, j0, cols, p0 % taps, std::min(taps, kc));
  const VnniIm2colPanel panel{x_, g_.in_size(), taps, g_.stride[2], runs.runs(), runs.per_tap(), runs.inside(), pad_};
  pack_im2col_panel_vnni_avx512(panel, p0, kc, kq, out);
#else
  (void)p0, (void)kc, (void)kq, (void)j0, (void)cols, (void)out;
  std::abort();  // gemm_vnni_available() is false off x86-64: callers never get here.
#endif
}

}  // namespace qedge::fast
