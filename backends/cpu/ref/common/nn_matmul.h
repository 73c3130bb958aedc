// Matrix products shared by MatMul, MatMulInteger and Gemm: a row-block kernel and numpy-style
// batched MatMul (1-D operands, broadcast batch dims).
#pragma once

#include <string>
#include <vector>

#include "broadcast.h"
#include "int_math.h"
#include "kernel_util.h"

namespace qedge::ref {

// A strided matrix view: element (r, c) is data[r * row_stride + c * col_stride].
template <typename A>
struct NnMatrix {
  const A* data;
  int64_t row_stride;
  int64_t col_stride;
  A at(int64_t r, int64_t c) const { return data[r * row_stride + c * col_stride]; }
};

// y[i, j] += sum_k a(i, k) * b(k, j) for rows i in [row_begin, row_end) of a row-major y [*, n].
// When b's rows are contiguous the innermost loop runs along them; otherwise it is a dot product.
template <typename A>
void nn_gemm_rows(int64_t row_begin, int64_t row_end, int64_t n, int64_t k, NnMatrix<A> a, NnMatrix<A> b, A* y) {
  for (int64_t i = row_begin; i < row_end; ++i) {
    A* yr = y + i * n;
    if (b.col_stride == 1) {
      for (int64_t kk = 0; kk < k; ++kk) {
        const A av = a.at(i, kk);
        const A* br = b.data + kk * b.row_stride;
        for (int64_t j = 0; j < n; ++j) yr[j] = wrap_add(yr[j], wrap_mul(av, br[j]));
      }
    } else {
      for (int64_t j = 0; j < n; ++j) {
        A acc = A(0);
        for (int64_t kk = 0; kk < k; ++kk) acc = wrap_add(acc, wrap_mul(a.at(i, kk), b.at(kk, j)));
        yr[j] = wrap_add(yr[j], acc);
      }
    }
  }
}

// Shapes of a numpy matmul: a [..., M, K] (or [K]), b [..., K, N] (or [K]).
struct NnMatMulShape {
  int64_t m = 1, k = 1, n = 1;
  Dims batch;            // broadcast batch dims
  Dims a_batch, b_batch;  // each operand's batch dims
  Dims out;
};

inline Status nn_matmul_shape(const std::string& op, const Dims& a, const Dims& b, NnMatMulShape* s) {
  if (a.empty() || b.empty()) {
    return InvalidArgument(op + " operands must have rank >= 1, got " + dims_to_string(a) + " and " +
                           dims_to_string(b));
  }
  // A 1-D operand is a row (a) or column (b) vector whose unit dim is dropped from the output.
  const Dims a2 = a.size() == 1 ? Dims{1, a[0]} : a;
  const Dims b2 = b.size() == 1 ? Dims{b[0], 1} : b;
  s->m = a2[a2.size() - 2];
  s->k = a2.back();
  s->n = b2.back();
  if (b2[b2.size() - 2] != s->k) {
    return ShapeMismatch(op + " inner dims differ: " + dims_to_string(a) + " x " + dims_to_string(b));
  }
  s->a_batch.assign(a2.begin(), a2.end() - 2);
  s->b_batch.assign(b2.begin(), b2.end() - 2);
  Result<Dims> batch = broadcast_shapes(s->a_batch, s->b_batch);
  if (!batch.ok()) return ShapeMismatch(op + " batch dims do not broadcast: " + batch.status().message());
  s->batch = batch.value();
  s->out = s->batch;
  if (a.size() > 1) s->out.push_back(s->m);
  if (b.size() > 1) s->out.push_back(s->n);
  return Status::Ok();
}

// y = a @ b over broadcast batches; y is row-major [batch..., M, N] and is overwritten.
// Parallel over (batch, row).
template <typename A>
void nn_matmul(const KernelContext& ctx, const NnMatMulShape& s, const A* a, const A* b, A* y) {
  const int64_t batches = num_elements(s.batch);
  std::vector<int64_t> a_off(batches), b_off(batches);
  const Dims one{1};
  for_each_broadcast<2>(s.batch.empty() ? one : s.batch, {s.a_batch.empty() ? &one : &s.a_batch,
                                                          s.b_batch.empty() ? &one : &s.b_batch},
                        [&](int64_t i, const std::array<int64_t, 2>& off) {
                          a_off[i] = off[0];
                          b_off[i] = off[1];
                        });
  const int64_t m = s.m, n = s.n, k = s.k;
  std::fill(y, y + batches * m * n, A(0));
  ctx.parallel_for(batches * m, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t bi = r / m, i = r % m;
      nn_gemm_rows<A>(i, i + 1, n, k, {a + a_off[bi] * m * k, k, 1}, {b + b_off[bi] * k * n, n, 1}, y + bi * m * n);
    }
  });
}

}  // namespace qedge::ref
