// qedge eval MODEL --zoo-entry NAME [--zoo model_zoo/zoo.json] [--json] [--threads N]
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "bench/eval_set.h"
#include "bench/manifest.h"
#include "cli.h"

namespace qedge::cli {
namespace {

const char* kHelp =
    "usage: qedge eval MODEL --zoo-entry NAME [--zoo FILE] [--json] [--threads N]\n"
    "\n"
    "Runs a zoo entry's eval set through MODEL (.onnx, converted on the fly, or .qedge) and prints its top-1\n"
    "accuracy: 'accuracy 0.9531 (343/360) on data/digits_test'.\n"
    "\n"
    "  --zoo-entry NAME   the manifest entry whose eval set (inputs.npy, labels.npy) and recorded accuracy apply\n"
    "  --zoo FILE         the manifest (default model_zoo/zoo.json)\n"
    "  --json             print one JSON object: model, entry, samples, correct, accuracy, recorded_accuracy\n"
    "  --threads N        worker threads (default 1)\n"
    "\n"
    "Exit status: 0, or 1 when the accuracy is more than 0.005 below the entry's recorded accuracy (or the\n"
    "model cannot run), 2 for a usage error.\n";

// How far below the recorded accuracy a model may fall before eval fails.
constexpr double kTolerance = 0.005;

}  // namespace

int cmd_eval(int argc, char** argv) {
  Args args(argc, argv, {"--zoo", "--zoo-entry", "--threads"}, {"--json", "--help"});
  if (args.has("--help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (!args.ok()) return usage_error("eval", args.error());
  if (args.positional().size() != 1) return usage_error("eval", "expected exactly one MODEL");
  if (!args.has("--zoo-entry")) return usage_error("eval", "missing --zoo-entry NAME");
  const int threads = std::atoi(args.get("--threads", "1").c_str());
  if (threads < 1) return usage_error("eval", "--threads must be a positive number");
  const std::string model_path = args.positional()[0];
  const std::string name = args.get("--zoo-entry");

  auto manifest = bench::read_manifest(args.get("--zoo", "model_zoo/zoo.json"));
  if (!manifest.ok()) return usage_error("eval", manifest.status().message());
  const bench::ZooEntry* entry = manifest->find(name);
  if (!entry) return usage_error("eval", "no entry '" + name + "' in " + manifest->path);
  if (entry->eval_data.empty()) return usage_error("eval", "entry '" + name + "' has no eval set (a latency workload)");

  auto set = bench::read_eval_set(entry->eval_data);
  if (!set.ok()) return fail("eval", set.status().message());
  auto predicted = bench::predict_file(model_path, *set, threads);
  if (!predicted.ok()) return fail("eval", model_path + ": " + predicted.status().message());
  const size_t correct = bench::count_equal(*predicted, set->labels);
  const double accuracy = static_cast<double>(correct) / static_cast<double>(set->size());

  if (args.has("--json")) {
    nlohmann::json j = {{"model", model_path}, {"entry", name}, {"samples", set->size()}, {"correct", correct},
                        {"accuracy", accuracy},
                        {"recorded_accuracy", entry->recorded_accuracy ? nlohmann::json(*entry->recorded_accuracy)
                                                                       : nlohmann::json(nullptr)}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("accuracy %.4f (%zu/%zu) on %s\n", accuracy, correct, set->size(), entry->eval_data_name.c_str());
  }
  if (entry->recorded_accuracy && accuracy < *entry->recorded_accuracy - kTolerance) {
    return fail("eval", "accuracy " + std::to_string(accuracy) + " is more than " + std::to_string(kTolerance) +
                            " below the recorded " + std::to_string(*entry->recorded_accuracy) + " of '" + name + "'");
  }
  return 0;
}

}  // namespace qedge::cli
