// The vectorized inner loop of the fast MaxPool: the windows of one output row, for 2-D pooling with unit dilation
// along the row and stride 1 or 2, several output columns per step. Float taps are taken in the reference's order
// (window rows, then columns) with `max(v, acc)` = v > acc ? v : acc, its rule, so NaN and signed zeros come out the
// same; integer maxima do not depend on the order.
#pragma once

#include <cstdint>

namespace qedge::fast {

// One output row's columns y[0..n) whose windows start at row offsets 0, stride, 2 * stride, ... of `x` (the first
// window row; `rows` rows `row_stride` apart, `kernel` columns each). Every window must lie inside the input, and
// the row must hold `readable` values from x on (loads may read a few values past the last window, never past that).
// Returns how many leading columns it did (0 without AVX2; all but for windows of over 16 rows or a long span); the
// caller does the rest.
// Integer rows may also start in the padding: the first window then begins pad_before positions before x (padding,
// never read), and positions from x + readable on are padding too; every window must still hold an input value. Float
// rows take pad_before 0.
struct MaxPoolRow {
  int64_t rows = 0, row_stride = 0, kernel = 0, stride = 1, n = 0, readable = 0, pad_before = 0;
};
#if defined(__x86_64__)
inline constexpr bool kMaxPoolRowsVectorized = true;
int64_t max_pool_row_avx2(const MaxPoolRow& r, const float* x, float* y);
int64_t max_pool_row_avx2(const MaxPoolRow& r, const int8_t* x, int8_t* y);
int64_t max_pool_row_avx2(const MaxPoolRow& r, const uint8_t* x, uint8_t* y);
#else
inline constexpr bool kMaxPoolRowsVectorized = false;
template <typename T>
int64_t max_pool_row_avx2(const MaxPoolRow&, const T*, T*) {
  return 0;
}
#endif

}  // namespace qedge::fast
