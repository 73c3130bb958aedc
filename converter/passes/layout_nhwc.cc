// Layout pass: regions of float 2-D convolutions run channels-last (NHWC), the layout the cpu backend's XNNPACK
// convolutions read without packing the activations, instead of ONNX's NCHW.
//
// A region is a connected set of cpu nodes that can run in either layout: Conv / qedge.FusedConv (which become
// qedge.NhwcConv, weights rearranged to [M, kh, kw, C/group] here, once), GlobalAveragePool (which becomes
// qedge.NhwcGlobalAveragePool: its [N, 1, 1, C] output leaves the region through a transpose that moves C values
// instead of the whole feature map) and element-wise ops whose 4-D operands all have the output's shape (Relu, Clip,
// Add of a residual, ...; they compute the same values in any layout). Inside a region tensors stay NHWC; a Transpose
// enters it where an NCHW tensor comes in and one leaves it where a tensor goes out to an NCHW reader or is a graph
// output (which keeps its name and layout). So the fast path never transposes per op, only at a region's edges, and a
// region is converted only when its convolutions' work dwarfs those transposes.
//
// 3x3 stride-1 dense convolutions stay NCHW and end regions: the cpu backend runs them as NCHW Winograd, which does
// fewer multiplies than any direct NHWC convolution.
#include <algorithm>
#include <numeric>

#include "passes/int_lowering.h"
#include "passes/pass.h"

