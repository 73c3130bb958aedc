// Fast MaxPool (float32, int8, uint8; no Indices output): the reference's reduction (common/nn_pool.h, same order,
// same NaN and empty-window rules) over window ranges clipped to the input once per output row and column, instead
// of testing every tap; 2-D pools with stride 1 or 2 along rows on AVX2 (max_pool_rows.h: whole windows, and for
// integers also those the padding clips). Planes are split across threads. Other forms use the reference kernel.
#include <algorithm>
#include <type_traits>

#include "common/nn_pool.h"
#include "fallback_kernel.h"
#include "max_pool_rows.h"
#include "qedge/cpu_fast/cpu_features.h"

namespace qedge::fast {
namespace {

// The taps k in [lo, hi) of a window starting at `start` that land inside [0, size).
struct TapRange {
  int64_t lo = 0, hi = 0;
};

TapRange tap_range(int64_t start, int64_t kernel, int64_t dilation, int64_t size) {
  TapRange r;
  r.lo = start >= 0 ? 0 : std::min(kernel, (-start + dilation - 1) / dilation);
  r.hi = std::max(r.lo, std::min(kernel, size - start <= 0 ? 0 : (size - start + dilation - 1) / dilation));
  return r;
}

class FastMaxPool : public FallbackKernel {
 public:
  explicit FastMaxPool(const KernelRegistry& ref) : FallbackKernel(ref, "MaxPool") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    return x && ctx.num_outputs() == 1 && ctx.attr().has("kernel_shape") && x->rank() >= 3 && x->rank() <= 5 &&
           (x->dtype == DType::kFloat32 || x->dtype == DType::kInt8 || x->dtype == DType::kUint8);
  }

  Status prepare_fast(KernelContext& ctx) override {
    Dims in_spatial;
    QEDGE_RETURN_IF_ERROR(ref::nn_pool_input(ctx, ref::NnPool::kMax, &in_spatial));
    QEDGE_RETURN_IF_ERROR(ref::nn_window_attrs(ctx, in_spatial, ctx.attr().get_ints("kernel_shape"), &g_));
    QEDGE_RETURN_IF_ERROR(ref::nn_forward_output(ctx, ctx.attr().get_int("ceil_mode", 0) != 0, &g_));
    const Tensor& x = *ctx.input(0);
    ctx.output(0)->dtype = x.dtype;
    ctx.output(0)->shape = ref::nn_nc_shape(x.shape[0], x.shape[1], g_.out_dims());
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    switch (ctx.input(0)->dtype) {
      case DType::kFloat32: pool<float>(ctx); break;
      case DType::kInt8: pool<int8_t>(ctx); break;
      default: pool<uint8_t>(ctx); break;
    }
    return Status::Ok();
  }

 private:
  template <typename T>
  void pool(KernelContext& ctx) const {
    const Tensor& x = *ctx.input(0);
    const int64_t planes = x.shape[0] * x.shape[1];
    const T* in = x.data_as<T>();
    T* out = ctx.output(0)->data_as<T>();
    ctx.parallel_for(planes, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) plane<T>(in + p * g_.in_size(), out + p * g_.out_size());
    });
  }

  template <typename T>
  void plane(const T* x, T* y) const {
    // One window row deep (2-D pooling), unit dilation and stride 1 or 2 along rows: whole windows several columns
    // per step.
    const bool rows_vectorized = kMaxPoolRowsVectorized && cpu_features().avx2_fma && g_.kernel[0] == 1 && g_.dilation[2] == 1 &&
                                 (g_.stride[2] == 1 || g_.stride[2] == 2);
    for (int64_t od = 0; od < g_.out[0]; ++od) {
      const int64_t sd = od * g_.stride[0] - g_.pad_begin[0];
      const TapRange rd = tap_range(sd, g_.kernel[0], g_.dilation[0], g_.in[0]);
      for (int64_t oh = 0; oh < g_.out[1]; ++oh) {
        const int64_t sh = oh * g_.stride[1] - g_.pad_begin[1];
        const TapRange rh = tap_range(sh, g_.kernel[1], g_.dilation[1], g_.in[1]);
        int64_t ow = 0;
        if (rows_vectorized && rd.hi > rd.lo && rh.hi > rh.lo) ow = vector_columns(x, sd, rd, sh, rh, y);
        for (; ow < g_.out[2]; ++ow) y[ow] = window(x, sd, rd, sh, rh, ow);
        y += g_.out[2];
      }
    }
  }

  // The whole-window columns of one output row on the AVX2 row kernel (integers: every column whose window holds an
  // input value, padding on either side included), the others scalar; returns the first column left.
  template <typename T>
  int64_t vector_columns(const T* x, int64_t sd, const TapRange& rd, int64_t sh, const TapRange& rh, T* y) const {
    const int64_t stride = g_.stride[2], pad = g_.pad_begin[2], kernel = g_.kernel[2], in = g_.in[2], out = g_.out[2];
    // Integers: from the first window that reaches an input value to the last one; floats: whole windows.
    const bool clipped = std::is_integral_v<T>;
    const int64_t first = clipped ? (pad < kernel ? 0 : std::min(out, (pad - kernel) / stride + 1))
                                  : std::min(out, (pad + stride - 1) / stride);
    const int64_t last = clipped ? std::min(out, (in + pad + stride - 1) / stride)
                                 : in < kernel ? 0 : std::min(out, (in - kernel + pad) / stride + 1);
    if (last <= first) return 0;
    for (int64_t ow = 0; ow < first; ++ow) y[ow] = window(x, sd, rd, sh, rh, ow);
    MaxPoolRow r;
    r.rows = rh.hi - rh.lo;
    r.row_stride = g_.dilation[1] * g_.in[2];
    r.kernel = kernel;
    r.stride = stride;
    r.n = last - first;
    const int64_t start = first * stride - pad;
    r.pad_before = std::max<int64_t>(0, -start);
    r.readable = in - std::max<int64_t>(0, start);
    const T* row = x + (sd * g_.in[1] + sh + rh.lo * g_.dilation[1]) * g_.in[2] + std::max<int64_t>(0, start);
    return first + max_pool_row_avx2(r, row, y + first);
  }

  // Output column ow of the window rows rd x rh, scalar.
  template <typename T>
  T window(const T* x, int64_t sd, const TapRange& rd, int64_t sh, const TapRange& rh, int64_t ow) const {
    using A = float;  // the reference reduces float, int8 and uint8 in float
    const int64_t sw = ow * g_.stride[2] - g_.pad_begin[2];
    const TapRange rw = tap_range(sw, g_.kernel[2], g_.dilation[2], g_.in[2]);
    ref::NnPoolReducer<ref::NnPool::kMax, A> red(0.0);
    for (int64_t kd = rd.lo; kd < rd.hi; ++kd) {
      for (int64_t kh = rh.lo; kh < rh.hi; ++kh) {
        const T* row = x + ((sd + kd * g_.dilation[0]) * g_.in[1] + sh + kh * g_.dilation[1]) * g_.in[2] + sw;
        for (int64_t kw = rw.lo; kw < rw.hi; ++kw) red.add(static_cast<A>(row[kw * g_.dilation[2]]));
      }
    }
    return ref::to_storage<T>(red.result(0));
  }

  ref::NnGeometry g_;
};

}  // namespace

void register_fast_max_pool(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "MaxPool", [&ref] { return std::make_unique<FastMaxPool>(ref); });
}

}  // namespace qedge::fast
