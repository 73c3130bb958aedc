#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class ConcatKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& first = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(element_bytes(ctx, first.dtype).status());
    if (first.rank() == 0) return InvalidModel("Concat inputs must have rank >= 1");
    if (!ctx.attr().has("axis") && ctx.opset >= 4) return InvalidModel("Concat requires the axis attribute");
    // Opset 1 defaulted the axis to 1.
    QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", 1), first.rank(), "Concat axis"));
    Dims out = first.shape;
    out[axis_] = 0;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Tensor* t = ctx.input(i);
      if (t == nullptr) return InvalidModel("Concat input " + std::to_string(i) + " is missing");
      if (t->dtype != first.dtype) {
        return InvalidModel(std::string("Concat inputs have different types: ") + dtype_name(first.dtype) + " and " +
                            dtype_name(t->dtype));
      }
      bool same = t->rank() == first.rank();
      for (int d = 0; same && d < first.rank(); ++d) same = d == axis_ || t->shape[d] == first.shape[d];
      if (!same) {
        return ShapeMismatch("Concat input shapes " + dims_to_string(first.shape) + " and " +
                             dims_to_string(t->shape) + " differ outside axis " + std::to_string(axis_));
      }
      out[axis_] += t->shape[axis_];
    }
    set_output(ctx, 0, first.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    Tensor& y = *ctx.output(0);
    const size_t esize = dtype_bits(y.dtype) / 8;
    const int64_t outer = dims_product(y.shape, 0, axis_);
    const int64_t inner = dims_product(y.shape, axis_ + 1, y.shape.size());
    const int64_t out_row = y.shape[axis_] * inner;
    auto* dst = static_cast<uint8_t*>(y.data);
    int64_t col = 0;  // start of this input's block within an output row
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Tensor& t = *ctx.input(i);
      const int64_t row = t.shape[axis_] * inner;
      const auto* src = static_cast<const uint8_t*>(t.data);
      for (int64_t o = 0; o < outer; ++o) {
        copy_bytes(dst + (o * out_row + col) * esize, src + o * row * esize, row * esize);
      }
      col += row;
    }
    return Status::Ok();
  }

 private:
  int axis_ = 0;
};

}  // namespace

void register_concat(KernelRegistry& r) {
  r.add("", "Concat", [] { return std::make_unique<ConcatKernel>(); });
}

}  // namespace qedge::ref
