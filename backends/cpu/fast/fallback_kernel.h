// Base of the fast kernels: prepare decides per node whether the fast path applies; if not, the reference
// kernel of the same op runs instead (created on demand from the reference registry).
#pragma once

#include <memory>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

class FallbackKernel : public OpKernel {
 public:
  FallbackKernel(const KernelRegistry& ref, const char* op) : ref_(ref), op_(op) {}

  Status prepare(KernelContext& ctx) final {
    fast_ = applies(ctx);
    if (fast_) return prepare_fast(ctx);
    if (!fallback_) {
      const KernelFactory* f = ref_.find(ctx.domain, ctx.op_type);
      if (!f) return Unsupported(std::string("no reference kernel for ") + op_);
      fallback_ = (*f)();
    }
    return fallback_->prepare(ctx);
  }
  Status run(KernelContext& ctx) final { return fast_ ? run_fast(ctx) : fallback_->run(ctx); }

 protected:
  virtual bool applies(const KernelContext& ctx) const = 0;
  virtual Status prepare_fast(KernelContext& ctx) = 0;
  virtual Status run_fast(KernelContext& ctx) = 0;

 private:
  const KernelRegistry& ref_;
  const char* op_;
  std::unique_ptr<OpKernel> fallback_;
  bool fast_ = false;
};

}  // namespace qedge::fast
