// Bipolar (+-1) dot products by XNOR-popcount, shared by QMatMul and QConv: a row of +-1 values is a bit row
// (bit set for +1), and sum_j x_j * w_j over the positions in `mask` is |mask| - 2 * popcount((x ^ w) & mask).
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "qedge/kernel_api/status.h"

namespace qedge::ref {

using XnorWord = uint64_t;
constexpr int kXnorWordBits = 64;

inline int64_t xnor_words(int64_t bits) { return (bits + kXnorWordBits - 1) / kXnorWordBits; }

inline void xnor_set(XnorWord* row, int64_t j) { row[j / kXnorWordBits] |= XnorWord{1} << (j % kXnorWordBits); }

// sum_j x_j * w_j over `count` positions whose mask bits are set (mask null: every one of the `words` words).
inline int64_t xnor_dot(const XnorWord* x, const XnorWord* w, const XnorWord* mask, int64_t words, int64_t count) {
  int64_t differ = 0;
  for (int64_t q = 0; q < words; ++q) {
    const XnorWord d = (x[q] ^ w[q]) & (mask ? mask[q] : ~XnorWord{0});
    differ += static_cast<int64_t>(std::bitset<kXnorWordBits>(d).count());
  }
  return count - 2 * differ;
}

// Packs `rows` rows of k values (element j of row r at v[r * row_stride + j * k_stride]) into bit rows of
// xnor_words(k) words; an error naming `what` when a value is not -1 or +1.
inline Status pack_sign_rows(const std::vector<double>& v, int64_t rows, int64_t k, int64_t row_stride, int64_t k_stride,
                             const char* what, std::vector<XnorWord>* out) {
  const int64_t words = xnor_words(k);
  out->assign(static_cast<size_t>(rows * words), 0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < k; ++j) {
      const double e = v[static_cast<size_t>(r * row_stride + j * k_stride)];
      if (e != 1.0 && e != -1.0) return InvalidArgument(std::string(what) + " holds a value other than -1/+1 (xnor)");
      if (e > 0) xnor_set(out->data() + r * words, j);
    }
  }
  return Status::Ok();
}

}  // namespace qedge::ref
