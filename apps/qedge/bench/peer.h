// `qedge bench --peer ort`: times the same ONNX models in ONNX Runtime through apps/peer/ort_bench.mjs (node +
// onnxruntime-node, both optional) with the same thread and run counts, in the same bench run.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace qedge::cli::bench {

// What ONNX Runtime measured for one model: median run latency, session creation (file to ready session), and
// peak resident memory above node's own footprint.
struct OrtMeasurement {
  double median_ms = 0, load_ms = 0, peak_rss_mb = 0;
};

class OrtPeer {
 public:
  // Looks for `node` on PATH and the script: $QEDGE_PEER_SCRIPT, ./apps/peer/ort_bench.mjs, then
  // apps/peer/ort_bench.mjs above the folder of the qedge binary (build/bin/qedge in a checkout).
  OrtPeer();
  bool available() const { return reason_.empty(); }
  // Why the peer is skipped ("" when available).
  const std::string& reason() const { return reason_; }
  // ORT's measurement of one model, or nullopt with `note` saying why (the model fails in ORT, ...). When the script
  // reports that onnxruntime-node is missing, the peer becomes unavailable.
  std::optional<OrtMeasurement> measure(const std::string& onnx_path, const std::vector<std::string>& input_specs,
                                        int threads, int runs, std::string* note);

 private:
  std::string script_;
  std::string reason_;
};

}  // namespace qedge::cli::bench
