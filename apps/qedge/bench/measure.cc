#include "bench/measure.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "bench/eval_set.h"
#include "bench/model_source.h"
#include "bench/rss.h"
#include "bench/stats.h"
#include "qedge/qedge.hpp"
#include "random_input.h"

namespace qedge::cli::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// The top ops by time and their share.
constexpr size_t kTopOps = 5;
// Profiled runs averaged for the per-op breakdown (after one warm-up run).
constexpr int kProfiledRuns = 3;

// Random inputs (seed 0) for every model input: timing does not depend on the values for these kernels.
// `specs`, when given, receives "name=DIMS" per input.
Status set_random_inputs(Session& session, std::vector<std::string>* specs = nullptr) {
  std::mt19937 rng(0);
  for (int i = 0; i < session.input_count(); ++i) {
    qedge_tensor info;
    if (Error e = session.input_info(i, &info)) return InvalidArgument(e.message);
    TensorData t = random_tensor(info, rng);
    if (specs) {
      std::string dims;
      for (int64_t d : t.shape) dims += (dims.empty() ? "" : "x") + std::to_string(d);
      specs->push_back(session.input_name(i) + "=" + dims);
    }
    if (Error e = session.set_input(i, info.dtype, t.shape, t.bytes.data(), t.bytes.size())) {
      return InvalidArgument(e.message);
    }
  }
  return Status::Ok();
}

Status timed_run(Session& session, double* ms) {
  const auto t0 = Clock::now();
  if (Error e = session.run()) return Internal("run failed: " + e.message);
  *ms = ms_since(t0);
  return Status::Ok();
}

// A second session with profiling on, so the timed runs above pay nothing for it. Fills top_ops, and the backend
// label for a .qedge input from the backends its nodes ran on.
Status profile_ops(const Model& model, const Job& job, Record* r) {
  Session session;
  if (Error e = session.create(model, job.threads, /*profile=*/true)) return InvalidArgument(e.message);
  QEDGE_RETURN_IF_ERROR(set_random_inputs(session));
  std::map<std::string, double> by_op;
  std::set<std::string> backends;
  for (int run = 0; run <= kProfiledRuns; ++run) {
    if (Error e = session.run()) return Internal("profiled run failed: " + e.message);
    if (run == 0) continue;
    for (int k = 0; k < qedge_session_profile_count(session.get()); ++k) {
      const char *op = nullptr, *backend = nullptr;
      double ms = 0;
      qedge_session_profile_entry(session.get(), k, nullptr, &op, &backend, &ms);
      by_op[op ? op : "?"] += ms / kProfiledRuns;
      backends.insert(backend ? backend : "?");
    }
  }
  double total = 0;
  for (const auto& [op, ms] : by_op) total += ms;
  for (const auto& [op, ms] : by_op) r->top_ops.push_back({op, ms, total > 0 ? ms / total : 0.0});
  std::sort(r->top_ops.begin(), r->top_ops.end(), [](const OpTime& a, const OpTime& b) { return a.ms > b.ms; });
  if (r->top_ops.size() > kTopOps) r->top_ops.resize(kTopOps);
  if (!is_onnx_path(job.path)) {
    r->backend.clear();
    for (const std::string& b : backends) r->backend += (r->backend.empty() ? "" : "+") + b;
  }
  return Status::Ok();
}

Status evaluate(Session& session, const std::string& dir, Record* r) {
  QEDGE_ASSIGN_OR_RETURN(EvalSet set, read_eval_set(dir));
  QEDGE_ASSIGN_OR_RETURN(r->predictions, predict(session, set));
  r->samples = set.size();
  r->correct = count_equal(r->predictions, set.labels);
  r->accuracy = static_cast<double>(*r->correct) / static_cast<double>(set.size());
  return Status::Ok();
}

