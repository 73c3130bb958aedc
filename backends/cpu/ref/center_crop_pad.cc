#include "common/shape_util.h"

namespace qedge::ref {
namespace {

// Crops (centered, extra row at the end) or zero-pads (centered, extra row at the end) each listed
// axis to the requested size.
class CenterCropPadKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    std::vector<int64_t> shape;
    QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 1, &shape));
    std::vector<int64_t> axes = ctx.attr().get_ints("axes");
    if (!ctx.attr().has("axes")) {
      for (int i = 0; i < x.rank(); ++i) axes.push_back(i);
    }
    if (axes.size() != shape.size()) {
      return InvalidModel("CenterCropPad shape has " + std::to_string(shape.size()) + " values for " +
                          std::to_string(axes.size()) + " axes");
    }
    QEDGE_ASSIGN_OR_RETURN(std::vector<int> norm, normalize_axes(ctx, axes, x.rank()));
    shift_.assign(x.shape.size(), 0);
    Dims out = x.shape;
    for (size_t i = 0; i < norm.size(); ++i) {
      const int a = norm[i];
      if (shape[i] < 0) return InvalidArgument("CenterCropPad shape " + dims_to_string(shape) + " is negative");
      out[a] = shape[i];
      // Input coordinate = output coordinate + shift: positive when cropping, negative when padding.
      shift_[a] = shape[i] <= x.shape[a] ? (x.shape[a] - shape[i]) / 2 : -((shape[i] - x.shape[a]) / 2);
    }
    QEDGE_RETURN_IF_ERROR(check_shape(ctx, out));
    set_output(ctx, 0, x.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    const std::vector<int64_t> strides = row_major_strides(x.shape);
    for_each_index(y.shape, [&](const std::vector<int64_t>& idx, int64_t o) {
      int64_t off = 0;
      for (size_t d = 0; d < idx.size(); ++d) {
        const int64_t c = idx[d] + shift_[d];
        if (c < 0 || c >= x.shape[d]) {
          std::memset(static_cast<uint8_t*>(y.data) + o * esize_, 0, esize_);
          return;
        }
        off += c * strides[d];
      }
      copy_element(y.data, o, x.data, off, esize_);
    });
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  std::vector<int64_t> shift_;
};

}  // namespace

void register_center_crop_pad(KernelRegistry& r) {
  r.add("", "CenterCropPad", [] { return std::make_unique<CenterCropPadKernel>(); });
}

}  // namespace qedge::ref
