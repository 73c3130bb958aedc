#include "passes/node_eval.h"

namespace qedge::conv {

NodeEval::NodeEval(const IrModel& model, const IrNode& node, const KernelRegistry& registry)
    : model_(model), node_(node) {
  if (const KernelFactory* f = registry.find(node.domain, node.op_type)) kernel_ = (*f)();
  inputs_.resize(node.inputs.size());
  outputs_.resize(node.outputs.size());
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    if (node.inputs[i] < 0) continue;
    const IrTensor& t = model.tensors[node.inputs[i]];
    Tensor& v = inputs_[i];
    v.dtype = t.dtype;
    v.shape = t.shape;
    v.has_value = t.is_constant;
    v.constant = t.is_constant;
    v.data = t.is_constant ? const_cast<uint8_t*>(t.value.bytes.data()) : nullptr;
  }
  ctx_.op_type = node.op_type;
  ctx_.domain = node.domain;
  ctx_.opset = node.opset;
  ctx_.attrs = &node.attrs;
  for (size_t i = 0; i < node.inputs.size(); ++i) ctx_.inputs.push_back(node.inputs[i] < 0 ? nullptr : &inputs_[i]);
  for (auto& o : outputs_) ctx_.outputs.push_back(&o);
}

bool NodeEval::inputs_known() const {
  for (int idx : node_.inputs) {
    if (idx < 0) continue;
    const IrTensor& t = model_.tensors[idx];
    if (t.dtype == DType::kUndefined || !t.shape_known) return false;
  }
  return true;
}

bool NodeEval::inputs_constant() const {
  for (int idx : node_.inputs) {
    if (idx >= 0 && !model_.tensors[idx].is_constant) return false;
  }
  return true;
}

Status NodeEval::prepare() { return kernel_->prepare(ctx_); }

Status NodeEval::run() {
  output_data_.resize(outputs_.size());
  for (size_t i = 0; i < outputs_.size(); ++i) {
    output_data_[i].dtype = outputs_[i].dtype;
    output_data_[i].shape = outputs_[i].shape;
    output_data_[i].bytes.assign(outputs_[i].nbytes(), 0);
    outputs_[i].data = output_data_[i].bytes.data();
  }
  return kernel_->run(ctx_);
}

}  // namespace qedge::conv
