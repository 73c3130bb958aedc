// Fast ONNX QuantizeLinear (float32 in, one constant scale and zero point of an 8- or 16-bit type): the rule
// saturate(round_half_even(x / scale) + zero_point) is qedge Quantize's zp_after_round rule, so it runs on the same
// vectorized levels (requant_avx2.cc), bit-identical to the reference; elements are split across threads. Per-axis
// and blocked quantization, non-constant parameters and other types use the reference kernel.
#include "per_tensor_quantize.h"

namespace qedge::fast {
namespace {

bool per_tensor_constant(const Tensor* t) { return t && t->constant && t->has_value && t->data && t->numel() == 1; }

bool eight_or_sixteen_bit(DType t) {
  return t == DType::kInt8 || t == DType::kUint8 || t == DType::kInt16 || t == DType::kUint16;
}

class FastQuantizeLinear : public PerTensorQuantize {
 public:
  explicit FastQuantizeLinear(const KernelRegistry& ref) : PerTensorQuantize(ref, "QuantizeLinear") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* scale = ctx.input(1);
    const Tensor* zp = ctx.num_inputs() > 2 ? ctx.input(2) : nullptr;
    if (!x || x->dtype != DType::kFloat32 || !per_tensor_constant(scale) || scale->dtype != DType::kFloat32) {
      return false;
    }
    if (ctx.attr().get_int("block_size", 0) != 0 || ctx.attr().get_int("saturate", 1) == 0) return false;
    if (zp == nullptr) return ctx.attr().get_int("output_dtype", 0) == 0;  // uint8 by default
    const int64_t out_attr = ctx.attr().get_int("output_dtype", 0);
    return per_tensor_constant(zp) && eight_or_sixteen_bit(zp->dtype) &&
           (out_attr == 0 || out_attr == static_cast<int64_t>(zp->dtype));
  }

  Status read_spec(KernelContext& ctx, ref::QuantizeSpec* spec) override {
    const Tensor* zp = ctx.num_inputs() > 2 ? ctx.input(2) : nullptr;
    const float s = ctx.input(1)->data_as<float>()[0];
    if (!(s > 0.0f) || !std::isfinite(s)) {
      return InvalidModel("QuantizeLinear y_scale must be positive and finite, got " + std::to_string(s));
    }
    spec->to = zp ? zp->dtype : DType::kUint8;
    spec->scale = {s};
    spec->zero_point = {zp ? static_cast<float>(ref::int_element(*zp, 0)) : 0.0f};
    spec->zp_after_round = true;
    spec->params.bits = spec->to == DType::kInt8 || spec->to == DType::kUint8 ? 8 : 16;
    spec->params.is_signed = spec->to == DType::kInt8 || spec->to == DType::kInt16;
    spec->params.mode = quant::RoundingMode::kHalfEven;
    spec->range_min = quant::range_min_f(spec->params);
    spec->range_max = quant::range_max_f(spec->params);
    return Status::Ok();
  }
};

}  // namespace

void register_fast_quantize_linear(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "QuantizeLinear", [&ref] { return std::make_unique<FastQuantizeLinear>(ref); });
}

}  // namespace qedge::fast
