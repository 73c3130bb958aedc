// Fast Transpose of elements of 1, 2, 4 or 8 bytes: the permutation is first simplified (unit dims dropped, input
// dims that stay adjacent merged). When the input's contiguous dim stays innermost, output rows are whole blocks
// copied. Otherwise the walk pairs the output's innermost dim with the dim that is contiguous in the input and
// copies tiles of that plane (square, or longer along the contiguous dim when the innermost one is short), so both
// the reads and the writes stay within a few cache lines per tile (a row by row gather touches a new line per
// element). Tiles are split across threads. Other element types use the reference kernel.
#include <algorithm>
#include <cstring>
#include <vector>

#include "common/shape_transpose.h"
#include "fallback_kernel.h"

namespace qedge::fast {
namespace {

// copy_tile with nq = 3 and the output rows back to back (an RGB image entering a channels-last region): the
// compiler interleaves the three input runs with vector shuffles when the count is known.
template <typename T>
void copy_tile3(const T* x, int64_t x_stride, int64_t np, T* y) {
  const T *r = x, *g = x + x_stride, *b = x + 2 * x_stride;
  for (int64_t p = 0; p < np; ++p) {
    y[3 * p] = r[p];
    y[3 * p + 1] = g[p];
    y[3 * p + 2] = b[p];
  }
}

// y[p * y_stride + q] = x[p + q * x_stride] for p < np, q < nq: one tile, q the output's innermost dim.
template <typename T>
void copy_tile(const T* x, int64_t x_stride, int64_t np, int64_t nq, T* y, int64_t y_stride) {
  if (nq == 3 && y_stride == 3) return copy_tile3(x, x_stride, np, y);
  for (int64_t q = 0; q < nq; ++q) {
    const T* column = x + q * x_stride;
    for (int64_t p = 0; p < np; ++p) y[p * y_stride + q] = column[p];
  }
}

class FastTranspose : public FallbackKernel {
 public:
  explicit FastTranspose(const KernelRegistry& ref) : FallbackKernel(ref, "Transpose") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x || x->dtype == DType::kString || x->packed_bits || x->packed_bipolar) return false;
    const int bits = dtype_bits(x->dtype);
    return bits == 8 || bits == 16 || bits == 32 || bits == 64;
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(std::vector<int> perm, ref::transpose_prepare(ctx));
    const Dims& in = ctx.input(0)->shape;
    esize_ = static_cast<size_t>(dtype_bits(ctx.input(0)->dtype) / 8);
    const std::vector<int64_t> in_strides = row_major_strides(in);
    // Output dims (sizes and input strides) in output order, unit dims dropped and runs of input-adjacent dims merged.
    sizes_.clear();
    strides_.clear();
    for (int p : perm) {
      if (in[p] == 1) continue;
      if (!sizes_.empty() && strides_.back() == in_strides[p] * in[p]) {
        sizes_.back() *= in[p];
        strides_.back() = in_strides[p];
      } else {
        sizes_.push_back(in[p]);
        strides_.push_back(in_strides[p]);
      }
    }
    if (sizes_.empty()) sizes_ = {1}, strides_ = {1};
    out_strides_ = row_major_strides(sizes_);
    // The dim contiguous in the input (stride 1 after merging; the last one if every dim was a unit dim).
    contiguous_ = static_cast<int>(sizes_.size()) - 1;
    for (int d = 0; d < static_cast<int>(sizes_.size()); ++d) {
      if (strides_[d] == 1) contiguous_ = d;
    }
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    const auto* x = static_cast<const uint8_t*>(ctx.input(0)->data);
    auto* y = static_cast<uint8_t*>(ctx.output(0)->data);
    const int64_t total = ctx.output(0)->numel();
    if (total == 0) return Status::Ok();
    const int last = static_cast<int>(sizes_.size()) - 1;
    const auto es = static_cast<int64_t>(esize_);
    if (contiguous_ == last) {
      const int64_t inner = sizes_[last];
      ctx.parallel_for(total / inner, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
          std::memcpy(y + r * inner * es, x + offsets(r, last).in * es, static_cast<size_t>(inner) * esize_);
        }
      });
      return Status::Ok();
    }
    // Tiles of the (contiguous_, last) plane: kTile values of the innermost dim by kTile of the contiguous one, or
    // as many more of the contiguous one as keep a tile at kTile * kTile values when the innermost dim is short.
    const int64_t np = sizes_[contiguous_], nq = sizes_[last];
    const int64_t p_tile = nq < kTile ? kTile * kTile / nq : kTile;
    const int64_t p_tiles = (np + p_tile - 1) / p_tile, planes = total / (np * nq);
    ctx.parallel_for(planes * p_tiles, [&](int64_t begin, int64_t end) {
      for (int64_t item = begin; item < end; ++item) {
        const int64_t p0 = (item % p_tiles) * p_tile, p_len = std::min(p_tile, np - p0);
        const Offsets at = offsets(item / p_tiles, contiguous_);
        const int64_t in_off = at.in + p0, out_off = at.out + p0 * out_strides_[contiguous_];
        for (int64_t q0 = 0; q0 < nq; q0 += kTile) {
          copy_tile_bytes(x + (in_off + q0 * strides_[last]) * es, p_len, std::min(kTile, nq - q0),
                          y + (out_off + q0) * es);
        }
      }
    });
    return Status::Ok();
  }

 private:
  static constexpr int64_t kTile = 32;

  struct Offsets {
    int64_t in = 0, out = 0;
  };

  // The input and output offsets (elements) of the index'th combination of the simplified dims other than the
  // innermost one and `skip` (the innermost one is always left out; skip may name it too).
  Offsets offsets(int64_t index, int skip) const {
    Offsets o;
    for (auto d = static_cast<int>(sizes_.size()) - 2; d >= 0; --d) {
      if (d == skip) continue;
      o.in += (index % sizes_[d]) * strides_[d];
      o.out += (index % sizes_[d]) * out_strides_[d];
      index /= sizes_[d];
    }
    return o;
  }

  void copy_tile_bytes(const uint8_t* x, int64_t np, int64_t nq, uint8_t* y) const {
    const int64_t xs = strides_.back(), ys = out_strides_[contiguous_];
    switch (esize_) {
      case 1: copy_tile(x, xs, np, nq, y, ys); break;
      case 2: copy_tile(reinterpret_cast<const uint16_t*>(x), xs, np, nq, reinterpret_cast<uint16_t*>(y), ys); break;
      case 4: copy_tile(reinterpret_cast<const uint32_t*>(x), xs, np, nq, reinterpret_cast<uint32_t*>(y), ys); break;
      default: copy_tile(reinterpret_cast<const uint64_t*>(x), xs, np, nq, reinterpret_cast<uint64_t*>(y), ys); break;
    }
  }

  size_t esize_ = 4;
  std::vector<int64_t> sizes_, strides_;  // simplified output dims and their input strides (elements)
  std::vector<int64_t> out_strides_;      // the simplified dims' output strides
  int contiguous_ = 0;                    // the simplified dim whose input stride is 1
};

}  // namespace

void register_fast_transpose(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "Transpose", [&ref] { return std::make_unique<FastTranspose>(ref); });
}

}  // namespace qedge::fast
