// QConv with xnor=1 (see xnor_ops.h). Padding positions are masked out of a window (they contribute 0); windows
// without padding need no mask, since bits past k are 0 in both rows. A window's bits are built from bit rows of the
// input (each input row's signs as one 64-bit word, made once per run): per kernel row, one shift takes the window's
// kernel[2] columns, instead of a bit per tap. Images wider than 64 columns, or dilated along them, set a bit per tap.
#include <algorithm>
#include <vector>

#include "int_op_scratch.h"
#include "requant.h"
#include "xnor/xnor_popcount.h"
#include "xnor_ops.h"

namespace qedge::fast {
namespace {

using ref::XnorWord;

// Signs (1 for +1) of the levels minus zp, from 8-bit storage; false when one is not -1 or +1.
template <typename T>
bool signs_of(const T* x, int64_t n, int64_t zp, uint8_t* out) {
  for (int64_t i = 0; i < n; ++i) {
    const int64_t v = static_cast<int64_t>(x[i]) - zp;
    if (v != 1 && v != -1) return false;
    out[i] = v > 0;
  }
  return true;
}

// Bits [at, at + n) of `row` (bit i: column i; columns outside [0, 64) read as 0), n <= 64.
XnorWord columns(XnorWord row, int64_t at, int64_t n) {
  const XnorWord window = at >= 0 ? (at >= 64 ? 0 : row >> at) : (at <= -64 ? 0 : row << -at);
  return n >= 64 ? window : window & ((XnorWord{1} << n) - 1);
}

// ORs the n low bits of v into bits [j, j + n) of dst.
void put_bits(XnorWord* dst, int64_t j, XnorWord v, int64_t n) {
  const int64_t q = j / ref::kXnorWordBits, r = j % ref::kXnorWordBits;
  dst[q] |= v << r;
  if (r != 0 && r + n > ref::kXnorWordBits) dst[q + 1] |= v >> (ref::kXnorWordBits - r);
}

// The bits of the windows of one image and group: through bit rows when the image is at most 64 wide and not dilated
// along it, else a bit per tap.
class WindowBits {
 public:
  WindowBits(const ref::NnGeometry& g, int64_t channels, int64_t words) : g_(g), channels_(channels), words_(words) {}

  static bool by_rows(const ref::NnGeometry& g) { return g.in[2] <= 64 && g.dilation[2] == 1 && g.kernel[2] <= 64; }

  // Bit rows of the group's channels into `rows`: row (c, i0, i1) of signs xs (channel c's plane at
  // xs + c * in_size).
  const XnorWord* make_rows(const uint8_t* xs, ScratchBuffer<XnorWord>* rows) const {
    const int64_t count = channels_ * g_.in[0] * g_.in[1];
    XnorWord* out = rows->grow(static_cast<size_t>(count));
    for (int64_t r = 0; r < count; ++r) {
      XnorWord bits = 0;
      for (int64_t i2 = 0; i2 < g_.in[2]; ++i2) bits |= XnorWord{xs[r * g_.in[2] + i2]} << i2;
      out[r] = bits;
    }
    return out;
  }

  // Window of output o into xb and mask (both cleared here); returns how many taps read inside the input.
  int64_t window(const uint8_t* xs, const XnorWord* rows, int64_t o, XnorWord* xb, XnorWord* mask) const {
    std::fill(xb, xb + words_, 0);
    std::fill(mask, mask + words_, 0);
    const int64_t o0 = o / (g_.out[1] * g_.out[2]), o1 = o / g_.out[2] % g_.out[1], o2 = o % g_.out[2];
    const int64_t s2 = o2 * g_.stride[2] - g_.pad_begin[2];
    const XnorWord inside = g_.in[2] >= 64 ? ~XnorWord{0} : (XnorWord{1} << g_.in[2]) - 1;
    const XnorWord inside_cols = rows ? columns(inside, s2, g_.kernel[2]) : 0;
    const int64_t cols_inside = __builtin_popcountll(inside_cols);
    int64_t valid = 0, j = 0;
    for (int64_t ci = 0; ci < channels_; ++ci) {
      for (int64_t k0 = 0; k0 < g_.kernel[0]; ++k0) {
        const int64_t i0 = o0 * g_.stride[0] - g_.pad_begin[0] + k0 * g_.dilation[0];
        for (int64_t k1 = 0; k1 < g_.kernel[1]; ++k1, j += g_.kernel[2]) {
          const int64_t i1 = o1 * g_.stride[1] - g_.pad_begin[1] + k1 * g_.dilation[1];
          if (i0 < 0 || i0 >= g_.in[0] || i1 < 0 || i1 >= g_.in[1]) continue;
          const int64_t row = (ci * g_.in[0] + i0) * g_.in[1] + i1;
          if (rows) {
            put_bits(xb, j, columns(rows[row], s2, g_.kernel[2]), g_.kernel[2]);
            put_bits(mask, j, inside_cols, g_.kernel[2]);
            valid += cols_inside;
            continue;
          }
          for (int64_t k2 = 0; k2 < g_.kernel[2]; ++k2) {
            const int64_t i2 = s2 + k2 * g_.dilation[2];
            if (i2 < 0 || i2 >= g_.in[2]) continue;
            ref::xnor_set(mask, j + k2);
            ++valid;
            if (xs[row * g_.in[2] + i2]) ref::xnor_set(xb, j + k2);
          }
        }
      }
    }
    return valid;
  }

