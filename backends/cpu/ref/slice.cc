#include <algorithm>

#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class SliceKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    std::vector<int64_t> starts, ends, axes, steps;
    if (ctx.opset < 10) {
      starts = ctx.attr().get_ints("starts");
      ends = ctx.attr().get_ints("ends");
      axes = ctx.attr().get_ints("axes");
    } else {
      QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
      QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 1, &starts));
      QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 2, &ends));
      if (ctx.input(3) != nullptr) QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 3, &axes));
      if (ctx.input(4) != nullptr) QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 4, &steps));
    }
    const size_t n = starts.size();
    if (axes.empty()) {
      for (size_t i = 0; i < n; ++i) axes.push_back(static_cast<int64_t>(i));
    }
    if (steps.empty()) steps.assign(n, 1);
    if (ends.size() != n || axes.size() != n || steps.size() != n) {
      return InvalidModel("Slice starts, ends, axes and steps have different lengths (" + std::to_string(n) + ", " +
                          std::to_string(ends.size()) + ", " + std::to_string(axes.size()) + ", " +
                          std::to_string(steps.size()) + ")");
    }
    QEDGE_ASSIGN_OR_RETURN(std::vector<int> norm, normalize_axes(ctx, axes, x.rank()));
    start_.assign(x.shape.size(), 0);
    step_.assign(x.shape.size(), 1);
    Dims out = x.shape;
    for (size_t i = 0; i < n; ++i) {
      const int a = norm[i];
      const int64_t dim = x.shape[a];
      const int64_t step = steps[i];
      if (step == 0) return InvalidArgument("Slice step for axis " + std::to_string(a) + " is 0");
      if (dim == 0) {
        out[a] = 0;
        continue;
      }
      int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
      int64_t end = ends[i] < 0 ? ends[i] + dim : ends[i];
      // Clamp as the spec says: [0, dim] going forward, [-1, dim - 1] going backward.
      if (step > 0) {
        start = std::clamp<int64_t>(start, 0, dim);
        end = std::clamp<int64_t>(end, 0, dim);
      } else {
        start = std::clamp<int64_t>(start, 0, dim - 1);
        end = std::clamp<int64_t>(end, -1, dim - 1);
      }
      const int64_t diff = step > 0 ? end - start : start - end;
      // |step| as unsigned so that INT64_MIN does not overflow.
      const uint64_t mag = step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
      out[a] = diff <= 0 ? 0 : static_cast<int64_t>(1 + static_cast<uint64_t>(diff - 1) / mag);
      start_[a] = start;
      step_[a] = out[a] > 1 ? step : 1;  // a single element never steps, whatever |step| is
    }
    set_output(ctx, 0, x.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    const std::vector<int64_t> strides = row_major_strides(x.shape);
    int64_t base = 0;
    std::vector<int64_t> step_strides(strides.size());
    for (size_t d = 0; d < strides.size(); ++d) {
      base += start_[d] * strides[d];
      step_strides[d] = step_[d] * strides[d];
    }
    for_each_index(y.shape, [&](const std::vector<int64_t>& idx, int64_t o) {
      copy_element(y.data, o, x.data, base + offset_of(idx, step_strides), esize_);
    });
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  std::vector<int64_t> start_, step_;
};

}  // namespace

void register_slice(KernelRegistry& r) {
  r.add("", "Slice", [] { return std::make_unique<SliceKernel>(); });
}

}  // namespace qedge::ref
