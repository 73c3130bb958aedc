// What every XNNPACK-backed kernel shares: the library initialized once, an owning handle for XNNPACK operators,
// XNNPACK status codes turned into Status, and work split over the runtime's threads.
//
// Threads: XNNPACK's own pthreadpool workers spin after every operator and then fight the runtime's workers for the
// cores (mobilenet_v2 at 2 threads went from 66 ms to 400-490 ms with a pthreadpool per thread count on the shared
// 2-core VM). So every XNNPACK operator runs on the calling thread (null pool), and a kernel with enough work splits it
// into parts, one operator per part (a channel or column range), run on ctx's threads.
#pragma once

#include <xnnpack.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast::xnn {

// Initializes XNNPACK on first use (thread-safe); the error says why when this CPU or build cannot run it.
Status ready();

// Whether XNNPACK runs here: where it does not, every XNNPACK path declines and the node keeps its other kernel.
inline bool available() { return ready().ok(); }

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

// Runs an operator whose setup succeeded, on the calling thread.
inline Status run(const Operator& op, const char* what) { return check(xnn_run_operator(op.get(), nullptr), what); }

// How many parts to split `items` into: one per thread of ctx, each with at least `min_items` items (at least 1 part).
inline int64_t part_count(const KernelContext& ctx, int64_t items, int64_t min_items) {
  const int64_t threads = ctx.threads ? ctx.threads->num_threads() : 1;
  return std::max<int64_t>(1, std::min(threads, items / std::max<int64_t>(min_items, 1)));
}

// The first item of part `p` of `parts` over `items` items (part p holds [part_begin(p), part_begin(p + 1))).
inline int64_t part_begin(int64_t p, int64_t parts, int64_t items) { return items * p / parts; }

// Runs run_part(p) for p in [0, parts) on ctx's threads, each thread taking the next part when it is ready, so that a
// thread that starts late (its core busy with another process) runs fewer; the first failing part's Status is returned.
Status run_parts(const KernelContext& ctx, int64_t parts, const std::function<Status(int64_t)>& run_part);

}  // namespace qedge::fast::xnn
