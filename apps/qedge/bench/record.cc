#include "bench/record.h"

namespace qedge::cli::bench {
namespace {

using nlohmann::json;

template <typename T>
json optional_json(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

template <typename T>
std::optional<T> optional_value(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

std::string text_or_empty(const json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? "" : it->get<std::string>();
}

}  // namespace

json to_json(const Record& r, bool with_internal) {
  json ops = json::array();
  for (const OpTime& o : r.top_ops) ops.push_back({{"op", o.op}, {"ms", o.ms}, {"share", o.share}});
  json j = {
      {"model", r.model},
      {"path", r.path},
      {"entry", r.entry.empty() ? json(nullptr) : json(r.entry)},
      {"backend", r.backend},
      {"threads", r.threads},
      {"runs", r.runs},
      {"convert_ms", optional_json(r.convert_ms)},
      {"load_ms", r.load_ms},
      {"first_ms", r.first_ms},
      {"median_ms", r.median_ms},
      {"p90_ms", r.p90_ms},
      {"peak_rss_mb", r.peak_rss_mb},
      {"arena_bytes", r.arena_bytes},
      {"file_bytes", r.file_bytes},
      {"onnx_bytes", optional_json(r.onnx_bytes)},
      {"accuracy", optional_json(r.accuracy)},
      {"samples", optional_json(r.samples)},
      {"correct", optional_json(r.correct)},
      {"recorded_accuracy", optional_json(r.recorded_accuracy)},
      {"float_agreement", optional_json(r.float_agreement)},
      {"top_ops", ops},
      {"format", r.format.empty() ? json(nullptr) : json(r.format)},
      {"family", r.family.empty() ? json(nullptr) : json(r.family)},
      {"weight_bits", optional_json(r.weight_bits)},
      {"act_bits", optional_json(r.act_bits)},
      {"ort_median_ms", optional_json(r.ort_median_ms)},
      {"ratio_vs_ort", optional_json(r.ratio_vs_ort)},
      {"ort_load_ms", optional_json(r.ort_load_ms)},
      {"ort_peak_rss_mb", optional_json(r.ort_peak_rss_mb)},
  };
  if (with_internal) {
    j["predictions"] = r.predictions;
    j["input_specs"] = r.input_specs;
  }
  return j;
}

Record from_json(const json& j) {
  Record r;
  r.model = j.at("model").get<std::string>();
  r.path = text_or_empty(j, "path");
  r.entry = text_or_empty(j, "entry");
  r.backend = j.at("backend").get<std::string>();
  r.threads = j.at("threads").get<int>();
  r.runs = j.at("runs").get<int>();
  r.convert_ms = optional_value<double>(j, "convert_ms");
  r.load_ms = j.at("load_ms").get<double>();
  r.first_ms = j.at("first_ms").get<double>();
  r.median_ms = j.at("median_ms").get<double>();
  r.p90_ms = j.at("p90_ms").get<double>();
  r.peak_rss_mb = j.at("peak_rss_mb").get<double>();
  r.arena_bytes = j.at("arena_bytes").get<uint64_t>();
  r.file_bytes = j.at("file_bytes").get<uint64_t>();
  r.onnx_bytes = optional_value<uint64_t>(j, "onnx_bytes");
  r.accuracy = optional_value<double>(j, "accuracy");
  r.samples = optional_value<size_t>(j, "samples");
  r.correct = optional_value<size_t>(j, "correct");
  r.recorded_accuracy = optional_value<double>(j, "recorded_accuracy");
  r.float_agreement = optional_value<double>(j, "float_agreement");
  for (const json& o : j.at("top_ops")) r.top_ops.push_back({o.at("op"), o.at("ms"), o.at("share")});
  r.format = text_or_empty(j, "format");
  r.family = text_or_empty(j, "family");
  r.weight_bits = optional_value<int>(j, "weight_bits");
  r.act_bits = optional_value<int>(j, "act_bits");
  r.ort_median_ms = optional_value<double>(j, "ort_median_ms");
  r.ratio_vs_ort = optional_value<double>(j, "ratio_vs_ort");
  r.ort_load_ms = optional_value<double>(j, "ort_load_ms");
  r.ort_peak_rss_mb = optional_value<double>(j, "ort_peak_rss_mb");
  if (auto it = j.find("predictions"); it != j.end()) r.predictions = it->get<std::vector<int64_t>>();
  if (auto it = j.find("input_specs"); it != j.end()) r.input_specs = it->get<std::vector<std::string>>();
  return r;
}

}  // namespace qedge::cli::bench
