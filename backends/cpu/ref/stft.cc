#include <vector>

#include "common/reduce_signal.h"

namespace qedge::ref {

namespace {

// signal [batch, length, 1 or 2], frame_step, optional window [frame_length], optional
// frame_length -> [batch, frames, bins, 2] with frames = 1 + (length - frame_length) / frame_step.
class StftKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor* window = ctx.input(2);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "STFT", [](auto) { return Status::Ok(); }));
    if (x.rank() != 3 || (x.shape[2] != 1 && x.shape[2] != 2)) {
      return ShapeMismatch("STFT signal must be [batch, length, 1 or 2], got " + dims_to_string(x.shape));
    }
    QEDGE_RETURN_IF_ERROR(read_scalar_int(ctx, 1, "frame_step", &step_));
    frame_ = -1;
    if (window != nullptr) {
      if (window->rank() != 1 || window->dtype != x.dtype) {
        return InvalidArgument("STFT window must be 1-D of the signal type, got " + dims_to_string(window->shape));
      }
      frame_ = window->shape[0];
    }
    if (ctx.input(3) != nullptr) {
      int64_t fl = 0;
      QEDGE_RETURN_IF_ERROR(read_scalar_int(ctx, 3, "frame_length", &fl));
      if (frame_ >= 0 && fl != frame_) {
        return ShapeMismatch("STFT frame_length " + std::to_string(fl) + " differs from the window length " +
                             std::to_string(frame_));
      }
      frame_ = fl;
    }
    if (frame_ <= 0 || frame_ > x.shape[1] || step_ <= 0) {
      return InvalidArgument("STFT needs 0 < frame_length <= signal length and frame_step > 0, got frame_length " +
                             std::to_string(frame_) + ", frame_step " + std::to_string(step_) + ", signal " +
                             dims_to_string(x.shape));
    }
    onesided_ = ctx.attr().get_int("onesided", 1) != 0;
    const int64_t frames = 1 + (x.shape[1] - frame_) / step_;
    set_output(ctx, 0, x.dtype, {x.shape[0], frames, onesided_ ? frame_ / 2 + 1 : frame_, 2});
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor* window = ctx.input(2);
    Tensor& y = *ctx.output(0);
    return visit_dtype<kFloatTypes>(x.dtype, "STFT", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const int64_t len = x.shape[1], comps = x.shape[2];
      const int64_t frames = y.shape[1], bins = y.shape[2];
      const T* px = x.data_as<T>();
      T* py = y.data_as<T>();
      std::vector<std::complex<double>> frame(static_cast<size_t>(frame_));
      std::vector<std::complex<double>> res(static_cast<size_t>(bins));
      for (int64_t b = 0; b < x.shape[0]; ++b) {
        for (int64_t f = 0; f < frames; ++f) {
          for (int64_t t = 0; t < frame_; ++t) {
            const T* e = px + (b * len + f * step_ + t) * comps;
            const double w =
                window != nullptr ? static_cast<double>(static_cast<compute_t<T>>(window->data_as<T>()[t])) : 1.0;
            const double im = comps == 2 ? static_cast<double>(static_cast<compute_t<T>>(e[1])) : 0.0;
            frame[t] = std::complex<double>(static_cast<double>(static_cast<compute_t<T>>(e[0])), im) * w;
          }
          direct_dft(frame.data(), frame_, frame_, bins, false, res.data());
          for (int64_t k = 0; k < bins; ++k) {
            T* e = py + ((b * frames + f) * bins + k) * 2;
            e[0] = to_storage<T>(res[k].real());
            e[1] = to_storage<T>(res[k].imag());
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  int64_t step_ = 1;
  int64_t frame_ = 0;
  bool onesided_ = true;
};

}  // namespace

void register_stft(KernelRegistry& r) {
  r.add("", "STFT", [] { return std::make_unique<StftKernel>(); });
}

}  // namespace qedge::ref