// Runs `fn` in a forked child process and hands its JSON result back through a pipe.
Result<nlohmann::json> in_child(const std::function<Result<nlohmann::json>()>& fn) {
  int fds[2];
  if (::pipe(fds) != 0) return IoError(std::string("cannot create a pipe: ") + std::strerror(errno));
  std::fflush(nullptr);  // nothing buffered may be written twice
  const pid_t pid = ::fork();
  if (pid < 0) return IoError(std::string("cannot fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(fds[0]);
    Result<nlohmann::json> r = fn();
    const std::string text =
        (r.ok() ? nlohmann::json{{"result", *r}} : nlohmann::json{{"error", r.status().message()}}).dump();
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::_exit(done == text.size() ? 0 : 1);
  }
  ::close(fds[1]);
  std::string text;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (WIFSIGNALED(wstatus)) {
    return Internal("a bench child process died of signal " + std::to_string(WTERMSIG(wstatus)) + " (" +
                    strsignal(WTERMSIG(wstatus)) + ")");
  }
  nlohmann::json reply = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded() || !reply.is_object()) return Internal("a bench child process gave no result");
  if (reply.contains("error")) return InvalidArgument(reply["error"].get<std::string>());
  return reply["result"];
}

// The model as a .qedge file: an .onnx input is converted (and timed) in a child of its own, which leaves the
// temporary file to this process.
Result<ModelSource> loadable(const Job& job) {
  if (!is_onnx_path(job.path)) return prepare_model(job.path, job.backend);
  auto converted = in_child([&]() -> Result<nlohmann::json> {
    QEDGE_ASSIGN_OR_RETURN(ModelSource s, prepare_model(job.path, job.backend));
    s.temporary = false;
    return nlohmann::json{{"qedge_path", s.qedge_path}, {"convert_ms", *s.convert_ms}, {"onnx_bytes", *s.onnx_bytes},
                          {"file_bytes", s.file_bytes}};
  });
  if (!converted.ok()) return converted.status();
  ModelSource src;
  src.qedge_path = (*converted)["qedge_path"].get<std::string>();
  src.temporary = true;
  src.convert_ms = (*converted)["convert_ms"].get<double>();
  src.onnx_bytes = (*converted)["onnx_bytes"].get<uint64_t>();
  src.file_bytes = (*converted)["file_bytes"].get<uint64_t>();
  return src;
}

Result<Record> measure_loaded(const Job& job, const ModelSource& src) {
  Record r;
  r.path = job.path;
  r.backend = job.backend;
  r.threads = job.threads;
  r.runs = job.runs;
  r.convert_ms = src.convert_ms;
  r.onnx_bytes = src.onnx_bytes;
  r.file_bytes = src.file_bytes;

  // Count from here: what this child inherited is not the model's.
  reset_peak_rss();
  const auto t0 = Clock::now();
  Model model;
  if (Error e = model.load_file(src.qedge_path)) return InvalidModel(e.message);
  Session session;
  if (Error e = session.create(model, job.threads)) return InvalidArgument(e.message);
  r.load_ms = ms_since(t0);
  r.arena_bytes = qedge_session_arena_bytes(session.get());

  QEDGE_RETURN_IF_ERROR(set_random_inputs(session, &r.input_specs));
  QEDGE_RETURN_IF_ERROR(timed_run(session, &r.first_ms));
  double ignored;
  QEDGE_RETURN_IF_ERROR(timed_run(session, &ignored));  // warm-up: caches, lazily prepared kernels
  std::vector<double> times(job.runs);
  for (double& t : times) QEDGE_RETURN_IF_ERROR(timed_run(session, &t));
  r.median_ms = percentile(times, 50);
  r.p90_ms = percentile(times, 90);
  r.peak_rss_mb = peak_rss_mb();

  QEDGE_RETURN_IF_ERROR(profile_ops(model, job, &r));
  if (!job.eval_data.empty()) QEDGE_RETURN_IF_ERROR(evaluate(session, job.eval_data, &r));
  return r;
}

}  // namespace

Result<Record> measure(const Job& job) {
  QEDGE_ASSIGN_OR_RETURN(ModelSource src, loadable(job));
  auto measured = in_child([&]() -> Result<nlohmann::json> {
    QEDGE_ASSIGN_OR_RETURN(Record r, measure_loaded(job, src));
    return to_json(r, /*with_internal=*/true);
  });
  if (!measured.ok()) return measured.status();
  return from_json(*measured);
}

}  // namespace qedge::cli::bench
