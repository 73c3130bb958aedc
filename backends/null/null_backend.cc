#include "null_backend.h"

namespace qedge {
namespace {

class NullBackend : public Backend {
 public:
  std::string_view name() const override { return "null"; }
  bool supports(const NodeDesc&) const override { return false; }
  Result<std::unique_ptr<OpKernel>> create_kernel(const NodeDesc& node) override {
    return Unsupported("null backend cannot run node '" + std::string(node.name) + "'");
  }
};

}  // namespace

std::unique_ptr<Backend> make_null_backend() { return std::make_unique<NullBackend>(); }

}  // namespace qedge
