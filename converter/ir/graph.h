// The converter's in-memory graph: what the importer builds, the passes rewrite and the writer serializes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "qedge/kernel_api/attributes.h"
#include "qedge/kernel_api/tensor.h"

namespace qedge::conv {

struct IrTensor {
  std::string name;
  DType dtype = DType::kUndefined;
  Dims shape;                 // meaningful when shape_known
  bool shape_known = false;   // rank and every dimension known
  bool is_constant = false;   // value holds the data
  TensorData value;
  bool is_graph_input = false;
  int64_t arena_offset = -1;  // set by the memory planner
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

}  // namespace qedge::conv
