// Float32 depthwise Conv: every (image, map) output plane is one task for depthwise_plane_f32.
#include <algorithm>
#include <vector>

#include "activation_epilogue.h"
#include "depthwise_conv.h"
#include "depthwise_plane.h"

namespace qedge::fast {

bool is_depthwise(const Tensor& x, const Tensor& w, int64_t group) {
  // From four maps per input channel on (a single-channel first layer, say), the GEMM path shares each im2col row
  // across the maps and is faster.
  return x.rank() >= 3 && w.rank() == x.rank() && group == x.shape[1] && group > 0 && w.shape[0] > 0 && w.shape[1] == 1 &&
         w.shape[0] % group == 0 && w.shape[0] / group < 4;
}

void depthwise_conv_f32(const KernelContext& ctx, const ref::NnGeometry& g, const Tensor& x, const Tensor& w,
                        const Tensor* b, Tensor& y, const ref::Activation& act) {
  const int64_t channels = x.shape[1], maps = w.shape[0], per_channel = maps / channels;
  const int64_t in_size = g.in_size(), out_size = g.out_size(), taps = g.kernel_size();
  ctx.parallel_for(x.shape[0] * maps, [&](int64_t begin, int64_t end) {
    // Per thread and only growing, so that runs after the first do not allocate.
    thread_local std::vector<float> scratch;
    scratch.resize(std::max(scratch.size(), static_cast<size_t>(depthwise_scratch_size(g))));
    for (int64_t nm = begin; nm < end; ++nm) {
      const int64_t n = nm / maps, m = nm % maps;
      DepthwisePlane p;
      p.g = &g;
      p.x = x.data_as<float>() + (n * channels + m / per_channel) * in_size;
      p.w = w.data_as<float>() + m * taps;
      p.bias = b != nullptr ? b->data_as<float>()[m] : 0.0f;
      p.scratch = scratch.data();
      p.y = y.data_as<float>() + nm * out_size;
      depthwise_plane_f32(p);
      bias_activation_rows(act, nullptr, p.y, 1, out_size);
    }
  });
}

}  // namespace qedge::fast
