// State shared by the integer lowering (lower_integer.cc): the main graph with nodes to insert, use counts,
// and the integer twin of float tensors whose values are quantized (int_source.cc).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qedge::conv {

// The qedge integer ops live in this domain (see backends/cpu/ref/common/int_linear.h for their semantics).
constexpr const char* kQedgeDomain = "qedge";

class IntLowering {
 public:
  explicit IntLowering(IrModel& model) : model_(model) {}

  IrModel& model() { return model_; }
  IrNode& node(int k) { return model_.main().nodes[k]; }
  int num_nodes() const { return static_cast<int>(model_.main().nodes.size()); }

  // The integer tensor holding the levels of float tensor `t` (created on demand: a Quantize after an activation
  // quantizer, or an integer copy of a Reshape/MaxPool/... of such a tensor). nullopt when `t` is not a
  // per-tensor quantized activation with an integer zero point.
  std::optional<int> int_source(int t);
  // Records that float tensor `t` equals Dequantize(`levels`).
  void set_int_source(int t, int levels) { int_of_[t] = levels; }

  // The node producing `t` among live nodes: {original index, pending index}; pending index -1 for an original.
  struct Producer {
    int original = -1;
    int pending = -1;
  };
  std::optional<Producer> producer(int t) const;
  const IrNode& node_at(const Producer& p) const;

  // Readers of `t`: live original nodes (indices) and pending nodes; `other_uses` counts graph outputs and reads
  // from subgraphs.
  struct Uses {
    std::vector<int> nodes;
    int pending = 0;
    int other_uses = 0;
    int total() const { return static_cast<int>(nodes.size()) + pending + other_uses; }
  };
  Uses uses(int t) const;

  void kill(int k) { dead_.push_back(k); model_.main().nodes[k].op_type.clear(); }
  bool is_dead(int k) const { return model_.main().nodes[k].op_type.empty(); }
  // Queues `n` to run right after original node `k`.
  void insert_after(int k, IrNode n) { pending_.emplace_back(k, std::move(n)); }
  // Rebuilds the main graph's node list with the queued nodes in place and the killed nodes gone.
  void commit();

  int add_tensor(const std::string& name, DType dtype, const Dims& shape, std::optional<IrQuant> quant);
  // A constant integer tensor of levels.
  int add_levels(const std::string& name, const Dims& shape, const std::vector<int32_t>& levels, const IrQuant& q);

 private:
  IrModel& model_;
  std::map<int, int> int_of_;
  std::vector<std::pair<int, IrNode>> pending_;
  std::vector<int> dead_;
};

// The grid of an activation quantizer node (QONNX Quant/BipolarQuant with constant per-tensor parameters,
// an integer zero point and 1..16 bits); nullopt otherwise.
std::optional<IrQuant> activation_quantizer_grid(const IrModel& model, const IrNode& n);

// The grid of the levels of a FINN MultiThreshold with constant thresholds: count * out_scale + out_bias with an
// integer -out_bias / out_scale (levels = count), or one threshold with out_bias = -out_scale / 2 (bipolar levels
// 2 * count - 1 of scale out_scale / 2); nullopt otherwise.
std::optional<IrQuant> multithreshold_grid(const IrModel& model, const IrNode& n);

// Ops that move or select values without changing them and that the reference kernels run on integer levels of
// type `levels` (MaxPool only on 8-bit levels; it keeps order because scales are positive).
bool moves_values(const IrNode& n, DType levels);

// A node of the qedge domain (opset 1).
IrNode make_qedge_node(const std::string& name, const char* op, std::vector<int> inputs, std::vector<int> outputs);

// Typed attribute setters for the nodes the lowering creates.
void set_attr(AttrMap* attrs, const std::string& name, int64_t v);
void set_attr(AttrMap* attrs, const std::string& name, float v);
void set_attr(AttrMap* attrs, const std::string& name, const std::vector<float>& v);
void set_attr(AttrMap* attrs, const std::string& name, const std::string& v);

// Attributes of a qedge Quantize step (or, with prefix "out_", a fused output quantizer) for grid `q`.
void set_quantize_attrs(AttrMap* attrs, const IrQuant& q, const std::string& prefix, bool zp_after_round);

}  // namespace qedge::conv
