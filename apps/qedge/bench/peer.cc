#include "bench/peer.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace qedge::cli::bench {
namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

bool readable(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

std::string exe_dir() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

// Runs a shell command; returns its exit status (-1 when it could not run) and its stdout in `out`.
int capture(const std::string& command, std::string* out) {
  std::FILE* p = ::popen(command.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  const int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

OrtPeer::OrtPeer() {
  std::string version;
  if (capture("node --version 2>/dev/null", &version) != 0) {
    reason_ = "node is not on PATH";
    return;
  }
  const char* env = std::getenv("QEDGE_PEER_SCRIPT");
  for (const std::string& candidate : {std::string(env ? env : ""), std::string("apps/peer/ort_bench.mjs"),
                                       exe_dir() + "/../../apps/peer/ort_bench.mjs"}) {
    if (!candidate.empty() && readable(candidate)) {
      script_ = candidate;
      return;
    }
  }
  reason_ = "apps/peer/ort_bench.mjs not found (run from the repository root or set QEDGE_PEER_SCRIPT)";
}

std::optional<OrtMeasurement> OrtPeer::measure(const std::string& onnx_path,
                                               const std::vector<std::string>& input_specs, int threads, int runs,
                                               std::string* note) {
  if (!available()) {
    *note = reason_;
    return std::nullopt;
  }
  std::string command = "node " + shell_quote(script_) + " " + shell_quote(onnx_path) + " --threads " +
                        std::to_string(threads) + " --runs " + std::to_string(runs);
  for (const std::string& spec : input_specs) command += " --shape " + shell_quote(spec);
  std::string out;
  const int rc = capture(command + " 2>/dev/null", &out);
  const nlohmann::json reply = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (reply.is_object() && reply.contains("skipped")) {
    reason_ = reply["skipped"].get<std::string>();
    *note = reason_;
    return std::nullopt;
  }
  const auto number = [&](const char* key) { return reply.contains(key) && reply[key].is_number(); };
  if (rc == 0 && reply.is_object() && number("median_ms") && number("load_ms") && number("peak_rss_mb")) {
    return OrtMeasurement{reply["median_ms"].get<double>(), reply["load_ms"].get<double>(),
                          reply["peak_rss_mb"].get<double>()};
  }
  *note = reply.is_object() && reply.contains("error") ? "ONNX Runtime: " + reply["error"].get<std::string>()
                                                        : "ort_bench.mjs failed (exit " + std::to_string(rc) + ")";
  return std::nullopt;
}

}  // namespace qedge::cli::bench
