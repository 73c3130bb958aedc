// One `qedge bench` measurement (a model on a backend) and its JSON form, which is both the --json output and what a
// measuring child process hands back to the parent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qedge::cli::bench {

struct OpTime {
  std::string op;
  double ms = 0;
  double share = 0;   // of the profiled run's total node time, 0..1
};

struct Record {
  std::string model;              // zoo entry name, or the MODEL argument's file name
  std::string path;
  std::string entry;              // zoo entry whose eval set and metadata apply ("" for none)
  std::string backend;            // requested backend; for a .qedge input, the backends its nodes ran on
  int threads = 1;
  int runs = 0;
  std::optional<double> convert_ms;   // null for .qedge inputs
  double load_ms = 0, first_ms = 0, median_ms = 0, p90_ms = 0;
  double peak_rss_mb = 0;
  uint64_t arena_bytes = 0;
  uint64_t file_bytes = 0;
  std::optional<uint64_t> onnx_bytes;
  std::optional<double> accuracy;
  std::optional<size_t> samples, correct;
  std::optional<double> recorded_accuracy;
  std::optional<double> float_agreement;
  std::vector<OpTime> top_ops;
  std::string format, family;
  std::optional<int> weight_bits, act_bits;
  std::optional<double> ort_median_ms, ratio_vs_ort;
  std::optional<double> ort_load_ms, ort_peak_rss_mb;  // ONNX Runtime's session creation and peak RSS (see peer.h)
  // Internal (child -> parent), not written out:
  std::vector<int64_t> predictions;   // eval-set argmax per sample, for float_agreement
  std::vector<std::string> input_specs;  // "name=1x3x8x8" per model input, for the peer runtime
};

// with_internal: include the internal fields (child -> parent); the public JSON leaves them out.
nlohmann::json to_json(const Record& r, bool with_internal = false);
Record from_json(const nlohmann::json& j);

}  // namespace qedge::cli::bench
