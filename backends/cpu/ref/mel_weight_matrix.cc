#include <cmath>
#include <vector>

#include "common/reduce_signal.h"

namespace qedge::ref {

namespace {

// Triangular mel filters: [dft_length / 2 + 1, num_mel_bins], as the ONNX definition computes
// them (mel points evenly spaced between the edges, snapped to integer spectrogram bins).
class MelWeightMatrixKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 5));
    QEDGE_RETURN_IF_ERROR(read_scalar_int(ctx, 0, "num_mel_bins", &mel_bins_));
    QEDGE_RETURN_IF_ERROR(read_scalar_int(ctx, 1, "dft_length", &dft_length_));
    QEDGE_RETURN_IF_ERROR(read_scalar_int(ctx, 2, "sample_rate", &sample_rate_));
    for (int i : {3, 4}) {
      if (ctx.input(i)->numel() != 1 || !dtype_is_float(ctx.input(i)->dtype)) {
        return InvalidArgument("MelWeightMatrix edge frequencies must be float scalars");
      }
    }
    if (mel_bins_ <= 0 || dft_length_ <= 0 || sample_rate_ <= 0 || mel_bins_ > kMaxElements / (dft_length_ / 2 + 1)) {
      return InvalidArgument("MelWeightMatrix needs positive num_mel_bins, dft_length and sample_rate, got " +
                             std::to_string(mel_bins_) + ", " + std::to_string(dft_length_) + ", " +
                             std::to_string(sample_rate_));
    }
    const int64_t dt = ctx.attr().get_int("output_datatype", 1);
    const DType out = dtype_is_valid(static_cast<int>(dt)) ? static_cast<DType>(dt) : DType::kUndefined;
    QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(out, "MelWeightMatrix", [](auto) { return Status::Ok(); }));
    set_output(ctx, 0, out, {dft_length_ / 2 + 1, mel_bins_});
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const double lower = read_as_double(ctx.input(3)->dtype, ctx.input(3)->data, 0);
    const double upper = read_as_double(ctx.input(4)->dtype, ctx.input(4)->data, 0);
    const int64_t rows = dft_length_ / 2 + 1;
    auto to_mel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
    const double low_mel = to_mel(lower);
    const double step = (to_mel(upper) - low_mel) / static_cast<double>(mel_bins_ + 2);
    std::vector<int64_t> bin(static_cast<size_t>(mel_bins_ + 2));
    for (int64_t i = 0; i < mel_bins_ + 2; ++i) {
      const double hz = 700.0 * (std::pow(10.0, (static_cast<double>(i) * step + low_mel) / 2595.0) - 1.0);
      const double b = std::floor(static_cast<double>(dft_length_ + 1) * hz / static_cast<double>(sample_rate_));
      // Bins beyond the spectrogram only matter for bounds; keep the integer conversion in range.
      bin[i] = static_cast<int64_t>(std::min(std::max(b, -1.0), static_cast<double>(rows)));
    }
    std::vector<double> w(static_cast<size_t>(rows * mel_bins_), 0.0);
    auto set = [&](int64_t row, int64_t col, double v) {
      if (row >= 0 && row < rows) w[row * mel_bins_ + col] = v;
    };
    for (int64_t i = 0; i < mel_bins_; ++i) {
      const int64_t lo = bin[i], center = bin[i + 1], hi = bin[i + 2];
      if (center == lo) {
        set(center, i, 1.0);
      } else {
        for (int64_t j = lo; j <= center; ++j) set(j, i, static_cast<double>(j - lo) / static_cast<double>(center - lo));
      }
      for (int64_t j = center; j < hi; ++j) set(j, i, static_cast<double>(hi - j) / static_cast<double>(hi - center));
    }
    Tensor& y = *ctx.output(0);
    return visit_dtype<kNumericTypes>(y.dtype, "MelWeightMatrix", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* out = y.data_as<T>();
      for (size_t i = 0; i < w.size(); ++i) out[i] = saturate_round<T>(w[i]);
      return Status::Ok();
    });
  }

 private:
  int64_t mel_bins_ = 0, dft_length_ = 0, sample_rate_ = 0;
};

}  // namespace

void register_mel_weight_matrix(KernelRegistry& r) {
  r.add("", "MelWeightMatrix", [] { return std::make_unique<MelWeightMatrixKernel>(); });
}

}  // namespace qedge::ref
