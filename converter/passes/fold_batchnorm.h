// What the BatchNormalization folds share (fold_batchnorm.cc: the pass and the Conv fold; fold_batchnorm_gemm.cc:
// the Gemm / MatMul fold).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qedge::conv {

// An inference BatchNormalization per channel c: y = (x - mean[c]) * scale[c] + beta[c], scale = gamma / sqrt(var +
// eps) computed in double.
struct BatchNormMap {
  std::vector<double> scale, mean, beta;
  // The bias that replaces bias b of a producer whose channel c the normalization reads.
  double folded_bias(int64_t c, double b) const { return (b - mean[c]) * scale[c] + beta[c]; }
};

// The map of main-graph BatchNormalization `bn` when it may fold into the producer of its input: inference mode
// (training_mode off, training outputs unread), the input read by `bn` alone and no graph output, and gamma, beta,
// mean and var constant 1-D with `channels` values each; nullopt otherwise.
std::optional<BatchNormMap> foldable_batchnorm(const IrModel& model, const IrNode& bn, int64_t channels);

// Adds a float32 constant of `shape` holding `values` (rounded to float) and returns its index.
int add_float_constant(IrModel& model, const std::string& name, const Dims& shape, const std::vector<double>& values);

// Folds `bn` into `producer` when it is a float Gemm, or a MatMul of a 2-D input by a constant 2-D weight (which
// becomes a Gemm), that qualifies; true when it did.
bool fold_batchnorm_into_gemm(IrModel& model, IrNode& producer, const IrNode& bn);

}  // namespace qedge::conv
