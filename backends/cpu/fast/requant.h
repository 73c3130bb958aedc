// Vectorized requantizing epilogue for the fast integer ops: the common case of ref::IntLinearEpilogue (an output
// quantizer with round-half-even, QONNX or ONNX zero-point rule, not bipolar), eight or sixteen elements at a time,
// with levels bit-identical to the scalar epilogue. Two forms:
//  - certified (requant_certified_avx2.cc): the value divided by the output scale computed as one float multiply and
//    add with constants folded at prepare, plus a rigorous bound on its distance from the reference's value; a level
//    is kept only where no rounding boundary lies within that bound, and the rare others take the scalar epilogue;
//  - exact (requant_avx2.cc): the reference's IEEE operations in the same order (the division included), for the
//    forms the certified one does not cover, for QAdd and for Quantize.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/int_linear.h"

namespace qedge::fast {

// True when the epilogue's clamp bounds are floats (they come from float attributes) and not NaN: then clamping
// after the conversion to float gives what the scalar code's clamp before it gives (rounding to float is monotone),
// which the vector forms rely on; NaN bounds (a hostile file) stay with the scalar code. Out of line in a portable
// file, so that no ISA-flagged copy of it can be linked into portable code.
bool float_clamp_bounds(const ref::IntLinearEpilogue& e);

// The constants of the certified form (see requant_certified_avx2.cc for the error bound they rest on).
struct CertifiedRequant {
  bool on = false;                 // the epilogue has the certified form
  std::vector<float> m, b;         // mult / out_scale and add / out_scale + zero point, one value or one per channel
  float level_lo = 0.0f;           // the levels of clamp_min and clamp_max (the reference's own level())
  float level_hi = 0.0f;
  float margin = 0.0f;             // 1/2 minus the error bound: a level is certain when within this of its value
};

// The epilogue of a fast QConv/QMatMul: the reference's, and its certified form's constants, both read once at prepare.
class Requant {
 public:
  // ref::IntLinearEpilogue::read, then the certified constants where the epilogue has that form.
  Status read(KernelContext& ctx, int64_t channels, const Dims& out_shape);
  const ref::IntLinearEpilogue& epilogue() const { return e_; }
  const CertifiedRequant& certified() const { return c_; }

 private:
  ref::IntLinearEpilogue e_;
  CertifiedRequant c_;
};

// One input of QAdd: 8-bit levels, their zero point and scale.
struct QAddOperand {
  const uint8_t* data = nullptr;
  bool is_signed = false;
  int64_t zero_point = 0;
  double scale = 1.0;