 private:
  const ref::NnGeometry& g_;
  int64_t channels_, words_;
};

}  // namespace

Result<const uint8_t*> bipolar_signs(const KernelContext& ctx, const char* what, ScratchBuffer<uint8_t>* signs) {
  const Tensor& x = *ctx.input(0);
  const int64_t zp = ctx.attr().get_int("x_zero_point", 0);
  uint8_t* out = signs->grow(static_cast<size_t>(x.numel()));
  const bool ok = x.dtype == DType::kInt8 ? signs_of(x.data_as<int8_t>(), x.numel(), zp, out)
                                          : signs_of(x.data_as<uint8_t>(), x.numel(), zp, out);
  if (!ok) return InvalidArgument(std::string(what) + " holds a value other than -1/+1 (xnor)");
  return static_cast<const uint8_t*>(out);
}

Status run_qconv_xnor(KernelContext& ctx, const ref::NnGeometry& g, int64_t group,
                      const Requant& epilogue, XnorWeightsCache& cache) {
  const Tensor& x = *ctx.input(0);
  const Tensor& w = *ctx.input(1);
  Tensor& y = *ctx.output(0);
  const int64_t batch = x.shape[0], channels = x.shape[1], maps = w.shape[0];
  const int64_t cg = channels / group, mg = maps / group, k = cg * g.kernel_size();
  const int64_t in_size = g.in_size(), out_size = g.out_size(), words = ref::xnor_words(k);
  XnorWeightsCache::Shape shape;
  shape.rows = maps, shape.k = k, shape.row_stride = k, shape.k_stride = 1;
  QEDGE_ASSIGN_OR_RETURN(const std::vector<XnorWord>* wb, cache.get(ctx, shape, "QConv W"));
  IntOpScratch& scratch = IntOpScratch::mine();
  QEDGE_ASSIGN_OR_RETURN(const uint8_t* signs, bipolar_signs(ctx, "QConv X", &scratch.signs));
  int32_t* a = scratch.acc.grow(static_cast<size_t>(mg * out_size));
  const XnorDotsFn dots = xnor_dots();
  const WindowBits bits(g, cg, words);
  const bool by_rows = WindowBits::by_rows(g);
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t grp = 0; grp < group; ++grp) {
      const uint8_t* xs = signs + (n * channels + grp * cg) * in_size;
      const XnorWord* row_bits = by_rows ? bits.make_rows(xs, &scratch.bit_rows) : nullptr;
      const XnorWord* wg = wb->data() + grp * mg * words;
      ctx.parallel_for(out_size, [&](int64_t begin, int64_t end) {
        // The window's bits and mask in the running thread's own scratch.
        XnorWord* xb = IntOpScratch::mine().window_bits.grow(static_cast<size_t>(2 * words));
        XnorWord* mask = xb + words;
        for (int64_t o = begin; o < end; ++o) {
          const int64_t valid = bits.window(xs, row_bits, o, xb, mask);
          dots(xb, wg, mg, valid == k ? nullptr : mask, words, valid, a + o, out_size);
        }
      });
      requant_rows(epilogue, a, out_size, mg, out_size, grp * mg, y, (n * maps + grp * mg) * out_size, out_size);
    }
  }
  return Status::Ok();
}

}  // namespace qedge::fast
