// Shared machinery of the control-flow operators If, Loop and Scan. Their output shapes depend on
// what the subgraphs compute, so prepare runs the subgraphs and keeps owned copies of the results;
// run only copies them out. Without a SubgraphRunner (the converter) the outputs stay dynamic.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

// An owned copy of a tensor (subgraph outputs are only valid until the next call).
inline TensorData seq_copy_tensor(const Tensor& t) {
  TensorData d;
  d.dtype = t.dtype;
  d.shape = t.shape;
  d.bytes.resize(t.nbytes());
  if (!d.bytes.empty()) std::memcpy(d.bytes.data(), t.data, d.bytes.size());
  return d;
}

inline TensorData seq_scalar_tensor(DType dtype, const void* value, size_t bytes) {
  TensorData d;
  d.dtype = dtype;
  d.bytes.resize(bytes);
  std::memcpy(d.bytes.data(), value, bytes);
  return d;
}

// Elements of a tensor split at `axis` into [outer, n, inner]; inner in bytes. Sub-byte types are rejected.
struct SeqAxisSplit {
  int64_t outer = 1, n = 1, inner_bytes = 0;
};

inline Result<SeqAxisSplit> seq_axis_split(DType dtype, const Dims& shape, int axis, const char* op) {
  if (dtype_bits(dtype) % 8 != 0 || dtype_bits(dtype) == 0) {
    return Unsupported(std::string(op) + " cannot scan tensors of type " + dtype_name(dtype));
  }
  SeqAxisSplit s;
  int64_t inner = 1;
  for (int i = 0; i < static_cast<int>(shape.size()); ++i) {
    if (i < axis) s.outer *= shape[i];
    if (i > axis) inner *= shape[i];
  }
  s.n = axis < static_cast<int>(shape.size()) ? shape[axis] : 1;
  s.inner_bytes = inner * (dtype_bits(dtype) / 8);
  return s;
}

// Slice `index` of `t` along `axis`, with that axis removed.
inline Result<TensorData> seq_slice(const TensorData& t, int axis, int64_t index, const char* op) {
  QEDGE_ASSIGN_OR_RETURN(SeqAxisSplit s, seq_axis_split(t.dtype, t.shape, axis, op));
  TensorData out;
  out.dtype = t.dtype;
  out.shape = t.shape;
  out.shape.erase(out.shape.begin() + axis);
  out.bytes.resize(static_cast<size_t>(s.outer * s.inner_bytes));
  for (int64_t o = 0; o < s.outer; ++o) {
    std::memcpy(out.bytes.data() + o * s.inner_bytes, t.bytes.data() + (o * s.n + index) * s.inner_bytes,
                static_cast<size_t>(s.inner_bytes));
  }
  return out;
}

// Stacks equally shaped items along a new `axis` (item i at position n - 1 - i when reversed).
inline Result<TensorData> seq_stack(const std::vector<TensorData>& items, int axis, bool reverse, const char* op) {
  TensorData out;
  if (items.empty()) return InvalidArgument(std::string(op) + " has no iterations to stack");
  const TensorData& first = items[0];
  for (const TensorData& it : items) {
    if (it.dtype != first.dtype || it.shape != first.shape) {
      return ShapeMismatch(std::string(op) + " scan output changes shape across iterations: " +
                           dims_to_string(first.shape) + " vs " + dims_to_string(it.shape));
    }
  }
  if (axis < 0 || axis > static_cast<int>(first.shape.size())) {
    return InvalidModel(std::string(op) + " scan output axis " + std::to_string(axis) + " is out of range for rank " +
                        std::to_string(first.shape.size() + 1));
  }
  out.dtype = first.dtype;
  out.shape = first.shape;
  const int64_t n = static_cast<int64_t>(items.size());
  out.shape.insert(out.shape.begin() + axis, n);
  QEDGE_ASSIGN_OR_RETURN(SeqAxisSplit s, seq_axis_split(out.dtype, out.shape, axis, op));
  out.bytes.resize(static_cast<size_t>(s.outer * n * s.inner_bytes));
  for (int64_t i = 0; i < n; ++i) {
    const TensorData& src = items[reverse ? n - 1 - i : i];
    for (int64_t o = 0; o < s.outer; ++o) {
      std::memcpy(out.bytes.data() + (o * n + i) * s.inner_bytes, src.bytes.data() + o * s.inner_bytes,
                  static_cast<size_t>(s.inner_bytes));
    }
  }
  return out;
}

// Runs a subgraph on owned inputs and returns owned copies of its outputs, checking their count.
inline Status seq_run_graph(KernelContext& ctx, int graph, const std::vector<TensorData>& inputs, int want_outputs,
                            std::vector<TensorData>* outputs) {
  std::vector<Tensor> views;
  views.reserve(inputs.size());
  for (const TensorData& t : inputs) views.push_back(t.view());
  std::vector<const Tensor*> in;
  for (const Tensor& v : views) in.push_back(&v);
  std::vector<const Tensor*> out;
  QEDGE_RETURN_IF_ERROR(ctx.subgraphs->run(graph, in, &out));
  if (static_cast<int>(out.size()) != want_outputs) {
    return InvalidModel(std::string(ctx.op_type) + " body produced " + std::to_string(out.size()) +
                        " outputs, expected " + std::to_string(want_outputs));
  }
  outputs->clear();
  for (const Tensor* t : out) outputs->push_back(seq_copy_tensor(*t));
  return Status::Ok();
}

// Base for If/Loop/Scan: prepare (in the subclass) fills results_; this publishes their shapes and copies them out.
class SeqControlKernel : public OpKernel {
 public:
  Status run(KernelContext& ctx) override {
    for (int i = 0; i < ctx.num_outputs() && i < static_cast<int>(results_.size()); ++i) {
      if (!results_[i].bytes.empty())
        std::memcpy(ctx.output(i)->data, results_[i].bytes.data(), results_[i].bytes.size());
    }
    return Status::Ok();
  }

 protected:
  // Checks that a subgraph runner exists and the graph attribute is present.
  static Status need_graph(const KernelContext& ctx, const char* attr, int* graph) {
    *graph = ctx.attr().get_graph(attr);
    if (*graph < 0) return InvalidModel(std::string(ctx.op_type) + " requires the graph attribute " + attr);
    if (ctx.subgraphs == nullptr) {
      return NeedsValues(std::string(ctx.op_type) + " output shapes depend on running its subgraph");
    }
    return Status::Ok();
  }

  Status publish(KernelContext& ctx, std::vector<TensorData> results) {
    if (static_cast<int>(results.size()) < ctx.num_outputs()) {
      return InvalidModel(std::string(ctx.op_type) + " declares " + std::to_string(ctx.num_outputs()) +
                          " outputs but its subgraph yields " + std::to_string(results.size()));
    }
    results_ = std::move(results);
    for (int i = 0; i < ctx.num_outputs(); ++i) set_output(ctx, i, results_[i].dtype, results_[i].shape);
    return Status::Ok();
  }

 private:
  std::vector<TensorData> results_;
};

}  // namespace qedge::ref
