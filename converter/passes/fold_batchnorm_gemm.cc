// BatchNormalization over the columns of a float Gemm's output Y [M, N] = alpha * A' B' + beta * C, or of a MatMul of
// a 2-D A by a constant 2-D weight B [K, N] (a Gemm with alpha = beta = 1 and no C), folds into B and C:
//   BN(Y)[m, n] = A' (B'[:, n] * alpha * a[n]) + (beta * C[m, n] - mean[n]) * a[n] + bn_beta[n].
// The result is a Gemm with alpha = beta = 1 and C of shape [N] ([M, N] when the old C varied along rows), the form
// the fast fully connected kernels take. BatchNormalization's channel axis is 1, the output's columns, only for a
// 2-D output: a MatMul with a batched A is left alone.
#include <optional>
#include <vector>

#include "passes/fold_batchnorm.h"
#include "passes/quant_grid.h"

namespace qedge::conv {
namespace {

// Gemm before opset 7 broadcasts C only with its `broadcast` attribute.
constexpr int kMinGemmOpset = 7;

bool is_float_constant_2d(const IrTensor& t) {
  return t.is_constant && t.dtype == DType::kFloat32 && t.shape_known && t.shape.size() == 2;
}

// beta * C broadcast to [rows, n] (tensor c, -1: none), with rows 1 unless C varies along the output's m rows; nullopt
// when C is not a float constant that broadcasts to [m, n].
std::optional<std::vector<double>> scaled_c(const IrModel& model, int c, double beta, int64_t m, int64_t n,
                                            int64_t* rows) {
  *rows = 1;
  if (c < 0) return std::vector<double>(n, 0.0);
  const IrTensor& t = model.tensors[c];
  const auto v = constant_values(model, c);
  if (!v || t.dtype != DType::kFloat32 || !t.shape_known || t.shape.size() > 2) return std::nullopt;
  const int64_t c_rows = t.shape.size() == 2 ? t.shape[0] : 1;
  const int64_t c_cols = t.shape.empty() ? 1 : t.shape.back();
  if ((c_rows != 1 && c_rows != m) || (c_cols != 1 && c_cols != n)) return std::nullopt;
  *rows = c_rows;
  std::vector<double> out(static_cast<size_t>(c_rows * n));
  for (int64_t r = 0; r < c_rows; ++r) {
    for (int64_t j = 0; j < n; ++j) out[r * n + j] = beta * (*v)[r * c_cols + (c_cols == 1 ? 0 : j)];
  }
  return out;
}

}  // namespace

bool fold_batchnorm_into_gemm(IrModel& model, IrNode& node, const IrNode& bn) {
  const bool matmul = node.op_type == "MatMul";
  if (!node.domain.empty() || (!matmul && node.op_type != "Gemm") || node.opset < kMinGemmOpset ||
      node.inputs.size() < 2 || node.inputs.size() > (matmul ? 2u : 3u) || node.outputs.size() != 1 ||
      node.inputs[1] < 0) {
    return false;
  }
  const IrTensor& y = model.tensors[node.outputs[0]];
  const IrTensor& w = model.tensors[node.inputs[1]];
  if (y.dtype != DType::kFloat32 || !y.shape_known || y.shape.size() != 2 || !is_float_constant_2d(w)) return false;
  const int64_t m = y.shape[0], n = y.shape[1];
  const bool trans_b = !matmul && node.attrs.get_int("transB", 0) != 0;
  const Dims wshape = w.shape;
  const int64_t k = wshape[trans_b ? 1 : 0];
  if (wshape[trans_b ? 0 : 1] != n) return false;
  const auto bn_map = foldable_batchnorm(model, bn, n);
  if (!bn_map) return false;
  const double alpha = matmul ? 1.0 : node.attrs.get_float("alpha", 1.0f);
  const double beta = matmul ? 1.0 : node.attrs.get_float("beta", 1.0f);
  int64_t rows = 1;
  const auto c = scaled_c(model, node.inputs.size() > 2 ? node.inputs[2] : -1, beta, m, n, &rows);
  if (!c) return false;
  std::vector<double> w2 = *constant_values(model, node.inputs[1]);
  for (int64_t i = 0; i < k; ++i) {
    for (int64_t j = 0; j < n; ++j) w2[trans_b ? j * k + i : i * n + j] *= alpha * bn_map->scale[j];
  }
  std::vector<double> bias(c->size());
  for (size_t i = 0; i < bias.size(); ++i) bias[i] = bn_map->folded_bias(static_cast<int64_t>(i) % n, (*c)[i]);
  const std::string out_name = model.tensors[bn.outputs[0]].name;
  const int nw = add_float_constant(model, out_name + ".weight", wshape, w2);
  const int nb = add_float_constant(model, out_name + ".bias", rows == 1 ? Dims{n} : Dims{m, n}, bias);
  node.op_type = "Gemm";
  node.attrs.erase("alpha");
  node.attrs.erase("beta");
  node.inputs = {node.inputs[0], nw, nb};
  node.outputs[0] = bn.outputs[0];
  node.precision_note += std::string(node.precision_note.empty() ? "" : "; ") + "fused BatchNormalization";
  return true;
}

}  // namespace qedge::conv
