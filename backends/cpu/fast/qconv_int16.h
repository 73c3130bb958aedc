// The int16-GEMM branch of the fast QConv (8-bit levels; see int_operands.h): per image and group,
// acc[M/g, out] = W[M/g, C/g * kernel] * col (the int16 im2col of x - x_zero_point, 0 in the padding, or x itself for
// 1x1 convolutions) on the exact int16 GEMM, then the reference's epilogue, so results are bit-identical to the
// reference kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "requant.h"
#include "common/nn_geometry.h"
#include "qedge/cpu_fast/gemm_s16.h"

namespace qedge::fast {

class QConvInt16 {
 public:
  // Geometry and group from ref::nn_conv_prepare; the shapes from ctx. Grows this thread's buffers.
  void prepare(const KernelContext& ctx, const ref::NnGeometry& g, int64_t group);
  // `weights`: W minus its zero points, [M, C/g * kernel].
  void run(KernelContext& ctx, const std::vector<int16_t>& weights, const Requant& e);

 private:
  ref::NnGeometry g_;
  int64_t group_ = 1;
  bool pointwise_ = false;
  int64_t parts_ = 1;  // the thread count at prepare: chunks of large images are split into this many parts
  size_t xs_size_ = 0, col_size_ = 0, acc_size_ = 0;
  // A constant W's groups packed once for the GEMM (room reserved at prepare, packed by the first run).
  std::vector<GemmS16PackedA> packed_;
  const void* packed_source_ = nullptr;  // the constant weight packed_ holds (null: not packed yet)
};

}  // namespace qedge::fast
