#include "bench/writers.h"

#include <fstream>
#include <optional>

namespace qedge::cli::bench {
namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

template <typename T>
std::string cell(const std::optional<T>& v, const char* format = "%.4g") {
  return v ? fmt(format, static_cast<double>(*v)) : "-";
}

std::string bits_label(const Record& r) {
  if (!r.weight_bits && !r.act_bits) return r.format == "float" ? "float" : "-";
  return "w" + (r.weight_bits ? std::to_string(*r.weight_bits) : std::string("?")) + "a" +
         (r.act_bits ? std::to_string(*r.act_bits) : std::string("?"));
}

// The CSV columns, in order; each reads its value from the record's JSON form so CSV and JSON cannot disagree.
const char* const kCsvColumns[] = {
    "model", "path", "entry", "backend", "threads", "runs", "convert_ms", "load_ms", "first_ms", "median_ms",
    "p90_ms", "peak_rss_mb", "arena_bytes", "file_bytes", "onnx_bytes", "accuracy", "samples", "correct",
    "recorded_accuracy", "float_agreement", "format", "family", "weight_bits", "act_bits", "ort_median_ms",
    "ratio_vs_ort", "ort_load_ms", "ort_peak_rss_mb", "top_ops"};

std::string csv_value(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string s;
    for (const auto& o : v) {
      s += (s.empty() ? "" : ";") + o.at("op").get<std::string>() + ":" + o.at("ms").dump() + ":" + o.at("share").dump();
    }
    return s;
  }
  return v.dump();
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

void print_table(std::FILE* out, const std::vector<Record>& records) {
  std::fprintf(out, "%-24s %-8s %-6s %3s %9s %8s %9s %10s %9s %8s %9s %9s %9s %8s %8s %9s %7s %9s %7s\n", "model",
               "backend", "bits", "thr", "convert", "load", "first", "median", "p90", "RSS MB", "arena B", "file B",
               "onnx B", "accuracy", "vs float", "ORT med", "vs ORT", "ORT load", "ORT RSS");
  for (const Record& r : records) {
    std::fprintf(out, "%-24s %-8s %-6s %3d %9s %8.3f %9.3f %10.4f %9.4f %8.1f %9llu %9llu %9s %8s %8s %9s %7s %9s %7s\n",
                 r.model.c_str(), r.backend.c_str(), bits_label(r).c_str(), r.threads,
                 cell(r.convert_ms, "%.2f").c_str(), r.load_ms, r.first_ms, r.median_ms, r.p90_ms, r.peak_rss_mb,
                 static_cast<unsigned long long>(r.arena_bytes), static_cast<unsigned long long>(r.file_bytes),
                 cell(r.onnx_bytes, "%.0f").c_str(), cell(r.accuracy, "%.4f").c_str(),
                 cell(r.float_agreement, "%.4f").c_str(), cell(r.ort_median_ms, "%.4f").c_str(),
                 r.ratio_vs_ort ? fmt("%.2fx", *r.ratio_vs_ort).c_str() : "-", cell(r.ort_load_ms, "%.2f").c_str(),
                 cell(r.ort_peak_rss_mb, "%.1f").c_str());
  }
  std::fprintf(out, "(times in ms: convert, load = file to ready session, first run, median and p90 of the timed runs;\n"
                    " ORT load = ONNX Runtime session creation, ORT RSS = its peak RSS in MB above node's own)\n");
  std::fprintf(out, "\ntop ops by time (profiled pass; share of node time)\n");
  for (const Record& r : records) {
    std::string ops;
    for (const OpTime& o : r.top_ops) {
      ops += (ops.empty() ? "" : ", ") + o.op + " " + fmt("%.4f", o.ms) + " ms " + fmt("%.1f%%", 100 * o.share);
    }
    std::fprintf(out, "  %-24s %-8s %s\n", r.model.c_str(), r.backend.c_str(), ops.c_str());
  }
}

Status write_json(const std::string& path, const std::vector<Record>& records) {
  nlohmann::json list = nlohmann::json::array();
  for (const Record& r : records) list.push_back(to_json(r));
  std::ofstream f(path);
  if (!f) return IoError("cannot write " + path);
  f << list.dump(2) << "\n";
  return f.good() ? Status::Ok() : IoError("cannot write " + path);
}

Status write_csv(const std::string& path, const std::vector<Record>& records) {
  std::ofstream f(path);
  if (!f) return IoError("cannot write " + path);
  std::string header;
  for (const char* c : kCsvColumns) header += (header.empty() ? "" : ",") + std::string(c);
  f << header << "\n";
  for (const Record& r : records) {
    const nlohmann::json j = to_json(r);
    std::string row;
    bool first = true;
    for (const char* c : kCsvColumns) {
      row += (first ? "" : ",") + csv_quote(csv_value(j.at(c)));
      first = false;
    }
    f << row << "\n";
  }
  return f.good() ? Status::Ok() : IoError("cannot write " + path);
}

}  // namespace qedge::cli::bench
