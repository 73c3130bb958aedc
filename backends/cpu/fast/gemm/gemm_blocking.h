// The BLIS loop nest shared by the float and int16 GEMMs: columns of C in kNc slices, K in kKc slices (B slice packed
// into 16-column panels that stay in cache), rows in kMc slices (A packed into 6-row panels once per call), then the
// 6 x 16 micro-kernel per tile; edge tiles go through a scratch tile. `Traits` supplies the element types, the packing and
// the micro-kernel: k_slots(kc) is the packed length of a kc-long k slice (kc, or kc rounded up to pairs) and
// kernel_k(kc) what the micro-kernel takes as its k.
#pragma once

#include <algorithm>
#include <vector>

#include "gemm/gemm_f32_microkernel.h"
#include "qedge/cpu_fast/gemm_f32.h"

namespace qedge::fast {

// A small A (convolution weights) is packed once per call and shared by every column slice and thread; a large one
// is packed block by block where it is used, while the block is still in cache.
template <typename Traits>
struct PackedA {
  static constexpr int64_t kMc = 72;
  static constexpr int64_t kWholeBytes = 512 * 1024;

  std::vector<typename Traits::In> data;
  int64_t m_blocks = 0;
  bool whole = false;

  // Blocks are packed on `threads` (null: this thread) when there are several, not by the caller alone while the
  // other threads wait (mobilenet_v2's 1x1 convolutions on 14x14 images, whose weights outweigh their inputs).
  PackedA(const GemmShape& s, const typename Traits::In* a, ThreadPool* threads) {
    whole = s.m * s.k * static_cast<int64_t>(sizeof(typename Traits::In)) <= kWholeBytes;
    if (!whole) return;
    m_blocks = (s.m + kMc - 1) / kMc;
    const int64_t k_blocks = (s.k + Traits::kKc - 1) / Traits::kKc;
    data.resize(static_cast<size_t>(k_blocks * m_blocks * kMc * Traits::k_slots(Traits::kKc)));
    auto pack = [&](int64_t begin, int64_t end) {
      for (int64_t item = begin; item < end; ++item) {
        const int64_t pb = item / m_blocks, ib = item % m_blocks;
        const int64_t pc = pb * Traits::kKc, kc = std::min(Traits::kKc, s.k - pc);
        const int64_t ic = ib * kMc, mc = std::min(kMc, s.m - ic);
        Traits::pack_a(a + ic * s.lda + pc, s.lda, mc, kc, data.data() + offset(pb, ib));
      }
    };
    if (threads && threads->num_threads() > 1 && k_blocks * m_blocks > 1) {
      threads->parallel_for(k_blocks * m_blocks, pack);
    } else {
      pack(0, k_blocks * m_blocks);
    }
  }
  const typename Traits::In* block(int64_t pb, int64_t ib) const { return data.data() + offset(pb, ib); }
  int64_t offset(int64_t pb, int64_t ib) const { return (pb * m_blocks + ib) * kMc * Traits::k_slots(Traits::kKc); }
};

template <typename Traits>
void gemm_blocked_columns(const GemmShape& s, const typename Traits::In* a, const PackedA<Traits>& pa,
                          const typename Traits::In* b, typename Traits::Out* c,
                          bool accumulate, int64_t j_begin, int64_t j_end, typename Traits::Kernel kernel) {
  using In = typename Traits::In;
  using Out = typename Traits::Out;
  constexpr int64_t kKc = Traits::kKc, kMc = PackedA<Traits>::kMc, kNc = 2048;
  // The B panel buffer lives as long as its thread: allocating (and page-faulting) 2 MB per call cost more than
  // small GEMMs themselves.
  thread_local std::vector<In> pb, pa_block;
  pb.resize(static_cast<size_t>(Traits::k_slots(kKc) * kNc));
  if (!pa.whole) pa_block.resize(static_cast<size_t>(kMc * Traits::k_slots(kKc)));
  Out tile[kGemmMr * kGemmNr];
  for (int64_t jc = j_begin; jc < j_end; jc += kNc) {
    const int64_t nc = std::min(kNc, j_end - jc);
    for (int64_t pc = 0; pc < s.k; pc += kKc) {
      const int64_t kc = std::min(kKc, s.k - pc), slots = Traits::k_slots(kc);
      const bool acc = accumulate || pc > 0;
      Traits::pack_b(s.trans_b ? b + jc * s.ldb + pc : b + pc * s.ldb + jc, s.ldb, s.trans_b, kc, nc, pb.data());
      for (int64_t ic = 0; ic < s.m; ic += kMc) {
        const int64_t mc = std::min(kMc, s.m - ic);
        const In* a_block = pa.whole ? pa.block(pc / kKc, ic / kMc) : pa_block.data();
        if (!pa.whole) Traits::pack_a(a + ic * s.lda + pc, s.lda, mc, kc, pa_block.data());
        for (int64_t jr = 0; jr < nc; jr += kGemmNr) {
          const In* bp = pb.data() + (jr / kGemmNr) * slots * kGemmNr;
          const int64_t cols = std::min<int64_t>(kGemmNr, nc - jr);
          for (int64_t ir = 0; ir < mc; ir += kGemmMr) {
            const In* ap = a_block + (ir / kGemmMr) * slots * kGemmMr;
            const int64_t rows = std::min<int64_t>(kGemmMr, mc - ir);
            Out* ct = c + (ic + ir) * s.ldc + jc + jr;
            if (rows == kGemmMr && cols == kGemmNr) {
              kernel(Traits::kernel_k(kc), ap, bp, ct, s.ldc, acc);
              continue;
            }
            kernel(Traits::kernel_k(kc), ap, bp, tile, kGemmNr, false);
            for (int64_t r = 0; r < rows; ++r) {
              for (int64_t q = 0; q < cols; ++q) ct[r * s.ldc + q] = (acc ? ct[r * s.ldc + q] : Out(0)) + tile[r * kGemmNr + q];
            }
          }
        }
      }
    }
  }
}

// Rows [panel_begin, panel_end) of 6-row panels as a GEMM of their own: the thread packs just its rows of A and all
// of B.
template <typename Traits>
void gemm_blocked_rows(const GemmShape& s, const typename Traits::In* a, const typename Traits::In* b,
                       typename Traits::Out* c, bool accumulate, int64_t panel_begin, int64_t panel_end,
                       typename Traits::Kernel kernel) {
  GemmShape rows = s;
  const int64_t i0 = panel_begin * kGemmMr;
  rows.m = std::min(panel_end * kGemmMr, s.m) - i0;
  const PackedA<Traits> pa(rows, a + i0 * s.lda, nullptr);
  gemm_blocked_columns<Traits>(rows, a + i0 * s.lda, pa, b, c + i0 * s.ldc, accumulate, 0, s.n, kernel);
}

// Zero-size handling, then the rows or the columns split across threads. A column split leaves packing A to one
// thread (or to every thread, when A is packed block by block), a row split packing B: split the rows when B is the
// smaller operand (more rows than columns: 1x1 and strided convolutions on 14x14 and 7x7 images, whose few column
// panels also balance badly) and there are enough row panels for every thread.
template <typename Traits>
void gemm_blocked(const GemmShape& s, const typename Traits::In* a, const typename Traits::In* b,
                  typename Traits::Out* c, bool accumulate, ThreadPool* threads, typename Traits::Kernel kernel) {
  if (s.m <= 0 || s.n <= 0) return;
  if (s.k <= 0) {
    if (!accumulate) {
      for (int64_t i = 0; i < s.m; ++i) std::fill(c + i * s.ldc, c + i * s.ldc + s.n, typename Traits::Out(0));
    }
    return;
  }
  const int64_t panels = (s.n + kGemmNr - 1) / kGemmNr, row_panels = (s.m + kGemmMr - 1) / kGemmMr;
  const int64_t num_threads = threads ? threads->num_threads() : 1;
  if (num_threads > 1 && s.n < s.m && row_panels >= 2 * num_threads) {
    threads->parallel_for(row_panels, [&](int64_t begin, int64_t end) {
      gemm_blocked_rows<Traits>(s, a, b, c, accumulate, begin, end, kernel);
    });
    return;
  }
  PackedA<Traits> pa(s, a, num_threads > 1 && panels > 1 ? threads : nullptr);
  auto columns = [&](int64_t begin, int64_t end) {
    gemm_blocked_columns<Traits>(s, a, pa, b, c, accumulate, begin * kGemmNr, std::min(end * kGemmNr, s.n), kernel);
  };
  if (num_threads > 1 && panels > 1) {
    threads->parallel_for(panels, columns);
  } else {
    columns(0, panels);
  }
}

}  // namespace qedge::fast
