#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class SplitKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(element_bytes(ctx, x.dtype).status());
    QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", 0), x.rank(), "Split axis"));
    const int n = ctx.num_outputs();
    if (n < 1) return InvalidModel("Split must declare at least one output");
    const int64_t dim = x.shape[axis_];
    std::vector<int64_t> sizes;
    if (ctx.opset < 13) {
      sizes = ctx.attr().get_ints("split");
    } else if (ctx.input(1) != nullptr) {
      QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 1, &sizes));
    }
    if (sizes.empty()) {
      if (ctx.attr().has("num_outputs")) {
        // Opset 18: chunks of ceil(dim / n), the last one smaller.
        const int64_t chunk = (dim + n - 1) / n;
        const int64_t last = dim - chunk * (n - 1);
        if (last < 0) {
          return InvalidArgument("Split cannot split a dim of " + std::to_string(dim) + " into " +
                                 std::to_string(n) + " outputs");
        }
        sizes.assign(n, chunk);
        sizes.back() = last;
      } else {
        if (dim % n != 0) {
          return InvalidArgument("Split dim " + std::to_string(dim) + " of input shape " + dims_to_string(x.shape) +
                                 " does not divide into " + std::to_string(n) + " equal outputs");
        }
        sizes.assign(n, dim / n);
      }
    }
    if (static_cast<int>(sizes.size()) != n) {
      return InvalidModel("Split has " + std::to_string(sizes.size()) + " split sizes for " + std::to_string(n) +
                          " outputs");
    }
    int64_t total = 0;
    for (int64_t s : sizes) {
      if (s < 0 || s > dim) return InvalidArgument("Split size " + std::to_string(s) + " is out of range");
      total += s;
    }
    if (total != dim) {
      return ShapeMismatch("Split sizes sum to " + std::to_string(total) + " but axis " + std::to_string(axis_) +
                           " of input shape " + dims_to_string(x.shape) + " is " + std::to_string(dim));
    }
    for (int i = 0; i < n; ++i) {
      Dims out = x.shape;
      out[axis_] = sizes[i];
      set_output(ctx, i, x.dtype, std::move(out));
    }
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const size_t esize = dtype_bits(x.dtype) / 8;
    const int64_t outer = dims_product(x.shape, 0, axis_);
    const int64_t inner = dims_product(x.shape, axis_ + 1, x.shape.size());
    const int64_t in_row = x.shape[axis_] * inner;
    const auto* src = static_cast<const uint8_t*>(x.data);
    int64_t col = 0;
    for (int i = 0; i < ctx.num_outputs(); ++i) {
      Tensor& y = *ctx.output(i);
      const int64_t row = y.shape[axis_] * inner;
      auto* dst = static_cast<uint8_t*>(y.data);
      for (int64_t o = 0; o < outer; ++o) {
        copy_bytes(dst + o * row * esize, src + (o * in_row + col) * esize, row * esize);
      }
      col += row;
    }
    return Status::Ok();
  }

 private:
  int axis_ = 0;
};

}  // namespace

void register_split(KernelRegistry& r) {
  r.add("", "Split", [] { return std::make_unique<SplitKernel>(); });
}

}  // namespace qedge::ref
