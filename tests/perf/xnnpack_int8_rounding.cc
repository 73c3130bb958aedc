// Which XNNPACK int8 operators reproduce qedge's integer reference (docs/perf/cpu.md, "XNNPACK and int8"): counts the
// outputs of XNNPACK's qs8 fully connected, f32 -> qs8 and qs8 -> f32 converts that differ from the reference rules
// on random data. Not a test (the counts depend on the data); run: build/bin/qedge_xnnpack_int8_rounding
#include <xnnpack.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

namespace {

int8_t saturate(double level) { return static_cast<int8_t>(std::fmin(127.0, std::fmax(-128.0, level))); }

// qs8 fully connected (fp32 requantization) against acc * (x_s * w_s) in double, / y_s, round half to even, + zp
// (backends/cpu/ref/common/int_linear.h with the ONNX rule; the bias is an integer here so both can take it).
void fully_connected(std::mt19937& rng) {
  const int k = 64, n = 64, m = 64;
  long total = 0, differ = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::uniform_real_distribution<float> scale(0.001f, 0.05f);
    const float xs = scale(rng), ws = scale(rng) / 4, ys = scale(rng) * 4;
    const int xzp = static_cast<int>(rng() % 21) - 10, yzp = static_cast<int>(rng() % 21) - 10;
    std::vector<int8_t> x(m * k), w(n * k), y(m * n);
    std::vector<int32_t> b(n);
    for (auto& e : x) e = static_cast<int8_t>(rng() % 256 - 128);
    for (auto& e : w) e = static_cast<int8_t>(rng() % 256 - 128);
    for (auto& e : b) e = static_cast<int32_t>(rng() % 2001) - 1000;
    xnn_operator_t op = nullptr;
    xnn_create_fully_connected_nc_qs8(k, n, k, n, static_cast<int8_t>(xzp), xs, ws, w.data(), b.data(),
                                      static_cast<int8_t>(yzp), ys, -128, 127, 0, &op);
    xnn_setup_fully_connected_nc_qs8(op, m, x.data(), y.data(), nullptr);
    xnn_run_operator(op, nullptr);
    xnn_delete_operator(op);
    for (int r = 0; r < m; ++r) {
      for (int c = 0; c < n; ++c) {
        int64_t acc = b[c];
        for (int i = 0; i < k; ++i) acc += static_cast<int64_t>(x[r * k + i] - xzp) * w[c * k + i];
        const double v = static_cast<double>(acc) * (static_cast<double>(xs) * static_cast<double>(ws));
        ++total;
        differ += saturate(std::nearbyint(v / ys) + yzp) != y[r * n + c];
      }
    }
  }
  std::printf("fully_connected_nc_qs8: %ld of %ld outputs differ from the reference epilogue\n", differ, total);
}

// f32 -> qs8 (quantize, values near ties included) and qs8 -> f32 (dequantize) against the reference rules.
void converts(std::mt19937& rng) {
  long total = 0, quantize_differ = 0, dequantize_differ = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const float s = std::uniform_real_distribution<float>(1e-4f, 10.0f)(rng);
    const int zp = static_cast<int>(rng() % 256) - 128;
    std::vector<int8_t> q(1000), back(1000);
    std::vector<float> f(1000), y(1000);
    for (auto& e : q) e = static_cast<int8_t>(rng() % 256 - 128);
    std::uniform_real_distribution<float> value(-300.0f * s, 300.0f * s);
    for (auto& e : f) e = value(rng);
    for (int i = 0; i < 50; ++i) f[i] = (std::nearbyint(f[i] / s) + 0.5f) * s;
    xnn_operator_t op = nullptr;
    xnn_create_convert_nc_qs8_f32(1, 1, 1, s, static_cast<int8_t>(zp), 0, &op);
    xnn_setup_convert_nc_qs8_f32(op, q.size(), q.data(), y.data(), nullptr);
    xnn_run_operator(op, nullptr);
    xnn_delete_operator(op);
    xnn_create_convert_nc_f32_qs8(1, 1, 1, s, static_cast<int8_t>(zp), -128, 127, 0, &op);
    xnn_setup_convert_nc_f32_qs8(op, f.size(), f.data(), back.data(), nullptr);
    xnn_run_operator(op, nullptr);
    xnn_delete_operator(op);
    for (size_t i = 0; i < q.size(); ++i) {
      const float want = (static_cast<float>(q[i]) - static_cast<float>(zp)) * s;  // qedge Dequantize
      ++total;
      dequantize_differ += std::memcmp(&want, &y[i], sizeof want) != 0;
      quantize_differ += saturate(std::nearbyint(f[i] / s) + zp) != back[i];  // ONNX QuantizeLinear
    }
  }
  std::printf("convert_nc_qs8_f32 (dequantize): %ld of %ld values differ bitwise\n", dequantize_differ, total);
  std::printf("convert_nc_f32_qs8 (quantize): %ld of %ld levels differ\n", quantize_differ, total);
}

}  // namespace

int main() {
  if (xnn_initialize(nullptr) != xnn_status_success) {
    std::fprintf(stderr, "XNNPACK does not run on this CPU\n");
    return 1;
  }
  std::mt19937 rng(1);
  fully_connected(rng);
  converts(rng);
  return 0;
}
