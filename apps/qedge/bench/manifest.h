// The model zoo manifest (model_zoo/zoo.json): which models exist, at what precision, with which eval set. The
// format is described in model_zoo/README.md; `qedge bench --zoo` and `qedge eval --zoo-entry` read it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "qedge/kernel_api/status.h"

namespace qedge::cli::bench {

struct ZooEntry {
  std::string name;
  std::string task;              // "classification" or "latency"
  std::string family;
  std::string file;              // resolved against the manifest's folder
  std::string format;            // "float" | "qonnx" | "qdq"
  std::optional<int> weight_bits, act_bits;  // empty for float models
  std::string float_reference;   // name of the family's float model; empty for the float model itself
  std::string eval_data;         // resolved folder with inputs.npy and labels.npy; empty without an eval set
  std::string eval_data_name;    // the same folder as the manifest writes it (for messages)
  std::optional<double> recorded_accuracy;
  bool committed = true;
  std::string build;             // command (from the repository root) that makes `file`
};

struct Manifest {
  std::string path;
  std::string dir;               // folder of the manifest: `file` and `eval.data` are relative to it
  std::vector<ZooEntry> entries;

  // The entry called `name`, or null.
  const ZooEntry* find(const std::string& name) const;
};

// Reads and checks a manifest; errors name the file and the entry.
Result<Manifest> read_manifest(const std::string& path);

}  // namespace qedge::cli::bench
