#include "winograd/winograd_conv3x3.h"

#include <algorithm>
#include <cstring>

#include "qedge/cpu_fast/cpu_features.h"
#include "winograd/winograd_kernels.h"

namespace qedge::fast {
namespace {

constexpr int64_t kMaxPositions = 36;    // F(4x4, 3x3): 6x6 transformed tiles
constexpr int64_t kKc = 256;             // channels per GEMM k slice: a 16-tile B panel slice (16 KB) stays in L1
constexpr int64_t kPanelsPerBlock = 16;  // map panels per work item: 96 maps x kKc of U_p (96 KB) stay in L2

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Tiles of `tile` x `tile` outputs over every image.
int64_t tile_count(const ref::NnGeometry& g, int64_t batch, int64_t tile) {
  return batch * ceil_div(g.out[1], tile) * ceil_div(g.out[2], tile);
}

}  // namespace

const WinogradConv3x3::Variant& WinogradConv3x3::variant(int64_t tile) {
  static const Variant f43 = [] {
#if defined(__x86_64__)
    if (cpu_features().avx2_fma) {
      return Variant{4, 36, winograd_f43_input_row_avx2_fma, winograd_f43_output_row_avx2_fma, winograd_f43_filter,
                     gemm_f32_6x16_avx2_fma};
    }
#endif
    return Variant{4, 36, winograd_f43_input_row_scalar, winograd_f43_output_row_scalar, winograd_f43_filter,
                   gemm_f32_6x16_scalar};
  }();
  static const Variant f23 = [] {
    Variant v{2, 16, winograd_f23_input_row_scalar, winograd_f23_output_row_scalar, winograd_f23_filter,
              gemm_f32_6x16_scalar};
#if defined(__x86_64__)
    if (cpu_features().avx2_fma) v.gemm = gemm_f32_6x16_avx2_fma;
#endif
    return v;
  }();
  return tile == 2 ? f23 : f43;
}

bool WinogradConv3x3::covers(const ref::NnGeometry& g, int64_t group) {
  return group == 1 && g.nd == 2 && g.kernel[1] == 3 && g.kernel[2] == 3 && g.stride[1] == 1 && g.stride[2] == 1 &&
         g.dilation[1] == 1 && g.dilation[2] == 1;
}

int64_t WinogradConv3x3::best_tile(const ref::NnGeometry& g, int64_t batch) {
  // Each transformed weight is used once per tile, and F(4x4)'s are 4x the original weights (F(2x2)'s 1.8x): on a
  // few tiles (a 7x7 image has 4 of 4x4, 16 of 2x2) streaming them costs more than F(4x4) saves. Measured in
  // qedge_kernel_bench (BM_Conv3x3Resnet18, one thread): at 7x7 F(2x2) beats F(4x4) from 128 channels up (1.7x at
  // 256) and equals it at 64; at 10x10 (9 tiles) they tie; from 14x14 F(4x4) wins. Both beat im2col + GEMM
  // everywhere measured (8..512 channels), F(2x2) at 512 channels on 7x7 only by about 10 %.
  return tile_count(g, batch, 4) >= 8 ? 4 : 2;
}

void WinogradConv3x3::plan(const ref::NnGeometry& g, int64_t batch, int64_t channels, int64_t maps, int64_t tile) {
  g_ = g;
  if (&variant(tile) != variant_) u_.clear();
  variant_ = &variant(tile);
  batch_ = batch, channels_ = channels, maps_ = maps;
  tiles_y_ = ceil_div(g.out[1], tile), tiles_x_ = ceil_div(g.out[2], tile);
  tiles_ = batch * tiles_y_ * tiles_x_;
  tile_blocks_ = ceil_div(tiles_, kWinogradLanes);
  map_panels_ = ceil_div(maps, kGemmMr);
  // Rows padded so that the AVX2 transform may read whole 8-tile groups (kernels header).
  plane_h_ = tiles_y_ * tile + 2, plane_w_ = 32 * ceil_div(tiles_x_, 8) + 8;
}

Status WinogradConv3x3::run(KernelContext& ctx) {
  const Tensor& w = *ctx.input(1);
  const Tensor* b = ctx.input(2);
  if (!(w.constant && w.data == u_source_ && !u_.empty())) {
    transform_weights(ctx, w.data_as<float>());
    u_source_ = w.constant ? w.data : nullptr;
  }
  // Scratch shared by every Winograd node run from this thread (nodes run one at a time), not kept per node:
  // v [position][tile block][channel][16 tiles], m [position][tile block][map panels * 6][16 tiles].
  thread_local std::vector<float> v, m;
  const int64_t positions = variant_->positions;
  v.resize(static_cast<size_t>(positions * tile_blocks_ * channels_ * kWinogradLanes));
  m.resize(static_cast<size_t>(positions * tile_blocks_ * map_panels_ * kGemmMr * kWinogradLanes));
  transform_input(ctx, ctx.input(0)->data_as<float>(), v.data());
  multiply(ctx, v.data(), m.data());
  transform_output(ctx, m.data(), b ? b->data_as<float>() : nullptr, ctx.output(0)->data_as<float>());
  return Status::Ok();
}

void WinogradConv3x3::transform_weights(const KernelContext& ctx, const float* w) {
  const int64_t positions = variant_->positions;
  u_.resize(static_cast<size_t>(positions * map_panels_ * channels_ * kGemmMr));
  // Panel by panel and channel by channel, so that the six maps of a panel fill whole runs of each position's rows.
  ctx.parallel_for(map_panels_, [&](int64_t mp_begin, int64_t mp_end) {
    float u[kGemmMr][kMaxPositions];
    for (int64_t mp = mp_begin; mp < mp_end; ++mp) {
      for (int64_t c = 0; c < channels_; ++c) {
        for (int64_t r = 0; r < kGemmMr; ++r) {
          const int64_t m = mp * kGemmMr + r;
          if (m < maps_) {
            variant_->filter(w + (m * channels_ + c) * 9, u[r]);
          } else {
            std::fill(u[r], u[r] + positions, 0.0f);
          }
        }
        for (int64_t p = 0; p < positions; ++p) {
          float* dst = u_.data() + ((p * map_panels_ + mp) * channels_ + c) * kGemmMr;
          for (int64_t r = 0; r < kGemmMr; ++r) dst[r] = u[r][p];
        }
      }
    }
  });
}

void WinogradConv3x3::transform_input(const KernelContext& ctx, const float* x, float* v) {
  const int64_t in_h = g_.in[1], in_w = g_.in[2], top = g_.pad_begin[1], left = g_.pad_begin[2];
  // Input rows and columns that land inside the padded planes (the planes may be shorter than the padded input when
  // the end padding exceeds what the last tile reads, or longer: then the rest stays zero).
  const int64_t y0 = std::max<int64_t>(0, -top), y1 = std::min(in_h, plane_h_ - top);
  const int64_t x0 = std::max<int64_t>(0, -left), x1 = std::min(in_w, plane_w_ - left);
  const int64_t plane = plane_h_ * plane_w_;
  const WinogradTileLayout layout{channels_ * kWinogradLanes, tile_blocks_ * channels_ * kWinogradLanes};
  const int64_t tile = variant_->tile;
  const WinogradInputRow input_row = variant_->input;
  ctx.parallel_for(channels_, [&](int64_t c_begin, int64_t c_end) {
    // Every channel rewrites the same interior, so the zero border is written once per chunk.
    thread_local std::vector<float> planes;
    planes.assign(static_cast<size_t>(batch_ * plane), 0.0f);
    for (int64_t c = c_begin; c < c_end; ++c) {
      for (int64_t n = 0; n < batch_; ++n) {
        const float* src = x + (n * channels_ + c) * in_h * in_w;
        float* dst = planes.data() + n * plane;
        for (int64_t iy = y0; iy < y1 && x1 > x0; ++iy) {
          std::memcpy(dst + (iy + top) * plane_w_ + x0 + left, src + iy * in_w + x0,
                      static_cast<size_t>(x1 - x0) * sizeof(float));
        }
      }
      for (int64_t row = 0; row < batch_ * tiles_y_; ++row) {
        input_row(planes.data() + (row / tiles_y_ * plane_h_ + row % tiles_y_ * tile) * plane_w_, plane_w_, tiles_x_,
                  row * tiles_x_, v + c * kWinogradLanes, layout);
      }
    }
  });
}

void WinogradConv3x3::multiply(const KernelContext& ctx, const float* v, float* m) {
  const int64_t map_blocks = ceil_div(map_panels_, kPanelsPerBlock), rows = map_panels_ * kGemmMr;
  const GemmMicroKernel gemm = variant_->gemm;
  if (channels_ == 0) {  // no products: every sum is 0 (the k-slice loop below would leave m unwritten)
    std::fill(m, m + variant_->positions * tile_blocks_ * rows * kWinogradLanes, 0.0f);
    return;
  }
  ctx.parallel_for(variant_->positions * map_blocks, [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; ++item) {
      const int64_t p = item / map_blocks, mp_begin = item % map_blocks * kPanelsPerBlock;
      const int64_t mp_end = std::min(map_panels_, mp_begin + kPanelsPerBlock);
      for (int64_t k0 = 0; k0 < channels_; k0 += kKc) {
        const int64_t kc = std::min(kKc, channels_ - k0);
        for (int64_t tb = 0; tb < tile_blocks_; ++tb) {
          const float* bp = v + ((p * tile_blocks_ + tb) * channels_ + k0) * kWinogradLanes;
          float* out = m + (p * tile_blocks_ + tb) * rows * kWinogradLanes;
          for (int64_t mp = mp_begin; mp < mp_end; ++mp) {
            gemm(kc, u_.data() + ((p * map_panels_ + mp) * channels_ + k0) * kGemmMr, bp,
                 out + mp * kGemmMr * kWinogradLanes, kWinogradLanes, k0 > 0);
          }
        }
      }
    }
  });
}

void WinogradConv3x3::transform_output(const KernelContext& ctx, const float* m, const float* bias, float* y) {
  const int64_t out_h = g_.out[1], out_w = g_.out[2], rows = map_panels_ * kGemmMr;
  const WinogradTileLayout layout{rows * kWinogradLanes, tile_blocks_ * rows * kWinogradLanes};
  const int64_t tile = variant_->tile;
  const WinogradOutputRow output_row = variant_->output;
  ctx.parallel_for(maps_, [&](int64_t map_begin, int64_t map_end) {
    for (int64_t map = map_begin; map < map_end; ++map) {
      for (int64_t row = 0; row < batch_ * tiles_y_; ++row) {
        const int64_t n = row / tiles_y_, oy = row % tiles_y_ * tile;
        output_row(m + map * kWinogradLanes, layout, row * tiles_x_, tiles_x_, bias ? bias[map] : 0.0f,
                   y + ((n * maps_ + map) * out_h + oy) * out_w, out_w, std::min(tile, out_h - oy), out_w);
      }
    }
  });
}

}  // namespace qedge::fast
