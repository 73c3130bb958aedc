#include "winograd_int/winograd_int_conv3x3.h"

#include <algorithm>

#include "int_operands.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "requant.h"
#include "winograd/winograd_conv3x3.h"
#include "winograd_int/winograd_int_kernels.h"

namespace qedge::fast {
namespace {

// Bytes of V and M per tile block: about half of this CPU's 1 MB L2, so a block's transforms and GEMMs stay there.
constexpr int64_t kBlockBytes = 512 * 1024;
// Below these the int16 im2col GEMM was as fast or faster (qedge_kernel_bench BM_QConv3x3Resnet18).
constexpr int64_t kMinChannels = 16;
constexpr int64_t kMinMaps = 16;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

struct Kernels {
  WinoIntInputTile input;
  WinoIntGemm gemm;
  WinoIntOutputTile output;
};

const Kernels& kernels() {
  static const Kernels k = [] {
#if defined(__x86_64__)
    if (cpu_features().avx2_fma) {
      return Kernels{winograd_int_input_tile_avx2, winograd_int_gemm_4x16_avx2, winograd_int_output_tile_avx2};
    }
#endif
    return Kernels{winograd_int_input_tile_scalar, winograd_int_gemm_4x16_scalar, winograd_int_output_tile_scalar};
  }();
  return k;
}

// Sizes of one run. Channels and maps are rounded up to 16 (zero weights and zero input channels).
struct Plan {
  int64_t batch = 0, channels = 0, maps = 0, cp = 0, mp = 0;
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t tiles_h = 0, tiles_w = 0, tiles = 0;  // tiles: over every image
  int64_t plane_h = 0, plane_w = 0;              // the zero-padded NHWC plane holding every tile's 4x4 window
  int64_t block = 0;                             // tiles per block, a multiple of kWinoIntMr
  int64_t blocks = 0;
  // Map panels are split into this many chunks, one work item per (block, chunk): with fewer blocks than twice the
  // threads (resnet18's 7x7 layers have 16 tiles), the maps give the threads equal shares.
  int64_t map_chunks = 1;

  Plan(const KernelContext& ctx, const ref::NnGeometry& g) {
    const Tensor& x = *ctx.input(0);
    batch = x.shape[0], channels = x.shape[1], maps = ctx.input(1)->shape[0];
    cp = round_up(channels, kWinoIntLanes), mp = round_up(maps, kWinoIntNr);
    in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2];
    tiles_h = ceil_div(out_h, 2), tiles_w = ceil_div(out_w, 2), tiles = batch * tiles_h * tiles_w;
    plane_h = 2 * tiles_h + 2, plane_w = 2 * tiles_w + 2;
    const int64_t by_cache = kBlockBytes / (kWinoIntPositions * (2 * cp + 4 * mp)) / kWinoIntMr * kWinoIntMr;
    const int64_t threads = ctx.threads ? std::max(1, ctx.threads->num_threads()) : 1;
    block = std::max<int64_t>(kWinoIntMr, std::min(by_cache, round_up(tiles, kWinoIntMr)));
    blocks = ceil_div(tiles, block);
    if (threads > 1 && blocks < 2 * threads) map_chunks = std::min(mp / kWinoIntNr, ceil_div(2 * threads, blocks));
  }
};

// X - x_zero_point into the interior of the plane (offset by the leading pads); the rest stays 0.
template <typename T>
void fill_plane(const KernelContext& ctx, const Plan& p, const ref::NnGeometry& g, const T* x, int32_t zp,
                int16_t* plane) {
  ctx.parallel_for(p.batch * p.in_h, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t n = r / p.in_h, h = r % p.in_h;
      int16_t* row = plane + ((n * p.plane_h + h + g.pad_begin[1]) * p.plane_w + g.pad_begin[2]) * p.cp;
      for (int64_t c = 0; c < p.channels; ++c) {
        const T* src = x + ((n * p.channels + c) * p.in_h + h) * p.in_w;
        for (int64_t w = 0; w < p.in_w; ++w) row[w * p.cp + c] = static_cast<int16_t>(static_cast<int32_t>(src[w]) - zp);
      }
    }
  });
}

// Tiles [t0, t0 + count) of the run and map panels [j0, j1): the input transform and the GEMMs in the block buffers
// v and m, then the outputs of those maps into acc.
void run_block(const Plan& p, const int16_t* plane, const int16_t* u, int64_t t0, int64_t count, int64_t j0,
               int64_t j1, int16_t* v, int32_t* m, int32_t* out, int32_t* acc) {
  const Kernels& k = kernels();
  const int64_t per_image = p.tiles_h * p.tiles_w, v_stride = p.block * p.cp, m_stride = p.block * p.mp;
  for (int64_t t = 0; t < count; ++t) {
    const int64_t n = (t0 + t) / per_image, th = (t0 + t) % per_image / p.tiles_w, tw = (t0 + t) % p.tiles_w;
    k.input(plane + ((n * p.plane_h + 2 * th) * p.plane_w + 2 * tw) * p.cp, p.plane_w * p.cp, p.cp, v + t * p.cp,
            v_stride);
  }
  // Rows past `count` of the last panel hold earlier (or zero) tiles; their results are not read.
  const int64_t rows = round_up(count, kWinoIntMr), panels = p.mp / kWinoIntNr;
  for (int64_t pos = 0; pos < kWinoIntPositions; ++pos) {
    for (int64_t j = j0; j < j1; ++j) {
      const int16_t* b = u + (pos * panels + j) * p.cp * kWinoIntNr;
      for (int64_t r = 0; r < rows; r += kWinoIntMr) {
        k.gemm(p.cp / 2, v + pos * v_stride + r * p.cp, p.cp, b, m + pos * m_stride + r * p.mp + j * kWinoIntNr,
               p.mp);
      }
    }
  }
  const int64_t map0 = j0 * kWinoIntNr, width = (j1 - j0) * kWinoIntNr, map1 = std::min(p.maps, j1 * kWinoIntNr);
  for (int64_t t = 0; t < count; ++t) {
    k.output(m + t * p.mp + map0, m_stride, width, out);
    const int64_t n = (t0 + t) / per_image, oh = (t0 + t) % per_image / p.tiles_w * 2, ow = (t0 + t) % p.tiles_w * 2;
    const int64_t h = std::min<int64_t>(2, p.out_h - oh), w = std::min<int64_t>(2, p.out_w - ow);
    for (int64_t map = map0; map < map1; ++map) {
      int32_t* dst = acc + ((n * p.maps + map) * p.out_h + oh) * p.out_w + ow;
      for (int64_t i = 0; i < h; ++i) {
        for (int64_t j = 0; j < w; ++j) dst[i * p.out_w + j] = out[(2 * i + j) * width + map - map0];
      }
    }
  }
}

}  // namespace

