#include "common/shape_util.h"

namespace qedge::ref {
namespace {

template <typename T>
TensorData make_constant(DType dtype, Dims shape, const std::vector<T>& values) {
  TensorData t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes.resize(values.size() * sizeof(T));
  copy_bytes(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

// The output is whichever value attribute the node carries.
class ConstantKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    const AttrMap& a = ctx.attr();
    if (const TensorData* v = a.get_tensor("value")) {
      if (v->dtype == DType::kString) return Unsupported("Constant of string type is not supported");
      value_ = *v;
    } else if (a.has("value_float")) {
      value_ = make_constant<float>(DType::kFloat32, {}, {a.get_float("value_float", 0)});
    } else if (a.has("value_floats")) {
      const std::vector<float> f = a.get_floats("value_floats");
      value_ = make_constant<float>(DType::kFloat32, {static_cast<int64_t>(f.size())}, f);
    } else if (a.has("value_int")) {
      value_ = make_constant<int64_t>(DType::kInt64, {}, {a.get_int("value_int", 0)});
    } else if (a.has("value_ints")) {
      const std::vector<int64_t> v = a.get_ints("value_ints");
      value_ = make_constant<int64_t>(DType::kInt64, {static_cast<int64_t>(v.size())}, v);
    } else if (a.has("value_string") || a.has("value_strings")) {
      return Unsupported("Constant of string type is not supported");
    } else {
      return Unsupported("Constant needs a value, value_float(s) or value_int(s) attribute (sparse_value is "
                         "not supported)");
    }
    if (value_.bytes.size() != dtype_storage_bytes(value_.dtype, num_elements(value_.shape))) {
      return InvalidModel("Constant value holds " + std::to_string(value_.bytes.size()) + " bytes for shape " +
                          dims_to_string(value_.shape));
    }
    set_output(ctx, 0, value_.dtype, value_.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    copy_bytes(ctx.output(0)->data, value_.bytes.data(), value_.bytes.size());
    return Status::Ok();
  }

 private:
  TensorData value_;
};

}  // namespace

void register_constant(KernelRegistry& r) {
  r.add("", "Constant", [] { return std::make_unique<ConstantKernel>(); });
}

}  // namespace qedge::ref
