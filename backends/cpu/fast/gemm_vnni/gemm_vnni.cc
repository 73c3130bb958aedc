// The VNNI GEMM driver: per block of rows and columns, columns in kNc slices and k in kKc slices whose B slice the
// B source packs into 32-column panels (from a matrix in memory, or from a convolution's input in place), then the
// 8 x 32 micro-kernel over the weights' 8-row panels (packed once, slice by slice: panel_slice_offset). A B panel
// (kKc x 32 bytes) stays in L1 while the row panels of the slice stream from L2; a column block's sums (rows x kNc
// int32) stay in L2 until the block is final, or, with one k slice, the tiles store levels straight from their
// registers (gemm_vnni_levels). A row's last few columns take a 16-column tile and the one-column kernel rather than a
// 32-column tile on zeros. 4-bit weights go the other way round: a row panel's slice, widened to bytes, stays in L1
// while the block's B panels stream from L2.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "gemm_vnni/gemm_vnni_microkernel.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "qedge/cpu_fast/gemm_vnni.h"

namespace qedge::fast {
namespace {

constexpr int64_t kKc = 1024;  // a multiple of 8 (pairs of quads, for 4-bit panels)
// A multiple of kVnniNr. 256 rather than 128: half as many epilogue calls per map, 4-8 % off mobilenet_v2's 1x1
// layers at 112x112 and 56x56 (512 gained nothing more).
constexpr int64_t kNc = 256;
// Largest activation (u8) and largest |W'| (s8).
constexpr int64_t kMaxActivation = 255;
constexpr int64_t kMaxWeight = 128;

// Blocks of at most this many columns run one column at a time (gemm_u8s8_8x1): the 32-column tile would do 32 / cols
// times the work, and per column the narrow kernel does 64 products per vpdpbusd with no broadcasts.
constexpr int64_t kNarrowCols = 8;

// Where W' panel slices live: slice by slice (k in kKc slices), each slice's row panels one after another, so that
// the GEMM's walk over a slice's row panels reads W' front to back. Row panel ir's slice from k = pc, in bytes (half
// for nibbles).
int64_t panel_slice_offset(const VnniWeights& w, int64_t ir, int64_t pc) {
  const int64_t m_pad = (w.m + kVnniMr - 1) / kVnniMr * kVnniMr;
  return pc * m_pad + ir * std::min(kKc, w.k_pad - pc);
}

#if defined(__x86_64__)

// The last columns of a row of C run one at a time rather than in a tile on up to 15 columns of zeros: up to
// kSpareCols of them alone, or past a 16-column tile (49 columns of a 7x7 image: 32 + 16 + 1; 196 of a 14x14 one:
// 6 x 32 + 4).
constexpr int64_t kSpareCols = 4;

// The width of the tile that starts a tile of `cols` columns (0, 16 or 32); the columns past it run one at a time.
int64_t wide_columns(int64_t cols) {
  if (cols > 16 + kSpareCols) return kVnniNr;
  return cols > kSpareCols ? std::min<int64_t>(cols, 16) : 0;
}

// The columns of a tile of `cols` in a block of block_cols that run in a 32- or 16-column tile (0, 16 or 32); the
// rest (only in a block's last tile) run one at a time.
int64_t tile_wide(int64_t cols, int64_t block_cols) { return block_cols > kNarrowCols ? wide_columns(cols) : 0; }

// Bytes of one column's quad pairs (pair_column_quads_vnni_avx512).
int64_t pair_bytes(int64_t kq) { return (kq + 1) / 2 * 64; }

// One tile of C: rows [0, rows) x columns [0, cols) at c from the W' panel slice wp and the B panel bp, its first
// `wide` columns wide, the others from their quad pairs (column wide + i's at pairs + i * pair_bytes(kq)).
void tile(int64_t kq, const int8_t* wp, const uint8_t* bp, const uint8_t* pairs, const int32_t* init, int32_t* c,
          int64_t ldc, int64_t rows, int64_t cols, int64_t wide, bool accumulate) {
  if (wide == kVnniNr) return gemm_u8s8_8x32_vnni_avx512(kq, wp, bp, init, c, ldc, rows, cols, accumulate);
  if (wide > 0) gemm_u8s8_8x16_vnni_avx512(kq, wp, bp, init, c, ldc, rows, wide, accumulate);
  for (int64_t j = wide; j < cols; ++j) {
    gemm_u8s8_8x1_vnni_avx512(kq, wp, pairs + (j - wide) * pair_bytes(kq), init, c + j, ldc, rows, accumulate);
  }
}

// Where the tiles go: into C (c, ldc); with `blocks`, into a per-thread buffer of one block; with `levels`, as levels
// (one k slice).
struct Sink {
  int32_t* c = nullptr;
  int64_t ldc = 0;
  const VnniBlockSums* blocks = nullptr;
  const VnniLevels* levels = nullptr;
};

// One tile as levels (split as tile() splits it): rows [ir, ir + rows) and columns [j, j + cols) of C, then the sums
// in doubt through settle.
void levels_tile(int64_t kq, const int8_t* wp, const uint8_t* bp, const uint8_t* pairs, const int32_t* init,
                 const VnniLevels& lv, int64_t ir, int64_t j, int64_t rows, int64_t cols, int64_t wide) {
  VnniTileLevels out{lv.m + ir * lv.step, lv.b + ir * lv.step, lv.step, lv.lo, lv.hi, lv.margin, lv.is_signed,
                     lv.y + ir * lv.ldy + j, lv.ldy};
  alignas(64) int32_t sums[kVnniMr * kVnniNr];
  uint32_t lanes[kVnniMr];
  // The doubts a kernel reported for the columns from c0.
  const auto settle = [&](uint32_t doubt_rows, int64_t c0) {
    for (; doubt_rows != 0; doubt_rows &= doubt_rows - 1) {
      const int r = __builtin_ctz(doubt_rows);
      for (uint32_t rest = lanes[r]; rest != 0; rest &= rest - 1) {
        const int c = __builtin_ctz(rest);
        lv.settle(ir + r, j + c0 + c, sums[r * kVnniNr + c]);
      }
    }
  };
  if (wide == kVnniNr) {
    return settle(gemm_u8s8_8x32_levels_vnni_avx512(kq, wp, bp, init, out, rows, cols, sums, lanes), 0);
  }
  if (wide > 0) settle(gemm_u8s8_8x16_levels_vnni_avx512(kq, wp, bp, init, out, rows, wide, sums, lanes), 0);
  for (int64_t c0 = wide; c0 < cols; ++c0) {
    VnniTileLevels column = out;
    column.y += c0;
    settle(gemm_u8s8_8x1_levels_vnni_avx512(kq, wp, pairs + (c0 - wide) * pair_bytes(kq), init, column, rows, sums,
                                            lanes),
           c0);
  }
}

void gemm_block(const VnniWeights& w, const VnniPanelSource& b, const Sink& sink, int64_t i0, int64_t i1, int64_t j0,
                int64_t j1) {
  thread_local std::vector<uint8_t> pb, pairs;
  thread_local std::vector<int32_t> block;
  pb.resize(static_cast<size_t>(kKc * kNc));
  // The block buffer's rows as wide as the widest block, in whole cache lines (49 columns of a 7x7 layer: 64).
  const int64_t ld_block = std::min(kNc, (j1 - j0 + 15) / 16 * 16);
  if (sink.blocks) block.resize(static_cast<size_t>((i1 - i0) * ld_block));
  for (int64_t jc = j0; jc < j1; jc += kNc) {
    const int64_t nc = std::min(kNc, j1 - jc);
    // Element (i, jc + j) of this column block at c[(i - i0) * ldc + j] (no sums kept for levels).
    int32_t* c = sink.blocks ? block.data() : sink.c ? sink.c + i0 * sink.ldc + jc : nullptr;
    const int64_t ldc = sink.blocks ? ld_block : sink.ldc;
    for (int64_t pc = 0; pc < w.k; pc += kKc) {
      const int64_t kc = std::min(kKc, w.k - pc), kq = (kc + 3) / 4;
      // The tile of rows from ir and columns from jc + jr, from the W' panel slice wp and the B panel bp.
      const auto run_tile = [&](const int8_t* wp, const uint8_t* bp, int64_t ir, int64_t jr) {
        const int64_t rows = std::min(kVnniMr, i1 - ir), cols = std::min(kVnniNr, nc - jr);
        const int64_t wide = tile_wide(cols, nc);
        if (sink.levels) {
          levels_tile(kq, wp, bp, pairs.data(), w.row_init.data() + ir, *sink.levels, ir, jc + jr, rows, cols, wide);
        } else {
          tile(kq, wp, bp, pairs.data(), w.row_init.data() + ir, c + (ir - i0) * ldc + jr, ldc, rows, cols, wide,
               pc > 0);
        }
      };
      for (int64_t jr = 0; jr < nc; jr += kVnniNr) {
        b.pack(pc, kc, kq, jc + jr, std::min(kVnniNr, nc - jr), pb.data() + jr * 4 * kq);
      }
      // The one-column kernels' pairs for the block's last tile, made once for all row panels.
      const int64_t last = (nc - 1) / kVnniNr * kVnniNr, narrow = std::min(nc, last + tile_wide(nc - last, nc));
      pairs.resize(static_cast<size_t>((nc - narrow) * pair_bytes(kq)));
      for (int64_t j = narrow; j < nc; ++j) {
        pair_column_quads_vnni_avx512(pb.data() + last * 4 * kq + 4 * (j - last), kq,
                                      pairs.data() + (j - narrow) * pair_bytes(kq));
      }
      if (!w.nibbles.empty()) {
        // Each row panel's slice widened once, then run against every column panel of the block.
        thread_local std::vector<int8_t> wide;
        wide.resize(static_cast<size_t>((kq + 1) / 2 * 2 * 4 * kVnniMr));
        for (int64_t ir = i0; ir < i1; ir += kVnniMr) {
          unpack_nibble_quads_vnni_avx512(w.nibbles.data() + panel_slice_offset(w, ir, pc) / 2, (kq + 1) / 2,
                                          w.unsigned_nibbles, wide.data());
          for (int64_t jr = 0; jr < nc; jr += kVnniNr) {
            run_tile(wide.data(), pb.data() + jr * 4 * kq, ir, jr);
          }
        }
        continue;
      }
      for (int64_t jr = 0; jr < nc; jr += kVnniNr) {
        const uint8_t* bp = pb.data() + jr * 4 * kq;
        for (int64_t ir = i0; ir < i1; ir += kVnniMr) {
          run_tile(w.data.data() + panel_slice_offset(w, ir, pc), bp, ir, jr);
        }
      }
    }
    if (sink.blocks) (*sink.blocks)(c, ldc, i0, i1, jc, jc + nc);
  }
}

// Splits the GEMM across the threads (see gemm_vnni).
void gemm_split(const VnniWeights& w, const VnniPanelSource& b, int64_t n, const Sink& sink, ThreadPool* threads) {
  const int64_t col_panels = (n + kVnniNr - 1) / kVnniNr, row_panels = (w.m + kVnniMr - 1) / kVnniMr;
  const int64_t workers = threads ? threads->num_threads() : 1;
  if (workers <= 1) {
    gemm_block(w, b, sink, 0, w.m, 0, n);
  } else if (col_panels >= 4 * workers || row_panels < 2 * workers) {
    threads->parallel_for(col_panels, [&](int64_t begin, int64_t end) {
      gemm_block(w, b, sink, 0, w.m, begin * kVnniNr, std::min(end * kVnniNr, n));
    });
  } else {
    // Few columns (deep layers on small images): every worker packs the whole of B for its own rows.
    threads->parallel_for(row_panels, [&](int64_t begin, int64_t end) {
      gemm_block(w, b, sink, begin * kVnniMr, std::min(end * kVnniMr, w.m), 0, n);
    });
  }
}
#endif

}  // namespace

bool gemm_vnni_available() { return cpu_features().avx512_vnni; }

bool gemm_vnni_exact(int64_t lo, int64_t hi, int64_t k) {
  // The products' sum and the zero-point term are each at most k * 255 * 128 in magnitude.
  return lo <= hi && lo >= -kMaxWeight && hi < kMaxWeight && k > 0 &&
         2 * k * kMaxActivation * kMaxWeight < (int64_t{1} << 31);
}

bool gemm_vnni_levels_fit(const VnniWeights& w, int64_t n) { return w.k > 0 && w.k <= kKc && n > kNarrowCols; }

bool gemm_vnni_nibbles_fit(int64_t lo, int64_t hi) {
  return lo <= hi && ((lo >= -8 && hi <= 7) || (lo >= 0 && hi <= 15));
}

VnniWeights pack_vnni_weights(const int8_t* w, int64_t m, int64_t k, int64_t row_stride, int64_t k_stride,
                              int32_t b_zero_point, bool nibbles, int64_t tap_major_taps) {
  VnniWeights out;
  out.m = m, out.k = k, out.k_pad = nibbles ? (k + 7) / 8 * 8 : (k + 3) / 4 * 4;
  const int64_t m_pad = (m + kVnniMr - 1) / kVnniMr * kVnniMr;
  out.data.assign(static_cast<size_t>(m_pad * out.k_pad), 0);
  out.row_init.assign(static_cast<size_t>(m_pad), 0);
  // Each row in packed order first (k p = t * channels + c reads source k c * taps + t; p itself with one tap), then
  // its quads into the panel: the strided reads and the scattered writes in separate plain loops.
  const int64_t taps = tap_major_taps, channels = k / taps;
  std::vector<int8_t> row(static_cast<size_t>(out.k_pad), 0);
  for (int64_t i = 0; i < m; ++i) {
    const int8_t* src = w + i * row_stride;
    for (int64_t t = 0, p = 0; t < taps; ++t) {
      for (int64_t c = 0; c < channels; ++c, ++p) row[static_cast<size_t>(p)] = src[(c * taps + t) * k_stride];
    }
    int32_t sum = 0;
    int8_t top = 0;
    for (int64_t p = 0; p < k; ++p) {
      sum += row[static_cast<size_t>(p)];
      top = std::max(top, row[static_cast<size_t>(p)]);
    }
    out.unsigned_nibbles |= nibbles && top > 7;
    out.row_init[static_cast<size_t>(i)] = -b_zero_point * sum;
    for (int64_t pc = 0; pc < out.k_pad; pc += kKc) {
      int8_t* panel = out.data.data() + panel_slice_offset(out, i / kVnniMr * kVnniMr, pc) + i % kVnniMr * 4;
      const int64_t quads = std::min(kKc, out.k_pad - pc) / 4;
      for (int64_t q = 0; q < quads; ++q) std::memcpy(panel + q * 4 * kVnniMr, row.data() + pc + 4 * q, 4);
    }
  }
  if (nibbles) {
    // Quads 2t and 2t + 1 of a panel (64 consecutive bytes) into 32 bytes: low and high nibbles.
    out.nibbles.resize(out.data.size() / 2);
    for (size_t pair = 0; pair < out.nibbles.size() / 32; ++pair) {
      const int8_t* q = out.data.data() + pair * 64;
      for (size_t j = 0; j < 32; ++j) {
        out.nibbles[pair * 32 + j] = static_cast<uint8_t>((q[j] & 0x0f) | (q[32 + j] & 0x0f) << 4);
      }
    }
    out.data = std::vector<int8_t>();
  }
  return out;
}

void VnniMatrixPanels::pack(int64_t p0, int64_t kc, int64_t kq, int64_t j0, int64_t cols, uint8_t* out) const {
#if defined(__x86_64__)
  pack_b_panel_vnni_avx512(trans_ ? b_ + j0 * ldb_ + p0 : b_ + p0 * ldb_ + j0, ldb_, trans_, kc, kq, cols, flip_,
                           out);
#else
  (void)p0, (void)kc, (void)kq, (void)j0, (void)cols, (void)out;
  std::abort();  // gemm_vnni_available() is false off x86-64: callers never get here.
#endif
}

void gemm_vnni(const VnniWeights& w, const VnniPanelSource& b, int64_t n, int32_t* c, int64_t ldc,
               ThreadPool* threads) {
  if (w.m <= 0 || n <= 0) return;
  if (w.k <= 0) {
    for (int64_t i = 0; i < w.m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0);
    return;
  }
#if defined(__x86_64__)
  Sink sink;
  sink.c = c, sink.ldc = ldc;
  gemm_split(w, b, n, sink, threads);
#else
  (void)b, (void)threads;
  std::abort();  // gemm_vnni_available() is false off x86-64: callers never get here.
#endif
}

void gemm_vnni(const VnniWeights& w, const uint8_t* b, int64_t ldb, bool trans_b, int64_t n, int32_t* c, int64_t ldc,
               ThreadPool* threads) {
  gemm_vnni(w, VnniMatrixPanels(b, ldb, trans_b), n, c, ldc, threads);
}

void gemm_vnni_blocks(const VnniWeights& w, const VnniPanelSource& b, int64_t n, ThreadPool* threads,
                      const VnniBlockSums& done) {
  if (w.m <= 0 || n <= 0) return;
  if (w.k <= 0) {
    const std::vector<int32_t> zeros(static_cast<size_t>(w.m * n), 0);
    done(zeros.data(), n, 0, w.m, 0, n);
    return;
  }
#if defined(__x86_64__)
  Sink sink;
  sink.blocks = &done;
  gemm_split(w, b, n, sink, threads);
#else
  (void)b, (void)threads;
  std::abort();  // gemm_vnni_available() is false off x86-64: callers never get here.
#endif
}

void gemm_vnni_levels(const VnniWeights& w, const VnniPanelSource& b, int64_t n, ThreadPool* threads,
                      const VnniLevels& out) {
  if (w.m <= 0 || n <= 0) return;
#if defined(__x86_64__)
  Sink sink;
  sink.levels = &out;
  gemm_split(w, b, n, sink, threads);
#else
  (void)b, (void)threads, (void)out;
  std::abort();  // gemm_vnni_available() is false off x86-64: callers never get here.
#endif
}

}  // namespace qedge::fast
