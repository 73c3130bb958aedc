// Implicit im2col for the VNNI GEMM: the panel runs (im2col_runs.h) against im2col itself on random geometries (1-3
// spatial dims, odd sizes, padding, strides 1-3, dilation, panels crossing output rows, k slices starting inside a
// channel), the VNNI GEMM on panels packed straight from the input (k channel-major and tap-major; C written out or
// handed over block by block) against integer sums over im2col (with the input between unreadable pages, so that a
// masked load touching a byte outside it would fault), and random QConv layers (small k as in mobilenet_v2's stem
// and 1x1 layers, channels in fours, groups, 1 and 3 threads) bit-identical to the reference.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "../../../support/kernel_harness.h"
#include "fast_test_support.h"
#include "gemm_vnni/im2col_panels_vnni.h"
#include "im2col.h"
#include "im2col_runs.h"
#include "qedge/cpu_fast/gemm_vnni.h"

namespace qedge::testing {
namespace {

constexpr int64_t kPanel = 32;

int64_t pick(std::mt19937& rng, int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng() % (hi - lo + 1)); }

// A random convolution geometry with `nd` spatial dims (the leading ones 1, as nn_conv_prepare leaves them).
ref::NnGeometry random_geometry(std::mt19937& rng, int nd) {
  ref::NnGeometry g;
  g.nd = nd;
  for (int i = ref::kNnMaxSpatial - nd; i < ref::kNnMaxSpatial; ++i) {
    g.kernel[i] = pick(rng, 1, nd == 3 ? 3 : 7);
    g.stride[i] = pick(rng, 1, 3);
    g.dilation[i] = pick(rng, 1, 2);
    g.pad_begin[i] = pick(rng, 0, g.extent(i) - 1);
    g.pad_end[i] = pick(rng, 0, g.extent(i) - 1);
    g.in[i] = pick(rng, std::max<int64_t>(1, g.extent(i) - g.pad_begin[i] - g.pad_end[i]), nd == 3 ? 9 : 40);
    g.out[i] = (g.in[i] + g.pad_begin[i] + g.pad_end[i] - g.extent(i)) / g.stride[i] + 1;
  }
  return g;
}

std::string describe(const ref::NnGeometry& g) {
  std::string s;
  for (int i = 0; i < ref::kNnMaxSpatial; ++i) {
    s += "[in " + std::to_string(g.in[i]) + " k " + std::to_string(g.kernel[i]) + " s " + std::to_string(g.stride[i]) +
         " d " + std::to_string(g.dilation[i]) + " p " + std::to_string(g.pad_begin[i]) + "/" +
         std::to_string(g.pad_end[i]) + "]";
  }
  return s;
}

// Rows [p0, p0 + kc) of im2col's panel at j0 as Im2colPanelRuns describes them, against im2col.
void expect_runs_match(const ref::NnGeometry& g, const std::vector<uint8_t>& x, const std::vector<uint8_t>& col,
                       int64_t j0, int64_t p0, int64_t kc, uint8_t pad) {
  const int64_t taps = g.kernel_size(), n = g.out_size(), cols = std::min(kPanel, n - j0);
  fast::Im2colPanelRuns runs;
  runs.plan(g, j0, cols, p0 % taps, std::min(taps, kc));
  for (int64_t r = p0; r < p0 + kc; ++r) {
    const int64_t planned = (r - p0) % taps;
    const uint8_t* plane = x.data() + r / taps * g.in_size();
    const fast::Im2colRun* tap_runs = runs.runs() + planned * runs.per_tap();
    for (int64_t j = 0; j < cols; ++j) {
      uint8_t got = pad;
      int covering = 0;
      for (const fast::Im2colRun* run = tap_runs; run != tap_runs + runs.per_tap(); ++run) {
        if (j < run->first || j >= run->first + run->count) continue;
        ++covering;
        got = plane[run->start + j * g.stride[2]];
        if (g.stride[2] <= 2) {
          EXPECT_TRUE(run->reads >> (j * g.stride[2]) & 1) << "reads bit of column " << j;
        }
      }
      ASSERT_LE(covering, 1) << describe(g);
      EXPECT_EQ(covering == 1, (runs.inside()[planned] >> j & 1) == 1) << describe(g) << " column " << j;
      ASSERT_EQ(got, col[r * n + j0 + j]) << describe(g) << " row " << r << " column " << j0 + j;
    }
    for (const fast::Im2colRun* run = tap_runs; run != tap_runs + runs.per_tap(); ++run) {
      // Nothing beyond the run's own elements in its footprint.
      if (g.stride[2] <= 2) {
        EXPECT_EQ(__builtin_popcountll(run->reads), run->count) << describe(g);
      }
    }
  }
}

TEST(Im2colPanelRuns, DescribeIm2col) {
  std::mt19937 rng(21);
  for (int trial = 0; trial < 300; ++trial) {
    const ref::NnGeometry g = random_geometry(rng, 1 + trial % 3);
    const int64_t channels = pick(rng, 1, 5), taps = g.kernel_size(), k = channels * taps;
    std::vector<uint8_t> x(static_cast<size_t>(channels * g.in_size()));
    for (auto& e : x) e = static_cast<uint8_t>(rng());
    const auto pad = static_cast<uint8_t>(rng());
    std::vector<uint8_t> col(static_cast<size_t>(k * g.out_size()));
    fast::im2col(g, x.data(), channels, col.data(), pad);
    for (int64_t j0 = 0; j0 < g.out_size(); j0 += kPanel) {
      // Whole k, and a slice from inside a channel that is shorter than the kernel's taps when it can be.
      expect_runs_match(g, x, col, j0, 0, k, pad);
      const int64_t p0 = pick(rng, 0, k - 1);
      expect_runs_match(g, x, col, j0, p0, pick(rng, 1, k - p0), pad);
    }
  }
}

// Bytes with an unreadable page on each side: the VNNI packer's masked loads may start before the input and end
// after it, and must not touch a byte outside it.
class GuardedBytes {
 public:
  explicit GuardedBytes(size_t n) : page_(static_cast<size_t>(sysconf(_SC_PAGESIZE))) {
    span_ = (n + page_ - 1) / page_ * page_ + 2 * page_;
    base_ = static_cast<uint8_t*>(mmap(nullptr, span_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (base_ == MAP_FAILED) {
      base_ = nullptr;
      return;
    }
    mprotect(base_ + page_, span_ - 2 * page_, PROT_READ | PROT_WRITE);
    // Both ends: the first byte right after the leading guard page in `front`, else the last before the trailing one.
    data_front_ = base_ + page_;
    data_back_ = base_ + span_ - page_ - n;
  }
  ~GuardedBytes() {
    if (base_) munmap(base_, span_);
  }
  GuardedBytes(const GuardedBytes&) = delete;
  GuardedBytes& operator=(const GuardedBytes&) = delete;
  bool ok() const { return base_ != nullptr; }
  uint8_t* at(bool front) const { return front ? data_front_ : data_back_; }

 private:
  size_t page_, span_ = 0;
  uint8_t* base_ = nullptr;
  uint8_t *data_front_ = nullptr, *data_back_ = nullptr;
};

// C = W' (im2col(x) - zero point) as int64 sums.
std::vector<int32_t> conv_sums(const std::vector<int8_t>& w, const std::vector<uint8_t>& col, int64_t m, int64_t k,
                               int64_t n, int32_t zp) {
  std::vector<int32_t> c(static_cast<size_t>(m * n));
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      int64_t s = 0;
      for (int64_t p = 0; p < k; ++p) s += static_cast<int64_t>(w[i * k + p]) * (col[p * n + j] - zp);
      c[i * n + j] = static_cast<int32_t>(s);
    }
  }
  return c;
}

TEST(VnniIm2colPanels, GemmMatchesIntegerSums) {
  if (!fast::gemm_vnni_available()) GTEST_SKIP() << "this CPU has no AVX-512 VNNI: the VNNI GEMM is never chosen here";
  std::mt19937 rng(22);
  TestThreads threads;
  for (int trial = 0; trial < 40; ++trial) {
    const ref::NnGeometry g = random_geometry(rng, 1 + trial % 3);
    // Up to past one k slice of the GEMM (1024), so that a slice starts inside a channel (or a tap); every other
    // trial with channels in fours, which packs k tap-major when the kernel has several taps.
    int64_t channels = trial % 5 == 0 ? pick(rng, 1100 / g.kernel_size() + 1, 1300 / g.kernel_size() + 2)
                                      : pick(rng, 1, 30);
    if (trial % 2 == 0) channels = (channels + 3) / 4 * 4;
    const bool tap_major = fast::VnniIm2colPanels::tap_major(g, channels);
    const int64_t k = channels * g.kernel_size(), m = pick(rng, 1, 20), n = g.out_size();
    const size_t in_bytes = static_cast<size_t>(channels * g.in_size());
    GuardedBytes guarded(in_bytes);
    ASSERT_TRUE(guarded.ok());
    std::vector<uint8_t> x(in_bytes);
    for (auto& e : x) e = static_cast<uint8_t>(rng());
    const auto zp = static_cast<int32_t>(rng() % 256);
    std::vector<uint8_t> col(static_cast<size_t>(k * n));
    fast::im2col(g, x.data(), channels, col.data(), static_cast<uint8_t>(zp));
    std::vector<int8_t> w(static_cast<size_t>(m * k));
    for (auto& e : w) e = static_cast<int8_t>(static_cast<int32_t>(rng() % 256) - 128);
    // Weights in the panels' k order: W'[i, tap * channels + c] = w[i, c * taps + tap] when tap-major.
    std::vector<int8_t> ordered = w;
    const int64_t taps = g.kernel_size();
    for (int64_t i = 0; i < m && tap_major; ++i) {
      for (int64_t c = 0; c < channels; ++c) {
        for (int64_t t = 0; t < taps; ++t) ordered[i * k + t * channels + c] = w[i * k + c * taps + t];
      }
    }
    const fast::VnniWeights pw = fast::pack_vnni_weights(ordered.data(), m, k, k, 1, zp);
    const std::vector<int32_t> want = conv_sums(w, col, m, k, n, zp);
    for (bool front : {true, false}) {
      // The copy at the back holds the levels as int8 (XORed with 0x80), which the packer moves back to the u8 scale.
      const uint8_t flip = front ? 0 : 0x80;
      uint8_t* input = guarded.at(front);
      for (size_t i = 0; i < in_bytes; ++i) input[i] = static_cast<uint8_t>(x[i] ^ flip);
      const fast::VnniIm2colPanels panels(g, input, channels, static_cast<uint8_t>(zp), flip);
      for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
        std::vector<int32_t> got(want.size(), -1);
        fast::gemm_vnni(pw, panels, n, got.data(), n, pool);
        ASSERT_EQ(got, want) << describe(g) << " channels " << channels << " tap-major " << tap_major << " m " << m
                             << " threads " << (pool != nullptr);
        // Block by block: every element handed over once, with the same sums.
        std::vector<int32_t> blocks(want.size(), -1);
        std::vector<int> seen(want.size(), 0);
        std::mutex mu;
        fast::gemm_vnni_blocks(pw, panels, n, pool,
                               [&](const int32_t* sums, int64_t ld, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
                                 const std::lock_guard<std::mutex> lock(mu);
                                 for (int64_t i = i0; i < i1; ++i) {
                                   for (int64_t j = j0; j < j1; ++j) {
                                     blocks[i * n + j] = sums[(i - i0) * ld + j - j0];
                                     ++seen[i * n + j];
                                   }
                                 }
                               });
        ASSERT_EQ(blocks, want) << describe(g) << " blocks, threads " << (pool != nullptr);
        ASSERT_EQ(seen, std::vector<int>(want.size(), 1));
      }
    }
  }
}

