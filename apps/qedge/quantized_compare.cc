#include "quantized_compare.h"

#include <algorithm>
#include <cmath>

namespace qedge::cli {

namespace {

// The node of graph `g` that writes tensor `index`, or null.
const fb::Node* producer(const fb::Graph& g, int32_t index) {
  if (!g.nodes()) return nullptr;
  for (const fb::Node* n : *g.nodes()) {
    if (n->outputs() && std::find(n->outputs()->begin(), n->outputs()->end(), index) != n->outputs()->end()) return n;
  }
  return nullptr;
}

}  // namespace

std::vector<OutputStep> output_steps(const fb::Model& m) {
  std::vector<OutputStep> steps;
  const fb::Graph& g = *m.graphs()->Get(0);
  if (!g.outputs()) return steps;
  for (int32_t out : *g.outputs()) {
    const fb::Tensor* t = m.tensors()->Get(out);
    const fb::Node* n = producer(g, out);
    if (n && n->op_type()->str() == "Dequantize" && n->domain() && n->domain()->str() == "qedge" && n->inputs() &&
        n->inputs()->size() > 0 && n->inputs()->Get(0) >= 0) {
      t = m.tensors()->Get(n->inputs()->Get(0));
    }
    OutputStep step;
    if (t->quant() && t->quant()->scale() && t->quant()->scale()->size() > 0) {
      const double levels_apart = t->quant()->bipolar() ? 2.0 : 1.0;
      for (float sc : *t->quant()->scale()) step.scale.push_back(levels_apart * sc);
      step.axis = t->quant()->axis();
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

StepDiff diff_in_steps(const std::vector<double>& actual, const std::vector<double>& expected, const Dims& dims,
                       const OutputStep& step, const Tolerance& tol) {
  StepDiff d;
  d.total = static_cast<int64_t>(expected.size());
  const int rank = static_cast<int>(dims.size());
  int axis = -1;
  int64_t inner = 1;
  if (step.scale.size() != 1) {
    axis = step.axis < 0 ? step.axis + rank : step.axis;
    if (axis < 0 || axis >= rank || dims[axis] != static_cast<int64_t>(step.scale.size())) {
      d.error = "its quantization record has " + std::to_string(step.scale.size()) + " scales along axis " +
                std::to_string(step.axis) + ", which does not fit shape " + dims_to_string(dims);
      return d;
    }
    for (int k = axis + 1; k < rank; ++k) inner *= dims[k];
  }
  for (double s : step.scale) {
    if (!(std::isfinite(s) && s > 0)) {
      d.error = "its quantization scale " + std::to_string(s) + " is not a positive finite step";
      return d;
    }
  }
  for (int64_t i = 0; i < d.total; ++i) {
    const double a = actual[i], e = expected[i];
    if (std::isnan(a) && std::isnan(e)) continue;
    if (std::isinf(e) && a == e) continue;
    const double diff = std::fabs(a - e);
    if (diff <= tol.atol + tol.rtol * std::fabs(e)) continue;
    const double s = axis < 0 ? step.scale[0] : step.scale[(i / inner) % dims[axis]];
    const double steps = std::isnan(diff) ? INFINITY : diff / s;
    ++d.differing;
    if (d.worst < 0 || steps > d.max_steps) {
      d.max_steps = steps;
      d.worst = i;
    }
  }
  return d;
}

ArgmaxCheck compare_argmax(const std::vector<double>& actual, const std::vector<double>& expected, const Dims& dims) {
  ArgmaxCheck c;
  const int64_t n = static_cast<int64_t>(expected.size());
  const int64_t row = dims.empty() ? 1 : dims.back();
  if (row <= 0 || n == 0) return c;
  c.rows = n / row;
  for (int64_t r = 0; r < c.rows; ++r) {
    const double* a = actual.data() + r * row;
    const double* e = expected.data() + r * row;
    int64_t best = 0;
    double expected_max = e[0];
    for (int64_t k = 1; k < row; ++k) {
      if (a[k] > a[best]) best = k;
      if (e[k] > expected_max) expected_max = e[k];
    }
    if (!(e[best] == expected_max)) ++c.mismatched;
  }
  return c;
}

}  // namespace qedge::cli
