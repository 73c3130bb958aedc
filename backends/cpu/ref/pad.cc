#include <cmath>
#include <cstring>
#include <limits>

#include "common/shape_util.h"

namespace qedge::ref {
namespace {

enum class PadMode { kConstant, kReflect, kEdge, kWrap };

// Maps a coordinate outside [0, n) back into the input for the non-constant modes.
int64_t map_coord(int64_t i, int64_t n, PadMode mode) {
  switch (mode) {
    case PadMode::kEdge:
      return i < 0 ? 0 : n - 1;
    case PadMode::kWrap:
      return ((i % n) + n) % n;
    default: {
      if (n == 1) return 0;
      const int64_t period = 2 * (n - 1);
      const int64_t c = ((i % period) + period) % period;
      return c < n ? c : period - c;
    }
  }
}

// The fill value's bytes in the data's element type, from the float attribute of old opsets.
Status fill_from_float(const KernelContext& ctx, DType t, double v, std::vector<uint8_t>* bytes) {
  return visit_dtype<kAllTypes>(t, "Pad", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T value{};
    if constexpr (std::is_same_v<T, bool>) {
      value = v != 0;
    } else if constexpr (std::is_integral_v<T>) {
      if (!std::isfinite(v) || v < static_cast<double>(std::numeric_limits<T>::min()) ||
          v >= static_cast<double>(std::numeric_limits<T>::max()) + 1.0) {
        return InvalidModel(op_name(ctx) + " value " + std::to_string(v) + " does not fit " + dtype_name(t));
      }
      value = static_cast<T>(v);
    } else {
      value = to_storage<T>(v);
    }
    bytes->resize(sizeof(T));
    std::memcpy(bytes->data(), &value, sizeof(T));
    return Status::Ok();
  });
}

class PadKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    const std::string mode = ctx.attr().get_string("mode", "constant");
    if (mode == "constant") {
      mode_ = PadMode::kConstant;
    } else if (mode == "reflect") {
      mode_ = PadMode::kReflect;
    } else if (mode == "edge") {
      mode_ = PadMode::kEdge;
    } else if (mode == "wrap") {
      mode_ = PadMode::kWrap;
    } else {
      return InvalidModel("Pad mode '" + mode + "' is not constant, reflect, edge or wrap");
    }
    const int rank = x.rank();
    std::vector<int64_t> pads, axes;
    fill_.assign(esize_, 0);
    if (ctx.opset < 11) {
      pads = ctx.attr().get_ints(ctx.opset < 2 ? "paddings" : "pads");
      QEDGE_RETURN_IF_ERROR(fill_from_float(ctx, x.dtype, ctx.attr().get_float("value", 0.0f), &fill_));
    } else {
      QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
      QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 1, &pads));
      if (ctx.input(3) != nullptr) QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 3, &axes));
    }
    if (axes.empty()) {
      for (int i = 0; i < rank; ++i) axes.push_back(i);
    }
    if (pads.size() != 2 * axes.size()) {
      return InvalidModel("Pad pads has " + std::to_string(pads.size()) + " values for " +
                          std::to_string(axes.size()) + " axes of input shape " + dims_to_string(x.shape));
    }
    QEDGE_ASSIGN_OR_RETURN(std::vector<int> norm, normalize_axes(ctx, axes, rank));
    begin_.assign(rank, 0);
    Dims out = x.shape;
    for (size_t i = 0; i < norm.size(); ++i) {
      const int a = norm[i];
      const int64_t b = pads[i], e = pads[i + norm.size()];
      if (b < -x.shape[a] || e < -x.shape[a] || b > kMaxElements || e > kMaxElements || b + e < -x.shape[a]) {
        return InvalidArgument("Pad pads " + dims_to_string(pads) + " are out of range for input shape " +
                               dims_to_string(x.shape));
      }
      if (mode_ != PadMode::kConstant && x.shape[a] == 0 && (b > 0 || e > 0)) {
        return InvalidArgument("Pad mode " + mode + " cannot pad the empty axis " + std::to_string(a));
      }
      begin_[a] = b;
      out[a] = x.shape[a] + b + e;
    }
    QEDGE_RETURN_IF_ERROR(check_shape(ctx, out));
    set_output(ctx, 0, x.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    const Tensor* value = ctx.input(2);
    if (ctx.opset >= 11 && value != nullptr && value->numel() > 0) {
      if (value->dtype != x.dtype) return InvalidModel("Pad constant_value type differs from data type");
      std::memcpy(fill_.data(), value->data, esize_);
    }
    const std::vector<int64_t> strides = row_major_strides(x.shape);
    for_each_index(y.shape, [&](const std::vector<int64_t>& idx, int64_t o) {
      int64_t off = 0;
      for (size_t d = 0; d < idx.size(); ++d) {
        int64_t c = idx[d] - begin_[d];
        if (c < 0 || c >= x.shape[d]) {
          if (mode_ == PadMode::kConstant) {
            std::memcpy(static_cast<uint8_t*>(y.data) + o * esize_, fill_.data(), esize_);
            return;
          }
          c = map_coord(c, x.shape[d], mode_);
        }
        off += c * strides[d];
      }
      copy_element(y.data, o, x.data, off, esize_);
    });
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  PadMode mode_ = PadMode::kConstant;
  std::vector<int64_t> begin_;
  std::vector<uint8_t> fill_;
};

}  // namespace

void register_pad(KernelRegistry& r) {
  r.add("", "Pad", [] { return std::make_unique<PadKernel>(); });
}

}  // namespace qedge::ref
