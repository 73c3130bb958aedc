// qedge bench [--zoo FILE | MODEL...] [--backends cpu,...] [--threads N] [--runs N] [--json F] [--csv F] [--plot DIR]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>

#include "bench/charts.h"
#include "bench/eval_set.h"
#include "bench/manifest.h"
#include "bench/measure.h"
#include "bench/model_source.h"
#include "bench/peer.h"
#include "bench/writers.h"
#include "cli.h"
#include "qedge/backend.h"
#include "quantize/progress.h"

namespace qedge::cli {
namespace {

const char* kHelp =
    "usage: qedge bench [--zoo FILE [--only NAME,...] | MODEL... [--zoo FILE --zoo-entry NAME]]\n"
    "                   [--backends cpu,...] [--threads N] [--runs N] [--json F] [--csv F] [--plot DIR] [--peer ort]\n"
    "\n"
    "Measures each model on each backend, each in a child process of its own: convert time (.onnx), load time\n"
    "(file to ready session), first run, median and p90 of the timed runs after one warm-up run, the top ops of\n"
    "a separate profiled pass, peak memory (planned arena bytes; process peak RSS from load to the last timed\n"
    "run, converter excluded), file size against the ONNX file, and top-1 accuracy on the zoo eval set (and\n"
    "agreement with the family's float model). Progress on stderr, a table on stdout.\n"
    "\n"
    "  MODEL...            .onnx (converted on the fly) or .qedge files\n"
    "  --zoo FILE          a model zoo manifest (model_zoo/zoo.json): without MODELs, bench every entry\n"
    "  --only NAME,...     with --zoo alone: only these entries\n"
    "  --zoo-entry NAME    with MODELs: the entry whose eval set and metadata apply to them (default --zoo is\n"
    "                      model_zoo/zoo.json)\n"
    "  --backends LIST     preferred backends, comma-separated (default cpu); a .qedge file keeps the backends\n"
    "                      it was converted for and is measured once\n"
    "  --threads N         worker threads (default 1)\n"
    "  --runs N            timed runs after the warm-up (default 20)\n"
    "  --json FILE         write the records as a JSON list\n"
    "  --csv FILE          write the records as CSV (top_ops as op:ms:share;...)\n"
    "  --plot DIR          write latency.svg, accuracy_size.svg and ops.svg into DIR\n"
    "  --peer ort          also time each .onnx model in ONNX Runtime (apps/peer/ort_bench.mjs; needs node and\n"
    "                      onnxruntime-node, else skipped) and report ort_median_ms, ratio_vs_ort\n"
    "                      (qedge median / ORT median), ort_load_ms (session creation) and ort_peak_rss_mb\n"
    "                      (peak RSS above node's own)\n";

struct Target {
  std::string name;
  std::string path;
  const bench::ZooEntry* entry = nullptr;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A positive integer flag, or nullopt (then a usage error).
std::optional<int> positive(const Args& args, const std::string& flag, const char* def) {
  char* end = nullptr;
  const std::string text = args.get(flag, def);
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 1 || v > 1000000) return std::nullopt;
  return static_cast<int>(v);
}

void add_metadata(const Target& t, bench::Record* r) {
  r->model = t.name;
  if (!t.entry) return;
  r->entry = t.entry->name;
  r->format = t.entry->format;
  r->family = t.entry->family;
  r->weight_bits = t.entry->weight_bits;
  r->act_bits = t.entry->act_bits;
  r->recorded_accuracy = t.entry->recorded_accuracy;
}

// Argmax agreement with the family's float model on the eval set: from that model's own record when it was
// benchmarked in this run, else computed here (cached per float model).
void add_float_agreement(const bench::Manifest& manifest, std::vector<bench::Record>& records, int threads) {
  std::map<std::string, std::vector<int64_t>> reference;
  for (const bench::Record& r : records) {
    if (!r.entry.empty() && !r.predictions.empty()) reference.emplace(r.entry, r.predictions);
  }
  for (bench::Record& r : records) {
    const bench::ZooEntry* e = r.entry.empty() ? nullptr : manifest.find(r.entry);
    if (!e || e->float_reference.empty() || r.predictions.empty()) continue;
    auto it = reference.find(e->float_reference);
    if (it == reference.end()) {
      const bench::ZooEntry* ref = manifest.find(e->float_reference);
      auto set = bench::read_eval_set(e->eval_data);
      auto predicted = set.ok() ? bench::predict_file(ref->file, *set, threads) : set.status();
      if (!predicted.ok()) {
        std::fprintf(stderr, "qedge bench: no float agreement for %s: float model %s: %s\n", r.model.c_str(),
                     ref->name.c_str(), predicted.status().message().c_str());
        continue;
      }
      it = reference.emplace(ref->name, std::move(predicted).value()).first;
    }
    if (it->second.size() != r.predictions.size()) continue;
    r.float_agreement = static_cast<double>(bench::count_equal(r.predictions, it->second)) / r.predictions.size();
  }
}

}  // namespace

int cmd_bench(int argc, char** argv) {
  Args args(argc, argv,
            {"--zoo", "--only", "--zoo-entry", "--backends", "--threads", "--runs", "--json", "--csv", "--plot", "--peer"},
            {"--help"});
  if (args.has("--help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (!args.ok()) return usage_error("bench", args.error());
  const auto threads = positive(args, "--threads", "1");
  if (!threads) return usage_error("bench", "--threads must be a positive number");
  const auto runs = positive(args, "--runs", "20");
  if (!runs) return usage_error("bench", "--runs must be a positive number");
  const std::vector<std::string> backends = split_list(args.get("--backends", "cpu"));
  if (backends.empty()) return usage_error("bench", "--backends is empty");
  for (const std::string& b : backends) {
    if (builtin_backends().find(b)) continue;
    std::string known;
    for (const auto& k : builtin_backends().all()) known += (known.empty() ? "" : ", ") + std::string(k->name());
    return usage_error("bench", "unknown backend '" + b + "' (this build has: " + known + ")");
  }
  if (args.has("--peer") && args.get("--peer") != "ort") {
    return usage_error("bench", "--peer supports only 'ort', not '" + args.get("--peer") + "'");
  }
  const bool models_given = !args.positional().empty();
  if (!models_given && !args.has("--zoo")) return usage_error("bench", "give MODEL files or --zoo FILE");
  if (models_given && args.has("--only")) return usage_error("bench", "--only selects zoo entries; not with MODELs");
  if (!models_given && args.has("--zoo-entry")) return usage_error("bench", "--zoo-entry needs MODEL files");

  bench::Manifest manifest;
  if (args.has("--zoo") || args.has("--zoo-entry")) {
    auto m = bench::read_manifest(args.get("--zoo", "model_zoo/zoo.json"));
    if (!m.ok()) return usage_error("bench", m.status().message());
    manifest = std::move(m).value();
  }
  std::vector<Target> targets;
  if (models_given) {
    const bench::ZooEntry* entry = nullptr;
    if (args.has("--zoo-entry")) {
      entry = manifest.find(args.get("--zoo-entry"));
      if (!entry) return usage_error("bench", "no entry '" + args.get("--zoo-entry") + "' in " + manifest.path);
    }
    for (const std::string& path : args.positional()) {
      if (!bench::file_size(path)) return usage_error("bench", "cannot read model file " + path);
      targets.push_back({base_name(path), path, entry});
    }
  } else {
    const std::vector<std::string> only = split_list(args.get("--only"));
    for (const std::string& name : only) {
      if (!manifest.find(name)) return usage_error("bench", "--only: no entry '" + name + "' in " + manifest.path);
    }
    for (const bench::ZooEntry& e : manifest.entries) {
      if (!only.empty() && std::find(only.begin(), only.end(), e.name) == only.end()) continue;
      if (!bench::file_size(e.file)) {
        std::fprintf(stderr, "qedge bench: skipping %s: %s is missing%s%s\n", e.name.c_str(), e.file.c_str(),
                     e.build.empty() ? "" : " (build it with: ", e.build.empty() ? "" : (e.build + ")").c_str());
        continue;
      }
      targets.push_back({e.name, e.file, &e});
    }
    if (targets.empty()) return fail("bench", "no model of " + manifest.path + " is available");
  }

  std::vector<bench::Job> jobs;
  std::vector<const Target*> job_target;
  for (const Target& t : targets) {
    const bool onnx = bench::is_onnx_path(t.path);
    for (const std::string& b : backends) {
      const std::string eval = t.entry && t.entry->task != "latency" ? t.entry->eval_data : "";
      jobs.push_back({t.path, b, eval, *threads, *runs});
      job_target.push_back(&t);
      if (!onnx) break;  // a .qedge file's backends are fixed: one measurement
    }
  }

  std::optional<bench::OrtPeer> peer;
  if (args.has("--peer")) {
    peer.emplace();
    if (!peer->available()) std::fprintf(stderr, "qedge bench: peer ort skipped: %s\n", peer->reason().c_str());
  }
  std::map<std::string, std::optional<bench::OrtMeasurement>> ort_by_path;
  std::vector<bench::Record> records;
  int failures = 0;
  {
    quantize::ProgressBar bar("bench", jobs.size(), "measurements");
    for (size_t i = 0; i < jobs.size(); ++i) {
      auto r = bench::measure(jobs[i]);
      if (!r.ok()) {
        std::fprintf(stderr, "\nqedge bench: %s on %s: %s\n", job_target[i]->name.c_str(), jobs[i].backend.c_str(),
                     r.status().message().c_str());
        ++failures;
        bar.update(i + 1);
        continue;
      }
      add_metadata(*job_target[i], &*r);
      if (peer && peer->available() && bench::is_onnx_path(jobs[i].path)) {
        if (!ort_by_path.count(jobs[i].path)) {
          std::string note;
          ort_by_path[jobs[i].path] = peer->measure(jobs[i].path, r->input_specs, *threads, *runs, &note);
          if (!peer->available()) {
            std::fprintf(stderr, "\nqedge bench: peer ort skipped: %s\n", peer->reason().c_str());
          } else if (!note.empty()) {
            std::fprintf(stderr, "\nqedge bench: peer ort on %s: %s\n", r->model.c_str(), note.c_str());
          }
        }
        if (const auto& ort = ort_by_path[jobs[i].path]) {
          r->ort_median_ms = ort->median_ms;
          r->ort_load_ms = ort->load_ms;
          r->ort_peak_rss_mb = ort->peak_rss_mb;
          if (ort->median_ms > 0) r->ratio_vs_ort = r->median_ms / ort->median_ms;
        }
      }
      records.push_back(std::move(r).value());
      bar.update(i + 1);
    }
  }
  add_float_agreement(manifest, records, *threads);

  bench::print_table(stdout, records);
  if (args.has("--json")) {
    if (Status s = bench::write_json(args.get("--json"), records); !s.ok()) return fail("bench", s.message());
  }
  if (args.has("--csv")) {
    if (Status s = bench::write_csv(args.get("--csv"), records); !s.ok()) return fail("bench", s.message());
  }
  if (args.has("--plot")) {
    if (Status s = bench::write_charts(args.get("--plot"), records); !s.ok()) return fail("bench", s.message());
  }
  if (failures) return fail("bench", std::to_string(failures) + " of " + std::to_string(jobs.size()) + " measurements failed");
  return 0;
}

}  // namespace qedge::cli
