#include "xnn_runtime.h"

#include <pthreadpool.h>

#include <map>
#include <mutex>
#include <string>

namespace qedge::fast::xnn {

Status check(xnn_status status, const char* what) {
  if (status == xnn_status_success) return Status::Ok();
  const char* why = "failed";
  switch (status) {
    case xnn_status_uninitialized: why = "XNNPACK is not initialized"; break;
    case xnn_status_invalid_parameter: why = "invalid parameter"; break;
    case xnn_status_invalid_state: why = "invalid state"; break;
    case xnn_status_unsupported_parameter: why = "unsupported parameter"; break;
    case xnn_status_unsupported_hardware: why = "this CPU is not supported"; break;
    case xnn_status_out_of_memory: why = "out of memory"; break;
    default: break;
  }
  return Internal(std::string("XNNPACK ") + what + ": " + why);
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
