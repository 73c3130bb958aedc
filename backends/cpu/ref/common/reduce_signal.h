// Signal helpers: a direct DFT (reference kernels favour obviously right over fast) and the
// window-function operators.
#pragma once

#include <cmath>
#include <complex>
#include <string>

#include "dispatch.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"
#include "reduce_saturate.h"

namespace qedge::ref {

constexpr double kPi = 3.14159265358979323846;

// out[k] = sum_{t < min(len, n)} in[t] * exp(-+2 pi i k t / n) for k in [0, bins);
// the input is zero-padded or truncated to n. The angle uses (k * t) mod n to stay exact.
inline void direct_dft(const std::complex<double>* in, int64_t len, int64_t n, int64_t bins, bool inverse,
                       std::complex<double>* out) {
  const double sign = inverse ? 2.0 : -2.0;
  const int64_t used = std::min(len, n);
  for (int64_t k = 0; k < bins; ++k) {
    std::complex<double> acc = 0.0;
    for (int64_t t = 0; t < used; ++t) {
      const double angle = sign * kPi * static_cast<double>((k % n) * t % n) / static_cast<double>(n);
      acc += in[t] * std::polar(1.0, angle);
    }
    out[k] = acc;
  }
}

// Reads a scalar (or one-element) int32/int64 input.
inline Status read_scalar_int(const KernelContext& ctx, int i, const char* what, int64_t* v) {
  const Tensor* t = ctx.input(i);
  if (t == nullptr || t->numel() != 1) {
    return InvalidArgument(std::string(ctx.op_type) + " input " + what + " must hold one integer");
  }
  QEDGE_RETURN_IF_ERROR(require_value(ctx, i));
  std::vector<int64_t> vals;
  QEDGE_RETURN_IF_ERROR(read_int_values(t->dtype, t->data, 1, what, &vals));
  *v = vals[0];
  return Status::Ok();
}

// HannWindow / HammingWindow / BlackmanWindow: input 0 is the size, `periodic` divides by size
// (else size - 1), output_datatype picks the element type (float by default).
// Fn(phase) gives the window value at phase = 2 pi n / N.
template <typename Fn>
class WindowKernel : public OpKernel {
 public:
  explicit WindowKernel(Fn fn) : fn_(fn) {}

  Status prepare(KernelContext& ctx) override {
    int64_t size = 0;
    QEDGE_RETURN_IF_ERROR(read_scalar_int(ctx, 0, "size", &size));
    if (size < 0 || size > kMaxElements) {
      return InvalidArgument(std::string(ctx.op_type) + " size " + std::to_string(size) + " is invalid");
    }
    const int64_t dt = ctx.attr().get_int("output_datatype", 1);
    if (!dtype_is_valid(static_cast<int>(dt))) {
      return InvalidArgument(std::string(ctx.op_type) + " output_datatype " + std::to_string(dt) + " is invalid");
    }
    const DType out = static_cast<DType>(dt);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(out, std::string(ctx.op_type).c_str(),
                                                     [](auto) { return Status::Ok(); }));
    periodic_ = ctx.attr().get_int("periodic", 1) != 0;
    set_output(ctx, 0, out, {size});
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    Tensor& y = *ctx.output(0);
    const int64_t size = y.shape[0];
    const int64_t denom = periodic_ ? size : size - 1;
    return visit_dtype<kNumericTypes>(y.dtype, "window", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* out = y.data_as<T>();
      for (int64_t i = 0; i < size; ++i) {
        // A symmetric window of one sample has no period; it is the window's peak, 1.
        const double v = denom == 0 ? 1.0 : fn_(2.0 * kPi * static_cast<double>(i) / static_cast<double>(denom));
        out[i] = saturate_round<T>(v);
      }
      return Status::Ok();
    });
  }

 private:
  Fn fn_;
  bool periodic_ = true;
};

template <typename Fn>
void register_window(KernelRegistry& r, const std::string& op, Fn fn) {
  r.add("", op, [fn] { return std::make_unique<WindowKernel<Fn>>(fn); });
}

}  // namespace qedge::ref