std::vector<Attr> requant_attrs(int64_t maps, std::mt19937& rng) {
  std::vector<float> mult(static_cast<size_t>(maps)), add(static_cast<size_t>(maps));
  for (auto& e : mult) e = 0.0002f * static_cast<float>(rng() % 9 + 1);
  for (auto& e : add) e = 0.1f * static_cast<float>(static_cast<int>(rng() % 7) - 3);
  return {floats_attr("mult", mult), floats_attr("add", add), floats_attr("out_scale", {0.05f}),
          floats_attr("out_zero_point", {static_cast<float>(rng() % 50)}), int_attr("out_bits", 8),
          int_attr("out_signed", 0), int_attr("out_to", static_cast<int64_t>(DType::kUint8))};
}

TensorData levels(bool is_signed, const Dims& shape, std::mt19937& rng) {
  std::vector<uint8_t> v(static_cast<size_t>(num_elements(shape)));
  for (auto& e : v) e = static_cast<uint8_t>(rng());
  return make_tensor<uint8_t>(is_signed ? DType::kInt8 : DType::kUint8, shape, v);
}

// Random 2-D QConv layers (u8 or s8 activations, s8 weights with zero point 0) whose k is small like mobilenet_v2's
// stem (3 channels, 3x3) and 1x1 layers (16, 24 channels), or larger; odd sizes, padding, strides, dilation, groups.
TEST(VnniIm2colPanels, RandomQConvBitIdenticalToReference) {
  std::mt19937 rng(23);
  for (int trial = 0; trial < 40; ++trial) {
    const int64_t group = trial % 4 == 3 ? pick(rng, 2, 3) : 1;
    const int64_t cg = trial % 3 == 0 ? std::vector<int64_t>{3, 16, 24}[rng() % 3]
                       : trial % 3 == 1 ? 4 * pick(rng, 1, 12) : pick(rng, 1, 40);
    const int64_t kh = pick(rng, 1, 3) * 2 - 1, kw = trial % 5 == 0 ? kh : pick(rng, 1, 5);
    const int64_t maps = group * pick(rng, 1, 20), h = pick(rng, kh, 30), w = pick(rng, kw, 45);
    const int64_t sh = pick(rng, 1, 2), sw = pick(rng, 1, 3), dh = pick(rng, 1, 2), dw = pick(rng, 1, 2);
    std::vector<Attr> list = requant_attrs(maps, rng);
    list.push_back(int_attr("group", group));
    list.push_back(ints_attr("strides", {sh, sw}));
    list.push_back(ints_attr("dilations", {dh, dw}));
    list.push_back(ints_attr("pads", {pick(rng, 0, kh / 2), pick(rng, 0, kw / 2), pick(rng, 0, kh / 2),
                                      pick(rng, 0, kw / 2)}));
    const bool signed_x = rng() % 2 == 0;
    list.push_back(int_attr("x_zero_point", signed_x ? pick(rng, -20, 20) : pick(rng, 0, 255)));
    list.push_back(floats_attr("w_zero_point", {0.0f}));
    const Dims xs{pick(rng, 1, 2), group * cg, h + (kh - 1) * (dh - 1), w + (kw - 1) * (dw - 1)};
    SCOPED_TRACE("trial " + std::to_string(trial));
    expect_identical_to_reference("QConv", attrs(list), {levels(signed_x, xs, rng), levels(true, {maps, cg, kh, kw}, rng)});
  }
}

}  // namespace
}  // namespace qedge::testing
