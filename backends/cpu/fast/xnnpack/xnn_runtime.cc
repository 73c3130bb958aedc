#include "xnn_runtime.h"

#include <pthreadpool.h>

#include <map>
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

pthreadpool_t threadpool(const KernelContext& ctx) {
  const int n = ctx.threads ? ctx.threads->num_threads() : 1;
  if (n <= 1) return nullptr;
  struct PoolDeleter {
    void operator()(pthreadpool_t p) const { pthreadpool_destroy(p); }
  };
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<pthreadpool, PoolDeleter>> pools;
  std::lock_guard<std::mutex> lock(mutex);
  auto& pool = pools[n];
  if (!pool) pool.reset(pthreadpool_create(static_cast<size_t>(n)));
  return pool.get();
}

}  // namespace qedge::fast::xnn
