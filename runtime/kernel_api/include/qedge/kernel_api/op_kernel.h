// The kernel lifecycle every backend implements per operator:
//   prepare(ctx): check inputs, set each output's dtype and shape, compute parameters and
//                 scratch sizes. No output data is written.
//   run(ctx):     compute outputs into memory the caller allocated after prepare. No allocation, no I/O.
// The converter calls prepare for static shape inference (input data known only for constants) and
// prepare+run for constant folding; the runtime calls prepare at load (static shapes) or before each
// run (dynamic shapes), then run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "qedge/kernel_api/attributes.h"
#include "qedge/kernel_api/status.h"
#include "qedge/kernel_api/tensor.h"

namespace qedge {

// Executes a model subgraph (If/Loop/Scan bodies). Provided by the runtime; absent in the converter.
class SubgraphRunner {
 public:
  virtual ~SubgraphRunner() = default;
  virtual int num_inputs(int graph) const = 0;
  virtual int num_outputs(int graph) const = 0;
  // Runs `graph` with the given inputs (by position). Outputs are views that stay valid until the
  // next call for the same graph.
  virtual Status run(int graph, const std::vector<const Tensor*>& inputs, std::vector<const Tensor*>* outputs) = 0;
};

// Splits [0, n) into chunks run on the runtime's threads. Serial when absent.
class ThreadPool {
 public:
  virtual ~ThreadPool() = default;
  virtual int num_threads() const = 0;
  virtual void parallel_for(int64_t n, const std::function<void(int64_t begin, int64_t end)>& fn) = 0;
};

struct KernelContext {
  std::string_view op_type;
  std::string_view domain;
  int opset = 0;  // version of the node's domain imported by the model
  const AttrMap* attrs = nullptr;
  // Inputs by position; nullptr for an omitted optional input.
  std::vector<const Tensor*> inputs;
  // Outputs by position, one per output the node declares (never null: unrequested optional outputs
  // get a scratch tensor).
  std::vector<Tensor*> outputs;
  SubgraphRunner* subgraphs = nullptr;
  ThreadPool* threads = nullptr;

  int num_inputs() const { return static_cast<int>(inputs.size()); }
  int num_outputs() const { return static_cast<int>(outputs.size()); }
  // Null when the input is omitted or beyond the node's input count.
  const Tensor* input(int i) const { return i < num_inputs() ? inputs[i] : nullptr; }
  Tensor* output(int i) const { return i < num_outputs() ? outputs[i] : nullptr; }
  const AttrMap& attr() const { return *attrs; }
  void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) const {
    if (threads && threads->num_threads() > 1 && n > 1) {
      threads->parallel_for(n, fn);
    } else if (n > 0) {
      fn(0, n);
    }
  }
};

class OpKernel {
 public:
  virtual ~OpKernel() = default;
  virtual Status prepare(KernelContext& ctx) = 0;
  virtual Status run(KernelContext& ctx) = 0;
};

using KernelFactory = std::function<std::unique_ptr<OpKernel>()>;

// Maps (domain, op type) to kernel factories. The empty domain is ONNX's default ("ai.onnx").
class KernelRegistry {
 public:
  void add(const std::string& domain, const std::string& op_type, KernelFactory factory);
  const KernelFactory* find(std::string_view domain, std::string_view op_type) const;
  std::vector<std::pair<std::string, std::string>> ops() const;

 private:
  struct Entry {
    std::string domain;
    std::string op_type;
    KernelFactory factory;
  };
  std::vector<Entry> entries_;
};

// A kernel from two functions, for operators that keep no state between prepare and run.
class FunctionKernel : public OpKernel {
 public:
  using Fn = Status (*)(KernelContext&);
  FunctionKernel(Fn prepare, Fn run) : prepare_(prepare), run_(run) {}
  Status prepare(KernelContext& ctx) override { return prepare_(ctx); }
  Status run(KernelContext& ctx) override { return run_(ctx); }

 private:
  Fn prepare_;
  Fn run_;
};

inline void register_function_kernel(KernelRegistry& r, const std::string& op_type, FunctionKernel::Fn prepare,
                                     FunctionKernel::Fn run, const std::string& domain = "") {
  r.add(domain, op_type, [prepare, run] { return std::make_unique<FunctionKernel>(prepare, run); });
}

}  // namespace qedge
