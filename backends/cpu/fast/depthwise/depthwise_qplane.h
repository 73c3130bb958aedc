// One output plane of an integer depthwise 3x3 QConv (depthwise_3x3 windows): acc[o] = sum over the nine taps of
// (x - zero_point) * w, exact int32. The input plane goes once from its 8-bit levels into a padded copy in scratch,
// which the kernels read without bounds checks: as int16 x - zero_point (padding 0) for the AVX2 kernel's vpmaddwd,
// or as unsigned bytes (padding the zero point) for the AVX-512 VNNI kernel's vpdpbusd, taps that fit int8.
#pragma once

#include <cstdint>

#include "common/nn_geometry.h"

namespace qedge::fast {

struct DepthwiseQPlane {
  const ref::NnGeometry* g = nullptr;
  const void* x = nullptr;     // input plane, g->in_size() levels: int8 when x_signed, else uint8
  bool x_signed = false;
  int32_t zero_point = 0;      // x's zero point
  const int16_t* w = nullptr;  // nine taps, the weights minus their zero point
  int16_t* scratch = nullptr;  // depthwise_qplane_scratch_size(*g) values
  int32_t* acc = nullptr;      // output plane: g->out_size() + kDepthwiseQPlaneSlack values (the slack is clobbered)
};

// Sums past the plane's end the kernels may write (the AVX2 kernel stores each row in whole blocks of 16 or 8).
constexpr int64_t kDepthwiseQPlaneSlack = 16;

// True when this CPU has an integer kernel for the windows of g (3x3, strides 1 or 2, no dilation).
bool depthwise_qplane_available(const ref::NnGeometry& g);

// int16 values of scratch the kernel needs for g.
int64_t depthwise_qplane_scratch_size(const ref::NnGeometry& g);

// Rows and columns of the padded input slice: every input position the windows of all outputs read. The kernels
// compute whole blocks of outputs; the columns a block reads past a row's end are the next row's (or the scratch's
// slack), and feed only outputs past the row's end, which are discarded, or zero weights.
void depthwise_qplane_padded_dims(const ref::NnGeometry& g, int64_t* rows, int64_t* cols);

// Computes one plane (depthwise_qplane_available holds; every |sum| of products below 2^31).
void depthwise_qplane(const DepthwiseQPlane& p);

// Which kernel depthwise_qplane uses on this CPU for taps that fit int8 ("u8s8_vnni_avx512", "avx2" or "none").
const char* depthwise_qplane_kernel_name();

#if defined(__x86_64__)
// AVX2 kernel: 16 (stride 1) or 8 (stride 2) outputs of a row per step, two taps per vpmaddwd.
void depthwise_qplane_3x3_avx2(const DepthwiseQPlane& p);

// AVX-512 VNNI kernel for taps that fit int8: a kernel row (three taps) per vpdpbusd lane on a padded copy of the
// 8-bit levels (in scratch), 64 (stride 1) or 32 (stride 2) outputs per 512-bit step; rows of up to 62 outputs at
// stride 1 share steps.
void depthwise_qplane_3x3_u8s8_vnni_avx512(const DepthwiseQPlane& p);
#endif

}  // namespace qedge::fast
