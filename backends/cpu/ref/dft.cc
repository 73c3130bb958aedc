#include <vector>

#include "common/reduce_signal.h"

namespace qedge::ref {

namespace {

// Input [..., signal axis, ..., 1 or 2] (real, or real/imaginary pairs). Forward or inverse DFT
// along `axis`; onesided forward keeps the n/2+1 non-redundant bins, onesided inverse takes those
// bins and returns the real signal (numpy's irfft).
class DftKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "DFT", [](auto) { return Status::Ok(); }));
    const int rank = x.rank();
    if (rank < 2 || (x.shape[rank - 1] != 1 && x.shape[rank - 1] != 2)) {
      return ShapeMismatch("DFT input must end in a dimension of 1 (real) or 2 (complex), got " +
                           dims_to_string(x.shape));
    }
    int64_t axis = ctx.attr().get_int("axis", 1);
    if (ctx.opset >= 20) {
      axis = -2;
      if (ctx.input(2) != nullptr) QEDGE_RETURN_IF_ERROR(read_scalar_int(ctx, 2, "axis", &axis));
    }
    if (axis < 0) axis += rank;
    if (axis < 0 || axis > rank - 2) {
      return InvalidArgument("DFT axis " + std::to_string(axis) + " is out of range for input " +
                             dims_to_string(x.shape));
    }
    axis_ = static_cast<int>(axis);
    inverse_ = ctx.attr().get_int("inverse", 0) != 0;
    onesided_ = ctx.attr().get_int("onesided", 0) != 0;
    const int64_t len = x.shape[axis_];
    n_ = inverse_ && onesided_ ? 2 * (len - 1) : len;
    if (ctx.input(1) != nullptr && ctx.input(1)->numel() > 0) {
      QEDGE_RETURN_IF_ERROR(read_scalar_int(ctx, 1, "dft_length", &n_));
    }
    if (n_ <= 0 || n_ > kMaxElements) {
      return InvalidArgument("DFT length " + std::to_string(n_) + " is invalid for input " + dims_to_string(x.shape));
    }
    Dims out = x.shape;
    out[axis_] = onesided_ && !inverse_ ? n_ / 2 + 1 : n_;
    out[rank - 1] = onesided_ && inverse_ ? 1 : 2;
    set_output(ctx, 0, x.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    return visit_dtype<kFloatTypes>(x.dtype, "DFT", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const int rank = x.rank();
      const int64_t in_c = x.shape[rank - 1];
      const int64_t out_c = y.shape[rank - 1];
      const int64_t len = x.shape[axis_];
      const int64_t out_len = y.shape[axis_];
      int64_t outer = 1, inner = 1;
      for (int d = 0; d < axis_; ++d) outer *= x.shape[d];
      for (int d = axis_ + 1; d < rank - 1; ++d) inner *= x.shape[d];
      const T* px = x.data_as<T>();
      T* py = y.data_as<T>();
      std::vector<std::complex<double>> line(static_cast<size_t>(std::max(len, n_)));
      std::vector<std::complex<double>> res(static_cast<size_t>(n_));
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < inner; ++i) {
          for (int64_t t = 0; t < len; ++t) {
            const T* e = px + ((o * len + t) * inner + i) * in_c;
            const double im = in_c == 2 ? static_cast<double>(static_cast<compute_t<T>>(e[1])) : 0.0;
            line[t] = {static_cast<double>(static_cast<compute_t<T>>(e[0])), im};
          }
          if (inverse_ && onesided_) {
            // Rebuild the full Hermitian spectrum of length n from its first half.
            for (int64_t k = 0; k <= n_ / 2; ++k) line[k] = k < len ? line[k] : 0.0;
            for (int64_t k = n_ / 2 + 1; k < n_; ++k) line[k] = std::conj(line[n_ - k]);
            direct_dft(line.data(), n_, n_, n_, true, res.data());
          } else {
            direct_dft(line.data(), len, n_, out_len, inverse_, res.data());
          }
          const double norm = inverse_ ? 1.0 / static_cast<double>(n_) : 1.0;
          for (int64_t k = 0; k < out_len; ++k) {
            T* e = py + ((o * out_len + k) * inner + i) * out_c;
            e[0] = to_storage<T>(res[k].real() * norm);
            if (out_c == 2) e[1] = to_storage<T>(res[k].imag() * norm);
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  int axis_ = 1;
  bool inverse_ = false;
  bool onesided_ = false;
  int64_t n_ = 0;
};

}  // namespace

void register_dft(KernelRegistry& r) {
  r.add("", "DFT", [] { return std::make_unique<DftKernel>(); });
}

}  // namespace qedge::ref
