#include "cpu_backend.h"

#include "qedge/cpu_fast/fast_kernels.h"
#include "qedge/cpu_ref/ref_kernels.h"

namespace qedge {
namespace {

// Host memory throughout: a partition is just its nodes' kernels.
class CpuPartition : public Partition {
 public:
  explicit CpuPartition(std::vector<std::unique_ptr<OpKernel>> kernels) : kernels_(std::move(kernels)) {}
  Status prepare(int node, KernelContext& ctx) override { return kernels_[node]->prepare(ctx); }
  Status run(int node, KernelContext& ctx) override { return kernels_[node]->run(ctx); }

 private:
  std::vector<std::unique_ptr<OpKernel>> kernels_;
};

class CpuBackend : public Backend {
 public:
  CpuBackend() {
    ref::register_all(ref_);
    fast::register_fast_kernels(fast_, ref_);
  }
  std::string_view name() const override { return "cpu"; }
  bool supports(const NodeDesc& node) const override { return find(node.domain, node.op_type) != nullptr; }
  bool reads_packed_input(const NodeDesc& node, int input) const override {
    return ref::reads_packed_input(node.domain, node.op_type, input);
  }
  Result<std::unique_ptr<Partition>> create_partition(const std::vector<NodeDesc>& nodes) override {
    std::vector<std::unique_ptr<OpKernel>> kernels;
    for (const NodeDesc& node : nodes) {
      const KernelFactory* f = find(node.domain, node.op_type);
      if (!f) return Unsupported("node '" + std::string(node.name) + "': no cpu kernel for " + std::string(node.op_type));
      kernels.push_back((*f)());
    }
    return std::unique_ptr<Partition>(std::make_unique<CpuPartition>(std::move(kernels)));
  }

 private:
  // The fast kernel of an op when there is one (it falls back to the reference itself), else the reference.
  const KernelFactory* find(std::string_view domain, std::string_view op) const {
    const KernelFactory* f = fast_.find(domain, op);
    return f ? f : ref_.find(domain, op);
  }

  KernelRegistry ref_;
  KernelRegistry fast_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() { return std::make_unique<CpuBackend>(); }

}  // namespace qedge
