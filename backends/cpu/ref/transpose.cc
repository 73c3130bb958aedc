#include "common/shape_transpose.h"

namespace qedge::ref {
namespace {

class TransposeKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(perm_, transpose_prepare(ctx));
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, ctx.input(0)->dtype));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    const std::vector<int64_t> in_strides = row_major_strides(x.shape);
    // Stride in the input of each output dim.
    std::vector<int64_t> strides;
    for (int p : perm_) strides.push_back(in_strides[p]);
    for_each_index(y.shape, [&](const std::vector<int64_t>& idx, int64_t o) {
      copy_element(y.data, o, x.data, offset_of(idx, strides), esize_);
    });
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  std::vector<int> perm_;
};

}  // namespace

void register_transpose(KernelRegistry& r) {
  r.add("", "Transpose", [] { return std::make_unique<TransposeKernel>(); });
}

}  // namespace qedge::ref
