// QConv on the int16 GEMM (see qconv_int16.h). Large images go in column chunks whose accumulators stay in cache
// between the GEMM that writes them and the epilogue that reads them; with several threads the chunks are the tasks.
// A constant W is packed for the GEMM once, not once per call and chunk.
#include "qconv_int16.h"

#include <algorithm>

#include "im2col.h"
#include "int_operands.h"
#include "requant.h"
#include "scratch_buffer.h"

namespace qedge::fast {
namespace {

// The buffers: X minus its zero point, one group's im2col columns (none for 1x1 convolutions) and one group's
// accumulators. One set per thread, shared by every QConv it runs (one at a time), so that a layer works in the
// memory the layer before it left in cache (per-layer buffers made the GEMM's stores miss the cache); grown at
// prepare, so that steady-state runs do not allocate.
struct Scratch {
  ScratchBuffer<int16_t> xs, col;
  ScratchBuffer<int32_t> acc;
  static Scratch& grown(size_t xs_size, size_t col_size, size_t acc_size) {
    thread_local Scratch s;
    s.xs.grow(xs_size);
    s.col.grow(col_size);
    s.acc.grow(acc_size);
    return s;
  }
};

// Columns per chunk for `rows` output maps: about 256 KB of accumulators (half of a Zen3 core's L2), whole 16-column
// panels.
int64_t chunk_columns(int64_t rows) {
  constexpr int64_t kAccBytes = 256 * 1024;
  return std::max<int64_t>(64, kAccBytes / static_cast<int64_t>(sizeof(int32_t)) / rows / 16 * 16);
}

}  // namespace

void QConvInt16::prepare(const KernelContext& ctx, const ref::NnGeometry& g, int64_t group) {
  const Tensor& x = *ctx.input(0);
  const Tensor& w = *ctx.input(1);
  g_ = g;
  group_ = group;
  const int64_t k = x.shape[1] / group * g.kernel_size();
  pointwise_ = is_pointwise(g);
  xs_size_ = static_cast<size_t>(x.numel());
  col_size_ = pointwise_ ? 0 : static_cast<size_t>(k * g.out_size());
  // Accumulators for one chunk per part (thread), not for the whole image.
  const int64_t mg = w.shape[0] / group;
  parts_ = ctx.threads ? std::max(1, ctx.threads->num_threads()) : 1;
  acc_size_ = static_cast<size_t>(parts_ * mg * std::min(g.out_size(), chunk_columns(mg)));
  Scratch::grown(xs_size_, col_size_, acc_size_);
  packed_source_ = nullptr;
  packed_.resize(w.constant ? static_cast<size_t>(group) : 0);
  for (GemmS16PackedA& p : packed_) p.reserve(mg, k);
}

void QConvInt16::run(KernelContext& ctx, const std::vector<int16_t>& weights, const Requant& e) {
  const Tensor& x = *ctx.input(0);
  const Tensor& w = *ctx.input(1);
  Tensor& y = *ctx.output(0);
  Scratch& scratch = Scratch::grown(xs_size_, col_size_, acc_size_);
  constexpr int64_t kAdjustChunk = 16384;
  const int64_t numel = x.numel();
  ctx.parallel_for((numel + kAdjustChunk - 1) / kAdjustChunk, [&](int64_t begin, int64_t end) {
    adjust_input(ctx, begin * kAdjustChunk, std::min(numel, end * kAdjustChunk), scratch.xs.data());
  });
  const int64_t batch = x.shape[0], channels = x.shape[1], maps = ctx.input(1)->shape[0];
  const int64_t cg = channels / group_, mg = maps / group_, k = cg * g_.kernel_size();
  const int64_t in_size = g_.in_size(), out_size = g_.out_size();
  const int64_t chunk = std::min(out_size, chunk_columns(mg)), chunks = (out_size + chunk - 1) / chunk;
  const bool prepacked = w.constant && !packed_.empty();
  if (prepacked && packed_source_ != w.data) {
    for (int64_t grp = 0; grp < group_; ++grp) {
      packed_[static_cast<size_t>(grp)].pack(mg, k, weights.data() + grp * mg * k, k);
    }
    packed_source_ = w.data;
  }
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t grp = 0; grp < group_; ++grp) {
      const int16_t* cols = scratch.xs.data() + (n * channels + grp * cg) * in_size;
      if (!pointwise_) {
        im2col_parallel(ctx, g_, cols, cg, scratch.col.data());
        cols = scratch.col.data();
      }
      const int16_t* a = weights.data() + grp * mg * k;
      // Maps [m_begin, m_end) of the chunk at column j0 (nc columns, accumulators at acc with row stride nc).
      auto requant_maps = [&](const int32_t* acc, int64_t j0, int64_t nc, int64_t m_begin, int64_t m_end) {
        const int64_t map = grp * mg + m_begin;
        requant_rows(e, acc + m_begin * nc, nc, m_end - m_begin, nc, map, y, (n * maps + map) * out_size + j0, out_size);
      };
      // Chunk c's accumulators into acc; returns its column count.
      auto gemm_chunk = [&](int64_t c, int32_t* acc, ThreadPool* threads) {
        const int64_t j0 = c * chunk, nc = std::min(chunk, out_size - j0);
        GemmShape s;
        s.m = mg, s.n = nc, s.k = k;
        s.lda = k, s.ldb = out_size, s.ldc = nc;
        if (prepacked) {
          gemm_s16_prepacked(s, packed_[static_cast<size_t>(grp)], cols + j0, acc, threads);
        } else {
          gemm_s16(s, a, cols + j0, acc, threads);
        }
        return nc;
      };
      if (chunks == 1) {
        gemm_chunk(0, scratch.acc.data(), ctx.threads);
        ctx.parallel_for(mg, [&](int64_t begin, int64_t end) {
          requant_maps(scratch.acc.data(), 0, out_size, begin, end);
        });
        continue;
      }
      // Consecutive chunks per part, each part in its own accumulators.
      const int64_t parts = std::min(parts_, chunks);
      ctx.parallel_for(parts, [&](int64_t part_begin, int64_t part_end) {
        for (int64_t part = part_begin; part < part_end; ++part) {
          int32_t* acc = scratch.acc.data() + part * mg * chunk;
          for (int64_t c = chunks * part / parts; c < chunks * (part + 1) / parts; ++c) {
            requant_maps(acc, c * chunk, gemm_chunk(c, acc, nullptr), 0, mg);
          }
        }
      });
    }
  }
}

}  // namespace qedge::fast
