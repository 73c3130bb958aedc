#include "xnn_runtime.h"

#include <atomic>
#include <mutex>
#include <string>

namespace qedge::fast::xnn {

namespace {

const char* reason(xnn_status status) {
  switch (status) {
    case xnn_status_uninitialized:
      return "XNNPACK is not initialized";
    case xnn_status_invalid_parameter:
      return "invalid parameter";
    case xnn_status_invalid_state:
      return "invalid state";
    case xnn_status_unsupported_parameter:
      return "unsupported parameter";
    case xnn_status_unsupported_hardware:
      return "this CPU is not supported";
    case xnn_status_out_of_memory:
      return "out of memory";
    default:
      return "failed";
  }
}

}  // namespace

Status check(xnn_status status, const char* what) {
  if (status == xnn_status_success) return Status::Ok();
  return Internal(std::string("XNNPACK ") + what + ": " + reason(status));
}

Status ready() {
  static const xnn_status status = xnn_initialize(nullptr);
  return check(status, "initialization");
}

Status run_parts(const KernelContext& ctx, int64_t parts, const std::function<Status(int64_t)>& run_part) {
  // The first failure only, so that a run allocates no status per part.
  std::mutex mutex;
  Status failure = Status::Ok();
  std::atomic<int64_t> next{0};
  const int64_t threads = ctx.threads ? ctx.threads->num_threads() : 1;
  ctx.parallel_for(std::min(threads, parts), [&](int64_t, int64_t) {
    for (int64_t p; (p = next.fetch_add(1)) < parts;) {
      Status s = run_part(p);
      if (s.ok()) continue;
      const std::lock_guard<std::mutex> lock(mutex);
      if (failure.ok()) failure = std::move(s);
    }
  });
  return failure;
}

}  // namespace qedge::fast::xnn