bool WinogradIntConv3x3::applies(const KernelContext& ctx, const ref::NnGeometry& g, int64_t group) {
  const Tensor* x = ctx.input(0);
  const Tensor* w = ctx.input(1);
  if (!x || !w || !WinogradConv3x3::covers(g, group) || x->rank() != 4) return false;
  const int64_t mx = max_adjusted_level(x->dtype, {static_cast<float>(ctx.attr().get_int("x_zero_point", 0))});
  const int64_t mw = max_adjusted_level(w->dtype, ctx.attr().get_floats("w_zero_point", {0.0f}));
  const int64_t channels = x->shape[1], maps = w->shape[0];
  // |V| <= 4 mx and |U'| <= 9 mw must be int16; 4x the convolution sum (9 * channels terms) must be int32.
  return mx > 0 && mw > 0 && 4 * mx <= 32767 && 9 * mw <= 32767 && channels >= kMinChannels && maps >= kMinMaps &&
         4 * 9 * channels * mx * mw < (int64_t{1} << 31);
}

Status WinogradIntConv3x3::transform_weights(const KernelContext& ctx, int64_t maps, int64_t channels) {
  std::vector<int16_t> weights;
  QEDGE_RETURN_IF_ERROR(adjusted_weights(ctx, 0, &weights));
  const int64_t cp = round_up(channels, kWinoIntLanes), panels = round_up(maps, kWinoIntNr) / kWinoIntNr;
  u_.assign(static_cast<size_t>(kWinoIntPositions * panels * kWinoIntNr * cp), 0);
  int32_t f[kWinoIntPositions];
  for (int64_t map = 0; map < maps; ++map) {
    for (int64_t c = 0; c < channels; ++c) {
      winograd_int_filter(weights.data() + (map * channels + c) * 9, f);
      for (int64_t pos = 0; pos < kWinoIntPositions; ++pos) {
        const int64_t panel = (pos * panels + map / kWinoIntNr) * cp * kWinoIntNr;
        u_[panel + (c / 2) * 2 * kWinoIntNr + (map % kWinoIntNr) * 2 + c % 2] = static_cast<int16_t>(f[pos]);
      }
    }
  }
  return Status::Ok();
}

Status WinogradIntConv3x3::run(KernelContext& ctx, const ref::NnGeometry& g, const Requant& epilogue) {
  const Tensor& x = *ctx.input(0);
  const Tensor& w = *ctx.input(1);
  const Plan p(ctx, g);
  if (!(w.constant && w.data == u_source_ && !u_.empty())) {
    QEDGE_RETURN_IF_ERROR(transform_weights(ctx, p.maps, p.channels));
    u_source_ = w.constant ? w.data : nullptr;
  }
  std::vector<int16_t> plane(static_cast<size_t>(p.batch * p.plane_h * p.plane_w * p.cp), 0);
  const auto zp = static_cast<int32_t>(ctx.attr().get_int("x_zero_point", 0));
  if (x.dtype == DType::kUint8) {
    fill_plane(ctx, p, g, x.data_as<uint8_t>(), zp, plane.data());
  } else {
    fill_plane(ctx, p, g, x.data_as<int8_t>(), zp, plane.data());
  }
  const int64_t out_size = p.out_h * p.out_w;
  std::vector<int32_t> acc(static_cast<size_t>(p.batch * p.maps * out_size));
  const int64_t panels = p.mp / kWinoIntNr;
  ctx.parallel_for(p.blocks * p.map_chunks, [&](int64_t begin, int64_t end) {
    std::vector<int16_t> v(static_cast<size_t>(kWinoIntPositions * p.block * p.cp), 0);
    std::vector<int32_t> m(static_cast<size_t>(kWinoIntPositions * p.block * p.mp));
    std::vector<int32_t> out(static_cast<size_t>(4 * p.mp));
    for (int64_t item = begin; item < end; ++item) {
      const int64_t t0 = item / p.map_chunks * p.block, chunk = item % p.map_chunks;
      run_block(p, plane.data(), u_.data(), t0, std::min(p.block, p.tiles - t0), chunk * panels / p.map_chunks,
                (chunk + 1) * panels / p.map_chunks, v.data(), m.data(), out.data(), acc.data());
    }
  });
  Tensor& y = *ctx.output(0);
  ctx.parallel_for(p.batch * p.maps, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      requant_run(epilogue, acc.data() + i * out_size, out_size, i % p.maps, 0, y, i * out_size);
    }
  });
  return Status::Ok();
}

}  // namespace qedge::fast
