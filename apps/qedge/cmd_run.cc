// qedge run MODEL.qedge [--input NAME=FILE]... [--random-inputs] [--output-dir DIR] [--threads N] [--runs N]
//           [--profile]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <sys/stat.h>

#include "cli.h"
#include "qedge/qedge.hpp"
#include "random_input.h"
#include "tensor_io.h"

namespace qedge::cli {
namespace {

const char* kHelp =
    "usage: qedge run MODEL.qedge [--input NAME=FILE]... [--random-inputs] [--output-dir DIR] [--threads N] [--runs N]\n"
    "                 [--profile]\n"
    "\n"
    "Runs a model and prints each output's name, dtype, shape and a preview.\n"
    "\n"
    "  --input NAME=FILE   input tensor from an ONNX .pb (TensorProto) or numpy .npy file (repeatable;\n"
    "                      NAME may be omitted for a single-input model)\n"
    "  --random-inputs     fill inputs not given with uniform random values (seed 0; dynamic dims = 1)\n"
    "  --output-dir DIR    write every output as DIR/<name>.pb and DIR/<name>.npy\n"
    "  --threads N         worker threads (default 1)\n"
    "  --runs N            run the model N times (default 1); outputs and the profile are the last run's, so that\n"
    "                      --runs 10 --profile times the steady state, after the first run's one-time weight packing\n"
    "  --profile           print time per node\n";

}  // namespace

int cmd_run(int argc, char** argv) {
  Args args(argc, argv, {"--input", "--output-dir", "--threads", "--runs"}, {"--random-inputs", "--profile", "--help"});
  if (args.has("--help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (!args.ok()) return usage_error("run", args.error());
  if (args.positional().size() != 1) return usage_error("run", "expected exactly one model");
  const int threads = std::atoi(args.get("--threads", "1").c_str());
  if (threads < 1) return usage_error("run", "--threads must be a positive number");
  const int runs = std::atoi(args.get("--runs", "1").c_str());
  if (runs < 1) return usage_error("run", "--runs must be a positive number");

  Model model;
  if (Error e = model.load_file(args.positional()[0])) return fail("run", e.message);
  Session session;
  if (Error e = session.create(model, threads, args.has("--profile"))) return fail("run", e.message);

  std::vector<bool> given(session.input_count(), false);
  for (const std::string& spec : args.all("--input")) {
    const auto eq = spec.find('=');
    std::string name = eq == std::string::npos ? "" : spec.substr(0, eq);
    const std::string file = eq == std::string::npos ? spec : spec.substr(eq + 1);
    if (name.empty()) {
      if (session.input_count() != 1) return usage_error("run", "--input without NAME= needs a single-input model");
      name = session.input_name(0);
    }
    const int index = session.input_index(name);
    if (index < 0) return fail("run", "model has no input named '" + name + "'");
    auto t = read_tensor_file(file);
    if (!t.ok()) return fail("run", t.status().message());
    if (Error e = session.set_input(index, static_cast<int32_t>(t->dtype), t->shape, t->bytes.data(), t->bytes.size())) {
      return fail("run", e.message);
    }
    given[index] = true;
  }
  std::mt19937 rng(0);
  for (int i = 0; i < session.input_count(); ++i) {
    if (given[i]) continue;
    if (!args.has("--random-inputs")) {
      return fail("run", "input '" + session.input_name(i) + "' is not given (use --input or --random-inputs)");
    }
    qedge_tensor info;
    if (Error e = session.input_info(i, &info)) return fail("run", e.message);
    TensorData t = random_tensor(info, rng);
    if (Error e = session.set_input(i, info.dtype, t.shape, t.bytes.data(), t.bytes.size())) return fail("run", e.message);
  }
  for (int r = 0; r < runs; ++r) {
    if (Error e = session.run()) return fail("run", e.message);
  }

  const std::string out_dir = args.get("--output-dir");
  if (!out_dir.empty()) mkdir(out_dir.c_str(), 0755);
  for (int i = 0; i < session.output_count(); ++i) {
    qedge_tensor out;
    if (Error e = session.output(i, &out)) return fail("run", e.message);
    TensorData t;
    t.dtype = static_cast<DType>(out.dtype);
    t.shape.assign(out.dims, out.dims + out.rank);
    const auto* p = static_cast<const uint8_t*>(out.data);
    t.bytes.assign(p, p + out.bytes);
    const std::string name = session.output_name(i);
    std::printf("%s: %s %s %s\n", name.c_str(), dtype_name(t.dtype), dims_to_string(t.shape).c_str(), preview(t).c_str());
    if (!out_dir.empty()) {
      std::string safe = name;
      std::replace_if(safe.begin(), safe.end(), [](char c) { return c == '/' || c == '\\' || c == ':'; }, '_');
      for (const char* ext : {".pb", ".npy"}) {
        Status s = write_tensor_file(out_dir + "/" + safe + ext, t, name);
        if (!s.ok() && std::strcmp(ext, ".pb") == 0) return fail("run", s.message());
      }
    }
  }
  if (args.has("--profile")) {
    const int n = qedge_session_profile_count(session.get());
    double total = 0;
    std::vector<std::pair<double, int>> order;
    for (int k = 0; k < n; ++k) {
      double ms = 0;
      qedge_session_profile_entry(session.get(), k, nullptr, nullptr, nullptr, &ms);
      total += ms;
      order.emplace_back(ms, k);
    }
    std::sort(order.rbegin(), order.rend());
    std::printf("\nprofile (%d nodes, %.3f ms total)\n%-32s %-20s %-8s %10s %7s\n", n, total, "node", "op", "backend", "ms", "share");
    for (const auto& [ms, k] : order) {
      const char *node, *op, *backend;
      qedge_session_profile_entry(session.get(), k, &node, &op, &backend, nullptr);
      std::printf("%-32s %-20s %-8s %10.3f %6.1f%%\n", node, op, backend, ms, total > 0 ? 100.0 * ms / total : 0.0);
    }
  }
  return 0;
}

}  // namespace qedge::cli
