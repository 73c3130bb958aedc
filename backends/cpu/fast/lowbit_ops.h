// The GEMM branches of the fast QConv and QMatMul on the low-bit GEMM, for layers lowbit_layout_for accepts.
// Results are bit-identical to the reference kernels (exact integer sums, the same epilogue).
#pragma once

#include "requant.h"
#include "common/nn_geometry.h"
#include "lowbit_operands.h"

namespace qedge::fast {

// QConv per image and group: W' x im2col(X on the u8 scale, padded with its zero point), then the epilogue.
Status run_qconv_lowbit(KernelContext& ctx, const ref::NnGeometry& g, int64_t group, const LowbitLayout& layout,
                        const Requant& epilogue, LowbitWeightsCache& cache);

// QMatMul as Y^T = W'^T X^T (the weights are the packed operand), transposed back row by row into the epilogue.
Status run_qmatmul_lowbit(KernelContext& ctx, int64_t k, int64_t n, bool trans_b, const LowbitLayout& layout,
                          const Requant& epilogue, LowbitWeightsCache& cache);

}  // namespace qedge::fast
