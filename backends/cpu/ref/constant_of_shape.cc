#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class ConstantOfShapeKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    std::vector<int64_t> shape;
    QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 0, &shape));
    QEDGE_RETURN_IF_ERROR(check_shape(ctx, shape));
    DType dtype = DType::kFloat32;  // the default value is float 0
    value_.assign(4, 0);
    if (const TensorData* v = ctx.attr().get_tensor("value")) {
      QEDGE_ASSIGN_OR_RETURN(size_t esize, element_bytes(ctx, v->dtype));
      if (num_elements(v->shape) != 1 || v->bytes.size() != esize) {
        return InvalidModel("ConstantOfShape value must hold exactly one element, got shape " +
                            dims_to_string(v->shape));
      }
      dtype = v->dtype;
      value_ = v->bytes;
    }
    set_output(ctx, 0, dtype, std::move(shape));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    Tensor& y = *ctx.output(0);
    const int64_t n = y.numel();
    for (int64_t i = 0; i < n; ++i) copy_element(y.data, i, value_.data(), 0, value_.size());
    return Status::Ok();
  }

 private:
  std::vector<uint8_t> value_;
};

}  // namespace

void register_constant_of_shape(KernelRegistry& r) {
  r.add("", "ConstantOfShape", [] { return std::make_unique<ConstantOfShapeKernel>(); });
}

}  // namespace qedge::ref
