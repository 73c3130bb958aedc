// A kernel whose implementation is chosen from the node's attributes at prepare time (Mod's fmod,
// BitShift's direction, Gelu's approximate), so each variant can reuse the generic templates.
#pragma once

#include <memory>
#include <string>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

using KernelChooser = Result<std::unique_ptr<OpKernel>> (*)(const KernelContext&);

class SelectedKernel : public OpKernel {
 public:
  explicit SelectedKernel(KernelChooser choose) : choose_(choose) {}

  Status prepare(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(impl_, choose_(ctx));
    return impl_->prepare(ctx);
  }

  Status run(KernelContext& ctx) override {
    if (!impl_) return Internal(std::string(ctx.op_type) + " run before prepare");
    return impl_->run(ctx);
  }

 private:
  KernelChooser choose_;
  std::unique_ptr<OpKernel> impl_;
};

inline void register_selected(KernelRegistry& r, const std::string& op, KernelChooser choose) {
  r.add("", op, [choose] { return std::make_unique<SelectedKernel>(choose); });
}

}  // namespace qedge::ref
