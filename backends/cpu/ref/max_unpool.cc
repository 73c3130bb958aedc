#include <algorithm>

#include "common/dispatch.h"
#include "common/nn_geometry.h"

namespace qedge::ref {
namespace {

// Scatters X into a zero tensor at the flat positions I, which MaxPool's Indices output gives for the
// unpooled default shape. With an output_shape input of another shape, each index is re-flattened
// from the default shape into the requested one.
class MaxUnpoolKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    Dims in_spatial;
    QEDGE_RETURN_IF_ERROR(nn_spatial_inputs(ctx, /*float_only=*/true, &in_spatial));
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    if (ind.dtype != DType::kInt64 || ind.shape != x.shape) {
      return ShapeMismatch("MaxUnpool indices must be int64 of the input's shape " + dims_to_string(x.shape) +
                           ", got " + dtype_name(ind.dtype) + " " + dims_to_string(ind.shape));
    }
    if (!ctx.attr().has("kernel_shape")) return InvalidModel("MaxUnpool requires attribute kernel_shape");
    NnGeometry g;
    QEDGE_RETURN_IF_ERROR(nn_window_attrs(ctx, in_spatial, ctx.attr().get_ints("kernel_shape"), &g));
    default_shape_ = {x.shape[0], x.shape[1]};
    for (int i = kNnMaxSpatial - g.nd; i < kNnMaxSpatial; ++i) {
      int64_t d;
      QEDGE_RETURN_IF_ERROR(nn_scatter_size(ctx, g.in[i], g.stride[i], g.kernel[i], &d));
      d -= g.pad_begin[i] + g.pad_end[i];
      if (d < 0) return InvalidArgument("MaxUnpool pads exceed the unpooled size in spatial dim " + std::to_string(i));
      default_shape_.push_back(d);
    }
    QEDGE_RETURN_IF_ERROR(checked_num_elements(default_shape_).status());
    Dims shape = default_shape_;
    if (const Tensor* os = ctx.input(2)) {
      QEDGE_RETURN_IF_ERROR(require_value(ctx, 2));
      QEDGE_RETURN_IF_ERROR(read_int_values(os->dtype, os->data, os->numel(), "MaxUnpool output_shape", &shape));
      if (static_cast<int>(shape.size()) != x.rank()) {
        return ShapeMismatch("MaxUnpool output_shape " + dims_to_string(shape) + " does not match input rank " +
                             std::to_string(x.rank()));
      }
      QEDGE_RETURN_IF_ERROR(checked_num_elements(shape).status());
    }
    set_output(ctx, 0, x.dtype, shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const int64_t* ind = ctx.input(1)->data_as<int64_t>();
    Tensor& y = *ctx.output(0);
    const int64_t n = x.numel(), size = num_elements(default_shape_);
    const int rank = y.rank();
    const size_t elem = dtype_storage_bytes(x.dtype, 1);
    auto* out = static_cast<uint8_t*>(y.data);
    const auto* in = static_cast<const uint8_t*>(x.data);
    std::fill(out, out + y.nbytes(), uint8_t{0});  // all-zero bytes are 0.0 in every float type
    for (int64_t i = 0; i < n; ++i) {
      if (ind[i] < 0 || ind[i] >= size) {
        return InvalidArgument("MaxUnpool index " + std::to_string(ind[i]) + " at position " + std::to_string(i) +
                               " is outside the output of " + std::to_string(size) + " elements");
      }
      // Re-flatten: coordinates in the default shape, then the flat offset in the output shape.
      int64_t rest = ind[i], pos = 0, scale = 1;
      for (int d = rank - 1; d >= 0; --d) {
        const int64_t coord = rest % default_shape_[d];
        rest /= default_shape_[d];
        if (coord >= y.shape[d]) {
          return InvalidArgument("MaxUnpool index " + std::to_string(ind[i]) + " falls outside output_shape " +
                                 dims_to_string(y.shape));
        }
        pos += coord * scale;
        scale *= y.shape[d];
      }
      std::copy(in + i * elem, in + (i + 1) * elem, out + pos * elem);
    }
    return Status::Ok();
  }

 private:
  Dims default_shape_;
};

}  // namespace

void register_max_unpool(KernelRegistry& r) {
  r.add("", "MaxUnpool", [] { return std::make_unique<MaxUnpoolKernel>(); });
}

}  // namespace qedge::ref
