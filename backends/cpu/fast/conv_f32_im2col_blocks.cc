#include "conv_f32_im2col_blocks.h"

#include <algorithm>
#include <vector>

#include "activation_epilogue.h"
#include "im2col.h"
#include "qedge/cpu_fast/gemm_f32.h"

namespace qedge::fast {
namespace {

// Columns per block: resnet18's stem (k = 147) makes a 300 KB block, which stays in L2 between im2col and the GEMM.
constexpr int64_t kBlockColumns = 512;
// gemm_f32 packs weights up to this size once per call (PackedA in gemm/gemm_blocking.h), here once per block unless
// they come prepacked.
constexpr int64_t kPackedOnceBytes = 512 * 1024;

}  // namespace

bool im2col_blocks_apply(const ref::NnGeometry& g, int64_t maps, int64_t k) {
  return g.out[0] == 1 && g.out_size() >= maps && maps * k * static_cast<int64_t>(sizeof(float)) <= kPackedOnceBytes;
}

void conv_f32_im2col_blocks(const KernelContext& ctx, const ref::NnGeometry& g, const float* x, int64_t channels,
                            const float* w, const GemmF32PackedA* packed_w, const float* bias,
                            const ref::Activation& act, int64_t maps, float* y) {
  const int64_t k = channels * g.kernel_size(), out_w = g.out[2], out_size = g.out_size();
  const int64_t block_rows = std::max<int64_t>(1, kBlockColumns / std::max<int64_t>(out_w, 1));
  ctx.parallel_for(g.out[1], [&](int64_t begin, int64_t end) {
    thread_local std::vector<float> col;
    for (int64_t r0 = begin; r0 < end; r0 += block_rows) {
      const int64_t r1 = std::min(end, r0 + block_rows), cols = (r1 - r0) * out_w;
      col.resize(static_cast<size_t>(k * cols));
      im2col_block(g, x, 0, k, r0, r1, cols, col.data());
      GemmShape s;
      s.m = maps, s.n = cols, s.k = k;
      s.lda = k, s.ldb = cols, s.ldc = out_size;
      gemm_f32(s, w, packed_w, col.data(), y + r0 * out_w, false, nullptr);
      for (int64_t m = 0; m < maps; ++m) {
        bias_activation_rows(act, bias ? bias + m : nullptr, y + m * out_size + r0 * out_w, 1, cols);
      }
    }
  });
}

}  // namespace qedge::fast
