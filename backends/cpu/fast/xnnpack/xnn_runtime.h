// What every XNNPACK-backed kernel shares: the library initialized once, the pthreadpool for a thread count, an
// owning handle for XNNPACK operators, and XNNPACK status codes turned into Status.
#pragma once

#include <xnnpack.h>

#include <memory>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast::xnn {

// Initializes XNNPACK on first use (thread-safe); the error says why when this CPU or build cannot run it.
Status ready();

// The pool XNNPACK splits an operator over: as many threads as ctx.threads has (one pool per count, kept for the
// process), or null (the calling thread alone) for one thread.
pthreadpool_t threadpool(const KernelContext& ctx);

// `what` failed with `status`, as a Status naming both.
Status check(xnn_status status, const char* what);

struct OperatorDeleter {
  void operator()(xnn_operator_t op) const { xnn_delete_operator(op); }
};
using Operator = std::unique_ptr<xnn_operator, OperatorDeleter>;

// XNNPACK copies weights and bias into the operators it makes: such an operator stays valid while its operands are
// model constants at the same addresses, and is remade otherwise.
class OperandSnapshot {
 public:
  bool unchanged(const Tensor* w, const Tensor* b) const {
    return valid_ && (w ? w->data : nullptr) == w_ && (b ? b->data : nullptr) == b_;
  }
  void remember(const Tensor* w, const Tensor* b) {
    valid_ = (!w || w->constant) && (!b || b->constant);
    w_ = w ? w->data : nullptr;
    b_ = b ? b->data : nullptr;
  }

 private:
  bool valid_ = false;
  const void* w_ = nullptr;
  const void* b_ = nullptr;
};

// Runs an operator whose setup succeeded.
inline Status run(const Operator& op, const KernelContext& ctx, const char* what) {
  return check(xnn_run_operator(op.get(), threadpool(ctx)), what);
}

}  // namespace qedge::fast::xnn
