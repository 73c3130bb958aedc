// QConv with xnor=1 (see xnor_ops.h). Padding positions are masked out of a window (they contribute 0); windows
// without padding need no mask, since bits past k are 0 in both rows.
#include <algorithm>
#include <vector>

#include "requant.h"
#include "xnor/xnor_popcount.h"
#include "xnor_ops.h"

namespace qedge::fast {

Status bipolar_signs(const KernelContext& ctx, const char* what, std::vector<uint8_t>* signs) {
  const Tensor& x = *ctx.input(0);
  const int64_t zp = ctx.attr().get_int("x_zero_point", 0);
  signs->resize(static_cast<size_t>(x.numel()));
  for (int64_t i = 0, n = x.numel(); i < n; ++i) {
    const int64_t v = ref::int_element(x, i) - zp;
    if (v != 1 && v != -1) return InvalidArgument(std::string(what) + " holds a value other than -1/+1 (xnor)");
    (*signs)[static_cast<size_t>(i)] = v > 0;
  }
  return Status::Ok();
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
  QEDGE_ASSIGN_OR_RETURN(const std::vector<ref::XnorWord>* wb, cache.get(ctx, shape, "QConv W"));
  std::vector<uint8_t> signs;
  QEDGE_RETURN_IF_ERROR(bipolar_signs(ctx, "QConv X", &signs));
  const XnorDifferFn differ = xnor_differ();
  std::vector<int32_t> acc(static_cast<size_t>(mg * out_size));
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t grp = 0; grp < group; ++grp) {
      const uint8_t* xs = signs.data() + (n * channels + grp * cg) * in_size;
      const ref::XnorWord* wg = wb->data() + grp * mg * words;
      ctx.parallel_for(out_size, [&](int64_t begin, int64_t end) {
        std::vector<ref::XnorWord> xb(static_cast<size_t>(words)), mask(static_cast<size_t>(words));
        for (int64_t o = begin; o < end; ++o) {
          const int64_t o0 = o / (g.out[1] * g.out[2]), o1 = o / g.out[2] % g.out[1], o2 = o % g.out[2];
          std::fill(xb.begin(), xb.end(), 0);
          std::fill(mask.begin(), mask.end(), 0);
          int64_t valid = 0, j = 0;
          for (int64_t ci = 0; ci < cg; ++ci) {
            for (int64_t k0 = 0; k0 < g.kernel[0]; ++k0) {
              const int64_t i0 = o0 * g.stride[0] - g.pad_begin[0] + k0 * g.dilation[0];
              for (int64_t k1 = 0; k1 < g.kernel[1]; ++k1) {
                const int64_t i1 = o1 * g.stride[1] - g.pad_begin[1] + k1 * g.dilation[1];
                for (int64_t k2 = 0; k2 < g.kernel[2]; ++k2, ++j) {
                  const int64_t i2 = o2 * g.stride[2] - g.pad_begin[2] + k2 * g.dilation[2];
                  if (i0 < 0 || i0 >= g.in[0] || i1 < 0 || i1 >= g.in[1] || i2 < 0 || i2 >= g.in[2]) continue;
                  ref::xnor_set(mask.data(), j);
                  ++valid;
                  if (xs[ci * in_size + (i0 * g.in[1] + i1) * g.in[2] + i2]) ref::xnor_set(xb.data(), j);
                }
              }
            }
          }
          const ref::XnorWord* m_or_null = valid == k ? nullptr : mask.data();
          for (int64_t m = 0; m < mg; ++m) {
            acc[static_cast<size_t>(m * out_size + o)] =
                static_cast<int32_t>(valid - 2 * differ(xb.data(), wg + m * words, m_or_null, words));
          }
        }
      });
      requant_rows(epilogue, acc.data(), out_size, mg, out_size, grp * mg, y, (n * maps + grp * mg) * out_size, out_size);
    }
  }
  return Status::Ok();
}

}  // namespace qedge::fast
