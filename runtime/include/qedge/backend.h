// The one interface between the runtime and a backend. A backend answers a capability query per node; the
// runtime groups consecutive accepted nodes into partitions, which the backend prepares as a unit, and falls
// back to the cpu backend for every node another backend declines. Backends never include each other, and
// adding one does not touch the interpreter: it registers itself in a BackendRegistry.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge {

// What a backend sees of a node when asked whether it can run it.
struct NodeDesc {
  std::string_view name;
  std::string_view op_type;
  std::string_view domain;
  int opset = 0;
  const AttrMap* attrs = nullptr;
  std::vector<DType> input_dtypes;  // kUndefined for omitted inputs or not yet known
};

// A run of consecutive nodes of one graph that one backend executes. Per run the runtime calls begin_run,
// then prepare (when shapes are new) and run for each node in order, then end_run. Tensors in the kernel
// contexts are host memory: a device backend uploads what its nodes read in begin_run or prepare, keeps
// intermediate values on the device, and downloads what leaves the partition in end_run. Destroying the
// partition releases everything it holds.
class Partition {
 public:
  virtual ~Partition() = default;
  virtual Status begin_run() { return Status::Ok(); }
  // `node` indexes the nodes the partition was created for.
  virtual Status prepare(int node, KernelContext& ctx) = 0;
  virtual Status run(int node, KernelContext& ctx) = 0;
  virtual Status end_run() { return Status::Ok(); }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  // False when the device is missing (no GPU, no driver): the runtime then never asks supports().
  virtual bool is_available() const { return true; }
  // Capability query for one node.
  virtual bool supports(const NodeDesc& node) const = 0;
  // True when this backend's kernel for `node` reads input `input` in bit-packed form (Tensor::packed_bits).
  // Packed constants are unpacked at load for every other consumer.
  virtual bool reads_packed_input(const NodeDesc& /*node*/, int /*input*/) const { return false; }
  // Prepares a partition for nodes this backend supports, in execution order.
  virtual Result<std::unique_ptr<Partition>> create_partition(const std::vector<NodeDesc>& nodes) = 0;
};

class BackendRegistry {
 public:
  void add(std::unique_ptr<Backend> backend) { backends_.push_back(std::move(backend)); }
  Backend* find(std::string_view name) const {
    for (const auto& b : backends_) {
      if (b->name() == name) return b.get();
    }
    return nullptr;
  }
  const std::vector<std::unique_ptr<Backend>>& all() const { return backends_; }

 private:
  std::vector<std::unique_ptr<Backend>> backends_;
};

// The backends compiled into this build, cpu first (the fallback for every node).
const BackendRegistry& builtin_backends();

}  // namespace qedge
