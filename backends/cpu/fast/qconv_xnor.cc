// QConv with xnor=1 (see xnor_ops.h). k runs tap-major (tap * channels + channel; the weights are packed in that
// order), so a window is its taps' pixel words in turn: each input pixel's channel signs as bits, made once per run,
// one put per tap (and per 64 channels) instead of one per channel and kernel row. Padding positions are masked out of
// a window (they contribute 0); windows without padding need no mask, since bits past k are 0 in both rows.
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

// ORs the n (<= 64) low bits of v into bits [j, j + n) of dst.
void put_bits(XnorWord* dst, int64_t j, XnorWord v, int64_t n) {
  const int64_t q = j / ref::kXnorWordBits, r = j % ref::kXnorWordBits;
  dst[q] |= v << r;
  if (r != 0 && r + n > ref::kXnorWordBits) dst[q + 1] |= v >> (ref::kXnorWordBits - r);
}

// The windows of one image and group, k tap-major.
class TapMajorWindows {
 public:
  TapMajorWindows(const ref::NnGeometry& g, int64_t channels, int64_t words)
      : g_(g), channels_(channels), words_(words), per_pixel_(ref::xnor_words(channels)) {}

  // The pixel words of the group's signs xs (channel c's plane at xs + c * in_size) into `pixels`: pixel p's
  // channels c at bit c % 64 of word p * per_pixel + c / 64.
  const XnorWord* make_pixels(const uint8_t* xs, ScratchBuffer<XnorWord>* pixels) const {
    const int64_t in_size = g_.in_size();
    XnorWord* out = pixels->grow(static_cast<size_t>(in_size * per_pixel_));
    std::fill(out, out + in_size * per_pixel_, 0);
    for (int64_t c = 0; c < channels_; ++c) {
      const XnorWord bit = XnorWord{1} << (c % ref::kXnorWordBits);
      XnorWord* word = out + c / ref::kXnorWordBits;
      const uint8_t* plane = xs + c * in_size;
      for (int64_t p = 0; p < in_size; ++p) word[p * per_pixel_] |= plane[p] ? bit : 0;
    }
    return out;
  }

  // Window of output o into xb and, when a tap falls in the padding, mask (both cleared here); returns how many of
  // the k positions read inside the input (k: no mask needed).
  int64_t window(const XnorWord* pixels, int64_t o, XnorWord* xb, XnorWord* mask) const {
    std::fill(xb, xb + words_, 0);
    const int64_t o0 = o / (g_.out[1] * g_.out[2]), o1 = o / g_.out[2] % g_.out[1], o2 = o % g_.out[2];
    const int64_t s0 = o0 * g_.stride[0] - g_.pad_begin[0], s1 = o1 * g_.stride[1] - g_.pad_begin[1];
    const int64_t s2 = o2 * g_.stride[2] - g_.pad_begin[2];
    const bool whole = inside(s0, 0) && inside(s1, 1) && inside(s2, 2);
    if (!whole) std::fill(mask, mask + words_, 0);
    int64_t valid = 0, j = 0;
    for (int64_t k0 = 0; k0 < g_.kernel[0]; ++k0) {
      const int64_t i0 = s0 + k0 * g_.dilation[0];
      for (int64_t k1 = 0; k1 < g_.kernel[1]; ++k1) {
        const int64_t i1 = s1 + k1 * g_.dilation[1];
        for (int64_t k2 = 0; k2 < g_.kernel[2]; ++k2, j += channels_) {
          const int64_t i2 = s2 + k2 * g_.dilation[2];
          if (i0 < 0 || i0 >= g_.in[0] || i1 < 0 || i1 >= g_.in[1] || i2 < 0 || i2 >= g_.in[2]) continue;
          const XnorWord* pixel = pixels + ((i0 * g_.in[1] + i1) * g_.in[2] + i2) * per_pixel_;
          for (int64_t q = 0; q < per_pixel_; ++q) {
            const int64_t n = std::min<int64_t>(ref::kXnorWordBits, channels_ - q * ref::kXnorWordBits);
            put_bits(xb, j + q * ref::kXnorWordBits, pixel[q], n);
            if (!whole) put_bits(mask, j + q * ref::kXnorWordBits, ones(n), n);
          }
          valid += channels_;
        }
      }
    }
    return valid;
  }

 private:
  static XnorWord ones(int64_t n) { return n >= ref::kXnorWordBits ? ~XnorWord{0} : (XnorWord{1} << n) - 1; }

  // Whether every tap along axis d of a window starting at s reads inside the input.
  bool inside(int64_t s, int d) const { return s >= 0 && s + (g_.kernel[d] - 1) * g_.dilation[d] < g_.in[d]; }

  const ref::NnGeometry& g_;
  int64_t channels_, words_, per_pixel_;
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
  QEDGE_ASSIGN_OR_RETURN(const std::vector<XnorWord>* wb, cache.get(ctx, shape, "QConv W", g.kernel_size()));
  IntOpScratch& scratch = IntOpScratch::mine();
  QEDGE_ASSIGN_OR_RETURN(const uint8_t* signs, bipolar_signs(ctx, "QConv X", &scratch.signs));
  int32_t* a = scratch.acc.grow(static_cast<size_t>(mg * out_size));
  const XnorDotsFn dots = xnor_dots();
  const TapMajorWindows windows(g, cg, words);
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t grp = 0; grp < group; ++grp) {
      const XnorWord* pixels = windows.make_pixels(signs + (n * channels + grp * cg) * in_size, &scratch.pixel_words);
      const XnorWord* wg = wb->data() + grp * mg * words;
      ctx.parallel_for(out_size, [&](int64_t begin, int64_t end) {
        // The window's bits and mask in the running thread's own scratch.
        XnorWord* xb = IntOpScratch::mine().window_bits.grow(static_cast<size_t>(2 * words));
        XnorWord* mask = xb + words;
        for (int64_t o = begin; o < end; ++o) {
          const int64_t valid = windows.window(pixels, o, xb, mask);
          dots(xb, wg, mg, valid == k ? nullptr : mask, words, valid, a + o, out_size);
        }
      });
      requant_rows(epilogue, a, out_size, mg, out_size, grp * mg, y, (n * maps + grp * mg) * out_size, out_size);
    }
  }
  return Status::Ok();
}

}  // namespace qedge::fast
