// Integer depthwise QConv: each task computes its planes' exact int32 sums and hands them, a batch of planes at a time,
// to the vectorized requantizing epilogue. 3x3 windows take the integer plane kernels (depthwise_qplane.h: u8 x s8
// vpdpbusd on AVX-512 VNNI CPUs, int16 vpmaddwd on AVX2) straight from the 8-bit levels; every other form turns its
// input plane into x - x_zero_point as float and runs depthwise_plane_f32 on the adjusted weights:
// depthwise_qconv_applies bounds every product and partial sum below 2^24, where float32 arithmetic (fused or not, in
// any order) is exact. Either way the levels are bit-identical to the reference kernel's.
#include <algorithm>
#include <vector>

#include "depthwise_conv.h"
#include "depthwise_plane.h"
#include "depthwise_qplane.h"
#include "int_operands.h"
#include "requant.h"

namespace qedge::fast {
namespace {

// Input plane as float levels minus the zero point.
template <typename T>
void adjusted_plane(const T* x, int64_t n, float zero_point, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(x[i]) - zero_point;
}

}  // namespace

bool depthwise_qconv_applies(const KernelContext& ctx) {
  const Tensor* x = ctx.input(0);
  const Tensor* w = ctx.input(1);
  if (!x || !w || x->rank() < 3 || x->rank() > 5 || !is_depthwise(*x, *w, ctx.attr().get_int("group", 1)) ||
      ctx.attr().get_int("xnor", 0) != 0) {
    return false;
  }
  const int64_t mx = max_adjusted_level(x->dtype, {static_cast<float>(ctx.attr().get_int("x_zero_point", 0))});
  const int64_t mw = max_adjusted_level(w->dtype, ctx.attr().get_floats("w_zero_point", {0.0f}));
  const int64_t taps = num_elements(w->shape) / w->shape[0];
  return mx > 0 && mw > 0 && taps * mx * mw < (int64_t{1} << 24);
}

namespace {

// The integer path requantizes a part's planes in batches of about this many sums: one requantizing call per batch
// rather than per plane, whose setup cost more than the requantization itself on small planes (mobilenet_v2's 7x7 and
// 14x14 layers), while the batch stays in L1.
constexpr int64_t kBatchSums = 8192;

// Planes per requantizing batch. Their sums lie back to back (the requantization then runs them as one stream): a
// plane's slack overwrites the start of the next one's, which is computed after it.
int64_t batch_planes(const ref::NnGeometry& g) { return std::max<int64_t>(1, kBatchSums / g.out_size()); }

}  // namespace

void DepthwiseQConv::prepare(const KernelContext& ctx, const ref::NnGeometry& g) {
  g_ = g;
  integer_ = depthwise_qplane_available(g);
  w_.resize(integer_ ? 0 : static_cast<size_t>(num_elements(ctx.input(1)->shape)));
  w_source_ = nullptr;
  parts_.resize(static_cast<size_t>(ctx.threads ? std::max(1, ctx.threads->num_threads()) : 1));
  for (Part& p : parts_) {
    if (integer_) {
      p.int_scratch.grow(static_cast<size_t>(depthwise_qplane_scratch_size(g)));
      p.acc.grow(static_cast<size_t>(batch_planes(g) * g.out_size() + kDepthwiseQPlaneSlack));
      continue;
    }
    p.scratch.grow(static_cast<size_t>(depthwise_scratch_size(g)));
    p.x.grow(static_cast<size_t>(g.in_size()));
    p.y.grow(static_cast<size_t>(g.out_size()));
    p.acc.grow(static_cast<size_t>(g.out_size()));
  }
}

void DepthwiseQConv::run(const KernelContext& ctx, const std::vector<int16_t>& w_adjusted,
                         const Requant& e, Tensor& y) {
  if (integer_) return run_integer(ctx, w_adjusted, e, y);
  run_float(ctx, w_adjusted, e, y);
}

void DepthwiseQConv::run_integer(const KernelContext& ctx, const std::vector<int16_t>& w_adjusted,
                                 const Requant& e, Tensor& y) {
  const Tensor& x = *ctx.input(0);
  const int64_t channels = x.shape[1], maps = ctx.input(1)->shape[0], per_channel = maps / channels;
  const int64_t in_size = g_.in_size(), out_size = g_.out_size(), taps = g_.kernel_size();
  const auto zero_point = static_cast<int32_t>(ctx.attr().get_int("x_zero_point", 0));
  const int64_t planes = x.shape[0] * maps, num_parts = static_cast<int64_t>(parts_.size());
  const int64_t batch = batch_planes(g_);
  ctx.parallel_for(num_parts, [&](int64_t part_begin, int64_t part_end) {
    for (int64_t part = part_begin; part < part_end; ++part) {
      Part& buf = parts_[static_cast<size_t>(part)];
      const int64_t end = planes * (part + 1) / num_parts;
      // Batches of consecutive maps of one image, so that a batch's rows have consecutive channels.
      for (int64_t first = planes * part / num_parts, last; first < end; first = last) {
        last = std::min({end, first + batch, (first / maps + 1) * maps});
        for (int64_t nm = first; nm < last; ++nm) {
          const int64_t n = nm / maps, m = nm % maps;
          DepthwiseQPlane p;
          p.g = &g_;
          // One byte per level (depthwise_qconv_applies): int8 or uint8.
          p.x = static_cast<const uint8_t*>(x.data) + (n * channels + m / per_channel) * in_size;
          p.x_signed = x.dtype == DType::kInt8;
          p.zero_point = zero_point;
          p.w = w_adjusted.data() + m * taps;
          p.scratch = buf.int_scratch.data();
          p.acc = buf.acc.data() + (nm - first) * out_size;
          depthwise_qplane(p);
        }
        requant_rows(e, buf.acc.data(), out_size, last - first, out_size, first % maps, y, first * out_size, out_size);
      }
    }
  });
}

void DepthwiseQConv::run_float(const KernelContext& ctx, const std::vector<int16_t>& w_adjusted,
                               const Requant& e, Tensor& y) {
  const Tensor& x = *ctx.input(0);
  const Tensor& w = *ctx.input(1);
  const int64_t channels = x.shape[1], maps = w.shape[0], per_channel = maps / channels;
  const int64_t in_size = g_.in_size(), out_size = g_.out_size(), taps = g_.kernel_size();
  const auto zero_point = static_cast<float>(ctx.attr().get_int("x_zero_point", 0));
  if (!(w.constant && w.data == w_source_)) {
    std::copy(w_adjusted.begin(), w_adjusted.end(), w_.begin());
    w_source_ = w.constant ? w.data : nullptr;
  }
  const int64_t planes = x.shape[0] * maps, num_parts = static_cast<int64_t>(parts_.size());
  // One chunk of consecutive planes per part, so that each thread keeps to its own buffers.
  ctx.parallel_for(num_parts, [&](int64_t part_begin, int64_t part_end) {
    for (int64_t part = part_begin; part < part_end; ++part) {
      Part& buf = parts_[static_cast<size_t>(part)];
      int64_t converted = -1;  // the input plane now in buf.x (consecutive maps of a channel share it)
      for (int64_t nm = planes * part / num_parts; nm < planes * (part + 1) / num_parts; ++nm) {
        const int64_t n = nm / maps, m = nm % maps, plane = n * channels + m / per_channel;
        if (plane != converted) {
          if (x.dtype == DType::kInt8) {
            adjusted_plane(x.data_as<int8_t>() + plane * in_size, in_size, zero_point, buf.x.data());
          } else {
            adjusted_plane(x.data_as<uint8_t>() + plane * in_size, in_size, zero_point, buf.x.data());
          }
          converted = plane;
        }
        DepthwisePlane p;
        p.g = &g_;
        p.x = buf.x.data();
        p.w = w_.data() + m * taps;
        p.scratch = buf.scratch.data();
        p.y = buf.y.data();
        depthwise_plane_f32(p);
        int32_t* acc = buf.acc.data();
        for (int64_t i = 0; i < out_size; ++i) acc[i] = static_cast<int32_t>(buf.y.data()[i]);
        requant_run(e, acc, out_size, m, 0, y, nm * out_size);
      }
    }
  });
}

}  // namespace qedge::fast
