// A zoo eval set (inputs.npy float32 [N, ...], labels.npy int64 [N]) and top-1 predictions of a model on it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qedge/kernel_api/status.h"
#include "qedge/kernel_api/tensor.h"
#include "qedge/qedge.hpp"

namespace qedge::cli::bench {

struct EvalSet {
  std::string dir;
  TensorData inputs;              // float32 [N, ...]
  std::vector<int64_t> labels;    // N
  size_t size() const { return labels.size(); }
};

Result<EvalSet> read_eval_set(const std::string& dir);

// The argmax of output 0 for every sample, run one at a time through the session's single input (each sample
// reshaped to the input's declared shape, dynamic dims = 1).
Result<std::vector<int64_t>> predict(Session& session, const EvalSet& set);

// predict() for a model file (.onnx converted with the cpu backend, or .qedge) in a session of its own.
Result<std::vector<int64_t>> predict_file(const std::string& model_path, const EvalSet& set, int threads);

// How many of `predicted` equal `expected` (same length).
size_t count_equal(const std::vector<int64_t>& predicted, const std::vector<int64_t>& expected);

}  // namespace qedge::cli::bench
