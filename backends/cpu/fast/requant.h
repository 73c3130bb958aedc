// Vectorized requantizing epilogue for the fast integer ops: the common case of ref::IntLinearEpilogue (an output
// quantizer with round-half-even, QONNX or ONNX zero-point rule, not bipolar) computed four elements at a time with
// the same IEEE operations in the same order, so the levels are bit-identical to the scalar epilogue.
#pragma once

#include <cstdint>

#include "common/int_linear.h"

namespace qedge::fast {

// Writes the levels of acc[0, n) (channel of element i: c0 + i * c_step) into y[base, base + n) and returns how many
// it wrote: a multiple of 4, or 0 when the epilogue is not the common case or the CPU lacks AVX2. The caller stores
// the rest with e.store().
#if defined(__x86_64__)
int64_t requant_avx2(const ref::IntLinearEpilogue& e, const int32_t* acc, int64_t n, int64_t c0, int64_t c_step,
                     Tensor& y, int64_t base);
// The same for a Quantize step: the levels of x[0, n) into y[0, n); returns how many it wrote (a multiple of 4).
int64_t quantize_avx2(const ref::QuantizeSpec& spec, const float* x, int64_t n, Tensor& y);
#endif

// The whole run: requant_avx2, then the scalar epilogue for what remains.
inline void requant_run(const ref::IntLinearEpilogue& e, const int32_t* acc, int64_t n, int64_t c0, int64_t c_step,
                        Tensor& y, int64_t base) {
#if defined(__x86_64__)
  int64_t i = requant_avx2(e, acc, n, c0, c_step, y, base);
#else
  int64_t i = 0;
#endif
  for (; i < n; ++i) {
    e.store(y, base + i, c0 + i * c_step, static_cast<double>(acc[i]));
  }
}

}  // namespace qedge::fast
