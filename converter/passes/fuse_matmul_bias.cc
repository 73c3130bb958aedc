// MatMul bias fusion: a float MatMul with a 2-D right operand followed by an Add of a constant holding one value per
// output column (torch.onnx's nn.Linear on an input of rank > 2: MatMul, then Add of the bias) becomes a Gemm whose C
// is that bias, so that the bias is added where the GEMM stores its result (XNNPACK's fully connected operator starts
// its sums from it) instead of in another pass over the output, which at two threads also reads the half the other
// core wrote. Gemm takes a 2-D A: an A of rank > 2 is reshaped to [rows, K] before it and the result back after it
// (Reshape outputs alias their input: no copy). A Relu, Clip, HardSwish, Sigmoid or LeakyRelu that is the sum's one
// reader moves between the Gemm and that Reshape (element-wise, so it commutes with it), where fuse_activations, which
// runs next, folds it into the Gemm. Only cpu nodes with static shapes; the intermediates must have no other reader
// and not be graph outputs.
#include <algorithm>
#include <string>
#include <vector>

#include "passes/pass.h"
#include "passes/pattern_match.h"

namespace qedge::conv {
namespace {

// Gemm 7 and later broadcast C in both directions; Reshape 5 and later take the shape as an input.
constexpr int kMinOpset = 7;

struct Found {
  int matmul = -1, add = -1, act = -1;  // node indices; act -1 when there is no activation to move
  int bias = -1;                        // the Add's constant operand
};

bool is_float_with_shape(const IrTensor& t) { return t.dtype == DType::kFloat32 && t.shape_known; }

// t holds one value per column of an output of shape `out`: a constant float of N values, every dim but the last 1.
bool is_column_bias(const IrTensor& t, const Dims& out) {
  if (!t.is_constant || !is_float_with_shape(t) || t.shape.empty() || t.shape.size() > out.size()) return false;
  for (size_t i = 0; i + 1 < t.shape.size(); ++i) {
    if (t.shape[i] != 1) return false;
  }
  return t.shape.back() == out.back();
}

std::optional<Found> match(const PatternMatch& m, int k) {
  const IrNode& mm = m.node(k);
  if (!PatternMatch::is_op(mm, "MatMul") || mm.inputs.size() != 2 || mm.outputs.size() != 1 || mm.outputs[0] < 0) {
    return std::nullopt;
  }
  const IrTensor& a = m.tensor(mm.inputs[0]);
  const IrTensor& b = m.tensor(mm.inputs[1]);
  const IrTensor& y = m.tensor(mm.outputs[0]);
  if (!is_float_with_shape(a) || !is_float_with_shape(b) || !is_float_with_shape(y) || a.shape.size() < 2 ||
      b.shape.size() != 2 || y.shape.size() != a.shape.size()) {
    return std::nullopt;
  }
  std::vector<int> nodes{k};
  Found f;
  f.matmul = k;
  const auto add = m.sole_reader(mm.outputs[0], "Add", -1, &nodes);
  if (!add) return std::nullopt;
  f.add = *add;
  const IrNode& sum = m.node(f.add);
  f.bias = PatternMatch::other_input(sum, mm.outputs[0]);
  if (!is_column_bias(m.tensor(f.bias), y.shape) || m.tensor(sum.outputs[0]).shape != y.shape) return std::nullopt;
  if (a.shape.size() > 2) {
    for (const char* op : {"Relu", "Clip", "HardSwish", "Sigmoid", "LeakyRelu"}) {
      if (const auto act = m.sole_reader(sum.outputs[0], op, 0, &nodes)) {
        f.act = *act;
        break;
      }
    }
  }
  for (int n : nodes) {
    if (m.node(n).backend != "cpu") return std::nullopt;
  }
  return f;
}

int add_constant_i64(IrModel& model, const std::string& name, const std::vector<int64_t>& values) {
  IrTensor t;
  t.name = name;
  t.dtype = DType::kInt64;
  t.shape = {static_cast<int64_t>(values.size())};
  t.shape_known = true;
  t.is_constant = true;
  t.value.dtype = t.dtype;
  t.value.shape = t.shape;
  t.value.bytes.resize(values.size() * sizeof(int64_t));
  std::copy_n(reinterpret_cast<const uint8_t*>(values.data()), t.value.bytes.size(), t.value.bytes.data());
  return model.add_tensor(std::move(t));
}

int add_float_tensor(IrModel& model, const std::string& name, const Dims& shape) {
  IrTensor t;
  t.name = name;
  t.dtype = DType::kFloat32;
  t.shape = shape;
  t.shape_known = true;
  return model.add_tensor(std::move(t));
}

IrNode make_node(const IrModel& model, const std::string& name, const char* op, std::vector<int> inputs, int output) {
  IrNode n;
  n.name = name;
  n.op_type = op;
  n.opset = model.opset_of("");
  n.inputs = std::move(inputs);
  n.outputs = {output};
  return n;
}

// A Reshape of `in` to the static shape `shape`, writing `out`.
IrNode make_reshape(IrModel& model, const std::string& name, int in, const Dims& shape, int out) {
  const int target = add_constant_i64(model, name + "/shape", std::vector<int64_t>(shape.begin(), shape.end()));
  return make_node(model, name, "Reshape", {in, target}, out);
}

}  // namespace

Status fuse_matmul_bias(IrModel& model, PassContext& ctx) {
  if (model.opset_of("") < kMinOpset) return Status::Ok();
  std::vector<Found> found;
  {
    const PatternMatch m(model);
    for (size_t k = 0; k < model.main().nodes.size(); ++k) {
      if (auto f = match(m, static_cast<int>(k))) found.push_back(*f);
    }
  }
  if (found.empty()) return Status::Ok();
  // What replaces each node of a match, by node index (the others stay as they are).
  std::vector<std::vector<IrNode>> replaced(model.main().nodes.size());
  std::vector<bool> is_replaced(model.main().nodes.size(), false);
  for (const Found& f : found) {
    const std::vector<IrNode>& nodes = model.main().nodes;
    IrNode mm = nodes[f.matmul];
    const IrNode& sum = nodes[f.add];
    const Dims a_shape = model.tensors[mm.inputs[0]].shape, y_shape = model.tensors[mm.outputs[0]].shape;
    const int64_t k = a_shape.back(), n = y_shape.back(), rows = num_elements(y_shape) / std::max<int64_t>(n, 1);
    int bias = f.bias;
    if (model.tensors[bias].shape.size() != 1) {
      IrTensor b = model.tensors[bias];
      b.name += "/columns";
      b.shape = {n};
      b.value.shape = b.shape;
      bias = model.add_tensor(std::move(b));
    }
    std::vector<IrNode>& at_matmul = replaced[f.matmul];
    int a = mm.inputs[0];
    const int z = sum.outputs[0];
    const bool flat = a_shape.size() == 2;
    if (!flat) {
      const int a2 = add_float_tensor(model, model.tensors[a].name + "/rows", {rows, k});
      at_matmul.push_back(make_reshape(model, mm.name + "/rows", a, {rows, k}, a2));
      a = a2;
    }
    const int gemm_out = flat ? z : add_float_tensor(model, model.tensors[z].name + "/rows", {rows, n});
    IrNode gemm = make_node(model, mm.name, "Gemm", {a, mm.inputs[1], bias}, gemm_out);
    gemm.backend = mm.backend;
    gemm.precision_note = mm.precision_note + std::string(mm.precision_note.empty() ? "" : "; ") + "fused bias Add";
    at_matmul.push_back(std::move(gemm));
    is_replaced[f.matmul] = is_replaced[f.add] = true;
    if (flat) continue;
    if (f.act < 0) {
      replaced[f.add].push_back(make_reshape(model, sum.name + "/unrows", gemm_out, y_shape, z));
      continue;
    }
    IrNode act = model.main().nodes[f.act];
    const int act_out = act.outputs[0];
    const int act_rows = add_float_tensor(model, model.tensors[act_out].name + "/rows", {rows, n});
    act.inputs[0] = gemm_out;
    act.outputs[0] = act_rows;
    replaced[f.act].push_back(std::move(act));
    replaced[f.act].push_back(make_reshape(model, model.main().nodes[f.act].name + "/unrows", act_rows, y_shape,
                                           act_out));
    is_replaced[f.act] = true;
  }
  std::vector<IrNode> out;
  for (size_t i = 0; i < model.main().nodes.size(); ++i) {
    if (!is_replaced[i]) {
      out.push_back(std::move(model.main().nodes[i]));
      continue;
    }
    for (IrNode& r : replaced[i]) out.push_back(std::move(r));
  }
  model.main().nodes = std::move(out);
  ctx.changed = true;
  return Status::Ok();
}

}  // namespace qedge::conv
