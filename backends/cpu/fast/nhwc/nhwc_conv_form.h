// The geometry of a float 2-D qedge.NhwcConv node as the channels-last kernels (ours and XNNPACK's) take it: explicit
// pads (auto_pad NOTSET), positive strides and dilations, consistent shapes.
#pragma once

#include <cstdint>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

struct NhwcConvForm {
  int64_t batch = 0, in_h = 0, in_w = 0, channels = 0;  // x [N, H, W, C]
  int64_t maps = 0, kh = 0, kw = 0;                      // w [M, kh, kw, C / group]
  int64_t group = 1;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t top = 0, left = 0, bottom = 0, right = 0;
  int64_t out_h = 0, out_w = 0;
};

// The node's form when it has one (float x, w and optional bias of rank 4, 4 and 1); false for anything else, which
// the NCHW path then checks and reports. The kernels check the output count themselves.
bool read_nhwc_conv_form(const KernelContext& ctx, NhwcConvForm* f);

}  // namespace qedge::fast