namespace qedge::conv {
namespace {

// A region is converted when its convolutions do at least this many multiply-adds per element its edge transposes
// move. Measured: a transposed element costs about as much as 30 multiply-adds of a convolution, and kws_dscnn (310
// per moved element) ran 1.3-1.6x faster channels-last; resnet18's 7x7 stem (124: 0.95M elements moved for 118M
// multiply-adds, between a graph input and an NCHW MaxPool) stays NCHW.
constexpr int64_t kMacsPerMovedElement = 256;

const std::vector<int64_t> kToNhwc = {0, 2, 3, 1};
const std::vector<int64_t> kToNchw = {0, 3, 1, 2};

bool is_float_4d(const IrModel& model, int t) {
  if (t < 0) return false;
  const IrTensor& x = model.tensors[t];
  return x.dtype == DType::kFloat32 && x.shape_known && x.shape.size() == 4;
}

bool is_constant_float(const IrModel& model, int t, size_t rank) {
  if (t < 0) return false;
  const IrTensor& x = model.tensors[t];
  return x.is_constant && x.dtype == DType::kFloat32 && x.value.dtype == DType::kFloat32 && x.shape_known &&
         x.shape.size() == rank;
}

// A float 2-D Conv or FusedConv with constant weights (and bias) that the cpu backend would not run as Winograd.
bool is_region_conv(const IrModel& model, const IrNode& n) {
  const bool conv = (n.domain.empty() && n.op_type == "Conv") || (n.domain == kQedgeDomain && n.op_type == "FusedConv");
  if (!conv || n.backend != "cpu" || n.inputs.size() < 2 || n.outputs.size() != 1) return false;
  if (!is_float_4d(model, n.inputs[0]) || !is_float_4d(model, n.outputs[0]) ||
      !is_constant_float(model, n.inputs[1], 4)) {
    return false;
  }
  if (n.inputs.size() > 2 && n.inputs[2] >= 0 && !is_constant_float(model, n.inputs[2], 1)) return false;
  const Dims& w = model.tensors[n.inputs[1]].shape;
  const bool winograd = n.attrs.get_int("group", 1) == 1 && w[2] == 3 && w[3] == 3 &&
                        n.attrs.get_ints("strides", {1, 1}) == std::vector<int64_t>{1, 1} &&
                        n.attrs.get_ints("dilations", {1, 1}) == std::vector<int64_t>{1, 1};
  return !winograd;
}

// A float 2-D GlobalAveragePool on the cpu backend.
bool is_region_pool(const IrModel& model, const IrNode& n) {
  return n.domain.empty() && n.op_type == "GlobalAveragePool" && n.backend == "cpu" && n.inputs.size() == 1 &&
         n.outputs.size() == 1 && is_float_4d(model, n.inputs[0]) && is_float_4d(model, n.outputs[0]);
}

bool is_elementwise_op(const IrNode& n) {
  static const std::set<std::string> ops = {"Relu", "Clip",  "Sigmoid", "HardSwish", "HardSigmoid", "LeakyRelu",
                                            "Tanh", "Elu",   "Abs",     "Neg",       "Add",         "Sub",
                                            "Mul",  "Div",   "Max",     "Min"};
  return n.domain.empty() && ops.count(n.op_type) > 0;
}

bool is_scalar(const IrModel& model, int t) {
  return t >= 0 && model.tensors[t].shape_known && num_elements(model.tensors[t].shape) == 1;
}

// An element-wise cpu node whose inputs are float tensors of its 4-D output's shape, or single values.
bool is_region_elementwise(const IrModel& model, const IrNode& n) {
  if (!is_elementwise_op(n) || n.backend != "cpu" || n.outputs.size() != 1 || !is_float_4d(model, n.outputs[0])) {
    return false;
  }
  const Dims& y = model.tensors[n.outputs[0]].shape;
  bool reads_4d = false;
  for (int t : n.inputs) {
    if (t < 0 || is_scalar(model, t)) continue;
    if (!is_float_4d(model, t) || model.tensors[t].shape != y) return false;
    reads_4d = true;
  }
  return reads_4d;
}

// The inputs of region node `n` that are NCHW activations (the ones that change layout with the region): the first
// one only for a convolution or a pool.
std::vector<int> activation_inputs(const IrModel& model, const IrNode& n, bool first_only) {
  if (first_only) return {n.inputs[0]};
  std::vector<int> a;
  for (int t : n.inputs) {
    if (t >= 0 && !is_scalar(model, t)) a.push_back(t);
  }
  return a;
}

Dims permuted(const Dims& d, const std::vector<int64_t>& perm) {
  Dims out(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) out[i] = d[perm[i]];
  return out;
}

int find_root(std::vector<int>& parent, int i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

// The weight constant `w` [M, C/g, kh, kw] rearranged to [M, kh, kw, C/g].
int add_nhwc_weight(IrModel& model, int w) {
  const IrTensor& src = model.tensors[w];
  const Dims& d = src.shape;
  IrTensor t;
  t.name = src.name + ".nhwc";
  t.dtype = DType::kFloat32;
  t.shape = permuted(d, kToNhwc);
  t.shape_known = true;
  t.is_constant = true;
  t.value.dtype = DType::kFloat32;
  t.value.shape = t.shape;
  t.value.bytes.resize(src.value.bytes.size());
  const auto* s = reinterpret_cast<const float*>(src.value.bytes.data());
  auto* o = reinterpret_cast<float*>(t.value.bytes.data());
  const int64_t cg = d[1], taps = d[2] * d[3];
  for (int64_t m = 0; m < d[0]; ++m) {
    for (int64_t c = 0; c < cg; ++c) {
      for (int64_t k = 0; k < taps; ++k) o[(m * taps + k) * cg + c] = s[(m * cg + c) * taps + k];
    }
  }
  return model.add_tensor(std::move(t));
}

IrNode make_transpose(const IrModel& model, const std::string& name, int in, int out,
                      const std::vector<int64_t>& perm) {
  IrNode t;
  t.name = name;
  t.op_type = "Transpose";
  t.opset = model.opset_of("");
  t.inputs = {in};
  t.outputs = {out};
  t.attrs.set(ints_attr("perm", perm));
  return t;
}

bool is_graph_output(const IrModel& model, int t) {
  for (const IrGraph& g : model.graphs) {
    if (std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end()) return true;
  }
  return false;
}

struct Region {
  std::vector<int> nodes;
  int64_t macs = 0;
  bool has_conv = false;
};

class LayoutRewriter {
 public:
  explicit LayoutRewriter(IrModel& model) : model_(model), g_(model.main()) {}

  bool run() {
    classify();
    std::vector<Region> regions = find_regions();
    bool changed = false;
    for (const Region& r : regions) {
      if (!r.has_conv || r.macs < kMacsPerMovedElement * moved_elements(r)) continue;
      const int root = find_root(parent_, r.nodes.front());
      for (int k : r.nodes) {
        converted_[k] = true;
        leaves_[k] = leaves_region(g_.nodes[k].outputs[0], root);
      }
      changed = true;
    }
    if (changed) rewrite();
    return changed;
  }

 private:
  void classify() {
    const size_t n = g_.nodes.size();
    conv_.assign(n, false);
    pool_.assign(n, false);
    member_.assign(n, false);
    converted_.assign(n, false);
    leaves_.assign(n, false);
    producer_.assign(model_.tensors.size(), -1);
    for (size_t k = 0; k < n; ++k) {
      const IrNode& node = g_.nodes[k];
      conv_[k] = is_region_conv(model_, node);
      pool_[k] = is_region_pool(model_, node);
      member_[k] = conv_[k] || pool_[k] || is_region_elementwise(model_, node);
      for (int t : node.outputs) {
        if (t >= 0) producer_[t] = static_cast<int>(k);
      }
    }
  }

  std::vector<Region> find_regions() {
    const int n = static_cast<int>(g_.nodes.size());
    parent_.resize(n);
    std::iota(parent_.begin(), parent_.end(), 0);
    for (int k = 0; k < n; ++k) {
      if (!member_[k]) continue;
      for (int t : activation_inputs(model_, g_.nodes[k], first_only(k))) {
        const int p = producer_[t];
        if (p >= 0 && member_[p]) parent_[find_root(parent_, k)] = find_root(parent_, p);
      }
    }
    std::vector<int> index(n, -1);
    std::vector<Region> regions;
    for (int k = 0; k < n; ++k) {
      if (!member_[k]) continue;
      const int root = find_root(parent_, k);
      if (index[root] < 0) {
        index[root] = static_cast<int>(regions.size());
        regions.emplace_back();
      }
      Region& r = regions[index[root]];
      r.nodes.push_back(k);
      if (conv_[k]) {
        r.has_conv = true;
        r.macs += conv_macs(g_.nodes[k]);
      }
    }
    return regions;
  }

  int64_t conv_macs(const IrNode& n) const {
    const Dims& w = model_.tensors[n.inputs[1]].shape;
    return num_elements(model_.tensors[n.outputs[0]].shape) * w[1] * w[2] * w[3];
  }

  bool first_only(size_t k) const { return conv_[k] || pool_[k]; }

  bool in_region(int node, int root) { return node >= 0 && member_[node] && find_root(parent_, node) == root; }

  // Whether tensor `t`, made in the region of `root`, is read outside it (or is a graph output).
  bool leaves_region(int t, int root) {
    int inside = 0;
    for (size_t k = 0; k < g_.nodes.size(); ++k) {
      if (!in_region(static_cast<int>(k), root)) continue;
      for (int a : activation_inputs(model_, g_.nodes[k], first_only(k))) inside += a == t;
    }
    return is_graph_output(model_, t) || use_count(model_, t) > inside;
  }

  // The elements the edge transposes of region `r` would move.
  int64_t moved_elements(const Region& r) {
    const int root = find_root(parent_, r.nodes.front());
    std::set<int> edges;
    for (int k : r.nodes) {
      const IrNode& n = g_.nodes[k];
      for (int t : activation_inputs(model_, n, first_only(k))) {
        if (!in_region(producer_[t], root)) edges.insert(t);
      }
      if (leaves_region(n.outputs[0], root)) edges.insert(n.outputs[0]);
    }
    int64_t moved = 0;
    for (int t : edges) moved += num_elements(model_.tensors[t].shape);
    return moved;
  }

  int add_nhwc_tensor(int t) {
    IrTensor c;
    c.name = model_.tensors[t].name + ".nhwc";
    c.dtype = model_.tensors[t].dtype;
    c.shape = permuted(model_.tensors[t].shape, kToNhwc);
    c.shape_known = true;
    return model_.add_tensor(std::move(c));
  }

  void rewrite() {
    std::map<int, int> nhwc_of;    // NCHW tensor -> its NHWC copy, for the tensors that cross a region edge
    std::map<int, int> weight_of;  // OIHW weight -> OHWI weight
    std::vector<IrNode> out;
    out.reserve(g_.nodes.size() * 2);
    for (size_t k = 0; k < g_.nodes.size(); ++k) {
      if (!converted_[k]) {
        out.push_back(std::move(g_.nodes[k]));
        continue;
      }
      IrNode n = std::move(g_.nodes[k]);
      const int root = find_root(parent_, static_cast<int>(k));
      for (int t : activation_inputs(model_, n, first_only(k))) {
        if (in_region(producer_[t], root) || nhwc_of.count(t)) continue;
        nhwc_of[t] = add_nhwc_tensor(t);
        out.push_back(make_transpose(model_, model_.tensors[t].name + "/to_nhwc", t, nhwc_of[t], kToNhwc));
      }
      for (int& t : n.inputs) {
        if (nhwc_of.count(t)) t = nhwc_of[t];
      }
      if (conv_[k]) {
        const int w = n.inputs[1];
        if (!weight_of.count(w)) weight_of[w] = add_nhwc_weight(model_, w);
        n.inputs[1] = weight_of[w];
        n.domain = kQedgeDomain;
        n.op_type = "NhwcConv";
      } else if (pool_[k]) {
        n.domain = kQedgeDomain;
        n.op_type = "NhwcGlobalAveragePool";
      }
      const int y = n.outputs[0];
      if (leaves_[k]) {
        nhwc_of[y] = add_nhwc_tensor(y);
        n.outputs[0] = nhwc_of[y];
        const std::string name = model_.tensors[y].name + "/to_nchw";
        out.push_back(std::move(n));
        out.push_back(make_transpose(model_, name, nhwc_of[y], y, kToNchw));
      } else {
        model_.tensors[y].shape = permuted(model_.tensors[y].shape, kToNhwc);
        out.push_back(std::move(n));
      }
    }
    g_.nodes = std::move(out);
  }

  IrModel& model_;
  IrGraph& g_;
  std::vector<bool> conv_, pool_, member_, converted_;
  std::vector<bool> leaves_;  // a converted node's output is read outside its region (decided before rewriting)
  std::vector<int> producer_, parent_;
};

}  // namespace

Status layout_nhwc(IrModel& model, PassContext& ctx) {
  ctx.changed |= LayoutRewriter(model).run();
  return Status::Ok();
}

}  // namespace qedge::conv
