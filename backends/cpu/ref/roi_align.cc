#include <algorithm>
#include <cmath>

#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {

namespace {

// X [N, C, H, W], rois [R, 4] as (x1, y1, x2, y2), batch_indices [R] -> [R, C, oh, ow]: each
// output bin averages (or takes the max of) bilinear samples on a regular grid inside the bin.
class RoiAlignKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
    const Tensor& x = *ctx.input(0);
    const Tensor& rois = *ctx.input(1);
    const Tensor& idx = *ctx.input(2);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "RoiAlign", [](auto) { return Status::Ok(); }));
    if (x.rank() != 4 || rois.rank() != 2 || rois.shape[1] != 4 || rois.dtype != x.dtype || idx.rank() != 1 ||
        idx.shape[0] != rois.shape[0]) {
      return ShapeMismatch("RoiAlign needs X [N,C,H,W], rois [R,4] of X's type and batch_indices [R], got " +
                           dims_to_string(x.shape) + ", " + dims_to_string(rois.shape) + ", " +
                           dims_to_string(idx.shape));
    }
    if (idx.dtype != DType::kInt64 && idx.dtype != DType::kInt32) return unsupported_type("RoiAlign", idx.dtype);
    const AttrMap& a = ctx.attr();
    const std::string mode = a.get_string("mode", "avg");
    if (mode != "avg" && mode != "max") return InvalidArgument("RoiAlign mode '" + mode + "' is not supported");
    max_ = mode == "max";
    const std::string coord = a.get_string("coordinate_transformation_mode", ctx.opset < 16 ? "output_half_pixel" : "half_pixel");
    if (coord != "half_pixel" && coord != "output_half_pixel") {
      return InvalidArgument("RoiAlign coordinate_transformation_mode '" + coord + "' is not supported");
    }
    half_pixel_ = coord == "half_pixel";
    out_h_ = a.get_int("output_height", 1);
    out_w_ = a.get_int("output_width", 1);
    sampling_ = a.get_int("sampling_ratio", 0);
    scale_ = a.get_float("spatial_scale", 1.0f);
    if (out_h_ <= 0 || out_w_ <= 0 || sampling_ < 0 || out_h_ > kMaxElements || out_w_ > kMaxElements) {
      return InvalidArgument("RoiAlign output_height/output_width must be positive and sampling_ratio >= 0");
    }
    Dims out = {rois.shape[0], x.shape[1], out_h_, out_w_};
    QEDGE_RETURN_IF_ERROR(checked_num_elements(out).status());
    set_output(ctx, 0, x.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& idx = *ctx.input(2);
    std::vector<int64_t> batch;
    QEDGE_RETURN_IF_ERROR(read_int_values(idx.dtype, idx.data, idx.numel(), "RoiAlign batch_indices", &batch));
    for (int64_t b : batch) {
      if (b < 0 || b >= x.shape[0]) {
        return InvalidArgument("RoiAlign batch index " + std::to_string(b) + " is out of range for X " +
                               dims_to_string(x.shape));
      }
    }
    return visit_dtype<kFloatTypes>(x.dtype, "RoiAlign", [&](auto tag) {
      compute<typename decltype(tag)::type>(x, *ctx.input(1), batch, *ctx.output(0));
      return Status::Ok();
    });
  }

 private:
  // Bilinear taps at (y, x) as the ONNX/ORT definition computes them: outside [-1, H] x [-1, W]
  // contributes nothing; otherwise clamp to the image.
  struct Sample {
    int64_t off[4] = {0, 0, 0, 0};
    double w[4] = {0, 0, 0, 0};
  };
  static Sample bilinear(double y, double x, int64_t h, int64_t w) {
    Sample s;
    if (!(y >= -1.0 && y <= static_cast<double>(h) && x >= -1.0 && x <= static_cast<double>(w))) return s;
    y = std::max(y, 0.0);
    x = std::max(x, 0.0);
    int64_t y0 = static_cast<int64_t>(y), x0 = static_cast<int64_t>(x), y1 = y0 + 1, x1 = x0 + 1;
    if (y0 >= h - 1) y = static_cast<double>(y0 = y1 = h - 1);
    if (x0 >= w - 1) x = static_cast<double>(x0 = x1 = w - 1);
    const double ly = y - static_cast<double>(y0), lx = x - static_cast<double>(x0);
    const double hy = 1.0 - ly, hx = 1.0 - lx;
    s.off[0] = y0 * w + x0;
    s.off[1] = y0 * w + x1;
    s.off[2] = y1 * w + x0;
    s.off[3] = y1 * w + x1;
    s.w[0] = hy * hx;
    s.w[1] = hy * lx;
    s.w[2] = ly * hx;
    s.w[3] = ly * lx;
    return s;
  }

  // sampling_ratio 0: ceil(bin size) samples per bin; none for empty or NaN bins.
  static int64_t adaptive_grid(double bin) {
    return bin > 0.0 ? static_cast<int64_t>(std::ceil(std::min(bin, 1e6))) : 0;
  }

  template <typename T>
  void compute(const Tensor& x, const Tensor& rois, const std::vector<int64_t>& batch, Tensor& y) const {
    const int64_t channels = x.shape[1], h = x.shape[2], w = x.shape[3];
    const T* px = x.data_as<T>();
    const T* pr = rois.data_as<T>();
    T* py = y.data_as<T>();
    const double offset = half_pixel_ ? 0.5 : 0.0;
    for (int64_t r = 0; r < rois.shape[0]; ++r) {
      auto roi = [&](int k) { return static_cast<double>(static_cast<compute_t<T>>(pr[r * 4 + k])) * scale_ - offset; };
      const double x0 = roi(0), y0 = roi(1);
      double rw = roi(2) - x0, rh = roi(3) - y0;
      if (!half_pixel_) {  // the legacy mode forces rois of at least one pixel
        rw = std::max(rw, 1.0);
        rh = std::max(rh, 1.0);
      }
      const double bin_h = rh / static_cast<double>(out_h_), bin_w = rw / static_cast<double>(out_w_);
      const int64_t grid_h = sampling_ > 0 ? sampling_ : adaptive_grid(bin_h);
      const int64_t grid_w = sampling_ > 0 ? sampling_ : adaptive_grid(bin_w);
      const double count = static_cast<double>(std::max<int64_t>(grid_h * grid_w, 1));
      for (int64_t ph = 0; ph < out_h_; ++ph) {
        for (int64_t pw = 0; pw < out_w_; ++pw) {
          std::vector<Sample> samples;
          for (int64_t iy = 0; iy < grid_h; ++iy) {
            const double sy = y0 + static_cast<double>(ph) * bin_h + (static_cast<double>(iy) + 0.5) * bin_h / static_cast<double>(grid_h);
            for (int64_t ix = 0; ix < grid_w; ++ix) {
              const double sx = x0 + static_cast<double>(pw) * bin_w + (static_cast<double>(ix) + 0.5) * bin_w / static_cast<double>(grid_w);
              samples.push_back(bilinear(sy, sx, h, w));
            }
          }
          for (int64_t c = 0; c < channels; ++c) {
            const T* plane = px + (batch[r] * channels + c) * h * w;
            double acc = 0.0;
            bool first = true;
            for (const Sample& s : samples) {
              double v = 0.0;
              for (int k = 0; k < 4; ++k) {
                const double term = s.w[k] * static_cast<double>(static_cast<compute_t<T>>(plane[s.off[k]]));
                v = max_ ? (k == 0 ? term : std::max(v, term)) : v + term;
              }
              acc = max_ ? (first ? v : std::max(acc, v)) : acc + v;
              first = false;
            }
            py[((r * channels + c) * out_h_ + ph) * out_w_ + pw] = to_storage<T>(max_ ? acc : acc / count);
          }
        }
      }
    }
  }

  bool max_ = false;
  bool half_pixel_ = true;
  int64_t out_h_ = 1, out_w_ = 1, sampling_ = 0;
  double scale_ = 1.0;
};

}  // namespace

void register_roi_align(KernelRegistry& r) {
  r.add("", "RoiAlign", [] { return std::make_unique<RoiAlignKernel>(); });
}

}  // namespace qedge::ref
