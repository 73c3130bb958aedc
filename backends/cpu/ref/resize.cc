#include <algorithm>

#include "common/reduce_resize.h"

namespace qedge::ref {

namespace {

// Reads a float tensor (scales, roi) of any float type as doubles.
std::vector<double> read_doubles(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) v[i] = read_as_double(t.dtype, t.data, i);
  return v;
}

class ResizeKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(x.dtype, "Resize", [](auto) { return Status::Ok(); }));
    const int rank = x.rank();
    const AttrMap& a = ctx.attr();
    QEDGE_RETURN_IF_ERROR(read_params(ctx));

    // Opset 10 has (X, scales); from 11 on (X, roi, scales, sizes).
    const int scales_in = ctx.opset < 11 ? 1 : 2;
    const Tensor* scales = ctx.input(scales_in);
    const Tensor* sizes = ctx.opset < 11 ? nullptr : ctx.input(3);
    if (scales != nullptr && scales->numel() == 0) scales = nullptr;
    if (sizes != nullptr && sizes->numel() == 0) sizes = nullptr;
    if ((scales == nullptr) == (sizes == nullptr)) {
      return InvalidModel("Resize needs exactly one of the scales and sizes inputs to be non-empty");
    }

    axes_.clear();
    for (int64_t ax : a.get_ints("axes")) {
      QEDGE_ASSIGN_OR_RETURN(int n, normalize_axis(ax, rank, "Resize axes"));
      if (std::find(axes_.begin(), axes_.end(), n) != axes_.end()) {
        return InvalidArgument("Resize axes repeat axis " + std::to_string(ax));
      }
      axes_.push_back(n);
    }
    if (axes_.empty()) {
      for (int d = 0; d < rank; ++d) axes_.push_back(d);
    }
    const size_t naxes = axes_.size();

    scales_.assign(rank, 1.0);
    Dims out = x.shape;
    if (scales != nullptr) {
      QEDGE_RETURN_IF_ERROR(require_value(ctx, scales_in));
      if (!dtype_is_float(scales->dtype) || static_cast<size_t>(scales->numel()) != naxes) {
        return InvalidArgument("Resize scales must be " + std::to_string(naxes) + " floats, got " +
                               dims_to_string(scales->shape) + " of " + dtype_name(scales->dtype));
      }
      const std::vector<double> s = read_doubles(*scales);
      for (size_t i = 0; i < naxes; ++i) {
        scales_[axes_[i]] = s[i];
        QEDGE_ASSIGN_OR_RETURN(out[axes_[i]], resize_scaled_size(x.shape[axes_[i]], s[i], "Resize"));
      }
    } else {
      QEDGE_RETURN_IF_ERROR(require_value(ctx, 3));
      std::vector<int64_t> sz;
      QEDGE_RETURN_IF_ERROR(read_int_values(sizes->dtype, sizes->data, sizes->numel(), "Resize sizes", &sz));
      if (sz.size() != naxes) {
        return InvalidArgument("Resize sizes has " + std::to_string(sz.size()) + " values for " +
                               std::to_string(naxes) + " axes");
      }
      for (size_t i = 0; i < naxes; ++i) {
        const int64_t in = x.shape[axes_[i]];
        if (sz[i] <= 0 || in <= 0 || sz[i] > kMaxElements) {
          return InvalidArgument("Resize size " + std::to_string(sz[i]) + " for axis " + std::to_string(axes_[i]) +
                                 " of input " + dims_to_string(x.shape) + " is invalid");
        }
        out[axes_[i]] = sz[i];
        scales_[axes_[i]] = static_cast<double>(sz[i]) / static_cast<double>(in);
      }
      QEDGE_RETURN_IF_ERROR(apply_aspect_policy(a.get_string("keep_aspect_ratio_policy", "stretch"), x.shape, &out));
    }
    set_output(ctx, 0, x.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const int rank = x.rank();
    std::vector<double> roi;
    const Tensor* roi_t = ctx.opset < 11 ? nullptr : ctx.input(1);
    if (params_.coord == "tf_crop_and_resize" && roi_t != nullptr && roi_t->numel() > 0) {
      const std::vector<double> r = read_doubles(*roi_t);
      const size_t naxes = axes_.size();
      if (r.size() != 2 * naxes) {
        return InvalidArgument("Resize roi has " + std::to_string(r.size()) + " values, expected " +
                               std::to_string(2 * naxes));
      }
      roi.assign(2 * rank, 0.0);
      std::fill(roi.begin() + rank, roi.end(), 1.0);
      for (size_t i = 0; i < naxes; ++i) {
        roi[axes_[i]] = r[i];
        roi[rank + axes_[i]] = r[naxes + i];
      }
    }
    return visit_dtype<kNumericTypes>(x.dtype, "Resize", [&](auto tag) {
      resize_nd<typename decltype(tag)::type>(params_, x, *ctx.output(0), scales_, roi);
      return Status::Ok();
    });
  }

 private:
  Status read_params(const KernelContext& ctx) {
    const AttrMap& a = ctx.attr();
    const std::string mode = a.get_string("mode", "nearest");
    if (mode == "nearest") {
      params_.mode = ResizeParams::Mode::kNearest;
    } else if (mode == "linear") {
      params_.mode = ResizeParams::Mode::kLinear;
    } else if (mode == "cubic" && ctx.opset >= 11) {
      params_.mode = ResizeParams::Mode::kCubic;
    } else {
      return InvalidArgument("Resize mode '" + mode + "' is not supported");
    }
    if (ctx.opset < 11) {  // Resize-10: asymmetric coordinates, nearest rounds down as Upsample did
      params_.coord = "asymmetric";
      params_.nearest = "floor";
      return Status::Ok();
    }
    params_.coord = a.get_string("coordinate_transformation_mode", "half_pixel");
    params_.nearest = a.get_string("nearest_mode", "round_prefer_floor");
    params_.cubic_a = a.get_float("cubic_coeff_a", -0.75f);
    params_.exclude_outside = a.get_int("exclude_outside", 0) != 0;
    params_.extrapolation = a.get_float("extrapolation_value", 0.0f);
    params_.antialias = a.get_int("antialias", 0) != 0;
    static const char* const kCoords[] = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
                                          "align_corners", "asymmetric", "tf_crop_and_resize"};
    if (std::none_of(std::begin(kCoords), std::end(kCoords), [&](const char* c) { return params_.coord == c; })) {
      return InvalidArgument("Resize coordinate_transformation_mode '" + params_.coord + "' is not supported");
    }
    static const char* const kNearest[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
    if (std::none_of(std::begin(kNearest), std::end(kNearest), [&](const char* c) { return params_.nearest == c; })) {
      return InvalidArgument("Resize nearest_mode '" + params_.nearest + "' is not supported");
    }
    return Status::Ok();
  }

  // keep_aspect_ratio_policy: one scale for all resized axes, the smallest (not_larger) or the
  // largest (not_smaller) of the per-axis ones; sizes round half up.
  Status apply_aspect_policy(const std::string& policy, const Dims& in, Dims* out) {
    if (policy == "stretch") return Status::Ok();
    if (policy != "not_larger" && policy != "not_smaller") {
      return InvalidArgument("Resize keep_aspect_ratio_policy '" + policy + "' is not supported");
    }
    double scale = scales_[axes_[0]];
    for (int d : axes_) scale = policy == "not_larger" ? std::min(scale, scales_[d]) : std::max(scale, scales_[d]);
    for (int d : axes_) {
      scales_[d] = scale;
      (*out)[d] = static_cast<int64_t>(scale * static_cast<double>(in[d]) + 0.5);
    }
    return Status::Ok();
  }

  ResizeParams params_;
  std::vector<int> axes_;
  std::vector<double> scales_;
};

}  // namespace

void register_resize(KernelRegistry& r) {
  r.add("", "Resize", [] { return std::make_unique<ResizeKernel>(); });
}

}  // namespace qedge::ref
