#include "cpu_backend.h"

#include "qedge/cpu_ref/ref_kernels.h"

namespace qedge {
namespace {

class CpuBackend : public Backend {
 public:
  CpuBackend() { ref::register_all(kernels_); }
  std::string_view name() const override { return "cpu"; }
  bool supports(const NodeDesc& node) const override { return kernels_.find(node.domain, node.op_type) != nullptr; }
  Result<std::unique_ptr<OpKernel>> create_kernel(const NodeDesc& node) override {
    const KernelFactory* f = kernels_.find(node.domain, node.op_type);
    if (!f) {
      return Unsupported("node '" + std::string(node.name) + "': no cpu kernel for " + std::string(node.op_type));
    }
    return (*f)();
  }

 private:
  KernelRegistry kernels_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() { return std::make_unique<CpuBackend>(); }

}  // namespace qedge
