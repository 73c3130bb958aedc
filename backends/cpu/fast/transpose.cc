// Fast Transpose of elements of 1, 2, 4 or 8 bytes: the permutation is first simplified (unit dims dropped, input
// dims that stay adjacent merged), then rows of the output are written in order: whole blocks copied when the
// innermost dim stays innermost, else gathered with the input stride of the output's innermost dim (or, for a short
// innermost dim, written a column at a time from contiguous input runs). Rows are split across threads. Other
// element types use the reference kernel.
#include <algorithm>
#include <cstring>
#include <vector>

#include "common/shape_transpose.h"
#include "fallback_kernel.h"

namespace qedge::fast {
namespace {

template <typename T>
void gather_row(const T* x, int64_t stride, int64_t n, T* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i * stride];
}

template <typename T>
void scatter_columns(const T* x, int64_t stride, int64_t n, int64_t len, T* y) {
  for (int64_t j = 0; j < n; ++j) {
    const T* column = x + j * stride;
    for (int64_t i = 0; i < len; ++i) y[i * n + j] = column[i];
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
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    const auto* x = static_cast<const uint8_t*>(ctx.input(0)->data);
    auto* y = static_cast<uint8_t*>(ctx.output(0)->data);
    const int64_t total = ctx.output(0)->numel();
    if (total == 0) return Status::Ok();
    const int rank = static_cast<int>(sizes_.size());
    const int64_t inner = sizes_.back(), inner_stride = strides_.back(), rows = total / inner;
    const auto es = static_cast<int64_t>(esize_);
    // A short innermost output dim whose neighbour is contiguous in the input (NCHW -> NHWC with few channels): rows
    // in runs along that neighbour, read contiguously, one output column at a time, instead of a tiny gather per row.
    const int64_t run = rank >= 2 && strides_[rank - 2] == 1 && inner <= kShortRow ? sizes_[rank - 2] : 1;
    ctx.parallel_for(rows, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end;) {
        int64_t off = 0, rest = r;
        for (int d = rank - 2; d >= 0; --d) {
          off += (rest % sizes_[d]) * strides_[d];
          rest /= sizes_[d];
        }
        if (run > 1) {
          const int64_t len = std::min(end - r, run - r % run);
          copy_columns(x + off * es, inner_stride, inner, len, y + r * inner * es);
          r += len;
        } else {
          copy_row(x + off * es, inner_stride, inner, y + r * inner * es);
          ++r;
        }
      }
    });
    return Status::Ok();
  }

 private:
  static constexpr int64_t kShortRow = 16;

  // y[i * n + j] = x[i + j * stride] for i < len, j < n.
  void copy_columns(const uint8_t* x, int64_t stride, int64_t n, int64_t len, uint8_t* y) const {
    switch (esize_) {
      case 1: scatter_columns(x, stride, n, len, y); break;
      case 2: scatter_columns(reinterpret_cast<const uint16_t*>(x), stride, n, len, reinterpret_cast<uint16_t*>(y)); break;
      case 4: scatter_columns(reinterpret_cast<const uint32_t*>(x), stride, n, len, reinterpret_cast<uint32_t*>(y)); break;
      default: scatter_columns(reinterpret_cast<const uint64_t*>(x), stride, n, len, reinterpret_cast<uint64_t*>(y)); break;
    }
  }

  void copy_row(const uint8_t* x, int64_t stride, int64_t n, uint8_t* y) const {
    if (stride == 1) {
      std::memcpy(y, x, static_cast<size_t>(n) * esize_);
      return;
    }
    switch (esize_) {
      case 1: gather_row(x, stride, n, y); break;
      case 2: gather_row(reinterpret_cast<const uint16_t*>(x), stride, n, reinterpret_cast<uint16_t*>(y)); break;
      case 4: gather_row(reinterpret_cast<const uint32_t*>(x), stride, n, reinterpret_cast<uint32_t*>(y)); break;
      default: gather_row(reinterpret_cast<const uint64_t*>(x), stride, n, reinterpret_cast<uint64_t*>(y)); break;
    }
  }

  size_t esize_ = 4;
  std::vector<int64_t> sizes_, strides_;  // simplified output dims and their input strides (elements)
};

}  // namespace

void register_fast_transpose(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "Transpose", [&ref] { return std::make_unique<FastTranspose>(ref); });
}

}  // namespace qedge::fast
