// Offline memory plan: every main-graph activation and input whose shape is static gets an offset in one
// arena. Tensors whose lifetimes overlap never share bytes; the rest reuse memory (greedy by size,
// lowest fitting offset). Dynamic tensors and subgraph values are allocated at run time.
// In-place execution: an element-wise node whose input dies there writes its output over that input, and a
// Reshape-like node's output is its input's bytes (the kernel's copy sees dst == src and does nothing). Such tensors
// form one group that is placed as one block living from its first definition to its last read.
#include <algorithm>
#include <numeric>
#include <set>
#include <string>

#include "passes/pass.h"
#include "qedge/format/format.h"

namespace qedge::conv {
namespace {

struct Interval {
  int tensor;
  int first;  // step that defines it (-1: graph input)
  int last;   // last step that reads it
  uint64_t bytes;
  uint64_t offset = 0;
};

void note_subgraph_reads(const IrModel& model, int graph, int step, std::vector<int>* last_use) {
  for (const IrNode& n : model.graphs[graph].nodes) {
    for (int i : n.inputs) {
      if (i >= 0) (*last_use)[i] = std::max((*last_use)[i], step);
    }
    for (const Attr& a : n.attrs.all()) {
      if (a.kind == AttrKind::kGraph) note_subgraph_reads(model, a.graph, step, last_use);
    }
  }
  for (int o : model.graphs[graph].outputs) (*last_use)[o] = std::max((*last_use)[o], step);
}

bool is_elementwise(const IrNode& n) { return n.domain.empty() && in_place_ops().count(n.op_type) > 0; }

// Ops whose output is their first input's bytes under another shape.
bool is_reshape_like(const IrNode& n) {
  return n.domain.empty() &&
         (n.op_type == "Reshape" || n.op_type == "Flatten" || n.op_type == "Squeeze" || n.op_type == "Unsqueeze");
}

// Tensors that share one buffer: a union-find over tensor indices, with the group's lifetime at its root.
class BufferGroups {
 public:
  BufferGroups(std::vector<int> first, std::vector<int> last)
      : parent_(first.size()), first_(std::move(first)), last_(std::move(last)) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  int root(int t) {
    while (parent_[t] != t) t = parent_[t] = parent_[parent_[t]];
    return t;
  }
  // Last step any member of t's group is read.
  int last(int t) { return last_[root(t)]; }
  int first(int t) { return first_[root(t)]; }
  void join(int member, int into) {
    const int r = root(into), m = root(member);
    parent_[m] = r;
    first_[r] = std::min(first_[r], first_[m]);
    last_[r] = std::max(last_[r], last_[m]);
  }

