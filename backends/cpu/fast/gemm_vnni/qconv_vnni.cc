// QConv on the VNNI GEMM (see vnni_ops.h). The B panels are packed straight from the input planes (implicit im2col,
// im2col_panels_vnni.h), or from the planes as a matrix for a 1x1 convolution with stride 1; each finished block of
// the GEMM is requantized from the GEMM's per-thread block buffer while it is in cache. int8 inputs are moved to the
// u8 scale by the packers as they read them (no shifted copy).
#include <vector>

#include "gemm_vnni/im2col_panels_vnni.h"
#include "gemm_vnni/vnni_ops.h"
#include "im2col.h"
#include "requant.h"

namespace qedge::fast {

Status run_qconv_vnni(KernelContext& ctx, const ref::NnGeometry& g, int64_t group,
                      const Requant& epilogue, VnniWeightsCache& cache) {
  const ConvGemmDims d(g, *ctx.input(0), *ctx.input(1), group);
  VnniWeightsCache::Shape shape;
  shape.groups = group, shape.m = d.mg, shape.k = d.k, shape.row_stride = d.k, shape.k_stride = 1;
  const bool pointwise = is_pointwise(g);
  const int64_t taps = !pointwise && VnniIm2colPanels::tap_major(g, d.cg) ? g.kernel_size() : 1;
  QEDGE_ASSIGN_OR_RETURN(const std::vector<VnniWeights>* weights, cache.get(ctx, shape, taps));
  // int8 levels move to the u8 scale as the packers read them.
  const auto* x = static_cast<const uint8_t*>(ctx.input(0)->data);
  const uint8_t flip = u8_flip(ctx), zp = static_cast<uint8_t>(*u8_zero_point(ctx));
  Tensor& y = *ctx.output(0);
  const CertifiedRequant& certified = epilogue.certified();
  const bool eight_bit_levels = certified.on && (y.dtype == DType::kUint8 || y.dtype == DType::kInt8);
  for (int64_t n = 0; n < d.batch; ++n) {
    for (int64_t grp = 0; grp < group; ++grp) {
      const uint8_t* plane = x + (n * d.channels + grp * d.cg) * d.in_size;
      const VnniWeights& w = (*weights)[static_cast<size_t>(grp)];
      const int64_t map0 = grp * d.mg, first = (n * d.maps + map0) * d.out_size;
      const auto gemm = [&](const VnniPanelSource& panels) {
        if (eight_bit_levels && gemm_vnni_levels_fit(w, d.out_size)) {
          // Levels straight from the micro-kernel's registers; the few sums near a rounding edge by the reference.
          VnniLevels out;
          out.step = certified.m.size() == 1 ? 0 : 1;
          out.m = certified.m.data() + map0 * out.step, out.b = certified.b.data() + map0 * out.step;
          out.lo = certified.level_lo, out.hi = certified.level_hi, out.margin = certified.margin;
          out.is_signed = y.dtype == DType::kInt8;
          out.y = static_cast<uint8_t*>(y.data) + first, out.ldy = d.out_size;
          out.settle = [&](int64_t i, int64_t j, int32_t sum) {
            epilogue.epilogue().store(y, first + i * d.out_size + j, map0 + i, static_cast<double>(sum));
          };
          gemm_vnni_levels(w, panels, d.out_size, ctx.threads, out);
          return;
        }
        auto requantize = [&](const int32_t* sums, int64_t ld, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
          const int64_t map = map0 + i0;
          requant_rows(epilogue, sums, ld, i1 - i0, j1 - j0, map, y, (n * d.maps + map) * d.out_size + j0, d.out_size);
        };
        gemm_vnni_blocks(w, panels, d.out_size, ctx.threads, requantize);
      };
      if (pointwise) {
        gemm(VnniMatrixPanels(plane, d.out_size, false, flip));
      } else {
        gemm(VnniIm2colPanels(g, plane, d.cg, zp, flip));
      }
    }
  }
  return Status::Ok();
}

}  // namespace qedge::fast
