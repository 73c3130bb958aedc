// Depthwise convolutions (group == input channels, output maps 1 to 3 times as many: map m reads input channel
// m / (maps / channels)) of the fast Conv and QConv, one (image, map) plane per task across ctx's threads.
#pragma once

#include <vector>

#include "common/activation.h"
#include "requant.h"
#include "common/nn_geometry.h"
#include "scratch_buffer.h"

namespace qedge::fast {

// True when x [N, C, ...] and w [M, 1, ...] with this group form a depthwise convolution.
bool is_depthwise(const Tensor& x, const Tensor& w, int64_t group);

// Float32 Conv: y = act(x (*) w + b) (b may be null; act from a qedge.FusedConv, applied per plane while it is in
// cache). Geometry from ref::nn_conv_prepare.
void depthwise_conv_f32(const KernelContext& ctx, const ref::NnGeometry& g, const Tensor& x, const Tensor& w,
                        const Tensor* b, Tensor& y, const ref::Activation& act = ref::Activation());

// True when the QConv of ctx is a depthwise one the integer path below computes exactly: 8-bit storage levels (any
// bit width inside), no XNOR, and every window's sum of |(x - x_zp) * (w - w_zp)| below 2^24, so the float kernels
// hold every product and partial sum exactly.
bool depthwise_qconv_applies(const KernelContext& ctx);

// QConv: acc = sum over taps of (x - x_zero_point) * w_adjusted (the weights minus their zero points, [M, taps]),
// exact, then the requantizing epilogue e: the int16 kernel of depthwise_qplane.h where it applies, else the float
// plane kernels. prepare sizes every buffer (per thread the padded input and one plane of sums; for the float kernels
// also the float weights, the adjusted input plane and a float output plane), so run does not allocate.
class DepthwiseQConv {
 public:
  // Geometry from ref::nn_conv_prepare; the input and weight shapes and the thread count from ctx.
  void prepare(const KernelContext& ctx, const ref::NnGeometry& g);
  void run(const KernelContext& ctx, const std::vector<int16_t>& w_adjusted, const Requant& e,
           Tensor& y);

 private:
  struct Part {
    ScratchBuffer<float> scratch, x, y;
    ScratchBuffer<int16_t> int_scratch;
    ScratchBuffer<int32_t> acc;
  };

  void run_integer(const KernelContext& ctx, const std::vector<int16_t>& w_adjusted, const Requant& e,
                   Tensor& y);
  void run_float(const KernelContext& ctx, const std::vector<int16_t>& w_adjusted, const Requant& e,
                 Tensor& y);

  ref::NnGeometry g_;
  bool integer_ = false;             // depthwise_qplane_available(g_)
  std::vector<float> w_;             // w_adjusted as floats
  const void* w_source_ = nullptr;   // the constant weight w_ was made from (null: remake on every run)
  std::vector<Part> parts_;          // one per thread
};

}  // namespace qedge::fast