 private:
  std::vector<int> parent_, first_, last_;
};

// Groups in-place tensors. `planned` marks tensors with an arena slot; `steps` is the read step of graph
// inputs and outputs, which are never overwritten and never alias each other.
void group_in_place(const IrModel& model, const std::vector<bool>& planned, int steps, BufferGroups* groups) {
  const IrGraph& main = model.main();
  auto same_buffer_shape = [&](int a, int b) {
    const IrTensor& x = model.tensors[a];
    const IrTensor& y = model.tensors[b];
    return x.dtype == y.dtype && num_elements(x.shape) == num_elements(y.shape);
  };
  for (int k = 0; k < static_cast<int>(main.nodes.size()); ++k) {
    const IrNode& n = main.nodes[k];
    if (n.backend != "cpu" || n.outputs.empty() || n.outputs[0] < 0 || !planned[n.outputs[0]]) continue;
    const int out = n.outputs[0];
    if (is_reshape_like(n)) {
      const int in = n.inputs.empty() ? -1 : n.inputs[0];
      // Only reads, so the input may live on; but a graph output never shares a graph input's bytes.
      if (in >= 0 && planned[in] && same_buffer_shape(in, out) && groups->first(in) >= 0 &&
          groups->last(out) < steps) {
        groups->join(out, in);
      }
      continue;
    }
    if (!is_elementwise(n)) continue;
    for (size_t j = 0; j < n.inputs.size(); ++j) {
      const int in = n.inputs[j];
      if (in < 0 || !planned[in] || model.tensors[in].shape != model.tensors[out].shape ||
          model.tensors[in].dtype != model.tensors[out].dtype || groups->last(in) != k) {
        continue;
      }
      bool shared = false;  // another input in the same buffer is read at other positions
      for (size_t o = 0; o < n.inputs.size(); ++o) {
        shared |= o != j && n.inputs[o] >= 0 && groups->root(n.inputs[o]) == groups->root(in);
      }
      if (shared) continue;
      groups->join(out, in);
      break;
    }
  }
}

}  // namespace

const std::set<std::string>& in_place_ops() {
  static const std::set<std::string> ops = {
      "Abs", "Acos", "Acosh", "Add", "Asin", "Asinh", "Atan", "Atanh", "Ceil", "Celu", "Clip", "Cos", "Cosh",
      "Div", "Elu", "Erf", "Exp", "Floor", "HardSigmoid", "HardSwish", "LeakyRelu", "Log", "Mish", "Mul", "Neg",
      "Reciprocal", "Relu", "Round", "Selu", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh", "Softplus", "Softsign",
      "Sqrt", "Sub", "Tan", "Tanh", "ThresholdedRelu"};
  return ops;
}

Status plan_memory(IrModel& model, PassContext&) {
  const IrGraph& main = model.main();
  const int steps = static_cast<int>(main.nodes.size());
  std::vector<int> first_def(model.tensors.size(), -2);
  std::vector<int> last_use(model.tensors.size(), -1);
  for (int in : main.inputs) first_def[in] = -1;
  for (int k = 0; k < steps; ++k) {
    const IrNode& n = main.nodes[k];
    for (int i : n.inputs) {
      if (i >= 0) last_use[i] = std::max(last_use[i], k);
    }
    for (const Attr& a : n.attrs.all()) {
      if (a.kind == AttrKind::kGraph) note_subgraph_reads(model, a.graph, k, &last_use);
    }
    for (int o : n.outputs) {
      if (o >= 0) {
        first_def[o] = k;
        last_use[o] = std::max(last_use[o], k);
      }
    }
  }
  // Outputs are read after the last step; inputs stay intact so a session can run again without new inputs.
  for (int o : main.outputs) last_use[o] = steps;
  for (int i : main.inputs) last_use[i] = steps;

  std::vector<bool> planned(model.tensors.size(), false);
  for (size_t t = 0; t < model.tensors.size(); ++t) {
    IrTensor& tensor = model.tensors[t];
    tensor.arena_offset = -1;
    planned[t] = first_def[t] != -2 && !tensor.is_constant && tensor.shape_known && tensor.dtype != DType::kUndefined;
  }
  BufferGroups groups(first_def, last_use);
  group_in_place(model, planned, steps, &groups);

  // One interval per group, at its root.
  std::vector<Interval> intervals;
  for (size_t t = 0; t < model.tensors.size(); ++t) {
    if (!planned[t] || groups.root(static_cast<int>(t)) != static_cast<int>(t)) continue;
    const IrTensor& tensor = model.tensors[t];
    const uint64_t bytes = format::align_up(dtype_storage_bytes(tensor.dtype, num_elements(tensor.shape)),
                                            format::kSegmentAlignment);
    intervals.push_back({static_cast<int>(t), groups.first(static_cast<int>(t)), groups.last(static_cast<int>(t)),
                         std::max<uint64_t>(bytes, 64)});
  }
  std::sort(intervals.begin(), intervals.end(), [](const Interval& a, const Interval& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.first < b.first;
  });
  std::vector<const Interval*> placed;
  uint64_t arena = 0;
  for (Interval& iv : intervals) {
    // Candidate offsets: 0 and the end of each placed block whose lifetime overlaps.
    std::vector<const Interval*> overlapping;
    for (const Interval* p : placed) {
      if (p->first <= iv.last && iv.first <= p->last) overlapping.push_back(p);
    }
    std::sort(overlapping.begin(), overlapping.end(),
              [](const Interval* a, const Interval* b) { return a->offset < b->offset; });
    uint64_t offset = 0;
    for (const Interval* p : overlapping) {
      if (offset + iv.bytes <= p->offset) break;
      offset = std::max(offset, p->offset + p->bytes);
    }
    iv.offset = offset;
    arena = std::max(arena, offset + iv.bytes);
    placed.push_back(&iv);
  }
  for (const Interval& iv : intervals) model.tensors[iv.tensor].arena_offset = static_cast<int64_t>(iv.offset);
  for (size_t t = 0; t < model.tensors.size(); ++t) {
    if (planned[t]) model.tensors[t].arena_offset = model.tensors[groups.root(static_cast<int>(t))].arena_offset;
  }
  model.arena_bytes = arena;
  return Status::Ok();
}

}  // namespace qedge::conv
