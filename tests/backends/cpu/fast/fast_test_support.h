// What the fast-kernel tests share: a thread pool on plain threads, the fast registry, random float tensors, and the
// comparison of a fast kernel (1 and 3 threads) against the reference: within the float tolerance, or bit-identical
// for the qedge-domain integer ops.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../../../support/kernel_harness.h"
#include "qedge/cpu_fast/fast_kernels.h"
#include "qedge/quant/packing.h"

namespace qedge::testing {

// Runs chunks on plain threads: enough to exercise the kernels' splitting.
class TestThreads : public ThreadPool {
 public:
  int num_threads() const override { return 3; }
  void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) override {
    std::vector<std::thread> t;
    for (int64_t i = 0; i < 3; ++i) {
      const int64_t b = n * i / 3, e = n * (i + 1) / 3;
      if (b < e) t.emplace_back(fn, b, e);
    }
    for (auto& th : t) th.join();
  }
};

inline const KernelRegistry& fast_registry() {
  static const KernelRegistry r = [] {
    KernelRegistry k;
    fast::register_fast_kernels(k, ref_registry());
    return k;
  }();
  return r;
}

// n floats uniform in [-1, 1).
inline std::vector<float> random_floats(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& e : v) e = u(rng);
  return v;
}

inline TensorData random_tensor(const Dims& shape, std::mt19937& rng) {
  return make_tensor<float>(DType::kFloat32, shape, random_floats(static_cast<size_t>(num_elements(shape)), rng));
}

inline AttrMap attrs(std::vector<Attr> list) {
  AttrMap m;
  for (Attr& a : list) m.set(std::move(a));
  return m;
}

// A context for a qedge-domain (opset 1) kernel; op and a must outlive it. The caller adds inputs and outputs.
inline KernelContext qedge_context(const std::string& op, const AttrMap& a, ThreadPool* threads) {
  KernelContext ctx;
  ctx.op_type = op;
  ctx.domain = "qedge";
  ctx.opset = 1;
  ctx.attrs = &a;
  ctx.threads = threads;
  return ctx;
}

// A weight as the converter stores it: bit-packed below 8 bits (bipolar +-1 levels one bit each), a model constant
// unless told otherwise; `bytes` holds what `view` points at (moving the struct keeps the pointer valid).
struct PackedTestWeight {
  Tensor view;
  std::vector<uint8_t> bytes;
};

inline PackedTestWeight packed_test_weight(int bits, bool is_signed, bool bipolar, const Dims& shape,
                                           const std::vector<int32_t>& levels, bool constant = true) {
  PackedTestWeight w;
  w.view.dtype = is_signed || bipolar ? DType::kInt8 : DType::kUint8;
  w.view.shape = shape;
  w.view.constant = constant;
  if (bipolar) {
    w.bytes.assign((levels.size() + 7) / 8, 0);
    for (size_t i = 0; i < levels.size(); ++i) {
      if (levels[i] > 0) w.bytes[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    }
    w.view.packed_bipolar = true;
  } else if (bits < 8) {
    w.bytes.resize(quant::packed_size(levels.size(), bits));
    EXPECT_TRUE(quant::pack_bits(levels.data(), levels.size(), bits, is_signed, w.bytes.data()));
    w.view.packed_bits = static_cast<uint8_t>(bits);
  } else {
    for (int32_t v : levels) w.bytes.push_back(static_cast<uint8_t>(v));
  }
  w.view.data = w.bytes.data();
  return w;
}

// Prepares the qedge-domain kernel `op` of `registry` on input views (so that a weight can be bit-packed or a model
// constant, which run_kernel cannot mark) and runs it twice, so that what it keeps across runs is used too; both runs
// must agree bit for bit. The output starts as 0xff bytes (NaN floats) each run, so that an element the kernel does
// not write shows. `inspect` (may be empty) sees the context before prepare.
inline Result<TensorData> run_qedge_twice(const KernelRegistry& registry, const std::string& op, const AttrMap& a,
                                          const std::vector<const Tensor*>& inputs, ThreadPool* threads,
                                          const std::function<void(const KernelContext&)>& inspect = {}) {
  std::unique_ptr<OpKernel> kernel = (*registry.find("qedge", op))();
  Tensor out;
  KernelContext ctx = qedge_context(op, a, threads);
  ctx.inputs = inputs;
  ctx.outputs = {&out};
  if (inspect) inspect(ctx);
  QEDGE_RETURN_IF_ERROR(kernel->prepare(ctx));
  TensorData result;
  result.dtype = out.dtype;
  result.shape = out.shape;
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<uint8_t> bytes(out.nbytes(), 0xff);
    out.data = bytes.data();
    QEDGE_RETURN_IF_ERROR(kernel->run(ctx));
    if (pass == 1 && bytes != result.bytes) return InvalidModel(op + " differs on its second run");
    result.bytes = bytes;
  }
  return result;
}

// Runs `op` on the reference kernel and on the fast kernels with 1 and 3 threads; check(got, want) judges each result.
// `domain` "qedge" runs the integer ops (opset 1); `constant_inputs` are given to the fast kernels as model constants.
inline void compare_with_reference(const std::string& op, const AttrMap& a,
                                   const std::vector<std::optional<TensorData>>& in,
                                   const std::function<void(const TensorData& got, const TensorData& want)>& check,
                                   const std::string& domain = "", const std::vector<size_t>& constant_inputs = {}) {
  const int opset = domain.empty() ? 22 : 1;
  auto want = run_ref_kernel(op, a, in, 1, opset, domain);
  ASSERT_TRUE(want.ok()) << want.status().message();
  TestThreads threads;
  for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
    KernelRun run;
    run.domain = domain;
    run.opset = opset;
    run.threads = pool;
    run.constant_inputs = constant_inputs;
    auto got = run_kernel(fast_registry(), op, a, in, run);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ((*got)[0].shape, (*want)[0].shape);
    check((*got)[0], (*want)[0]);
  }
}

// Fast (1 and 3 threads) against reference: same shape, |fast - ref| <= 1e-5 * (|ref| + sum of |terms| scale).
inline void expect_matches_reference(const std::string& op, const AttrMap& a,
                                     const std::vector<std::optional<TensorData>>& in, double tol_scale) {
  compare_with_reference(op, a, in, [&](const TensorData& got, const TensorData& want) {
    const auto g = values_of<float>(got), w = values_of<float>(want);
    for (size_t i = 0; i < g.size(); ++i) {
      ASSERT_LE(std::fabs(g[i] - w[i]), 1e-5 * (std::fabs(w[i]) + tol_scale)) << op << " element " << i;
    }
  });
}

// The fast qedge-domain `op` (1 and 3 threads) against the reference: bit-identical outputs.
inline void expect_identical_to_reference(const std::string& op, const AttrMap& a,
                                          const std::vector<std::optional<TensorData>>& in) {
  compare_with_reference(
      op, a, in,
      [&](const TensorData& got, const TensorData& want) {
        EXPECT_EQ(got.dtype, want.dtype);
        EXPECT_EQ(got.bytes, want.bytes) << op;
      },
      "qedge");
}

}  // namespace qedge::testing
