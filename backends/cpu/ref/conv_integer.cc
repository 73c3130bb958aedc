#include "common/nn_conv.h"

namespace qedge::ref {
namespace {

bool is_8bit(DType t) { return t == DType::kUint8 || t == DType::kInt8; }

// Reads an 8-bit tensor's values minus its zero point: one per tensor, or one per slice along axis 0
// when the zero point has several values.
template <typename T>
void read_shifted(const Tensor& t, const Tensor* zp, std::vector<int32_t>* out) {
  const int64_t n = t.numel();
  out->resize(static_cast<size_t>(n));
  const T* p = t.data_as<T>();
  const int64_t zn = zp ? zp->numel() : 0;
  const int64_t inner = zn > 1 ? n / zn : n;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t z = zn == 0 ? 0 : static_cast<int32_t>(zp->data_as<T>()[zn > 1 ? i / inner : 0]);
    (*out)[i] = static_cast<int32_t>(p[i]) - z;
  }
}

void read_shifted_any(const Tensor& t, const Tensor* zp, std::vector<int32_t>* out) {
  if (t.dtype == DType::kUint8) {
    read_shifted<uint8_t>(t, zp, out);
  } else {
    read_shifted<int8_t>(t, zp, out);
  }
}

class ConvIntegerKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    for (int i = 0; i < 2; ++i) {
      const DType t = ctx.input(i)->dtype;
      if (!is_8bit(t)) return unsupported_type("ConvInteger", t);
      const Tensor* zp = ctx.input(i + 2);
      if (zp == nullptr) continue;
      // x's zero point is per tensor; w's may also be one per output channel.
      const int64_t per_channel = i == 1 && ctx.input(1)->rank() > 0 ? ctx.input(1)->shape[0] : 1;
      if (zp->dtype != t || (zp->numel() != 1 && zp->numel() != per_channel) || zp->rank() > 1) {
        return InvalidModel("ConvInteger zero point for input " + std::to_string(i) + " must be a " +
                            dtype_name(t) + " scalar" + (i == 1 ? " or vector of output channels" : "") + ", got " +
                            dtype_name(zp->dtype) + " " + dims_to_string(zp->shape));
      }
    }
    return nn_conv_prepare(ctx, DType::kInt32, &g_, &group_);
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    std::vector<int32_t> xs, ws;
    read_shifted_any(x, ctx.input(2), &xs);
    read_shifted_any(w, ctx.input(3), &ws);
    nn_conv_forward<int32_t>(ctx, g_, x.shape[0], x.shape[1], w.shape[0], group_, xs.data(), ws.data(), nullptr,
                             ctx.output(0)->data_as<int32_t>());
    return Status::Ok();
  }

 private:
  NnGeometry g_;
  int64_t group_ = 1;
};

}  // namespace

void register_conv_integer(KernelRegistry& r) {
  r.add("", "ConvInteger", [] { return std::make_unique<ConvIntegerKernel>(); });
}

}  // namespace qedge::ref
