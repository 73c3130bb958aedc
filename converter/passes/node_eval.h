// Runs a reference kernel on an IR node: prepare for shape inference, prepare+run for folding.
#pragma once

#include <memory>
#include <vector>

#include "ir/graph.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::conv {

class NodeEval {
 public:
  NodeEval(const IrModel& model, const IrNode& node, const KernelRegistry& registry);

  // False when no kernel exists for the node's op.
  bool has_kernel() const { return kernel_ != nullptr; }
  // True when every present input has a known dtype and shape.
  bool inputs_known() const;
  bool inputs_constant() const;
  // Calls the kernel's prepare; on success outputs() hold dtypes and shapes.
  Status prepare();
  // Allocates output data and runs the kernel (after a successful prepare).
  Status run();
  std::vector<Tensor>& outputs() { return outputs_; }
  std::vector<TensorData>& output_data() { return output_data_; }

 private:
  const IrModel& model_;
  const IrNode& node_;
  std::unique_ptr<OpKernel> kernel_;
  std::vector<Tensor> inputs_;
  std::vector<Tensor> outputs_;
  std::vector<TensorData> output_data_;
  KernelContext ctx_;
};

}  // namespace qedge::conv