  int64_t level(int64_t i) const { return is_signed ? static_cast<int8_t>(data[i]) : data[i]; }
};

// The reference's QAdd value of element i, (a - a_zp) * a_scale + (b - b_zp) * b_scale in double, before its epilogue.
inline double qadd_value(const QAddOperand& a, const QAddOperand& b, int64_t i) {
  return static_cast<double>(a.level(i) - a.zero_point) * a.scale + static_cast<double>(b.level(i) - b.zero_point) * b.scale;
}

// The constants of QAdd's certified form (requant_certified_avx2.cc): the level estimate
// (a - a_zp) * ma + (b - b_zp) * mb + b.
struct CertifiedQAdd {
  bool on = false;
  float ma = 0.0f, mb = 0.0f, b = 0.0f;
  float level_lo = 0.0f, level_hi = 0.0f, margin = 0.0f;  // as CertifiedRequant's
};

// QAdd's certified constants for the epilogue e (one channel) and the operands' types, zero points and scales.
CertifiedQAdd certify_qadd(const ref::IntLinearEpilogue& e, const QAddOperand& a, const QAddOperand& b);

#if defined(__x86_64__)
// Writes the levels (or, for a float output, the values) of acc[0, n) (channel of element i: c0 + i * c_step) into
// y[base, base + n) and returns how many it wrote: all n in the common and float cases with c_step 0 (one channel),
// else a multiple of 8; 0 when the epilogue is none of the common case, a float output, BipolarQuant levels or
// MultiThreshold levels, or the CPU lacks AVX2. The caller stores the rest with e.store().
int64_t requant_avx2(const ref::IntLinearEpilogue& e, const int32_t* acc, int64_t n, int64_t c0, int64_t c_step,
                     Tensor& y, int64_t base);
// The same for QAdd of two 8-bit tensors of one shape: the epilogue of (a - a_zp) * a_scale + (b - b_zp) * b_scale for
// elements [base, base + n).
int64_t qadd_avx2(const ref::IntLinearEpilogue& e, const QAddOperand& a, const QAddOperand& b, int64_t n, Tensor& y,
                  int64_t base);
// The same for a Quantize step: the levels of x[0, n) into y[base, base + n); returns how many it wrote (a multiple
// of 8).
int64_t quantize_avx2(const ref::QuantizeSpec& spec, const float* x, int64_t n, Tensor& y, int64_t base);
// requant_avx2's contract for an epilogue with the certified form (r.certified().on); returns 0 on a CPU without
// AVX2 and FMA.
int64_t requant_certified_avx2(const Requant& r, const int32_t* acc, int64_t n, int64_t c0, int64_t c_step, Tensor& y,
                               int64_t base);
// qadd_avx2's contract for the certified form (c.on): all n levels, or 0 on a CPU without AVX2 and FMA.
int64_t qadd_certified_avx2(const ref::IntLinearEpilogue& e, const CertifiedQAdd& c, const QAddOperand& a,
                            const QAddOperand& b, int64_t n, Tensor& y, int64_t base);
// qadd_certified_avx2's contract, 64 elements per step: all n levels, or 0 when the CPU lacks AVX-512 or y's type is
// not an 8-bit integer (the AVX2 form then).
int64_t qadd_certified_avx512(const ref::IntLinearEpilogue& e, const CertifiedQAdd& c, const QAddOperand& a,
                              const QAddOperand& b, int64_t n, Tensor& y, int64_t base);
// The certified form sixteen lanes at a time with masked tails, on `rows` runs of n sums: run k at acc + k * ld_acc,
// channel c0 + k (c_step 0; one run may have c_step 1), levels at y[base + k * ld_y, + n). False, with nothing
// stored, when the CPU lacks AVX-512 or y's type is not an 8-, 16- or 32-bit integer.
bool requant_rows_certified_avx512(const Requant& r, const int32_t* acc, int64_t ld_acc, int64_t rows, int64_t n,
                                   int64_t c0, int64_t c_step, Tensor& y, int64_t base, int64_t ld_y);
#endif

// The whole run: the certified form, else requant_avx2, then the scalar epilogue for what remains.
inline void requant_run(const Requant& r, const int32_t* acc, int64_t n, int64_t c0, int64_t c_step, Tensor& y,
                        int64_t base) {
  const ref::IntLinearEpilogue& e = r.epilogue();
  int64_t i = 0;
#if defined(__x86_64__)
  if (r.certified().on) {
    if (requant_rows_certified_avx512(r, acc, n, 1, n, c0, c_step, y, base, n)) return;
    i = requant_certified_avx2(r, acc, n, c0, c_step, y, base);
  } else {
    i = requant_avx2(e, acc, n, c0, c_step, y, base);
  }
#endif
  for (; i < n; ++i) {
    e.store(y, base + i, c0 + i * c_step, static_cast<double>(acc[i]));
  }
}

// requant_run on `rows` runs of n sums: run k at acc + k * ld_acc with channel c0 + k, its levels (or values) at
// y[base + k * ld_y, + n).
inline void requant_rows(const Requant& r, const int32_t* acc, int64_t ld_acc, int64_t rows, int64_t n, int64_t c0,
                         Tensor& y, int64_t base, int64_t ld_y) {
#if defined(__x86_64__)
  if (r.certified().on && requant_rows_certified_avx512(r, acc, ld_acc, rows, n, c0, 0, y, base, ld_y)) return;
#endif
  for (int64_t k = 0; k < rows; ++k) requant_run(r, acc + k * ld_acc, n, c0 + k, 0, y, base + k * ld_y);
}

// requant_run for Y[rows, n] (channel = column) from acc_t[n, rows] = Y^T, as the GEMMs that take the weights as
// their packed operand leave it: row by row through `row`, n values of scratch.
inline void requant_transposed(const Requant& e, const int32_t* acc_t, int64_t rows, int64_t n,
                               Tensor& y, int32_t* row) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < n; ++j) row[j] = acc_t[j * rows + r];
    requant_run(e, row, n, 0, 1, y, r * n);
  }
}

// The levels of every element of float x (a per-tensor quantizer) into y, vectorized where possible, in chunks
// split across the context's threads.
inline void quantize_run(const KernelContext& ctx, const ref::QuantizeSpec& spec, const Tensor& x, Tensor& y) {
  constexpr int64_t kChunk = 16384;
  const int64_t n = x.numel();
  const float* px = x.data_as<float>();
  ctx.parallel_for((n + kChunk - 1) / kChunk, [&](int64_t begin, int64_t end) {
    const int64_t lo = begin * kChunk, hi = std::min(n, end * kChunk);
#if defined(__x86_64__)
    int64_t i = lo + quantize_avx2(spec, px + lo, hi - lo, y, lo);
#else
    int64_t i = lo;
#endif
    for (; i < hi; ++i) ref::set_int_element(y, i, spec.level(px[i], 0));
  });
}

}  // namespace qedge::fast
