#include <algorithm>

#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class ShapeKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    const int64_t rank = x.rank();
    // Opset 15 start/end: negative counts from the back, then clamp to [0, rank].
    auto clamp_dim = [rank](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
    const int64_t start = clamp_dim(ctx.attr().get_int("start", 0));
    const int64_t end = clamp_dim(ctx.attr().get_int("end", rank));
    dims_.assign(x.shape.begin() + start, x.shape.begin() + std::max(start, end));
    set_output(ctx, 0, DType::kInt64, {static_cast<int64_t>(dims_.size())});
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    copy_bytes(ctx.output(0)->data, dims_.data(), dims_.size() * sizeof(int64_t));
    return Status::Ok();
  }

 private:
  Dims dims_;
};

}  // namespace

void register_shape(KernelRegistry& r) {
  r.add("", "Shape", [] { return std::make_unique<ShapeKernel>(); });
}

}  // namespace qedge::ref
