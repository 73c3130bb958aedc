// The BLIS loop nest shared by the float and int16 GEMMs: columns of C in kNc slices, K in kKc slices (B slice packed
// into 16-column panels that stay in cache), rows in kMc slices (A packed into 6-row panels), then the 6 x 16
// micro-kernel per tile; edge tiles go through a scratch tile. `Traits` supplies the element types, the packing and
// the micro-kernel: k_slots(kc) is the packed length of a kc-long k slice (kc, or kc rounded up to pairs) and
// kernel_k(kc) what the micro-kernel takes as its k.
#pragma once

#include <algorithm>
#include <optional>
#include <vector>

#include "gemm/gemm_f32_microkernel.h"
#include "qedge/cpu_fast/gemm_f32.h"

namespace qedge::fast {

// A packed whole: the k slices one after another, each holding every 6-row panel of its slice back to back, so that
// the panel of rows [row, row + 6) in the slice starting at pc sits at
//   pc / kKc * k_slots(kKc) * padded_rows + row * k_slots(kc).
// Only the last slice is shorter, so nothing is padded but the last panel's rows.
template <typename Traits>
struct APanels {
  const typename Traits::In* data = nullptr;
  int64_t padded_rows = 0;  // rows rounded up to whole panels
  int64_t row0 = 0;         // where the GEMM at hand starts (a row split's share of a prepacked A)

  static int64_t offset(int64_t padded_rows, int64_t pc, int64_t kc, int64_t row) {
    return pc / Traits::kKc * Traits::k_slots(Traits::kKc) * padded_rows + row * Traits::k_slots(kc);
  }
  const typename Traits::In* panel(int64_t pc, int64_t kc, int64_t row) const {
    return data + offset(padded_rows, pc, kc, row0 + row);
  }
};

inline int64_t padded_panel_rows(int64_t m) { return (m + kGemmMr - 1) / kGemmMr * kGemmMr; }

// Elements of an m x k A packed whole.
template <typename Traits>
int64_t packed_a_size(int64_t m, int64_t k) {
  return padded_panel_rows(m) * (k / Traits::kKc * Traits::k_slots(Traits::kKc) + Traits::k_slots(k % Traits::kKc));
}

// Packs A [s.m, s.k] (row stride s.lda) whole into `out` (packed_a_size elements), block by block on `threads` (null:
// this thread) when there are several: not by the caller alone while the other threads wait (mobilenet_v2's 1x1
// convolutions on 14x14 images, whose weights outweigh their inputs).
template <typename Traits>
APanels<Traits> pack_a_whole(const GemmShape& s, const typename Traits::In* a, typename Traits::In* out,
                             ThreadPool* threads) {
  constexpr int64_t kMc = 72;
  const int64_t padded_rows = padded_panel_rows(s.m);
  const int64_t m_blocks = (s.m + kMc - 1) / kMc, k_blocks = (s.k + Traits::kKc - 1) / Traits::kKc;
  auto pack = [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; ++item) {
      const int64_t pc = item / m_blocks * Traits::kKc, kc = std::min(Traits::kKc, s.k - pc);
      const int64_t ic = item % m_blocks * kMc, mc = std::min(kMc, s.m - ic);
      Traits::pack_a(a + ic * s.lda + pc, s.lda, mc, kc, out + APanels<Traits>::offset(padded_rows, pc, kc, ic));
    }
  };
  if (threads && threads->num_threads() > 1 && k_blocks * m_blocks > 1) {
    threads->parallel_for(k_blocks * m_blocks, pack);
  } else {
    pack(0, k_blocks * m_blocks);
  }
  return APanels<Traits>{out, padded_rows, 0};
}

// A packed for one call. A small A (convolution weights) is packed whole and shared by every column slice and thread;
// a large one (`whole` false) is packed block by block where it is used, while the block is still in cache. The
// buffer belongs to the calling thread and only grows, so that steady-state runs do not allocate (one GEMM per thread
// at a time: gemm_blocked is not re-entered from its own parallel loops).
template <typename Traits>
struct PackedA {
  static constexpr int64_t kWholeBytes = 512 * 1024;

  APanels<Traits> panels;
  bool whole = false;

  PackedA(const GemmShape& s, const typename Traits::In* a, ThreadPool* threads) {
    whole = s.m * s.k * static_cast<int64_t>(sizeof(typename Traits::In)) <= kWholeBytes;
    if (!whole) return;
    thread_local std::vector<typename Traits::In> buffer;
    const size_t size = static_cast<size_t>(packed_a_size<Traits>(s.m, s.k));
    if (buffer.size() < size) buffer.resize(size);
    panels = pack_a_whole<Traits>(s, a, buffer.data(), threads);
  }
  const APanels<Traits>* whole_panels() const { return whole ? &panels : nullptr; }
};

