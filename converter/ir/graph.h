// The converter's in-memory graph: what the importer builds, the passes rewrite and the writer serializes.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "qedge/kernel_api/attributes.h"
#include "qedge/kernel_api/tensor.h"
#include "qedge/quant/rounding.h"

namespace qedge::conv {

// The one domain QONNX/FINN quantization ops live in after canonicalization.
constexpr const char* kQonnxDomain = "qonnx.custom_op.general";

// A quantization grid. On an integer tensor it maps stored integers to reals: real = (q - zero_point) * scale.
// On a float constant (a folded weight quantizer or DequantizeLinear) it says that every value equals
// (q - zero_point) * scale for an integer q in the range, so the integers can be recovered exactly.
struct IrQuant {
  int bits = 8;
  bool is_signed = true;
  bool narrow = false;
  bool bipolar = false;  // 1-bit values -1/+1
  bool sign_rule = false;  // BipolarQuant's level rule, x >= 0 ? +1 : -1 (a 1-bit Quant rounds x / scale + zp instead)
  std::vector<float> scale;       // one value (per tensor) or one per index of `axis`
  std::vector<float> zero_point;  // same length as scale
  int axis = -1;                  // -1 when per tensor
  quant::RoundingMode rounding = quant::RoundingMode::kHalfEven;

  bool per_tensor() const { return scale.size() == 1; }
  bool operator==(const IrQuant& o) const {
    return bits == o.bits && is_signed == o.is_signed && narrow == o.narrow && bipolar == o.bipolar &&
           scale == o.scale && zero_point == o.zero_point && axis == o.axis;
  }
};

struct IrTensor {
  std::string name;
  DType dtype = DType::kUndefined;
  Dims shape;                 // meaningful when shape_known
  bool shape_known = false;   // rank and every dimension known
  bool is_constant = false;   // value holds the data
  TensorData value;
  bool is_graph_input = false;
  int64_t arena_offset = -1;  // set by the memory planner
  std::optional<IrQuant> quant;
};

struct IrNode {
  std::string name;
  std::string op_type;
  std::string domain;  // "" for ai.onnx
  int opset = 0;
  std::vector<int> inputs;   // tensor indices, -1 = omitted
  std::vector<int> outputs;  // tensor indices, -1 = unrequested
  AttrMap attrs;
  std::string backend = "cpu";
  // Why the node runs in the precision it does (for `convert --report`); set by the integer lowering.
  std::string precision_note;
};

struct IrGraph {
  std::string name;
  std::vector<IrNode> nodes;
  std::vector<int> inputs;
  std::vector<int> outputs;
};

struct IrModel {
  std::vector<IrTensor> tensors;
  std::vector<IrGraph> graphs;  // graphs[0] is the main graph
  std::map<std::string, int> opsets;
  std::string producer;
  uint64_t arena_bytes = 0;

  int add_tensor(IrTensor t) {
    tensors.push_back(std::move(t));
    return static_cast<int>(tensors.size()) - 1;
  }
  IrGraph& main() { return graphs[0]; }
  const IrGraph& main() const { return graphs[0]; }
  int opset_of(const std::string& domain) const {
    auto it = opsets.find(domain);
    return it == opsets.end() ? 1 : it->second;
  }
};

// "node 'name' (OpType): " — the prefix of every message about a node.
std::string node_context(const IrNode& n);

// The number of node inputs across all graphs, plus graph outputs, that are tensor t.
int use_count(const IrModel& model, int t);

// Drops the nodes of `g` marked in `removed`, keeping the order of the rest.
void erase_nodes(IrGraph& g, const std::vector<bool>& removed);

// Folds main-graph nodes into the node producing their first input: for each node c with accepts(c), in order,
// fold(p, c) with p that producer; when fold returns true (having rewritten p to do c's work too), c is dropped.
// Returns the number of nodes dropped.
int fold_into_producers(IrModel& model, const std::function<bool(const IrNode&)>& accepts,
                        const std::function<bool(IrNode&, const IrNode&)>& fold);

}  // namespace qedge::conv
