// Float convolution as GEMMs over blocks of output rows: each thread takes a run of output rows and, a few rows at a
// time, writes just those rows' im2col columns into a buffer of its own that stays in cache, then multiplies it.
// The whole column matrix (7 MB for resnet18's 7x7 stem) is never written, and no thread waits for another's im2col.
#pragma once

#include <cstdint>

#include "common/activation.h"
#include "common/nn_geometry.h"
#include "qedge/cpu_fast/gemm_f32.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

// Whether conv_f32_im2col_blocks suits a group of `maps` maps with `k` = channels * taps: 1-D or 2-D geometry,
// weights small enough that packing them once per block costs little, and at least as many output positions as
// maps (else the GEMM's row split over the whole column matrix balances better).
bool im2col_blocks_apply(const ref::NnGeometry& g, int64_t maps, int64_t k);

// y[maps, out_size] = act(w[maps, channels * taps] * im2col(x)[channels * taps, out_size] + bias), output rows split
// across ctx's threads, the bias (may be null) and activation applied to each block while it is in cache. `packed_w`
// (may be null) is w packed ahead (a constant weight); else each block packs w. Each output's sum runs in the same
// order as gemm_f32 on the whole column matrix.
void conv_f32_im2col_blocks(const KernelContext& ctx, const ref::NnGeometry& g, const float* x, int64_t channels,
                            const float* w, const GemmF32PackedA* packed_w, const float* bias,
                            const ref::Activation& act, int64_t maps, float* y);

}  // namespace qedge::fast
