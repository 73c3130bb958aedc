#include <algorithm>

#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class TransposeKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    const int rank = x.rank();
    std::vector<int64_t> perm = ctx.attr().get_ints("perm");
    if (!ctx.attr().has("perm")) {
      for (int i = rank - 1; i >= 0; --i) perm.push_back(i);
    }
    if (static_cast<int>(perm.size()) != rank) {
      return InvalidModel("Transpose perm has " + std::to_string(perm.size()) + " entries for input shape " +
                          dims_to_string(x.shape));
    }
    QEDGE_ASSIGN_OR_RETURN(std::vector<int> norm, normalize_axes(ctx, perm, rank));
    perm_ = norm;
    Dims out;
    for (int p : perm_) out.push_back(x.shape[p]);
    set_output(ctx, 0, x.dtype, std::move(out));
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
