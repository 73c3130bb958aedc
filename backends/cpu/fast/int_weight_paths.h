// Which weight path a fast QConv/QMatMul layer takes, and the weights each path keeps across runs: XNOR-popcount for
// bipolar x bipolar layers, the VNNI GEMM on CPUs that have it for 8-bit weights that fit s8, the low-bit GEMM for
// weights that fit a byte layout, else the int16 GEMM.
#pragma once

#include <optional>

#include "gemm_vnni/vnni_ops.h"
#include "int_operands.h"
#include "lowbit_ops.h"
#include "xnor_ops.h"

namespace qedge::fast {

struct IntWeightPaths {
  bool xnor = false;
  bool vnni = false;
  std::optional<LowbitLayout> lowbit;
  XnorWeightsCache xnor_weights;
  LowbitWeightsCache lowbit_weights;
  VnniWeightsCache vnni_weights;
  AdjustedWeightsCache int16_weights;

  // Picks the path for a layer of dot products of length k; `gemm` false (a depthwise layer) rules out the VNNI and
  // low-bit GEMMs.
  void choose(const KernelContext& ctx, int64_t k, bool gemm) {
    xnor = xnor_applies(ctx);
    vnni = gemm && !xnor && vnni_applies(ctx, k);
    lowbit = gemm && !xnor && !vnni ? lowbit_layout_for(ctx, k) : std::nullopt;
  }
};

}  // namespace qedge::fast
