// Comparisons for quantized outputs in `qedge conform`: differences measured in quantization steps, and argmax
// agreement for classifiers.
//
// Where the integer pipeline and the float fake-quant reference can legitimately differ (a value exactly on a
// rounding tie after float error), they differ by one quantization step; more than one step is a real error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conformance.h"
#include "qedge/format/format.h"
#include "qedge/kernel_api/shape.h"

namespace qedge::cli {

// The grid of a quantized output: one step per tensor, or one per element along `axis`. Empty when the output
// is not quantized.
struct OutputStep {
  std::vector<double> scale;
  int axis = -1;
};

// The step of each main-graph output of a converted model: the quantization record of the integer tensor that a
// qedge::Dequantize node turns into the output, else the output's own record. A bipolar tensor's two levels are
// +-scale, so its step is 2 * scale. An output without a record gets an empty step.
std::vector<OutputStep> output_steps(const fb::Model& m);

// A difference of at most this many steps is a one-step difference (float slack on 1).
constexpr double kOneStep = 1.0001;

struct StepDiff {
  std::string error;        // the step does not fit the output (empty when it does)
  int64_t differing = 0;    // elements outside the tolerance
  int64_t total = 0;
  double max_steps = 0;     // largest difference among them, in steps
  int64_t worst = -1;       // index of that element
  bool within_one_step() const { return error.empty() && max_steps <= kOneStep; }
};

// Elements of `actual` and `expected` (same count, shape `dims`) that fail |a - e| <= atol + rtol * |e| measured
// in units of `step`. NaN against NaN and equal infinities agree; any other NaN or infinity is an infinite difference.
StepDiff diff_in_steps(const std::vector<double>& actual, const std::vector<double>& expected, const Dims& dims,
                       const OutputStep& step, const Tolerance& tol);

struct ArgmaxCheck {
  int64_t rows = 0;
  int64_t mismatched = 0;   // rows whose actual argmax is not a maximum of the expected row
};

// Argmax along the last axis, row by row (a rank-0 or rank-1 output is one row). A tie for the maximum in the
// expected row accepts any of the tied positions.
ArgmaxCheck compare_argmax(const std::vector<double>& actual, const std::vector<double>& expected, const Dims& dims);

}  // namespace qedge::cli