// Columns [j_begin, j_end) of C. `whole` is A packed whole, or null to pack A block by block from `a`.
template <typename Traits>
void gemm_blocked_columns(const GemmShape& s, const typename Traits::In* a, const APanels<Traits>* whole,
                          const typename Traits::In* b, typename Traits::Out* c, bool accumulate, int64_t j_begin,
                          int64_t j_end, typename Traits::Kernel kernel) {
  using In = typename Traits::In;
  using Out = typename Traits::Out;
  constexpr int64_t kKc = Traits::kKc, kMc = 72, kNc = 2048;
  // The B panel buffer lives as long as its thread: allocating (and page-faulting) 2 MB per call cost more than
  // small GEMMs themselves.
  thread_local std::vector<In> pb, pa_block;
  pb.resize(static_cast<size_t>(Traits::k_slots(kKc) * kNc));
  if (!whole) pa_block.resize(static_cast<size_t>(kMc * Traits::k_slots(kKc)));
  Out tile[kGemmMr * kGemmNr];
  for (int64_t jc = j_begin; jc < j_end; jc += kNc) {
    const int64_t nc = std::min(kNc, j_end - jc);
    for (int64_t pc = 0; pc < s.k; pc += kKc) {
      const int64_t kc = std::min(kKc, s.k - pc), slots = Traits::k_slots(kc);
      const bool acc = accumulate || pc > 0;
      Traits::pack_b(s.trans_b ? b + jc * s.ldb + pc : b + pc * s.ldb + jc, s.ldb, s.trans_b, kc, nc, pb.data());
      for (int64_t ic = 0; ic < s.m; ic += kMc) {
        const int64_t mc = std::min(kMc, s.m - ic);
        if (!whole) Traits::pack_a(a + ic * s.lda + pc, s.lda, mc, kc, pa_block.data());
        for (int64_t jr = 0; jr < nc; jr += kGemmNr) {
          const In* bp = pb.data() + (jr / kGemmNr) * slots * kGemmNr;
          const int64_t cols = std::min<int64_t>(kGemmNr, nc - jr);
          for (int64_t ir = 0; ir < mc; ir += kGemmMr) {
            const In* ap = whole ? whole->panel(pc, kc, ic + ir) : pa_block.data() + ir * slots;
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

// Rows [panel_begin, panel_end) of 6-row panels as a GEMM of their own, over all of B: the thread packs just its rows
// of A, or reads them from the prepacked A.
template <typename Traits>
void gemm_blocked_rows(const GemmShape& s, const typename Traits::In* a, const APanels<Traits>* prepacked,
                       const typename Traits::In* b, typename Traits::Out* c, bool accumulate, int64_t panel_begin,
                       int64_t panel_end, typename Traits::Kernel kernel) {
  GemmShape rows = s;
  const int64_t i0 = panel_begin * kGemmMr;
  rows.m = std::min(panel_end * kGemmMr, s.m) - i0;
  if (prepacked) {
    APanels<Traits> mine = *prepacked;
    mine.row0 += i0;
    gemm_blocked_columns<Traits>(rows, nullptr, &mine, b, c + i0 * s.ldc, accumulate, 0, s.n, kernel);
    return;
  }
  const PackedA<Traits> pa(rows, a + i0 * s.lda, nullptr);
  gemm_blocked_columns<Traits>(rows, a + i0 * s.lda, pa.whole_panels(), b, c + i0 * s.ldc, accumulate, 0, s.n, kernel);
}

// Zero-size handling, then the rows or the columns split across threads (none for a product too small to pay for
// waking them: gemm_parts). A column split leaves packing A to one thread (or to every thread, when A is packed block
// by block), a row split packing B: split the rows when B is the smaller operand (more rows than columns: 1x1 and
// strided convolutions on 14x14 and 7x7 images, whose few column panels also balance badly) and there are enough row
// panels for every thread. `prepacked` (may be null) is A packed whole ahead of time; then `a` is not read.
template <typename Traits>
void gemm_blocked(const GemmShape& s, const typename Traits::In* a, const APanels<Traits>* prepacked,
                  const typename Traits::In* b, typename Traits::Out* c, bool accumulate, ThreadPool* threads,
                  typename Traits::Kernel kernel) {
  if (s.m <= 0 || s.n <= 0) return;
  if (s.k <= 0) {
    if (!accumulate) {
      for (int64_t i = 0; i < s.m; ++i) std::fill(c + i * s.ldc, c + i * s.ldc + s.n, typename Traits::Out(0));
    }
    return;
  }
  if (gemm_parts(s.m * s.n * s.k, threads) < 2) threads = nullptr;
  const int64_t panels = (s.n + kGemmNr - 1) / kGemmNr, row_panels = (s.m + kGemmMr - 1) / kGemmMr;
  const int64_t num_threads = threads ? threads->num_threads() : 1;
  if (num_threads > 1 && s.n < s.m && row_panels >= 2 * num_threads) {
    threads->parallel_for(row_panels, [&](int64_t begin, int64_t end) {
      gemm_blocked_rows<Traits>(s, a, prepacked, b, c, accumulate, begin, end, kernel);
    });
    return;
  }
  const APanels<Traits>* whole = prepacked;
  std::optional<PackedA<Traits>> pa;
  if (!whole) whole = pa.emplace(s, a, num_threads > 1 && panels > 1 ? threads : nullptr).whole_panels();
  auto columns = [&](int64_t begin, int64_t end) {
    gemm_blocked_columns<Traits>(s, a, whole, b, c, accumulate, begin * kGemmNr, std::min(end * kGemmNr, s.n), kernel);
  };
  if (num_threads > 1 && panels > 1) {
    threads->parallel_for(panels, columns);
  } else {
    columns(0, panels);
  }
}

}  // namespace qedge::fast
